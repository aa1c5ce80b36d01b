"""Per-document time and memory limits for the extract stage.

A crawled document is written by someone else: a PDF whose content stream inflates to
gigabytes, an HTML page of fifty megabytes, a file that sends a parser into a loop. Each
document is therefore extracted and segmented in a child process forked for it, with an
address-space limit (``RLIMIT_AS``) and a wall-clock deadline after which the child is
killed. PDFium and lxml run in C, where neither a Python signal nor an exception can stop
them; only a separate process can be stopped at any moment and its memory given back.

A breach gives an :class:`~pipeline.records.Extraction` with ``error`` set and a flag
(``time_limit``, ``memory_limit`` or ``crashed``), so the stage records it and goes on.

Where ``os.fork`` is missing (Windows) documents are extracted in the calling process,
without limits.
"""
from __future__ import annotations

import faulthandler
import functools
import os
import pickle
import select
import signal
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .records import Extraction, Passage
from .settings import Settings

if TYPE_CHECKING:
    from .records import ExtractOptions, PassageSizes

try:
    import resource
except ImportError:  # Windows: no fork and no rlimits, so no limits
    resource = None

_FORK = hasattr(os, "fork") and resource is not None


@dataclass(frozen=True)
class Limits:
    """``seconds`` of wall-clock time and ``memory`` bytes of address space per document,
    on top of what the worker process already has mapped; HTML and text under
    ``in_process_bytes`` are extracted without a child. Defaults and their measurements:
    :class:`~pipeline.settings.Settings` (``document_seconds``, ``document_memory``,
    ``in_process_max_bytes``)."""

    seconds: float = Settings.document_seconds
    memory: int = Settings.document_memory
    in_process_bytes: int = Settings.in_process_max_bytes

    def __post_init__(self) -> None:
        if self.seconds <= 0 or self.memory <= 0:
            raise ValueError(f"Limits(seconds={self.seconds}, memory={self.memory}): both must be > 0")

    @classmethod
    def from_settings(cls, settings: Settings) -> "Limits":
        return cls(settings.document_seconds, settings.document_memory, settings.in_process_max_bytes)


DEFAULT_LIMITS = Limits()


class LimitExceeded(RuntimeError):
    """The child extracting a document ran out of time or memory, or died."""

    def __init__(self, flag: str, message: str) -> None:
        super().__init__(message)
        self.flag = flag


def extract_and_split(data: bytes, kind: str | None, url: str, sha256: str, sizes: PassageSizes | None = None,
                      options: ExtractOptions | None = None) -> tuple[Extraction, list[Passage]]:
    """Extract one document by the heuristics of ``options`` and cut it into passages of
    ``sizes`` (no limits; the child runs this)."""
    from .extract import extract
    from .segment import segment

    extraction = extract(data, kind=kind, url=url, options=options)
    passages = segment(extraction, sha256, sizes) if extraction.text and not extraction.error else []
    return extraction, passages


def extract_within_limits(data: bytes, kind: str | None, url: str, sha256: str, limits: Limits | None = None,
                          sizes: PassageSizes | None = None, options: ExtractOptions | None = None
                          ) -> tuple[Extraction, list[Passage]]:
    """:func:`extract_and_split` in a child process bounded by ``limits`` (default
    :data:`DEFAULT_LIMITS`); a breach is an Extraction with ``error`` and a flag.

    HTML and text under ``limits.in_process_bytes`` are extracted in this process."""
    limits = limits or DEFAULT_LIMITS
    if kind in ("html", "text") and len(data) < limits.in_process_bytes:
        return extract_and_split(data, kind, url, sha256, sizes, options)
    _warm()
    try:
        return call_limited(extract_and_split, (data, kind, url, sha256, sizes, options), limits)
    except LimitExceeded as exc:
        return Extraction(kind or "unknown", "", (), flags=(exc.flag,), error=f"{exc} ({url})"), []


@functools.lru_cache(maxsize=1)
def _warm() -> None:
    """Load the extractors and the sentencizer once in this process (by extracting a small
    page), so each forked child starts with them instead of loading them again (0.5 s)."""
    page = b"<html><body><h1>Privacy policy</h1><p>One sentence to load the parsers. And another.</p></body></html>"
    extract_and_split(page, "html", "", "0" * 64)


def call_limited(func, args: tuple, limits: Limits):
    """``func(*args)`` in a forked child within ``limits``; raise :class:`LimitExceeded` on a breach.

    An exception raised by ``func`` is raised again here. ``func`` and its result must be
    picklable only in the sense that the result travels back through a pipe.
    """
    if not _FORK:
        return func(*args)
    read_fd, write_fd = os.pipe()
    mapped = _address_space()
    budget = mapped + limits.memory if mapped else None
    pid = os.fork()
    if pid == 0:  # child: never returns
        os.close(read_fd)
        _child(func, args, budget, limits.seconds, write_fd)
    os.close(write_fd)
    try:
        payload, timed_out = _read_all(read_fd, limits.seconds)
    except BaseException:  # Ctrl-C or a stage being torn down: the child goes too
        _kill(pid)
        raise
    finally:
        os.close(read_fd)
    if timed_out:
        _kill(pid)
        raise LimitExceeded("time_limit", _too_slow(limits))
    _, status, usage = os.wait4(pid, 0)
    if not payload:
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU:
            raise LimitExceeded("time_limit", _too_slow(limits))
        how = (f"died with {signal.Signals(os.WTERMSIG(status)).name}" if os.WIFSIGNALED(status)
               else f"exited with status {os.WEXITSTATUS(status)}")
        # C code that cannot allocate aborts rather than raising: judge by the child's peak size
        if mapped and usage.ru_maxrss * 1024 > _resident() + limits.memory // 2:
            raise LimitExceeded("memory_limit", f"{_too_big(limits)} (the extraction process {how})")
        # PDFium's allocator kills the process on a failed allocation, sometimes before the
        # resident size grows, so a crash under a memory budget may still be an out-of-memory.
        cause = "a parser crash, or memory exhausted" if mapped else "a parser crash"
        raise LimitExceeded("crashed", f"the extraction process {how} without a result ({cause})")
    outcome, value = pickle.loads(payload)
    if outcome == "memory":
        raise LimitExceeded("memory_limit", _too_big(limits))
    if outcome == "error":
        raise value
    return value


def _too_slow(limits: Limits) -> str:
    return (f"extraction stopped after {limits.seconds:g} s (the per-document time limit); "
            "the document is too large or too complex to read")


def _too_big(limits: Limits) -> str:
    return f"extraction needed more than the {limits.memory / 2**20:,.0f} MB per-document memory limit"


def _child(func, args: tuple, budget: int | None, seconds: float, write_fd: int) -> None:
    code = 0
    try:
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which kills us
            faulthandler.disable()  # a crash is reported once, by the parent, not as a C stack dump
            if budget:
                _lower(resource.RLIMIT_AS, budget)
            # a backstop should the parent die (SIGKILL) while we loop in C: the kernel stops us
            _lower(resource.RLIMIT_CPU, int(seconds) + 2)
            result: tuple = ("ok", func(*args))
        except MemoryError:
            result = ("memory", None)
        except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
            result = ("error", exc)
        try:
            payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - an unpicklable exception
            payload = pickle.dumps(("error", RuntimeError(f"{type(result[1]).__name__}: {exc}")))
        view = memoryview(payload)
        while view:
            view = view[os.write(write_fd, view):]
    except BaseException:  # noqa: BLE001 - the parent sees the missing result
        code = 1
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers


def _lower(which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    if soft == resource.RLIM_INFINITY or value < soft:
        resource.setrlimit(which, (value, hard))


def _read_all(fd: int, seconds: float) -> tuple[bytes, bool]:
    """Everything written to ``fd`` until EOF, or ``(partial, True)`` once ``seconds`` pass."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return b"".join(chunks), True
        if not poller.poll(min(left, 1.0) * 1000):
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def _status(field: str) -> int | None:
    """A size from ``/proc/self/status`` in bytes; None without /proc."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _address_space() -> int | None:
    """Bytes of address space this process has mapped now; None without /proc, where the
    memory limit is not applied (macOS does not enforce ``RLIMIT_AS`` anyway)."""
    return _status("VmSize")


def _resident() -> int:
    return _status("VmRSS") or 0
