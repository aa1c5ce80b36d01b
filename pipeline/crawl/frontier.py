"""The politeness scheduler: per-host queues, one request in flight per host, a delay between.

Every HTTP request of a crawl (robots.txt, sitemap, page, each redirect hop and each retry) is
one task handed out by :meth:`Frontier.pop`. A host is *busy* from the moment its task is
handed out until :meth:`Frontier.release`; it becomes ready again ``delay`` seconds after the
previous response ended. Counting from the end of the response, not the start of the request,
means the server itself never sees two requests closer than the delay, whatever the latency.
Hosts are served in order of readiness, so a slow host never holds up the others.
"""
from __future__ import annotations

import heapq
import itertools
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class Host(Generic[T]):
    key: str
    delay: float
    tasks: deque = field(default_factory=deque)
    busy: bool = False
    ready_at: float = 0.0
    queued: bool = False  # has an entry in the ready heap


class Frontier(Generic[T]):
    """Tasks grouped by host; :meth:`pop` returns a task whose host may be contacted now."""

    def __init__(self, delay: float, clock=time.monotonic) -> None:
        self.default_delay = delay
        self.hosts: dict[str, Host[T]] = {}
        self._heap: list[tuple[float, int, str]] = []
        self._seq = itertools.count()
        self._clock = clock

    def host(self, key: str) -> Host[T]:
        host = self.hosts.get(key)
        if host is None:
            host = self.hosts[key] = Host(key, self.default_delay)
        return host

    def _schedule(self, host: Host[T]) -> None:
        if host.tasks and not host.busy and not host.queued:
            host.queued = True
            heapq.heappush(self._heap, (host.ready_at, next(self._seq), host.key))

    def push(self, key: str, task: T, *, front: bool = False) -> None:
        host = self.host(key)
        (host.tasks.appendleft if front else host.tasks.append)(task)
        self._schedule(host)

    def pop(self) -> tuple[str, T] | None:
        """The next task whose host is idle and past its delay, marking the host busy."""
        now = self._clock()
        while self._heap and self._heap[0][0] <= now:
            _, _, key = heapq.heappop(self._heap)
            host = self.hosts[key]
            host.queued = False
            if host.busy or not host.tasks:
                continue
            host.busy = True
            return key, host.tasks.popleft()
        return None

    def wait_time(self) -> float | None:
        """Seconds until the next host becomes ready; None if no task is waiting."""
        if not self._heap:
            return None
        return max(0.0, self._heap[0][0] - self._clock())

    def release(self, key: str, *, after: float = 0.0, contacted: bool = True, ended: float | None = None) -> None:
        """The host's task finished: it is ready again max(delay, ``after``) seconds after it ended.

        ``ended`` is the clock time the response was fully read (default: now).
        ``contacted=False`` (nothing was sent: robots.txt refused the URL, say) skips the delay.
        """
        host = self.hosts[key]
        host.busy = False
        end = self._clock() if ended is None else ended
        host.ready_at = max(host.ready_at, end + max(host.delay if contacted else 0.0, after))
        self._schedule(host)
