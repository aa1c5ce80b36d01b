"""What every exporter shares: the :class:`Exporter` interface, atomic files and safe links.

Every file is written to a temporary name in the output folder and renamed into place, so an
interrupted run never leaves a half-written file under a final name.
"""
from __future__ import annotations

import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from ..settings import Settings
from .model import Report, is_missing

__all__ = ["Exporter", "atomic_path", "safe_http_url"]


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` only if the block succeeds.

    >>> with atomic_path("out/coverage.csv") as tmp:  # doctest: +SKIP
    ...     frame.to_csv(tmp)
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; exports are meant to be shared
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class Exporter(ABC):
    """Writes a :class:`Report` in one format into a folder and returns the files written.

    ``chunk_companies`` is how many companies' rows of the big tables are in memory at once.
    """

    format: ClassVar[str]

    def __init__(self, chunk_companies: int = Settings.export_chunk_companies):
        self.chunk_companies = chunk_companies

    @abstractmethod
    def export(self, report: Report, out_dir: Path) -> list[Path]:
        """Write the files of this format into ``out_dir`` (which exists)."""


def safe_http_url(url: Any) -> str | None:
    """``url`` cleaned if it is an absolute http(s) address, else ``None``.

    Crawled pages can carry ``javascript:``/``data:`` links; only http(s) may become a link.
    """
    if is_missing(url):
        return None
    text = str(url).strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return parts.geturl()
