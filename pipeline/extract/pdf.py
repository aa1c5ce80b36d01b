"""PDF: PDFium's text layer, one page at a time, cleaned into blocks with page numbers.

PDFium (pypdfium2) reads text in content-stream order, which follows columns as they were
typeset, at 50-85x the speed of pdfplumber with better text (docs/benchmarks/extract.md), so
pdfplumber is not used. Layout comes from a few PDFium calls per *line* (position, baseline,
rendered size): running headers and footers are lines repeated at the page edges, headings are
short lines set larger (or numbered and bold, or in capitals), and paragraphs end at vertical
gaps or short last lines. A paragraph cut off by a page break continues on the next page, with
smaller-type notices read in between and the footnotes below it moved after it. Only a page whose two
columns are drawn row by row (PDFium then reads across them) is read character by character,
to split its lines at the gutter.
"""
from __future__ import annotations

import ctypes
import math
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.records import DEFAULT_EXTRACT_OPTIONS, Extraction, ExtractOptions

from ..passage_kind import NUMBERED_HEADING
from .blocks import assemble
from .hyphens import join_lines, resolve_markers
from .normalize import clean_line, strip_bullet

# The thresholds below (edges, headings, paragraphs, columns) are settings: ExtractOptions,
# whose fields pipeline.settings.Settings documents.
_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?[-\u2013(\[]?\s*(?:\d{1,4}|[ivxlcdm]{1,6})\s*[-\u2013)\]]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I
)
_SENTENCE_END = (".", "!", "?", ":", ";", ")", "]", '"', "\u201d")
# TeX sets an accent as a glyph of its own before the letter ("Sup ´ erieure", "G¨urkan"), and
# PDFium reads it as a spacing accent between spaces; it belongs on the letter after it. The
# acute also stands in for an apostrophe ("company´s", "don´t"), which is left alone. Hat, tilde
# and dot are left alone too: in formulas they sit after the letter they belong to ("Pˆ", "xˆi").
_ACCENTS = {"\u00b4": "\u0301", "\u00a8": "\u0308", "\u02c7": "\u030c", "\u02d8": "\u0306", "\u02da": "\u030a",
            "\u00b8": "\u0327", "\u02dd": "\u030b"}
_LOOSE_ACCENT = re.compile(f" ?([{''.join(_ACCENTS)}]) ?([^\\W\\d_])")
_APOSTROPHE = re.compile(r"[^\W\d_]\u00b4(?:s|t|re|m|ll|ve|d)\b", re.I)
_NOTE_MARK = re.compile(r"^(?:\d{1,3}|[*\u2020\u2021])\s*[^\W\d_]")  # "1 Whistleblower definition: ..."


@dataclass
class _Line:
    text: str
    top: float  # PDF user space: y grows upwards
    bottom: float
    left: float
    right: float
    size: float
    bold: bool
    base_first: float  # baselines of the first and last characters (a line may wrap a
    base_last: float  # hyphenated word that PDFium rejoined)


def _char_box(raw, index: int) -> tuple[float, float, float, float]:
    left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDFText_GetCharBox(raw, index, left, right, bottom, top)
    return left.value, bottom.value, right.value, top.value


def _baseline(raw, index: int) -> float:
    x, y = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDFText_GetCharOrigin(raw, index, x, y)
    return y.value


def _size(raw, index: int) -> float:
    """The rendered font size: the height of the character's loose box (font ascent to
    descent, after the text matrix; ``FPDFText_GetFontSize`` ignores the matrix)."""
    rect = pdfium_c.FS_RECTF()
    pdfium_c.FPDFText_GetLooseCharBox(raw, index, rect)
    return round(abs(rect.top - rect.bottom), 1)


def _make_line(raw, text: str, first: int, last: int) -> _Line:
    """A line from character ``first`` to ``last`` (inclusive) of the text page."""
    x0, y0, _, y1 = _char_box(raw, first)
    _, b, x1, t = _char_box(raw, last)
    return _Line(
        text=text, top=max(y1, t), bottom=min(y0, b), left=x0, right=x1,
        size=_size(raw, first),
        bold=pdfium_c.FPDFText_GetFontWeight(raw, first) >= 600,
        base_first=_baseline(raw, first), base_last=_baseline(raw, last),
    )


def _spans(text: str) -> list[tuple[int, int]]:
    """(first, last) character index of each non-blank line of a text page's text."""
    return [
        (m.start() + len(m.group()) - len(m.group().lstrip()), m.end() - 1 - (len(m.group()) - len(m.group().rstrip())))
        for m in re.finditer(r"[^\r\n]+", text) if not m.group().isspace()
    ]


def _gutter(textpage, width: float, o: ExtractOptions) -> float | None:
    """The x of a gutter between two text columns that PDFium reads across, row by row.

    PDFium follows the content stream; when a PDF draws both columns line by line, one PDFium
    line holds a line of each column. Its text rectangles then show a gap at the same x on
    many rows, with wide text on both sides (unlike a table's short cells).
    """
    rows: dict[int, list[tuple[float, float]]] = {}
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        rows.setdefault(round((bottom + top) / 4), []).append((left, right))
    gaps = []
    for segments in rows.values():
        segments.sort()
        for (_, r1), (l2, _) in zip(segments, segments[1:]):
            side = o.pdf_gutter_side_share * width
            if l2 - r1 >= o.pdf_gutter_min_gap and r1 - segments[0][0] > side and segments[-1][1] - l2 > side:
                gaps.append((r1, l2))
    needed = max(o.pdf_gutter_min_rows, o.pdf_gutter_rows_share * len(rows))
    if len(gaps) < needed:
        return None
    best = max(((r1 + l2) / 2 for r1, l2 in gaps), key=lambda x: sum(a <= x <= b for a, b in gaps))
    return best if sum(a <= best <= b for a, b in gaps) >= needed else None


def _split_columns(raw, text: str, spans: list[tuple[int, int]], gutter: float, o: ExtractOptions) -> list[_Line] | None:
    """Read a row-interleaved two-column page column by column.

    Rows that cross the gutter (a title, a full-width paragraph) end the columns above them.
    None when the right-hand side is not prose (a table).
    """
    out: list[_Line] = []
    left: list[_Line] = []
    right: list[_Line] = []
    for first, last in spans:
        boxes = [_char_box(raw, i) for i in range(first, last + 1)]
        if boxes[-1][2] <= gutter:
            left.append(_make_line(raw, text[first:last + 1], first, last))
        elif boxes[0][0] >= gutter:
            right.append(_make_line(raw, text[first:last + 1], first, last))
        else:
            cut = next((k for k, box in enumerate(boxes) if box[0] >= gutter and not text[first + k].isspace()), None)
            before = [box for k, box in enumerate(boxes[:cut or 0]) if not text[first + k].isspace()]
            # a full-width line has no gap at the gutter, only the usual space between words
            crossing = not before or boxes[cut or 0][0] - before[-1][2] < o.pdf_gutter_crossing_gap
            if cut is None or crossing:
                out += left + right + [_make_line(raw, text[first:last + 1].strip(), first, last)]
                left, right = [], []
                continue
            head = text[first:first + cut].rstrip()
            left.append(_make_line(raw, head, first, first + len(head) - 1))
            right.append(_make_line(raw, text[first + cut:last + 1], first + cut, last))
    split = [line.text for line in right]
    letters = sum(c.isalpha() for t in split for c in t)
    # figures in a financial table also line up at a gap; only prose on both sides is columns
    if (not split or letters < o.pdf_column_min_letters * sum(not c.isspace() for t in split for c in t)
            or statistics.mean(len(t.split()) for t in split) < o.pdf_column_min_words):
        return None
    return out + left + right


def _split_drops(raw, text: str, spans: list[tuple[int, int]], drop: float) -> list[tuple[int, int]]:
    """``spans`` with a page number that PDFium read as the end of the line above it cut off:
    its baseline lies more than ``drop`` times its type size below the rest (2201.00200: "temperature gra-1", with
    "dient" on the next page)."""
    out = []
    for first, last in spans:
        # the number follows a space, or PDFium's mark of a hyphen that ends the line ("gra\ufffe1")
        cut = max(text.rfind(c, first, last + 1) for c in " \ufffe\x02")
        if (cut > first and _PAGE_NUMBER.match(text[cut + 1:last + 1]) and text[first:cut].strip()
                and _baseline(raw, cut - 1) - _baseline(raw, last) > drop * (_size(raw, last) or 1.0)):
            keep = cut if text[cut] != " " else cut - 1  # a hyphen mark stays with its line
            out += [(first, keep), (cut + 1, last)]
        else:
            out.append((first, last))
    return out


def _page_lines(page, textpage, o: ExtractOptions) -> tuple[list[_Line], float]:
    """The page's text lines in reading order, with the geometry of their ends."""
    width, height = page.get_size()
    text = textpage.get_text_range()
    raw = textpage.raw
    spans = _split_drops(raw, text, _spans(text), o.pdf_page_number_drop)
    lines = [_make_line(raw, text[a:b + 1], a, b) for a, b in spans]
    wide = sum(l.right - l.left > 0.5 * width for l in lines)
    if lines and wide >= o.pdf_wide_lines_share * len(lines):
        gutter = _gutter(textpage, width, o)
        columns = _split_columns(raw, text, spans, gutter, o) if gutter is not None else None
        lines = columns or lines
    return lines, height


def _edge_key(text: str) -> str:
    """Running heads differ only in their numbers ("3 of 13"): compare them without digits."""
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _is_edge(index: int, line: _Line, n_lines: int, height: float, o: ExtractOptions) -> bool:
    return (
        index < o.pdf_edge_lines
        or index >= n_lines - o.pdf_edge_lines
        or line.top > height * (1 - o.pdf_edge_band)
        or line.bottom < height * o.pdf_edge_band
    )


def running_lines(pages: list[tuple[list[_Line], float]], o: ExtractOptions = DEFAULT_EXTRACT_OPTIONS) -> set[str]:
    """Keys of lines that repeat at the page edges of at least ``o.pdf_running_share`` of the
    pages (two at least)."""
    counts: Counter[str] = Counter()
    for lines, height in pages:
        keys = {_edge_key(l.text) for i, l in enumerate(lines) if _is_edge(i, l, len(lines), height, o)}
        counts.update(keys)
    needed = max(2, math.ceil(len(pages) * o.pdf_running_share))
    return {k for k, n in counts.items() if n >= needed and k.strip("# ")}


def _strip_edges(lines: list[_Line], height: float, running: set[str], o: ExtractOptions) -> list[_Line]:
    n = len(lines)
    return [
        l for i, l in enumerate(lines)
        if not (_is_edge(i, l, n, height, o) and (_edge_key(l.text) in running or _PAGE_NUMBER.match(l.text)))
    ]


def _is_heading(line: _Line, body_size: float, o: ExtractOptions) -> bool:
    words = len(line.text.split())
    if words > o.pdf_heading_max_words or line.text.endswith(_SENTENCE_END) and not line.text.endswith(")"):
        return False
    if line.size >= body_size * o.pdf_heading_size:
        return True
    if (words <= o.pdf_caps_heading_max_words and line.text.isupper()
            and sum(c.isalpha() for c in line.text) >= o.pdf_caps_heading_min_letters):
        return True
    return bool(NUMBERED_HEADING.match(line.text)) and words <= o.pdf_numbered_heading_max_words and line.bold


def _blocks(lines: list[_Line], body_size: float, page_no: int, stack: list[tuple[int, str]], o: ExtractOptions):
    """Group a page's lines into paragraph, list-item and heading blocks."""
    items = []
    current: list[str] = []
    kind = "p"
    gaps = [a.base_last - b.base_first for a, b in zip(lines, lines[1:]) if 0 < a.base_last - b.base_first < 3 * body_size]
    spacing = statistics.median(gaps) if gaps else body_size * 1.2
    widths = [l.right - l.left for l in lines if len(l.text) > 20]
    full = statistics.median(widths) if widths else 0.0
    prev: _Line | None = None

    def flush() -> None:
        nonlocal current, kind
        if current:
            items.append((clean_line(join_lines(current, o.pdf_hyphen_common_zipf)), kind, tuple(t for _, t in stack), page_no))
        current, kind = [], "p"

    for line in lines:
        text, bullet = strip_bullet(resolve_markers(_place_accents(line.text), o.pdf_hyphen_common_zipf))
        if not text:
            continue
        if _is_heading(line, body_size, o) and not bullet:
            # consecutive heading lines of one size are one wrapped heading
            if (prev is not None and items and items[-1][1] == "heading" and not current
                    and abs(prev.size - line.size) < o.pdf_size_tolerance
                    and 0 < prev.base_last - line.base_first < o.pdf_heading_wrap_gap * line.size):
                title = f"{stack[-1][1]} {clean_line(text)}"
                stack[-1] = (stack[-1][0], title)
                items[-1] = (title, "heading", tuple(t for _, t in stack), page_no)
            else:
                flush()
                level = 1 if line.size >= body_size * o.pdf_title_size else 2 if line.size >= body_size * o.pdf_heading_size else 3
                if NUMBERED_HEADING.match(text) and text[0].isdigit():
                    # "1." and "1.0" sit one level below lettered or unnumbered headings, "1.1" two
                    level += 1 + len(re.findall(r"\.0*[1-9]", text.split()[0]))
                while stack and stack[-1][0] >= level:
                    stack.pop()
                text = clean_line(text)
                stack.append((level, text))
                items.append((text, "heading", tuple(t for _, t in stack), page_no))
            prev = line
            continue
        new_block = bullet or not current
        if prev is not None and current:
            gap = prev.base_last - line.base_first
            if gap > o.pdf_paragraph_gap * spacing or gap < -spacing:  # a blank line, or a jump to the next column
                new_block = True
            elif current[-1].endswith(_SENTENCE_END) and full and (prev.right - prev.left) < o.pdf_short_line * full:
                new_block = True  # the previous line was a paragraph's short last line
        if new_block:
            flush()
            kind = "li" if bullet else "p"
        current.append(text)
        prev = line
    flush()
    return items


def _cut_off(items) -> bool:
    """Whether the last block so far is a paragraph or list item that stops mid-sentence."""
    return bool(items) and items[-1][1] in ("p", "li") and not items[-1][0].endswith(_SENTENCE_END)


def _continuation_first(lines: list[_Line], o: ExtractOptions) -> list[_Line]:
    """A page's lines with the rest of the previous page's sentence first.

    PDFium may read text set apart from the body before it, e.g. the company notice at the foot
    of the back page of Flex's human-rights policy (smaller type), which then landed inside the
    sentence that runs over the page break. Lines read before the first line that starts in lower
    case, set smaller and below it on the page, are moved after the body (where they are seen). (Running heads and feet are gone by
    now: :func:`_strip_edges`.)
    """
    largest, highest = 0.0, 0.0  # the largest type and the highest line read so far
    for k, line in enumerate(lines):
        if line.text[:1].islower() and (k == 0 or largest < line.size - o.pdf_size_tolerance and highest < line.bottom):
            return lines[k:] + lines[:k]
        largest, highest = max(largest, line.size), max(highest, line.top)
    return lines


def _footnotes_at(lines: list[_Line], body_size: float, o: ExtractOptions) -> int:
    """Where the footnotes at the foot of a page start (``len(lines)`` if it has none): the run
    of lines set smaller than the body that ends the page, if its first line starts with a note
    number or mark (a caption there starts otherwise, and may wrap at a number)."""
    start = len(lines)
    while start > 0 and lines[start - 1].size < body_size - o.pdf_size_tolerance:
        start -= 1
    return start if start < len(lines) and _NOTE_MARK.match(lines[start].text) else len(lines)


def _place_accents(text: str) -> str:
    """``text`` with TeX's loose accents put on the letters they belong to, where Unicode has
    the accented letter ("Sup ´ erieure" -> "Supérieure")."""
    if not any(a in text for a in _ACCENTS):
        return text

    def place(m: re.Match) -> str:
        accented = unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)])
        if len(accented) != 1 or _APOSTROPHE.match(text, max(0, m.start(1) - 1)):
            return m.group()
        return (" " if m.group().startswith(" ") and m.start() > 0 and not text[m.start() - 1].isalpha() else "") + accented

    return _LOOSE_ACCENT.sub(place, text)


def _open_error(data: bytes, exc: Exception) -> Extraction:
    message = str(exc)
    if "password" in message.lower():
        flag, what = "encrypted", "the PDF is encrypted with a password"
    elif b"%%EOF" not in data[-2048:]:
        flag, what = "truncated", "the PDF is truncated (no end-of-file marker)"
    else:
        flag, what = "corrupt", "the PDF is damaged or not a PDF"
    return Extraction("pdf", "", (), flags=(flag,), error=f"{what}: {message}")


def extract_pdf(data: bytes, options: ExtractOptions | None = None) -> Extraction:
    """Text of a PDF as blocks with page numbers and heading paths, by the heuristics of
    ``options`` (default: the settings' defaults).

    Pages are read one at a time and closed after use. Running headers, footers and page
    numbers are removed; pages without a text layer are listed and flagged ``scanned_pages``.
    Password-protected, truncated or damaged files give an Extraction with ``error`` set.
    """
    o = options or DEFAULT_EXTRACT_OPTIONS
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return _open_error(data, exc)
    flags: list[str] = []
    if b"%%EOF" not in data[-2048:]:
        flags.append("truncated")
    pages: list[tuple[list[_Line], float]] = []
    bad_pages: list[int] = []
    title = clean_line(doc.get_metadata_dict(skip_empty=True).get("Title", ""))
    try:
        n_pages = len(doc)
        for index in range(n_pages):
            try:
                page = doc[index]
            except pdfium.PdfiumError:
                bad_pages.append(index + 1)
                pages.append(([], 1.0))
                continue
            textpage = page.get_textpage()
            try:
                pages.append(_page_lines(page, textpage, o))
            finally:
                textpage.close()
                page.close()
    finally:
        doc.close()
    running = running_lines(pages, o) if len(pages) >= 2 else set()
    sizes: Counter[float] = Counter()
    for lines, _ in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    items = []
    stack: list[tuple[int, str]] = []
    empty = []
    held: list = []  # the previous page's footnotes, placed after the sentence that runs over its break
    for number, (lines, height) in enumerate(pages, start=1):
        if not lines:
            if number not in bad_pages:
                empty.append(number)
            continue
        lines = _strip_edges(lines, height, running, o)
        cut_off = _cut_off(items)
        if cut_off:
            lines = _continuation_first(lines, o)
        notes_at = _footnotes_at(lines, body_size, o)
        page_items = _blocks(lines[:notes_at], body_size, number, stack, o)
        notes = _blocks(lines[notes_at:], body_size, number, stack, o) if notes_at < len(lines) else []
        if cut_off and page_items and page_items[0][1] == "p" and (page_items[0][0][:1].islower() or items[-1][0].endswith("-")):
            # a sentence over a page break is one block, on the page where it starts
            text, kind, section, page = items[-1]
            items[-1] = (clean_line(join_lines([text, page_items.pop(0)[0]], o.pdf_hyphen_common_zipf)), kind, section, page)
        items.extend(held)
        items.extend(page_items)
        # Footnotes below a sentence that the page break cuts would land inside it (Flex's
        # supplier code, page 9): they wait until the next page has finished the sentence.
        held = notes if _cut_off(items) else []
        if not held:
            items.extend(notes)
    items.extend(held)
    if empty:
        flags.append("scanned_pages")
    if bad_pages:
        flags.append("corrupt")
    text, blocks = assemble(items)
    error = None
    if not blocks:
        flags.append("no_text")
        error = "no text layer on any page (a scanned document? run OCR first)" if empty else "no extractable text"
    elif bad_pages:
        error = f"pages {', '.join(map(str, bad_pages))} could not be read"
    return Extraction("pdf", text, blocks, title=title, n_pages=n_pages, pages_without_text=tuple(empty), flags=tuple(flags), error=error)
