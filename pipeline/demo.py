"""``hrdc demo``: serve the bundled demo corpus on 127.0.0.1 and run the whole pipeline on it."""
from __future__ import annotations

import csv
import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from .paths import CORPORA_DIR
from .settings import Settings
from .workflow import RunResult, run_all

log = logging.getLogger("hrdc.demo")

DEMO_SITES = CORPORA_DIR / "demo_sites"
# The demo server is ours and local: crawl it faster than a real site (robots.txt
# Crawl-delay still applies where a site sets one).
DEMO_DELAY = 0.1


@dataclass
class DemoResult:
    run: RunResult
    table: pd.DataFrame

    def format(self) -> str:
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            table = self.table.to_string(index=False)
        return f"{table}\n\n{self.run.format()}"


def write_companies(sites: dict[str, str], path: Path) -> Path:
    """The demo companies file with the live base URL of each site."""
    with open(DEMO_SITES / "companies.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["company", "sector", "seed_urls"])
        for row in rows:
            writer.writerow([row["company"], row["sector"], sites[row["site"]] + "/"])
    return path


def run_demo(out: str | Path = "demo-output", settings: Settings | None = None, *,
             progress: bool = True) -> DemoResult:
    """Serve the demo sites, run every stage into ``out/workspace`` and export into ``out``.

    Ports are remembered in ``out/demo-ports.json`` and reused, so a second run sees the same
    URLs and reuses the workspace (unchanged documents add no versions).
    """
    from .sites import serve_sites

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    settings = settings or Settings()
    if settings.delay == Settings.delay:
        settings = replace(settings, delay=DEMO_DELAY)
    settings = replace(settings, allow_private=True, contact=settings.contact or "demo@hrdc.invalid")
    ports_file = out / "demo-ports.json"
    ports = json.loads(ports_file.read_text()) if ports_file.exists() else {}
    with serve_sites(DEMO_SITES, ports=ports) as sites:
        ports_file.write_text(json.dumps({k: int(v.rsplit(":", 1)[1]) for k, v in sites.items()}, indent=1))
        companies = write_companies(sites, out / "companies.csv")
        run = run_all(companies, out / "workspace", out, settings, progress=progress)
    return DemoResult(run, summary_table(out / "workspace"))


def summary_table(workspace: str | Path) -> pd.DataFrame:
    """Company x framework scores of the latest scoring run, with document counts."""
    from .export.frameworks import order_frameworks
    from .store import Workspace

    with Workspace(workspace, create=False) as ws:
        scores, docs = ws.latest_framework_scores(), ws.document_counts()
    table = scores.pivot_table(index=["company", "sector"], columns="framework", values="score").reset_index()
    table = docs.merge(table, on="company", how="right")
    frameworks = [f for f in order_frameworks(scores["framework"]) if "." not in f]  # not RDR's categories
    columns = ["company", "sector", "documents"] + [c for c in frameworks if c in table]
    return table[columns].sort_values("rdr" if "rdr" in table else "company", ascending=False).round(1)
