"""Company profiles: sector, documents by type, standing per framework, change and strong/weak areas.

A :class:`CompanyProfile` is built from a :class:`~pipeline.export.model.Report` alone, so the
briefing, the workbook and the engagement brief show the same figures. Coverage rows whose
``applicable`` column (when present) is False are left out of every figure.

>>> profiles = build_profiles(report)  # doctest: +SKIP
>>> profiles["Acme Telecom"].standings[0].rank  # doctest: +SKIP
1
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from ..doctype import DOCTYPE_LABELS
from ..taxonomy import load_taxonomy
from .frameworks import framework_label, order_frameworks
from .model import Report

__all__ = ["Area", "ChangeSummary", "CompanyProfile", "Standing", "applicable_rows", "build_profiles",
           "change_line", "profile_table"]

#: Areas named as strongest and as weakest in a profile.
AREAS_SHOWN = 2


@dataclass(frozen=True)
class Standing:
    """A company's score on one framework (or RDR category) among the companies of the run."""

    framework: str
    label: str
    score: float
    rank: int
    of: int
    sector_median: float
    sector_size: int
    change: float | None  # points since the previous run; None without one


@dataclass(frozen=True)
class Area:
    """A group of criteria (RDR's Governance, UNGP's section A, ...) and the company's mean score."""

    label: str
    score: float
    n_criteria: int


@dataclass(frozen=True)
class ChangeSummary:
    """What changed for a company since the previous scoring run."""

    previous_run: int | None
    run_id: int | None
    improved: pd.DataFrame  # rows of Report.changes with delta > 0
    regressed: pd.DataFrame  # delta < 0


@dataclass(frozen=True)
class CompanyProfile:
    """Everything a profile shows for one company."""

    company: str
    sector: str
    documents: pd.DataFrame  # type, documents, first_retrieved, last_retrieved, languages
    standings: list[Standing]
    changes: ChangeSummary
    strongest: list[Area]
    weakest: list[Area]


def applicable_rows(coverage: pd.DataFrame) -> pd.DataFrame:
    """Coverage rows that apply to their company (all of them without an ``applicable`` column)."""
    if "applicable" not in coverage.columns:
        return coverage
    keep = coverage["applicable"].map(lambda v: v is not False and not (isinstance(v, str) and v.lower() == "false"))
    return coverage[keep.astype(bool)]


def change_line(changes: ChangeSummary) -> str:
    """One sentence on the change since the previous run, including none and a first run."""
    if changes.previous_run is None:
        return "First scoring run of this workspace: there is no earlier run to compare with."
    up, down = len(changes.improved), len(changes.regressed)
    if not up and not down:
        return f"No changes since run {changes.previous_run}."
    return (f"Since run {changes.previous_run}: {up} criteri{'on' if up == 1 else 'a'} improved, "
            f"{down} regressed.")


def build_profiles(report: Report) -> dict[str, CompanyProfile]:
    """One profile per company of the report, by company name."""
    coverage = applicable_rows(report.coverage_summary)
    scores = _score_grid(report.tables["frameworks"], coverage)
    before = _score_grid(report.previous_frameworks, coverage) if len(report.previous_frameworks) else None
    sectors = coverage.drop_duplicates("company").set_index("company")["sector"]
    documents = report.tables["documents"]
    changes = report.tables["changes"]
    areas = _area_scores(coverage)
    ranks = scores.rank(ascending=False, method="min")
    counts = scores.notna().sum()
    companies = sorted(set(coverage["company"]) | set(scores.index), key=str.casefold)
    profiles = {}
    for company in companies:
        sector = str(sectors.get(company, ""))
        peers = scores[sectors.reindex(scores.index).fillna("").eq(sector)] if sector else scores.loc[[company]]
        standings = []
        if company in scores.index:
            for fw in scores.columns:
                value = scores.at[company, fw]
                if pd.isna(value):
                    continue
                prior = before.at[company, fw] if before is not None and company in before.index and fw in before else np.nan
                standings.append(Standing(
                    framework=fw, label=framework_label(fw), score=float(value), rank=int(ranks.at[company, fw]),
                    of=int(counts[fw]), sector_median=float(peers[fw].median()),
                    sector_size=int(peers[fw].notna().sum()), change=None if pd.isna(prior) else float(value - prior),
                ))
        own = changes[changes["company"] == company]
        summary = ChangeSummary(
            previous_run=report.meta.get("previous_run") or None, run_id=report.meta.get("run_id"),
            improved=own[own["delta"] > 0].reset_index(drop=True),
            regressed=own[own["delta"] < 0].reset_index(drop=True),
        )
        ranked = areas[areas["company"] == company].sort_values(["score", "label"], ascending=[False, True])
        strongest = [_area(r) for r in ranked[ranked["score"] > 0].head(AREAS_SHOWN).itertuples()]
        shown = {a.label for a in strongest}
        weakest = [_area(r) for r in ranked.iloc[::-1].itertuples()
                   if r.label not in shown and r.score < 100][:AREAS_SHOWN]
        profiles[company] = CompanyProfile(
            company=company, sector=sector, documents=_documents_by_type(documents[documents["company"] == company]),
            standings=standings, changes=summary, strongest=strongest, weakest=weakest,
        )
    return profiles


def profile_table(profiles: dict[str, CompanyProfile]) -> pd.DataFrame:
    """One row per company x framework: the profile as a flat table (the workbook's sheet)."""
    rows = []
    for p in profiles.values():
        docs = "; ".join(f"{r.type} {r.documents}" for r in p.documents.itertuples())
        common = {"company": p.company, "sector": p.sector, "documents": docs,
                  "strongest": "; ".join(f"{a.label} ({a.score:.0f})" for a in p.strongest),
                  "weakest": "; ".join(f"{a.label} ({a.score:.0f})" for a in p.weakest),
                  "change": change_line(p.changes)}
        for s in p.standings or [None]:
            rows.append({
                "company": p.company, "sector": p.sector,
                "framework": s.label if s else "", "score": s.score if s else np.nan,
                "rank": f"{s.rank} of {s.of}" if s else "",
                "sector_median": s.sector_median if s else np.nan,
                "change_points": s.change if s and s.change is not None else np.nan,
                **{k: v for k, v in common.items() if k not in ("company", "sector")},
            })
    columns = ["company", "sector", "framework", "score", "rank", "sector_median", "change_points",
               "strongest", "weakest", "change", "documents"]
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------- helpers


def _score_grid(frameworks: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """Company x framework scores, frameworks in display order, only those applicable to a company."""
    frameworks = frameworks.drop_duplicates(["company", "framework"])
    grid = frameworks.pivot(index="company", columns="framework", values="score")
    grid = grid[order_frameworks(grid.columns)]
    if "applicable" in coverage.columns:  # coverage already holds only the applicable rows
        applies = set(zip(coverage["company"], coverage["framework"]))
        for fw in grid.columns:
            top = fw.split(".", 1)[0]
            for company in grid.index:
                if (company, top) not in applies:
                    grid.at[company, fw] = np.nan
    return grid


@cache
def _area_names() -> dict[tuple[str, str], str]:
    """(framework, group id) -> "RDR: Governance" from the criteria files' groups."""
    names = {}
    for fw, header in load_taxonomy().frameworks.items():
        for group in header["groups"]:
            names[(fw, str(group["id"]))] = f"{framework_label(fw)}: {group['title']}"
    return names


def _area_scores(coverage: pd.DataFrame) -> pd.DataFrame:
    """Mean criterion score per company and area: a framework's group of at least two criteria,
    else the framework (Modern Slavery Act's one-criterion groups pool into the framework)."""
    if coverage.empty:
        return pd.DataFrame(columns=["company", "label", "score", "n"])
    names = _area_names()
    sizes = coverage.groupby(["company", "framework", "category"])["criterion"].transform("size")
    labels = [names.get((fw, cat), framework_label(fw)) if n >= 2 else framework_label(fw)
              for fw, cat, n in zip(coverage["framework"], coverage["category"], sizes)]
    frame = coverage.assign(label=labels)
    return frame.groupby(["company", "label"], as_index=False).agg(score=("score", "mean"), n=("score", "size"))


def _area(row) -> Area:
    return Area(label=row.label, score=float(row.score), n_criteria=int(row.n))


def _documents_by_type(docs: pd.DataFrame) -> pd.DataFrame:
    """Documents of one company grouped by type: count, first and last retrieval date, languages."""
    columns = ["type", "documents", "first_retrieved", "last_retrieved", "languages"]
    if docs.empty:
        return pd.DataFrame(columns=columns)
    types = docs["doctype"].replace("", "other").map(lambda t: DOCTYPE_LABELS.get(t, t))
    dates = docs["retrieved_at"].astype(str).str[:10]
    frame = pd.DataFrame({"type": types, "date": dates, "language": docs["language"].astype(str)})
    rows = []
    for kind, group in frame.groupby("type", sort=True):
        langs = sorted({lang for lang in group["language"] if lang})
        rows.append((kind, len(group), group["date"].min(), group["date"].max(), ", ".join(langs)))
    return pd.DataFrame(rows, columns=columns).sort_values(["documents", "type"], ascending=[False, True],
                                                           ignore_index=True)
