"""What a passage is, decided before tagging: only prose, list items and table rows are evidence.

Headings are never passages (they are the ``section`` of the passages under them). Of what is
left, short title-like lines ("Terms of Service", "Information You Can Access"), navigation and
calls to action ("Browse SIM only", "Learn more"), and boilerplate (dates, ratings, copyright
and contact lines, feedback widgets) say nothing a framework asks about, yet a topical tagger
scores them highly: the word "Privacy" alone scored 0.95 on P1a. They are kept in the store,
with their kind, and never tagged or quoted.

>>> passage_kind("Updated: 8 August 2024")
'boilerplate'
>>> passage_kind("Terms of Service")
'title'
>>> passage_kind("We collect the information you give us when you create an account.")
'prose'
>>> passage_kind("Orielle Mobile Networks S.A.")  # the full stop is the legal form's, not a sentence's
'title'
>>> passage_kind("What Personal Information About Customers Does Amazon Collect?")  # a question heading
'title'
"""
from __future__ import annotations

import re

EVIDENCE_KINDS = ("prose", "list_item", "table")
KINDS = EVIDENCE_KINDS + ("title", "navigation", "boilerplate")

# A page's feedback prompt ("Was this information helpful?", "Did this answer your question?",
# "Rate this article"); the HTML extractor also removes the widget around it.
FEEDBACK_PROMPT = re.compile(
    r"^(?:was|is|did you find) (?:this|the) (?:page|article|information|answer|content|section|post|faq|topic|guide|help|video|"
    r"response)?\s?(?:helpful|useful)\b|^did (?:this|we) (?:answer your question|help|solve your (?:problem|issue))\b|"
    r"^how (?:helpful|useful) (?:was|is|did you find) this\b|^(?:how would you )?rate this (?:page|article|answer|content)\b|"
    r"^(?:(?:was )?this (?:was )?helpful|helpful)\s*\?",
    re.I,
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|{_MONTH}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}})"
_BOILERPLATE = [re.compile(p, re.I) for p in (
    # "Updated: 8 August 2024", "Last modified on May 3, 2021", "Effective date: 2022-01-01"
    rf"^(?:(?:last|date)\s+)?(?:updated|modified|revised|effective|published|posted|version|dated?)\b[^.]{{0,40}}{_DATE}\.?$",
    rf"^(?:effective|updated|revised|published)?\s*(?:as of|from|on)?\s*{_DATE}\.?$",
    rf"^{_DATE}$",
    r"^(?:©|\(c\)|copyright\b)",
    r"^\d(?:[.,]\d)?\s*(?:/\s*5|out of 5|stars?|from)\b.{0,40}\b(?:reviews?|ratings?)\b",
    r"^(?:★|☆|⭐)",
    FEEDBACK_PROMPT.pattern,
    r"^(?:yes|no)\s*[/|]\s*(?:yes|no)$",
    r"^(?:tel(?:ephone)?|phone|fax|e-?mail|call us|contact us)\s*[:.]?\s*(?=[^@\d]*[@\d])[\w+().@ -]{1,60}$",
    r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$",
    r"^\+?[\d ()./-]{7,20}$",
    r"^(?:page \d+(?: of \d+)?|\d+\s*/\s*\d+)$",
    r"^(?:all rights reserved|back to top|skip to (?:main )?content|print(?: this page)?|share(?: this)?)\.?$",
)]
_CALL_TO_ACTION = re.compile(
    r"^(?:browse|shop|buy|start your|order|sign (?:up|in)|log ?in|register|subscribe|download|learn more|read more|find out"
    r"|see (?:all|more)|view (?:all|more)|explore|discover|get (?:started|the app)|try|join|switch|upgrade|compare"
    r"|contact sales|go to|click here|more info)\b", re.I)
_QUESTION_END = re.compile(r"\?['\")\]]?$")
_SENTENCE_END = re.compile(r"[.!?;:\u3002\uff01\uff1f\uff1b\uff1a]['\")\]\u300d\u300f]?$")  # and CJK 。！？；：
# A postal address block ("Twitter International Company Attn: Data Protection Officer One
# Cumberland Place ... IRELAND", "Amazon.com, Inc. P.O. Box 81226 Seattle, WA"): contact details.
_POSTAL = re.compile(r"\battn\b\.?\s*:|\bp\.?\s?o\.?\s?box\s+\d", re.I)
# A name line ends in its legal form's abbreviation ("Orielle Mobile Networks S.A.", "Acme, Inc."),
# whose full stop ends no sentence.
_LEGAL_FORM_END = re.compile(r"(?:^|[\s,])(?:inc|ltd|llc|plc|corp|co|s\.\s?a|n\.\s?v|b\.\s?v|s\.\s?p\.\s?a|s\.\s?a\.\s?s|"
                             r"ag|gmbh|kg|se|oy|ab|as|sa|nv|bv|pty|l\.\s?p)\.$", re.I)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# "1.2. Enforcement and breach of this Policy", "11.2 How long are cookies stored", "IV. Remedies";
# the PDF extractor's numbered headings too.
NUMBERED_HEADING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Z]\.|[IVX]{1,4}\.)\s+\S")
_STOP = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with", "your", "our", "&"}


def passage_kind(text: str, block_kind: str = "p") -> str:
    """The kind of one passage: one of :data:`KINDS`.

    ``block_kind`` is the kind of the block the passage came from (``li``, ``table``, ...).
    """
    line = " ".join(text.split())
    if not line:
        return "boilerplate"
    if any(p.search(line) for p in _BOILERPLATE):
        return "boilerplate"
    words = _WORD.findall(line)
    if not words:
        return "boilerplate"  # numbers and symbols only
    sentence = bool(_SENTENCE_END.search(line))
    if sentence and _LEGAL_FORM_END.search(line) and _title_like(words):
        sentence = False  # a name line
    one_line = "\n" not in text.strip()  # a lead-in joined with its list is judged as a whole
    if one_line and not sentence and _POSTAL.search(line):
        return "boilerplate"
    if sentence and _QUESTION_END.search(line) and _title_like(words) and block_kind != "table":
        return "navigation" if block_kind == "li" else "title"  # "What Information Can I Access?"
    if len(words) <= 8 and _CALL_TO_ACTION.match(line) and not sentence:
        return "navigation"
    if block_kind == "table":
        return "table"
    if (not sentence or len(words) <= 3) and _title_like(words):
        return "navigation" if block_kind == "li" else "title"  # "Halcyra, Inc." is a name line
    if block_kind == "li":
        return "list_item"
    if one_line and not sentence and len(words) <= 15 and (NUMBERED_HEADING.match(line) or _mostly_upper(line)):
        return "title"  # a numbered or upper-case heading that lost its markup
    if not sentence and len(words) <= 6:
        return "title"  # a label or a chart caption, not a statement
    return "prose"


def _title_like(words: list[str]) -> bool:
    """Short, and every content word capitalised: a heading, a menu entry or a name line."""
    content = [w for w in words if w.lower() not in _STOP]
    if len(words) > 10 or not content:
        return len(words) <= 10
    return all(w[0].isupper() for w in content)


def _mostly_upper(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def is_evidence(kind: str) -> bool:
    """Whether passages of ``kind`` may be tagged and quoted."""
    return kind in EVIDENCE_KINDS
