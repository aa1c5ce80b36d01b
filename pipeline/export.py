"""Export a coverage report as CSV, XLSX, Parquet tables and an HTML briefing.

A :class:`Report` holds plain DataFrames built from the store. Each output format has one
exporter class behind the :class:`Exporter` interface (as in ``scrapy.exporters``), and
:func:`write_exports` runs the requested ones. The two big tables (coverage with its evidence
JSON, and one row per evidence quote) reach the exporters as chunks of a few companies each
(:meth:`Report.iter_table`), so memory does not grow with the number of quotes: CSV is
appended chunk by chunk, Parquet gets one row group per chunk and the workbook is written in
openpyxl's write-only mode. Every file is written to a temporary name in the output folder and
renamed into place, so an interrupted run never leaves a half-written file under a final name.

Example
-------
>>> paths = write_exports(report, "out", formats=("csv", "html"))  # doctest: +SKIP
>>> paths["csv"][0].name  # doctest: +SKIP
'coverage.csv'
"""
from __future__ import annotations

import itertools
import json
import os
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = [
    "CHUNK_COMPANIES",
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

RDR_ELEMENTS_FILE = "rdr-element-results.csv"

# Companies per chunk when the coverage and evidence tables are streamed into their files.
CHUNK_COMPANIES = 50

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
        "company": "str", "url": "str", "kind": "str", "title": "str", "doctype": "str",
        "language": "str", "language_confidence": "float64", "retrieved_at": "str", "sha256": "str",
        "n_passages": "Int64", "flags": "str",
    },
}
# Inputs may omit these columns; everything else in a schema is required.
_OPTIONAL_INPUT = {
    "coverage": {"company_id", "sector", "category", "family", "evidence_json"},
    "changes": {"changed_documents", "verdict_from", "verdict_to", "delta"},
    "documents": {"kind", "title", "doctype", "language", "language_confidence", "retrieved_at", "sha256",
                  "n_passages", "flags"},
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

    ``evidence_source``, if given, returns the ``evidence_json`` of some coverage rows (a
    DataFrame with their ``company_id`` and ``criterion``) in their order. A report built from a
    workspace uses it so that ``coverage`` holds only the best quote per row and every other
    quote is read company by company while the files are written.
    """

    coverage: pd.DataFrame
    frameworks: pd.DataFrame
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    documents: pd.DataFrame = field(default_factory=pd.DataFrame)
    meta: Mapping[str, Any] = field(default_factory=dict)
    criteria: pd.DataFrame = field(default_factory=pd.DataFrame)
    evidence_source: Callable[[pd.DataFrame], Iterable[Any]] | None = None
    #: RDR element answers in RDR's element-results format (:func:`pipeline.elements.rdr_element_table`).
    rdr_elements: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __post_init__(self) -> None:
        for name in ("coverage", "frameworks", "changes", "documents"):
            frame = getattr(self, name)
            if not isinstance(frame, pd.DataFrame):
                raise TypeError(f"Report.{name} must be a pandas DataFrame, got {type(frame).__name__}")
            if name in ("changes", "documents") and frame.empty and not len(frame.columns):
                continue
            required = [c for c in TABLE_SCHEMAS[name] if c not in _OPTIONAL_INPUT.get(name, ())]
            if name == "coverage" and self.evidence_source is not None:
                required.append("company_id")  # the key evidence_source looks rows up by
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
    def tables(self) -> Mapping[str, pd.DataFrame]:
        """The five exported tables with the columns and dtypes of :data:`TABLE_SCHEMAS`.

        Each table is built when first read; the exporters stream the big ones with
        :meth:`iter_table` instead.
        """
        return _LazyTables({
            "coverage": lambda: self._with_evidence(self._coverage),
            "evidence": lambda: evidence_table(self.tables["coverage"]),
            "frameworks": lambda: _conform(self.frameworks, "frameworks"),
            "changes": lambda: _conform(self.changes, "changes"),
            "documents": lambda: _conform(self.documents, "documents"),
        })

    @cached_property
    def coverage_summary(self) -> pd.DataFrame:
        """The coverage table without ``evidence_json`` (the best quote, url and page stay)."""
        return self._coverage.drop(columns="evidence_json")

    def iter_table(self, name: str, companies: int = CHUNK_COMPANIES) -> Iterator[pd.DataFrame]:
        """Table ``name`` in consecutive chunks that concatenate to ``tables[name]``.

        Coverage and evidence come ``companies`` companies at a time (at least one chunk, maybe
        empty); the small tables come whole.
        """
        if name == "coverage":
            yield from self.coverage_chunks(companies)
        elif name == "evidence":
            yield from map(evidence_table, self.coverage_chunks(companies))
        else:
            yield self.tables[name]

    def coverage_chunks(self, companies: int = CHUNK_COMPANIES) -> Iterator[pd.DataFrame]:
        """Coverage rows with their ``evidence_json``, ``companies`` companies per chunk."""
        if companies < 1:
            raise ValueError(f"companies per chunk must be at least 1, got {companies}")
        coverage = self._coverage
        for rows in _company_blocks(coverage["company"], companies):
            yield self._with_evidence(coverage.iloc[rows].reset_index(drop=True))

    def company_coverage(self, company: str) -> pd.DataFrame:
        """The coverage rows of one company (in table order) with their ``evidence_json``."""
        rows = self._company_rows.get(company, [])
        return self._with_evidence(self._coverage.take(rows).reset_index(drop=True))

    @cached_property
    def framework_ids(self) -> list[str]:
        """Frameworks with criteria (rdr, gni, ungp, msa, then any other), in display order."""
        found = set(self._coverage["framework"])
        if not self.criteria.empty and "framework" in self.criteria:
            found |= set(self.criteria["framework"].dropna().astype(str))
        return order_frameworks(found)

    def criteria_of(self, framework: str) -> pd.DataFrame:
        """Criterion id and title of one framework, in taxonomy order then by id."""
        cov = self._coverage
        cov = cov.loc[cov["framework"] == framework, ["criterion", "title"]].drop_duplicates("criterion")
        if not self.criteria.empty and {"criterion", "framework"} <= set(self.criteria.columns):
            tax = self.criteria.loc[self.criteria["framework"].astype(str) == framework]
            tax = tax.reindex(columns=["criterion", "title"]).fillna("").astype(str)
            cov = pd.concat([tax, cov[~cov["criterion"].isin(tax["criterion"])]])
        return cov.drop_duplicates("criterion").reset_index(drop=True)

    @cached_property
    def _coverage(self) -> pd.DataFrame:
        """Coverage conformed and in output order; ``evidence_json`` is empty with a source."""
        coverage = _conform(self.coverage, "coverage")
        return coverage.iloc[_coverage_order(coverage, self.criteria)].reset_index(drop=True)

    @cached_property
    def _company_rows(self) -> dict[str, np.ndarray]:
        return self._coverage.groupby("company", sort=False).indices

    def _with_evidence(self, rows: pd.DataFrame) -> pd.DataFrame:
        if self.evidence_source is None or rows.empty:
            return rows
        found = pd.Series(list(self.evidence_source(rows)), index=rows.index, dtype=object)
        if len(found) != len(rows):
            raise ValueError(f"evidence_source gave {len(found)} evidence lists for {len(rows)} coverage rows")
        return rows.assign(evidence_json=_coerce(found, "str"))


class _LazyTables(Mapping[str, pd.DataFrame]):
    """A read-only mapping that builds each value on first access and keeps it."""

    def __init__(self, builders: Mapping[str, Callable[[], pd.DataFrame]]):
        self._builders = dict(builders)
        self._built: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._built:
            self._built[name] = self._builders[name]()
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._builders)

    def __len__(self) -> int:
        return len(self._builders)


def _company_blocks(companies: pd.Series, size: int) -> list[slice]:
    """Row slices of ``size`` companies each over rows sorted by case-folded company name.

    Names equal up to case sort together, so they stay in one block. No rows give one empty slice.
    """
    keys = companies.str.casefold()
    starts = np.flatnonzero(keys.ne(keys.shift()).to_numpy())
    bounds = [*starts[::size].tolist(), len(companies)]
    if len(bounds) == 1:
        return [slice(0, 0)]
    return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]


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
    """Writes a :class:`Report` in one format into a folder and returns the files written.

    ``chunk_companies`` is how many companies' rows of the big tables are in memory at once.
    """

    format: ClassVar[str]

    def __init__(self, chunk_companies: int = CHUNK_COMPANIES):
        self.chunk_companies = chunk_companies

    @abstractmethod
    def export(self, report: Report, out_dir: Path) -> list[Path]:
        """Write the files of this format into ``out_dir`` (which exists)."""


class TableExporter(Exporter):
    """One file per table of the report, named ``<table>.<format>``, written chunk by chunk."""

    def export(self, report: Report, out_dir: Path) -> list[Path]:
        paths = []
        for name in TABLE_SCHEMAS:
            path = out_dir / f"{name}.{self.format}"
            with atomic_path(path) as tmp:
                self.write(report.iter_table(name, self.chunk_companies), tmp)
            paths.append(path)
        return paths

    @abstractmethod
    def write(self, chunks: Iterable[pd.DataFrame], path: Path) -> None:
        """Write one table, given as consecutive chunks (at least one), to ``path``."""


class CsvExporter(TableExporter):
    """One UTF-8 CSV per table; read back with :func:`read_table`. With element answers, also
    ``rdr-element-results.csv`` in RDR's own element-results format."""

    format = "csv"

    def export(self, report: Report, out_dir: Path) -> list[Path]:
        paths = super().export(report, out_dir)
        path = out_dir / RDR_ELEMENTS_FILE
        if len(report.rdr_elements):
            with atomic_path(path) as tmp:
                report.rdr_elements.to_csv(tmp, index=False, lineterminator="\n")
            paths.append(path)
        else:  # a file from an earlier export would be read as this run's answers
            path.unlink(missing_ok=True)
        return paths

    def write(self, chunks: Iterable[pd.DataFrame], path: Path) -> None:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            for i, chunk in enumerate(chunks):
                chunk.to_csv(fh, index=False, header=i == 0, lineterminator="\n")


class ParquetExporter(TableExporter):
    """One Parquet file per table (pyarrow, one row group per chunk), keeping the nullable dtypes."""

    format = "parquet"

    def write(self, chunks: Iterable[pd.DataFrame], path: Path) -> None:
        writer = None
        try:
            for chunk in chunks:
                if writer is None:  # the first chunk's schema, which has the pandas dtypes too
                    schema = pa.Schema.from_pandas(chunk, preserve_index=False)
                    writer = pq.ParquetWriter(path, schema)
                writer.write_table(pa.Table.from_pandas(chunk, schema=schema, preserve_index=False))
        finally:
            if writer is not None:
                writer.close()


class XlsxExporter(Exporter):
    """``coverage.xlsx``: a summary sheet, a score grid per framework, evidence, changes, documents."""

    format = "xlsx"

    def export(self, report: Report, out_dir: Path) -> list[Path]:
        path = out_dir / "coverage.xlsx"
        workbook = build_workbook(report, self.chunk_companies)
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
    *,
    chunk_companies: int = CHUNK_COMPANIES,
) -> dict[str, list[Path]]:
    """Write ``report`` in each of ``formats`` into ``out_dir``; return the paths per format.

    The coverage and evidence tables are streamed ``chunk_companies`` companies at a time; the
    files do not depend on it. Raises ``ValueError`` naming any unknown format and the allowed
    ones before writing anything.
    """
    wanted = [formats] if isinstance(formats, str) else list(formats)
    unknown = [f for f in wanted if f not in EXPORTERS]
    if unknown:
        raise ValueError(
            f"unknown export format(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(EXPORTERS)}"
        )
    if chunk_companies < 1:
        raise ValueError(f"chunk_companies must be at least 1, got {chunk_companies}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".*.part"):  # temporary files of an export that was killed
        stale.unlink(missing_ok=True)
    return {fmt: EXPORTERS[fmt](chunk_companies).export(report, out) for fmt in dict.fromkeys(wanted)}


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


def build_workbook(report: Report, chunk_companies: int = CHUNK_COMPANIES) -> Workbook:
    """The ``coverage.xlsx`` workbook: summary, one score grid per framework, evidence,
    changes and documents sheets. Crawled text is always stored as text, never as a formula.

    The workbook is in openpyxl's write-only mode (rows already sit in temporary files): save it
    once. The evidence is read ``chunk_companies`` companies at a time.
    """
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet("summary")
    grids = {fw: workbook.create_sheet(_sheet_title(fw)) for fw in report.framework_ids}
    evidence, changes, documents = (workbook.create_sheet(n) for n in ("evidence", "changes", "documents"))
    _summary_sheet(summary, report)
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
    sectors = report.coverage_summary.drop_duplicates("company").set_index("company")["sector"]
    companies = sorted(set(scores.index) | set(sectors.index), key=str.casefold)
    ws.freeze_panes = "B2"
    _widths(ws, {1: 28, 2: 18, **{c: 10 for c in range(3, len(columns) + 3)}})
    ws.append(_header(ws, ["company", "sector", *columns]))
    for company in companies:
        values = [scores.at[company, fw] if company in scores.index else np.nan for fw in columns]
        ws.append([_value(ws, v) for v in (company, sectors.get(company, ""), *values)])
    _score_scale(ws, 3, len(columns) + 2, 2, len(companies) + 1)


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
        lines.append(f"{ev.get('url', '')}{'' if _is_missing(page) else f' p. {page}'}")
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
    if _is_missing(value):
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
