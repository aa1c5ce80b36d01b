"""The h1-h6 headings of an HTML page, placed among the blocks that trafilatura kept.

trafilatura decides what the main content is but drops many headings of it: on Amazon's
privacy notice every h1 and h2, so 26 of 38 passages had no section. The page's own text is
searched, in reading order, for each kept block; the headings passed on the way head the
blocks after them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from pipeline.records import DEFAULT_EXTRACT_OPTIONS, ExtractOptions

from .normalize import clean_line

_SKIP = frozenset("script style noscript template head title".split())
_CHROME = frozenset("nav aside footer".split())  # their headings ("Main navigation") head no document text
_LEVELS = {f"h{i}": i for i in range(1, 7)}
# A heading its author hides shows to no reader: a screen-reader landmark ("You are here" above
# a breadcrumb, Drupal's element-invisible) or a site name behind a logo (display:none).
_HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:element-invisible|element-hidden|visually-?hidden|sr-only|screen-reader-text|"
                           r"hidden|invisible|offscreen)(?:\s|$)", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# How much of a block is looked for in the page's text (outline_probe_chars) and how much dropped
# text may follow a heading that heads the next kept block (outline_max_gap_chars) are settings.


def squash(text: str) -> str:
    """``text`` cleaned as the extractor cleans it, without any whitespace."""
    return "".join(clean_line(text, "NFC").split())


def _hidden(el) -> bool:
    return (el.get("hidden") is not None or el.get("aria-hidden", "").strip().lower() == "true"
            or bool(_HIDDEN_CLASS.search(el.get("class", ""))) or bool(_HIDDEN_STYLE.search(el.get("style", ""))))


def _is_link(el) -> bool:
    """A link to another page (not an anchor in this one)."""
    return el.tag == "a" and not (el.get("href") or "#").strip().startswith("#")


@dataclass
class _Heading:
    pos: int  # offset in the squashed page text
    end: int
    level: int
    text: str
    scope_end: int = -1  # where the heading's parent element ends


class Outline:
    """The page's text without whitespace, which of it is link text, and its headings;
    :meth:`before` walks it once, in order."""

    def __init__(self, tree, options: ExtractOptions | None = None) -> None:
        self.options = options or DEFAULT_EXTRACT_OPTIONS
        parts: list[str] = []
        links: list[bool] = []  # per part: is it link text
        heads: list[_Heading] = []
        pos = skip = chrome = link = 0
        open_heads: list[tuple[int, object]] = []
        scopes: dict[object, list[_Heading]] = {}  # parent element -> its headings
        for event, el in etree.iterwalk(tree, events=("start", "end")):
            is_chrome = el.tag in _CHROME or el.get("role") == "navigation"
            is_link = _is_link(el)
            if event == "start":
                skip += el.tag in _SKIP
                chrome += is_chrome
                link += is_link
                if el.tag in _LEVELS and not skip and not chrome and not _hidden(el):
                    open_heads.append((pos, el))
                piece = el.text if not skip else None
            else:
                skip -= el.tag in _SKIP
                chrome -= is_chrome
                link -= is_link
                for head in scopes.pop(el, ()):
                    head.scope_end = pos
                if open_heads and open_heads[-1][1] is el:
                    start, _ = open_heads.pop()
                    title = " ".join(clean_line(" ".join(el.itertext()), "NFC").split())
                    if title and not open_heads:  # a heading inside a heading is part of it
                        heads.append(_Heading(start, pos, _LEVELS[el.tag], title))
                        scopes.setdefault(el.getparent(), []).append(heads[-1])
                piece = el.tail if not skip else None
            if piece:
                piece = squash(piece)
                parts.append(piece)
                links.append(link > 0)
                pos += len(piece)
        self.text = "".join(parts)
        # 1 for each character of link text
        self.link_mask = bytes().join(bytes([k]) * len(part) for part, k in zip(parts, links))
        self.heads = heads
        self.cursor = 0
        self.next = 0

    def before(self, text: str) -> tuple[list[tuple[int, str]], int | None]:
        """The source headings (level, text) between the previous block and ``text`` that head it,
        and the level of the source heading ``text`` itself is, if it is one. A block not found
        changes nothing."""
        probe = squash(text)[:self.options.outline_probe_chars]
        at = self.text.find(probe, self.cursor) if len(probe) >= 3 else -1
        if at < 0:
            return [], None
        passed = []
        while self.next < len(self.heads) and self.heads[self.next].pos < at:
            passed.append(self.heads[self.next])
            self.next += 1
        level = None
        if self.next < len(self.heads) and self.heads[self.next].pos == at and squash(self.heads[self.next].text) == squash(text):
            level = self.heads[self.next].level
            self.next += 1
        # Of the headings passed, only those still open at ``text`` head it: one followed by a
        # heading of its level or higher before any kept block heads nothing trafilatura kept (a
        # run of teaser headlines above the policy, 0.002 of OPP-115's precision).
        found: list[tuple[int, str]] = []
        bound = level or 7
        # Nor does a heading that labels a box of links the kept block is not in (a breadcrumb
        # under "You are here", a side menu under "About Military.com"): its parent element ends
        # before the block, and what follows the heading inside it is mostly link text.
        # A heading's dropped text runs to the next heading that is kept (or labels a box of
        # links), not the next one passed: sub-headings that head dropped text (a magazine box
        # under "Read This Month's Issue") are its dropped text too.
        o = self.options
        kept_at = at  # where the nearest kept heading after the one looked at starts
        for head, following in reversed(list(zip(passed, passed[1:] + [None]))):
            if head.level >= bound:
                continue
            end = following.pos if following else at
            boxed = min(end, head.scope_end) - head.end
            if 0 <= head.scope_end <= at and boxed > 0 and (
                    self.link_mask.count(1, head.end, head.end + boxed) > o.outline_max_link_share * boxed):
                bound = head.level  # it still ends the sections of its level before it,
                kept_at = head.pos  # and its box is no one's dropped text
                continue
            if kept_at - head.end > o.outline_max_gap_chars:
                continue
            found.append((head.level, head.text))
            bound = head.level
            kept_at = head.pos
        self.cursor = at + len(probe)
        return found[::-1], level
