"""Export a coverage report as CSV, XLSX, Parquet tables and an HTML briefing.

A :class:`Report` holds plain DataFrames built from the store. Each output format has one
exporter class behind the :class:`Exporter` interface (as in ``scrapy.exporters``), and
:func:`write_exports` runs the requested ones. Every file is written to a temporary name in
the output folder and renamed into place, so an interrupted run never leaves a half-written
file under a final name.

Example
-------
>>> paths = write_exports(report, "out", formats=("csv", "html"))  # doctest: +SKIP
>>> paths["csv"][0].name  # doctest: +SKIP
'coverage.csv'
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "COVERAGE_COLUMNS",
    "FRAMEWORK_ORDER",
    "TABLE_SCHEMAS",
    "CsvExporter",
    "Exporter",
    "EXPORTERS",
    "HtmlExporter",
    "ParquetExporter",
    "Report",
    "XlsxExporter",
    "atomic_path",
    "build_workbook",
    "evidence_table",
    "order_frameworks",
    "parse_evidence",
    "read_table",
    "safe_http_url",
    "write_exports",
]

COVERAGE_COLUMNS = (
    "company", "framework", "criterion", "title", "verdict", "score", "n_passages",
    "evidence", "url", "page",
)
FRAMEWORK_ORDER = ("rdr", "rdr.G", "rdr.F", "rdr.P", "gni", "ungp", "msa")
VERDICTS = ("full", "partial", "none")
# Heat colours for scores 0 / 50 / 100 (none / partial / full), shared with the briefing.
SCORE_COLOURS = ("E8A49C", "F6D68E", "74C195")

# Column -> dtype for every exported table, in output order. "str" columns never hold missing
# values (they become ""), so CSV and Parquet read back the same frame.
TABLE_SCHEMAS: dict[str, dict[str, str]] = {
    "coverage": {
        "company": "str", "framework": "str", "criterion": "str", "title": "str",
        "verdict": "str", "score": "float64", "n_passages": "Int64", "evidence": "str",
        "url": "str", "page": "Int64", "company_id": "str", "sector": "str",
        "category": "str", "family": "str", "evidence_json": "str",
    },
    "evidence": {
        "company": "str", "company_id": "str", "framework": "str", "criterion": "str",
        "verdict": "str", "rank": "Int64", "quote": "str", "url": "str", "page": "Int64",
        "retrieved_at": "str", "sha256": "str", "passage_score": "float64",
        "future": "bool", "negative": "bool",
    },
    "frameworks": {"company": "str", "framework": "str", "score": "float64"},
    "changes": {
        "company": "str", "framework": "str", "criterion": "str", "score_from": "float64",
        "score_to": "float64", "delta": "float64", "verdict_from": "str", "verdict_to": "str",
        "changed_documents": "str",
    },
    "documents": {
        "company": "str", "url": "str", "kind": "str", "title": "str", "retrieved_at": "str",
        "sha256": "str", "n_passages": "Int64", "flags": "str",
    },
}
# Inputs may omit these columns; everything else in a schema is required.
_OPTIONAL_INPUT = {
    "coverage": {"company_id", "sector", "category", "family", "evidence_json"},
    "changes": {"changed_documents", "verdict_from", "verdict_to", "delta"},
    "documents": {"kind", "title", "retrieved_at", "sha256", "n_passages", "flags"},
}


@dataclass(frozen=True, eq=False)
class Report:
    """Everything an export needs, as plain DataFrames.

    ``coverage`` has one row per company x criterion (columns :data:`COVERAGE_COLUMNS` plus
    ``company_id, sector, category, family, evidence_json``); ``frameworks`` has one row per
    company x framework score (``rdr.G``/``rdr.F``/``rdr.P`` for RDR categories); ``changes``
    (may be empty) compares with the previous run; ``documents`` lists the sources; ``meta``
    describes the run; ``criteria`` is the taxonomy (criterion, framework, title, category,
    family) and fixes the order of criteria.
    """

    coverage: pd.DataFrame
    frameworks: pd.DataFrame
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    documents: pd.DataFrame = field(default_factory=pd.DataFrame)
    meta: Mapping[str, Any] = field(default_factory=dict)
    criteria: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __post_init__(self) -> None:
        for name in ("coverage", "frameworks", "changes", "documents"):
            frame = getattr(self, name)
            if not isinstance(frame, pd.DataFrame):
                raise TypeError(f"Report.{name} must be a pandas DataFrame, got {type(frame).__name__}")
            if name in ("changes", "documents") and frame.empty and not len(frame.columns):
                continue
            required = [c for c in TABLE_SCHEMAS[name] if c not in _OPTIONAL_INPUT.get(name, ())]
            missing = [c for c in required if c not in frame.columns]
            if missing:
                raise ValueError(
                    f"Report.{name} is missing column(s) {', '.join(missing)}; "
                    f"expected at least: {', '.join(required)}"
                )
        bad = sorted(set(self.coverage["verdict"].dropna().astype(str)) - set(VERDICTS))
        if bad:
            raise ValueError(
                f"Report.coverage has unknown verdict(s) {', '.join(map(repr, bad))}; "
                f"allowed: {', '.join(VERDICTS)}"
            )

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The five exported tables with the columns and dtypes of :data:`TABLE_SCHEMAS`."""
        coverage = _conform(self.coverage, "coverage")
        coverage = coverage.iloc[_coverage_order(coverage, self.criteria)].reset_index(drop=True)
        return {
            "coverage": coverage,
            "evidence": evidence_table(coverage),
            "frameworks": _conform(self.frameworks, "frameworks"),
            "changes": _conform(self.changes, "changes"),
            "documents": _conform(self.documents, "documents"),
        }

    @cached_property
    def framework_ids(self) -> list[str]:
        """Frameworks with criteria (rdr, gni, ungp, msa, then any other), in display order."""
        found = set(self.tables["coverage"]["framework"])
        if not self.criteria.empty and "framework" in self.criteria:
            found |= set(self.criteria["framework"].dropna().astype(str))
        return order_frameworks(found)

    def criteria_of(self, framework: str) -> pd.DataFrame:
        """Criterion id and title of one framework, in taxonomy order then by id."""
        cov = self.tables["coverage"]
        cov = cov.loc[cov["framework"] == framework, ["criterion", "title"]].drop_duplicates("criterion")
        if not self.criteria.empty and {"criterion", "framework"} <= set(self.criteria.columns):
            tax = self.criteria.loc[self.criteria["framework"].astype(str) == framework]
            tax = tax.reindex(columns=["criterion", "title"]).fillna("").astype(str)
            cov = pd.concat([tax, cov[~cov["criterion"].isin(tax["criterion"])]])
        return cov.drop_duplicates("criterion").reset_index(drop=True)


def evidence_table(coverage: pd.DataFrame) -> pd.DataFrame:
    """One row per evidence quote, from the ``evidence_json`` column of a coverage table.

    Rows without ``evidence_json`` but with a best quote in ``evidence`` give one row.
    ``rank`` is the quote's position (1 = best); ``passage_score`` is the tagger's score.
    """
    rows = []
    for rec in coverage.to_dict("records"):
        for rank, ev in enumerate(parse_evidence(rec), start=1):
            rows.append({
                "company": rec["company"], "company_id": rec.get("company_id", ""),
                "framework": rec["framework"], "criterion": rec["criterion"],
                "verdict": rec["verdict"], "rank": rank, "quote": ev.get("quote", ""),
                "url": ev.get("url", ""), "page": ev.get("page"),
                "retrieved_at": ev.get("retrieved_at", ""), "sha256": ev.get("sha256", ""),
                "passage_score": ev.get("score"), "future": bool(ev.get("future", False)),
                "negative": bool(ev.get("negative", False)),
            })
    return _conform(pd.DataFrame(rows, columns=list(TABLE_SCHEMAS["evidence"])), "evidence")


def parse_evidence(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The evidence dicts of one coverage row (best first); a clear error for bad JSON."""
    raw = row.get("evidence_json", "")
    if isinstance(raw, (list, tuple)):
        items = list(raw)
    elif _is_missing(raw) or not str(raw).strip():
        items = []
    else:
        try:
            items = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"coverage row company={row.get('company')!r} criterion={row.get('criterion')!r}: "
                f"evidence_json is not valid JSON ({exc.msg} at char {exc.pos}); "
                "it must be a JSON list of {quote, url, page, ...} objects"
            ) from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValueError(
            f"coverage row company={row.get('company')!r} criterion={row.get('criterion')!r}: "
            "evidence_json must be a JSON list of objects"
        )
    if not items and not _is_missing(row.get("evidence")) and str(row.get("evidence")).strip():
        items = [{"quote": row["evidence"], "url": row.get("url", ""), "page": row.get("page")}]
    return items


def safe_http_url(url: Any) -> str | None:
    """``url`` cleaned if it is an absolute http(s) address, else ``None``.

    Crawled pages can carry ``javascript:``/``data:`` links; only http(s) may become a link.
    """
    if _is_missing(url):
        return None
    text = str(url).strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return parts.geturl()


# ---------------------------------------------------------------- atomic files


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` only if the block succeeds.

    >>> with atomic_path("out/coverage.csv") as tmp:  # doctest: +SKIP
    ...     frame.to_csv(tmp)
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; exports are meant to be shared
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------- exporters


class Exporter(ABC):
    """Writes a :class:`Report` in one format into a folder and returns the files written."""

    format: ClassVar[str]

    @abstractmethod
    def export(self, report: Report, out_dir: Path) -> list[Path]:
        """Write the files of this format into ``out_dir`` (which exists)."""


class TableExporter(Exporter):
    """One file per table of the report, named ``<table>.<format>``."""

    def export(self, report: Report, out_dir: Path) -> list[Path]:
        paths = []
        for name, frame in report.tables.items():
            path = out_dir / f"{name}.{self.format}"
            with atomic_path(path) as tmp:
                self.write(frame, tmp)
            paths.append(path)
        return paths

    @abstractmethod
    def write(self, frame: pd.DataFrame, path: Path) -> None:
        """Write one table to ``path``."""


class CsvExporter(TableExporter):
    """One UTF-8 CSV per table; read back with :func:`read_table`."""

    format = "csv"

    def write(self, frame: pd.DataFrame, path: Path) -> None:
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


class ParquetExporter(TableExporter):
    """One Parquet file per table (pyarrow), keeping the nullable dtypes."""

    format = "parquet"

    def write(self, frame: pd.DataFrame, path: Path) -> None:
        frame.to_parquet(path, index=False, engine="pyarrow")


class XlsxExporter(Exporter):
    """``coverage.xlsx``: a summary sheet, a score grid per framework, evidence, changes, documents."""

    format = "xlsx"

    def export(self, report: Report, out_dir: Path) -> list[Path]:
        path = out_dir / "coverage.xlsx"
        workbook = build_workbook(report)
        with atomic_path(path) as tmp:
            workbook.save(tmp)
        return [path]


class HtmlExporter(Exporter):
    """``briefing.html``: the self-contained briefing of :mod:`pipeline.briefing`."""

    format = "html"

    def export(self, report: Report, out_dir: Path) -> list[Path]:
        from pipeline.briefing import write_briefing  # matplotlib is only imported when needed

        return [write_briefing(report, out_dir / "briefing.html")]


EXPORTERS: dict[str, type[Exporter]] = {
    cls.format: cls for cls in (CsvExporter, XlsxExporter, ParquetExporter, HtmlExporter)
}


def write_exports(
    report: Report,
    out_dir: str | os.PathLike[str],
    formats: Iterable[str] = ("csv", "xlsx", "parquet", "html"),
) -> dict[str, list[Path]]:
    """Write ``report`` in each of ``formats`` into ``out_dir``; return the paths per format.

    Raises ``ValueError`` naming any unknown format and the allowed ones before writing anything.
    """
    wanted = [formats] if isinstance(formats, str) else list(formats)
    unknown = [f for f in wanted if f not in EXPORTERS]
    if unknown:
        raise ValueError(
            f"unknown export format(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(EXPORTERS)}"
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".*.part"):  # temporary files of an export that was killed
        stale.unlink(missing_ok=True)
    return {fmt: EXPORTERS[fmt]().export(report, out) for fmt in dict.fromkeys(wanted)}


def read_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read back an exported ``<table>.csv`` or ``<table>.parquet`` with its schema's dtypes."""
    path = Path(path)
    name = path.stem
    if name not in TABLE_SCHEMAS:
        raise ValueError(f"{path}: not an exported table; expected one of {', '.join(TABLE_SCHEMAS)}")
    schema = TABLE_SCHEMAS[name]
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    elif path.suffix == ".csv":
        frame = pd.read_csv(
            path, dtype={c: ("str" if t == "str" else t) for c, t in schema.items()},
            keep_default_na=False,
            na_values={c: [""] for c, t in schema.items() if t != "str"},
            encoding="utf-8",
        )
    else:
        raise ValueError(f"{path}: unsupported suffix {path.suffix!r}; expected .csv or .parquet")
    return _conform(frame, name)


# ---------------------------------------------------------------- workbook

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_EXCEL_MAX_CHARS = 32767
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F2A44")
_SUBHEADER_FILL = PatternFill("solid", fgColor="E7EAF0")
_EVIDENCE_SHEET_COLUMNS = (
    "company", "criterion", "verdict", "quote", "url", "page", "retrieved_at", "sha256",
    "future", "negative", "framework", "rank",
)
_WIDTHS = {"quote": 90, "title": 50, "url": 50, "changed_documents": 50, "sha256": 20}


def build_workbook(report: Report) -> Workbook:
    """The ``coverage.xlsx`` workbook: summary, one score grid per framework, evidence,
    changes and documents sheets. Crawled text is always stored as text, never as a formula."""
    tables = report.tables
    workbook = Workbook()
    workbook.remove(workbook.active)
    _summary_sheet(workbook.create_sheet("summary"), tables)
    for framework in report.framework_ids:
        _framework_sheet(workbook.create_sheet(_sheet_title(framework)), report, framework)
    _table_sheet(workbook.create_sheet("evidence"), tables["evidence"][list(_EVIDENCE_SHEET_COLUMNS)])
    _table_sheet(workbook.create_sheet("changes"), tables["changes"])
    _table_sheet(workbook.create_sheet("documents"), tables["documents"])
    return workbook


def _summary_sheet(ws: Worksheet, tables: dict[str, pd.DataFrame]) -> None:
    scores = tables["frameworks"].pivot_table(
        index="company", columns="framework", values="score", aggfunc="first", sort=False
    )
    columns = order_frameworks(scores.columns)
    sectors = tables["coverage"].drop_duplicates("company").set_index("company")["sector"]
    companies = sorted(set(scores.index) | set(sectors.index), key=str.casefold)
    _header(ws, ["company", "sector", *columns])
    for r, company in enumerate(companies, start=2):
        _write(ws.cell(r, 1), company)
        _write(ws.cell(r, 2), sectors.get(company, ""))
        for c, framework in enumerate(columns, start=3):
            value = scores.at[company, framework] if company in scores.index else np.nan
            _write(ws.cell(r, c), value)
    _score_scale(ws, 3, len(columns) + 2, 2, len(companies) + 1)
    ws.freeze_panes = "B2"
    _widths(ws, {1: 28, 2: 18, **{c: 10 for c in range(3, len(columns) + 3)}})


def _framework_sheet(ws: Worksheet, report: Report, framework: str) -> None:
    """Companies (best first) x criteria grid of scores; each score cell comments its best quote."""
    coverage = report.tables["coverage"]
    coverage = coverage[coverage["framework"] == framework]
    criteria = report.criteria_of(framework)
    fw_scores = report.tables["frameworks"]
    fw_scores = fw_scores[fw_scores["framework"] == framework].drop_duplicates("company")
    fw_scores = fw_scores.set_index("company")["score"]
    companies = sorted(
        set(coverage["company"]) | set(fw_scores.index),
        key=lambda c: (-_or(fw_scores.get(c), -1.0), c.casefold()),
    )
    cells = {(r["company"], r["criterion"]): r for r in coverage.to_dict("records")}

    _header(ws, ["company", f"{framework} score", *criteria["criterion"]])
    for c, text in enumerate(["criterion →", "framework score", *criteria["title"]], start=1):
        cell = ws.cell(2, c)
        _write(cell, text)
        cell.fill = _SUBHEADER_FILL
        cell.font = Font(italic=True, size=9)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = 64
    for r, company in enumerate(companies, start=3):
        _write(ws.cell(r, 1), company)
        _write(ws.cell(r, 2), fw_scores.get(company, np.nan))
        for c, criterion in enumerate(criteria["criterion"], start=3):
            row = cells.get((company, criterion))
            if row is None:
                continue
            cell = ws.cell(r, c)
            _write(cell, row["score"])
            cell.comment = _evidence_comment(row)
    last_col = len(criteria) + 2
    _score_scale(ws, 2, last_col, 3, len(companies) + 2)
    ws.freeze_panes = "C3"
    _widths(ws, {1: 28, 2: 12, **{c: 11 for c in range(3, last_col + 1)}})


def _evidence_comment(row: Mapping[str, Any]) -> Comment:
    lines = [f"{row['verdict']} ({row['n_passages']} passages)"]
    for ev in parse_evidence(row)[:2]:
        quote = str(ev.get("quote", ""))
        lines.append(f"“{quote[:300]}{'…' if len(quote) > 300 else ''}”")
        page = ev.get("page")
        lines.append(f"{ev.get('url', '')}{'' if _is_missing(page) else f' p. {page}'}")
    comment = Comment(_clean("\n".join(lines)), "hrdc")
    comment.width, comment.height = 420, 220
    return comment


def _table_sheet(ws: Worksheet, frame: pd.DataFrame) -> None:
    """A plain table: styled header, autofilter, frozen header row, http(s) urls as links."""
    _header(ws, list(frame.columns))
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, record in enumerate(frame.itertuples(index=False), start=2):
        for c, (column, value) in enumerate(zip(frame.columns, record), start=1):
            cell = ws.cell(r, c)
            _write(cell, value)
            if column in ("quote", "title"):
                cell.alignment = wrap
            elif column == "url" and (link := safe_http_url(value)):
                cell.hyperlink = link
                cell.style = "Hyperlink"
    ws.freeze_panes = "B2"
    if len(frame.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{max(len(frame), 1) + 1}"
    _widths(ws, {
        c: _WIDTHS.get(col, min(40, max(10, len(col) + 2, *(len(str(v)) + 2 for v in frame[col].head(200)))))
        for c, col in enumerate(frame.columns, start=1)
    })


def _write(cell: Cell, value: Any) -> None:
    """Set a cell so that text can never become a formula (crawled text is untrusted)."""
    if _is_missing(value):
        cell.value = None
    elif isinstance(value, (bool, np.bool_)):
        cell.value = bool(value)
    elif isinstance(value, (int, np.integer)):
        cell.value = int(value)
    elif isinstance(value, (float, np.floating)):
        cell.value = float(value)
    else:
        text = _clean(str(value))
        cell.value = text
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        if text.startswith(_FORMULA_PREFIXES):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:_EXCEL_MAX_CHARS]


def _header(ws: Worksheet, names: list[str]) -> None:
    for c, name in enumerate(names, start=1):
        cell = ws.cell(1, c)
        _write(cell, name)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(vertical="center")


def _score_scale(ws: Worksheet, first_col: int, last_col: int, first_row: int, last_row: int) -> None:
    if last_col < first_col or last_row < first_row:
        return
    ref = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
    low, mid, high = SCORE_COLOURS
    ws.conditional_formatting.add(ref, ColorScaleRule(
        start_type="num", start_value=0, start_color=low,
        mid_type="num", mid_value=50, mid_color=mid,
        end_type="num", end_value=100, end_color=high,
    ))


def _widths(ws: Worksheet, widths: Mapping[int, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


def _sheet_title(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "framework"


def _or(value: Any, default: float) -> float:
    return default if _is_missing(value) else float(value)


# ---------------------------------------------------------------- helpers


def _conform(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Columns of ``name``'s schema first (missing optional ones filled), dtypes coerced."""
    schema = TABLE_SCHEMAS[name]
    out = pd.DataFrame(index=frame.index)
    for col, dtype in schema.items():
        values = frame[col] if col in frame.columns else pd.Series(pd.NA, index=frame.index, dtype=object)
        try:
            out[col] = _coerce(values, dtype)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"Report.{name} column {col!r}: cannot convert to {dtype} ({exc})") from None
    extra = [c for c in frame.columns if c not in schema]
    return pd.concat([out, frame[extra]], axis=1).reset_index(drop=True)


def _coerce(values: pd.Series, dtype: str) -> pd.Series:
    if dtype == "str":
        return values.map(_as_text).astype("str")
    if dtype == "bool":
        return values.map(lambda v: False if _is_missing(v) else bool(v)).astype("bool")
    numbers = pd.to_numeric(values.map(lambda v: np.nan if _is_missing(v) else v), errors="raise")
    if dtype == "Int64":
        return numbers.round().astype("Int64")
    return numbers.astype(dtype)


def _as_text(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        return "; ".join(_as_text(v) for v in value)
    if _is_missing(value):
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _is_missing(value: Any) -> bool:
    return value is None or (not isinstance(value, (str, bytes, list, tuple, np.ndarray)) and pd.isna(value))


def order_frameworks(frameworks: Iterable[str]) -> list[str]:
    """Framework ids in display order: rdr, its categories, gni, ungp, msa, then the rest."""
    found = set(frameworks)
    return [f for f in FRAMEWORK_ORDER if f in found] + sorted(found - set(FRAMEWORK_ORDER))


def _natural_key(text: str) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


def _coverage_order(coverage: pd.DataFrame, criteria: pd.DataFrame) -> np.ndarray:
    """Row order: company, framework (display order), criterion (taxonomy order, then natural)."""
    fw_rank = {f: i for i, f in enumerate(order_frameworks(coverage["framework"]))}
    tax = []
    if not criteria.empty and "criterion" in criteria:
        tax = list(dict.fromkeys(criteria["criterion"].astype(str)))
    crit_rank = {c: i for i, c in enumerate(tax)}
    keys = [
        (company.casefold(), fw_rank[fw], crit_rank.get(crit, len(crit_rank)), _natural_key(crit))
        for company, fw, crit in zip(coverage["company"], coverage["framework"], coverage["criterion"])
    ]
    return np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=int)
