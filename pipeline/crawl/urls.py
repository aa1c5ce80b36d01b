"""URL normalisation and crawl scope.

Two spellings of one address must dedupe to one queue entry, so every URL is normalised
before it is queued or stored: lower-case scheme and host, no default port, no fragment, no
tracking parameters, remaining query parameters sorted (as courlan's ``clean_url`` does).
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

import tldextract

FETCHABLE_SCHEMES = ("http", "https")

# Parameters that identify a click or a campaign, never a document.
TRACKING_PARAMS = frozenset(
    {"gclid", "dclid", "fbclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl",
     "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wickedid", "s_kwcid"}
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")

# The bundled public-suffix snapshot: never download the list during a crawl.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=())

_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def normalise_url(url: str, base: str | None = None) -> str:
    """The canonical form of ``url`` (resolved against ``base`` when given).

    >>> normalise_url("HTTPS://Example.COM:443/a/../Privacy?utm_source=x&b=2&a=1#top")
    'https://example.com/Privacy?a=1&b=2'
    """
    url = url.strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in FETCHABLE_SCHEMES:
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    path = quote(unquote(_remove_dot_segments(parts.path or "/")), safe=_SAFE_PATH)
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    query = urlencode(sorted(pairs), quote_via=quote, safe=_SAFE_QUERY) if pairs else ""
    return urlunsplit((scheme, netloc, path, query, ""))


def _remove_dot_segments(path: str) -> str:
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        if seg == ".":
            if i == len(segments) - 1:
                out.append("")
            continue
        if seg == "..":
            if len(out) > 1:
                out.pop()
            if i == len(segments) - 1:
                out.append("")
            continue
        out.append(seg)
    result = "/".join(out)
    return result if result.startswith("/") else "/" + result


def host_key(url: str) -> str:
    """The politeness key of a URL: its netloc (host:port); ``""`` for local files."""
    parts = urlsplit(url)
    return parts.netloc.lower() if parts.scheme in FETCHABLE_SCHEMES else ""


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=65536)
def registered_domain(url: str) -> str:
    """``example.co.uk`` for ``https://www.example.co.uk/x``; ``host:port`` for IP hosts."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return ""
    if _is_ip(host) or "." not in host:
        return parts.netloc.lower()
    ext = _EXTRACT(host)
    # tldextract 5.3 renamed registered_domain (now deprecated); accept both.
    domain = ext.top_domain_under_public_suffix if hasattr(ext, "top_domain_under_public_suffix") else ext.registered_domain
    return domain or host


@dataclass(frozen=True)
class Scope:
    """Where a company's crawl may go: the seeds' registered domains plus an allow-list.

    An allow-list entry matches the domain itself and its subdomains; an entry with a port
    (``127.0.0.1:8001``) matches that netloc exactly.
    """

    domains: frozenset[str]

    @classmethod
    def for_company(cls, seed_urls: tuple[str, ...], allow_domains: tuple[str, ...] = ()) -> "Scope":
        seeds = {registered_domain(u) for u in seed_urls if urlsplit(u).scheme in FETCHABLE_SCHEMES}
        return cls(frozenset(d for d in seeds if d) | {d.lower().strip(".") for d in allow_domains if d})

    def __contains__(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in FETCHABLE_SCHEMES or not parts.hostname:
            return False
        netloc = parts.netloc.lower()
        host = parts.hostname.lower()
        if netloc in self.domains or registered_domain(url) in self.domains:
            return True
        return not _is_ip(host) and any(host == d or host.endswith("." + d) for d in self.domains)
