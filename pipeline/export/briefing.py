"""``briefing.html``: a self-contained HTML briefing of a coverage :class:`~pipeline.export.Report`.

One file, no network and no script: CSS is inline, the bar charts are PNGs
(:mod:`pipeline.export.charts`) embedded as ``data:`` URIs and shown at most as wide as the
screen, the heatmaps are HTML tables with the criterion titles on hover, and two radio buttons
order the companies by score or by name through CSS alone. Each company section holds its
profile and engagement brief (:mod:`.company_html`) and its evidence, with the criteria of no
disclosure folded under a count. Every piece of crawled text (company names, titles, quotes,
URLs) is escaped, and only absolute http(s) URLs become links.

The page is assembled from :data:`SECTIONS` and, per company, :data:`COMPANY_PARTS`: a new
section is one more function in one of those tuples.

Example
-------
>>> write_briefing(report, "out/briefing.html")  # doctest: +SKIP
>>> write_company_briefing(report, "Acme Telecom", "out/acme.html")  # doctest: +SKIP
"""
from __future__ import annotations

import base64
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from string import Template
from typing import Any

import numpy as np
import pandas as pd

from ..doctype import DOCTYPE_LABELS
from ..records import stable_id
from ..settings import Settings
from ..taxonomy import load_taxonomy
from .brief import briefs_of, element_answers, not_collected
from .charts import DPI, colour, comparison, ranking
from .company_html import brief_html, profile_html
from .files import Exporter, atomic_path
from .frameworks import framework_label, framework_name, order_frameworks
from .markup import VERDICT_LABELS as _VERDICT_LABELS
from .markup import esc as _esc
from .markup import link as _link
from .markup import num as _num
from .markup import score_cell as _score_cell
from .markup import verdict_badge as _verdict_badge
from .model import Report, parse_evidence
from .page import CSS, PAGE
from .sections import references_section, salient_section

__all__ = ["HtmlExporter", "company_anchor", "render_briefing", "write_briefing", "write_company_briefing"]

# Companies per chart image: the setting briefing_panel_rows (a run of a thousand companies gets
# several images instead of one 50,000 px tall).
# Companies per criteria heatmap table: narrow enough for a phone, set side by side when wide.
HEATMAP_COMPANIES = 8
# Radio buttons that reorder the company list and sections by CSS alone (the page runs no script).
_ORDER_CONTROL = (
    '<input type="radio" name="order" id="order-score" class="order" checked>'
    '<input type="radio" name="order" id="order-name" class="order">'
    '<p class="order-control">Companies in order: <label for="order-score">by score</label> '
    '<label for="order-name">alphabetical</label></p>'
)


class HtmlExporter(Exporter):
    """``briefing.html``: the full briefing of :func:`write_briefing`, ``panel_rows`` companies
    per chart image."""

    format = "html"

    def __init__(self, chunk_companies: int = Settings.export_chunk_companies,
                 panel_rows: int = Settings.briefing_panel_rows):
        super().__init__(chunk_companies)
        self.panel_rows = panel_rows

    def export(self, report: Report, out_dir: Path) -> list[Path]:
        return [write_briefing(report, out_dir / "briefing.html", panel_rows=self.panel_rows)]


def company_anchor(company: str) -> str:
    """The HTML id of a company's section: a readable slug plus a short hash for uniqueness."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(company).casefold()).strip("-")[:40]
    return f"company-{slug + '-' if slug else ''}{stable_id(company, length=8)}"


def render_briefing(report: Report, company: str | None = None, *,
                    panel_rows: int = Settings.briefing_panel_rows) -> str:
    """The briefing as one HTML string: all companies, or only ``company`` compared with
    anonymous peer figures (median and best) when a name is given; charts show ``panel_rows``
    companies per image."""
    return "".join(_briefing_parts(report, company, panel_rows))


def write_briefing(report: Report, path: str | os.PathLike[str], *,
                   panel_rows: int = Settings.briefing_panel_rows) -> Path:
    """Write the full briefing to ``path`` atomically and return the path.

    The page is written section by section, so only one company's quotes are in memory at once.
    """
    return _write(_briefing_parts(report, panel_rows=panel_rows), Path(path))


def write_company_briefing(report: Report, company: str, path: str | os.PathLike[str], *,
                           panel_rows: int = Settings.briefing_panel_rows) -> Path:
    """Write a one-company briefing (peers shown only as median and best) to ``path``."""
    return _write(_briefing_parts(report, company=company, panel_rows=panel_rows), Path(path))


def _briefing_parts(report: Report, company: str | None = None,
                    panel_rows: int = Settings.briefing_panel_rows) -> Iterator[str]:
    """The briefing page in pieces that concatenate to the whole HTML text (checked eagerly)."""
    if panel_rows < 1:
        raise ValueError(f"panel_rows={panel_rows}: a chart image shows at least 1 company")
    view = _View(report, panel_rows)
    companies = view.companies
    if company is not None and company not in companies:
        shown = ", ".join(map(repr, companies[:10])) + (" ..." if len(companies) > 10 else "")
        raise ValueError(f"company {company!r} is not in the report; known companies: {shown}")
    if company is None:
        title = "Human-rights disclosure coverage"
        toc = _ORDER_CONTROL + _toc(view)
        body = itertools.chain(
            (section(view) for section in SECTIONS),
            (_framework_section(view, fw) for fw in report.framework_ids),
            ['<section id="companies"><h2>Companies</h2><p class="small">In the order chosen above. '
             "Each has its profile, its engagement brief and the evidence for every criterion.</p></section>"
             '<div class="companies">'],
            (_company_section(view, name) for name in companies),
            ["</div>"],
        )
    else:
        title = f"Human-rights disclosure coverage: {company}"
        toc = ""
        body = [_peer_position(view, company), salient_section(report, company_anchor, company),
                references_section(report, company_anchor, company),
                _company_section(view, company, heading_level=2, name_peers=False)]
    return _page(title, _header(title, report.meta), toc, body)


def _page(title: str, header: str, toc: str, body: Iterable[str]) -> Iterator[str]:
    top, bottom = PAGE.template.split("$body")
    yield Template(top).substitute(title=_esc(title), css=CSS, header=header, toc=toc)
    sep = ""
    for part in itertools.chain(body, [_method()]):
        if part:
            yield sep + part
            sep = "\n"
    yield bottom


def _write(parts: Iterable[str], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        fh.writelines(parts)
    return path


# ---------------------------------------------------------------- data views


#: Most sub-scores of one framework shown in the overview table (RDR's G, F, P fit; more wait
#: for the framework's own ranking table, where a phone folds them too).
_OVERVIEW_SUBSCORES = 3


class _View:
    """Lookups shared by the sections, computed once per briefing."""

    def __init__(self, report: Report, panel_rows: int = Settings.briefing_panel_rows):
        self.report = report
        self.panel_rows = panel_rows
        tables = report.tables
        self.coverage = report.coverage_summary  # the quotes are read per company section
        self.changes = tables["changes"]
        self.documents = tables["documents"]
        self.languages = tuple(report.meta.get("model_languages") or ("en",))
        self.min_confidence = float(report.meta.get("language_min_confidence", 0.5))
        self.element_answers = element_answers(report)
        self.questions = {e.id: e.text for c in load_taxonomy().leaves for e in c.elements}
        frameworks = tables["frameworks"].drop_duplicates(["company", "framework"])
        self.scores = frameworks.pivot(index="company", columns="framework", values="score")
        self.scores = self.scores[order_frameworks(self.scores.columns)]
        self.ranks = self.scores.rank(ascending=False, method="min")
        self.sectors = self.coverage.drop_duplicates("company").set_index("company")["sector"]
        counts = self.coverage.groupby(["company", "framework", "verdict"]).size()
        self.verdict_counts = counts.unstack("verdict", fill_value=0).reindex(
            columns=list(_VERDICT_LABELS), fill_value=0
        )
        self.briefs = briefs_of(report)
        names = set(self.coverage["company"]) | set(tables["frameworks"]["company"])
        self.by_name = sorted(names, key=str.casefold)
        overall = self.overall
        #: companies best first (mean of the framework scores), ties and unscored by name
        self.companies = sorted(self.by_name, key=lambda c: (-overall.get(c, -1.0), c.casefold()))
        self.name_order = {c: i for i, c in enumerate(self.by_name)}

    @property
    def overall(self) -> pd.Series:
        """Mean of each company's top-level framework scores (the ranking order)."""
        top = [c for c in self.scores.columns if "." not in c]
        return self.scores[top].mean(axis=1, skipna=True).dropna()

    def grid(self, framework: str) -> pd.DataFrame:
        """Companies x criteria scores of one framework, criteria in taxonomy order."""
        cov = self.coverage[self.coverage["framework"] == framework]
        # dropna=False keeps the cells of criteria that do not apply (no score): they are grey
        grid = cov.pivot_table(index="company", columns="criterion", values="score", aggfunc="first", dropna=False)
        criteria = self.report.criteria_of(framework)["criterion"]
        return grid.reindex(columns=[c for c in criteria if c in grid.columns])

    def not_applicable(self, framework: str) -> set[tuple[str, str]]:
        """(company, criterion) pairs of ``framework`` whose coverage row has applicable == False."""
        cov = self.coverage
        if "applicable" not in cov.columns:
            return set()
        rows = cov[(cov["framework"] == framework) & cov["applicable"].map(lambda v: v is False or str(v).lower() == "false")]
        return set(zip(rows["company"], rows["criterion"]))


# ---------------------------------------------------------------- sections


def _header(title: str, meta: Mapping[str, Any]) -> str:
    items = []
    for key, value in meta.items():
        if value is None or (isinstance(value, (Mapping, list, tuple, str)) and not value):
            continue  # a first run has no previous run: say nothing rather than show an empty field
        if isinstance(value, Mapping):
            value = " · ".join(f"{str(k).replace('_', ' ')} {v}" for k, v in value.items())
        elif isinstance(value, (list, tuple)):
            value = ", ".join(map(str, value))
        items.append(f"<div><dt>{_esc(str(key).replace('_', ' '))}</dt><dd>{_esc(value)}</dd></div>")
    return (
        f'<header class="top"><p class="kicker">hrdc briefing</p><h1>{_esc(title)}</h1>'
        f'<dl class="meta">{"".join(items)}</dl></header>'
    )


def _toc(view: _View) -> str:
    fw_links = "".join(
        f'<li><a href="#framework-{_esc(fw)}">{_esc(framework_name(fw))}</a></li>'
        for fw in view.report.framework_ids
    )
    co_links = "".join(f'<li style="--by-name:{view.name_order[c]}"><a href="#{company_anchor(c)}">{_esc(c)}</a></li>'
                       for c in view.companies)
    beside = "".join(f'<li><a href="#{table}">{text}</a></li>' for table, text in
                     (("salient", "Salient issues"), ("references", "Published scores beside hrdc's"))
                     if len(view.report.tables[table]))
    changes = beside + ('<li><a href="#changes">Changes since last run</a></li>' if view.report.meta.get("previous_run") else "")
    return (
        '<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>'
        f'<li><a href="#overview">Overview</a></li>{changes}'
        f'<li><a href="#rankings">Rankings by framework</a><ol>{fw_links}</ol></li>'
        f'<li><a href="#companies">Companies</a><ol class="cols ordered">{co_links}</ol></li>'
        '<li><a href="#method">How to read this briefing</a></li></ol></nav>'
    )


def _overview(view: _View) -> str:
    scores = view.scores
    if scores.empty:
        return '<section id="overview"><h2>Overview</h2><p class="muted">No scores in this run.</p></section>'
    # Framework totals, and the sub-scores of frameworks with at most three (RDR's categories,
    # folded on a phone); KnowTheChain's seven themes and the like stay in their own ranking.
    parents = pd.Series([fw.split(".")[0] for fw in scores.columns if "." in fw]).value_counts()
    scores = scores[[fw for fw in scores.columns if "." not in fw or parents[fw.split(".")[0]] <= _OVERVIEW_SUBSCORES]]
    sub = ["subfw" if "." in fw else "" for fw in scores.columns]
    head = "".join(f'<th class="num {cls}" title="{_esc(framework_name(fw))}">{_esc(framework_label(fw))}</th>'
                   for fw, cls in zip(scores.columns, sub))
    overall = view.overall

    def body(order: list[str], cls: str) -> str:
        rows = []
        for company in order:
            if company not in scores.index:
                continue
            cells = "".join(_score_cell(scores.at[company, fw], cls=cls) for fw, cls in zip(scores.columns, sub))
            sector = view.sectors.get(company, "")
            rows.append(
                f'<tr><th scope="row"><a href="#{company_anchor(company)}">{_esc(company)}</a>'
                f'{f"<span class=sector-line>{_esc(sector)}</span>" if sector else ""}</th>'
                f"{_score_cell(overall.get(company, np.nan))}{cells}</tr>"
            )
        return f'<tbody class="{cls}">{"".join(rows)}</tbody>'

    return (
        '<section id="overview"><h2>Overview</h2>'
        "<p>Coverage score per framework, 0 (no disclosure found) to 100 (every criterion "
        "fully covered); <em>All</em> is the mean of the framework scores and orders the companies. "
        "Company names link to the evidence behind each number.</p>"
        f'<div class="fit"><table class="grid overview"><thead><tr><th>Company</th>'
        f'<th class=num title="mean of the framework scores">All</th>{head}</tr></thead>'
        f'{body(view.companies, "by-score")}{body(view.by_name, "by-name")}</table></div></section>'
    )


def _not_assessed(meta: Mapping[str, Any]) -> str:
    """Companies without a readable document: listed with the reason, never shown as 0."""
    missing = meta.get("not_assessed") or {}
    if not missing:
        return ""
    items = "".join(f"<li><strong>{_esc(c)}</strong>: {_esc(why)}</li>" for c, why in sorted(missing.items()))
    return ('<section id="not-assessed"><h2>Not assessed</h2><p>These companies have no score: '
            "hrdc found no document it could read for them, which says nothing about what they "
            f"disclose.</p><ul>{items}</ul></section>")


def _changes_overview(view: _View) -> str:
    changes = view.changes
    previous = view.report.meta.get("previous_run")
    if not previous:
        return ""  # a first run: the header says nothing about a previous run either
    if changes.empty:
        return (f'<section id="changes"><h2>Changes since last run</h2><p>No changes since run {_esc(previous)}: '
                "every criterion has the score it had then.</p></section>")
    up = int((changes["delta"] > 0).sum())
    down = int((changes["delta"] < 0).sum())
    same = len(changes) - up - down
    top = changes.reindex(changes["delta"].abs().sort_values(ascending=False).index).head(25)
    return (
        '<section id="changes"><h2>Changes since last run</h2>'
        f"<p><strong>{len(changes)}</strong> criterion results changed since run {_esc(previous)}: "
        f'<span class="up">{up} up</span>, <span class="down">{down} down</span>, '
        f"{same} with changed documents but the same score.</p>"
        f"{_changes_table(view, top, with_company=True)}</section>"
    )


def _framework_section(view: _View, framework: str) -> str:
    scores = view.scores[framework].dropna() if framework in view.scores else pd.Series(dtype=float)
    scores = scores.sort_values(ascending=False, kind="stable")
    sub = [c for c in view.scores.columns if c.startswith(f"{framework}.")]
    parts = [f'<section class="framework" id="framework-{_esc(framework)}">']
    if framework == view.report.framework_ids[0]:
        parts[0] = '<section id="rankings"><h2>Rankings by framework</h2></section>' + parts[0]
    parts.append(f"<h3>{_esc(framework_name(framework))} <span class=fwid>{_esc(framework)}</span></h3>")
    if scores.empty:
        parts.append('<p class="muted">No company was scored on this framework.</p></section>')
        return "".join(parts)
    chart = _panels(scores, ranking, f"Ranking of companies by {framework_name(framework)} score", view.panel_rows)
    head = "".join(f'<th class="num subfw" title="{_esc(framework_label(c))}">{_esc(c.split(".", 1)[1])}</th>' for c in sub)
    rows = []
    for company, score in scores.items():
        counts = _counts(view, company, framework)
        subcells = "".join(_score_cell(view.scores.at[company, c], cls="subfw") for c in sub)
        rows.append(
            f"<tr><td class=num>{int(view.ranks.at[company, framework])}</td>"
            f'<th scope="row"><a href="#{company_anchor(company)}">{_esc(company)}</a></th>'
            f"{_score_cell(score)}{subcells}<td class=\"num counts\"><span class=c-full>{counts['full']}</span>"
            f" · <span class=c-partial>{counts['partial']}</span> · <span class=c-none>{counts['none']}</span></td></tr>"
        )
    table = (
        f'<table class="grid rank{" many" if len(sub) > _OVERVIEW_SUBSCORES else ""}"><thead><tr><th class=num>#</th><th>Company</th>'
        f"<th class=num>Score</th>{head}<th class=num title='criteria full · partial · none'>Full · part · none</th>"
        f'</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    parts.append(f'<div class="split"><figure class="chart">{chart}</figure><div class="fit">{table}</div></div>')
    grid = view.grid(framework)
    if not grid.empty:
        order = scores.index.intersection(grid.index).append(grid.index.difference(scores.index))
        parts.append(
            f"<h4>Criteria coverage ({len(grid.columns)} criteria)</h4>"
            f"{_heatmap(view, grid.reindex(index=order), framework)}"
            '<p class="small muted">Rows: criteria in taxonomy order (hover or tap an id for its title). '
            "Columns: companies, best first. Green full, amber partial, red no disclosure found, "
            "grey not applicable.</p>"
        )
    parts.append("</section>")
    return "".join(parts)


def _company_section(view: _View, company: str, heading_level: int = 3, name_peers: bool = True) -> str:
    h, hh = f"h{heading_level}", f"h{heading_level + 1}"
    cov = view.report.company_coverage(company)
    sector = view.sectors.get(company, "")
    rank = view.companies.index(company)
    parts = [
        f'<section class="company" id="{company_anchor(company)}" style="--by-score:{rank};'
        f'--by-name:{view.name_order[company]}">',
        f"<{h}>{_esc(company)}{f' <span class=sector>{_esc(sector)}</span>' if sector else ''}</{h}>",
    ]
    parts.extend(part(view, company, hh, name_peers) for part in COMPANY_PARTS)
    changes = view.changes[view.changes["company"] == company]
    if len(changes):
        parts.append(f"<{hh}>Change since last run</{hh}>{_changes_table(view, changes)}")
    docs = view.documents[view.documents["company"] == company]
    missing = not_collected(docs)  # once per company, for every framework block
    parts.append(f"<{hh}>Evidence per criterion</{hh}>")
    for framework in order_frameworks(cov["framework"].unique()):
        parts.append(_criteria_block(view, cov[cov["framework"] == framework], framework, company, missing))
    if len(docs):
        parts.append(f"<{hh}>Documents read</{hh}>{_documents_found(docs, view.languages, view.min_confidence)}"
                     f"{_documents_table(docs, view.languages, view.min_confidence)}")
    parts.append('<p class="back"><a href="#top">Back to top</a></p></section>')
    return "".join(parts)


def _criteria_block(view: _View, cov: pd.DataFrame, framework: str, company: str,
                    missing: Mapping[str, str]) -> str:
    counts = _counts(view, company, framework)
    score = view.scores.at[company, framework] if company in view.scores.index and framework in view.scores else np.nan
    score_text = "" if pd.isna(score) else f" · score {score:.0f}"
    na = view.not_applicable(framework)
    rows, nones = [], []
    for rec in cov.to_dict("records"):
        questions = _element_answers(view, company, rec["criterion"])
        if (company, rec["criterion"]) in na:
            nones.append(f'<li class="na"><span class="crit">{_esc(rec["criterion"])}</span> {_esc(rec["title"])} '
                         '<span class="muted">not applicable to this company</span></li>')
            continue
        evidence = parse_evidence(rec)
        if rec["verdict"] == "none" and not evidence:
            note = f' <span class="muted">{_esc(missing[rec["criterion"]])}</span>' if missing.get(rec["criterion"]) else ""
            nones.append(f'<li><span class="crit">{_esc(rec["criterion"])}</span> {_esc(rec["title"])}{note}{questions}</li>')
            continue
        n = rec["n_passages"]
        passages = "" if pd.isna(n) else f'<span class="npass">{int(n)} passage{"s" if n != 1 else ""}</span>'
        rows.append(
            f'<tr class="row-{_esc(rec["verdict"])}"><td class="crit">{_esc(rec["criterion"])}</td>'
            f'<td class="ctitle">{_esc(rec["title"])}</td>'
            f'<td class="verdict">{_verdict_badge(rec["verdict"])}{passages}</td>'
            f"<td class=evidence-cell>{questions}{_evidence_list(evidence)}</td></tr>"
        )
    table = ""
    if rows:
        table = ('<table class="crit-table"><thead><tr><th>Criterion</th><th>Title</th><th>Verdict</th>'
                 f'<th>Evidence (verbatim quotes, best first)</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    folded = ""
    if nones:
        folded = (f'<details class="none-rows"><summary>{len(nones)} criteri{"on" if len(nones) == 1 else "a"} '
                  f'with no disclosure found{" or not applicable" if na else ""}</summary>'
                  f'<ul class="none-list">{"".join(nones)}</ul></details>')
    return (
        f'<details class="criteria" open><summary><strong>{_esc(framework_name(framework))}</strong>{score_text}'
        f' · <span class="v v-full">{counts["full"]} full</span> '
        f'<span class="v v-partial">{counts["partial"]} partial</span> '
        f'<span class="v v-none">{counts["none"]} none</span></summary>{table}{folded}</details>'
    )


_ANSWER_LABELS = {"yes": "yes", "partial": "partial", "no": "no", "no disclosure found": "not found", "NA": "N/A"}


def _element_answers(view: _View, company: str, criterion: str) -> str:
    """RDR's questions for one indicator with hrdc's answer to each, folded under a count."""
    answers = view.element_answers.get((company, criterion.removeprefix("rdr.")))
    if not answers:
        return ""
    counts = {}
    for _, result in answers:
        counts[_ANSWER_LABELS.get(result, result)] = counts.get(_ANSWER_LABELS.get(result, result), 0) + 1
    summary = ", ".join(f"{n} {label}" for label, n in counts.items())
    items = "".join(
        f'<li><span class="crit">{_esc(element)}</span> <span class="ans ans-{_esc(_ANSWER_LABELS.get(result, result).replace(" ", "-").replace("/", "").lower())}">'
        f'{_esc(_ANSWER_LABELS.get(result, result))}</span> {_esc(view.questions.get(element, ""))}</li>'
        for element, result in answers)
    return (f'<details class="questions"><summary>{len(answers)} questions: {_esc(summary)}</summary>'
            f'<ul class="questions">{items}</ul></details>')


def _evidence_list(evidence: list[dict[str, Any]], shown: int = 2) -> str:
    """The best quotes in full; the rest folded so long criteria stay scannable."""
    if not evidence:
        return '<span class="muted">No disclosure found.</span>'
    items = "".join(_evidence_item(ev) for ev in evidence[:shown])
    more = evidence[shown:]
    if more:
        items += (
            f'<li class="more"><details><summary>{len(more)} more quote{"s" if len(more) > 1 else ""}'
            f'</summary><ol class="evidence" start="{shown + 1}">'
            f'{"".join(_evidence_item(ev) for ev in more)}</ol></details></li>'
        )
    return f'<ol class="evidence">{items}</ol>'


def _evidence_item(ev: Mapping[str, Any]) -> str:
    marks = ""
    if ev.get("future"):
        marks += '<span class="mark future" title="a commitment about the future, not current practice">Future commitment</span>'
    if ev.get("negative"):
        marks += '<span class="mark negative" title="the passage says the company does not do this">Negative statement</span>'
    page = ev.get("page")
    has_page = page is not None and not pd.isna(page) and str(page) != ""
    cite = [_link(ev.get("url", ""), page if has_page else None)]
    if has_page:
        cite.append(f'<span class="page">p.&nbsp;{_esc(page)}</span>')
    retrieved = str(ev.get("retrieved_at") or "")
    if retrieved:
        cite.append(f'<span title="{_esc(retrieved)}">retrieved {_esc(retrieved[:10])}</span>')
    sha = str(ev.get("sha256") or "")
    if sha:
        cite.append(f'<span class="sha" title="sha256 {_esc(sha)}">{_esc(sha[:10])}</span>')
    return (
        f'<li><blockquote>{_esc(ev.get("quote", ""))}</blockquote>'
        f'<div class="cite">{marks}{" · ".join(c for c in cite if c)}</div></li>'
    )


def _changes_table(view: _View, changes: pd.DataFrame, with_company: bool = False) -> str:
    titles = view.coverage.drop_duplicates("criterion").set_index("criterion")["title"]
    rows = []
    for rec in changes.to_dict("records"):
        delta = rec["delta"]
        cls = "up" if delta > 0 else "down" if delta < 0 else "same"
        arrow = "▲" if delta > 0 else "▼" if delta < 0 else "="
        docs = " ".join(_link(u) for u in str(rec["changed_documents"]).split("; ") if u)
        company = (
            f'<td><a href="#{company_anchor(rec["company"])}">{_esc(rec["company"])}</a></td>'
            if with_company else ""
        )
        rows.append(
            f"<tr>{company}<td>{_esc(framework_label(rec['framework']))}</td>"
            f"<td class=crit>{_esc(rec['criterion'])}</td><td>{_esc(titles.get(rec['criterion'], ''))}</td>"
            f"<td class=num>{_num(rec['score_from'])} → {_num(rec['score_to'])}</td>"
            f'<td class="num {cls}">{arrow} {_num(abs(delta)) if not pd.isna(delta) else ""}</td>'
            f"<td class=nowrap>{_verdict_badge(rec['verdict_from'])} → {_verdict_badge(rec['verdict_to'])}</td>"
            f'<td class="docs">{docs}</td></tr>'
        )
    head = "<th>Company</th>" if with_company else ""
    return (
        f'<div class="scroll"><table class="grid changes"><thead><tr>{head}<th>Framework</th>'
        "<th>Criterion</th><th>Title</th><th class=num>Score</th><th class=num>Change</th>"
        f'<th>Verdict</th><th>Changed documents</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    )


#: Document types an analyst expects for an ICT company; the briefing names the missing ones.
_EXPECTED_DOCTYPES = ("privacy_policy", "terms", "community_rules", "law_enforcement_guidelines",
                      "transparency_report", "human_rights_policy")


def _documents_found(docs: pd.DataFrame, languages: Sequence[str], min_confidence: float = 0.5) -> str:
    """Which kinds of document were read, which could not be read, and which were not found."""
    types = docs.get("doctype", pd.Series("", index=docs.index)).fillna("").astype(str)
    is_read = _is_read(docs, languages, min_confidence)
    read = sorted({t for t, ok in zip(types, is_read) if t and ok})
    unread = docs[~is_read]
    missing = [t for t in _EXPECTED_DOCTYPES if t not in set(types)]
    parts = []
    if read:
        parts.append("Read: " + ", ".join(_esc(DOCTYPE_LABELS.get(t, t)) for t in read) + ".")
    if len(unread):
        parts.append(f"Not read ({len(unread)}, in a language the model does not read, "
                     f"{', '.join(languages)} only): " + ", ".join(
                         f"{_esc(DOCTYPE_LABELS.get(t, t) or 'document')} ({_esc(lang)})"
                         for t, lang in zip(unread.get("doctype", ""), unread["language"])) + ".")
    if missing:
        parts.append("Not collected: " + ", ".join(_esc(DOCTYPE_LABELS[t]) for t in missing)
                     + "; criteria these would answer may show no disclosure for that reason.")
    return f'<p class="small">{" ".join(parts)}</p>' if parts else ""


def _is_read(docs: pd.DataFrame, languages: Sequence[str], min_confidence: float = 0.5) -> pd.Series:
    """Per document, whether the run read it (:func:`pipeline.extract.language.readable`)."""
    from ..extract.language import readable  # here, not at the top: pipeline.extract loads every extractor

    langs = docs.get("language", pd.Series("", index=docs.index)).fillna("")
    sure = docs.get("language_confidence", pd.Series(1.0, index=docs.index)).fillna(1.0)
    return pd.Series([readable(lang, c, languages, min_confidence) for lang, c in zip(langs, sure)], index=docs.index, dtype=bool)


def _documents_table(docs: pd.DataFrame, languages: Sequence[str] = ("en",), min_confidence: float = 0.5) -> str:
    rows = []
    for rec, read in zip(docs.to_dict("records"), _is_read(docs, languages, min_confidence)):
        flags = "".join(f'<span class="mark flag">{_esc(f)}</span>' for f in str(rec["flags"]).split("; ") if f)
        lang = str(rec.get("language") or "")
        if not read:
            flags += f'<span class="mark flag">not read: {_esc(lang)}</span>'
        title = _esc(rec["title"]) or '<span class="muted">untitled</span>'
        doctype = DOCTYPE_LABELS.get(str(rec.get("doctype") or ""), "")
        rows.append(
            f"<tr><td>{title}<div class=small>{_link(rec['url'])}</div></td>"
            f"<td>{_esc(doctype)}<div class=small>{_esc(rec['kind'])}{' · ' + _esc(lang) if lang else ''}</div></td>"
            f"<td class=nowrap data-label='retrieved '>{_esc(str(rec['retrieved_at'])[:10])}</td>"
            f"<td class=num data-label='passages '>{_num(rec['n_passages'])}</td>"
            f"<td>{flags}</td></tr>"
        )
    return (
        '<div class="scroll"><table class="grid docs"><thead><tr><th>Document</th><th>Type</th>'
        "<th>Retrieved</th><th class=num>Passages</th><th>Flags</th></tr></thead>"
        f'<tbody>{"".join(rows)}</tbody></table></div>'
    )


def _peer_position(view: _View, company: str) -> str:
    scores = view.scores
    peers = scores.drop(index=company, errors="ignore")
    n = scores.notna().sum()
    rows = []
    for fw in scores.columns:
        value = scores.at[company, fw] if company in scores.index else np.nan
        if pd.isna(value):
            continue
        rows.append(
            f"<tr><th scope=row>{_esc(framework_label(fw))}</th>{_score_cell(value)}"
            f"<td class=num>{int(view.ranks.at[company, fw])} of {int(n[fw])}</td>"
            f"{_score_cell(peers[fw].median())}{_score_cell(peers[fw].max())}</tr>"
        )
    if not rows:
        return ""
    compare = pd.DataFrame({
        company: scores.loc[company], "peer median": peers.median(), "best peer": peers.max(),
    }).dropna(subset=[company])
    chart = _img(comparison(compare.rename(index=framework_label)), f"{company} compared with peers")
    return (
        '<section id="position"><h2>Position among peers</h2>'
        f"<p>Scores of {_esc(company)} compared with the other {len(peers)} companies of this "
        "run, shown only as their median and best score.</p>"
        f'<div class="split"><figure class="chart">{chart}</figure><div><table class="grid rank">'
        "<thead><tr><th>Framework</th><th class=num>Score</th><th class=num>Rank</th>"
        f'<th class=num>Peer median</th><th class=num>Best peer</th></tr></thead><tbody>{"".join(rows)}'
        "</tbody></table></div></div></section>"
    )


def _method() -> str:
    return (
        '<section id="method"><h2>How to read this briefing</h2><ul>'
        f'<li>{_verdict_badge("full")} 100: the criterion is covered by the published documents; '
        f'{_verdict_badge("partial")} 50: partly covered; {_verdict_badge("none")} 0: no disclosure found.</li>'
        "<li>Criteria with their own questions (RDR, GNI, UNGP RF, KnowTheChain, CHRB, conflict "
        "minerals) are judged question by question, as RDR's researchers do: each question is "
        "answered yes (100), partial (50) or no disclosure found (0), or left out where the framework "
        "does not ask it of the company; the criterion's score is the mean, and it is full only when "
        "every question is answered yes. Modern Slavery Act criteria are judged on their supporting "
        "passages. RDR's answers are in <code>rdr-element-results.csv</code>, in RDR's own "
        "element-results format.</li>"
        "<li>RDR's scores follow RDR's own aggregation (indicators, families, categories, total); "
        "KnowTheChain, CHRB and conflict minerals average criteria per theme and weigh the themes "
        "by the framework's own weights; the others average their criteria. Criteria that do not "
        "apply to a company's sector are grey and never counted.</li>"
        "<li>Every quote is verbatim from the linked document, with its page, retrieval date and "
        "the first characters of the document version's sha256. RDR's questions about a document "
        "itself (is the privacy policy easy to find?) cite that document by its title.</li>"
        '<li><span class="mark future">Future commitment</span> marks a promise about the future, '
        'not current practice; <span class="mark negative">Negative statement</span> marks a passage '
        "saying the company does not do something. Both can weigh differently from a plain "
        "disclosure.</li>"
        "<li>Passages are found and classified automatically. Read the quotes before citing a "
        "number in a meeting.</li></ul></section>"
    )


# ---------------------------------------------------------------- small helpers


def _counts(view: _View, company: str, framework: str) -> dict[str, int]:
    key = (company, framework)
    if key in view.verdict_counts.index:
        return {v: int(view.verdict_counts.at[key, v]) for v in _VERDICT_LABELS}
    return dict.fromkeys(_VERDICT_LABELS, 0)


def _panels(rows: pd.DataFrame | pd.Series, draw: Callable[[Any], bytes], alt: str, per: int) -> str:
    """One chart image per ``per`` rows of ``rows``, in order."""
    n = len(rows)
    if n <= per:
        return _img(draw(rows), alt)
    return "".join(
        _img(draw(rows.iloc[start:start + per]),
             f"{alt}, rows {start + 1} to {min(start + per, n)} of {n}")
        for start in range(0, n, per)
    )


def _img(png: bytes, alt: str) -> str:
    # Drawn at DPI, shown at CSS 96 px per inch: sharp on high-density screens and in print.
    width = int.from_bytes(png[16:20], "big") * 96 // DPI  # PNG IHDR width
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" width="{width}" alt="{_esc(alt)}">'


def _heatmap(view: _View, grid: pd.DataFrame, framework: str) -> str:
    """Criteria (rows) x companies (columns) as HTML tables of coloured cells.

    Criteria are rows so the labels are never squeezed: a table holds :data:`HEATMAP_COMPANIES`
    companies and the tables sit side by side where the screen is wide enough."""
    titles = view.report.criteria_of(framework).set_index("criterion")["title"]
    na = view.not_applicable(framework)
    verdict = {100.0: "full", 50.0: "partial", 0.0: "none"}
    companies = list(grid.index)
    blocks = []
    for start in range(0, len(companies), HEATMAP_COMPANIES):
        names = companies[start:start + HEATMAP_COMPANIES]
        head = "".join(f'<th class="co" scope="col" title="{_esc(c)}"><span>{_esc(c)}</span></th>' for c in names)
        rows = []
        for criterion in grid.columns:
            title = titles.get(criterion, "")
            cells = []
            for company in names:
                score = grid.at[company, criterion]
                if (company, criterion) in na:
                    cells.append(f'<td class="hm-na" title="{_esc(company)} · {_esc(criterion)}: not applicable"></td>')
                elif pd.isna(score):
                    cells.append(f'<td class="hm-missing" title="{_esc(company)} · {_esc(criterion)}: not assessed"></td>')
                else:
                    label = verdict.get(float(score), f"{score:.0f}")
                    cells.append(f'<td class="hm-{_esc(label)}" style="background:{colour(score)}" '
                                 f'title="{_esc(company)} · {_esc(criterion)}: {_esc(label)} ({score:.0f})"></td>')
            rows.append(f'<tr><th scope="row" class="hm-crit" title="{_esc(criterion)}: {_esc(title)}">'
                        f'<span class="cid">{_esc(criterion.split(".", 1)[-1])}</span> '
                        f'<span class="ctitle">{_esc(title)}</span></th>{"".join(cells)}</tr>')
        blocks.append(f'<table class="heatmap" aria-label="{_esc(framework_name(framework))} criteria by company">'
                      f'<thead><tr><th class="hm-corner">Criterion</th>{head}</tr></thead>'
                      f'<tbody>{"".join(rows)}</tbody></table>')
    return f'<div class="heatmaps">{"".join(blocks)}</div>'


def _profile_part(view: _View, company: str, heading: str, name_peers: bool) -> str:
    brief = view.briefs.get(company)
    return profile_html(brief.profile, heading) if brief else ""


def _brief_part(view: _View, company: str, heading: str, name_peers: bool) -> str:
    brief = view.briefs.get(company)
    return brief_html(brief, heading, name_peers=name_peers) if brief else ""


# The briefing's parts, in page order. A new section is a function of the view (whole page) or
# of the view, company, heading tag and whether peers may be named (company section).
SECTIONS: tuple[Callable[[_View], str], ...] = (
    _overview,
    lambda view: salient_section(view.report, company_anchor),
    lambda view: references_section(view.report, company_anchor),
    lambda view: _not_assessed(view.report.meta),
    _changes_overview,
)
COMPANY_PARTS: tuple[Callable[[_View, str, str, bool], str], ...] = (_profile_part, _brief_part)
