"""What a fetched body is: its kind, whether it is a wall rather than a document, its links."""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.extract import decode_html, detect_kind, extract
from pipeline.settings import Settings

from .discover import Link, html_links, is_sitemap, sitemap_links

# Pages that are not the document we asked for: recorded as fetches, never stored.
BLOCKING_FLAGS = ("login_wall", "block_page", "js_shell")


@dataclass(frozen=True)
class Inspection:
    kind: str | None  # "html" | "pdf" | "text" | None (not a document type we keep)
    blocked: tuple[str, ...] = ()  # BLOCKING_FLAGS found
    links: tuple[Link, ...] = ()
    sitemap: bool = False
    child_sitemaps: tuple[str, ...] = ()
    encoding: str = ""


def inspect(data: bytes, content_type: str, url: str,
            max_child_sitemaps: int = Settings.max_child_sitemaps) -> Inspection:
    """Classify a body by magic bytes and Content-Type (via :func:`pipeline.extract.detect_kind`);
    of a sitemap index, the first ``max_child_sitemaps`` children are kept."""
    if is_sitemap(data):
        pages, children = sitemap_links(data, url)
        return Inspection(None, links=tuple(pages), sitemap=True, child_sitemaps=tuple(children[:max_child_sitemaps]))
    kind = detect_kind(data, content_type, url)
    if kind != "html":
        return Inspection(kind)
    text, encoding = decode_html(data, content_type)
    flags = extract(data, "html", url=url, content_type=content_type).flags
    blocked = tuple(f for f in flags if f in BLOCKING_FLAGS)
    return Inspection("html", blocked, () if blocked else tuple(html_links(text, url)), encoding=encoding)
