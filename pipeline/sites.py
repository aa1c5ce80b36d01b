"""Serve folders of static files as local web sites (``hrdc demo`` and the crawler tests).

Each subfolder of ``root`` becomes one site on its own 127.0.0.1 port (so each is a separate
host for the crawler's politeness). A site may hold a ``_server.yaml``::

    redirects:            # path -> target, or [target, status] (default 301)
      /old-privacy: /privacy.html
      /moved: ["{base}/new.html", 302]
    aliases:              # path served with the bytes of an existing file (status 200)
      /privacy: /privacy.html
    broken: [/missing.pdf]  # documentation only: links the site knowingly leaves broken

In ``.html`` and ``.xml`` files and redirect targets, ``{base}`` becomes the site's origin
(``http://127.0.0.1:PORT``). Files whose name starts with ``_`` are never served, nor anything
outside the site folder.

>>> with serve_sites(Path("corpora/demo_sites")) as sites:  # doctest: +SKIP
...     requests.get(sites["nimbus-telecom"] + "/privacy.html")
"""
from __future__ import annotations

import contextlib
import errno
import logging
import mimetypes
import posixpath
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator, Mapping
from urllib.parse import unquote, urlsplit

import yaml

log = logging.getLogger("hrdc.sites")

CONFIG = "_server.yaml"
TEMPLATED = (".html", ".htm", ".xml")


class SiteError(ValueError):
    """A site folder or its _server.yaml cannot be served; the message names the file."""


@dataclass(frozen=True)
class Site:
    name: str
    root: Path
    redirects: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> "Site":
        config_path = folder / CONFIG
        config = {}
        if config_path.exists():
            try:
                config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise SiteError(f"{config_path}: not valid YAML ({exc})") from None
            unknown = set(config) - {"redirects", "aliases", "broken"}
            if not isinstance(config, dict) or unknown:
                raise SiteError(f"{config_path}: unknown keys {sorted(unknown)}; allowed: redirects, aliases, broken")
        redirects: dict[str, tuple[str, int]] = {}
        for path, target in (config.get("redirects") or {}).items():
            if isinstance(target, str):
                redirects[_route(path)] = (target, 301)
            elif isinstance(target, list) and len(target) == 2 and int(target[1]) in (301, 302, 303, 307, 308):
                redirects[_route(path)] = (str(target[0]), int(target[1]))
            else:
                raise SiteError(f"{config_path}: redirect {path!r}: give a target or [target, 301|302|303|307|308]")
        aliases = {_route(p): _route(t) for p, t in (config.get("aliases") or {}).items()}
        return cls(folder.name, folder.resolve(), redirects, aliases)

    def file_for(self, path: str) -> Path | None:
        """The file served at URL path ``path``, or None (missing, hidden or outside the site)."""
        path = self.aliases.get(path, path)
        parts = [p for p in posixpath.normpath(path).split("/") if p not in ("", ".")]
        if any(p == ".." or p.startswith(("_", ".")) or "\\" in p or "\x00" in p for p in parts):
            return None
        candidate = self.root.joinpath(*parts)
        if candidate.is_dir():
            candidate = candidate / "index.html"
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not resolved.is_relative_to(self.root) or not resolved.is_file():
            return None
        return resolved


def _route(path: object) -> str:
    text = str(path)
    return text if text.startswith("/") else "/" + text


def _handler(site: Site, base: dict[str, str]):
    class Handler(BaseHTTPRequestHandler):
        server_version = "hrdc-sites"
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out at once, as real servers do

        def do_GET(self) -> None:
            self._respond(body=True)

        def do_HEAD(self) -> None:
            self._respond(body=False)

        def _respond(self, body: bool) -> None:
            origin = base["origin"]
            path = unquote(urlsplit(self.path).path) or "/"
            if path in site.redirects:
                target, status = site.redirects[path]
                self._send(status, b"", "text/plain", {"Location": target.replace("{base}", origin)}, body)
                return
            found = site.file_for(path)
            if found is None:
                self._send(404, b"<!doctype html><title>404 Not Found</title><h1>Not Found</h1>", "text/html", {}, body)
                return
            data = found.read_bytes()
            if found.suffix.lower() in TEMPLATED:
                data = data.replace(b"{base}", origin.encode("ascii"))
            kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            self._send(200, data, kind, {}, body)

        def _send(self, status: int, data: bytes, kind: str, headers: dict, body: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(data)

        def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib signature)
            log.debug("%s %s", site.name, format % args)

    return Handler


@contextlib.contextmanager
def serve_sites(root: str | Path, ports: Mapping[str, int] | None = None) -> Iterator[dict[str, str]]:
    """Serve every subfolder of ``root`` on 127.0.0.1; yield ``{site name: base URL}``.

    ``ports`` asks for a port per site (so a second run sees the same URLs); a port that is
    taken falls back to a free one. Servers run on daemon threads and stop on exit.
    """
    root = Path(root)
    if not root.is_dir():
        raise SiteError(f"{root}: sites folder not found")
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    servers: list[ThreadingHTTPServer] = []
    urls: dict[str, str] = {}
    try:
        for folder in folders:
            site = Site.load(folder)
            base: dict[str, str] = {}
            server = _bind(_handler(site, base), (ports or {}).get(site.name, 0))
            servers.append(server)
            base["origin"] = urls[site.name] = f"http://127.0.0.1:{server.server_address[1]}"
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                             name=f"site-{site.name}", daemon=True).start()
        yield urls
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A crawler that stops reading (size cap, timeout, kill) resets the connection: that is
        # the client's choice, not a server fault worth a traceback on the demo's console.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _bind(handler, port: int) -> ThreadingHTTPServer:
    try:
        server = _Server(("127.0.0.1", port), handler)
    except OSError as exc:
        if port and exc.errno == errno.EADDRINUSE:
            return _bind(handler, 0)
        raise
    return server
