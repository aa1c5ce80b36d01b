"""HTML: trafilatura decides what the main content is; its element tree gives the structure."""
from __future__ import annotations

import copy
import re

from lxml import etree
from lxml.html import HTMLParser, fromstring
from trafilatura import bare_extraction
from trafilatura.utils import load_html

from pipeline.records import DEFAULT_EXTRACT_OPTIONS, Extraction, ExtractOptions

from .blocks import assemble
from .detect import decode_html, page_flags, page_signals
from .normalize import clean_block, strip_bullet
from .outline import Outline
from .widgets import remove_sidebars, remove_widgets

# Policy and legal pages are long, sectioned documents; trafilatura's default pruning drops
# whole sections of them (OPP-115 token recall 0.917), its recall preset keeps them (0.972).
# On news pages the recall preset adds captions and teasers, so it is used only here
# (measured in docs/benchmarks/extract.md).
POLICY_PAGE = re.compile(
    r"privacy|terms|polic(?:y|ies)|cookie|legal|conditions|notice|statement|human.rights|slavery|"
    r"transparen|code.of.conduct|ethic|governance|sustainab|responsib|compliance|disclosure|principles",
    re.I,
)
_WALLS = ("js_shell", "block_page", "error_page", "login_wall", "cookie_wall")
# libxml2 drops whatever is nested deeper than this (without XML_PARSE_HUGE, whose deeper
# trees would overflow Python's recursion here): a page of unclosed <div>s loses its end.
_MAX_DEPTH = 256  # libxml2's HTML parser stops nesting here and drops everything after it
# Layout wrappers nested deeper than the setting html_keep_wrappers (100) are unwrapped before
# parsing (their text is kept).
_HUGE_DEPTH = 2048  # the same limit with lxml's huge_tree
_WRAPPERS = frozenset("div span section article main aside header footer nav font center b i u em strong "
                      "small big label form fieldset figure blockquote".split())
_NEVER_UNWRAP = frozenset("html head body title meta link base br hr img input col area wbr source track "
                          "embed param script style".split())
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")


def _clean(text: str) -> str:
    # NFC, not NFKC: web text is as its author typed it (NFKC would turn "½" into "1⁄2").
    return clean_block(text, "NFC")


def _collect(node, parts: list[str], with_tail: bool) -> None:
    if isinstance(node.tag, str):
        if node.tag == "lb":
            parts.append("\n")
        elif node.text:
            parts.append(node.text)
        for child in node:
            _collect(child, parts, True)
    if with_tail and node.tail:
        parts.append(node.tail)


def _text(el) -> str:
    """Text of an element, ``<lb/>`` as a line break, cleaned."""
    parts: list[str] = []
    _collect(el, parts, False)
    return _clean("".join(parts))


def _is_label(text: str, max_words: int = DEFAULT_EXTRACT_OPTIONS.html_label_max_words) -> bool:
    """A short line without final punctuation, e.g. a bold run used as a heading."""
    return 0 < len(text.split()) <= max_words and "\n" not in text and not text.rstrip().endswith((".", ",", ";", ":"))


class _Builder:
    """Walks trafilatura's output tree and collects blocks with their heading path.

    With the page's :class:`Outline`, the source headings that trafilatura dropped are put back
    before the blocks they head.
    """

    def __init__(self, outline: Outline | None = None, options: ExtractOptions | None = None) -> None:
        self.options = options or DEFAULT_EXTRACT_OPTIONS
        self.items: list[tuple[str, str, tuple[str, ...]]] = []
        self.stack: list[tuple[int, str]] = []
        self.outline = outline

    def _push(self, text: str, level: int) -> None:
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, text))
        self.items.append((text, "heading", self.path()))

    def _catch_up(self, text: str) -> int | None:
        """Add the source headings before ``text``; the level of ``text`` if it is a source heading."""
        if self.outline is None:
            return None
        passed, level = self.outline.before(text)
        for head_level, head in passed:
            self._push(head, head_level)
        return level

    def heading(self, text: str, level: int) -> None:
        self._catch_up(text)
        self._push(text, level)

    def path(self) -> tuple[str, ...]:
        return tuple(t for _, t in self.stack)

    def add(self, text: str, kind: str) -> None:
        if not text:
            return
        level = self._catch_up(text.split(" | ", 1)[0])
        if level is not None and kind == "p":  # a heading trafilatura kept as a paragraph
            self._push(" ".join(text.split()), level)
        else:
            self.items.append((text, kind, self.path()))

    def walk(self, el) -> None:
        for child in el:
            tag = child.tag
            if tag == "head":
                text = " ".join(_text(child).split())
                if text:
                    rend = child.get("rend", "h2")
                    self.heading(text, int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2)
            elif tag == "p":
                self.paragraph(child)
            elif tag == "list":
                self.list(child)
            elif tag == "table":
                self.table(child)
            elif tag == "code":
                self.add(_text(child), "pre")
            elif tag in ("quote", "div", "body", "main", "section", "cell", "row"):
                if child.text and child.text.strip():
                    self.add(_clean(child.text), "p")
                self.walk(child)
            elif tag not in ("graphic", "lb"):
                self.add(_text(child), "p")
            if child.tail and child.tail.strip():
                # trafilatura leaves loose text after a heading or list as the element's tail
                self.add(_clean(child.tail), "p")

    def paragraph(self, p) -> None:
        # "<p><hi rend='#b'>Heading</hi><lb/>Body…</p>" is how many policies mark sections.
        first = p[0] if len(p) else None
        if first is not None and first.tag == "hi" and "#b" in first.get("rend", "") and not (p.text or "").strip():
            label = " ".join(_text(first).split())
            rest = first.getnext()
            if _is_label(label, self.options.html_label_max_words) and not (first.tail or "").strip() and (rest is None or rest.tag == "lb"):
                body = _text_after(first)
                self.heading(label, 7)
                self.add(body, "p")
                return
        text = _text(p)
        self.add(text, "p")

    def list(self, lst) -> None:
        for item in lst:
            if item.tag != "item":
                continue
            nested = [c for c in item if c.tag == "list"]
            for c in nested:
                item.remove(c)
            text, _ = strip_bullet(_text(item))
            self.add(text, "li")
            for c in nested:
                self.list(c)

    def table(self, table) -> None:
        cells = list(table.iter("cell"))
        if any(c.find(t) is not None for c in cells for t in ("p", "head", "list", "table")):
            self.walk(table)  # a layout table: its cells hold the document
            return
        rows = []
        for row in table.iter("row"):
            values = [" ".join(_text(c).split()) for c in row.iter("cell")]
            if any(values):
                rows.append(" | ".join(v for v in values if v))
        self.add("\n".join(rows), "table")


def _text_after(first) -> str:
    """Text of a paragraph after its leading bold label."""
    parts: list[str] = []
    node = first.getnext()
    while node is not None:
        _collect(node, parts, True)
        node = node.getnext()
    return _clean("".join(parts))


def _main_tree(tree, *, recall: bool):
    doc = bare_extraction(
        tree, include_comments=False, include_tables=True, include_formatting=True,
        with_metadata=False, fast=not recall, favor_recall=recall,
    )
    return None if doc is None else doc.body


def _depth(tree) -> int:
    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _unwrap_deep(text: str, keep: int = DEFAULT_EXTRACT_OPTIONS.html_keep_wrappers, tags: frozenset[str] | None = _WRAPPERS) -> tuple[str, int]:
    """``text`` with the open and close tags of ``tags`` (``None``: every element but void ones
    and the document's own) nested deeper than ``keep`` removed (their content stays), and how
    many tags were removed."""
    out, last, dropped = [], 0, 0
    stack: dict[str, list[bool]] = {}
    depth = 0
    for m in _TAG.finditer(text):
        closing, name, self_closing = m.group(1), m.group(2).lower(), m.group(3)
        if self_closing or (name not in tags if tags is not None else name in _NEVER_UNWRAP):
            continue
        if closing:
            opened = stack.get(name)
            if not opened:
                continue
            drop = opened.pop()
            if not drop:
                depth -= 1
        else:
            drop = depth >= keep
            stack.setdefault(name, []).append(drop)
            if not drop:
                depth += 1
        if drop:
            out.append(text[last:m.start()])
            last = m.end()
            dropped += 1
    out.append(text[last:])
    return "".join(out), dropped


def _parse(text: str, keep: int = DEFAULT_EXTRACT_OPTIONS.html_keep_wrappers) -> tuple[object, tuple[str, ...]]:
    """The page's element tree, and flags: ``deep_nesting`` when wrappers nested past what the
    parser keeps were unwrapped first (down to ``keep`` levels), ``truncated`` when nesting still
    cut the page short."""
    tree = load_html(text)
    if tree is None or _depth(tree) < _MAX_DEPTH:
        return tree, ()
    flat, dropped = _unwrap_deep(text, keep)
    tree = load_html(flat) if dropped else tree
    if tree is not None and _depth(tree) < _MAX_DEPTH:
        return tree, ("deep_nesting",)
    flat, dropped = _unwrap_deep(flat, keep, tags=None)  # deep lists or tables: their text as running text
    tree = load_html(flat) if dropped else tree
    if tree is not None and _depth(tree) < _MAX_DEPTH:
        return tree, ("deep_nesting",)
    # nesting of other elements (tables, lists): libxml2 keeps up to 2,048 levels with huge_tree
    tree = fromstring(flat, parser=HTMLParser(collect_ids=False, default_doctype=False, remove_comments=True,
                                              remove_pis=True, huge_tree=True))
    return tree, ("deep_nesting",) + (("truncated",) if _depth(tree) >= _HUGE_DEPTH else ())


def _plain(body) -> str:
    return " ".join(body.itertext()) if body is not None else ""


def extract_html(data: bytes | str, url: str = "", content_type: str = "",
                 options: ExtractOptions | None = None) -> Extraction:
    """Main text of an HTML page as blocks with heading paths, by the heuristics of ``options``
    (default: the settings' defaults); walls are flagged, not extracted."""
    o = options or DEFAULT_EXTRACT_OPTIONS
    text = data if isinstance(data, str) else decode_html(data, content_type)[0]
    tree, truncated = _parse(text, o.html_keep_wrappers) if text.strip() else (None, ())
    if tree is None:
        return Extraction("html", "", (), flags=("no_text",), error="empty or unparseable HTML")
    signals = page_signals(tree)
    policy = bool(POLICY_PAGE.search(f"{signals.title} {signals.h1} {url}"))
    remove_widgets(tree, o)
    if policy:
        remove_sidebars(tree, o)
    # Only on policy pages: on news pages the headings between kept blocks are mostly teasers and
    # sidebars (ScrapingHub F1 0.930 with them on every page, 0.963 without).
    outline = Outline(tree, o) if policy else None
    spare = copy.deepcopy(tree) if policy else None
    body = _main_tree(tree, recall=False)
    if spare is not None:
        # On policy pages the longer of the two main-content readings is the better one.
        other = _main_tree(spare, recall=True)
        if len(_plain(other).split()) > len(_plain(body).split()):
            body = other
    builder = _Builder(outline, o)
    if body is not None:
        builder.walk(body)
    main_text, blocks = assemble(builder.items)
    flags = page_flags(signals, main_text) + truncated
    if any(f in _WALLS for f in flags):
        return Extraction("html", "", (), title=signals.title, flags=flags)
    if not blocks:
        return Extraction("html", "", (), title=signals.title, flags=flags + ("no_text",))
    return Extraction("html", main_text, blocks, title=signals.title, flags=flags)
