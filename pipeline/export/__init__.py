"""Export a coverage report as CSV, XLSX, Parquet tables and an HTML briefing.

A :class:`Report` (:mod:`.model`) holds plain DataFrames, built from a workspace by
:func:`build_report` (:mod:`.build`). Each output format has one exporter class behind the
:class:`Exporter` interface (as in ``scrapy.exporters``): :mod:`.tables` (CSV, Parquet),
:mod:`.workbook` (XLSX), :mod:`.briefing` (HTML, with :mod:`.charts` and :mod:`.page`) and
:mod:`.brief_docx` (one engagement brief per company, from :mod:`.brief` and :mod:`.profile`).
:func:`write_exports` runs the requested ones.

Example
-------
>>> paths = write_exports(report, "out", formats=("csv", "html"))  # doctest: +SKIP
>>> paths["csv"][0].name  # doctest: +SKIP
'coverage.csv'
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from ..settings import Settings
from ..store import Workspace
from .brief import Brief, build_briefs
from .brief_docx import DocxExporter, brief_filename, write_brief_docx
from .briefing import HtmlExporter
from .build import build_report
from .files import Exporter, atomic_path, safe_http_url
from .model import COVERAGE_COLUMNS, TABLE_SCHEMAS, Report, evidence_table, parse_evidence
from .tables import CsvExporter, ParquetExporter, read_table
from .workbook import XlsxExporter, build_workbook

__all__ = [
    "Brief",
    "COVERAGE_COLUMNS",
    "EXPORTERS",
    "TABLE_SCHEMAS",
    "CsvExporter",
    "DocxExporter",
    "Exporter",
    "HtmlExporter",
    "ParquetExporter",
    "Report",
    "XlsxExporter",
    "atomic_path",
    "brief_filename",
    "build_briefs",
    "build_report",
    "build_workbook",
    "evidence_table",
    "export_workspace",
    "parse_evidence",
    "read_table",
    "safe_http_url",
    "write_brief_docx",
    "write_exports",
]

EXPORTERS: dict[str, type[Exporter]] = {
    cls.format: cls for cls in (CsvExporter, XlsxExporter, ParquetExporter, HtmlExporter, DocxExporter)
}


def write_exports(
    report: Report,
    out_dir: str | os.PathLike[str],
    formats: Iterable[str] = ("csv", "xlsx", "parquet", "html", "docx"),
    *,
    chunk_companies: int = Settings.export_chunk_companies,
    panel_rows: int = Settings.briefing_panel_rows,
    progress: bool = False,
) -> dict[str, list[Path]]:
    """Write ``report`` in each of ``formats`` into ``out_dir``; return the paths per format.

    The coverage and evidence tables are streamed ``chunk_companies`` companies at a time; the
    files do not depend on it. The briefing's charts show ``panel_rows`` companies per image. With ``progress``, a bar counts the formats written. Raises
    ``ValueError`` naming any unknown format and the allowed ones before writing anything.
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
    written = {}
    with tqdm(dict.fromkeys(wanted), desc="export", unit="format", disable=not progress, leave=False) as bar:
        for fmt in bar:
            bar.set_postfix_str(fmt)
            exporter = HtmlExporter(chunk_companies, panel_rows) if fmt == "html" else EXPORTERS[fmt](chunk_companies)
            written[fmt] = exporter.export(report, out)
    return written


def export_workspace(ws: Workspace, out: str | os.PathLike[str], formats: Sequence[str], *,
                     references: pd.DataFrame | None = None, aliases: pd.DataFrame | None = None,
                     settings: Settings | None = None, progress: bool = True) -> dict[str, list[Path]]:
    """Build the report of the latest scoring run and write it in ``formats`` under ``out``
    (streamed ``settings.export_chunk_companies`` companies at a time).

    ``references`` (:func:`pipeline.references.read_reference_files`) and ``aliases``
    (:func:`~pipeline.references.read_alias_files`) are stored in the workspace first, so this and
    every later export shows them.
    """
    settings = settings or Settings()
    if references is not None and len(references):
        ws.replace_references(references)
    if aliases is not None and len(aliases):
        ws.add_reference_aliases(aliases)
    report = build_report(ws, max_ids=settings.query_max_ids)
    return write_exports(report, out, formats, chunk_companies=settings.export_chunk_companies,
                         panel_rows=settings.briefing_panel_rows, progress=progress)
