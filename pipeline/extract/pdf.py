"""PDF: PDFium's text layer, one page at a time, cleaned into blocks with page numbers.

PDFium (pypdfium2) reads text in content-stream order, which follows columns as they were
typeset, at 50-85x the speed of pdfplumber (docs/benchmarks/extract.md). Layout comes from a
few PDFium calls per *line* (position, font size), never per character, so the speed holds:
running headers and footers are lines repeated at the page edges, headings are short lines set
larger than the body, and paragraphs end at vertical gaps or short last lines.
"""
from __future__ import annotations

import ctypes
import re
import statistics
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.records import Extraction

from .html import assemble
from .normalize import clean_line, strip_bullet

_EDGE_LINES = 4  # lines at the top and bottom of a page where running heads and feet live
_EDGE_BAND = 0.1  # ... or within this fraction of the page height from its top or bottom
_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?[-\u2013(\[]?\s*(?:\d{1,4}|[ivxlcdm]{1,6})\s*[-\u2013)\]]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I
)
_NUMBERED_HEADING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Z]\.|[IVX]{1,4}\.)\s+\S")
_SENTENCE_END = re.compile(r"[.!?:;)\]\"\u201d]$")
_HYPHEN_END = re.compile(r"(?<=[^\W\d_])[-\u00ad\x02]$")


@dataclass
class _Line:
    text: str
    top: float  # PDF user space: y grows upwards
    bottom: float
    left: float
    right: float
    size: float
    bold: bool


def _page_lines(page, textpage) -> tuple[list[_Line], float]:
    """The page's text lines with the geometry of their first and last characters."""
    height = page.get_height()
    text = textpage.get_text_range()
    lines: list[_Line] = []
    pos = 0
    left, bottom, right, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    raw = textpage.raw
    for chunk in re.split(r"(\r\n|\n|\r)", text):
        if chunk in ("\r\n", "\n", "\r"):
            pos += len(chunk)
            continue
        stripped = chunk.strip()
        if stripped:
            first = pos + (len(chunk) - len(chunk.lstrip()))
            last = pos + len(chunk.rstrip()) - 1
            pdfium_c.FPDFText_GetCharBox(raw, first, left, right, bottom, top)
            x0, y0, y1 = left.value, bottom.value, top.value
            pdfium_c.FPDFText_GetCharBox(raw, last, left, right, bottom, top)
            lines.append(_Line(
                text=stripped, top=max(y1, top.value), bottom=min(y0, bottom.value), left=x0,
                right=right.value, size=round(pdfium_c.FPDFText_GetFontSize(raw, first), 1),
                bold=pdfium_c.FPDFText_GetFontWeight(raw, first) >= 600,
            ))
        pos += len(chunk)
    return lines, height


def _edge_key(text: str) -> str:
    """Running heads differ only in their numbers ("3 of 13"): compare them without digits."""
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _is_edge(index: int, line: _Line, n_lines: int, height: float) -> bool:
    return (
        index < _EDGE_LINES
        or index >= n_lines - _EDGE_LINES
        or line.top > height * (1 - _EDGE_BAND)
        or line.bottom < height * _EDGE_BAND
    )


def running_lines(pages: list[tuple[list[_Line], float]]) -> set[str]:
    """Keys of lines that repeat at the page edges of at least half the pages (two at least)."""
    counts: Counter[str] = Counter()
    for lines, height in pages:
        keys = {_edge_key(l.text) for i, l in enumerate(lines) if _is_edge(i, l, len(lines), height)}
        counts.update(keys)
    needed = max(2, (len(pages) + 1) // 2)
    return {k for k, n in counts.items() if n >= needed and k.strip("# ")}


def _strip_edges(lines: list[_Line], height: float, running: set[str]) -> list[_Line]:
    n = len(lines)
    return [
        l for i, l in enumerate(lines)
        if not (_is_edge(i, l, n, height) and (_edge_key(l.text) in running or _PAGE_NUMBER.match(l.text)))
    ]


def _is_heading(line: _Line, body_size: float) -> bool:
    words = len(line.text.split())
    if words > 15 or _SENTENCE_END.search(line.text) and not line.text.endswith(")"):
        return False
    if line.size >= body_size * 1.15:
        return True
    if words <= 8 and line.text.isupper() and sum(c.isalpha() for c in line.text) >= 4:
        return True
    return bool(_NUMBERED_HEADING.match(line.text)) and words <= 10 and line.bold


def _join(parts: list[str]) -> str:
    """Join a paragraph's lines, undoing hyphenation at line ends ("respon-" + "sible")."""
    out = parts[0]
    for part in parts[1:]:
        if _HYPHEN_END.search(out) and part[:1].islower():
            out = out[:-1] + part
        else:
            out = f"{out} {part}"
    return out


def _blocks(lines: list[_Line], body_size: float, page_no: int, stack: list[tuple[int, str]]):
    """Group a page's lines into paragraph, list-item and heading blocks."""
    items = []
    current: list[str] = []
    kind = "p"
    gaps = [a.bottom - b.bottom for a, b in zip(lines, lines[1:]) if 0 < a.bottom - b.bottom < 3 * body_size]
    spacing = statistics.median(gaps) if gaps else body_size * 1.2
    widths = [l.right - l.left for l in lines if len(l.text) > 20]
    full = statistics.median(widths) if widths else 0.0
    prev: _Line | None = None

    def flush() -> None:
        nonlocal current, kind
        if current:
            items.append((_join(current), kind, tuple(t for _, t in stack), page_no))
        current, kind = [], "p"

    for line in lines:
        text, bullet = strip_bullet(clean_line(line.text))
        if not text:
            continue
        if _is_heading(line, body_size) and not bullet:
            # consecutive heading lines of one size are one wrapped heading
            if prev is not None and items and items[-1][1] == "heading" and not current and abs(prev.size - line.size) < 0.5 and 0 < prev.bottom - line.bottom < 2.5 * line.size:
                title = f"{stack[-1][1]} {text}"
                stack[-1] = (stack[-1][0], title)
                items[-1] = (title, "heading", tuple(t for _, t in stack), page_no)
            else:
                flush()
                level = 1 if line.size >= body_size * 1.4 else 2 if line.size >= body_size * 1.15 else 3
                if _NUMBERED_HEADING.match(text) and text[0].isdigit():
                    # "1." and "1.0" sit one level below lettered or unnumbered headings, "1.1" two
                    level += 1 + len(re.findall(r"\.0*[1-9]", text.split()[0]))
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, text))
                items.append((text, "heading", tuple(t for _, t in stack), page_no))
            prev = line
            continue
        new_block = bullet or not current
        if prev is not None and current:
            gap = prev.bottom - line.bottom
            if gap > 1.6 * spacing or gap < -spacing:  # a blank line, or a jump to the next column
                new_block = True
            elif _SENTENCE_END.search(current[-1]) and full and (prev.right - prev.left) < 0.8 * full:
                new_block = True  # the previous line was a paragraph's short last line
        if new_block:
            flush()
            kind = "li" if bullet else "p"
        current.append(text)
        prev = line
    flush()
    return items


def _open_error(data: bytes, exc: Exception) -> Extraction:
    message = str(exc)
    if "password" in message.lower():
        flag, what = "encrypted", "the PDF is encrypted with a password"
    elif b"%%EOF" not in data[-2048:]:
        flag, what = "truncated", "the PDF is truncated (no end-of-file marker)"
    else:
        flag, what = "corrupt", "the PDF is damaged or not a PDF"
    return Extraction("pdf", "", (), flags=(flag,), error=f"{what}: {message}")


def extract_pdf(data: bytes) -> Extraction:
    """Text of a PDF as blocks with page numbers and heading paths.

    Pages are read one at a time and closed after use. Running headers, footers and page
    numbers are removed; pages without a text layer are listed and flagged ``scanned_pages``.
    Password-protected, truncated or damaged files give an Extraction with ``error`` set.
    """
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return _open_error(data, exc)
    flags: list[str] = []
    if b"%%EOF" not in data[-2048:]:
        flags.append("truncated")
    pages: list[tuple[list[_Line], float]] = []
    bad_pages: list[int] = []
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
                pages.append(_page_lines(page, textpage))
            finally:
                textpage.close()
                page.close()
    finally:
        doc.close()
    running = running_lines(pages) if len(pages) >= 2 else set()
    sizes: Counter[float] = Counter()
    for lines, _ in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    items = []
    stack: list[tuple[int, str]] = []
    empty = []
    for number, (lines, height) in enumerate(pages, start=1):
        if not lines:
            if number not in bad_pages:
                empty.append(number)
            continue
        items.extend(_blocks(_strip_edges(lines, height, running), body_size, number, stack))
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
    return Extraction("pdf", text, blocks, n_pages=n_pages, pages_without_text=tuple(empty), flags=tuple(flags), error=error)
