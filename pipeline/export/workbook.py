"""``coverage.xlsx``: summary and company profile sheets, a score grid per framework, evidence,
changes, documents.

The workbook is written in openpyxl's write-only mode, the evidence a few companies at a time.
Crawled text is always stored as text, never as a formula.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..references import ATTRIBUTIONS, CAVEAT
from ..salient import DEFINITION, load_salient_issues
from .files import Exporter, atomic_path, safe_http_url
from .frameworks import order_frameworks
from ..settings import Settings
from .model import SCORE_COLOURS, Report, evidence_table, is_missing, parse_evidence
from .profile import build_profiles, profile_table

__all__ = ["XlsxExporter", "build_workbook"]


class XlsxExporter(Exporter):
    """``coverage.xlsx``: summary, profiles, a score grid per framework, evidence, changes, documents."""

    format = "xlsx"

    def export(self, report: Report, out_dir: Path) -> list[Path]:
        path = out_dir / "coverage.xlsx"
        workbook = build_workbook(report, self.chunk_companies)
        with atomic_path(path) as tmp:
            workbook.save(tmp)
        return [path]


_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_EXCEL_MAX_CHARS = 32767
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F2A44")
_SUBHEADER_FILL = PatternFill("solid", fgColor="E7EAF0")
#: Cells of criteria and frameworks that do not apply to the company's sector: grey "n/a".
_NOT_APPLICABLE = "n/a"
_NOT_APPLICABLE_FILL = PatternFill("solid", fgColor="D9DCE1")
_EVIDENCE_SHEET_COLUMNS = (
    "company", "criterion", "verdict", "quote", "url", "page", "retrieved_at", "sha256",
    "future", "negative", "framework", "rank",
)
_WIDTHS = {"quote": 90, "title": 50, "url": 50, "changed_documents": 50, "sha256": 20, "strongest": 50,
           "weakest": 50, "change": 40, "documents": 60}


def build_workbook(report: Report, chunk_companies: int = Settings.export_chunk_companies) -> Workbook:
    """The ``coverage.xlsx`` workbook: summary, profiles (:func:`.profile.profile_table`), one
    score grid per framework, evidence, changes and documents sheets. Crawled text is always stored as text, never as a formula.

    The workbook is in openpyxl's write-only mode (rows already sit in temporary files): save it
    once. The evidence is read ``chunk_companies`` companies at a time.
    """
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet("summary")
    profiles = workbook.create_sheet("profiles")
    _salient_sheet(workbook.create_sheet("salient issues"), report)
    _references_sheet(workbook.create_sheet("references"), report)
    grids = {fw: workbook.create_sheet(_sheet_title(fw)) for fw in report.framework_ids}
    evidence, changes, documents = (workbook.create_sheet(n) for n in ("evidence", "changes", "documents"))
    _summary_sheet(summary, report)
    table = profile_table(build_profiles(report))
    _table_sheet(profiles, [table], table.columns)
    # One pass over the evidence fills the evidence sheet and keeps the short comments of the
    # score grids, whose rows are in score order rather than in table order.
    comments: dict[tuple[str, str], str] = {}

    def evidence_chunks() -> Iterator[pd.DataFrame]:
        for chunk in report.coverage_chunks(chunk_companies):
            comments.update(
                ((row["company"], row["criterion"]), _evidence_comment(row)) for row in chunk.to_dict("records")
            )
            yield evidence_table(chunk)[list(_EVIDENCE_SHEET_COLUMNS)]

    _table_sheet(evidence, evidence_chunks(), _EVIDENCE_SHEET_COLUMNS)
    for framework, sheet in grids.items():
        _framework_sheet(sheet, report, framework, comments)
    _table_sheet(changes, [report.tables["changes"]], report.tables["changes"].columns)
    _table_sheet(documents, [report.tables["documents"]], report.tables["documents"].columns)
    return workbook


def _summary_sheet(ws: WriteOnlyWorksheet, report: Report) -> None:
    scores = report.tables["frameworks"].pivot_table(
        index="company", columns="framework", values="score", aggfunc="first", sort=False
    )
    columns = order_frameworks(scores.columns)
    coverage = report.coverage_summary
    sectors = coverage.drop_duplicates("company").set_index("company")["sector"]
    applies = coverage.groupby(["company", "framework"])["applicable"].any()
    companies = sorted(set(scores.index) | set(sectors.index), key=str.casefold)
    ws.freeze_panes = "B2"
    _widths(ws, {1: 28, 2: 18, **{c: 10 for c in range(3, len(columns) + 3)}})
    ws.append(_header(ws, ["company", "sector", *columns]))
    for company in companies:
        values = [_NOT_APPLICABLE if not applies.get((company, fw.split(".")[0]), True)
                  else scores.at[company, fw] if company in scores.index else np.nan for fw in columns]
        ws.append([_not_applicable(ws) if v is _NOT_APPLICABLE else _value(ws, v)
                   for v in (company, sectors.get(company, ""), *values)])
    _score_scale(ws, 3, len(columns) + 2, 2, len(companies) + 1)


def _salient_sheet(ws: WriteOnlyWorksheet, report: Report) -> None:
    """Companies x salient issues grid of coverage scores, with the definition below it."""
    issues = load_salient_issues()
    salient = report.tables["salient"]
    scores = {(c, i): s for c, i, s in zip(salient["company"], salient["issue"], salient["score"])}
    sectors = report.coverage_summary.drop_duplicates("company").set_index("company")["sector"]
    companies = sorted(set(sectors.index) | set(salient["company"]), key=str.casefold)
    ws.freeze_panes = "C2"
    _widths(ws, {1: 28, 2: 18, **{c: 16 for c in range(3, len(issues.titles) + 3)}})
    ws.append(_header(ws, ["company", "sector", *issues.titles.values()]))
    for company in companies:
        values = [scores.get((company, issue), np.nan) for issue in issues.titles]
        ws.append([_value(ws, v) for v in (company, sectors.get(company, ""), *values)])
    _score_scale(ws, 3, len(issues.titles) + 2, 2, len(companies) + 1)
    ws.append([])
    for note in (DEFINITION, *(f"{t}: {d}" for t, d in zip(issues.titles.values(), issues.descriptions.values())),
                 f"Source: {issues.attribution} {issues.source}"):
        ws.append([_value(ws, note)])


_REFERENCE_SHEET_COLUMNS = {
    "company": "company", "benchmark": "benchmark", "edition": "edition", "indicator": "indicator",
    "title": "title", "score": "published score", "hrdc_score": "hrdc score",
    "published_company": "published as", "source": "source",
}


def _references_sheet(ws: WriteOnlyWorksheet, report: Report) -> None:
    """Published benchmark scores beside hrdc's, one row per company x indicator, then the caveat
    and the attribution of each benchmark shown."""
    table = report.tables["references"][list(_REFERENCE_SHEET_COLUMNS)].rename(columns=_REFERENCE_SHEET_COLUMNS)
    _table_sheet(ws, [table], table.columns)
    ws.append([])
    if table.empty:
        ws.append([_value(ws, "No published score matches a company of this report; add files with "
                              "--reference and names with --aliases.")])
    ws.append([_value(ws, CAVEAT)])
    for benchmark in dict.fromkeys(table["benchmark"]):
        if benchmark in ATTRIBUTIONS:
            ws.append([_value(ws, ATTRIBUTIONS[benchmark])])


def _framework_sheet(ws: WriteOnlyWorksheet, report: Report, framework: str,
                     comments: Mapping[tuple[str, str], str]) -> None:
    """Companies (best first) x criteria grid of scores; each score cell comments its best quote."""
    coverage = report.coverage_summary
    coverage = coverage[coverage["framework"] == framework]
    criteria = report.criteria_of(framework)
    fw_scores = report.tables["frameworks"]
    fw_scores = fw_scores[fw_scores["framework"] == framework].drop_duplicates("company")
    fw_scores = fw_scores.set_index("company")["score"]
    companies = sorted(
        set(coverage["company"]) | set(fw_scores.index),
        key=lambda c: (-_or(fw_scores.get(c), -1.0), c.casefold()),
    )
    scores = {(c, k): v for c, k, v in zip(coverage["company"], coverage["criterion"], coverage["score"])}
    not_applicable = set(zip(*(coverage.loc[~coverage["applicable"], col] for col in ("company", "criterion"))))

    last_col = len(criteria) + 2
    ws.freeze_panes = "C3"
    _widths(ws, {1: 28, 2: 12, **{c: 11 for c in range(3, last_col + 1)}})
    ws.row_dimensions[2].height = 64
    ws.append(_header(ws, ["company", f"{framework} score", *criteria["criterion"]]))
    subheader = []
    for text in ["criterion →", "framework score", *criteria["title"]]:
        cell = _cell(ws, text)
        cell.fill = _SUBHEADER_FILL
        cell.font = Font(italic=True, size=9)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        subheader.append(cell)
    ws.append(subheader)
    for company in companies:
        row = [_value(ws, company), _value(ws, fw_scores.get(company, np.nan))]
        for criterion in criteria["criterion"]:
            if (company, criterion) in not_applicable:
                row.append(_not_applicable(ws))
                continue
            if (company, criterion) not in scores:
                row.append(None)
                continue
            cell = _cell(ws, scores[company, criterion])
            cell.comment = Comment(comments[company, criterion], "hrdc")
            cell.comment.width, cell.comment.height = 420, 220
            row.append(cell)
        ws.append(row)
    _score_scale(ws, 2, last_col, 3, len(companies) + 2)


def _evidence_comment(row: Mapping[str, Any]) -> str:
    lines = [f"{row['verdict']} ({row['n_passages']} passages)"]
    for ev in parse_evidence(row)[:2]:
        quote = str(ev.get("quote", ""))
        lines.append(f"“{quote[:300]}{'…' if len(quote) > 300 else ''}”")
        page = ev.get("page")
        lines.append(f"{ev.get('url', '')}{'' if is_missing(page) else f' p. {page}'}")
    return _clean("\n".join(lines))


def _table_sheet(ws: WriteOnlyWorksheet, chunks: Iterable[pd.DataFrame], columns: Iterable[str]) -> None:
    """A plain table: styled header, autofilter, frozen header row, http(s) urls as links.

    Column widths come from the first 200 rows, so those are read before anything is written
    (a write-only sheet needs its widths before its first row).
    """
    columns = list(columns)
    chunks = iter(chunks)
    head: list[pd.DataFrame] = []
    for chunk in chunks:
        head.append(chunk)
        if sum(map(len, head)) >= 200:
            break
    first = pd.concat(head).head(200) if head else pd.DataFrame(columns=columns)
    ws.freeze_panes = "B2"
    _widths(ws, {
        c: _WIDTHS.get(col, min(40, max(10, len(col) + 2, *(len(str(v)) + 2 for v in first[col]))))
        for c, col in enumerate(columns, start=1)
    })
    ws.append(_header(ws, columns))
    wrap = Alignment(wrap_text=True, vertical="top")
    n_rows = 0
    for chunk in itertools.chain(head, chunks):
        for record in chunk.itertuples(index=False):
            row = []
            for column, value in zip(columns, record):
                if column in ("quote", "title"):
                    cell = _cell(ws, value)
                    cell.alignment = wrap
                elif column == "url" and (link := safe_http_url(value)):
                    cell = _cell(ws, value)
                    cell.hyperlink = link
                    cell.style = "Hyperlink"
                else:
                    cell = _value(ws, value)
                row.append(cell)
            ws.append(row)
        n_rows += len(chunk)
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(n_rows, 1) + 1}"


def _value(ws: WriteOnlyWorksheet, value: Any) -> Any:
    """A value to append to ``ws`` that can never become a formula (crawled text is untrusted).

    Plain numbers and text are appended as they are; text that openpyxl would read as a formula
    or an error code gets a cell of its own, typed as text.
    """
    if is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    text = _clean(str(value))
    if text.startswith(_FORMULA_PREFIXES) or text in ERROR_CODES:
        cell = WriteOnlyCell(ws, text)
        cell.data_type = "s"
        if text.startswith(_FORMULA_PREFIXES):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        return cell
    return text


def _not_applicable(ws: WriteOnlyWorksheet) -> Cell:
    """A grey "n/a" cell: the criterion or framework does not apply to the company's sector."""
    cell = WriteOnlyCell(ws, _NOT_APPLICABLE)
    cell.fill, cell.font = _NOT_APPLICABLE_FILL, Font(color="5B6577", size=9)
    cell.alignment = Alignment(horizontal="center")
    return cell


def _cell(ws: WriteOnlyWorksheet, value: Any) -> Cell:
    """A cell of ``ws`` (to be styled) holding ``value`` as :func:`_value` would."""
    value = _value(ws, value)
    return value if isinstance(value, Cell) else WriteOnlyCell(ws, value)


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:_EXCEL_MAX_CHARS]


def _header(ws: WriteOnlyWorksheet, names: list[str]) -> list[Cell]:
    cells = []
    for name in names:
        cell = _cell(ws, name)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        cells.append(cell)
    return cells


def _score_scale(ws: WriteOnlyWorksheet, first_col: int, last_col: int, first_row: int, last_row: int) -> None:
    if last_col < first_col or last_row < first_row:
        return
    ref = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
    low, mid, high = SCORE_COLOURS
    ws.conditional_formatting.add(ref, ColorScaleRule(
        start_type="num", start_value=0, start_color=low,
        mid_type="num", mid_value=50, mid_color=mid,
        end_type="num", end_value=100, end_color=high,
    ))


def _widths(ws: WriteOnlyWorksheet, widths: Mapping[int, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


def _sheet_title(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "framework"


def _or(value: Any, default: float) -> float:
    return default if is_missing(value) else float(value)
