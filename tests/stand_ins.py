"""Stand-ins the evaluation tests share."""
from __future__ import annotations

import numpy as np


class KeywordTagger:
    """A stand-in tagger: a passage scores 0.9 on a criterion when it has the criterion's
    keyword (``keywords``: criterion -> keyword), 0.01 otherwise; a passage with the word
    ``future_word`` is a future commitment."""

    model_id = "keyword"

    def __init__(self, keywords: dict[str, str], future_word: str | None = None):
        self.keywords, self.future_word = keywords, future_word
        self.criteria_ = list(keywords)
        self.thresholds_ = {c: 0.5 for c in self.criteria_}

    def predict_proba(self, texts, contexts=None):
        return np.array([[0.9 if k in t.lower() else 0.01 for k in self.keywords.values()] for t in texts])

    def attributes(self, texts):
        return [{"future": bool(self.future_word) and self.future_word in t.split(), "negative": False} for t in texts]
