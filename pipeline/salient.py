"""Salient human-rights issues of the ICT sector and each company's coverage of them.

``corpora/criteria/salient_issues.yaml`` defines the issues (digital rights, security and
conflict, discrimination, supply-chain labour) and maps every criterion of each framework it
lists to the issues the criterion bears on. :func:`load_salient_issues` checks it against the
taxonomy: a listed framework must map each of its leaf criteria, and an id that is not one of
its leaves is an error naming the file and line. A framework the file does not list yet is
reported in :attr:`SalientIssues.unmapped` (and logged), not an error, so adding a framework
file never breaks a run.

:func:`salient_coverage` turns a coverage table into one score per company and issue.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .paths import CORPORA_DIR
from .taxonomy import SALIENT_FILE, Taxonomy, TaxonomyError, _File, load_taxonomy

log = logging.getLogger("hrdc.salient")

__all__ = ["SALIENT_COLUMNS", "SalientIssues", "load_salient_issues", "salient_coverage"]

_HEADER = (("name", "source", "attribution", "issues", "frameworks"), ())
_ISSUE_KEYS = (("id", "title", "description"), ())
#: How :func:`salient_coverage` scores an issue; the briefing and the workbook print it.
DEFINITION = (
    "Coverage of a salient issue is the mean of the company's framework means: for each framework, "
    "the mean score (0-100) of its applicable criteria that bear on the issue; each framework "
    "with such criteria weighs the same, so a framework with many criteria does not outweigh one "
    "with few."
)
SALIENT_COLUMNS = ("company", "issue", "title", "score", "n_criteria", "frameworks")


@dataclass(frozen=True)
class SalientIssues:
    """The issues (id -> title, description), the criterion -> issues mapping, and the leaf
    criteria of frameworks the file does not map yet."""

    titles: dict[str, str]
    descriptions: dict[str, str]
    mapping: dict[str, tuple[str, ...]]
    unmapped: tuple[str, ...]
    source: str
    attribution: str

    def to_frame(self) -> pd.DataFrame:
        """One row per criterion x issue: criterion, issue."""
        rows = [(c, i) for c, issues in self.mapping.items() for i in issues]
        return pd.DataFrame(rows, columns=["criterion", "issue"])


def load_salient_issues(directory: str | Path | None = None, taxonomy: Taxonomy | None = None) -> SalientIssues:
    """Read and check ``salient_issues.yaml`` in ``directory`` (default ``corpora/criteria``)
    against ``taxonomy`` (default: the criteria files of the same directory)."""
    if directory is None and taxonomy is None:
        return _load_default()
    folder = Path(directory) if directory is not None else CORPORA_DIR / "criteria"
    return _load(folder / SALIENT_FILE, taxonomy or load_taxonomy(folder))


@lru_cache(maxsize=1)
def _load_default() -> SalientIssues:
    return _load(CORPORA_DIR / "criteria" / SALIENT_FILE, load_taxonomy())


def _load(path: Path, taxonomy: Taxonomy) -> SalientIssues:
    if not path.is_file():
        raise TaxonomyError(f"salient issues file {path} not found")
    f = _File(path)
    data = f.check_keys(f.read(), 1, _HEADER, "salient issues file")
    issues = data["issues"]
    if not isinstance(issues, list) or not issues:
        raise f.fail(data.key_lines["issues"], "'issues' must be a non-empty list of {id, title, description}")
    titles, descriptions = {}, {}
    for line, item in zip(issues.item_lines, issues):
        item = f.check_keys(item, line, _ISSUE_KEYS, "issue")
        issue = f.text(item, "id")
        if issue in titles:
            raise f.fail(item.line, f"duplicate issue id {issue!r}")
        titles[issue], descriptions[issue] = f.text(item, "title"), f.text(item, "description")
    sections = data["frameworks"]
    if not isinstance(sections, dict):
        raise f.fail(data.key_lines["frameworks"], "'frameworks' must map a framework to {criterion: [issues]}")
    mapping: dict[str, tuple[str, ...]] = {}
    for framework, section in sections.items():
        line = sections.key_lines[framework]
        if framework not in taxonomy.frameworks:
            raise f.fail(line, f"unknown framework {framework!r}; known: {', '.join(taxonomy.frameworks)}")
        if not isinstance(section, dict):
            raise f.fail(line, f"{framework}: expected a mapping of criterion id: [issues]")
        leaves = [c.id for c in taxonomy.framework(framework)]
        for cid, found in section.items():
            at = section.key_lines[cid]
            if cid not in leaves:
                raise f.fail(at, f"{cid!r} is not a leaf criterion of {framework}")
            if not isinstance(found, list) or not found or not all(isinstance(i, str) for i in found):
                raise f.fail(at, f"{cid}: expected a non-empty list of issue ids ({', '.join(titles)})")
            bad = [i for i in found if i not in titles]
            if bad:
                raise f.fail(at, f"{cid}: unknown issue {bad[0]!r}; use one of {', '.join(titles)}")
            mapping[cid] = tuple(dict.fromkeys(found))
        missing = [c for c in leaves if c not in section]
        if missing:
            raise f.fail(line, f"{framework}: {len(missing)} criteria have no salient issue: {', '.join(missing)}")
    unmapped = tuple(c.id for c in taxonomy.leaves if c.framework not in sections)
    if unmapped:
        names = sorted({taxonomy.get(c).framework for c in unmapped})
        log.warning("%s maps no criterion of %s (%d criteria); they are left out of the salient-issue "
                    "coverage until a section is added", f.name, ", ".join(names), len(unmapped))
    return SalientIssues(titles, descriptions, mapping, unmapped, f.text(data, "source"),
                         f.text(data, "attribution"))


def salient_coverage(coverage: pd.DataFrame, issues: SalientIssues) -> pd.DataFrame:
    """One row per company x issue (:data:`SALIENT_COLUMNS`) from a coverage table (company,
    framework, criterion, score; ``applicable`` when present), scored as :data:`DEFINITION` says.

    ``n_criteria`` counts the criteria averaged; ``frameworks`` lists their frameworks.
    """
    rows = coverage
    if "applicable" in rows:  # criteria that do not apply to the company's sector never count
        rows = rows[rows["applicable"].astype(bool)]
    rows = rows[["company", "framework", "criterion", "score"]].merge(issues.to_frame(), on="criterion")
    rows = rows.dropna(subset=["score"])
    if rows.empty:
        return pd.DataFrame(columns=list(SALIENT_COLUMNS))
    per_framework = rows.groupby(["company", "issue", "framework"], sort=False).agg(
        score=("score", "mean"), n=("criterion", "size")).reset_index()
    out = per_framework.groupby(["company", "issue"], sort=False).agg(
        score=("score", "mean"), n_criteria=("n", "sum"),
        frameworks=("framework", lambda s: "; ".join(sorted(s)))).reset_index()
    out["title"] = out["issue"].map(issues.titles)
    order = {issue: i for i, issue in enumerate(issues.titles)}
    out = out.sort_values(["company", "issue"], key=lambda s: s.map(order) if s.name == "issue" else s.str.casefold())
    return out[list(SALIENT_COLUMNS)].reset_index(drop=True)
