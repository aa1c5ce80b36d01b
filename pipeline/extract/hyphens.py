"""Joining a PDF paragraph's lines: a typesetter's word break is undone, a real hyphen is kept.

A break is undone only where the joined word is a more common English word than the
hyphenated one (wordfreq's frequencies): "respon-sible" becomes "responsible", while
"well-maintained", "conflict-affected" and "de-identified" keep their hyphen. Numbers
("716-859-8559") and URLs keep theirs too.

>>> join_hyphenated("respon-", "sible")
'responsible'
>>> join_hyphenated("well-", "maintained")
'well-maintained'
"""
from __future__ import annotations

import re
from functools import lru_cache

# PDFium's marks for a hyphen it read as a line break (it then joins the two lines itself)
_MARKERS = ("\ufffe", "\x02")
_LINE_END = ("-", "\u00ad") + _MARKERS
_WORD_END = re.compile(r"[^\W\d_]+$")
_WORD_START = re.compile(r"^[^\W\d_]+")
_URL = re.compile(r"://|^www\.|@|/", re.I)
_URL_OPEN = re.compile(r"(?:://|^www\.)\S*[/_=&?#]$", re.I)  # a URL broken after a path separator


# Word endings a typesetter breaks before ("smooth-ness", "overshoot-ing"); no compound ends in one.
_SUFFIXES = frozenset("ing ings ness nesses ment ments tion tions sion sions ity ities ly ally able ably ible ibly "
                      "ed er ers est ism isms ist ists ous ive ives ful less ance ances ence ences ant ants ent ents "
                      "ial ical ically ise ised ize ized ises izes".split())
# A joined word at least as common as the setting pdf_hyphen_common_zipf (3.5) is one word broken
# at the line end: "under-lying" and "back-ground" read as two common words, so wordfreq scores
# the hyphenated pair above "underlying" itself.
COMMON_WORD = 3.5  # the setting's default (pipeline.settings.Settings.pdf_hyphen_common_zipf)


@lru_cache(maxsize=4096)
def _prefer_joined(left: str, right: str, common: float = COMMON_WORD) -> bool:
    from wordfreq import zipf_frequency  # loads its word list on first use (about a second)

    lower, rest = left.lower(), right.lower()
    if right[:1].islower() and rest in _SUFFIXES:
        return True
    if right[:1].islower() and not left.isupper():
        # A piece that is no word, with no common word beside it: syllables of a rare word or a
        # name ("circu-larities", "Lebzel-ter", German "Mannig-faltigkeit"). Beside a common word
        # it is a compound ("nonf-loops", "cookie-based"); capitals ("GDPR-") may start one too.
        pieces = sorted((zipf_frequency(lower, "en"), zipf_frequency(rest, "en")))
        if pieces[0] == 0 and pieces[1] < common:
            return True
    joined = zipf_frequency(lower + rest, "en")
    if joined == 0:
        return False
    # wordfreq scores "un-evenly" as the words "un" and "evenly": a piece of one or two letters is
    # a syllable, not a word of a compound (2201.00214 of the py-pdf benchmark)
    return min(len(left), len(right)) < 3 or joined >= common or joined > zipf_frequency(f"{lower}-{rest}", "en")


def join_hyphenated(left: str, right: str, common: float = COMMON_WORD) -> str:
    """Join ``left``, which ends in a hyphen (or PDFium's hyphen mark), to the next line ``right``;
    a joined word of Zipf frequency ``common`` or more is always one word."""
    head, right = left[:-1], right.lstrip()
    if left.endswith("\u00ad"):  # a soft hyphen is only ever a break
        return head + right
    if not head[-1:].isalnum() or not right:
        return f"{head}- {right}".rstrip() if left.endswith("-") else f"{head} {right}"  # a dash, not a hyphen
    token = head.rsplit(None, 1)[-1]
    a, b = _WORD_END.search(token), _WORD_START.match(right)
    if a and b and not _URL.search(token) and _prefer_joined(a.group(), b.group(), common):
        return head + right
    return f"{head}-{right}"


def resolve_markers(text: str, common: float = COMMON_WORD) -> str:
    """``text`` with each of PDFium's in-line hyphen marks decided by :func:`join_hyphenated`."""
    for marker in _MARKERS:
        while marker in text:
            i = text.index(marker)
            text = join_hyphenated(text[:i] + "-", text[i + 1:], common) if i else text[1:]
    return text


def join_lines(lines: list[str], common: float = COMMON_WORD) -> str:
    """A paragraph's lines joined with spaces, hyphenated words and broken URLs rejoined."""
    out = lines[0]
    for line in lines[1:]:
        if out.endswith(_LINE_END):
            out = join_hyphenated(out, line, common)
        elif _URL_OPEN.search(out.rsplit(None, 1)[-1] if out.strip() else "") and line[:1].isalnum():
            out += line
        else:
            out = f"{out} {line}"
    return out
