"""The report model: one :class:`Report` of plain DataFrames and the schemas of the exported tables.

The two big tables (coverage with its evidence JSON, and one row per evidence quote) reach the
exporters as chunks of a few companies each (:meth:`Report.iter_table`), so memory does not
grow with the number of quotes.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..compare import CHANGE_SCHEMA
from ..settings import Settings
from .beside import reference_table, salient_table
from .frameworks import order_frameworks

__all__ = [
    "COVERAGE_COLUMNS",
    "SCORE_COLOURS",
    "TABLE_SCHEMAS",
    "VERDICTS",
    "Report",
    "conform",
    "evidence_table",
    "is_missing",
    "parse_evidence",
]


def _key_after(schema: Mapping[str, str], key: str, after: str) -> dict[str, str]:
    """``schema`` with column ``key`` moved to just after column ``after``."""
    rest = [c for c in schema if c != key]
    at = rest.index(after) + 1
    return {c: schema[c] for c in [*rest[:at], key, *rest[at:]]}


COVERAGE_COLUMNS = (
    "company", "framework", "criterion", "title", "verdict", "score", "n_passages",
    "evidence", "url", "page",
)
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
        "category": "str", "family": "str", "applicable": "bool", "evidence_json": "str",
    },
    "evidence": {
        "company": "str", "company_id": "str", "framework": "str", "criterion": "str",
        "verdict": "str", "rank": "Int64", "quote": "str", "url": "str", "page": "Int64",
        "retrieved_at": "str", "sha256": "str", "passage_score": "float64",
        "future": "bool", "negative": "bool",
    },
    "frameworks": {"company": "str", "framework": "str", "score": "float64"},
    # compare_runs' table, with its key after the change rather than first
    "changes": _key_after(CHANGE_SCHEMA, "company_id", "changed_documents"),
    "documents": {
        "company": "str", "url": "str", "kind": "str", "title": "str", "doctype": "str",
        "language": "str", "language_confidence": "float64", "retrieved_at": "str", "sha256": "str",
        "n_passages": "Int64", "flags": "str",
    },
    # coverage per salient issue (pipeline.salient.DEFINITION)
    "salient": {"company": "str", "issue": "str", "title": "str", "score": "float64", "n_criteria": "Int64",
                "frameworks": "str"},
    # published benchmark scores matched to the report's companies, beside hrdc's score
    "references": {
        "company": "str", "benchmark": "str", "edition": "str", "indicator": "str", "title": "str",
        "score": "float64", "hrdc_score": "float64", "published_company": "str", "source": "str",
    },
}
# Inputs may omit these columns; everything else in a schema is required.
_OPTIONAL_INPUT = {
    "coverage": {"company_id", "sector", "category", "family", "applicable", "evidence_json"},
    "changes": {"company_id", "changed_documents", "verdict_from", "verdict_to", "delta", "evidence_added",
                "evidence_removed", "quotes_added", "quotes_removed"},
    "documents": {"kind", "title", "doctype", "language", "language_confidence", "retrieved_at", "sha256",
                  "n_passages", "flags"},
    "references": {"title", "hrdc_score", "source"},
}


@dataclass(frozen=True, eq=False)
class Report:
    """Everything an export needs, as plain DataFrames.

    ``coverage`` has one row per company x criterion (columns :data:`COVERAGE_COLUMNS` plus
    ``company_id, sector, category, family, applicable, evidence_json``; a criterion that does
    not apply to the company's sector has ``applicable`` false, no verdict and no score); ``frameworks`` has one row per
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
    #: Published scores matched to the report's companies (:func:`pipeline.references.match_references`):
    #: company, benchmark, edition, indicator, score, published_company, source.
    references: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The framework scores of the previous scoring run (same columns as ``frameworks``; may be empty).
    previous_frameworks: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __post_init__(self) -> None:
        for name in ("coverage", "frameworks", "changes", "documents", "references"):
            frame = getattr(self, name)
            if not isinstance(frame, pd.DataFrame):
                raise TypeError(f"Report.{name} must be a pandas DataFrame, got {type(frame).__name__}")
            if name in ("changes", "documents", "references") and frame.empty and not len(frame.columns):
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
        verdicts = self.coverage["verdict"]
        if "applicable" in self.coverage:  # a criterion that does not apply has no verdict
            verdicts = verdicts[self.coverage["applicable"].fillna(True).astype(bool)]
        bad = sorted(set(verdicts.dropna().astype(str)) - set(VERDICTS))
        if bad:
            raise ValueError(
                f"Report.coverage has unknown verdict(s) {', '.join(map(repr, bad))}; "
                f"allowed: {', '.join(VERDICTS)}"
            )

    @cached_property
    def tables(self) -> Mapping[str, pd.DataFrame]:
        """The exported tables with the columns and dtypes of :data:`TABLE_SCHEMAS`.

        Each table is built when first read; the exporters stream the big ones with
        :meth:`iter_table` instead.
        """
        return _LazyTables({
            "coverage": lambda: self._with_evidence(self._coverage),
            "evidence": lambda: evidence_table(self.tables["coverage"]),
            "frameworks": lambda: conform(self.frameworks, "frameworks"),
            "changes": lambda: conform(self.changes, "changes"),
            "documents": lambda: conform(self.documents, "documents"),
            "salient": lambda: conform(salient_table(self.coverage_summary), "salient"),
            "references": lambda: conform(self._references, "references"),
        })

    @property
    def _references(self) -> pd.DataFrame:
        if self.references.empty:
            return pd.DataFrame(columns=list(TABLE_SCHEMAS["references"]))
        return reference_table(self.references, self.frameworks, self.coverage_summary)

    @cached_property
    def coverage_summary(self) -> pd.DataFrame:
        """The coverage table without ``evidence_json`` (the best quote, url and page stay)."""
        return self._coverage.drop(columns="evidence_json")

    def iter_table(self, name: str, companies: int = Settings.export_chunk_companies) -> Iterator[pd.DataFrame]:
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

    def coverage_chunks(self, companies: int = Settings.export_chunk_companies) -> Iterator[pd.DataFrame]:
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
        coverage = self.coverage
        if "applicable" not in coverage:  # a report that says nothing of applicability: all apply
            coverage = coverage.assign(applicable=True)
        coverage = conform(coverage, "coverage")
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
    return conform(pd.DataFrame(rows, columns=list(TABLE_SCHEMAS["evidence"])), "evidence")


def parse_evidence(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The evidence dicts of one coverage row (best first); a clear error for bad JSON."""
    raw = row.get("evidence_json", "")
    if isinstance(raw, (list, tuple)):
        items = list(raw)
    elif is_missing(raw) or not str(raw).strip():
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
    if not items and not is_missing(row.get("evidence")) and str(row.get("evidence")).strip():
        items = [{"quote": row["evidence"], "url": row.get("url", ""), "page": row.get("page")}]
    return items


# ---------------------------------------------------------------- helpers


def conform(frame: pd.DataFrame, name: str) -> pd.DataFrame:
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
        return values.map(lambda v: False if is_missing(v) else bool(v)).astype("bool")
    numbers = pd.to_numeric(values.map(lambda v: np.nan if is_missing(v) else v), errors="raise")
    if dtype == "Int64":
        return numbers.round().astype("Int64")
    return numbers.astype(dtype)


def _as_text(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        return "; ".join(_as_text(v) for v in value)
    if is_missing(value):
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def is_missing(value: Any) -> bool:
    """None, NaN or NA, but not an empty string or a list."""
    return value is None or (not isinstance(value, (str, bytes, list, tuple, np.ndarray)) and pd.isna(value))


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
