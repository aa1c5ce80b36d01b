"""Page widgets inside a document's main content that are not the document: feedback prompts and tooltips.

Help-centre pages (Amazon's privacy notice is one) end each article with "Was this information
helpful?", Yes/No buttons and hidden follow-up boxes ("Thank you for your feedback."), and
glossary terms carry tooltips; trafilatura keeps both as paragraphs.
"""
from __future__ import annotations

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
