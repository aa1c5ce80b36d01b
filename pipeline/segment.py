"""Split an extraction into passages: a paragraph, or a few sentences of a long one.

Sentences come from spaCy's rule-based sentencizer on a blank English pipeline (no model to
download). Sentences never cross a line or block boundary. Each passage keeps its page,
heading path and character offsets into :attr:`Extraction.text`, plus about a hundred words
of neighbouring sentences on each side as context for the tagger.
"""
from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.attrs import IDX, SENT_START

from pipeline.passage_kind import passage_kind
from pipeline.records import Block, Extraction, Passage, PassageSizes, stable_id

_LINE = re.compile(r"[^\n]+")
# A paragraph enumerated as a list item: "(ii) your device identifiers", "b) any third-party
# services" (bullet glyphs are read as list items by the extractors). "(c) 2024 Acme" is a
# copyright line.
_ITEM_START = re.compile(r"^\s*(?!\(c\)\s*(?:\d|\u00a9))(?:\(?(?:[ivx]{1,4}|[a-z])\)|\(\d{1,2}\)|\d{1,2}\))\s", re.I)


@lru_cache(maxsize=1)
def _nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the sentences of ``text``, whitespace trimmed.

    Every line break ends a sentence (blocks are separated by blank lines, table rows and
    address lines by single ones).
    """
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text) if not m.group().isspace()]
    spans: list[tuple[int, int]] = []
    for (offset, end), doc in zip(lines, _nlp().pipe(text[s:e] for s, e in lines)):
        array = doc.to_array([SENT_START, IDX])  # no Token objects: a third of the time
        starts = array[array[:, 0] == 1, 1].tolist() if len(doc) else []
        for a, b in zip(starts, starts[1:] + [end - offset]):
            chunk = text[offset + a:offset + b]
            start = offset + a + len(chunk) - len(chunk.lstrip())
            stop = offset + b - (len(chunk) - len(chunk.rstrip()))
            if stop > start:
                spans.append((start, stop))
    return spans


def _units(blocks: tuple[Block, ...]) -> list[list[Block]]:
    """Group blocks into passage candidates: a list stays with its lead-in paragraph (one that
    ends in ":"), and so do paragraphs that are list items without list markup."""
    units: list[list[Block]] = []
    for block in blocks:
        if block.kind == "heading":
            continue
        last = units[-1][-1] if units else None
        item = block.kind == "li" or block.kind == "p" and bool(_ITEM_START.match(block.text))
        joins = (
            last is not None and item and last.page == block.page and last.section == block.section
            and (last.kind == "li" or last.text.rstrip().endswith(":") or len(units[-1]) > 1
                 or bool(_ITEM_START.match(last.text)) and block.kind == "p")
        )
        if joins:
            units[-1].append(block)
        else:
            units.append([block])
    return units


def _split_long(start: int, end: int, text: str, max_chars: int) -> list[tuple[int, int]]:
    """Cut a sentence longer than ``max_chars`` at whitespace."""
    pieces = []
    while end - start > max_chars:
        cut = text.rfind(" ", start, start + max_chars)
        cut = cut if cut > start else start + max_chars
        pieces.append((start, cut))
        start = cut + 1 if text[cut:cut + 1] == " " else cut
    pieces.append((start, end))
    return pieces


def _chunks(spans: list[tuple[int, int]], text: str, max_sentences: int, max_chars: int) -> list[tuple[int, int, int, int]]:
    """Group consecutive sentences; return (char_start, char_end, first, last sentence index)."""
    out = []
    first = None
    for i, (start, end) in enumerate(spans):
        if first is not None and (i - first >= max_sentences or end - spans[first][0] > max_chars):
            # a lead-in ("... for the following purposes:") opens the next chunk, with its list,
            # when the two fit in one
            lead_in = text[spans[i - 1][0]:spans[i - 1][1]].rstrip().endswith(":")
            cut = i - 1 if lead_in and i - 1 > first and end - spans[i - 1][0] <= max_chars else i
            out.append((spans[first][0], spans[cut - 1][1], first, cut - 1))
            first = cut if cut < i else None
        if first is None:
            first = i
    if first is not None:
        out.append((spans[first][0], spans[-1][1], first, len(spans) - 1))
    return out


def _context(text: str, spans: list[tuple[int, int]], words: list[int], first: int, last: int,
             n_words: int) -> tuple[str, str]:
    """About ``n_words`` words of whole sentences before ``first`` and after ``last``."""
    lo, count = first, 0
    while lo > 0 and count < n_words:
        lo -= 1
        count += words[lo]
    hi, count = last, 0
    while hi < len(spans) - 1 and count < n_words:
        hi += 1
        count += words[hi]
    before = " ".join(text[s:e] for s, e in spans[lo:first])
    after = " ".join(text[s:e] for s, e in spans[last + 1:hi + 1])
    return before, after


def segment(extraction: Extraction, sha256: str, sizes: PassageSizes | None = None) -> list[Passage]:
    """Passages of one document version, in reading order.

    A paragraph (or a list with its lead-in) is one passage when it has at most
    ``sizes.max_sentences`` sentences and ``sizes.max_chars`` characters; longer ones are cut
    between sentences, and a single over-long sentence at whitespace. Headings are not passages:
    they are each passage's ``section``. Each passage gets its :func:`~pipeline.passage_kind.passage_kind`.
    """
    sizes = sizes or PassageSizes()
    max_sentences, max_chars = sizes.max_sentences, sizes.max_chars
    text = extraction.text
    spans = [p for s, e in sentences(text) for p in _split_long(s, e, text, max_chars)]
    words = [text.count(" ", s, e) + 1 for s, e in spans]
    passages: list[Passage] = []
    cursor = 0
    for unit in _units(extraction.blocks):
        lo, hi = unit[0].char_start, unit[-1].char_end
        while cursor < len(spans) and spans[cursor][0] < lo:
            cursor += 1
        stop = cursor
        while stop < len(spans) and spans[stop][1] <= hi:
            stop += 1
        block_kind = "li" if all(b.kind == "li" for b in unit) else unit[0].kind
        for start, end, first, last in _chunks(spans[cursor:stop], text, max_sentences, max_chars):
            before, after = _context(text, spans, words, cursor + first, cursor + last, sizes.context_words)
            passages.append(Passage(
                passage_id=stable_id(sha256, start, end), sha256=sha256, seq=len(passages),
                text=text[start:end], page=unit[0].page, section=" > ".join(unit[0].section),
                char_start=start, char_end=end, context_before=before, context_after=after,
                kind=passage_kind(text[start:end], block_kind),
            ))
        cursor = stop
    return passages
