"""``hrdc evaluate realdocs``: hrdc's RDR verdicts on real company policies against RDR's results.

hrdc runs on the realdocs companies files (the privacy policies, terms and other documents of
companies RDR ranked, dated to RDR's research periods; ``<data>/realdocs/README.md``) and its
indicator, category and total scores are set beside RDR's published ones (``<data>/rdr/``).
Indicators are compared only where the company's document types can answer them
(``corpora/sources.yaml``). Every figure carries a bootstrap 95%
interval over companies.
"""
from __future__ import annotations

import csv
import logging
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import cohen_kappa_score

from .. import rdr
from ..companies import company_type
from ..rdr import short_id
from ..settings import Settings
from ..paths import data_dir
from ..sources import load_sources
from ..taxonomy import load_taxonomy
from . import datasets
from .datasets import DatasetError
from .metrics import fmt, ratio_of_sums

log = logging.getLogger("hrdc.evaluate")
EDITIONS = ("2020", "2022")
#: The realdocs manifests' ``doctype`` values as hrdc's document types (pipeline.doctype).
REALDOCS_DOCTYPES = {"privacy": "privacy_policy", "terms": "terms", "community": "community_rules",
                     "law_enforcement": "law_enforcement_guidelines", "cookies": "cookie_policy",
                     "copyright": "copyright_policy", "human_rights": "human_rights_policy"}
PUBLISHED_FILES = {"2020": "2020-index/2020-rdr-index", "2022": "2022-big-tech-scorecard/2022-rdr-index"}
CATEGORIES = {"G": "Governance", "F": "Freedom of Expression", "P": "Privacy"}
POINTS = {"yes": 100.0, "partial": 50.0, "no": 0.0, "no disclosure found": 0.0}
#: What the issue measured with the indicator-level method before this evaluation existed.
OLD_METHOD = {
    "2022": {"spearman_total": 0.27, "share_full": 148 / 182, "mad": 46.7, "bias": 38.7, "spearman_passages": 0.87},
    "2020": {"spearman_total": 0.39, "spearman_passages": 0.96},
}
METRICS = {
    "spearman_total": "Spearman, company totals vs RDR totals",
    "spearman_G": "Spearman, governance (G) vs RDR",
    "spearman_F": "Spearman, freedom of expression (F) vs RDR",
    "spearman_P": "Spearman, privacy (P) vs RDR",
    "spearman_answerable": "Spearman, company means over answerable indicators vs RDR's",
    "mad": "answerable indicators: mean abs(hrdc - RDR) (points)",
    "bias": "answerable indicators: mean hrdc - RDR (points)",
    "share_full": "answerable indicators: share of hrdc 'full' verdicts",
    "spearman_total_ceiling": "ceiling: RDR's own answers on the answerable elements only, totals vs RDR totals",
    "spearman_total_ceiling_quoted": "stricter ceiling: RDR's answers kept only where RDR's evidence quote for the element is in the supplied documents",
    "credited_quote_found": "answerable elements RDR credits: share whose RDR evidence quote is in the supplied documents",
    "spearman_passages": "Spearman, hrdc totals vs passages per company",
    "spearman_passages_rdr": "Spearman, RDR totals vs passages per company",
    "element_agreement": "answerable elements: hrdc = RDR (yes / partial / no)",
    "element_agreement_floor": "answerable elements: 'no disclosure found' everywhere = RDR (the floor)",
    "element_kappa": "answerable elements: Cohen's kappa, hrdc vs RDR",
}


@dataclass(frozen=True)
class EditionResult:
    """One edition's evaluation: metric rows, per-indicator means and the answerable set."""

    edition: str
    metrics: pd.DataFrame  # metric, value, lo, hi, n
    indicators: pd.DataFrame  # indicator, companies, hrdc, rdr, difference, share_full
    answerable: pd.DataFrame  # company, rdr_company, indicator
    companies: pd.DataFrame  # company, rdr_company, hrdc_total, rdr_total, n_passages
    baseline: pd.DataFrame | None = None  # the indicator-level method's metrics, same passages


# -- data -----------------------------------------------------------------------------------
def realdocs_dir() -> Path:
    """The realdocs folder of the shared data; :class:`DatasetError` when it is absent."""
    path = data_dir() / "realdocs"
    if not (path / "README.md").is_file():
        raise DatasetError(f"{path} not found; set HRDC_DATA to the folder holding realdocs/ and rdr/")
    return path


def load_manifest(edition: str) -> pd.DataFrame:
    """Provenance of one edition's documents: company, rdr_company, sector, doctype, service ..."""
    return pd.read_csv(realdocs_dir() / f"manifest-{edition}.csv", dtype=str)


def load_answerable_spec(path: Path | None = None) -> dict[str, dict[str, str]]:
    """Realdocs document type -> {RDR indicator (``P3a``): reason}: the RDR part of
    ``corpora/sources.yaml`` (or ``path``), keyed by the manifests' document types."""
    sources = load_sources(path)
    return {realdocs: {c.removeprefix("rdr."): why for c, why in sources.get(code, {}).items() if c.startswith("rdr.")}
            for realdocs, code in REALDOCS_DOCTYPES.items()}


def load_published(edition: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """RDR's published scores: leaf indicators (rdr_company, indicator, score) and totals
    (rdr_company, G, F, P, total); N/A is NaN."""
    prefix = data_dir() / "rdr" / PUBLISHED_FILES[edition]
    indicators = pd.read_csv(f"{prefix}-04-indicator-scores.csv")
    leaves = {c.id.removeprefix("rdr.") for c in load_taxonomy().framework("rdr")}
    indicators["indicator"] = indicators["Indicator"].map(short_id)
    indicators = indicators[indicators["indicator"].isin(leaves)]
    totals = pd.read_csv(f"{prefix}-03-total-scores.csv")
    overview = pd.read_csv(f"{prefix}-01-quick-overview.csv").rename(columns={v: k for k, v in CATEGORIES.items()})
    totals = totals.merge(overview[["Company", *CATEGORIES]].rename(columns={"Company": "CompanyLabel"}), on="CompanyLabel")
    return (indicators.rename(columns={"Company": "rdr_company", "Score": "score"})[["rdr_company", "indicator", "score"]],
            totals.rename(columns={"Company": "rdr_company", "Score": "total"})[["rdr_company", *CATEGORIES, "total"]])


def company_elements(results: pd.DataFrame) -> pd.DataFrame:
    """company, element, points: one result per company and element from level results
    (:func:`rdr.read_element_results`), the mean points over the levels that apply rounded
    (halves up) to yes 100 / partial 50 / no 0."""
    applicable = results[results["result"] != "NA"]
    points = applicable.assign(points=applicable["result"].map(POINTS))
    mean = points.groupby(["company", "element"], as_index=False)["points"].mean()
    mean["points"] = 50.0 * np.floor(mean["points"] / 50.0 + 0.5)
    return mean


def answerable_set(manifest: pd.DataFrame, spec: dict[str, dict[str, str]]) -> pd.DataFrame:
    """company, rdr_company, indicator: the union over each company's document types, minus the
    indicators RDR excludes for its company type."""
    excluded = {c.id.removeprefix("rdr."): set(c.excluded) for c in load_taxonomy().framework("rdr")}
    rows = [(r.company, r.rdr_company, i) for r in manifest.itertuples(index=False)
            for i in spec.get(r.doctype, {}) if company_type(r.sector) not in excluded[i]]
    return pd.DataFrame(rows, columns=["company", "rdr_company", "indicator"]).drop_duplicates().reset_index(drop=True)


# -- running hrdc ---------------------------------------------------------------------------
def companies_file(edition: str, folder: Path, companies: Sequence[str] | None = None) -> Path:
    """The edition's companies file, or a copy in ``folder`` with only ``companies`` (seeds made absolute)."""
    source = realdocs_dir() / f"companies-{edition}.csv"
    if not companies:
        return source
    with source.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["company"] in companies]
    if not rows:
        raise ValueError(f"{source}: none of the companies {', '.join(companies)}")
    for row in rows:
        row["seed_urls"] = " ".join(str(source.parent / s) for s in row["seed_urls"].split())
    path = folder / f"companies-{edition}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_hrdc(companies: Path, workspace: Path, settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Run every hrdc stage into ``workspace``; return its latest RDR verdicts, framework scores
    and passage counts (see :meth:`Workspace.latest_scores`)."""
    from ..store import Workspace
    from ..workflow import run_all

    run_all(companies, workspace, workspace / "exports", settings, formats=("csv",), progress=False)
    with Workspace(workspace, create=False) as ws:
        return (*ws.latest_scores("rdr"), ws.passage_counts())


def indicator_method(workspace: Path, settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The RDR verdicts and scores of the indicator-level method (a passage count per
    indicator) on the same tagged passages, for comparison; the element-level run is scored
    again afterwards so it stays the workspace's latest."""
    from ..run import run_score
    from ..store import Workspace

    with Workspace(workspace, create=False) as ws:
        run_score(ws, replace(settings, rdr_method="indicator"), progress=False)
        found = ws.latest_scores("rdr")
        run_score(ws, settings, progress=False)
    return found


def hrdc_element_results(workspace: Path) -> pd.DataFrame | None:
    """hrdc's element-level results (``exports/rdr-element-results.csv`` in RDR's format), or
    None while hrdc scores at indicator level."""
    path = workspace / "exports" / "rdr-element-results.csv"
    return company_elements(rdr.read_element_results(path)) if path.is_file() else None


# -- metrics --------------------------------------------------------------------------------
def metric(value: float, lo: float, hi: float, n: int) -> dict:
    """One metric row, rounded to 4 decimals; NaN (undefined) becomes None."""
    def num(x: float) -> float | None:
        return None if np.isnan(x) else round(float(x), 4)

    return {"value": num(value), "lo": num(lo), "hi": num(hi), "n": n}


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rho; NaN with fewer than 3 pairs or a constant side."""
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(spearmanr(x, y).statistic)


def spearman_ci(x: Sequence[float], y: Sequence[float], n: int = 1000, seed: int = 0) -> dict:
    """Spearman over companies with a 95% interval resampling companies (degenerate draws left out)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    rng = np.random.default_rng(seed)
    draws = [spearman(x[i], y[i]) for i in (rng.integers(0, len(x), len(x)) for _ in range(n))] if len(x) else []
    draws = np.array([d for d in draws if np.isfinite(d)])
    lo, hi = (np.percentile(draws, [2.5, 97.5]) if len(draws) else (np.nan, np.nan))
    return metric(spearman(x, y), float(lo), float(hi), len(x))


def ratio_ci(per_company: np.ndarray) -> dict:
    """``sum(numerator) / sum(denominator)`` of per-company rows (numerator, denominator), with a
    95% interval resampling companies."""
    per_company = np.asarray(per_company, float).reshape(-1, 2)
    return metric(*ratio_of_sums(per_company), int(per_company[:, 1].sum()))


def indicator_pairs(verdicts: pd.DataFrame, published: pd.DataFrame, answerable: pd.DataFrame) -> pd.DataFrame:
    """company, indicator, hrdc, rdr, full: hrdc's score and RDR's on each answerable indicator
    (RDR N/A left out). ``verdicts``: company, indicator, verdict, score; ``published``:
    rdr_company, indicator, score."""
    pairs = answerable.merge(verdicts.rename(columns={"score": "hrdc"}), on=["company", "indicator"])
    pairs = pairs.merge(published.rename(columns={"score": "rdr"}), on=["rdr_company", "indicator"])
    pairs = pairs.dropna(subset=["rdr"]).assign(full=lambda f: f["verdict"] == "full")
    return pairs[["company", "indicator", "hrdc", "rdr", "full"]].reset_index(drop=True)


def pair_metrics(pairs: pd.DataFrame) -> dict[str, dict]:
    """MAD, bias (hrdc - RDR) and share of 'full' over indicator pairs, intervals over companies."""
    diff = pairs["hrdc"] - pairs["rdr"]
    parts = pd.DataFrame({"company": pairs["company"], "abs": diff.abs(), "diff": diff,
                          "full": pairs["full"].astype(float), "one": 1.0})
    per = parts.groupby("company")[["abs", "diff", "full", "one"]].sum().to_numpy()
    return {name: ratio_ci(per[:, [j, 3]]) for name, j in (("mad", 0), ("bias", 1), ("share_full", 2))}


def element_agreement(hrdc: pd.DataFrame, published: pd.DataFrame, elements: pd.DataFrame) -> dict[str, dict]:
    """Share of answerable elements where hrdc's result equals RDR's, the share that answering
    "no disclosure found" everywhere would reach (the floor to beat), and Cohen's kappa;
    intervals over companies.

    ``hrdc`` and ``published``: company, element, points (:func:`company_elements`, with
    ``published`` in hrdc's company names); ``elements``: company, element (the answerable ones).
    """
    pairs = elements.merge(hrdc, on=["company", "element"]).merge(published, on=["company", "element"], suffixes=("_hrdc", "_rdr"))
    parts = pd.DataFrame({"company": pairs["company"], "agree": (pairs["points_hrdc"] == pairs["points_rdr"]).astype(float),
                          "floor": (pairs["points_rdr"] == 0).astype(float), "one": 1.0})
    per = parts.groupby("company")[["agree", "floor", "one"]].sum().to_numpy()
    kappa = cohen_kappa_score(pairs["points_rdr"], pairs["points_hrdc"]) if len(pairs) else np.nan
    return {"element_agreement": ratio_ci(per[:, [0, 2]]), "element_agreement_floor": ratio_ci(per[:, [1, 2]]),
            "element_kappa": metric(float(kappa), np.nan, np.nan, len(pairs))}


def per_indicator(pairs: pd.DataFrame) -> pd.DataFrame:
    """indicator, companies, hrdc, rdr, difference, share_full: means over companies per indicator."""
    out = pairs.groupby("indicator").agg(companies=("company", "nunique"), hrdc=("hrdc", "mean"),
                                         rdr=("rdr", "mean"), share_full=("full", "mean")).reset_index()
    out.insert(4, "difference", out["hrdc"] - out["rdr"])
    order = {short_id(c.id): n for n, c in enumerate(load_taxonomy().framework("rdr"))}
    return out.sort_values("indicator", key=lambda s: s.map(order)).round(2).reset_index(drop=True)


def ceiling(edition: str, present: pd.Series, keep: set[tuple[str, str]], rdr_totals: pd.DataFrame) -> dict:
    """Spearman of RDR's totals with the totals RDR's own element answers give when every
    element outside ``keep`` ((company, element) pairs in hrdc's names) is "no disclosure
    found": with the answerable elements, the best agreement a perfect reader of the supplied
    documents could reach."""
    results = rdr.read_element_results(data_dir() / "rdr" / f"{edition}-element-results.csv")
    results = results[results["company"].isin(set(present))].copy()
    to_hrdc = {rdr_name: company for company, rdr_name in present.items()}
    inside = [(to_hrdc[c], e) in keep for c, e in zip(results["company"], results["element"])]
    outside = ~np.array(inside) & (results["result"] != "NA").to_numpy()
    results.loc[outside, "result"] = "no disclosure found"
    totals = rdr.score_elements(results).totals.merge(rdr_totals, left_on="company", right_on="rdr_company")
    return spearman_ci(totals["score"], totals["total"])


_WORD = re.compile(r"[a-z0-9]+")
_SOURCE_NOTE = re.compile(r"\(Source[^)]*\)")


def _grams(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def quoted_elements(edition: str, manifest: pd.DataFrame, present: pd.Series) -> tuple[set, set]:
    """(company, element) pairs RDR quotes evidence for in ``edition``, and those whose quote is
    in the company's supplied documents (half of its word 5-grams, RDR's "(Source 3)" notes
    left out; a quote of fewer than 8 words is never found). RDR's researchers read help
    centres, transparency reports and other pages beside the policies supplied here, and many
    quotes are their own paraphrase, so this bounds what the documents can support from below."""
    texts: dict[str, set] = {}
    for row in manifest[manifest["company"].isin(present.index)].itertuples(index=False):
        texts.setdefault(row.company, set()).update(_grams((realdocs_dir() / row.file).read_text(encoding="utf-8")))
    to_hrdc = {rdr_name: company for company, rdr_name in present.items()}
    quoted, found = set(), set()
    for row in datasets._read_jsonl(data_dir() / "rdr" / "rdr_evidence_quotes.jsonl"):
        company = to_hrdc.get(row["company"])
        if company is None or str(row.get("year")) != edition:
            continue
        grams = _grams(_SOURCE_NOTE.sub(" ", row["text"]))
        seen = len(grams) >= 4 and len(grams & texts.get(company, set())) >= 0.5 * len(grams)
        for element in row.get("elements", ()):
            quoted.add((company, element))
            if seen:
                found.add((company, element))
    return quoted, found


def answerable_elements(answerable: pd.DataFrame) -> pd.DataFrame:
    """company, element: the elements of each company's answerable indicators."""
    elements = {short_id(c.id): [e.id for e in c.elements] for c in load_taxonomy().framework("rdr")}
    frame = answerable.assign(element=answerable["indicator"].map(elements)).explode("element")
    return frame[["company", "element"]].reset_index(drop=True)


# -- one edition ----------------------------------------------------------------------------
def compare_edition(
    edition: str, verdicts: pd.DataFrame, totals: pd.DataFrame, passages: pd.DataFrame,
    elements: pd.DataFrame | None = None,
) -> EditionResult:
    """Compare hrdc's results (as :func:`run_hrdc` returns them) with RDR's for ``edition``."""
    manifest = load_manifest(edition)
    names = manifest.drop_duplicates("company").set_index("company")["rdr_company"]
    present = names[names.index.isin(totals["company"])]
    answerable = answerable_set(manifest[manifest["company"].isin(present.index)], load_answerable_spec())
    published, rdr_totals = load_published(edition)
    verdicts = verdicts.assign(indicator=verdicts["criterion"].map(short_id))
    pairs = indicator_pairs(verdicts, published, answerable)

    wide = totals.pivot(index="company", columns="framework", values="score").rename(
        columns=lambda f: f.removeprefix("rdr.") if f != "rdr" else "total")
    to_hrdc = {rdr_name: company for company, rdr_name in present.items()}
    table = (present.rename("rdr_company").rename_axis("company").reset_index()
             .merge(wide.reset_index(), on="company")
             .merge(rdr_totals, on="rdr_company", suffixes=("_hrdc", "_rdr"))
             .merge(passages, on="company", how="left"))
    rows = {"spearman_total": spearman_ci(table["total_hrdc"], table["total_rdr"])}
    rows |= {f"spearman_{c}": spearman_ci(table[f"{c}_hrdc"], table[f"{c}_rdr"]) for c in CATEGORIES}
    means = pairs.groupby("company")[["hrdc", "rdr"]].mean()
    rows["spearman_answerable"] = spearman_ci(means["hrdc"], means["rdr"])
    rows |= pair_metrics(pairs)
    rows["spearman_passages"] = spearman_ci(table["total_hrdc"], table["n_passages"])
    rows["spearman_passages_rdr"] = spearman_ci(table["total_rdr"], table["n_passages"])
    keep = set(map(tuple, answerable_elements(answerable).to_numpy()))
    rows["spearman_total_ceiling"] = ceiling(edition, present, keep, rdr_totals)
    quoted, found = quoted_elements(edition, manifest, present)
    rows["spearman_total_ceiling_quoted"] = ceiling(edition, present, keep & found, rdr_totals)
    rdr_points = company_elements(rdr.read_element_results(data_dir() / "rdr" / f"{edition}-element-results.csv"))
    credited = {(to_hrdc[c], e) for c, e, p in rdr_points.itertuples(index=False) if c in to_hrdc and p > 0} & keep
    rows["credited_quote_found"] = ratio_ci(np.array(
        [[sum((c, e) in found for c, e in credited if c == company), sum(c == company for c, _ in credited)]
         for company in present.index]))
    if elements is not None:
        rdr_elements = rdr_points[rdr_points["company"].isin(to_hrdc)].assign(company=lambda f: f["company"].map(to_hrdc))
        rows |= element_agreement(elements, rdr_elements, answerable_elements(answerable))
    metrics = pd.DataFrame([{"metric": k, **v} for k, v in rows.items()])
    companies = table.rename(columns={"total_hrdc": "hrdc_total", "total_rdr": "rdr_total"})[
        ["company", "rdr_company", "hrdc_total", "rdr_total", "n_passages"]]
    return EditionResult(edition, metrics, per_indicator(pairs), answerable, companies)


def evaluate_edition(
    edition: str, workspace: str | Path | None = None, *, companies: Sequence[str] | None = None,
    settings: Settings | None = None,
) -> EditionResult:
    """Run hrdc on ``edition``'s companies file (into ``workspace``, else a temporary folder)
    and compare its results with RDR's. ``companies`` limits the run to those companies. Unless
    ``settings`` name an element model, one is trained without the realdocs companies' quotes
    (:func:`held_out_element_model`)."""
    settings = settings or Settings.from_mapping({})
    with tempfile.TemporaryDirectory(prefix=f"hrdc-realdocs-{edition}-") as tmp:
        settings = held_out_settings(settings, Path(tmp) / "elements")
        folder = Path(workspace) if workspace else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        verdicts, totals, passages = run_hrdc(companies_file(edition, Path(tmp), companies), folder, settings)
        result = compare_edition(edition, verdicts, totals, passages, hrdc_element_results(folder))
        if settings.rdr_method == "elements":
            baseline = compare_edition(edition, *indicator_method(folder, settings), passages)
            result = replace(result, baseline=baseline.metrics)
        return result


def editions(choice: str) -> tuple[str, ...]:
    """``2020``, ``2022`` or ``both`` -> the editions to evaluate."""
    if choice == "both":
        return EDITIONS
    if choice not in EDITIONS:
        raise ValueError(f"--edition {choice!r}: choose 2020, 2022 or both")
    return (choice,)


def run(edition: str = "both", workspace: str | Path | None = None) -> dict[str, EditionResult]:
    """Evaluate the chosen editions; with ``workspace``, edition ``E`` runs in ``workspace/E``.

    The element model reads with one trained for the evaluation without the RDR quotes of every
    realdocs company (the shipped one learned from them: the quotes come from these policies)."""
    with tempfile.TemporaryDirectory(prefix="hrdc-realdocs-elements-") as tmp:
        settings = held_out_settings(Settings.from_mapping({}), Path(tmp))  # one model for both editions
        return {e: evaluate_edition(e, Path(workspace) / e if workspace else None, settings=settings)
                for e in editions(edition)}


def held_out_settings(settings: Settings, folder: Path) -> Settings:
    """``settings`` reading with :func:`held_out_element_model` (written to ``folder``), unless
    they name an element model or read lexically."""
    if settings.element_reader != "learned" or settings.element_model:
        return settings
    return replace(settings, element_model=str(held_out_element_model(folder)))


def held_out_element_model(folder: Path) -> Path:
    """An element model trained as the default config trains it, less the RDR quotes of the
    companies in any realdocs manifest; written to ``folder``, its path returned."""
    from .element_model import rdr_quote_examples, save_element_model, train_element_model
    from .training_config import load_config

    quotes = data_dir() / "rdr" / "rdr_evidence_quotes.jsonl"
    companies = set().union(*(set(load_manifest(e)["rdr_company"]) for e in EDITIONS))
    quoted = {example.group for example in rdr_quote_examples(quotes)}
    log.info("realdocs: element model trained without the quotes of %s (%s have none)",
             ", ".join(sorted(companies & quoted)), ", ".join(sorted(companies - quoted)) or "all")
    model = train_element_model(quotes, companies, **(load_config(None).get("element_model") or {}))
    return save_element_model(model, folder)


# -- reporting ------------------------------------------------------------------------------
def to_json(results: dict[str, EditionResult]) -> dict:
    """Each edition's metrics, answerable set, per-indicator means and companies, for
    ``evaluation.json``; the reporting functions below read this form."""
    def records(frame: pd.DataFrame) -> list[dict]:
        return frame.astype(object).where(frame.notna(), None).to_dict("records")

    return {e: {"companies": records(r.companies),
                "baseline": ({} if r.baseline is None else
                             {m["metric"]: m["value"] for m in records(r.baseline)}),
                "metrics": {m["metric"]: {"value": m["value"], "ci95": [m["lo"], m["hi"]], "n": int(m["n"])}
                            for m in records(r.metrics)},
                "answerable": {c: g["indicator"].tolist() for c, g in r.answerable.groupby("company")},
                "indicators": records(r.indicators)}
            for e, r in results.items()}


def table_rows(results: dict) -> Iterable[str]:
    """Rows of :func:`pipeline.model.evaluation_table.render_table` for :func:`to_json` output."""
    for edition, r in results.items():
        where = f"realdocs {edition} ({len(r['companies'])} companies, {r['metrics']['mad']['n']} answerable indicator pairs)"
        for name, m in r["metrics"].items():
            same = None if name.startswith(("spearman_total_ceiling", "credited_")) else r.get("baseline", {}).get(name)
            old = OLD_METHOD.get(edition, {}).get(name)
            beside = [f"indicator-level, same passages: {same:.3g}"] if same is not None else []
            beside += [f"issue's measurement: {old:.3g}"] if old is not None else []
            yield f"| {where} | {METRICS[name]} | {fmt(m)} | – | {'; '.join(beside) or '–'} |"
        if "element_agreement" not in r["metrics"]:
            yield f"| {where} | {METRICS['element_agreement']} | n/a: indicator-level method | – | – |"


def render_answerable(results: dict) -> str:
    """Each edition's answerable indicators: the union, and each company's count."""
    order = {short_id(c.id): n for n, c in enumerate(load_taxonomy().framework("rdr"))}
    lines = []
    for edition, r in results.items():
        union = sorted({i for found in r["answerable"].values() for i in found}, key=order.get)
        lines.append(f"realdocs {edition}: answerable indicators ({len(union)}): {' '.join(union)}")
        lines.append("  per company: " + ", ".join(f"{c} {len(found)}" for c, found in r["answerable"].items()))
    return "\n".join(lines) + "\n"


def render_detail(results: dict) -> str:
    """Per-indicator means (hrdc vs RDR) and per-company totals, as Markdown tables."""
    parts = []
    for edition, r in results.items():
        parts.append(f"\nrealdocs {edition}: answerable indicators, mean over companies\n\n{markdown(pd.DataFrame(r['indicators']))}")
        parts.append(f"\nrealdocs {edition}: companies\n\n{markdown(pd.DataFrame(r['companies']))}")
    return "".join(parts)


def markdown(frame: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table (missing values as '–')."""
    cells = frame.astype(object).where(frame.notna(), "–")
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in cells.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def write_csvs(results: dict, folder: str | Path) -> list[Path]:
    """``realdocs-<edition>-{metrics,indicators,companies,answerable}.csv`` in ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for edition, r in results.items():
        frames = {
            "metrics": pd.DataFrame([{"metric": k, "value": m["value"], "lo": m["ci95"][0], "hi": m["ci95"][1], "n": m["n"]}
                                     for k, m in r["metrics"].items()]),
            "indicators": pd.DataFrame(r["indicators"]),
            "companies": pd.DataFrame(r["companies"]),
            "answerable": pd.DataFrame([(c, i) for c, found in r["answerable"].items() for i in found],
                                       columns=["company", "indicator"]),
        }
        for name, frame in frames.items():
            path = folder / f"realdocs-{edition}-{name}.csv"
            frame.to_csv(path, index=False)
            paths.append(path)
    return paths
