"""A learned reader of element questions: which of RDR's 335 questions a passage answers.

The lexical matcher of :mod:`pipeline.elements` (cue phrases, TF-IDF similarity to the
question and its written examples) needs the passage to share the question's wording; real
policies rarely do ("Limiting access to Personal Information to only those with jobs requiring
such access" answers P13.01 without any of its cues). RDR's own researchers quoted the
passages that earned each element: 2,652 evidence quotes labelled with element ids
(``<data>/rdr/rdr_evidence_quotes.jsonl``, CC BY 4.0). :class:`ElementModel` learns from them
and from the written examples of ``corpora/elements/`` one logistic regression per element over
word 1-2 grams, one-vs-rest (every other element's quotes and examples, and the near misses
written for the element, are its negatives).

On realdocs (hrdc on real policies against RDR's element results, with the model trained
without the quotes of the evaluated companies) its probabilities separate the elements RDR
credits from those it does not far better than the lexical matcher: AUC 0.76 against 0.63 over
1,284 answerable company-element pairs, within indicators P7 0.88 against 0.46, P4 0.91
against 0.80 (2026-12-03, docs/benchmarks.md).

The fitted weights are one sparse float32 matrix (features x elements; weights smaller than
``prune`` dropped, as the tagger's are), so a company's passages are read against every
element with one sparse product.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import joblib
import numpy as np
import yaml
import scipy.sparse as sp
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from ..jsonl import iter_jsonl
from ..paths import CORPORA_DIR

ELEMENT_MODEL_FILE = "elements.joblib"
RDR2019_CROSSWALK = CORPORA_DIR / "elements" / "rdr-2019-crosswalk.yaml"
_SOURCE_NOTE = re.compile(r"\(Source[^)]*\)")  # RDR's "(Source 12, p. 3)" references
# A quotation in a 2019 researcher's comment: straight or curly double quotes.
_QUOTED = re.compile(r"[\"\u201c]([^\"\u201c\u201d]+)[\"\u201d]")


class ElementModelError(RuntimeError):
    """An element model file is missing, unreadable or of another kind."""


@dataclass(frozen=True)
class ElementExample:
    """One passage and the elements it answers. ``exhaustive`` (the default) makes it a negative
    for every other element; a near miss (``exhaustive=False``) is one only for ``rejected``."""

    text: str
    elements: frozenset[str]
    group: str  # the company (RDR quotes) or "hrdc-authors"
    rejected: frozenset[str] = frozenset()
    exhaustive: bool = True

    def judged(self, element_id: str) -> bool:
        """Whether this example says anything about ``element_id``."""
        return self.exhaustive or element_id in self.elements or element_id in self.rejected


def rdr_quote_examples(path: Path, exclude_companies: Iterable[str] = ()) -> list[ElementExample]:
    """RDR's evidence quotes that name elements, "(Source n)" notes removed, without the quotes
    of ``exclude_companies`` (RDR's company names, matched across spellings and renames by
    :func:`~pipeline.references.company_identity`: an evaluation leaves its companies out)."""
    from ..references import company_identity

    exclude = {company_identity(c) for c in exclude_companies}
    out = []
    for _, row in iter_jsonl(path):
        if row.get("elements") and company_identity(row.get("company", "")) not in exclude:
            text = _clean_quote(str(row["text"]))
            if text:
                out.append(ElementExample(text, frozenset(row["elements"]), str(row["company"])))
    return out


def _clean_quote(text: str) -> str:
    """A quote without RDR's "(Source n)" notes, on one line with single spaces."""
    return " ".join(_SOURCE_NOTE.sub(" ", text).split())


def load_rdr2019_crosswalk(path: Path = RDR2019_CROSSWALK) -> dict[str, dict[str, tuple[str, ...]]]:
    """2019 element id -> {component ("F", "P" or "*" for every component) -> 2020 element ids}."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ElementModelError(f"cannot read the 2019 crosswalk {path}: {exc}") from None
    out = {}
    for old, new in (data.get("elements") or {}).items():
        parts = new if isinstance(new, dict) else {"*": new}
        out[str(old)] = {str(k): tuple(v or ()) for k, v in parts.items()}
    return out


def rdr2019_quote_examples(folder: Path, exclude_companies: Iterable[str] = (), min_chars: int = 40,
                           crosswalk: Path = RDR2019_CROSSWALK) -> list[ElementExample]:
    """The passages RDR's 2019 researchers quoted in their comments on "yes" and "partial"
    answers (``<data>/rdr/2019-index/RDR2019_*_Outcome.csv``, CC BY 4.0), labelled with the 2020
    elements that ask the same question (``corpora/elements/rdr-2019-crosswalk.yaml``).

    Quotes shorter than ``min_chars`` (a product name, "Privacy Policy") are left out; a quote
    given for several services or elements is one example with all their elements. Companies
    in ``exclude_companies`` are matched as :func:`rdr_quote_examples` matches them."""
    from ..references import company_identity

    mapping = load_rdr2019_crosswalk(crosswalk)
    exclude = {company_identity(c) for c in exclude_companies}
    found: dict[tuple[str, str], set[str]] = {}
    files = sorted(Path(folder).glob("RDR2019_*_Outcome.csv"))
    if not files:
        raise ElementModelError(f"no RDR2019_*_Outcome.csv in {folder}: the config asks for the 2019 quotes "
                                "(element_model: rdr2019: true); put RDR's 2019 element outcomes there or set it to false")
    for file in files:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("Scoring_Level") != "Element" or row.get("Answer") not in ("yes", "partial"):
                    continue
                if company_identity(row["Company"]) in exclude:
                    continue
                parts = mapping.get(row["Element"], {})
                level = row.get("Level") or ""
                component = "F" if level.endswith("Freedom of Expression") else "P" if level.endswith("Privacy") else "*"
                elements = parts.get("*") or parts.get(component) or ()
                if not elements:
                    continue
                for quote in _QUOTED.findall(row.get("Comments") or ""):
                    text = _clean_quote(quote.replace("...", " ").replace("\u2026", " "))
                    if len(text) >= min_chars:
                        found.setdefault((row["Company"], text), set()).update(elements)
    return [ElementExample(text, frozenset(elements), company) for (company, text), elements in found.items()]


def written_examples(folder: Path = CORPORA_DIR / "elements") -> list[ElementExample]:
    """The written element examples of ``corpora/elements/*.jsonl``: positives for the elements
    they name; a near miss (``exhaustive: false``) is a negative only for its
    ``rejected_elements`` (it may answer another element: cookies on the company's own site are
    no answer to P9's third-party collection but are one to P3a's)."""
    out = []
    for file in sorted(Path(folder).glob("*.jsonl")):
        for line, row in iter_jsonl(file):
            elements, rejected = frozenset(row.get("elements", ())), frozenset(row.get("rejected_elements", ()))
            if elements & rejected:
                raise ElementModelError(f"{file}, line {line}: {', '.join(sorted(elements & rejected))} "
                                        "both answered and rejected")
            out.append(ElementExample(row["text"], elements, "hrdc-authors", rejected, bool(row.get("exhaustive", True))))
    return out


class ElementModel:
    """P(passage answers element) for every element with at least ``min_positives`` examples."""

    def __init__(self, C: float = 4.0, min_positives: int = 3, max_features: int = 40000, prune: float = 0.02):
        self.C, self.min_positives, self.max_features, self.prune = C, min_positives, max_features, prune

    def fit(self, examples: Sequence[ElementExample]) -> "ElementModel":
        texts = [e.text for e in examples]
        self.vectorizer_ = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english",
                                           min_df=1, max_features=self.max_features, dtype=np.float32)
        X = self.vectorizer_.fit_transform(texts)
        counts: dict[str, int] = {}
        for e in examples:
            for eid in e.elements:
                counts[eid] = counts.get(eid, 0) + 1
        self.elements_ = sorted(eid for eid, n in counts.items() if n >= self.min_positives)
        self.counts_ = {eid: counts[eid] for eid in self.elements_}
        weights, bias = np.zeros((X.shape[1], len(self.elements_)), np.float32), np.zeros(len(self.elements_), np.float32)
        partial = [i for i, e in enumerate(examples) if not e.exhaustive]
        for j, eid in enumerate(self.elements_):
            y = np.fromiter((eid in e.elements for e in examples), bool, len(examples))
            rows = np.ones(len(examples), bool)
            rows[[i for i in partial if not examples[i].judged(eid)]] = False
            if y[rows].all():
                raise ElementModelError(f"element {eid}: every example judged for it is a positive; "
                                        "add negatives (element_model: negatives) or near misses")
            lr = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000).fit(X[rows], y[rows])
            weights[:, j], bias[j] = lr.coef_[0], lr.intercept_[0]
        weights[np.abs(weights) < self.prune] = 0.0
        self.weights_, self.bias_ = sp.csc_matrix(weights), bias
        self.column_ = {eid: j for j, eid in enumerate(self.elements_)}
        return self

    def covers(self, element_id: str) -> bool:
        return element_id in self.column_

    def predict_proba(self, texts: Sequence[str], element_ids: Sequence[str]) -> np.ndarray:
        """(len(texts), len(element_ids)) probabilities; 0 for elements the model does not cover."""
        out = np.zeros((len(texts), len(element_ids)), np.float32)
        known = [(j, self.column_[e]) for j, e in enumerate(element_ids) if e in self.column_]
        if not len(texts) or not known:
            return out
        cols = [c for _, c in known]
        scores = (self.vectorizer_.transform(texts) @ self.weights_[:, cols]).toarray() + self.bias_[cols]
        out[:, [j for j, _ in known]] = expit(scores)
        return out


def negative_examples(sources: Sequence[str] = ("aims", "labels")) -> list[ElementExample]:
    """Text that answers no RDR element: AIMS's modern-slavery statement sentences (``aims``) and
    our labelled passages judged for no RDR-like criterion (``labels``: rows without labels or
    labelled only for KnowTheChain or minerals). Without them every policy sentence is read
    as an answer to some element: RDR's quotes are all answers."""
    from . import datasets

    out: list[ElementExample] = []
    if "aims" in sources:
        for jurisdiction in ("AU", "CA"):
            frame = datasets.load_aims(jurisdiction, context_sentences=0)
            out += [ElementExample(t, frozenset(), "aims") for t in frame["text"] if t.strip()]
    if "labels" in sources:
        rows = datasets.load_labels()
        keep = [all(label.startswith(("ktc.", "minerals.")) for label in labels) for labels in rows["labels"]]
        out += [ElementExample(t, frozenset(), "hrdc-authors") for t in rows.loc[keep, "text"]]
    return out


def train_element_model(quotes: Path, exclude_companies: Iterable[str] = (), frameworks: Sequence[str] = ("rdr",),
                        negatives: Sequence[str] = ("aims", "labels"), rdr2019: bool = False,
                        **params) -> ElementModel:
    """An :class:`ElementModel` of the elements of ``frameworks`` from RDR's quotes (less
    ``exclude_companies``; with ``rdr2019`` also the 2019 Index's, from the ``2019-index``
    folder beside ``quotes``), the written examples and :func:`negative_examples`; examples of
    other frameworks' elements are negatives only (two or three written passages per question
    are too few to learn from)."""
    from ..taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    wanted = {e.id for f in frameworks for c in taxonomy.framework(f) for e in c.elements}
    found = rdr_quote_examples(quotes, exclude_companies)
    if rdr2019:
        found = _merge_texts(found + rdr2019_quote_examples(Path(quotes).parent / "2019-index", exclude_companies))
    examples = [ElementExample(e.text, e.elements & wanted, e.group, e.rejected, e.exhaustive)
                for e in found + written_examples()]
    return ElementModel(**params).fit(examples + negative_examples(negatives))


def _merge_texts(examples: Sequence[ElementExample]) -> list[ElementExample]:
    """One example per text (case and white space folded), with every element it was quoted
    for: a third of the 2019 quotes are word for word the 2020 and 2022 quotes of the same policy."""
    merged: dict[str, ElementExample] = {}
    for e in examples:
        key = " ".join(e.text.lower().split())
        seen = merged.get(key)
        merged[key] = e if seen is None else replace(seen, elements=seen.elements | e.elements)
    return list(merged.values())


def save_element_model(model: ElementModel, folder: str | Path) -> Path:
    path = Path(folder) / ELEMENT_MODEL_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path, compress=("zlib", 3))
    return path


def element_model_file(path: str | Path) -> Path:
    """Where the element model of ``path`` is: a model folder's ``elements.joblib``, the file
    itself when it is one, else the ``elements.joblib`` beside a tagger file (``--model
    models/x/model.joblib``)."""
    p = Path(path)
    if p.is_dir() or not p.suffix:  # a folder, or one not made yet
        return p / ELEMENT_MODEL_FILE
    return p if p.name == ELEMENT_MODEL_FILE else p.parent / ELEMENT_MODEL_FILE


@lru_cache(maxsize=4)
def load_element_model(path: str) -> ElementModel | None:
    """The element model of ``path`` (:func:`element_model_file`); None when there is none (a
    model trained before element models existed: the lexical matcher answers)."""
    file = element_model_file(path)
    if not file.exists():
        return None
    try:
        model = joblib.load(file)
    except Exception as exc:
        raise ElementModelError(f"cannot load element model {file}: {exc}; retrain it with `hrdc train`") from None
    if not isinstance(model, ElementModel):
        raise ElementModelError(f"{file} holds a {type(model).__name__}, not an hrdc ElementModel")
    return model
