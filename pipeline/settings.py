"""Settings: one defaults table, one Settings object, checked once.

The CLI and the Python API build settings the same way (:meth:`Settings.from_mapping`), and an
unknown key or a bad value is rejected with the allowed choices named.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any, Mapping

_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")  # ISO 639-1, or 639-3 where a language has no 639-1 code


class SettingsError(ValueError):
    """A setting is unknown or has a bad value."""


@dataclass(frozen=True)
class Settings:
    """Every knob of a run. Defaults are what a polite production crawl should use."""

    # crawl
    user_agent: str = "hrdc/0.1 (+https://github.com/hrdc/hrdc; human-rights disclosure research)"
    contact: str = ""
    delay: float = 1.0  # minimum seconds between requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    max_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 10
    max_depth: int = 2
    max_pages_per_company: int = 60
    crawl_threads: int = 32  # threads mostly wait on per-host delays; 8 capped the 50-host benchmark at ~54% of the politeness limit
    allow_private: bool = False
    respect_robots: bool = True
    # Not measured: bounds on what one host can make the crawl do, set with the crawler (5a5a2e5).
    # A server asking for a longer Retry-After (seconds) is left alone for the rest of the run: its
    # remaining URLs fail as rate_limited without a request, and the next run tries again.
    max_retry_after: float = 120.0
    max_child_sitemaps: int = 5  # of a sitemap index's sitemaps: a policy crawl needs the first few
    max_robots_sitemaps: int = 5  # sitemaps followed from one robots.txt
    # per-document limits (pipeline.limits; docs/benchmarks/reliability.md). A 50 MB HTML page or
    # a 3,000-page report takes well under a minute and a few hundred MB; a 1 MB PDF bomb took
    # 2.1 GB of RSS without a memory limit.
    document_seconds: float = 180.0  # wall-clock seconds per document
    document_memory: int = 2 * 1024**3  # bytes of address space per document, beyond the worker's own
    # HTML and text pages smaller than this are extracted in the worker, without a child (the
    # crawler parses them in-process anyway): on the demo corpus a child per document added 21 ms
    # to pages that take 10 ms in process (scripts/bench_limits.py). PDFs always get a child.
    in_process_max_bytes: int = 1 << 20
    # passages (pipeline.segment); not tuned: the sizes of the first segmenter (b390c86), which
    # the tagger was trained and every benchmark measured on
    passage_max_sentences: int = 5  # sentences per passage before a paragraph is cut
    passage_max_chars: int = 1200  # characters per passage before a paragraph (or sentence) is cut
    passage_context_words: int = 100  # words of neighbouring sentences kept on each side for the tagger
    # processing
    jobs: int = -1
    backend: str = "loky"  # "loky" | "threading" | "dask"
    scheduler: str = ""
    batch_size: int = 64
    model: str = ""  # empty: models/default
    # Tag scores below both this and every decision threshold are not stored: they never support
    # a verdict and would make the tags table hundreds of times larger than the passages table.
    # The shipped model's lowest thresholds are 0.05 too. Applies to versions tagged after it changes.
    tag_store_floor: float = 0.05
    # Languages the tagger reads (ISO 639-1, as extractions.language): the shipped tagger's TF-IDF
    # features are trained on English text only. Measured: Baidu's Chinese and Kakao's Korean
    # policies scored 1.4 against RDR's 43.9 and 27.8, so a document in another language is
    # reported as not read, not as disclosing nothing.
    model_languages: tuple[str, ...] = ("en",)
    # Below this detection confidence a document's language is a guess and it is read anyway: a
    # 20-character title scores ~0.15, whole realdocs policies >= 0.9 (py3langid, 2026-11-30).
    language_min_confidence: float = 0.5
    # scoring (pipeline.score.ScoringRules; measured in docs/benchmarks.md)
    rdr_method: str = "elements"  # "elements" (RDR's questions one by one) | "indicator" (passage count)
    full_min_passages: int = 2  # distinct affirmative passages for "full" (indicator method, non-RDR frameworks)
    min_evidence_score: float = 0.0  # calibrated tag score below which a passage is not evidence
    full_min_score: float = 0.0  # "full" also needs its best passage at or above this
    max_evidence: int = 5  # quotes kept per verdict
    # Quotes shorter than this many characters rank lower (score x sqrt(chars / this); 0: by
    # score alone). AIMS whole statements, top quote expert-labelled: AU->CA 0.732 -> 0.739,
    # CA->AU 0.645 -> 0.664 at 100 (200: 0.734/0.670; 300: 0.724/0.662); verdicts unchanged.
    evidence_full_chars: int = 100
    # element answers, chosen on realdocs 2020/2022 (docs/benchmarks.md): with these, element
    # agreement 0.539/0.514, indicator MAD 22.3/23.6, bias -6.4/-8.0 points; cues anywhere in a
    # passage 0.528/0.502; 0.6/0.35/1 passage/0.5 and no window: MAD 30.7/29.7, bias -10.1/-10.3
    element_yes_match: float = 1.0  # element match for "yes" (a whole cue phrase found)
    element_partial_match: float = 0.75  # element match for "partial"
    element_yes_min_passages: int = 2  # distinct matching passages for "yes"; one is "partial"
    element_similarity_scale: float = 0.8  # TF-IDF cosine read as a full element match
    element_cue_window: int = 12  # a cue's words within this many word stems (0: anywhere in the passage)
    element_max_evidence: int = 3  # passages kept per element answer
    # Elements the learned element model covers (pipeline.model.element_model: RDR's 335, learned
    # from RDR's quotes) are read on every evidence passage of the documents whose type can
    # answer their indicator (corpora/sources.yaml; documents of types it does not list answer
    # any) and answered with its probability. Chosen on realdocs 2020/2022 with the model trained
    # without those companies' quotes, from a grid of yes 0.3-0.7, partial 0.03-0.3, 1-2 passages,
    # gate on / off (docs/benchmarks.md): element agreement 0.594/0.609 (lexical 0.541/0.514),
    # kappa 0.37/0.39 (0.25/0.23), indicator MAD 19.1/19.5 (22.5/23.8), bias -0.9/-3.2 (-6.0/-7.6);
    # partial 0.1: bias -7.6/-9.1, kappa 0.34/0.38; without the document-type gate the same kappa,
    # but totals followed the number of passages at 0.93/0.79 (0.70/0.64 with it). "lexical"
    # answers every element with the matcher above.
    element_reader: str = "learned"  # "learned" | "lexical"
    element_model: str = ""  # an elements.joblib or a model folder; empty: the run's model folder
    element_learned_yes: float = 0.5  # probability for "yes" (with element_yes_min_passages passages)
    element_learned_partial: float = 0.05  # probability for "partial"
    element_learned_passages: int = 1  # passages at element_learned_yes for "yes"
    element_doctype_gate: bool = True  # read an element only in documents that can answer it
    # export (pipeline.export): the coverage and evidence tables are streamed this many companies
    # at a time; the files do not depend on it. Peak memory at N=1000 fell from 2,871 MB to
    # 1,012 MB with chunks of 50 (docs/benchmarks/pipeline.md, streaming export).
    export_chunk_companies: int = 50
    # company ids bound in one store query: SQLite before 3.32 allows 999 parameters
    query_max_ids: int = 500

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None = None, **overrides: Any) -> "Settings":
        """Build settings from a mapping (a config file or CLI options), rejecting unknown keys."""
        merged = {**(values or {}), **overrides}
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(merged) - set(known))
        if unknown:
            raise SettingsError(
                f"unknown setting(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}"
            )
        clean: dict[str, Any] = {}
        for name, value in merged.items():
            if value is None:
                continue
            default = getattr(cls, name)
            try:
                if isinstance(default, bool):
                    clean[name] = _as_bool(value)
                elif isinstance(default, tuple):
                    clean[name] = _as_strings(value)
                else:
                    clean[name] = type(default)(value)
            except (TypeError, ValueError):
                expected = "a list of strings" if isinstance(default, tuple) else type(default).__name__
                raise SettingsError(f"setting {name}={value!r}: expected {expected}") from None
        settings = replace(cls(), **clean)
        settings.check()
        return settings

    def check(self) -> None:
        if self.delay < 0:
            raise SettingsError(f"delay={self.delay}: must be >= 0 seconds")
        if self.rdr_method not in ("elements", "indicator"):
            raise SettingsError(f"rdr_method={self.rdr_method!r}: choose elements or indicator")
        if not 0 <= self.element_partial_match <= self.element_yes_match <= 1:
            raise SettingsError(f"element_partial_match={self.element_partial_match}, element_yes_match="
                                f"{self.element_yes_match}: need 0 <= partial <= yes <= 1")
        if self.element_yes_min_passages < 1 or self.full_min_passages < 1:
            raise SettingsError(f"element_yes_min_passages={self.element_yes_min_passages}, full_min_passages="
                                f"{self.full_min_passages}: each must be at least 1 passage")
        if self.element_reader not in ("learned", "lexical"):
            raise SettingsError(f"element_reader={self.element_reader!r}: choose learned or lexical")
        if not 0 <= self.element_learned_partial <= self.element_learned_yes <= 1:
            raise SettingsError(f"element_learned_partial={self.element_learned_partial}, element_learned_yes="
                                f"{self.element_learned_yes}: need 0 <= partial <= yes <= 1")
        if self.element_learned_passages < 1:
            raise SettingsError(f"element_learned_passages={self.element_learned_passages}: must be >= 1")
        if self.element_cue_window < 0:
            raise SettingsError(f"element_cue_window={self.element_cue_window}: must be >= 0 word stems")
        if self.element_similarity_scale <= 0:
            raise SettingsError(f"element_similarity_scale={self.element_similarity_scale}: must be > 0")
        if self.element_max_evidence < 0 or self.max_evidence < 0:
            raise SettingsError(f"element_max_evidence={self.element_max_evidence}, max_evidence="
                                f"{self.max_evidence}: must be >= 0")
        if self.document_seconds <= 0 or self.document_memory <= 0 or self.in_process_max_bytes < 0:
            raise SettingsError(f"document_seconds={self.document_seconds}, document_memory={self.document_memory}: "
                                f"must be > 0; in_process_max_bytes={self.in_process_max_bytes}: must be >= 0")
        if self.passage_max_sentences < 1 or self.passage_max_chars < 20 or self.passage_context_words < 0:
            raise SettingsError(f"passage_max_sentences={self.passage_max_sentences}, passage_max_chars="
                                f"{self.passage_max_chars}, passage_context_words={self.passage_context_words}: "
                                "need at least 1 sentence, 20 characters and 0 words")
        if self.evidence_full_chars < 0:
            raise SettingsError(f"evidence_full_chars={self.evidence_full_chars}: must be >= 0 characters (0: rank by score)")
        if not 0 <= self.language_min_confidence <= 1:
            raise SettingsError(f"language_min_confidence={self.language_min_confidence}: must be from 0 to 1")
        if not 0 <= self.tag_store_floor <= 1:
            raise SettingsError(f"tag_store_floor={self.tag_store_floor}: must be a score from 0 to 1")
        if self.export_chunk_companies < 1 or self.query_max_ids < 1:
            raise SettingsError(f"export_chunk_companies={self.export_chunk_companies}, query_max_ids="
                                f"{self.query_max_ids}: each must be at least 1")
        if self.max_retry_after < 0 or self.max_child_sitemaps < 0 or self.max_robots_sitemaps < 0:
            raise SettingsError(f"max_retry_after={self.max_retry_after}, max_child_sitemaps={self.max_child_sitemaps}, "
                                f"max_robots_sitemaps={self.max_robots_sitemaps}: must be >= 0")
        if self.backend not in ("loky", "threading", "dask"):
            raise SettingsError(f"backend={self.backend!r}: choose one of loky, threading, dask")
        if self.backend == "dask" and not self.scheduler:
            raise SettingsError("backend=dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
        if self.max_bytes <= 0 or self.retries < 0 or self.max_redirects < 0:
            raise SettingsError("max_bytes must be > 0, retries and max_redirects >= 0")
        bad = [code for code in self.model_languages if not _LANGUAGE_CODE.fullmatch(code)]
        if bad or not self.model_languages:
            raise SettingsError(f"model_languages={list(self.model_languages)!r}: give one or more ISO 639-1 "
                                "codes such as en, fr, zh")

    @property
    def full_user_agent(self) -> str:
        return f"{self.user_agent} contact: {self.contact}" if self.contact else self.user_agent


def _as_strings(value: Any) -> tuple[str, ...]:
    """A list from a config file, or "en, fr" / "en fr" from the command line."""
    if isinstance(value, str):
        return tuple(v for v in re.split(r"[\s,]+", value) if v)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(value)


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(value)
