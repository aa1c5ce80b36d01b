"""Extract the main text of a document (HTML, PDF, Markdown or plain text) as blocks with structure.

>>> from pipeline.extract import extract
>>> extraction = extract(body, url="https://example.com/privacy")  # doctest: +SKIP
>>> extraction.text, extraction.blocks[0].section, extraction.flags  # doctest: +SKIP
"""
from __future__ import annotations

import re
from pathlib import Path

from pipeline.records import Extraction, ExtractOptions

from .blocks import assemble
from .detect import decode_html, detect_kind
from .html import extract_html
from .language import detect_language
from .markdown import extract_markdown
from .normalize import clean_block
from .pdf import extract_pdf

# U+FFFD (bytes no charset could decode) and control characters other than whitespace
_UNREADABLE = re.compile("[\ufffd\x00-\x08\x0b\x0e-\x1f\x7f]")

__all__ = ["Extraction", "decode_html", "detect_kind", "detect_language", "extract", "extract_file", "extract_markdown",
           "extract_text"]


def _decode_text(data: bytes | str, kind: str) -> tuple[str, Extraction | None]:
    """The decoded text, and for binary content a ``corrupt`` Extraction of ``kind``."""
    text = data if isinstance(data, str) else decode_html(data, "text/plain")[0]
    unreadable = len(_UNREADABLE.findall(text[:100_000]))
    if unreadable > 0.05 * min(len(text), 100_000):
        return text, Extraction(kind, "", (), flags=("corrupt",),
                                error=f"binary content, not text ({unreadable:,} undecodable or control characters)")
    return text, None


def extract_text(data: bytes | str) -> Extraction:
    """Plain text: paragraphs are separated by blank lines; binary content is an error."""
    text, corrupt = _decode_text(data, "text")
    if corrupt:
        return corrupt
    items = [(b, "p", ()) for b in (clean_block(chunk) for chunk in text.replace("\r\n", "\n").split("\n\n")) if b]
    joined, blocks = assemble(items)
    return Extraction("text", joined, blocks, flags=() if blocks else ("no_text",))


def extract(data: bytes, kind: str | None = None, url: str = "", content_type: str = "",
            options: ExtractOptions | None = None) -> Extraction:
    """Extract one payload; bad content gives an Extraction with ``error``/``flags``, never an exception.

    ``kind`` ("pdf", "html", "markdown" or "text") skips detection; otherwise :func:`detect_kind` decides
    from the bytes, the Content-Type and the URL. ``options`` are the PDF and HTML heuristics
    (:class:`~pipeline.records.ExtractOptions`, built from settings; default: their defaults).
    """
    kind = kind or detect_kind(data, content_type, url)
    try:
        if kind == "pdf":
            return extract_pdf(data, options)
        if kind == "html":
            return extract_html(data, url=url, content_type=content_type, options=options)
        if kind == "text":
            return extract_text(data)
        if kind == "markdown":
            text, corrupt = _decode_text(data, kind)
            return corrupt or extract_markdown(text)
    except Exception as exc:  # a parser bug must not stop a crawl of thousands of documents
        return Extraction(kind, "", (), flags=("corrupt",), error=f"{kind} extraction failed: {type(exc).__name__}: {exc}")
    return Extraction(kind or "unknown", "", (), flags=("no_text",),
                      error=f"unsupported content (Content-Type {content_type or 'unknown'!r}, url {url!r}); expected PDF, HTML, Markdown or text")


def extract_file(path: str | Path, options: ExtractOptions | None = None) -> Extraction:
    """Extract a local file; FileNotFoundError or ValueError names the file when it cannot be used."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    kind = detect_kind(data, url=path.name)
    if kind is None:
        raise ValueError(f"{path}: unsupported file type; expected a PDF, an HTML page, a .md or a .txt file")
    return extract(data, kind, url=str(path), options=options)
