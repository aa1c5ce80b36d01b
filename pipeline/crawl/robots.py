"""robots.txt rules per host (parsed with Protego), including Crawl-delay and Request-rate.

Following Google's robots.txt specification: a 4xx answer means no rules (crawl everything);
a 5xx answer or an unreachable server means "disallow everything" for this run, since the
site may be in trouble and we must not add to it.
"""
from __future__ import annotations

from dataclasses import dataclass

from protego import Protego


@dataclass(frozen=True)
class Robots:
    """The rules of one host for our user agent."""

    parser: Protego | None = None
    disallow_all: str = ""  # why everything is refused (robots.txt unavailable), else ""

    @classmethod
    def parse(cls, data: bytes) -> "Robots":
        return cls(Protego.parse(data.decode("utf-8", errors="replace")))

    @classmethod
    def from_status(cls, status: int | None, error: str = "") -> "Robots":
        """Rules implied by a robots.txt that could not be read (4xx: none; otherwise: all)."""
        if status is not None and 400 <= status < 500:
            return cls()
        return cls(disallow_all=f"robots.txt unavailable ({error or f'HTTP {status}'}); host skipped this run")

    def allowed(self, url: str, agent: str) -> bool:
        if self.disallow_all:
            return False
        return self.parser is None or self.parser.can_fetch(url, agent)

    def delay(self, agent: str) -> float:
        """Seconds between requests this host asks for (Crawl-delay or Request-rate), else 0."""
        if self.parser is None:
            return 0.0
        delays = [float(self.parser.crawl_delay(agent) or 0.0)]
        rate = self.parser.request_rate(agent)
        if rate and rate.requests:
            delays.append(rate.seconds / rate.requests)
        return max(delays)

    def sitemaps(self) -> list[str]:
        return list(self.parser.sitemaps) if self.parser is not None else []
