"""Passage attributes that change how much a tagged passage counts: future and negative.

* ``future``: the passage announces a measure that is planned, intended or not yet in place
  ("we will introduce", "we intend to", "in the coming year", "by 2025") rather than one taken.
* ``negative``: the passage says a measure or fact does not exist or did not happen ("we do
  not conduct audits", "no instances were identified", "has not yet adopted").

Both are lexical rules over the passage alone: they are transparent, fast, and need no
training data (the only labelled sets, ``ca_future.csv`` and ``negative_evidence_ca.csv``,
are kept as evaluation data). Scoring should count a future or negative passage as at most
partial disclosure.
"""
from __future__ import annotations

import re
from typing import Iterable

_FUTURE_VERBS = (
    r"(?:begin|start|launch|introduce|implement|develop|establish|create|roll[- ]?out|adopt|"
    r"conduct|undertake|commence|expand|extend|enhance|strengthen|formalis|formaliz|review|"
    r"update|revise|explore|consider|assess|evaluate|seek|look|work|engage|provide|deliver|"
    r"put in place|set up|build|design|finali[sz]e|publish|release|continue to (?:develop|build|"
    r"improve|enhance|strengthen|expand|review|refine|work)|further)"
)
_FUTURE = re.compile(
    r"\b(?:"
    r"(?:will|shall|would|are going to|is going to)\s+(?:\w+ly\s+|also\s+|then\s+|now\s+|be\s+(?:looking|seeking|working|developing|"
    r"reviewing|implementing|introducing|exploring|rolling)\b\s*)?" + _FUTURE_VERBS +
    r"|(?:intends?|intending|plans?|planning|planned|aims?|aiming|expects?|endeavou?rs?|"
    r"anticipates?|propos(?:e|es|ing)|commit(?:s|ted)? to|seeks?|hopes?|looks? forward)\s+to\b"
    r"|is\s+(?:currently\s+)?(?:in the process of|working (?:towards|on)|developing|exploring|considering|evaluating|"
    r"reviewing|planning)"
    r"|are\s+(?:currently\s+)?(?:in the process of|working (?:towards|on)|developing|exploring|considering|evaluating|"
    r"reviewing|planning)"
    r"|in the (?:near |coming |next )?(?:future|coming (?:year|years|months|reporting period))"
    r"|(?:next|coming|upcoming) (?:reporting )?(?:year|period|financial year|fiscal year|months|phase|steps?)"
    r"|going forward|moving forward|over time|future (?:plans?|steps|actions?|reports?|statements?)"
    # "in 2023" usually reports the past; only a deadline ("by 2025") or a plan year is future.
    r"|by (?:the end of )?(?:fy\s?)?20[2-4]\d\b|20[2-4]\d (?:plans?|goals?|targets?|roadmap)"
    r"|not yet|yet to|has yet|have yet"
    r")",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"\b(?:"
    r"(?:do|does|did|have|has|had|is|are|was|were|could|can|will|would|shall)\s*(?:not|n't)\b(?!\s+(?:only|just|limited|necessarily)\b)"
    r"|(?:don't|doesn't|didn't|haven't|hasn't|hadn't|isn't|aren't|wasn't|weren't|cannot|can't|won't)\b"
    r"|no\s+(?:\w+\s+){0,3}(?:instances?|cases?|incidents?|evidence|reports?|issues?|risks?|remediation|"
    r"violations?|breaches|concerns?|complaints?|findings|measures|policy|policies|actions?|audits?|"
    r"specific|formal|known|identified|indication)"
    r"|none (?:of|were|was|have|has)|neither|nor\b|never\b|not (?:yet|currently|aware|identified|found)"
    r"|not (?:been|applicable)|absence of|without any|lack of|nil\b"
    r")",
    re.IGNORECASE,
)
_NOT_NEGATIVE = re.compile(
    r"\b(?:not only|not limited to|whether or not|if not|not just|not necessarily|not tolerate|"
    r"does not tolerate|do not tolerate|zero tolerance|not permit|prohibit)",
    re.IGNORECASE,
)


def is_future(text: str) -> bool:
    """True when the passage announces a planned or not-yet-implemented measure."""
    return bool(_FUTURE.search(text))


def is_negative(text: str) -> bool:
    """True when the passage states that a measure or fact is absent ("we do not ...")."""
    hits = [m for m in _NEGATIVE.finditer(text)]
    if not hits:
        return False
    # A prohibition ("we do not tolerate forced labour") is a policy, not an absence.
    return not (_NOT_NEGATIVE.search(text) and len(hits) == 1)


def detect(texts: Iterable[str]) -> list[dict[str, bool]]:
    """``{"future": bool, "negative": bool}`` for each text."""
    return [{"future": is_future(t), "negative": is_negative(t)} for t in texts]
