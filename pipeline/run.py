"""The stages over a workspace: what is new is processed, what is stored is skipped.

Each ``run_*`` function reads its input from the store, maps a pure function over it (in
parallel through :mod:`pipeline.parallel`) and writes results back in batches, one
transaction per batch, so a killed run resumes where it stopped and a rerun adds nothing.
"""
from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from . import score as scoring
from .parallel import pmap
from .extract.language import readable
from .passage_kind import EVIDENCE_KINDS
from .settings import Settings
from .store import Workspace, now
from .tasks import extract_and_segment, model_id_of, score_one, tag_passages

log = logging.getLogger("hrdc.run")
_EVIDENCE_SQL = ", ".join(f"'{k}'" for k in EVIDENCE_KINDS)  # headings, menus and boilerplate are never tagged


@dataclass
class StageSummary:
    """What one stage did, for logs and the run summary."""

    stage: str
    processed: int = 0
    skipped: int = 0
    errors: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    def format(self) -> str:
        extra = ", ".join(f"{k} {v}" for k, v in self.counts.items())
        return (f"{self.stage}: {self.processed} processed, {self.skipped} already done, "
                f"{self.errors} errors{', ' + extra if extra else ''} ({self.seconds:.1f} s)")


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _progress(total: int, desc: str, unit: str, enabled: bool):
    return tqdm(total=total, desc=desc, unit=unit, disable=not enabled, leave=False)


# -- extract + segment ----------------------------------------------------------------------
def _raw_items(ws: Workspace, todo: pd.DataFrame) -> Iterator[tuple[str, bytes, str | None, str]]:
    for row in todo.itertuples(index=False):
        yield row.sha256, ws.get_raw(row.sha256), row.kind, row.url


def run_extract(ws: Workspace, settings: Settings, *, progress: bool = True) -> StageSummary:
    """Extract and segment every stored version that has no extraction yet."""
    started = time.perf_counter()
    todo = ws.frame(
        """SELECT v.sha256, MIN(d.kind) AS kind, MIN(d.url) AS url FROM versions v
           JOIN documents d USING (doc_id)
           WHERE v.sha256 NOT IN (SELECT sha256 FROM extractions)
           GROUP BY v.sha256 ORDER BY v.sha256"""
    )
    # Largest documents first (longest-processing-time-first scheduling): the last tasks in
    # flight are then small ones, so no core idles while another finishes a long PDF.
    size = todo["sha256"].map(lambda sha: ws.raw_path(sha).stat().st_size if ws.has_raw(sha) else 0)
    todo = todo.iloc[np.argsort(-size.to_numpy(), kind="stable")]
    urls = dict(zip(todo["sha256"], todo["url"]))
    done = ws.query("SELECT COUNT(*) AS n FROM extractions")[0]["n"]
    summary = StageSummary("extract", skipped=int(done))
    bar = _progress(len(todo), "extract", "doc", progress)
    results = pmap(extract_and_segment, _raw_items(ws, todo), settings)
    for batch in _batched(results, max(1, settings.batch_size // 8)):
        with ws.transaction() as conn:
            for ext_row, passage_rows in batch:
                ws.insert("passages", passage_rows, conn=conn)
                ws.insert("extractions", [ext_row], conn=conn)
                summary.processed += 1
                summary.counts["passages"] = summary.counts.get("passages", 0) + len(passage_rows)
                summary.counts["pages"] = summary.counts.get("pages", 0) + int(ext_row["n_pages"] or 0)
                if ext_row["error"]:
                    summary.errors += 1
                    log.warning("extract %s (%s): %s", ext_row["sha256"][:12], ext_row["kind"], ext_row["error"])
                if "truncated" in ext_row["flags"].split():
                    summary.counts["truncated"] = summary.counts.get("truncated", 0) + 1
                    log.warning("extract %s: the page nests deeper than the HTML parser can follow (2,048 "
                                "levels); text after that depth is lost", urls.get(ext_row["sha256"], ext_row["sha256"][:12]))
        bar.update(len(batch))
    bar.close()
    summary.seconds = time.perf_counter() - started
    return summary


# -- tag ------------------------------------------------------------------------------------
def _passage_groups(ws: Workspace, shas: Sequence[str], model: str) -> Iterator[tuple[str, str, list[dict]]]:
    for sha in shas:
        rows = ws.query(
            f"SELECT passage_id, text, context_before, context_after FROM passages WHERE sha256=? "
            f"AND kind IN ({_EVIDENCE_SQL}) ORDER BY seq",
            (sha,),
        )
        yield model, sha, [dict(r) for r in rows]


def run_tag(ws: Workspace, settings: Settings, *, progress: bool = True) -> StageSummary:
    """Tag the evidence passages (:data:`~pipeline.passage_kind.EVIDENCE_KINDS`) of every
    extracted version the current model has not tagged yet."""
    started = time.perf_counter()
    expected = model_id_of(settings.model)
    shas = [r["sha256"] for r in ws.query(  # largest first, as in run_extract
        "SELECT sha256 FROM extractions WHERE sha256 NOT IN (SELECT sha256 FROM tagged WHERE model=?) "
        "ORDER BY n_chars DESC, sha256", (expected,))]
    done = ws.query("SELECT COUNT(*) AS n FROM tagged WHERE model=?", (expected,))[0]["n"]
    summary = StageSummary("tag", skipped=int(done), counts={"passages": 0, "tags": 0})
    bar = _progress(len(shas), "tag", "doc", progress)
    results = pmap(tag_passages, _passage_groups(ws, shas, settings.model), settings)
    for batch in _batched(results, max(1, settings.batch_size // 8)):
        with ws.transaction() as conn:
            for used, sha, tags, attrs in batch:
                if used != expected:
                    raise RuntimeError(
                        f"a worker tagged with model {used}, not {expected} (--model "
                        f"{settings.model or 'models/default'}): every worker needs the same model, "
                        "and the model folder's meta.json must come from the same training run")
                ws.insert("tags", tags, conflict="replace", conn=conn)
                ws.insert("passage_attributes", attrs, conflict="replace", conn=conn)
                ws.insert("tagged", [{"model": used, "sha256": sha, "tagged_at": now()}], conn=conn)
                summary.processed += 1
                summary.counts["passages"] += len(attrs)
                summary.counts["tags"] += sum(1 for t in tags if t["label"])
        bar.update(len(batch))
    bar.close()
    ws.set_meta("model", expected)
    summary.seconds = time.perf_counter() - started
    return summary


# -- score ----------------------------------------------------------------------------------
def current_tags(ws: Workspace, model_id: str, company_id: str | None = None, *,
                 labelled: bool = False) -> pd.DataFrame:
    """Tags of the companies' current documents (latest version of each), with provenance.

    With ``company_id``, only that company's. CROSS JOIN fixes SQLite's join order to
    documents -> versions -> passages -> tags, each step an index lookup, so one company costs
    the same however large the workspace is (left to itself, the planner starts from every
    tag of the model, and scoring company by company grows with the square of the corpus).
    ``labelled=True`` keeps only tags at or above their criterion's threshold.
    """
    where, params = ("WHERE d.company_id = ?", (model_id, company_id)) if company_id else ("", (model_id,))
    label = "AND t.label = 1" if labelled else ""
    return ws.frame(
        f"""SELECT d.company_id, t.passage_id, t.criterion, t.score, t.label,
                   COALESCE(a.future, 0) AS future, COALESCE(a.negative, 0) AS negative,
                   p.text, d.url, p.page, v.retrieved_at, v.sha256
            FROM documents d
            CROSS JOIN versions v ON v.doc_id = d.doc_id
                 AND v.version = (SELECT MAX(version) FROM versions WHERE doc_id = d.doc_id)
            CROSS JOIN passages p ON p.sha256 = v.sha256 AND p.kind IN ({_EVIDENCE_SQL})
            CROSS JOIN tags t ON t.passage_id = p.passage_id AND t.model = ? {label}
            LEFT JOIN passage_attributes a ON a.passage_id = p.passage_id AND a.model = t.model
            {where}
            ORDER BY d.company_id, t.criterion, t.score DESC, d.url""",
        params,
    )


def _company_inputs(ws: Workspace, companies: pd.DataFrame, model_id: str, rules: scoring.ScoringRules,
                    languages: Sequence[str], status: dict[str, tuple[str, str]]) -> Iterator[tuple]:
    """Scoring inputs of the companies hrdc can assess; ``status`` gets every company's
    (status, reason): a company without a readable document is not assessed, never scored 0."""
    for company in companies.itertuples(index=False):
        documents = ws.documents_read(company.company_id)
        documents = documents[documents["n_chars"].fillna(0) > 0]
        read = [readable(d.language, d.language_confidence, languages) for d in documents.itertuples(index=False)]
        readable_docs, unread = documents[read], documents[[not r for r in read]]
        reason = "; ".join(f"{u.url} is in {u.language}" for u in unread.itertuples(index=False))
        if not len(documents):
            status[company.company_id] = ("not_assessed", "no document with text was retrieved")
        elif not len(readable_docs):
            status[company.company_id] = (
                "not_assessed", f"no document in a language the model reads ({', '.join(languages)}): {reason}")
        else:
            status[company.company_id] = ("assessed", f"not read: {reason}" if reason else "")
            tags = current_tags(ws, model_id, company.company_id, labelled=True)
            tags = tags[tags["sha256"].isin(set(readable_docs["sha256"]))]  # what is not read is not scored
            yield (company.company_id, company.sector, tags, rules, tuple(readable_docs.to_dict("records")),
                   tuple(company.services.split()))


def run_score(ws: Workspace, settings: Settings, *, rules: scoring.ScoringRules | None = None,
              progress: bool = True) -> tuple[int, StageSummary]:
    """Score every company against every leaf criterion; one new scoring run per call.

    ``rules`` default to the scoring settings (:meth:`ScoringRules.from_settings`).
    """
    from .taxonomy import load_taxonomy

    started = time.perf_counter()
    load_taxonomy()  # a broken criteria file stops the command before a scoring run is recorded
    rules = rules or scoring.ScoringRules.from_settings(settings)
    model = ws.get_meta("model") or model_id_of(settings.model)
    companies = ws.frame("SELECT company_id, sector, services FROM companies ORDER BY company_id")
    run_id = ws.start_run("score")
    summary = StageSummary("score", counts={"full": 0, "partial": 0, "none": 0})
    bar = _progress(len(companies), "score", "company", progress)
    status: dict[str, tuple[str, str]] = {}
    results = pmap(score_one, _company_inputs(ws, companies, model, rules, settings.model_languages, status),
                   settings)
    for batch in _batched(results, max(1, settings.batch_size // 8)):
        with ws.transaction() as conn:
            for company_id, verdicts, fw, elements in batch:
                ws.insert("scores", [
                    {"run_id": run_id, "company_id": v.company_id, "framework": v.framework,
                     "criterion": v.criterion, "verdict": v.verdict, "score": v.score,
                     "n_passages": v.n_passages, "evidence": [asdict(e) for e in v.evidence]}
                    for v in verdicts], conn=conn)
                ws.insert("element_results", [
                    {"run_id": run_id, "company_id": e.company_id, "criterion": e.criterion,
                     "element": e.element, "result": e.result, "match": e.match,
                     "evidence": [asdict(x) for x in e.evidence]}
                    for e in elements], conn=conn)
                ws.insert("framework_scores", [
                    {"run_id": run_id, "company_id": company_id, "framework": k, "score": s}
                    for k, s in fw.items()], conn=conn)
                for v in verdicts:
                    summary.counts[v.verdict] += 1
                summary.processed += 1
        bar.update(len(batch))
    bar.close()
    ws.insert("company_status", [{"run_id": run_id, "company_id": c, "status": st, "reason": why}
                                 for c, (st, why) in status.items()])
    for company_id, (st, why) in status.items():
        if st == "not_assessed":
            log.warning("score: %s not assessed: %s", company_id, why)
        elif why:
            log.warning("score: %s: %s", company_id, why)
    summary.counts["not assessed"] = sum(st == "not_assessed" for st, _ in status.values())
    summary.seconds = time.perf_counter() - started
    ws.finish_run(run_id, "done", {"model": model, "rdr_method": rules.rdr_method,
                                   "model_languages": list(settings.model_languages), **summary.counts})
    return run_id, summary
