"""Real loopback HTTP servers with scripted replies, for crawler tests and the benchmark.

One :class:`Host` is one server on 127.0.0.1 with its own port (so its own politeness slot).
Routes map a path to a :class:`Reply`, to a list of replies served in turn (the last one
repeats), or to a function of the request. Every request is logged with its arrival time
(``time.monotonic()``), so tests can check per-host spacing from the server's side.

    with Host({"/": Reply(body=b"<html>..."), "/busy": [Reply(503), Reply(body=b"ok")]}) as host:
        requests.get(host.url("/busy"))
"""
from __future__ import annotations

import gzip as gzip_module
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Mapping
from urllib.parse import urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html"
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line is sent
    gzip: bool = False
    stream: int = 0  # send this many filler bytes instead of ``body``, without Content-Length
    declare: int | None = None  # a Content-Length to announce (for oversized-body tests)


@dataclass(frozen=True)
class Hit:
    path: str
    time: float
    headers: Mapping[str, str]


Route = Reply | list | Callable[["Hit"], Reply]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # clients hanging up (a crawl aborting an oversized body) are expected here


class Host:
    """A scripted HTTP server on 127.0.0.1; use as a context manager."""

    def __init__(self, routes: Mapping[str, Route] | None = None, *, latency: float = 0.0) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.latency = latency
        self.hits: list[Hit] = []
        self.active = 0
        self.max_active = 0  # most requests in progress at once
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.netloc = self.origin.split("//", 1)[1]

    def url(self, path: str = "/") -> str:
        return self.origin + path

    def __enter__(self) -> "Host":
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def paths(self) -> list[str]:
        return [h.path for h in self.hits]

    def count(self, path: str) -> int:
        return sum(1 for h in self.hits if h.path == path)

    def gaps(self) -> list[float]:
        """Seconds between consecutive request arrivals (all paths)."""
        times = sorted(h.time for h in self.hits)
        return [b - a for a, b in zip(times, times[1:])]

    def _reply(self, hit: Hit) -> Reply:
        route = self.routes.get(hit.path)
        if route is None:
            return Reply(404, b"<html><title>404 Not Found</title><body>Not found</body></html>")
        if callable(route):
            return route(hit)
        if isinstance(route, list):
            with self._lock:
                n = self._served.get(hit.path, 0)
                self._served[hit.path] = n + 1
            return route[min(n, len(route) - 1)]
        return route

    def _handler(self):
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once, as real servers do

            def do_GET(self) -> None:
                hit = Hit(urlsplit(self.path).path, time.monotonic(), dict(self.headers))
                with host._lock:
                    host.hits.append(hit)
                    host.active += 1
                    host.max_active = max(host.max_active, host.active)
                try:
                    self._serve(host._reply(hit))
                finally:
                    with host._lock:
                        host.active -= 1

            def _serve(self, reply: Reply) -> None:
                time.sleep(host.latency + reply.delay)
                body = reply.body
                if reply.gzip:
                    body = gzip_module.compress(body)
                try:
                    self.send_response(reply.status)
                    if reply.content_type:
                        self.send_header("Content-Type", reply.content_type)
                    if reply.gzip:
                        self.send_header("Content-Encoding", "gzip")
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if reply.stream:
                        self.send_header("Connection", "close")
                        if reply.declare is not None:
                            self.send_header("Content-Length", str(reply.declare))
                        self.end_headers()
                        chunk = b"x" * 65536
                        for _ in range(0, reply.stream, len(chunk)):
                            self.wfile.write(chunk)
                        self.close_connection = True
                        return
                    self.send_header("Content-Length", str(reply.declare if reply.declare is not None else len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def log_message(self, format: str, *args) -> None:  # noqa: A002
                pass

        return Handler


def html(body: str, title: str = "Page", charset: str | None = None) -> bytes:
    """A small HTML page (encoded with ``charset``, default UTF-8)."""
    meta = f'<meta charset="{charset}">' if charset else ""
    page = f"<!doctype html><html><head>{meta}<title>{title}</title></head><body>{body}</body></html>"
    return page.encode(charset or "utf-8")


def policy_text(topic: str, n: int = 40) -> str:
    """Paragraphs long enough to read as a document (not a wall page) to the extractor."""
    sentence = (f"This {topic} policy explains how the company respects the rights of its users and "
                f"the people affected by its services, and how it reports on what it does. ")
    return "".join(f"<p>{sentence * 3}Section {i}.</p>" for i in range(n // 10 + 4))
