"""The report's tables as CSV and Parquet files, one per table, written chunk by chunk.

CSV is appended chunk by chunk and Parquet gets one row group per chunk; :func:`read_table`
reads either back with its schema's dtypes.
"""
from __future__ import annotations

import os
from abc import abstractmethod
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .files import Exporter, atomic_path
from .model import TABLE_SCHEMAS, Report, conform

__all__ = ["CsvExporter", "ParquetExporter", "RDR_ELEMENTS_FILE", "TableExporter", "read_table"]

RDR_ELEMENTS_FILE = "rdr-element-results.csv"


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
    return conform(frame, name)
