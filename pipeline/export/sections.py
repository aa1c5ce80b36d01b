"""Two briefing sections beside the framework scores: coverage per salient issue, and published
benchmark scores next to hrdc's. Each returns HTML ("" when there is nothing to show); all text
is escaped."""
from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pandas as pd

from ..references import ATTRIBUTIONS, CAVEAT
from ..salient import DEFINITION, load_salient_issues
from ..taxonomy import load_taxonomy
from .beside import framework_ids
from .charts import colour
from .model import Report

__all__ = ["references_section", "salient_section"]


def salient_section(report: Report, anchor: Callable[[str], str], company: str | None = None) -> str:
    """Companies (or one ``company``) x salient issues: the coverage score, the criteria counted.
    ``anchor`` gives the id of a company's section (the names link to it)."""
    issues = load_salient_issues()
    salient = report.tables["salient"]
    if company is not None:
        salient = salient[salient["company"] == company]
    if salient.empty:
        return ""
    cells = {(r.company, r.issue): r for r in salient.itertuples(index=False)}
    head = "".join(f'<th class=num title="{_esc(issues.descriptions[i])}">{_esc(t)}</th>'
                   for i, t in issues.titles.items())
    rows = []
    for name in sorted(set(salient["company"]), key=str.casefold):
        tds = "".join(_cell(cells.get((name, issue))) for issue in issues.titles)
        rows.append(f'<tr><th scope="row"><a href="#{anchor(name)}">{_esc(name)}</a></th>{tds}</tr>')
    defined = "".join(f"<li><strong>{_esc(t)}</strong>: {_esc(issues.descriptions[i])}</li>"
                      for i, t in issues.titles.items())
    unmapped = sorted({load_taxonomy().get(c).framework for c in issues.unmapped})
    left_out = (f"<p class=small>Criteria of {_esc(', '.join(unmapped))} are not mapped to salient issues "
                "yet and are left out.</p>") if unmapped else ""
    return (
        '<section id="salient"><h2>Salient issues</h2>'
        f"<p>{_esc(DEFINITION)} Hover a cell for the criteria it averages.</p>"
        f'<div class="scroll"><table class="grid salient"><thead><tr><th>Company</th>{head}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div>'
        f'<ul class="small">{defined}</ul>{left_out}'
        f"<p class=small>{_esc(issues.attribution)}</p></section>"
    )


def references_section(report: Report, anchor: Callable[[str], str], company: str | None = None) -> str:
    """Per company, each benchmark edition's published scores beside hrdc's: framework and
    group totals in view, every other indicator folded; the caveat and each benchmark's
    attribution. ``anchor`` gives the id of a company's section (the names link to it)."""
    refs = report.tables["references"]
    if company is not None:
        refs = refs[refs["company"] == company]
    if refs.empty:
        return ""
    totals = framework_ids()
    parts = ['<section id="references"><h2>Published scores beside hrdc\'s</h2>',
             f"<p>{_esc(CAVEAT)} A dash: hrdc does not score that indicator.</p>"]
    for name, rows in sorted(refs.groupby("company", sort=False), key=lambda kv: kv[0].casefold()):
        parts.append(f'<h3><a href="#{anchor(name)}">{_esc(name)}</a></h3>')
        for (benchmark, edition), edition_rows in rows.groupby(["benchmark", "edition"], sort=True):
            published = ", ".join(dict.fromkeys(edition_rows["published_company"]))
            summary = edition_rows[edition_rows["indicator"].isin(totals)]
            detail = edition_rows[~edition_rows["indicator"].isin(totals)]
            parts.append(f"<h4>{_esc(benchmark)} {_esc(edition)} <span class=muted>published as "
                         f"{_esc(published)}</span></h4>{_table(summary)}")
            if len(detail):
                parts.append(f'<details class="criteria"><summary>{len(detail)} indicators</summary>'
                             f"{_table(detail)}</details>")
    credits = [ATTRIBUTIONS[b] for b in dict.fromkeys(refs["benchmark"]) if b in ATTRIBUTIONS]
    parts.append("".join(f"<p class=small>{_esc(c)}</p>" for c in credits) + "</section>")
    return "".join(parts)


def _table(rows: pd.DataFrame) -> str:
    if rows.empty:
        return ""
    body = "".join(
        f"<tr><td class=crit>{_esc(r.indicator)}</td><td>{_esc(r.title)}</td>"
        f"{_score(r.score)}{_score(r.hrdc_score)}</tr>" for r in rows.itertuples(index=False))
    return ('<table class="grid"><thead><tr><th>Indicator</th><th>Title</th><th class=num>Published</th>'
            f'<th class=num>hrdc</th></tr></thead><tbody>{body}</tbody></table>')


def _cell(row: Any) -> str:
    if row is None:
        return '<td class="num na" title="no criterion of this issue was scored">–</td>'
    return (f'<td class="num score" style="background:{colour(row.score)}" '
            f'title="{row.n_criteria} criteria of {_esc(row.frameworks)}">{row.score:.0f}</td>')


def _score(value: Any) -> str:
    if value is None or pd.isna(value):
        return '<td class="num na">–</td>'
    return f'<td class="num score" style="background:{colour(value)}">{value:.0f}</td>'


def _esc(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)
