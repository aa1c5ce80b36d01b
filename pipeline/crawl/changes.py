"""Which documents changed between crawls, with a short summary of the text difference."""
from __future__ import annotations

import difflib

import pandas as pd

from pipeline.extract import extract
from pipeline.store import StoreError, Workspace

COLUMNS = ["company", "url", "doc_id", "version_from", "version_to", "retrieved_from", "retrieved_to",
           "sha256_from", "sha256_to", "summary"]
SUMMARY_QUOTE_CHARS = 80  # the quote in a document change summary


def changes(ws: Workspace, since: str | None = None) -> pd.DataFrame:
    """One row per document version that replaced an earlier one (retrieved on or after ``since``).

    ``since`` is an ISO date or time (``2025-01-31``). ``summary`` counts paragraphs added and
    removed and quotes the first added (or removed) one:
    ``+3 / -1 paragraphs: 'We now publish ...'``.

    >>> changes(Workspace("ws"), since="2025-01-01")[["url", "summary"]]  # doctest: +SKIP
    """
    frame = ws.version_changes(since or "")
    texts: dict[str, str | None] = {}

    def text(sha: str, kind: str, url: str) -> str | None:
        if sha not in texts:
            try:
                texts[sha] = extract(ws.get_raw(sha), kind, url=url).text
            except StoreError:
                texts[sha] = None
        return texts[sha]

    summaries = [
        diff_summary(text(r.sha256_from, r.kind, r.url), text(r.sha256_to, r.kind, r.url))
        for r in frame.itertuples(index=False)
    ]
    frame = frame.assign(summary=summaries)
    return frame[COLUMNS].reset_index(drop=True)


def diff_summary(old: str | None, new: str | None) -> str:
    """``+a / -r paragraphs: 'first added ...'`` between two texts split on blank lines."""
    if old is None or new is None:
        return "raw file missing from the workspace; cannot compare"
    before = [p.strip() for p in old.split("\n\n") if p.strip()]
    after = [p.strip() for p in new.split("\n\n") if p.strip()]
    added: list[str] = []
    removed: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            removed += before[i1:i2]
        if op in ("replace", "insert"):
            added += after[j1:j2]
    if not added and not removed:
        return "same text (only markup or file bytes changed)"
    quote = added[0] if added else removed[0]
    quote = quote if len(quote) <= SUMMARY_QUOTE_CHARS else quote[:SUMMARY_QUOTE_CHARS].rsplit(" ", 1)[0] + " ..."
    return f"+{len(added)} / -{len(removed)} paragraphs: {'' if added else 'removed '}{quote!r}"
