"""The language a document is written in, from a bounded sample of its text.

The shipped tagger reads English only (see ``Settings.model_languages``), so every extraction
records its language: a Chinese privacy policy that scores nothing is then shown as "not
read", not as "discloses nothing".

>>> detect_language("Nous ne vendons jamais vos données personnelles à des tiers.")  # doctest: +SKIP
('fr', 0.99)
>>> detect_language("")
('und', 0.0)
"""
from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from itertools import islice

__all__ = ["SAMPLE_CHARS", "UNDETERMINED", "detect_language"]

UNDETERMINED = "und"  # ISO 639-2 "undetermined"

# How much text is classified: py3langid's cost grows with the text (a 30 kB privacy policy:
# 17 ms in full, 1.2 ms sampled, i.e. 57 vs ~800 documents/s), and a policy says which
# language it is in within its first paragraphs.
# ~5,000 characters taken as a few slices across the document keep one document at about a
# millisecond whatever its size (a 5 MB PDF report too), and a slice from the middle and one
# near the end outvote an English cookie banner or language menu at the top of a French page.
SAMPLE_CHARS = 5_000
SAMPLE_SLICES = 4

# Fewer letters than this is too little text to tell: "Privacy" alone came out as Slovak
# with 4% confidence. 12 letters are two short words of a Latin script, or a short phrase
# of Chinese or Korean, whose characters each carry far more evidence.
MIN_LETTERS = 12

# py3langid labels without an ISO 639-1 code that have a close one (Cantonese and Wu are
# written Chinese); "zxx" is its "no linguistic content" class.
_ALIASES = {"yue": "zh", "wuu": "zh", "zxx": UNDETERMINED}

# URLs, e-mail addresses and digits say nothing about the language and read as English.
_NOISE = re.compile(r"[^\s@]+@\S+|(?:https?://|www\.)\S+|[\d_]+")
_LETTER = re.compile(r"[^\W\d_]")

_IDENTIFIER = None
_IDENTIFIER_LOCK = threading.Lock()  # Dask workers may run several tasks on threads of one process


def _identifier():
    """py3langid's model with normalised probabilities, loaded once per process (~0.8 s)."""
    global _IDENTIFIER
    with _IDENTIFIER_LOCK:
        if _IDENTIFIER is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _IDENTIFIER


def _sample(text: str, size: int = SAMPLE_CHARS, slices: int = SAMPLE_SLICES) -> str:
    """At most ``size`` characters of ``text``: ``slices`` pieces spread evenly across it,
    each starting at a word."""
    if len(text) <= size:
        return text
    width = size // slices
    step = (len(text) - width) / max(1, slices - 1)
    pieces = []
    for i in range(slices):
        start = int(i * step)
        piece = text[start:start + width]
        if start:  # drop the partial first word
            cut = piece.find(" ")
            piece = piece[cut + 1:] if 0 <= cut < 40 else piece
        pieces.append(piece)
    return "\n".join(pieces)


def detect_language(text: str) -> tuple[str, float]:
    """The language of ``text`` and the classifier's confidence in it.

    Returns an ISO 639-1 code (``"en"``, ``"zh"``, ...; ISO 639-3 for the few languages that
    have none) and a probability between 0 and 1, or ``("und", 0.0)`` when there is too little
    text to tell. Only a sample of :data:`SAMPLE_CHARS` characters is classified.

    >>> detect_language("Wir geben Ihre Daten nur mit Ihrer Einwilligung weiter.")[0]
    'de'
    >>> detect_language("p. 12")
    ('und', 0.0)
    """
    sample = _NOISE.sub(" ", _sample(text or ""))
    if sum(1 for _ in islice(_LETTER.finditer(sample), MIN_LETTERS)) < MIN_LETTERS:
        return UNDETERMINED, 0.0
    code, confidence = _identifier().classify(sample)
    code = _ALIASES.get(code, code)
    if code == UNDETERMINED:
        return UNDETERMINED, 0.0
    return code, round(float(confidence), 4)


def readable(language: str | None, confidence: float | None, languages: Sequence[str],
             min_confidence: float = 0.5) -> bool:
    """Whether a model that reads ``languages`` should read a document detected as ``language``:
    yes when it is one of them, and when the detection is undetermined or below
    ``min_confidence`` (``Settings.language_min_confidence``: too little text to tell, so nothing
    would be gained by leaving it out)."""
    if not language or language == UNDETERMINED or (confidence or 0.0) < min_confidence:
        return True
    return language in languages
