"""Element by element: which of an indicator's questions a company's passages answer.

RDR's indicators, the UNGP Reporting Framework's questions and the KnowTheChain, CHRB and
conflict-minerals indicators all have ``elements`` in their criteria files and are answered
the same way; RDR's is the worked case below.

RDR's researchers judge each indicator question by question: P3a asks what user information
is collected, how each type is collected, and whether collection is limited to what is
necessary; a paragraph on cookies answers the first at best. hrdc does the same:

1. the tagger proposes the passages that are about the indicator (labelled for it);
2. each of the indicator's element questions is matched against those passages by
   :class:`ElementMatcher`: a passage answers an element when it contains one of the element's
   cue phrases (``cues`` in ``corpora/criteria/rdr.yaml``) or reads like the element's
   question or its written examples (``corpora/elements/*.jsonl``);
3. :func:`assess_elements` turns the best match into RDR's answers: ``yes`` (a clear answer),
   ``partial`` (a weaker match, or only a future or negative statement), ``no disclosure
   found``, or ``NA`` where RDR leaves the element out for the company's type or services.
   Reversed elements (F9.02, F11.01: the company *does* something that harms users) are
   answered ``yes`` on an affirmative passage and ``no`` on a negative one, so RDR's engine
   scores them the right way round.

Indicator, category and total scores then come from RDR's own engine (:mod:`pipeline.rdr`)
applied to these answers.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from .jsonl import iter_jsonl
from .paths import CORPORA_DIR
from .rdr import POINTS, REVERSED_POINTS
from .records import Evidence
from .settings import Settings

ELEMENTS_DIR = CORPORA_DIR / "elements"
LABELS_DIR = CORPORA_DIR / "labels"
#: Prefix of the evidence id of a document cited as a whole (P1a: the privacy policy was found).
DOCUMENT_EVIDENCE = "doc:"
#: Service types of a company by RDR company type, before any declared service.
_SERVICE_TYPES = {"internet": ("digital_platform",), "telecom": ("telecom",)}
_TOKEN = re.compile(r"[a-z][a-z'-]+")
_STEM_CHARS = 6  # "collects", "collection", "collected" -> "collec": crude and language-free
_EXTRA_STOP = {"company", "companies", "clearly", "disclose", "discloses", "does", "user", "users",
               "information", "service", "services", "policy", "policies"}


@dataclass(frozen=True)
class ElementResult:
    """One company's answer to one RDR element question, with the passages that earned it."""

    company_id: str
    criterion: str  # rdr.P3a
    element: str  # P03a.01
    result: str  # yes / partial / no / no disclosure found / NA
    match: float  # best match of a supporting passage (0 when none)
    evidence: tuple[Evidence, ...] = ()



def _stems(text: str) -> list[str]:
    words = _TOKEN.findall(text.lower())
    return [w[:_STEM_CHARS] for w in words if w not in ENGLISH_STOP_WORDS and w not in _EXTRA_STOP]


class ElementMatcher:
    """Match passages against element questions, their cue phrases and written examples.

    ``match(texts, element_id)`` is the larger of two readings, each 0-1:

    - *cue containment*: the share of a cue phrase's word stems found in the passage (within
      ``cue_window`` consecutive stems when given), for the best cue (all of "only collect what
      is necessary" present = 1);
    - *similarity*: cosine of TF-IDF stem vectors between the passage and the element's
      question or one of its written examples, scaled so that ``similarity_scale`` counts as 1
      (a passage shares only part of a question's wording even when it answers it).
    """

    def __init__(self, elements: Sequence, examples: dict[str, list[str]] | None = None,
                 similarity_scale: float = 0.5, cue_window: int | None = None):
        examples = examples or {}
        self.similarity_scale = similarity_scale
        self.cue_window = cue_window
        self._cues = {e.id: [set(_stems(c)) for c in e.cues if _stems(c)] for e in elements}
        docs, owners = [], []
        for e in elements:
            for text in (e.text, *examples.get(e.id, ())):
                docs.append(text)
                owners.append(e.id)
        self._vectorizer = TfidfVectorizer(analyzer=_stems, sublinear_tf=True)
        self._profiles = self._vectorizer.fit_transform(docs)
        self._rows: dict[str, list[int]] = {}
        for i, owner in enumerate(owners):
            self._rows.setdefault(owner, []).append(i)

    def match(self, texts: Sequence[str], element_ids: Sequence[str]) -> np.ndarray:
        """(len(texts), len(element_ids)) match scores in 0-1."""
        out = np.zeros((len(texts), len(element_ids)))
        if not len(texts):
            return out
        vectors = self._vectorizer.transform(texts)
        sequences = [_stems(t) for t in texts]
        stems = [set(q) for q in sequences]
        for j, eid in enumerate(element_ids):
            rows = self._rows.get(eid, [])
            if rows:
                sim = (vectors @ self._profiles[rows].T).toarray().max(axis=1)
                out[:, j] = np.minimum(1.0, sim / self.similarity_scale)
            for cue in self._cues.get(eid, ()):
                if self.cue_window:
                    contained = np.array([_window_share(cue, q, self.cue_window) for q in sequences])
                else:
                    contained = np.array([len(cue & s) / len(cue) for s in stems])
                out[:, j] = np.maximum(out[:, j], contained)
        return out


def _window_share(cue: set[str], sequence: list[str], window: int) -> float:
    """The largest share of ``cue``'s stems found within ``window`` consecutive stems."""
    hits = [(i, w) for i, w in enumerate(sequence) if w in cue]
    best, start = 0, 0
    for end in range(len(hits)):
        while hits[end][0] - hits[start][0] >= window:
            start += 1
        best = max(best, len({w for _, w in hits[start:end + 1]}))
    return best / len(cue)


def read_examples(paths: Path | Sequence[Path] = (ELEMENTS_DIR, LABELS_DIR)) -> dict[str, list[str]]:
    """Element id -> written example passages: rows with ``elements`` of ``paths``, JSONL files
    or folders of them (default ``corpora/elements/``, and the labelled passages of
    ``corpora/labels/`` that name the elements they answer, as the KnowTheChain, CHRB and
    minerals passages do: there they are the tagger's training data too)."""
    out: dict[str, list[str]] = {}
    paths = [paths] if isinstance(paths, Path) else list(paths)
    files = [f for path in paths
             for f in (sorted(path.glob("*.jsonl")) if path.is_dir() else [path] if path.is_file() else [])]
    for file in files:
        for _, row in iter_jsonl(file):
            for eid in row.get("elements", ()):
                out.setdefault(eid, []).append(row["text"])
    return out


@lru_cache(maxsize=4)
def default_matcher(similarity_scale: float = 0.5, cue_window: int | None = None) -> ElementMatcher:
    """The matcher over ``corpora/``: every element question with its cues and written examples."""
    from .taxonomy import load_taxonomy

    elements = [e for c in load_taxonomy().leaves for e in c.elements]
    return ElementMatcher(elements, read_examples(), similarity_scale, cue_window)


def company_services(company_type: str, services: Iterable[str] = ()) -> frozenset[str]:
    """The service types RDR's element limits are checked against."""
    return frozenset(_SERVICE_TYPES.get(company_type, ())) | frozenset(services)


def applies(element, criterion, company_type: str, services: frozenset[str]) -> bool:
    """False where RDR answers N/A: the indicator excludes the company type, or the element is
    limited to service types the company does not have."""
    if company_type in criterion.excluded:
        return False
    return not element.applies_to or bool(services & set(element.applies_to))


def assess_elements(
    company_id: str,
    company_type: str,
    tags: pd.DataFrame,
    criteria: Sequence,
    matcher: ElementMatcher,
    *,
    yes_match: float,
    partial_match: float,
    yes_min_passages: int = 1,
    max_evidence: int = 3,
    services: Iterable[str] = (),
    documents: Sequence[dict] = (),
    evidence_of: Callable[[Any], Evidence] | None = None,
    learned=None,
    passages: pd.DataFrame | None = None,
    learned_yes: float = Settings.element_learned_yes,
    learned_partial: float = Settings.element_learned_partial,
    learned_passages: int = Settings.element_learned_passages,
    doctype_gate: bool = Settings.element_doctype_gate,
    learned_min_chars: int = 0,
    reference_passages: int = Settings.element_reference_passages,
    count_slope: float = Settings.element_count_slope,
) -> list[ElementResult]:
    """Answer every element of ``criteria`` (RDR indicators) for one company.

    ``tags``: the company's supporting tags (:data:`pipeline.score.TAG_COLUMNS`, labelled and
    deduplicated by the caller); ``evidence_of(row)`` makes an :class:`Evidence` of a tag row.
    ``documents``: the company's readable documents (dicts with ``doctype``, ``title``, ``url``,
    ``retrieved_at``, ``sha256``); an indicator about a document itself (``doc_types`` in the
    criteria file: P1a asks whether the privacy policy is easy to find, in the users' language
    and understandable) is answered "yes" on each element when such a document was found.

    ``learned`` (an :class:`~pipeline.model.element_model.ElementModel`) with ``passages`` (all
    the company's evidence passages, same columns as ``tags`` less criterion, score and label):
    an element the model covers is read on every passage, not only those the tagger labels for
    its indicator, and answered with the model's probability against ``learned_yes`` and
    ``learned_partial`` instead of the matcher's score against ``yes_match`` and ``partial_match``;
    with ``doctype_gate`` only in the documents whose type can answer its indicator
    (``corpora/sources.yaml``; ``passages`` then carry a ``doctype`` column), and only
    passages of at least ``learned_min_chars`` characters. The two probabilities hold for up to
    ``reference_passages`` readable passages for the element and rise beyond (:func:`count_adjusted`).
    """
    services = company_services(company_type, services)
    by_criterion = {c: g for c, g in tags.groupby("criterion", sort=False)} if len(tags) else {}
    reads, readable = _learned_reads(learned, passages, criteria, doctype_gate, learned_min_chars)
    learned_flags = _flags(passages) if reads else None
    # rows as named tuples once: pandas row access per element answer cost more than the model
    passage_rows = list(passages.assign(score=0.0).itertuples(index=False)) if reads and evidence_of else []
    out: list[ElementResult] = []
    for criterion in criteria:
        live = [e for e in criterion.elements if applies(e, criterion, company_type, services)]
        found = [d for d in documents if d.get("doctype") in criterion.doc_types]
        group = by_criterion.get(criterion.id)
        lexical = [e for e in live if e.id not in reads]
        if group is not None and len(group) and lexical:
            scores = matcher.match(group["text"].tolist(), [e.id for e in lexical])
            group_rows = list(group.itertuples(index=False)) if evidence_of else []
            group_flags = _flags(group)
        for element in criterion.elements:
            if element not in live:
                out.append(ElementResult(company_id, criterion.id, element.id, "NA", 0.0))
                continue
            if found:
                out.append(ElementResult(company_id, criterion.id, element.id, "yes", 1.0,
                                         tuple(_document_evidence(d) for d in found[:max_evidence])))
                continue
            if element.id in reads:
                match, (qualified, negative) = reads[element.id], learned_flags
                yes_t, partial_t = (count_adjusted(t, readable[element.id], reference_passages, count_slope)
                                    for t in (learned_yes, learned_partial))
                needed = learned_passages
            elif group is not None and len(group):
                match = scores[:, lexical.index(element)]
                qualified, negative = group_flags
                yes_t, partial_t, needed = yes_match, partial_match, yes_min_passages
            else:
                out.append(ElementResult(company_id, criterion.id, element.id, "no disclosure found", 0.0))
                continue
            result, best = _answer(match, qualified, negative, element.reversed, yes_t, partial_t, needed)
            # the passages that produced the answer first: affirmative ones for "yes",
            # negative ones for a reversed element's "no"
            producing = negative if result == "no" else qualified if result == "yes" else np.ones_like(qualified)
            order = np.lexsort((-match, ~producing))
            chosen = order[match[order] >= partial_t][:max_evidence]
            evidence = ()
            if evidence_of is not None and len(chosen):
                if element.id in reads:  # a passage's evidence score is the model's probability
                    evidence = tuple(evidence_of(passage_rows[i]._replace(score=float(match[i]))) for i in chosen)
                else:
                    evidence = tuple(evidence_of(group_rows[i]) for i in chosen)
            out.append(ElementResult(company_id, criterion.id, element.id, result, round(float(best), 4), evidence))
    return out


def _flags(candidates: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(affirmative, negative) masks of candidate passages: affirmative = neither a future
    commitment nor a negative statement."""
    future, negative = candidates["future"].to_numpy(bool), candidates["negative"].to_numpy(bool)
    return ~(future | negative), negative


def count_adjusted(threshold: float, n: int, reference: int, slope: float) -> float:
    """``threshold``, set for the best of up to ``reference`` passages, for the best of ``n``.

    The best of many passages scores higher by chance alone, so a long policy would earn credit
    on elements it never addresses and totals would follow the amount of text. Beyond
    ``reference`` passages the threshold rises by ``slope * ln(n / reference)`` on the log-odds
    scale (``slope`` 1 would hold the chance of a false answer constant when the scores' tail is
    logistic). It is never lowered: lowered for short policies, it credited passages that a
    blind reader mostly rejected, and gave a full G2 on one 0.34 passage.

    >>> round(count_adjusted(0.15, 100, 100, 0.5), 3), round(count_adjusted(0.15, 400, 100, 0.5), 3)
    (0.15, 0.261)
    >>> count_adjusted(0.15, 3, 100, 0.5)
    0.15
    """
    if slope == 0 or n <= reference or threshold <= 0 or threshold >= 1:
        return threshold
    shift = slope * float(np.log(n / reference))
    return float(1.0 / (1.0 + np.exp(-(np.log(threshold / (1.0 - threshold)) + shift))))


def _learned_reads(learned, passages: pd.DataFrame | None, criteria: Sequence,
                   doctype_gate: bool = True, min_chars: int = 0) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """(element id -> the learned model's probability on each of ``passages``, element id -> how
    many passages it reads) for the elements of ``criteria`` it covers (none without a model or
    passages). With ``doctype_gate``, a criterion that ``corpora/sources.yaml`` assigns to
    document types is read only in documents of those types and of types it does not list
    (``other``, help pages): the privacy policy answers P13, not the terms' F3a. Criteria it
    assigns to no type (P14-P18, F9 ...) are read everywhere. Passages shorter than
    ``min_chars`` are read by none; the probability of a passage not read is 0."""
    if learned is None or passages is None:
        return {}, {}
    ids = [e.id for c in criteria for e in c.elements if learned.covers(e.id)]
    if not ids:
        return {}, {}
    if not len(passages):
        return {eid: np.zeros(0, np.float32) for eid in ids}, dict.fromkeys(ids, 0)
    proba = learned.predict_proba(passages["text"].tolist(), ids)
    read = np.ones(proba.shape, bool)
    if min_chars:
        read[passages["text"].str.len().to_numpy() < min_chars, :] = False
    if doctype_gate:
        from .sources import load_sources

        if "doctype" not in passages:
            raise ValueError("the document-type gate needs a doctype column in passages")
        sources = load_sources()
        assigned = {criterion for answers in sources.values() for criterion in answers}
        owner = {e.id: c.id for c in criteria for e in c.elements}
        doctypes = passages["doctype"].fillna("").to_numpy()
        for doctype in set(doctypes) & set(sources):
            cols = [j for j, eid in enumerate(ids) if owner[eid] in assigned and owner[eid] not in sources[doctype]]
            read[np.ix_(doctypes == doctype, cols)] = False
    proba[~read] = 0.0
    counts = read.sum(axis=0)
    return {eid: proba[:, j] for j, eid in enumerate(ids)}, {eid: int(counts[j]) for j, eid in enumerate(ids)}


def _document_evidence(doc: dict) -> Evidence:
    """The document itself as evidence: its id is ``doc:<sha256>``, its quote its title."""
    return Evidence(passage_id=f"{DOCUMENT_EVIDENCE}{doc.get('sha256') or doc['url']}",
                    quote=doc.get("title") or doc["url"], score=1.0, url=doc["url"], page=None,
                    retrieved_at=doc.get("retrieved_at") or "", sha256=doc.get("sha256") or "")


def _answer(match: np.ndarray, qualified: np.ndarray, negative: np.ndarray, reversed_: bool,
            yes_match: float, partial_match: float, yes_min_passages: int = 1) -> tuple[str, float]:
    best = float(match.max()) if len(match) else 0.0
    best_affirmative = float(match[qualified].max()) if qualified.any() else 0.0
    if reversed_:
        # One clear "we require government ID" answers a reversed element "yes" (RDR's worst
        # answer) whatever else is said; only without one does "we do not ask for ID" answer
        # "no" (RDR's best), and a negative statement on the topic outweighs a vague affirmative
        # one ("partial" is for an affirmative passage that only partly matches).
        if best_affirmative >= yes_match:
            return "yes", best_affirmative
        best_negative = float(match[negative].max()) if negative.any() else 0.0
        if best_negative >= partial_match:
            return "no", best_negative
        best_other = float(match[~negative].max()) if (~negative).any() else 0.0  # affirmative or future
        if best_other >= partial_match:
            return "partial", best_other
        return "no disclosure found", best
    if int((match[qualified] >= yes_match).sum()) >= yes_min_passages:
        return "yes", best_affirmative
    if best >= partial_match:
        return "partial", best
    return "no disclosure found", best


def indicator_verdicts(results: Sequence[ElementResult], criteria: Sequence) -> dict[str, tuple[str, float | None]]:
    """criterion -> (verdict, score): RDR's element mean as an indicator score (N/A when every
    element is N/A) and the verdict it reads as (full = every element yes, none = 0). This is
    the score RDR's engine gives an indicator assessed at one level."""
    reversed_ids = {e.id for c in criteria for e in c.elements if e.reversed}
    points: dict[str, list[float]] = {}
    for r in results:
        values = points.setdefault(r.criterion, [])
        if r.result != "NA":
            values.append((REVERSED_POINTS if r.element in reversed_ids else POINTS)[r.result])
    out: dict[str, tuple[str, float | None]] = {}
    for criterion, values in points.items():
        if not values:
            out[criterion] = ("na", None)
            continue
        score = float(np.mean(values))
        out[criterion] = ("full" if score >= 100 else "none" if score <= 0 else "partial", round(score, 2))
    return out


def element_rows(results: Iterable[ElementResult], company_type: str, taxonomy) -> pd.DataFrame:
    """Element answers as the tidy table :func:`pipeline.rdr.score_elements` scores: each answer
    stands at every level its indicator's scope uses (group, and one level for all services)."""
    scopes = {c.id: c.scope for c in taxonomy.framework("rdr")}
    rows = [(r.company_id, company_type, r.element, level, _LEVELS[level][3], r.result)
            for r in results for level in _SCOPE_LEVELS[scopes[r.criterion]]]
    return pd.DataFrame(rows, columns=["company", "company_type", "element", "composite", "service", "result"])


#: hrdc's columns after RDR's own in ``rdr-element-results.csv``.
EXTRA_COLUMNS = ("Match", "Evidence", "EvidenceURL", "EvidencePage")
_COMPANY_TYPE_NAMES = {"internet": "Digital Platform", "telecom": "Telecommunication"}
#: The levels an answer stands at by indicator scope (opcom would repeat the group answer) and
#: their RDR columns Branch, Composite, Class, Service.
_SCOPE_LEVELS = {"company": ("group",), "full": ("group", "services"), "services": ("services",)}
_LEVELS = {"group": ("Company", "Group", "Group", "Group"),
           "services": ("Services", "Services", "Services", "All services")}


def rdr_element_table(answers: pd.DataFrame, taxonomy) -> pd.DataFrame:
    """Element answers (:meth:`Workspace.element_results`) in RDR's published element-results
    format (:data:`pipeline.rdr.ELEMENT_COLUMNS`) plus :data:`EXTRA_COLUMNS`, one row per level
    an indicator's scope uses, so a researcher can diff hrdc's answers against RDR's file."""
    from .rdr import ELEMENT_COLUMNS
    from .companies import company_type

    reversed_ids = {e.id for c in taxonomy.framework("rdr") for e in c.elements if e.reversed}
    scopes = {c.id: c.scope for c in taxonomy.framework("rdr")}
    categories = {c.id: c.category for c in taxonomy.framework("rdr")}
    rows = []
    for a in answers.itertuples(index=False):
        indicator, number = a.element.split(".")
        digits = "".join(ch for ch in indicator[1:] if ch.isdigit())
        points = (REVERSED_POINTS if a.element in reversed_ids else POINTS)[a.result]
        evidence = json.loads(a.evidence or "[]")
        best = evidence[0] if evidence else {}
        for level in _SCOPE_LEVELS[scopes[a.criterion]]:
            branch, composite, klass, service = _LEVELS[level]
            rows.append((
                "hrdc", _COMPANY_TYPE_NAMES[company_type(a.sector)], a.company, a.company,
                categories[a.criterion], indicator, int(digits), indicator[1 + len(digits):] or "NA",
                a.element, int(number), branch, composite, klass, service, a.result,
                "NA" if np.isnan(points) else f"{points:g}",
                round(float(a.match), 4), best.get("quote", ""), best.get("url", ""),
                "" if best.get("page") is None else int(best["page"]),
            ))
    return pd.DataFrame(rows, columns=[*ELEMENT_COLUMNS, *EXTRA_COLUMNS])
