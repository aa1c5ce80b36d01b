"""Which links from a page (or a sitemap) lead to policy and report documents.

A link qualifies when its URL or its anchor text names one of :data:`TOPICS`; a PDF link also
qualifies when it names a report. The keyword lists are data: extend them, don't add code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html

from .urls import FETCHABLE_SCHEMES, normalise_url

# Topics of the documents hrdc scores, matched as whole words against the URL path and the
# anchor text (punctuation counts as a space: "human-rights" matches "human rights").
TOPICS: dict[str, tuple[str, ...]] = {
    "human_rights": ("human rights", "humanrights", "menschenrechte", "droits de l'homme", "droits humains"),
    "privacy": ("privacy", "data protection", "personal data", "gdpr", "datenschutz", "datenschutzerklärung",
                "confidentialite", "confidentialité", "privacidad"),
    "terms": ("terms", "tos", "user agreement", "acceptable use", "community guidelines", "legal"),
    "transparency": ("transparency", "law enforcement", "government request", "government requests",
                     "data requests", "lawful"),
    "sustainability": ("sustainability", "esg", "csr", "corporate responsibility", "responsibility",
                       "impact report", "nachhaltigkeit", "durabilite", "durabilité"),
    "modern_slavery": ("modern slavery", "slavery", "trafficking", "forced labour", "forced labor"),
    "suppliers": ("supplier", "supplier code", "code of conduct", "supply chain", "responsible sourcing"),
    # device makers' conflict-minerals reports (the minerals framework, corpora/criteria/minerals.yaml)
    "minerals": ("conflict minerals", "responsible minerals", "minerals"),
    "policy": ("policy", "policies", "governance", "ethics", "freedom of expression", "accessibility statement"),
}
REPORT_WORDS = ("report", "annual", "statement", "disclosure")

_WORDS = re.compile(r"[^a-z0-9àâçéèêëîïôûùüÿñæœß']+")


def _phrases(text: str) -> str:
    return " " + " ".join(_WORDS.split(text.lower())) + " "


_KEYS = tuple(sorted({" " + " ".join(_WORDS.split(k.lower())).strip() + " " for ks in TOPICS.values() for k in ks}))
_REPORT_KEYS = tuple(f" {w}" for w in REPORT_WORDS)


def is_relevant(url: str, anchor: str = "") -> bool:
    """Whether a link's URL or anchor text points to a policy or report document.

    >>> is_relevant("https://example.com/legal/privacy-policy")
    True
    >>> is_relevant("https://example.com/careers", "Join us")
    False
    >>> is_relevant("https://example.com/files/2023-annual-report.pdf")
    True
    """
    path = url.split("://", 1)[-1].partition("/")[2]
    words = _phrases(path) + _phrases(anchor)
    if any(k in words for k in _KEYS):
        return True
    return path.lower().split("?")[0].endswith(".pdf") and any(k in words for k in _REPORT_KEYS)


@dataclass(frozen=True)
class Link:
    url: str  # normalised, absolute
    anchor: str


def html_links(text: str, base_url: str) -> list[Link]:
    """Every http(s) link of an HTML page, normalised, in page order, first anchor wins."""
    try:
        tree = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        return []
    base = tree.xpath("string(//base/@href)").strip() or base_url
    if base != base_url:
        base = normalise_url(base, base_url)
    seen: dict[str, Link] = {}
    for a in tree.iter("a", "area"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        try:
            url = normalise_url(href, base)
        except ValueError:
            continue
        if url.split(":", 1)[0] not in FETCHABLE_SCHEMES or url in seen:
            continue
        anchor = " ".join(" ".join(a.itertext()).split()) or a.get("title", "") or a.get("aria-label", "")
        seen[url] = Link(url, anchor[:200])
    return list(seen.values())


SITEMAP_MARKERS = (b"<urlset", b"<sitemapindex")


def is_sitemap(data: bytes) -> bool:
    head = data[:2048].lower()
    return any(m in head for m in SITEMAP_MARKERS)


def sitemap_links(data: bytes, base_url: str) -> tuple[list[Link], list[str]]:
    """``(page links, child sitemap URLs)`` of a sitemap or sitemap index."""
    try:
        root = lxml.etree.fromstring(data, parser=lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True))
    except lxml.etree.XMLSyntaxError:
        return [], []
    if root is None:
        return [], []
    locs = [(el.getparent(), (el.text or "").strip()) for el in root.iter("{*}loc", "loc")]
    pages: list[Link] = []
    children: list[str] = []
    for parent, loc in locs:
        if not loc:
            continue
        try:
            url = normalise_url(loc, base_url)
        except ValueError:
            continue
        if url.split(":", 1)[0] not in FETCHABLE_SCHEMES:
            continue
        if parent is not None and lxml.etree.QName(parent).localname == "sitemap":
            children.append(url)
        else:
            pages.append(Link(url, ""))
    return pages, children
