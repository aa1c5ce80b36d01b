"""Change between two scoring runs (of one workspace, or of two workspaces): score deltas per
company and criterion, with the documents and evidence passages that changed.

Evidence is compared by passage id, which derives from content and offsets: a passage that
moved or was reworded counts as removed and added."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from .store import StoreError, Workspace

log = logging.getLogger("hrdc.compare")

#: Column -> dtype of the table compare_runs returns, in its order (exported as ``changes``).
CHANGE_SCHEMA = {
    "company_id": "str", "company": "str", "framework": "str", "criterion": "str",
    "score_from": "float64", "score_to": "float64", "delta": "float64", "verdict_from": "str",
    "verdict_to": "str", "changed_documents": "str", "evidence_added": "Int64",
    "evidence_removed": "Int64", "quotes_added": "str", "quotes_removed": "str",
}
CHANGE_COLUMNS = list(CHANGE_SCHEMA)
# A quote in the change table is a pointer, the full text is in the evidence table.
CHANGE_QUOTE_CHARS = 200
MAX_QUOTES = 3




def _scores(ws: Workspace, run_id: int) -> pd.DataFrame:
    frame = ws.run_scores(run_id)
    if frame.empty and run_id not in ws.score_runs():
        raise StoreError(f"workspace {ws.path}: run {run_id} is not a finished scoring run; "
                         f"scoring runs: {ws.score_runs() or 'none'}")
    frame["passages"] = frame.pop("evidence").map(lambda e: {x["passage_id"]: x["quote"] for x in json.loads(e)})
    return frame


def _rdr_method(ws: Workspace, run_id: int) -> str:
    """How a scoring run judged RDR (runs before element answers counted passages)."""
    return ws.run_stats(run_id).get("rdr_method", "indicator")


def _quotes(passages: dict[str, str], ids: set[str]) -> str:
    """Up to MAX_QUOTES of the passages ``ids``, shortened, joined by " | "."""
    quotes = [passages[i] for i in sorted(ids)][:MAX_QUOTES]
    return " | ".join(q if len(q) <= CHANGE_QUOTE_CHARS else q[: CHANGE_QUOTE_CHARS - 1] + "…" for q in quotes)


def compare_runs(
    ws_from: Workspace, run_from: int, ws_to: Workspace | None = None, run_to: int | None = None
) -> pd.DataFrame:
    """One row per company x criterion present in both runs whose score or evidence changed."""
    ws_to = ws_to or ws_from
    run_to = run_to if run_to is not None else ws_to.score_runs()[-1]
    before, after = _scores(ws_from, run_from), _scores(ws_to, run_to)
    methods = _rdr_method(ws_from, run_from), _rdr_method(ws_to, run_to)
    if methods[0] != methods[1]:
        log.warning("compare: run %s scored RDR by %s, run %s by %s; RDR changes between them come "
                    "from the method, not from what the companies disclose", run_from, methods[0],
                    run_to, methods[1])
    merged = before.merge(after, on=["company_id", "framework", "criterion"], suffixes=("_from", "_to"))
    merged["company"] = merged.pop("company_to")
    merged = merged.drop(columns="company_from")
    merged["delta"] = merged["score_to"] - merged["score_from"]
    pairs = list(zip(merged["passages_from"], merged["passages_to"]))
    merged["evidence_added"] = [len(b.keys() - a.keys()) for a, b in pairs]
    merged["evidence_removed"] = [len(a.keys() - b.keys()) for a, b in pairs]
    merged["quotes_added"] = [_quotes(b, b.keys() - a.keys()) for a, b in pairs]
    merged["quotes_removed"] = [_quotes(a, a.keys() - b.keys()) for a, b in pairs]
    if ws_to is ws_from:
        docs = ws_to.replaced_versions(ws_from.run_started(run_from), ws_to.run_started(run_to))
    else:
        docs = ws_to.replaced_versions("", ws_to.run_started(run_to))
    urls = docs.groupby("company_id")["url"].agg(lambda u: " ".join(sorted(set(u)))).to_dict()
    merged["changed_documents"] = [urls.get(c, "") for c in merged["company_id"]]
    changed = merged[(merged["delta"] != 0) | (merged["evidence_added"] > 0) | (merged["evidence_removed"] > 0)]
    return changed[CHANGE_COLUMNS].sort_values(["company", "framework", "criterion"]).reset_index(drop=True)


def previous_run(ws: Workspace, run_id: int) -> int | None:
    earlier = [r for r in ws.score_runs() if r < run_id]
    return earlier[-1] if earlier else None


def compare_workspaces(workspace: str | Path, against: str | Path | None = None, from_run: int | None = None,
                       to_run: int | None = None) -> pd.DataFrame:
    """The changes between two scoring runs (:data:`CHANGE_SCHEMA`): ``from_run`` (default the
    previous run) and ``to_run`` (default the latest) of ``workspace``, or the latest run of
    ``against`` and ``to_run`` of ``workspace``; :class:`StoreError` says what to run first."""
    with Workspace(workspace, create=False) as ws:
        if against:
            with Workspace(against, create=False) as other:
                runs = other.score_runs()
                if not runs:
                    raise StoreError(f"workspace {other.path} has no scoring run; run `hrdc score` there first")
                return compare_runs(other, from_run or runs[-1], ws, to_run)
        runs = ws.score_runs()
        if len(runs) < 2 and from_run is None:
            raise StoreError(f"workspace {ws.path} has {len(runs)} scoring run(s); compare needs two "
                             "(run `hrdc score` again after a new crawl, or pass --against OTHER_WORKSPACE)")
        to_run = to_run or runs[-1]
        from_run = from_run or previous_run(ws, to_run)
        if from_run is None:
            raise StoreError(f"no scoring run before run {to_run} in {ws.path}")
        return compare_runs(ws, from_run, ws, to_run)
