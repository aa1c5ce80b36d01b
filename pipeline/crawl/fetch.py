"""One HTTP request, streamed with a size cap, never following redirects by itself.

:func:`download` sends exactly one request and says what happened as a :class:`Result`;
redirects, retries and robots are decided by the steps (:mod:`.steps`) and the scheduler, so
that every hop and every retry is spaced like any other request to its host.
"""
from __future__ import annotations

import email.utils
import re
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Mapping
from urllib.parse import urlsplit
from urllib.request import url2pathname

import requests
import urllib3

from .robots import Robots
from .safety import GuardedAdapter
from .urls import normalise_url

CHUNK = 64 * 1024
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})


@dataclass(frozen=True)
class Request:
    """One request of a task: a URL (a seed, a link or a redirect hop) and its context."""

    url: str
    hops: tuple[str, ...] = ()  # URLs already visited on the way here, in order
    attempt: int = 0
    robots: Robots | None = None
    validators: tuple[str | None, str | None] = (None, None)  # stored ETag, Last-Modified
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    """What one request gave.

    ``action`` is ``body`` (status 2xx, ``data`` read), ``not_modified`` (304), ``redirect``
    (to ``location``), ``retry`` (after ``wait`` seconds) or ``failed`` (``error`` says why as
    ``reason: detail``). ``contacted`` is False when no request reached the server.
    """

    action: str
    url: str
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    data: bytes = b""
    elapsed: float = 0.0
    error: str = ""
    location: str = ""
    wait: float = 0.0
    retryable: bool = False
    contacted: bool = True

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "") if self.headers else ""

    @property
    def reason(self) -> str:
        return self.error.split(":", 1)[0]

    def but(self, **changes) -> "Result":
        return replace(self, **changes)


def make_session(settings, connect_check: Callable[[str], str | None] | None = None) -> requests.Session:
    """A Session shared by all crawl threads: keep-alive pools sized for many hosts.

    ``connect_check`` (a URL check, see :mod:`.safety`) vets the address each new connection
    reached, so a name that resolves elsewhere after it was checked is still refused.
    """
    session = requests.Session()
    pools = dict(pool_connections=max(256, 4 * settings.crawl_threads), pool_maxsize=2, max_retries=0)
    adapter = GuardedAdapter(connect_check, **pools) if connect_check else requests.adapters.HTTPAdapter(**pools)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update({
        "User-Agent": settings.full_user_agent,
        "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.5",
        "Accept-Encoding": "gzip, deflate",
    })
    return session


def download(session: requests.Session, req: Request, settings) -> Result:
    """Send one GET for ``req`` and read at most ``settings.max_bytes`` of (decoded) body."""
    start = time.monotonic()
    timeout = (settings.connect_timeout, settings.read_timeout)

    def failed(error: str, retryable: bool, **kw) -> Result:
        return Result("failed", req.url, error=error, retryable=retryable, elapsed=time.monotonic() - start, **kw)

    try:
        resp = session.get(req.url, headers=dict(req.headers), timeout=timeout, stream=True, allow_redirects=False)
    except requests.exceptions.ConnectTimeout:
        return failed(f"timeout: no connection within {settings.connect_timeout:g} s", True)
    except requests.exceptions.ReadTimeout:
        return failed(f"timeout: no response within {settings.read_timeout:g} s", True)
    except requests.exceptions.SSLError as exc:
        return failed(f"tls: {_short(exc)}", False)
    except requests.exceptions.ConnectionError as exc:
        refused = _REFUSED.search(str(exc))
        if refused:
            return failed(refused.group(0), False, contacted=False)
        return failed(f"connection: {_short(exc)}", True, contacted=False)
    except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema, ValueError) as exc:
        return failed(f"bad_url: {_short(exc)}", False, contacted=False)
    with resp:
        headers = resp.headers  # case-insensitive
        status = resp.status_code
        if status in REDIRECT_STATUSES:
            location = resp.headers.get("Location", "").strip()
            if not location:
                return failed(f"bad_redirect: HTTP {status} without a Location header", False, status=status)
            try:
                target = normalise_url(location, req.url)
            except ValueError:
                return failed(f"bad_redirect: unusable Location {location[:200]!r}", False, status=status)
            return Result("redirect", req.url, status, headers, location=target, elapsed=time.monotonic() - start)
        if status == 304:
            return Result("not_modified", req.url, status, headers, elapsed=time.monotonic() - start)
        if status >= 300:
            return failed(f"http_{status}: {resp.reason or 'error'}", status in RETRY_STATUSES, status=status, headers=headers)
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > settings.max_bytes:
            return failed(_too_large(settings.max_bytes, f"Content-Length {int(declared):,}"), False, status=status, headers=headers)
        chunks: list[bytes] = []
        size = 0
        try:
            # iter_content decodes gzip/deflate, so the cap also stops decompression bombs
            for chunk in resp.iter_content(CHUNK):
                size += len(chunk)
                if size > settings.max_bytes:
                    return failed(_too_large(settings.max_bytes, "body"), False, status=status, headers=headers)
                chunks.append(chunk)
        except requests.exceptions.ContentDecodingError as exc:
            return failed(f"decoding: {_short(exc)}", False, status=status, headers=headers)
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError,
                urllib3.exceptions.HTTPError) as exc:
            text = _short(exc)
            reason = "timeout" if "timed out" in text.lower() else "connection"
            return failed(f"{reason}: body interrupted after {size:,} bytes ({text})", True, status=status, headers=headers)
    return Result("body", req.url, status, headers, b"".join(chunks), elapsed=time.monotonic() - start)


def read_local(url: str, max_bytes: int) -> Result:
    """A ``file://`` seed from the companies file, read from disk."""
    path = Path(url2pathname(urlsplit(url).path))
    start = time.monotonic()
    try:
        if path.stat().st_size > max_bytes:
            return Result("failed", url, error=_too_large(max_bytes, str(path)), contacted=False)
        data = path.read_bytes()
    except OSError as exc:
        return Result("failed", url, error=f"file: cannot read {path}: {exc.strerror}", contacted=False)
    return Result("body", url, None, {}, data, elapsed=time.monotonic() - start, contacted=False)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def _too_large(limit: int, what: str) -> str:
    return f"too_large: {what} exceeds the {limit:,}-byte limit (raise max_bytes to fetch it)"


_REFUSED = re.compile(r"private_address: .*?--allow-private to crawl it")
_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")]+")


def _short(exc: BaseException) -> str:
    """The useful part of a requests/urllib3 error ("[Errno 111] Connection refused")."""
    text = str(exc)
    found = _ERRNO.search(text)
    return (found.group(0) if found else text)[:300]
