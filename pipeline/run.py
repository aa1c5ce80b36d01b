"""The stages over a workspace: what is new is processed, what is stored is skipped.

Each ``run_*`` function reads its input from the store, maps a pure function over it (in
parallel through :mod:`pipeline.parallel`) and writes results back in batches, one
transaction per batch, so a killed run resumes where it stopped and a rerun adds nothing.
One driver (:func:`_drive`) does that for every stage; a stage supplies only its inputs, how
to store one result and what to do at the end.
"""
from __future__ import annotations

import logging
import sqlite3
import time
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from . import score as scoring
from .parallel import pmap
from .extract.language import readable
from .limits import Limits
from .records import DoctypeOptions, ExtractOptions, PassageSizes, sha256_bytes
from .settings import Settings
from .store import Workspace, now
from .tasks import extract_and_segment, model_id_of, score_one, tag_passages

log = logging.getLogger("hrdc.run")


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


class _Stage(ABC):
    """What one stage supplies to :func:`_drive`: its inputs, how to store one result, and
    what to do once every result is stored. The driver does the rest."""

    name: str
    unit: str  # of the progress bar
    task: Callable[..., Any]  # the pure function of pipeline.tasks that workers run
    counts: tuple[str, ...] = ()  # StageSummary counts reported even when zero

    @abstractmethod
    def plan(self, ws: Workspace) -> tuple[Iterable[tuple], int, int]:
        """``(task inputs, how many, how many were done before)``; inputs are read lazily."""

    @abstractmethod
    def store(self, ws: Workspace, conn: sqlite3.Connection, result: Any, summary: StageSummary) -> None:
        """Write one result inside its batch's transaction and count it in ``summary``."""

    def finish(self, ws: Workspace, summary: StageSummary) -> None:
        """After the last batch is committed."""


def _drive(stage: _Stage, ws: Workspace, settings: Settings, progress: bool) -> StageSummary:
    """Map ``stage.task`` over the stage's new inputs (in parallel) and store the results in
    batches, one transaction per batch: a killed run keeps every committed batch."""
    started = time.perf_counter()
    items, total, done = stage.plan(ws)
    summary = StageSummary(stage.name, skipped=done, counts=dict.fromkeys(stage.counts, 0))
    bar = tqdm(total=total, desc=stage.name, unit=stage.unit, disable=not progress, leave=False)
    for batch in _batched(pmap(stage.task, items, settings), max(1, settings.batch_size // 8)):
        with ws.transaction() as conn:
            for result in batch:
                stage.store(ws, conn, result, summary)
                summary.processed += 1
        bar.update(len(batch))
    bar.close()
    stage.finish(ws, summary)
    summary.seconds = time.perf_counter() - started
    return summary


# -- extract + segment ----------------------------------------------------------------------
class _Extract(_Stage):
    name, unit = "extract", "doc"
    task = staticmethod(extract_and_segment)

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def plan(self, ws: Workspace) -> tuple[Iterable[tuple], int, int]:
        todo = ws.unextracted()
        # Largest documents first (longest-processing-time-first scheduling): the last tasks in
        # flight are then small ones, so no core idles while another finishes a long PDF.
        size = todo["sha256"].map(lambda sha: ws.raw_path(sha).stat().st_size if ws.has_raw(sha) else 0)
        todo = todo.iloc[np.argsort(-size.to_numpy(), kind="stable")]
        self.urls = dict(zip(todo["sha256"], todo["url"]))
        limits, sizes = Limits.from_settings(self.settings), PassageSizes.from_settings(self.settings)
        options, doctype = ExtractOptions.from_settings(self.settings), DoctypeOptions.from_settings(self.settings)
        items = ((row.sha256, ws.get_raw(row.sha256), row.kind, row.url, limits, sizes, options, doctype)
                 for row in todo.itertuples(index=False))
        return items, len(todo), ws.n_extracted()

    def store(self, ws: Workspace, conn: sqlite3.Connection, result: tuple[dict, list[dict]],
              summary: StageSummary) -> None:
        ext_row, passage_rows = result
        ws.insert("passages", passage_rows, conn=conn)
        ws.insert("extractions", [ext_row], conn=conn)
        summary.counts["passages"] = summary.counts.get("passages", 0) + len(passage_rows)
        summary.counts["pages"] = summary.counts.get("pages", 0) + int(ext_row["n_pages"] or 0)
        if ext_row["error"]:
            summary.errors += 1
            log.warning("extract %s (%s): %s", ext_row["sha256"][:12], ext_row["kind"], ext_row["error"])
        if "truncated" in ext_row["flags"].split():
            summary.counts["truncated"] = summary.counts.get("truncated", 0) + 1
            log.warning("extract %s: the page nests deeper than the HTML parser can follow (2,048 "
                        "levels); text after that depth is lost",
                        self.urls.get(ext_row["sha256"], ext_row["sha256"][:12]))


def run_extract(ws: Workspace, settings: Settings, *, progress: bool = True) -> StageSummary:
    """Extract and segment every stored version that has no extraction yet."""
    return _drive(_Extract(settings), ws, settings, progress)


# -- tag ------------------------------------------------------------------------------------
class _Tag(_Stage):
    name, unit, counts = "tag", "doc", ("passages", "tags")
    task = staticmethod(tag_passages)

    def __init__(self, model: str, floor: float) -> None:
        self.model, self.floor, self.expected = model, floor, model_id_of(model)

    def plan(self, ws: Workspace) -> tuple[Iterable[tuple], int, int]:
        shas = ws.untagged(self.expected)  # largest first, as in run_extract
        items = ((self.model, sha, ws.evidence_passages(sha), self.floor) for sha in shas)
        return items, len(shas), ws.n_tagged(self.expected)

    def store(self, ws: Workspace, conn: sqlite3.Connection, result: tuple[str, str, list[dict], list[dict]],
              summary: StageSummary) -> None:
        used, sha, tags, attrs = result
        if used != self.expected:
            raise RuntimeError(
                f"a worker tagged with model {used}, not {self.expected} (--model "
                f"{self.model or 'models/default'}): every worker needs the same model, "
                "and the model folder's meta.json must come from the same training run")
        ws.insert("tags", tags, conflict="replace", conn=conn)
        ws.insert("passage_attributes", attrs, conflict="replace", conn=conn)
        ws.insert("tagged", [{"model": used, "sha256": sha, "tagged_at": now()}], conn=conn)
        summary.counts["passages"] += len(attrs)
        summary.counts["tags"] += sum(1 for t in tags if t["label"])

    def finish(self, ws: Workspace, summary: StageSummary) -> None:
        ws.set_meta("model", self.expected)


def run_tag(ws: Workspace, settings: Settings, *, progress: bool = True) -> StageSummary:
    """Tag the evidence passages (:data:`~pipeline.passage_kind.EVIDENCE_KINDS`) of every
    extracted version the current model has not tagged yet."""
    return _drive(_Tag(settings.model, settings.tag_store_floor), ws, settings, progress)


# -- score ----------------------------------------------------------------------------------
class _Score(_Stage):
    """One scoring run over every company; ``status`` gets each company's (status, reason)."""

    name, unit, counts = "score", "company", ("full", "partial", "none")
    task = staticmethod(score_one)

    def __init__(self, settings: Settings, rules: scoring.ScoringRules | None) -> None:
        self.settings, self.rules = settings, rules
        self.status: dict[str, tuple[str, str]] = {}

    def plan(self, ws: Workspace) -> tuple[Iterable[tuple], int, int]:
        from .salient import load_salient_issues
        from .taxonomy import load_taxonomy

        load_taxonomy()  # a broken criteria file stops the command before a scoring run is recorded
        load_salient_issues()  # and so does a broken salient-issue mapping, which the export needs
        self.rules = self.rules or scoring.ScoringRules.from_settings(self.settings)
        self.model = ws.get_meta("model") or model_id_of(self.settings.model)
        self.element_file = self.rules.element_model_file()
        if self.rules.element_reader == "learned" and self.element_file is None:
            log.warning("score: %s has no element model (elements.joblib): RDR's element questions are "
                        "matched lexically; retrain it with `hrdc train`", self.rules.element_model or "models/default")
        companies = ws.companies_to_score()
        self.run_id = ws.start_run("score")
        return self._inputs(ws, companies), len(companies), 0

    def _inputs(self, ws: Workspace, companies: pd.DataFrame) -> Iterator[tuple]:
        """Scoring inputs of the companies hrdc can assess: a company without a readable
        document is not assessed, never scored 0."""
        languages = self.settings.model_languages
        for company in companies.itertuples(index=False):
            documents = ws.documents_read(company.company_id)
            documents = documents[documents["n_chars"].fillna(0) > 0]
            read = [readable(d.language, d.language_confidence, languages, self.settings.language_min_confidence)
                    for d in documents.itertuples(index=False)]
            readable_docs, unread = documents[read], documents[[not r for r in read]]
            reason = "; ".join(f"{u.url} is in {u.language}" for u in unread.itertuples(index=False))
            if not len(documents):
                self.status[company.company_id] = ("not_assessed", "no document with text was retrieved")
            elif not len(readable_docs):
                self.status[company.company_id] = (
                    "not_assessed", f"no document in a language the model reads ({', '.join(languages)}): {reason}")
            else:
                self.status[company.company_id] = ("assessed", f"not read: {reason}" if reason else "")
                tags = ws.current_tags(self.model, company.company_id, labelled=True)
                read_shas = set(readable_docs["sha256"])
                tags = tags[tags["sha256"].isin(read_shas)]  # what is not read is not scored
                passages = None
                if self.element_file is not None:
                    passages = ws.current_passages(self.model, company.company_id)
                    passages = passages[passages["sha256"].isin(read_shas)].merge(
                        readable_docs[["sha256", "doctype"]].drop_duplicates("sha256"), on="sha256", how="left")
                yield (company.company_id, company.sector, tags, self.rules,
                       tuple(readable_docs.to_dict("records")), tuple(company.services.split()), passages)

    def store(self, ws: Workspace, conn: sqlite3.Connection, result: tuple, summary: StageSummary) -> None:
        company_id, verdicts, fw, elements = result
        run_id = self.run_id
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

    def finish(self, ws: Workspace, summary: StageSummary) -> None:
        ws.insert("company_status", [{"run_id": self.run_id, "company_id": c, "status": st, "reason": why}
                                     for c, (st, why) in self.status.items()])
        for company_id, (st, why) in self.status.items():
            if st == "not_assessed":
                log.warning("score: %s not assessed: %s", company_id, why)
            elif why:
                log.warning("score: %s: %s", company_id, why)
        summary.counts["not assessed"] = sum(st == "not_assessed" for st, _ in self.status.values())


def _file_id(path) -> str | None:
    """The first 12 hex digits of a file's sha256 (which element model scored a run)."""
    return None if path is None else sha256_bytes(Path(path).read_bytes())[:12]


def run_score(ws: Workspace, settings: Settings, *, rules: scoring.ScoringRules | None = None,
              progress: bool = True) -> tuple[int, StageSummary]:
    """Score every company against every leaf criterion; one new scoring run per call.

    ``rules`` default to the scoring settings (:meth:`ScoringRules.from_settings`).
    """
    stage = _Score(settings, rules)
    summary = _drive(stage, ws, settings, progress)
    ws.finish_run(stage.run_id, "done", {"model": stage.model, "rdr_method": stage.rules.rdr_method,
                                         "element_reader": "learned" if stage.element_file else "lexical",
                                         "element_model": _file_id(stage.element_file),
                                         "model_languages": list(settings.model_languages),
                                         "language_min_confidence": settings.language_min_confidence,
                                         **summary.counts})
    return stage.run_id, summary
