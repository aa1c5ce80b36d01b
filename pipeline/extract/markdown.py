"""Markdown: markdown-it-py's token stream gives the blocks and their heading paths.

The conventions are those of :mod:`pipeline.extract.html`: headings nest by level (a short
bold-only paragraph is a level-7 heading), link text is kept without its URL, images are
dropped, list items and table rows are blocks of their own.
"""
from __future__ import annotations

import html
import re

import yaml
from markdown_it import MarkdownIt

from pipeline.records import Extraction

from .blocks import assemble
from .html import _is_label
from .normalize import clean_block, strip_bullet

# CommonMark with raw HTML (stripped below) plus the two GFM extensions policies use, but no
# indented code: in policies an indented block is a sub-clause a converter mis-indented.
_MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).disable("code")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_BR = re.compile(r"<br\b", re.I)
# Markup markdown-it leaves as text: unmatched "**" (``**Label  \n**`` from HTML converters)
# and images whose URL has spaces.
_STRAY = re.compile(r"\*{2,}|!\[[^\]\n]*\]\([^)\n]*\)")
_INVISIBLE_HTML = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_HTML_BREAK = re.compile(r"<br\b[^>]*>|</?(?:p|div|li|ul|ol|tr|table|h[1-6]|blockquote|section|article|dt|dd)\b[^>]*>", re.I)
_HTML_CELL = re.compile(r"</t[dh]\s*>", re.I)
_HTML_TAG = re.compile(r"<[^>]*>")


def _clean(text: str) -> str:
    return clean_block(text, "NFC")  # as typed, like web text (see html.py)


def _is_break(tok) -> bool:
    return tok.type == "hardbreak" or tok.type == "html_inline" and bool(_BR.match(tok.content))


def _one_line(children) -> str:
    return " ".join(_clean(_inline(children)).split())


def _inline(children) -> str:
    """Visible text of inline tokens: no markup, URLs or images; ``<br>`` is a line break."""
    parts = []
    for tok in children:
        if tok.type == "text":
            parts.append(_STRAY.sub("", tok.content))
        elif tok.type == "code_inline":
            parts.append(tok.content)
        elif tok.type == "softbreak":
            parts.append(" ")
        elif _is_break(tok):
            parts.append("\n")
    return "".join(parts)


def _strip_html(fragment: str) -> str:
    text = _HTML_BREAK.sub("\n", _INVISIBLE_HTML.sub("", fragment))
    return html.unescape(_HTML_TAG.sub("", _HTML_CELL.sub(" ", text)))


def _front_matter(text: str) -> str:
    """``text`` without a leading YAML front-matter block (only one that parses to a mapping)."""
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            if isinstance(yaml.safe_load(match.group(1) or ""), dict):
                return text[match.end():]
        except yaml.YAMLError:
            pass
    return text


class _Builder:
    """Collects ``(text, kind, section)`` items; ``open`` holds the enclosing list items
    (their pending paragraphs) and blockquotes (None)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, tuple[str, ...]]] = []
        self.stack: list[tuple[int, str]] = []
        self.open: list[list[str] | None] = []
        self.title = ""

    def path(self) -> tuple[str, ...]:
        return tuple(t for _, t in self.stack)

    def flush(self) -> None:
        """Emit the text of the enclosing list items gathered so far (parents before children)."""
        for pending in self.open:
            if pending:
                self.items.append(("\n".join(pending), "li", self.path()))
                pending.clear()

    def add(self, text: str, kind: str) -> None:
        self.flush()
        if text:
            self.items.append((text, kind, self.path()))

    def heading(self, text: str, level: int) -> None:
        if not text:
            return
        self.flush()
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, text))
        self.items.append((text, "heading", self.path()))
        if level == 1 and not self.title:
            self.title = text

    def paragraph(self, children) -> None:
        if self.open and self.open[-1] is not None:
            text = _clean(_inline(children))
            if text:
                self.open[-1].append(text)
            return
        # "**Label**" alone, or before a line break, is a heading (html.py's bold-label rule);
        # in Markdown so is a paragraph that is one "_italic label_" ("_Other general terms_",
        # WeChat's terms as converted from HTML).
        tokens = [t for t in children if t.type != "text" or t.content]
        if tokens and tokens[0].type in ("strong_open", "em_open"):
            close = tokens[0].type.replace("_open", "_close")
            end = next(i for i, t in enumerate(tokens) if t.type == close)
            label = _one_line(tokens[1:end])
            rest = tokens[end + 1:]
            if _is_label(label) and (not rest or tokens[0].type == "strong_open" and _is_break(rest[0])):
                self.heading(label, 7)
                self.add(_clean(_inline(rest)), "p")
                return
        lines, line = [], []
        for tok in children:
            if tok.type in ("softbreak", "hardbreak"):
                lines.append(line)
                line = []
            else:
                line.append(tok)
        items = [strip_bullet(_one_line(part)) for part in [*lines, line] if _one_line(part)]
        if items and all(bullet for _, bullet in items):
            # "· our affiliates" lines: a list whose bullets Markdown does not know, as the
            # PDF and HTML extractors read them
            for item, _ in items:
                self.add(item, "li")
            return
        self.add(_clean(_inline(children)), "p")


def _cell(children) -> str:
    """A table cell on one line; ``<br>``-separated "* item" lines lose their bullets."""
    return " ".join(strip_bullet(line)[0] for line in _clean(_inline(children)).splitlines())


def extract_markdown(text: str) -> Extraction:
    """Blocks of a Markdown document with heading paths; the first h1 is the title."""
    b = _Builder()
    tokens = _MD.parse(_front_matter(text.lstrip("\ufeff")))
    row: list[str] = []
    for i, tok in enumerate(tokens):
        kind = tok.type
        if kind == "heading_open":
            b.heading(_one_line(tokens[i + 1].children), int(tok.tag[1]))
        elif kind == "paragraph_open":
            b.paragraph(tokens[i + 1].children)
        elif kind in ("list_item_open", "blockquote_open"):
            b.flush()
            b.open.append([] if kind == "list_item_open" else None)
        elif kind in ("list_item_close", "blockquote_close"):
            b.flush()
            b.open.pop()
        elif kind == "tr_open":
            row = []
        elif kind in ("th_open", "td_open"):
            row.append(_cell(tokens[i + 1].children))
        elif kind == "tr_close":
            b.add(" | ".join(c for c in row if c), "table")
        elif kind == "fence":
            b.add(_clean(tok.content), "pre")
        elif kind == "html_block":
            b.add(_clean(_strip_html(tok.content)), "p")
    joined, blocks = assemble(b.items)
    return Extraction("markdown", joined, blocks, title=b.title, flags=() if blocks else ("no_text",))
