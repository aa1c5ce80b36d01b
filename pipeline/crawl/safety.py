"""Which addresses the crawler may contact.

A company page can link (or redirect) anywhere, including to the machine running the crawl
or to a cloud metadata service. Every request, and so every redirect hop, is checked here
before it is sent: only http(s), and no loopback, private, link-local, reserved or multicast
address unless the user passed ``--allow-private``.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

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
