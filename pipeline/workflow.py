"""The whole pipeline on one workspace: crawl, extract, tag, score, export."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .settings import Settings
from .store import Workspace

log = logging.getLogger("hrdc.run")


@dataclass
class RunResult:
    """What a full run did and wrote."""

    workspace: Path
    crawl: str = ""
    stages: list = field(default_factory=list)
    score_run: int | None = None
    exports: dict[str, list[Path]] = field(default_factory=dict)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    totals: dict[str, int] = field(default_factory=dict)  # documents, pages, passages, errors

    def format(self) -> str:
        lines = [f"workspace {self.workspace}", self.crawl]
        lines += [s.format() for s in self.stages]
        if self.score_run is not None:
            lines.append(f"scoring run {self.score_run}")
        for fmt, paths in self.exports.items():
            lines += [f"{fmt:8s} {p}" for p in paths]
        if self.totals:
            lines.append("summary: " + ", ".join(f"{k} {v}" for k, v in self.totals.items()))
        if self.timings:
            lines.append("time per stage: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items()))
        lines.append(f"done in {self.seconds:.1f} s")
        return "\n".join(line for line in lines if line)


def run_all(
    companies: str | Path,
    workspace: str | Path,
    out: str | Path,
    settings: Settings,
    *,
    formats: Sequence[str] = ("csv", "xlsx", "parquet", "html", "docx"),
    references: Sequence[str | Path] = (),
    aliases: Sequence[str | Path] = (),
    progress: bool = True,
) -> RunResult:
    """Run every stage; each skips what the workspace already holds, so a rerun resumes.

    ``references`` are published-score files and ``aliases`` company-alias files
    (:mod:`pipeline.references`), shown beside hrdc's scores in the exports."""
    from .companies import read_companies
    from .crawl import crawl
    from .parallel import release_workers
    from .export import export_workspace
    from .references import read_alias_files, read_reference_files
    from .run import run_extract, run_score, run_tag

    started = time.perf_counter()
    company_list = read_companies(companies)  # fail before touching the workspace
    published, alias_rows = read_reference_files(references), read_alias_files(aliases)
    result = RunResult(Path(workspace))
    with Workspace(workspace) as ws:
        crawled = crawl(ws, company_list, settings, progress=progress)
        result.crawl, result.timings["crawl"] = crawled.format(), crawled.seconds
        log.info("%s", result.crawl)
        for stage in (run_extract, run_tag):
            summary = stage(ws, settings, progress=progress)
            log.info("%s", summary.format())
            result.stages.append(summary)
            result.timings[summary.stage] = summary.seconds
        result.score_run, summary = run_score(ws, settings, progress=progress)
        log.info("%s", summary.format())
        result.stages.append(summary)
        result.timings["score"] = summary.seconds
        release_workers()
        export_started = time.perf_counter()
        result.exports = export_workspace(ws, out, formats, settings=settings, references=published,
                                          aliases=alias_rows, progress=progress)
        result.timings["export"] = time.perf_counter() - export_started
        result.totals = ws.totals()
        result.totals["errors"] += crawled.outcomes.get("failed", 0)
    result.seconds = time.perf_counter() - started
    return result
