"""Plain records passed between stages.

Every stage takes and returns these dataclasses (or DataFrames with the same columns), never
open files or connections, so the same function runs in a loop, under joblib or on Dask.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

from .settings import Settings, check_ranges


def stable_id(*parts: object, length: int = 16) -> str:
    """A deterministic id from its parts (never Python's salted ``hash()``)."""
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:length]


def sha256_bytes(data: bytes) -> str:
    """The content hash that names a raw document."""
    return hashlib.sha256(data).hexdigest()


def now() -> str:
    """The current UTC time as an ISO 8601 string (seconds)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Company:
    """One row of a companies file."""

    company_id: str
    name: str
    sector: str
    seed_urls: tuple[str, ...]
    allow_domains: tuple[str, ...] = ()
    services: tuple[str, ...] = ()  # pipeline.companies.SERVICES


@dataclass(frozen=True)
class Block:
    """A unit of extracted text: a paragraph, list item, table row group or heading.

    ``char_start``/``char_end`` index into :attr:`Extraction.text`.
    """

    text: str
    page: int | None
    section: tuple[str, ...]
    kind: str  # "p" | "li" | "table" | "heading" | "pre"
    char_start: int
    char_end: int


@dataclass(frozen=True)
class Extraction:
    """Main text of one document version, with its structure.

    ``text`` is the blocks joined by blank lines; every block's offsets point into it.
    ``flags`` name conditions a reader must know about (``cookie_wall``, ``login_wall``,
    ``block_page``, ``error_page``, ``js_shell``, ``scanned_pages``, ``encrypted``, ...).
    ``error`` is set when nothing usable could be extracted; the run goes on.
    """

    kind: str  # "html" | "pdf" | "text"
    text: str
    blocks: tuple[Block, ...]
    title: str = ""
    n_pages: int = 0
    pages_without_text: tuple[int, ...] = ()
    flags: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class Passage:
    """A span of a document's text that the tagger classifies.

    ``passage_id`` derives from the version's content hash and the offsets, so the same
    content always gets the same ids. ``context_before``/``context_after`` hold the
    neighbouring sentences of the same document. ``kind`` says whether it can be evidence
    (:mod:`pipeline.passage_kind`).
    """

    passage_id: str
    sha256: str
    seq: int
    text: str
    page: int | None
    section: str
    char_start: int
    char_end: int
    context_before: str = ""
    context_after: str = ""
    kind: str = "prose"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PassageSizes:
    """How long a passage may grow and how much context it keeps; defaults and their origin:
    :class:`~pipeline.settings.Settings` (``passage_max_sentences``, ``passage_max_chars``,
    ``passage_context_words``)."""

    max_sentences: int = Settings.passage_max_sentences
    max_chars: int = Settings.passage_max_chars
    context_words: int = Settings.passage_context_words

    def __post_init__(self) -> None:
        if self.max_sentences < 1 or self.max_chars < 20 or self.context_words < 0:
            raise ValueError(f"max_sentences={self.max_sentences}, max_chars={self.max_chars}, context_words="
                             f"{self.context_words}: need at least 1 sentence, 20 characters and 0 words")

    @classmethod
    def from_settings(cls, settings: Settings) -> "PassageSizes":
        return cls(settings.passage_max_sentences, settings.passage_max_chars, settings.passage_context_words)



class _FromSettings:
    """Options whose fields are settings of the same name: built from a :class:`Settings`, and
    range-checked as Settings checks them (:class:`~pipeline.settings.SettingsError`)."""

    def __post_init__(self) -> None:
        check_ranges(asdict(self))

    @classmethod
    def from_settings(cls, settings: Settings):
        return cls(**{f.name: getattr(settings, f.name) for f in fields(cls)})


def _setting(name: str):
    return field(default=getattr(Settings, name))


@dataclass(frozen=True)
class ExtractOptions(_FromSettings):
    """The heuristics of PDF and HTML extraction (:func:`pipeline.extract.extract`); each field is
    the setting of the same name, where its default, unit and origin are given
    (:class:`~pipeline.settings.Settings`). Picklable, so a worker gets them with its document."""

    pdf_edge_lines: int = _setting("pdf_edge_lines")
    pdf_edge_band: float = _setting("pdf_edge_band")
    pdf_running_share: float = _setting("pdf_running_share")
    pdf_heading_size: float = _setting("pdf_heading_size")
    pdf_title_size: float = _setting("pdf_title_size")
    pdf_heading_max_words: int = _setting("pdf_heading_max_words")
    pdf_caps_heading_max_words: int = _setting("pdf_caps_heading_max_words")
    pdf_caps_heading_min_letters: int = _setting("pdf_caps_heading_min_letters")
    pdf_numbered_heading_max_words: int = _setting("pdf_numbered_heading_max_words")
    pdf_heading_wrap_gap: float = _setting("pdf_heading_wrap_gap")
    pdf_paragraph_gap: float = _setting("pdf_paragraph_gap")
    pdf_short_line: float = _setting("pdf_short_line")
    pdf_size_tolerance: float = _setting("pdf_size_tolerance")
    pdf_wide_lines_share: float = _setting("pdf_wide_lines_share")
    pdf_gutter_min_gap: float = _setting("pdf_gutter_min_gap")
    pdf_gutter_side_share: float = _setting("pdf_gutter_side_share")
    pdf_gutter_min_rows: int = _setting("pdf_gutter_min_rows")
    pdf_gutter_rows_share: float = _setting("pdf_gutter_rows_share")
    pdf_gutter_crossing_gap: float = _setting("pdf_gutter_crossing_gap")
    pdf_column_min_letters: float = _setting("pdf_column_min_letters")
    pdf_column_min_words: float = _setting("pdf_column_min_words")
    pdf_page_number_drop: float = _setting("pdf_page_number_drop")
    pdf_hyphen_common_zipf: float = _setting("pdf_hyphen_common_zipf")
    html_label_max_words: int = _setting("html_label_max_words")
    html_keep_wrappers: int = _setting("html_keep_wrappers")
    outline_probe_chars: int = _setting("outline_probe_chars")
    outline_max_gap_chars: int = _setting("outline_max_gap_chars")
    outline_max_link_share: float = _setting("outline_max_link_share")
    widget_max_words: int = _setting("widget_max_words")
    widget_max_line_words: int = _setting("widget_max_line_words")
    sidebar_max_share: float = _setting("sidebar_max_share")


@dataclass(frozen=True)
class DoctypeOptions(_FromSettings):
    """How much of a document :func:`pipeline.doctype.classify_doctype` reads; the fields are the
    settings of the same name (:class:`~pipeline.settings.Settings`)."""

    doctype_body_chars: int = _setting("doctype_body_chars")
    doctype_body_floor_chars: int = _setting("doctype_body_floor_chars")
    doctype_lead_blocks: int = _setting("doctype_lead_blocks")
    doctype_lead_words: int = _setting("doctype_lead_words")


DEFAULT_EXTRACT_OPTIONS = ExtractOptions()
DEFAULT_DOCTYPE_OPTIONS = DoctypeOptions()

@dataclass(frozen=True)
class Evidence:
    """A passage that supports a verdict, with everything needed to cite it."""

    passage_id: str
    quote: str
    score: float
    url: str = ""
    page: int | None = None
    retrieved_at: str = ""
    sha256: str = ""
    future: bool = False
    negative: bool = False


@dataclass(frozen=True)
class Verdict:
    """Coverage of one criterion by one company."""

    company_id: str
    framework: str
    criterion: str
    verdict: str  # "full" | "partial" | "none"
    score: float  # 100 / 50 / 0
    n_passages: int
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
