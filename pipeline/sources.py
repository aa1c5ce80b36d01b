"""Which criteria each document type can answer: ``corpora/sources.yaml``, checked against the
document types (:mod:`pipeline.doctype`) and the taxonomy's criteria."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from .doctype import DOCTYPE_LABELS, DOCTYPES, DoctypeError
from .paths import CORPORA_DIR, show
from .taxonomy import load_taxonomy

SOURCES_FILE = CORPORA_DIR / "sources.yaml"


def load_sources(path: str | Path | None = None) -> dict[str, dict[str, str]]:
    """Document type -> {criterion id: reason} from ``corpora/sources.yaml``: which criteria
    a document of that type can answer. Unknown types or criteria raise :class:`~pipeline.doctype.DoctypeError`
    naming the file."""
    path = Path(path) if path else SOURCES_FILE
    return _load_sources(path.resolve())


@lru_cache(maxsize=4)
def _load_sources(path: Path) -> dict[str, dict[str, str]]:
    where = show(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DoctypeError(f"{where}: cannot read ({exc})") from None
    if not isinstance(data, dict):
        raise DoctypeError(f"{where}: expected a mapping of document type -> {{criterion: reason}}")
    known = {c.id for c in load_taxonomy().leaves}
    for doctype, reasons in data.items():
        if doctype not in DOCTYPE_LABELS:
            raise DoctypeError(f"{where}: unknown document type {doctype!r}; known: {', '.join(DOCTYPE_LABELS)}")
        if not isinstance(reasons, dict) or not all(isinstance(r, str) and r.strip() for r in reasons.values()):
            raise DoctypeError(f"{where}: {doctype}: expected criterion ids, each with a one-line reason")
        unknown = sorted(set(reasons) - known)
        if unknown:
            raise DoctypeError(f"{where}: {doctype}: unknown criteria {', '.join(unknown)}")
    return {doctype: dict(reasons) for doctype, reasons in data.items()}


def answering_doctypes(path: str | Path | None = None) -> dict[str, tuple[str, ...]]:
    """Criterion id -> the document types that can answer it (in :data:`DOCTYPES` order)."""
    sources = load_sources(path)
    out: dict[str, list[str]] = {}
    for doctype, _ in DOCTYPES:
        for criterion in sources.get(doctype, {}):
            out.setdefault(criterion, []).append(doctype)
    return {c: tuple(types) for c, types in out.items()}
