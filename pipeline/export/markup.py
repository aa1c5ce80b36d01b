"""Small HTML pieces of the briefing: escaping, links, score cells and verdict badges.

Every piece of crawled text goes through :func:`esc`; only absolute http(s) URLs become links,
anything else (a local path, ``javascript:``) is shown as plain text.
"""
from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd

from .charts import colour
from .files import safe_http_url

__all__ = ["VERDICT_LABELS", "esc", "link", "num", "score_cell", "verdict_badge"]

VERDICT_LABELS = {"full": "Full", "partial": "Partial", "none": "None"}


def esc(value: Any) -> str:
    """``value`` as escaped HTML text; None and NaN as ""."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


def link(url: Any, page: Any = None) -> str:
    """An http(s) URL as a link (to ``page`` of a PDF when given); anything else as plain text,
    a ``file://`` address as its path."""
    text = "" if url is None or (not isinstance(url, str) and pd.isna(url)) else str(url)
    if not text:
        return ""
    safe = safe_http_url(text)
    if safe is None:
        shown = text.removeprefix("file://")
        return f'<span class="path" title="not an http(s) address, so not linked">{esc(shown)}</span>'
    shown = re.sub(r"^https?://(www\.)?", "", text)
    shown = shown if len(shown) <= 70 else shown[:67] + "…"
    has_page = page is not None and not pd.isna(page) and str(page) != ""
    href = f"{safe.split('#', 1)[0]}#page={int(page)}" if has_page else safe
    return f'<a href="{esc(href)}" rel="noopener noreferrer nofollow">{esc(shown)}</a>'


def score_cell(score: Any, applicable: bool = True, cls: str = "") -> str:
    """A table cell coloured by ``score`` (extra classes ``cls``); grey "n/a" when the criterion
    does not apply."""
    classes = f"num {cls}".strip()
    if not applicable:
        return f'<td class="{classes} na" title="not applicable to this company">n/a</td>'
    if score is None or pd.isna(score):
        return f'<td class="{classes} na">–</td>'
    return f'<td class="{classes} score" style="background:{colour(score)}">{score:.0f}</td>'


def verdict_badge(verdict: Any) -> str:
    """A coloured badge for full / partial / none; other values as plain text."""
    key = str(verdict) if verdict in VERDICT_LABELS else ""
    if not key:
        return f'<span class="v">{esc(verdict) or "–"}</span>'
    return f'<span class="v v-{key}">{VERDICT_LABELS[key]}</span>'


def num(value: Any) -> str:
    """A whole number, or "–" when missing."""
    if value is None or pd.isna(value):
        return "–"
    return f"{float(value):.0f}"
