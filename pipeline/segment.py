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

from pipeline.records import Block, Extraction, Passage, stable_id

CONTEXT_WORDS = 100
_LINE = re.compile(r"[^\n]+")


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
    nlp = _nlp()
    for (offset, _), doc in zip(lines, nlp.pipe(text[s:e] for s, e in lines)):
        for sent in doc.sents:
            start, end = offset + sent.start_char, offset + sent.end_char
            chunk = text[start:end]
            start += len(chunk) - len(chunk.lstrip())
            end -= len(chunk) - len(chunk.rstrip())
            if end > start:
                spans.append((start, end))
    return spans


def _units(blocks: tuple[Block, ...]) -> list[list[Block]]:
    """Group blocks into passage candidates: a list stays with its lead-in paragraph."""
    units: list[list[Block]] = []
    for block in blocks:
        if block.kind == "heading":
            continue
        last = units[-1][-1] if units else None
        joins = (
            last is not None and block.kind == "li" and last.page == block.page and last.section == block.section
            and (last.kind == "li" or last.text.rstrip().endswith(":"))
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
            out.append((spans[first][0], spans[i - 1][1], first, i - 1))
            first = None
        if first is None:
            first = i
    if first is not None:
        out.append((spans[first][0], spans[-1][1], first, len(spans) - 1))
    return out


def _context(text: str, spans: list[tuple[int, int]], first: int, last: int) -> tuple[str, str]:
    before: list[str] = []
    words = 0
    for start, end in reversed(spans[max(0, first - 50):first]):
        before.append(text[start:end])
        words += len(before[-1].split())
        if words >= CONTEXT_WORDS:
            break
    after: list[str] = []
    words = 0
    for start, end in spans[last + 1:last + 51]:
        after.append(text[start:end])
        words += len(after[-1].split())
        if words >= CONTEXT_WORDS:
            break
    return " ".join(reversed(before)), " ".join(after)


def segment(extraction: Extraction, sha256: str, *, max_sentences: int = 5, max_chars: int = 1200) -> list[Passage]:
    """Passages of one document version, in reading order.

    A paragraph (or a list with its lead-in) is one passage when it has at most
    ``max_sentences`` sentences and ``max_chars`` characters; longer ones are cut between
    sentences, and a single over-long sentence at whitespace. Headings are not passages: they
    are each passage's ``section``.
    """
    if max_sentences < 1 or max_chars < 20:
        raise ValueError(f"max_sentences={max_sentences}, max_chars={max_chars}: need at least 1 sentence and 20 characters")
    text = extraction.text
    spans = [p for s, e in sentences(text) for p in _split_long(s, e, text, max_chars)]
    passages: list[Passage] = []
    cursor = 0
    for unit in _units(extraction.blocks):
        lo, hi = unit[0].char_start, unit[-1].char_end
        while cursor < len(spans) and spans[cursor][0] < lo:
            cursor += 1
        stop = cursor
        while stop < len(spans) and spans[stop][1] <= hi:
            stop += 1
        for start, end, first, last in _chunks(spans[cursor:stop], text, max_sentences, max_chars):
            before, after = _context(text, spans, cursor + first, cursor + last)
            passages.append(Passage(
                passage_id=stable_id(sha256, start, end), sha256=sha256, seq=len(passages),
                text=text[start:end], page=unit[0].page, section=" > ".join(unit[0].section),
                char_start=start, char_end=end, context_before=before, context_after=after,
            ))
        cursor = stop
    return passages
