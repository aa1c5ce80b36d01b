"""Which addresses the crawler may contact.

A company page can link (or redirect) anywhere, including to the machine running the crawl
or to a cloud metadata service. Every request, and so every redirect hop, is checked here
before it is sent: only http(s), and no loopback, private, link-local, reserved or multicast
address unless the user passed ``--allow-private``. Because a name can resolve differently a
moment later (DNS rebinding), :class:`GuardedAdapter` checks again the address each new
connection actually reached, and closes it before anything is sent if it is refused.
"""
from __future__ import annotations

import ipaddress
import socket
from typing import Callable
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

from .urls import FETCHABLE_SCHEMES


def _refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for name in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{name}"):
            return name.replace("_", "-")
    return None


def check_address(url: str, allow_private: bool = False) -> str | None:
    """``None`` if ``url`` may be fetched, else the reason (``"private_address: ..."``).

    >>> check_address("http://169.254.169.254/latest/meta-data")
    'private_address: 169.254.169.254 is link-local; pass --allow-private to crawl it'
    """
    parts = urlsplit(url)
    if parts.scheme not in FETCHABLE_SCHEMES:
        return f"bad_scheme: {parts.scheme or 'no'} scheme; only http and https are crawled"
    host = parts.hostname
    if not host:
        return "bad_url: no host name"
    if allow_private:
        return None
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        return f"dns: cannot resolve {host} ({exc})"
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        reason = _refused(ip)
        if reason:
            what = host if host == str(ip) else f"{host} resolves to {ip}, which"
            return f"private_address: {what} is {reason}; pass --allow-private to crawl it"
    return None


def _guarded(base: type[HTTPConnection], check: Callable[[str], str | None]) -> type[HTTPConnection]:
    class GuardedConnection(base):  # type: ignore[misc, valid-type]
        def _new_conn(self):
            sock = super()._new_conn()
            ip, port = sock.getpeername()[:2]
            error = check(f"http://{f'[{ip}]' if ':' in ip else ip}:{port}/")
            if error:
                sock.close()
                raise NewConnectionError(self, error)
            return sock

    return GuardedConnection


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose new connections pass ``check`` (a URL check such as
    :func:`check_address`) on the peer address they reached; a refusal raises a
    ConnectionError naming the reason."""

    def __init__(self, check: Callable[[str], str | None], **kwargs) -> None:
        self._check = check
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": _guarded(HTTPConnection, self._check)}),
            "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": _guarded(HTTPSConnection, self._check)}),
        }
