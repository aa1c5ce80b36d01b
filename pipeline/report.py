"""Assemble the export :class:`~pipeline.export.Report` from a workspace's latest scoring run."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd

from .compare import CHANGE_COLUMNS, compare_runs, previous_run, score_runs
from .export import Report, write_exports
from .store import StoreError, Workspace


_MAX_IDS = 500  # company ids per query, well under SQLite's limit on bound parameters


def _criteria_frame() -> pd.DataFrame:
    from .taxonomy import load_taxonomy

    frame = load_taxonomy().to_frame()
    if "criterion" not in frame and "id" in frame:
        frame = frame.rename(columns={"id": "criterion"})
    return frame[[c for c in ("criterion", "framework", "title", "category", "family") if c in frame]]


def build_report(ws: Workspace, run_id: int | None = None) -> Report:
    """The coverage, framework, change and document tables of one scoring run (default latest)."""
    runs = score_runs(ws)
    if not runs:
        raise StoreError(f"workspace {ws.path} has no scores yet; run `hrdc score --workspace {ws.path}`")
    run_id = run_id or runs[-1]
    criteria = _criteria_frame()
    # Only the best quote is read here; the evidence lists are streamed per company on export.
    scores = ws.frame(
        """SELECT c.name AS company, s.company_id, c.sector, s.framework, s.criterion, s.verdict, s.score,
                  s.n_passages, COALESCE(json_extract(s.evidence, '$[0].quote'), '') AS evidence,
                  COALESCE(json_extract(s.evidence, '$[0].url'), '') AS url,
                  json_extract(s.evidence, '$[0].page') AS page
           FROM scores s JOIN companies c USING (company_id) WHERE s.run_id = ?
           ORDER BY s.company_id, s.criterion""", (run_id,))
    scores = scores.merge(criteria.drop(columns="framework"), on="criterion", how="left")
    scores["page"] = scores["page"].astype("Int64")
    coverage = scores[["company", "framework", "criterion", "title", "verdict", "score", "n_passages",
                       "evidence", "url", "page", "company_id", "sector", "category", "family"]]
    frameworks = ws.frame(
        """SELECT c.name AS company, f.framework, f.score FROM framework_scores f
           JOIN companies c USING (company_id) WHERE f.run_id = ? ORDER BY c.name, f.framework""", (run_id,))
    before = previous_run(ws, run_id)
    # the same columns whether or not there is a run to compare with: scripts read this file
    changes = compare_runs(ws, before, ws, run_id) if before else pd.DataFrame(columns=CHANGE_COLUMNS)
    documents = ws.frame(
        """SELECT c.name AS company, d.url, d.kind, COALESCE(e.title, '') AS title,
                  COALESCE(e.doctype, '') AS doctype, COALESCE(e.language, '') AS language,
                  e.language_confidence, v.retrieved_at, v.sha256,
                  (SELECT COUNT(*) FROM passages p WHERE p.sha256 = v.sha256) AS n_passages,
                  COALESCE(e.flags, '') AS flags
           FROM documents d JOIN companies c USING (company_id)
           JOIN versions v ON v.doc_id = d.doc_id
                AND v.version = (SELECT MAX(version) FROM versions WHERE doc_id = d.doc_id)
           LEFT JOIN extractions e ON e.sha256 = v.sha256 ORDER BY c.name, d.url""")
    from .elements import rdr_element_table
    from .taxonomy import load_taxonomy

    answers = ws.element_results(run_id)
    answers = answers[answers["criterion"].str.startswith("rdr.")]
    rdr_elements = rdr_element_table(answers, load_taxonomy()) if len(answers) else pd.DataFrame()
    not_assessed = ws.not_assessed(run_id)
    run = ws.query("SELECT started_at, finished_at, stats FROM runs WHERE run_id=?", (run_id,))
    stats = ws.run_stats(run_id)
    meta = {
        "run_id": run_id, "date": run[0]["finished_at"] if run else "", "model": stats.get("model", ""),
        "previous_run": before, "companies": int(scores["company_id"].nunique()),
        "documents": int(len(documents)),
        "passages": int(documents.drop_duplicates("sha256")["n_passages"].sum()) if len(documents) else 0,
        "criteria": int(scores["criterion"].nunique()), "workspace": str(ws.path),
        "not_assessed": dict(zip(not_assessed["company"], not_assessed["reason"])),
        "model_languages": stats.get("model_languages", ["en"]),
    }
    return Report(coverage=coverage, frameworks=frameworks, changes=changes, documents=documents,
                  meta=meta, criteria=criteria, evidence_source=_evidence_source(ws, run_id),
                  rdr_elements=rdr_elements)


def _evidence_source(ws: Workspace, run_id: int) -> Callable[[pd.DataFrame], pd.Series]:
    """Reads the evidence JSON of some coverage rows of ``run_id`` from the store, in their order."""

    def evidence_json(rows: pd.DataFrame) -> pd.Series:
        ids = list(dict.fromkeys(rows["company_id"]))
        found = pd.concat([
            ws.frame(
                f"""SELECT company_id, criterion, evidence AS evidence_json FROM scores
                    WHERE run_id = ? AND company_id IN ({", ".join("?" * len(batch))})""", (run_id, *batch))
            for batch in (ids[i:i + _MAX_IDS] for i in range(0, len(ids), _MAX_IDS))
        ])
        keys = rows[["company_id", "criterion"]]
        return keys.merge(found, on=["company_id", "criterion"], how="left")["evidence_json"]

    return evidence_json


def export_workspace(ws: Workspace, out: str | Path, formats: Sequence[str]) -> dict[str, list[Path]]:
    """Build the report of the latest scoring run and write it in ``formats`` under ``out``."""
    return write_exports(build_report(ws), out, formats)
