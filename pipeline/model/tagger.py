"""The tagger: a calibrated sparse linear classifier per criterion, with context features.

Features are TF-IDF word 1–2-grams and character 3–4-grams of the passage, plus word
n-grams of its context (neighbouring sentences) weighted separately. Each criterion gets a
logistic regression; out-of-fold decision values (group-aware folds of the *training* data)
fit a Platt calibration and the decision threshold that maximises F1. Coefficients are pruned
and stored sparse, so a model for ~100 criteria stays a few MB and scores thousands of
passages per second on one core.

Models are joblib pickles. Unpickling runs code: load only models you trained or trust,
from ``models/`` or a path you pass explicitly.
"""
from __future__ import annotations

import copy
import hashlib
import json
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import joblib
import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.svm import LinearSVC

from . import attributes
from ..jsonl import iter_jsonl
from ..paths import DEFAULT_MODEL

MODEL_FILE = "model.joblib"


class ModelError(RuntimeError):
    """A model is missing, unreadable or not a tagger."""


class Tagger(BaseEstimator):
    """One-vs-rest calibrated logistic regressions over word, character and context n-grams.

    ``fit(texts, Y, contexts, groups, weights)`` takes a 0/1 label matrix ``Y`` (n × criteria)
    and an optional weight matrix of the same shape (0 = the row says nothing about that
    criterion, e.g. a data set that does not annotate it).
    """

    def __init__(
        self,
        criteria: Sequence[str] = (),
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (3, 4),
        max_word_features: int = 60000,
        max_char_features: int = 60000,
        context_weight: float = 0.5,
        C: float = 4.0,
        class_weight: str | None = "balanced",
        estimator: str = "lr",
        cv: int = 3,
        min_positives: int = 3,
        prune: float = 0.02,
        n_jobs: int = 1,
        random_state: int = 0,
    ):
        self.criteria = criteria
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.context_weight = context_weight
        self.C = C
        self.class_weight = class_weight
        self.estimator = estimator
        self.cv = cv
        self.min_positives = min_positives
        self.prune = prune
        self.n_jobs = n_jobs
        self.random_state = random_state

    # -- pickling ---------------------------------------------------------------------------
    # joblib unpickles in pure Python, where the two vocabularies (80,000 terms) took 0.3 s of
    # every model load; stored as arrays of terms in index order they load in milliseconds.
    _VECTORIZERS = ("word_", "char_")

    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())  # for this class, the instance's own __dict__
        for name in self._VECTORIZERS:
            vocab = getattr(state.get(name), "vocabulary_", None)
            if not isinstance(vocab, dict) or sorted(vocab.values()) != list(range(len(vocab))):
                continue
            terms = sorted(vocab, key=vocab.__getitem__)
            array = np.array(terms, dtype=str)
            if array.tolist() == terms:  # numpy drops trailing NULs: keep the dict for such a term
                vec = state[name] = copy.copy(state[name])
                vec.vocabulary_ = array
        return state

    def __setstate__(self, state: dict) -> None:
        for name in self._VECTORIZERS:
            terms = getattr(state.get(name), "vocabulary_", None)
            if isinstance(terms, np.ndarray):  # older files hold the dict itself
                state[name].vocabulary_ = dict(zip(terms.tolist(), range(len(terms))))
        super().__setstate__(state)

    # -- features ---------------------------------------------------------------------------
    def _fit_vectorizers(self, texts: Sequence[str], contexts: Sequence[str]) -> None:
        self.word_ = TfidfVectorizer(
            ngram_range=tuple(self.word_ngrams), min_df=2, max_df=0.5, sublinear_tf=True,
            max_features=self.max_word_features, strip_accents="unicode", dtype=np.float32,
        ).fit(list(texts) + [c for c in contexts if c])
        self.char_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(self.char_ngrams), min_df=3, sublinear_tf=True,
            max_features=self.max_char_features, strip_accents="unicode", dtype=np.float32,
        ).fit(texts)
        # stop_words_ holds every pruned term: large and unused at prediction time.
        for vec in (self.word_, self.char_):
            vec.stop_words_ = None

    def transform(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> sp.csr_matrix:
        """The feature matrix: [word(text) | char(text) | context_weight * word(context)]."""
        texts = list(texts)
        blocks = [self.word_.transform(texts), self.char_.transform(texts)]
        if self.context_weight and contexts is not None:
            blocks.append(self.word_.transform(list(contexts)) * np.float32(self.context_weight))
        else:
            blocks.append(sp.csr_matrix((len(texts), len(self.word_.vocabulary_)), dtype=np.float32))
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    # -- fitting ----------------------------------------------------------------------------
    def fit(self, texts, Y, contexts=None, groups=None, weights=None) -> "Tagger":
        texts = [str(t) for t in texts]
        contexts = [str(c or "") for c in contexts] if contexts is not None else [""] * len(texts)
        Y = np.asarray(Y, dtype=np.int8)
        weights = np.ones(Y.shape, dtype=np.float32) if weights is None else np.asarray(weights, np.float32)
        if Y.shape != (len(texts), len(self.criteria)) or weights.shape != Y.shape:
            raise ValueError(f"Y and weights must be {len(texts)} x {len(self.criteria)}; got {Y.shape}, {weights.shape}")
        groups = np.asarray(groups if groups is not None else np.arange(len(texts)))
        self._fit_vectorizers(texts, contexts)
        X = self.transform(texts, contexts)
        # liblinear releases the GIL: threads share X instead of copying it to processes.
        fits = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(_fit_criterion)(X, Y[:, j], weights[:, j], groups, self._lr_params(), self.cv, self.min_positives)
            for j in range(len(self.criteria))
        )
        coef = np.vstack([f[0] for f in fits]).astype(np.float32)
        cut = self.prune * np.abs(coef).max(axis=1, keepdims=True)
        coef[np.abs(coef) < cut] = 0.0
        self.coef_ = sp.csr_matrix(coef)
        self.intercept_ = np.array([f[1] for f in fits], dtype=np.float64)
        self.platt_ = np.array([f[2] for f in fits], dtype=np.float64)  # (a, b): p = sigmoid(a*d + b)
        self.criteria_ = list(self.criteria)
        self.thresholds_ = {c: float(f[3]) for c, f in zip(self.criteria_, fits)}
        self.n_positives_ = {c: int(f[4]) for c, f in zip(self.criteria_, fits)}
        self.oof_f1_ = {c: f[5] for c, f in zip(self.criteria_, fits)}
        digest = hashlib.sha256(self.coef_.data.tobytes() + self.coef_.indices.tobytes())
        digest.update(json.dumps(self.thresholds_, sort_keys=True).encode())
        self.model_id_ = digest.hexdigest()[:12]
        return self

    def _lr_params(self) -> dict:
        if self.estimator == "svm":
            return {"C": self.C, "class_weight": self.class_weight, "random_state": self.random_state}
        if self.estimator != "lr":
            raise ValueError(f"estimator={self.estimator!r}: choose lr or svm")
        # The dual solver is ~3x faster here: far more features than rows.
        return {"C": self.C, "class_weight": self.class_weight, "solver": "liblinear", "dual": True,
                "max_iter": 1000, "random_state": self.random_state}

    # -- prediction -------------------------------------------------------------------------
    @property
    def model_id(self) -> str:
        return self.model_id_

    def decision_function(self, texts, contexts=None) -> np.ndarray:
        X = self.transform(texts, contexts)
        return np.asarray((X @ self.coef_.T).todense()) + self.intercept_

    def predict_proba(self, texts, contexts=None) -> np.ndarray:
        """Calibrated probabilities, n × len(criteria_)."""
        d = self.decision_function(texts, contexts)
        return 1.0 / (1.0 + np.exp(-(d * self.platt_[:, 0] + self.platt_[:, 1])))

    def predict(self, texts, contexts=None) -> list[list[str]]:
        """Criterion ids whose probability reaches that criterion's threshold."""
        proba = self.predict_proba(texts, contexts)
        thr = np.array([self.thresholds_[c] for c in self.criteria_])
        return [[self.criteria_[j] for j in np.flatnonzero(row >= thr)] for row in proba]

    def attributes(self, texts: Iterable[str]) -> list[dict[str, bool]]:
        """``{"future": bool, "negative": bool}`` per passage (see :mod:`pipeline.model.attributes`)."""
        return attributes.detect(texts)


def _fit_criterion(X, y, w, groups, lr_params, cv, min_positives):
    """Fit one criterion: (coef, intercept, (a, b), threshold, n_positives, oof_f1)."""
    keep = w > 0
    Xk, yk, wk, gk = X[keep], y[keep], w[keep], groups[keep]
    n_pos = int(yk.sum())
    if n_pos == 0 or n_pos == len(yk):
        # Nothing to learn: a constant, low score that never reaches the threshold.
        return np.zeros(X.shape[1]), -10.0, (1.0, 0.0), 1.0, n_pos, None
    model = _linear(lr_params).fit(Xk, yk, sample_weight=wk)
    pos_groups = len(set(gk[yk == 1]))
    if n_pos < min_positives or pos_groups < cv:
        # Too few positives for honest folds: the model's own probability, threshold 0.5.
        return model.coef_.ravel(), float(model.intercept_[0]), (1.0, 0.0), 0.5, n_pos, None
    oof = np.zeros(len(yk))
    for train, test in GroupKFold(n_splits=cv).split(Xk, yk, gk):
        if yk[train].sum() == 0:
            oof[test] = -10.0
            continue
        fold = _linear(lr_params).fit(Xk[train], yk[train], sample_weight=wk[train])
        oof[test] = fold.decision_function(Xk[test])
    platt = LogisticRegression(C=1e4, solver="lbfgs").fit(oof[:, None], yk, sample_weight=wk)
    a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    proba = 1.0 / (1.0 + np.exp(-(a * oof + b)))
    threshold, f1 = best_threshold(yk, proba)
    return model.coef_.ravel(), float(model.intercept_[0]), (a, b), threshold, n_pos, f1


def _linear(params: dict):
    """Logistic regression, or a linear SVM when the params carry no solver."""
    return LogisticRegression(**params) if "solver" in params else LinearSVC(**params)


def best_threshold(y: np.ndarray, proba: np.ndarray) -> tuple[float, float]:
    """The probability cut in [0.05, 0.95] maximising F1 on (out-of-fold) predictions."""
    best = (0.5, -1.0)
    for t in np.arange(0.05, 0.951, 0.025):
        pred = proba >= t
        tp = float(np.sum(pred & (y == 1)))
        denom = float(pred.sum() + (y == 1).sum())
        f1 = 2 * tp / denom if denom else 0.0
        if f1 > best[1] + 1e-9:
            best = (float(round(t, 3)), f1)
    return best


# -- loading and saving ---------------------------------------------------------------------
def save_model(tagger: Tagger, folder: str | Path) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MODEL_FILE
    joblib.dump(tagger, path, compress=("zlib", 3))  # xz is smaller but loads 3x slower
    return path


def load_model(path: str | Path | None = None) -> Tagger:
    """Load a tagger from a model folder (or its ``model.joblib``); default ``models/default``.

    The file is a pickle and unpickling runs code: pass only paths you trust.
    """
    path = Path(path) if path else DEFAULT_MODEL
    file = path / MODEL_FILE if path.is_dir() else path
    if not file.exists():
        raise ModelError(f"no model at {file}; train one with `hrdc train` or pass --model PATH")
    try:
        with _old_module_path():
            tagger = joblib.load(file)
    except Exception as exc:  # a truncated or foreign file fails in many ways
        raise ModelError(f"cannot load model {file}: {exc}; retrain it with `hrdc train`") from None
    if not isinstance(tagger, Tagger):
        raise ModelError(f"{file} holds a {type(tagger).__name__}, not an hrdc Tagger")
    return tagger


#: Where Tagger lived when earlier models were pickled (models/default among them): a pickle
#: names the class by module path, and those files must keep loading unchanged.
_PICKLED_AS = "pipeline.tag"
_ALIAS_LOCK = threading.Lock()


@contextmanager
def _old_module_path() -> Iterator[None]:
    """Let the unpickler find ``pipeline.tag.Tagger`` here, for the duration of one load."""
    with _ALIAS_LOCK:
        added = _PICKLED_AS not in sys.modules
        if added:
            sys.modules[_PICKLED_AS] = sys.modules[__name__]
        try:
            yield
        finally:
            if added:
                del sys.modules[_PICKLED_AS]


# -- the classify contract ------------------------------------------------------------------
def _context(record: dict) -> str:
    ctx = record.get("context")
    if ctx is None:
        ctx = " ".join(str(record.get(k) or "") for k in ("context_before", "context_after")).strip()
    return str(ctx)


def classify_records(records: list[dict], tagger: Tagger, batch_size: int = 2048) -> list[dict]:
    """``{"id", "labels", "scores", "future", "negative"}`` for each ``{"id", "text"[, "context"]}``."""
    out: list[dict] = []
    thr = np.array([tagger.thresholds_[c] for c in tagger.criteria_])
    for start in range(0, len(records), batch_size):
        batch = records[start:start + batch_size]
        texts = [str(r["text"]) for r in batch]
        proba = tagger.predict_proba(texts, [_context(r) for r in batch])
        rounded = np.round(proba, 4).tolist()
        for record, row, scores, attrs in zip(batch, proba, rounded, tagger.attributes(texts)):
            out.append({
                "id": record["id"],
                "labels": [tagger.criteria_[j] for j in np.flatnonzero(row >= thr)],
                "scores": dict(zip(tagger.criteria_, scores)),
                **attrs,
            })
    return out


class InputError(ValueError):
    """A classify input line is not a valid record."""


def read_records(path: str | Path) -> list[dict]:
    """Parse classify input JSONL; raise :class:`InputError` naming the file and line."""
    records, seen = [], {}
    try:
        lines = list(iter_jsonl(path, InputError))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}; give an existing JSONL file") from None
    for n, record in lines:
        if "id" not in record or not isinstance(record.get("text"), str):
            raise InputError(f'{path}, line {n}: expected an object with "id" and a string "text"')
        if "context" in record and not isinstance(record["context"], (str, type(None))):
            raise InputError(f'{path}, line {n}: "context" must be a string')
        key = json.dumps(record["id"], sort_keys=True)
        if key in seen:
            raise InputError(f'{path}, line {n}: duplicate id {record["id"]!r} (first on line {seen[key]}); '
                             "results are matched to passages by id")
        seen[key] = n
        records.append(record)
    if not records:
        raise InputError(f'{path}: no passages; give one JSON object per line with "id" and "text"')
    return records

