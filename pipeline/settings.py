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
    # extraction heuristics (pipeline.extract, via pipeline.records.ExtractOptions). Lengths in PDF
    # points (1/72 inch) unless said otherwise; "body" is the size of the type most text is set in.
    # Where no value was tuned, the comment names the commit it comes from; every benchmark of
    # docs/benchmarks.md (py-pdf 0.9653, Flex 0 running heads, OPP-115 0.979) was measured with them.
    # PDF running heads and feet (pipeline.extract.pdf): not tuned, values of d871f25 / e4ac738
    pdf_edge_lines: int = 1  # first and last lines of a page that count as its edges
    pdf_edge_band: float = 0.1  # and lines within this fraction of the page height from top or bottom
    pdf_running_share: float = 0.5  # a line repeated at the edges of this share of pages (2 at least) is running
    # PDF headings: not tuned, values of d871f25
    pdf_heading_size: float = 1.15  # a short line set at least this many times the body size is a heading,
    pdf_title_size: float = 1.4  # a level-1 heading from this many times the body size
    pdf_heading_max_words: int = 15  # no heading is longer
    pdf_caps_heading_max_words: int = 8  # a line in capitals of at most this many words is a heading,
    pdf_caps_heading_min_letters: int = 4  # if it has this many letters
    pdf_numbered_heading_max_words: int = 10  # a bold numbered line of at most this many words is a heading
    pdf_heading_wrap_gap: float = 2.5  # baselines closer than this many times the type size join a heading's lines
    # PDF paragraphs: not tuned, values of d871f25
    pdf_paragraph_gap: float = 1.6  # a gap of more than this many line spacings starts a paragraph,
    pdf_short_line: float = 0.8  # and so does a sentence end on a line shorter than this share of the full width
    # Type within this many points of another's size is the same type (a wrapped heading; smaller
    # type is footnotes and back-page notices): not tuned, values of d871f25 and 792bdc3
    pdf_size_tolerance: float = 0.5
    # PDF two-column pages that PDFium reads row by row: not tuned, values of 26fc09c. A page is
    # looked at when this share of its lines is wider than half the page,
    pdf_wide_lines_share: float = 0.3
    pdf_gutter_min_gap: float = 12.0  # a gap at least this wide, with text on both sides wider than
    pdf_gutter_side_share: float = 0.15  # this share of the page width,
    pdf_gutter_min_rows: int = 5  # on this many rows at least
    pdf_gutter_rows_share: float = 0.3  # and on this share of the rows, is a gutter
    pdf_gutter_crossing_gap: float = 8.0  # a line with a smaller gap at the gutter crosses it (a full-width line)
    pdf_column_min_letters: float = 0.6  # the right-hand column is prose (not a table's figures) with this share of letters
    pdf_column_min_words: float = 3.0  # and this many words per line on average
    # A page number PDFium reads as the end of the last line ("gra\ufffe1") is one whose baseline
    # lies more than this many times its type size below the line's (issue 16, py-pdf 2201.00200;
    # not tuned: a line and a half, so a superscript or subscript never counts)
    pdf_page_number_drop: float = 1.5
    # A word broken at a line end is joined when the joined word has at least this Zipf frequency
    # (wordfreq; 3 is once per million words): "underlying" 4.2, "background" 4.8 joined, while
    # "wellmaintained", "nongaap" (0) keep their hyphen; 3.5 joins "undergoing" (3.7) and "well-
    # being" (3.5), 4.0 would not (issue 16, py-pdf; not tuned beyond these examples)
    pdf_hyphen_common_zipf: float = 3.5
    # HTML (pipeline.extract.html, .outline, .widgets)
    html_label_max_words: int = 14  # a bold run of at most this many words before a line break heads a section (8b3ed78, not tuned)
    # Layout wrappers nested deeper are unwrapped before parsing (their text is kept): no real
    # page needs 100 nested divs, generated or hostile pages nest thousands (f2402e9, not tuned).
    html_keep_wrappers: int = 100
    outline_probe_chars: int = 40  # characters of a kept block (no whitespace) looked for in the page text (c0d8097, not tuned)
    # A heading followed by more dropped text than this (characters without whitespace, about 15
    # words) heads that text (a menu, a list of links), not the next kept block: with it,
    # ScrapingHub F1 and OPP-115 recall held (510173e).
    outline_max_gap_chars: int = 80
    # A heading whose parent element ends before the next kept block and holds, after the
    # heading, more than this share of link text labels a box of links ("You are here" above a
    # breadcrumb, "About Military.com" above a side menu) and heads nothing kept. With the
    # hidden-heading rule: OPP-115 precision 0.9361 -> 0.9363, recall unchanged (not tuned: half).
    outline_max_link_share: float = 0.5
    # A feedback widget with its buttons and hidden follow-up boxes: Amazon's is 62 words, its
    # longest line 20 (c0d8097). A larger container, or one with a longer line, is the document.
    widget_max_words: int = 100
    widget_max_line_words: int = 25
    # A side column of a policy page (an element whose id or class names a sidebar) is removed
    # unless it holds more than this share of the page's words (then it wraps the document):
    # OPP-115 precision 0.9363 -> 0.9385 (tulsaworld's job ads, military.com's "Interesting
    # Facts"), recall, ScrapingHub and the trafilatura subset unchanged (not tuned).
    sidebar_max_share: float = 0.3
    # document types (pipeline.doctype): body cues are counted in this many characters at most
    # (about 60 pages; cue rates settle within the first pages), and a shorter text counts as
    # doctype_body_floor_chars long, so a cookie banner on a short shop page is no cookie policy
    # (at 2,000 it was, on six demo sites' pages; real cookie policies run to 8-15,000) (6b87823)
    doctype_body_chars: int = 200_000
    doctype_body_floor_chars: int = 5_000
    # The lead: of the first doctype_lead_blocks paragraphs and top-level headings, those of at
    # most doctype_lead_words words that read like a title (6b87823, not tuned; counting a cookie
    # banner or a footer menu like a title made every demo shop page a cookie policy).
    doctype_lead_blocks: int = 4
    doctype_lead_words: int = 20
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
    # gate on / off (docs/benchmarks.md). The share of top quotes a blind reader finds supporting
    # rises with the partial threshold (50 learned answers: 32% at 0.05, 48% at 0.1, 63% at 0.2),
    # so partial is the highest that keeps bias within 10 points: 0.1 with the earlier model
    # (agreement 0.595/0.614, lexical 0.541/0.514; kappa 0.34/0.39, lexical 0.25/0.23; bias
    # -7.2/-8.6; at 0.15 -12.1/-13.6), 0.15 once the 2019 quotes raised its probabilities (bias at
    # 0.1 -3.9/-5.1, at 0.15 -8.5/-9.5, at 0.2 -11.4/-13.0). Without the document-type gate the
    # same kappa, but totals followed the number of passages at 0.93/0.79 (0.68/0.64 with it).
    # "lexical" answers every element with the matcher above.
    element_reader: str = "learned"  # "learned" | "lexical"
    element_model: str = ""  # an elements.joblib or a model folder; empty: the run's model folder
    element_learned_yes: float = 0.5  # probability for "yes" (on element_learned_passages passages)
    element_learned_partial: float = 0.15  # probability for "partial"
    element_learned_passages: int = 1  # passages at element_learned_yes for "yes"
    element_doctype_gate: bool = True  # read an element only in documents that can answer it
    # Passages shorter than this many characters answer no learned element: fragments and
    # product lines ("250 channels, 7 days replay."). realdocs 2020/2022 kappa 0.367/0.389 at 0,
    # 0.368/0.398 at 40, 0.375/0.405 at 60, 0.381/0.412 at 100 (list items such as "Email address"
    # would be lost beyond about 40); MAD and bias within 0.3 and 0.8 points throughout.
    element_min_chars: int = 40
    # The two probabilities above hold for up to element_reference_passages readable passages
    # for an element; beyond, they rise by element_count_slope * ln(n / reference) on the
    # log-odds scale, because the best of many passages is high by chance alone
    # (pipeline.elements.count_adjusted). realdocs 2020/2022, element model with the 2019 quotes
    # and the near misses, partial 0.15: without it, totals followed the number of passages at
    # 0.75/0.64 (earlier model); slope 0.5, reference 100: agreement 0.611/0.614, kappa
    # 0.365/0.385, MAD 20.0/22.2, bias -8.5/-8.9, totals vs passages 0.27/0.75, total Spearman
    # 0.35/0.43. Lowering them too for fewer passages (floor 50 passages) gave 0.607/0.622,
    # 0.362/0.400, bias -7.6/-7.8, totals 0.12/0.46, but a blind reader rejected 18 of 25 quotes
    # at p <= 0.2 (their share of quotes rose), and on the demo a short policy's one 0.34 passage
    # earned a full G2. Reference 250 (earlier model, lowering too): bias -1.1/-2.0; slope 1:
    # totals vs passages 0.05/0.18 with bias -14.0/-12.9. The median company-element reads 59
    # passages (quartiles 1 and 203).
    element_reference_passages: int = 100
    element_count_slope: float = 0.5  # 0: thresholds do not depend on the number of passages
    # export (pipeline.export): the coverage and evidence tables are streamed this many companies
    # at a time; the files do not depend on it. Peak memory at N=1000 fell from 2,871 MB to
    # 1,012 MB with chunks of 50 (docs/benchmarks/pipeline.md, streaming export).
    export_chunk_companies: int = 50
    # company ids bound in one store query: SQLite before 3.32 allows 999 parameters
    query_max_ids: int = 500
    # Companies per chart image of the briefing: a run of a thousand companies gets several
    # images instead of one 50,000 px tall, each drawn in bounded memory and under browsers'
    # image size limits (d7252e7, not tuned).
    briefing_panel_rows: int = 100

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
        if self.element_min_chars < 0:
            raise SettingsError(f"element_min_chars={self.element_min_chars}: must be >= 0 characters")
        if self.element_reference_passages < 1:
            raise SettingsError(f"element_reference_passages={self.element_reference_passages}: must be >= 1 passage")
        if self.element_count_slope < 0:
            raise SettingsError(f"element_count_slope={self.element_count_slope}: must be >= 0")
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
        check_ranges({f.name: getattr(self, f.name) for f in fields(self)})
        bad = [code for code in self.model_languages if not _LANGUAGE_CODE.fullmatch(code)]
        if bad or not self.model_languages:
            raise SettingsError(f"model_languages={list(self.model_languages)!r}: give one or more ISO 639-1 "
                                "codes such as en, fr, zh")

    @property
    def full_user_agent(self) -> str:
        return f"{self.user_agent} contact: {self.contact}" if self.contact else self.user_agent


# Ranges of the extraction and briefing settings: (lowest, highest or None, unit), inclusive.
_RANGES: dict[str, tuple[float, float | None, str]] = {
    "pdf_edge_lines": (0, 20, "lines"),
    "pdf_edge_band": (0, 0.5, "of the page height"),
    "pdf_running_share": (0.01, 1, "of the pages"),
    "pdf_heading_size": (1, 10, "times the body size"),
    "pdf_title_size": (1, 10, "times the body size"),
    "pdf_heading_max_words": (1, 200, "words"),
    "pdf_caps_heading_max_words": (0, 200, "words"),
    "pdf_caps_heading_min_letters": (1, 200, "letters"),
    "pdf_numbered_heading_max_words": (0, 200, "words"),
    "pdf_heading_wrap_gap": (0, 20, "times the type size"),
    "pdf_paragraph_gap": (0, 20, "line spacings"),
    "pdf_short_line": (0, 1, "of the full line width"),
    "pdf_size_tolerance": (0, 10, "points"),
    "pdf_wide_lines_share": (0, 1, "of the lines"),
    "pdf_gutter_min_gap": (0, 1000, "points"),
    "pdf_gutter_side_share": (0, 0.5, "of the page width"),
    "pdf_gutter_min_rows": (1, None, "rows"),
    "pdf_gutter_rows_share": (0, 1, "of the rows"),
    "pdf_gutter_crossing_gap": (0, 1000, "points"),
    "pdf_column_min_letters": (0, 1, "of the characters"),
    "pdf_column_min_words": (0, 1000, "words per line"),
    "pdf_page_number_drop": (0.5, 100, "times the type size"),
    "pdf_hyphen_common_zipf": (0, 8, "on wordfreq's Zipf scale"),
    "html_label_max_words": (0, 200, "words"),
    "html_keep_wrappers": (1, 255, "levels (libxml2 drops what is nested 256 deep)"),
    "outline_probe_chars": (3, None, "characters"),
    "outline_max_gap_chars": (0, None, "characters"),
    "outline_max_link_share": (0, 1, "of the dropped characters"),
    "widget_max_words": (1, None, "words"),
    "widget_max_line_words": (1, None, "words"),
    "sidebar_max_share": (0, 1, "of the page's words"),
    "doctype_body_chars": (1, None, "characters"),
    "doctype_body_floor_chars": (1, None, "characters"),
    "doctype_lead_blocks": (0, 1000, "blocks"),
    "doctype_lead_words": (1, 1000, "words"),
    "briefing_panel_rows": (1, None, "companies"),
}


def check_ranges(values: Mapping[str, Any]) -> None:
    """Raise :class:`SettingsError` for the first of ``values`` (setting name -> value) outside
    its range in :data:`_RANGES`; names without a range are ignored."""
    for name, value in values.items():
        if name not in _RANGES:
            continue
        low, high, unit = _RANGES[name]
        if value < low or (high is not None and value > high):
            allowed = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise SettingsError(f"{name}={value}: must be {allowed} {unit}")
    heading, title = values.get("pdf_heading_size"), values.get("pdf_title_size")
    if heading is not None and title is not None and title < heading:
        raise SettingsError(f"pdf_title_size={title}, pdf_heading_size={heading}: a title is set at least as large "
                            "as a heading (title >= heading)")


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
