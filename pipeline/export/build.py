"""Build the :class:`~pipeline.export.model.Report` of a workspace's scoring run from the store."""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..applicability import is_applicable
from ..compare import CHANGE_COLUMNS, compare_runs, previous_run
from ..elements import rdr_element_table
from ..references import bundled_aliases, bundled_references, match_references
from ..settings import Settings
from ..store import StoreError, Workspace
from ..taxonomy import load_taxonomy
from .model import Report

__all__ = ["build_report"]


def _criteria_frame() -> pd.DataFrame:
    frame = load_taxonomy().to_frame()
    if "criterion" not in frame and "id" in frame:
        frame = frame.rename(columns={"id": "criterion"})
    return frame[[c for c in ("criterion", "framework", "title", "category", "family") if c in frame]]


def build_report(ws: Workspace, run_id: int | None = None, *, max_ids: int = Settings.query_max_ids) -> Report:
    """The coverage, framework, change and document tables of one scoring run (default latest);
    the evidence is read later, ``max_ids`` companies per store query."""
    runs = ws.score_runs()
    if not runs:
        raise StoreError(f"workspace {ws.path} has no scores yet; run `hrdc score --workspace {ws.path}`")
    run_id = run_id or runs[-1]
    criteria = _criteria_frame()
    # Only the best quote is read here; the evidence lists are streamed per company on export.
    scores = ws.score_coverage(run_id)
    scores = _with_not_applicable(scores, ws)
    scores = scores.merge(criteria.drop(columns="framework"), on="criterion", how="left")
    scores["page"] = scores["page"].astype("Int64")
    coverage = scores[["company", "framework", "criterion", "title", "verdict", "score", "n_passages",
                       "evidence", "url", "page", "company_id", "sector", "category", "family",
                       "applicable"]]
    before = previous_run(ws, run_id)
    # the same columns whether or not there is a run to compare with: scripts read this file
    changes = compare_runs(ws, before, ws, run_id) if before else pd.DataFrame(columns=CHANGE_COLUMNS)
    documents = ws.source_documents()
    answers = ws.element_results(run_id)
    answers = answers[answers["criterion"].str.startswith("rdr.")]
    rdr_elements = rdr_element_table(answers, load_taxonomy()) if len(answers) else pd.DataFrame()
    not_assessed = ws.not_assessed(run_id)
    stats = ws.run_stats(run_id)
    meta = {
        "run_id": run_id, "date": ws.run_finished_at(run_id), "model": stats.get("model", ""),
        "previous_run": before, "companies": int(scores["company_id"].nunique()),
        "documents": int(len(documents)),
        "passages": int(documents.drop_duplicates("sha256")["n_passages"].sum()) if len(documents) else 0,
        "criteria": int(scores.loc[scores["applicable"], "criterion"].nunique()), "workspace": str(ws.path),
        "not_assessed": dict(zip(not_assessed["company"], not_assessed["reason"])),
        "model_languages": stats.get("model_languages", ["en"]),
        "language_min_confidence": stats.get("language_min_confidence", Settings.language_min_confidence),
    }
    frameworks = ws.framework_scores(run_id)
    references = _references(ws, set(scores["company"]) | set(frameworks["company"]))
    return Report(coverage=coverage, frameworks=frameworks, changes=changes,
                  documents=documents, meta=meta, criteria=criteria,
                  evidence_source=_evidence_source(ws, run_id, max_ids), rdr_elements=rdr_elements,
                  references=references,
                  previous_frameworks=ws.framework_scores(before) if before else pd.DataFrame())


def _references(ws: Workspace, companies: set[str]) -> pd.DataFrame:
    """Published scores of ``companies``: those loaded into the workspace, and the bundled ones
    of every benchmark edition the workspace does not hold (a loaded file replaces them)."""
    stored, bundled = ws.references(), bundled_references()
    loaded = set(zip(stored["benchmark"], stored["edition"]))
    bundled = bundled[[key not in loaded for key in zip(bundled["benchmark"], bundled["edition"])]]
    aliases = pd.concat([bundled_aliases(), ws.reference_aliases()], ignore_index=True)
    return match_references(pd.concat([stored, bundled], ignore_index=True), sorted(companies), aliases)


def _with_not_applicable(scores: pd.DataFrame, ws: Workspace) -> pd.DataFrame:
    """The run's verdicts marked ``applicable``, plus one row without verdict or score for every
    criterion that does not apply to a scored company's sector (another sector's framework, or an
    RDR indicator RDR leaves out for the company type), so exports show it as not applicable
    rather than leave it out."""
    taxonomy = load_taxonomy()
    companies = scores.drop_duplicates("company_id")[["company", "company_id", "sector"]]
    scored = set(zip(scores["company_id"], scores["criterion"]))
    extra = [
        {"company": c.company, "company_id": c.company_id, "sector": c.sector, "framework": k.framework,
         "criterion": k.id, "verdict": None, "score": float("nan"), "n_passages": None,
         "evidence": "", "url": "", "page": None}
        for c in companies.itertuples(index=False) for k in taxonomy.leaves
        if (c.company_id, k.id) not in scored and not is_applicable(k, c.sector)
    ]
    applicable = [k not in taxonomy or is_applicable(taxonomy.get(k), sector)
                  for k, sector in zip(scores["criterion"], scores["sector"])]
    out = scores.assign(applicable=applicable)
    if extra:
        out = pd.concat([out, pd.DataFrame(extra).assign(applicable=False)], ignore_index=True)
    return out.sort_values(["company_id", "criterion"], kind="stable").reset_index(drop=True)


def _evidence_source(ws: Workspace, run_id: int, max_ids: int) -> Callable[[pd.DataFrame], pd.Series]:
    """Reads the evidence JSON of some coverage rows of ``run_id`` from the store, in their order."""

    def evidence_json(rows: pd.DataFrame) -> pd.Series:
        found = ws.score_evidence(run_id, rows["company_id"], max_ids)
        keys = rows[["company_id", "criterion"]]
        return keys.merge(found, on=["company_id", "criterion"], how="left")["evidence_json"]

    return evidence_json
