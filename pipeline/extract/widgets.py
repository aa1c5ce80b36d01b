"""Page widgets inside a document's main content that are not the document: feedback prompts,
tooltips and, on policy pages, side columns.

Help-centre pages (Amazon's privacy notice is one) end each article with "Was this information
helpful?", Yes/No buttons and hidden follow-up boxes ("Thank you for your feedback."), and
glossary terms carry tooltips; trafilatura keeps both as paragraphs. On policy pages, read with
trafilatura's recall preset, it also keeps side columns: a news site's job ads and teasers
beside its privacy policy (OPP-115's tulsaworld.com: extraction precision 0.83).
"""
from __future__ import annotations

import re

from lxml.etree import XPath

from pipeline.passage_kind import FEEDBACK_PROMPT
from pipeline.records import DEFAULT_EXTRACT_OPTIONS, ExtractOptions

_REGEXP_NS = {"re": "http://exslt.org/regular-expressions"}
# A tooltip's text is an aside to the term it explains; the term (the trigger) stays.
TOOLTIPS = XPath(
    ".//*[@role='tooltip' or re:test(@class, '(^|\\s)(tooltip|tooltiptext|tooltip-content|tooltip-inner|"
    "popover|popover-content|popover-body)(\\s|$)', 'i')]",
    namespaces=_REGEXP_NS,
)
_TEXT = XPath(".//text()[not(ancestor::script) and not(ancestor::style)]")
_HEADINGS = {f"h{i}" for i in range(1, 7)}
_STOP_AT = frozenset("html body main article".split())
# A widget with its buttons and hidden follow-up boxes: Amazon's is 62 words, its longest
# line 20. A container larger than widget_max_words, or with a paragraph longer than
# widget_max_line_words (settings), is the document.
_LINES = ("p", "li", "td", "dd", "blockquote")


def _words(el) -> int:
    return len(" ".join(_TEXT(el)).split())


def _widget_sized(el, o: ExtractOptions) -> bool:
    if _words(el) > o.widget_max_words or any(d.tag in _HEADINGS for d in el.iter()):
        return False
    return all(_words(line) <= o.widget_max_line_words for line in el.iter(*_LINES))


def _feedback_widgets(tree, o: ExtractOptions) -> list:
    """The outermost widget-sized container around each feedback prompt."""
    widgets = []
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style") or not FEEDBACK_PROMPT.match(" ".join((el.text or "").split())):
            continue
        node = el
        while (parent := node.getparent()) is not None and parent.tag not in _STOP_AT and _widget_sized(parent, o):
            node = parent
        widgets.append(node)
    return widgets


def remove_widgets(tree, options: ExtractOptions | None = None) -> None:
    """Remove feedback widgets (sized by ``options``) and tooltips from an lxml.html tree, in
    place (their tails stay)."""
    root = tree.getroottree().getroot()
    for el in list(TOOLTIPS(tree)) + _feedback_widgets(tree, options or DEFAULT_EXTRACT_OPTIONS):
        if el is not root and el.getroottree().getroot() is root:  # not inside one removed already
            el.drop_tree()


# Side columns named as such (Drupal's region-sidebar-first, "bodySidebar", a news site's
# "side-rail" or "right-col"): job ads, teasers, "Interesting Facts", a search box.
_SIDEBAR = re.compile(r"side-?bar|side-?rail|right-?rail|right-?col(?:umn)?(?![a-z])|right-?panel", re.I)
_NEVER_SIDEBAR = frozenset("html body main article".split())


def remove_sidebars(tree, options: ExtractOptions | None = None) -> None:
    """Remove side columns from an lxml.html tree, in place: elements whose id or class names a
    sidebar, unless they hold the page's h1, a main or article element, or more than
    ``options.sidebar_max_share`` of the page's text (a layout wrapper "with-sidebar")."""
    o = options or DEFAULT_EXTRACT_OPTIONS
    root = tree.getroottree().getroot()
    total = None
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.tag in _NEVER_SIDEBAR:
            continue
        names = f"{el.get('id', '')} {el.get('class', '')}"
        if not _SIDEBAR.search(names) or el.getroottree().getroot() is not root:  # or inside one removed already
            continue
        if any(d.tag in ("h1", "main", "article") for d in el.iter()):
            continue
        if total is None:
            total = max(1, _words(root))
        if _words(el) > o.sidebar_max_share * total:
            continue
        el.drop_tree()
