"""RDR-exact scoring: element verdicts → level, composite, indicator, family, category, total.

Implements the scoring rules of the RDR Corporate Accountability Index, 2020 methodology (also
used by the 2022 Big Tech Scorecard; docs/frameworks.md section 1.5):

* element points: yes 100, partial 50, no 0, no disclosure found 0, N/A left out of every mean;
  reversed elements (F9.02, F11.01) score yes 0, partial 50, no 100, no disclosure found 0;
* level score = mean of a level's element points (group, operating company, each service);
* composites: group, opcom, and services = mean of service scores, where a telecom's prepaid and
  postpaid mobile scores are averaged into one mobile score first;
* indicator = mean of the composites its scope allows (company: group + opcom; full: group +
  opcom + services; services: services only); whole indicators excluded by company type are N/A;
* family = mean of its sub-indicators; category = mean of its families; total = mean of ALL
  applicable families (not the mean of the three categories).

Scopes, families, reversed elements and exclusions come from the taxonomy (``corpora/criteria/
rdr.yaml``). Output ids are RDR's own without zero padding (``G4a``, family ``G4``, category ``G``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.taxonomy import Criterion, Taxonomy, load_taxonomy

RESULTS = ("yes", "partial", "no", "no disclosure found", "NA")
POINTS = {"yes": 100.0, "partial": 50.0, "no": 0.0, "no disclosure found": 0.0, "NA": np.nan}
REVERSED_POINTS = {"yes": 0.0, "partial": 50.0, "no": 100.0, "no disclosure found": 0.0, "NA": np.nan}

#: Columns of RDR's published element-level files (``<year>-element-results.csv``).
ELEMENT_COLUMNS = (
    "Index", "CompanyType", "Company", "CompanyLabel", "Category", "Indicator", "IndicatorNr",
    "IndicatorSuffix", "Element", "ElemNr", "Branch", "Composite", "Class", "Service", "Result", "Score",
)
_NEEDED_COLUMNS = ("CompanyType", "Company", "Element", "Composite", "Service", "Result")
COMPANY_TYPES = {"Digital Platform": "internet", "Telecommunication": "telecom"}
COMPOSITES = {"Group": "group", "OpCom": "opcom", "Services": "services", "Mobile Services": "mobile"}
#: Columns of the tidy element table that :func:`score_elements` takes.
RESULT_COLUMNS = ("company", "company_type", "element", "composite", "service", "result")
VERDICT_COLUMNS = ("company", "company_type", "indicator", "result")
_SCOPE_COMPOSITES = {
    "company": ("group", "opcom"),
    "full": ("group", "opcom", "services"),
    "services": ("services",),
}


def short_id(indicator: str) -> str:
    """RDR data ids to taxonomy ids without padding: ``P03a`` -> ``P3a``, ``rdr.G1`` -> ``G1``."""
    indicator = indicator.removeprefix("rdr.")
    return indicator[0] + indicator[1:].lstrip("0")


class RDRInputError(ValueError):
    """Element results or verdicts that cannot be scored; the message says where and why."""


@dataclass(frozen=True)
class RDRScores:
    """Scores of every company, one long DataFrame per level (``score`` is NaN where N/A)."""

    indicators: pd.DataFrame  # company, indicator, score
    families: pd.DataFrame  # company, family, score
    categories: pd.DataFrame  # company, category (G/F/P), score
    totals: pd.DataFrame  # company, score


def read_element_results(path: str | Path) -> pd.DataFrame:
    """Read RDR's element-level results CSV into the tidy table :func:`score_elements` takes.

    Returns columns ``company, company_type`` (internet/telecom), ``element`` (e.g. ``G04a.07``),
    ``composite`` (group/opcom/services/mobile), ``service``, ``result`` (one of :data:`RESULTS`).
    """
    path = Path(path)
    if not path.is_file():
        raise RDRInputError(
            f"{path}: file not found; expected RDR's element-level results CSV with columns "
            f"{', '.join(ELEMENT_COLUMNS)}"
        )
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise RDRInputError(
            f"{path}: not a readable CSV ({exc}); expected RDR's element-level format"
        ) from None
    missing = [c for c in _NEEDED_COLUMNS if c not in raw.columns]
    if missing:
        raise RDRInputError(
            f"{path}: missing column(s) {', '.join(missing)}; RDR's element-level format has "
            f"{', '.join(ELEMENT_COLUMNS)} (at least {', '.join(_NEEDED_COLUMNS)} are needed)"
        )
    company_type = _coded(raw["CompanyType"], COMPANY_TYPES, path, "CompanyType")
    composite = _coded(raw["Composite"], COMPOSITES, path, "Composite")
    result = _results(raw["Result"], str(path), "Result", in_file=True)
    return pd.DataFrame({
        "company": raw["Company"].str.strip(),
        "company_type": company_type,
        "element": raw["Element"].str.strip(),
        "composite": composite,
        "service": raw["Service"].str.strip(),
        "result": result,
    })


def score_elements(results: pd.DataFrame, taxonomy: Taxonomy | None = None) -> RDRScores:
    """Score element verdicts (the table :func:`read_element_results` returns) the RDR way."""
    taxonomy = taxonomy or load_taxonomy()
    _require_columns(results, RESULT_COLUMNS, "element results")
    if results.empty:
        raise RDRInputError("element results: no rows to score")
    elements = _element_index(taxonomy)
    unknown = sorted(set(results["element"]) - set(elements.index))
    if unknown:
        raise RDRInputError(
            f"element results: {len(unknown)} element id(s) not in the RDR taxonomy, e.g. "
            f"{', '.join(unknown[:5])}; ids are written as in RDR's data files (G04a.07)"
        )
    result = _results(results["result"], "element results", "result")
    info = elements.loc[results["element"]]
    reversed_ = info["reversed"].to_numpy()
    points = np.where(reversed_, result.map(REVERSED_POINTS), result.map(POINTS)).astype(float)
    cells = pd.DataFrame({
        "company": results["company"].to_numpy(),
        "company_type": results["company_type"].to_numpy(),
        "indicator": info["indicator"].to_numpy(),
        "composite": results["composite"].to_numpy(),
        "service": results["service"].to_numpy(),
        "points": points,
    })
    return _aggregate(cells, taxonomy)


def score_indicator_verdicts(verdicts: pd.DataFrame, taxonomy: Taxonomy | None = None) -> RDRScores:
    """Score one verdict per company × RDR indicator with the same aggregation as RDR's data.

    ``verdicts`` has columns ``company, company_type`` (internet/telecom), ``indicator``
    (``rdr.G1``-style) and ``result`` (one of :data:`RESULTS`). Each verdict stands for the
    element results at every level its indicator's scope uses. A leaf indicator without a
    verdict counts as "no disclosure found" (silence scores 0 in RDR; it is not N/A). Reversed
    scoring is not applied: a verdict says whether the indicator's disclosure was found, not how
    a reversed element (F9.02, F11.01) was answered.
    """
    taxonomy = taxonomy or load_taxonomy()
    _require_columns(verdicts, VERDICT_COLUMNS, "verdicts")
    if verdicts.empty:
        raise RDRInputError("verdicts: no rows to score")
    leaves = {c.id: c for c in taxonomy.framework("rdr")}
    unknown = sorted(set(verdicts["indicator"]) - set(leaves))
    if unknown:
        hints = []
        for ref in unknown[:5]:
            try:
                taxonomy.get(ref)
                hints.append(f"{ref} (not a scored RDR indicator)")
            except KeyError as exc:
                hints.append(str(exc.args[0]).removeprefix("unknown criterion id "))
        raise RDRInputError(f"verdicts: unknown RDR indicator(s): {'; '.join(hints)}")
    bad_types = sorted(set(verdicts["company_type"]) - {"internet", "telecom"})
    if bad_types:
        raise RDRInputError(f"verdicts: company_type {bad_types[0]!r} must be internet or telecom")
    duplicated = verdicts.duplicated(["company", "indicator"])
    if duplicated.any():
        row = verdicts[duplicated].iloc[0]
        raise RDRInputError(
            f"verdicts: more than one verdict for {row['company']} × {row['indicator']}"
        )
    result = _results(verdicts["result"], "verdicts", "result")

    companies = verdicts.drop_duplicates("company").set_index("company")["company_type"]
    grid = pd.MultiIndex.from_product([companies.index, list(leaves)], names=["company", "indicator"])
    given = result.set_axis(pd.MultiIndex.from_frame(verdicts[["company", "indicator"]]))
    full = given.reindex(grid).fillna("no disclosure found").rename("result").reset_index()
    full["company_type"] = full["company"].map(companies)
    full["composite"] = full["indicator"].map(lambda i: _verdict_composites(leaves[i]))
    cells = full.explode("composite", ignore_index=True)
    cells["service"] = "verdict"
    cells["points"] = cells["result"].map(POINTS).astype(float)
    cells["indicator"] = cells["indicator"].str.removeprefix("rdr.")
    columns = ["company", "company_type", "indicator", "composite", "service", "points"]
    return _aggregate(cells[columns], taxonomy)


def write_scores(scores: RDRScores, out_dir: str | Path) -> list[Path]:
    """Write ``indicator_scores.csv`` (indicators and family parents) and ``total_scores.csv``.

    ``total_scores.csv`` has one row per company and category (G, F, P) plus ``total``. Scores are
    rounded to 2 decimals as in RDR's published files; N/A is written ``NA``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    parents = scores.families[~scores.families["family"].isin(scores.indicators["indicator"])]
    indicator_rows = pd.concat(
        [scores.indicators, parents.rename(columns={"family": "indicator"})], ignore_index=True
    )
    totals = pd.concat(
        [scores.categories, scores.totals.assign(category="total")[["company", "category", "score"]]],
        ignore_index=True,
    )
    company_rank = {c: i for i, c in enumerate(scores.totals["company"])}
    indicator_rank = {i: n for n, i in enumerate(_display_order(indicator_rows["indicator"]))}
    category_rank = {c: n for n, c in enumerate("GFP")} | {"total": 3}
    indicator_rows = indicator_rows.iloc[np.lexsort((
        indicator_rows["indicator"].map(indicator_rank), indicator_rows["company"].map(company_rank)
    ))]
    totals = totals.iloc[np.lexsort((
        totals["category"].map(category_rank), totals["company"].map(company_rank)
    ))]
    paths = [out / "indicator_scores.csv", out / "total_scores.csv"]
    for frame, path in zip((indicator_rows, totals), paths):
        frame.round({"score": 2}).to_csv(path, index=False, na_rep="NA")
    return paths


# ----------------------------------------------------------------------------- internals


def _aggregate(cells: pd.DataFrame, taxonomy: Taxonomy) -> RDRScores:
    """cells: company, company_type, indicator (``G4a``), composite, service, points (NaN = N/A).

    RDR's indicator, family and total scores round every score to 2 decimals before it feeds
    the next mean; its category scores (overview files) average unrounded scores. Both are
    reproduced here.
    """
    leaves = {c.id.removeprefix("rdr."): c for c in taxonomy.framework("rdr")}
    companies = _company_types(cells)
    indicators = _indicator_scores(cells, leaves, companies, rounded=True)
    families = _families(indicators, leaves, rounded=True)
    totals = _round2(families.groupby("company", sort=False)["score"].mean())
    unrounded = _families(_indicator_scores(cells, leaves, companies, rounded=False), leaves, rounded=False)
    categories = _round2(unrounded.groupby(["company", "category"], sort=False)["score"].mean())
    return RDRScores(
        indicators=indicators[["company", "indicator", "score"]],
        families=families[["company", "family", "score"]],
        categories=categories.reset_index()[["company", "category", "score"]],
        totals=totals.reset_index()[["company", "score"]],
    )


def _indicator_scores(
    cells: pd.DataFrame, leaves: dict[str, Criterion], companies: pd.Series, rounded: bool
) -> pd.DataFrame:
    """Level → composite → indicator scores for every company × leaf indicator (N/A = NaN)."""
    rnd = _round2 if rounded else _unchanged
    keys = ["company", "indicator"]
    levels = cells.groupby([*keys, "composite", "service"], sort=False)["points"].mean()
    levels = rnd(levels).reset_index()
    mobile = rnd(levels[levels["composite"] == "mobile"].groupby(keys, sort=False)["points"].mean())
    services = pd.concat([levels[levels["composite"] == "services"], mobile.reset_index()])
    services = rnd(services.groupby(keys, sort=False)["points"].mean())
    composites = pd.concat([
        levels[levels["composite"].isin(["group", "opcom"])],
        services.reset_index().assign(composite="services"),
    ]).set_index([*keys, "composite"])["points"].unstack("composite")

    grid = pd.MultiIndex.from_product([companies.index, list(leaves)], names=keys)
    composites = composites.reindex(index=grid, columns=["group", "opcom", "services"])
    allowed = np.array([
        [column in _SCOPE_COMPOSITES[_scope(leaves[indicator])] for column in composites.columns]
        for indicator in grid.get_level_values("indicator")
    ])
    excluded = np.array([companies[company] in leaves[indicator].excluded for company, indicator in grid])
    score = composites.where(allowed).mean(axis=1).mask(excluded)
    return rnd(score).rename("score").reset_index()


def _families(indicators: pd.DataFrame, leaves: dict[str, Criterion], rounded: bool) -> pd.DataFrame:
    """Family scores (mean of sub-indicators), with each family's category."""
    frame = indicators.assign(
        family=indicators["indicator"].map(lambda i: leaves[i].family.removeprefix("rdr.")),
        category=indicators["indicator"].map(lambda i: leaves[i].category),
    )
    families = frame.groupby(["company", "family"], sort=False).agg(
        category=("category", "first"), score=("score", "mean")
    ).reset_index()
    if rounded:
        families["score"] = _round2(families["score"])
    return families


def _round2(values: pd.Series) -> pd.Series:
    """Round to 2 decimals, halves up, as RDR does before a score feeds the next mean.

    Rounding to 6 decimals first removes binary noise (66.665 is stored as 66.66499...), so
    decimal halves round up consistently.
    """
    return np.floor(np.round(values * 100, 6) + 0.5) / 100


def _unchanged(values: pd.Series) -> pd.Series:
    return values


def _scope(criterion: Criterion) -> str:
    if criterion.scope not in _SCOPE_COMPOSITES:
        raise RDRInputError(
            f"taxonomy: {criterion.id} has scope {criterion.scope!r}; RDR scoring needs one of "
            f"{', '.join(_SCOPE_COMPOSITES)} (corpora/criteria/rdr.yaml)"
        )
    return criterion.scope


def _verdict_composites(criterion: Criterion) -> list[str]:
    # opcom would repeat the group verdict, so it is left out: the mean is the same.
    return [c for c in _SCOPE_COMPOSITES[_scope(criterion)] if c != "opcom"]


def _element_index(taxonomy: Taxonomy) -> pd.DataFrame:
    rows = [
        (e.id, c.id.removeprefix("rdr."), e.reversed) for c in taxonomy.framework("rdr") for e in c.elements
    ]
    return pd.DataFrame(rows, columns=["element", "indicator", "reversed"]).set_index("element")


def _company_types(cells: pd.DataFrame) -> pd.Series:
    types = cells.groupby("company", sort=False)["company_type"].unique()
    mixed = types[types.map(len) > 1]
    if len(mixed):
        raise RDRInputError(
            f"company {mixed.index[0]!r} has more than one company type ({', '.join(mixed.iloc[0])})"
        )
    return types.map(lambda t: t[0])


def _display_order(ids: pd.Series) -> list[str]:
    """RDR's order: G, F, P; by number; a family parent before its sub-indicators."""
    def key(i: str) -> tuple[int, int, str]:
        digits = "".join(ch for ch in i[1:] if ch.isdigit())
        return ("GFP".index(i[0]), int(digits), i[1 + len(digits):])
    return sorted(set(ids), key=key)


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise RDRInputError(
            f"{what}: missing column(s) {', '.join(missing)}; expected {', '.join(columns)}"
        )


def _results(values: pd.Series, where: str, column: str, in_file: bool = False) -> pd.Series:
    """Normalise result spellings (case, ``N/A``) and reject anything else, naming the line."""
    clean = values.astype(str).str.strip().str.lower().replace({"n/a": "na"})
    canonical = {r.lower(): r for r in RESULTS}
    bad = ~clean.isin(list(canonical))
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        at = f"line {first + 2}" if in_file else f"row {values.index[first]!r}"
        raise RDRInputError(
            f"{where} {at}: {column} {values.iloc[first]!r} is not one of {', '.join(RESULTS)}"
        )
    return clean.map(canonical)


def _coded(values: pd.Series, codes: dict[str, str], path: Path, column: str) -> pd.Series:
    clean = values.str.strip()
    bad = ~clean.isin(list(codes))
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise RDRInputError(
            f"{path} line {first + 2}: {column} {values.iloc[first]!r} is not one of {', '.join(codes)}"
        )
    return clean.map(codes)
