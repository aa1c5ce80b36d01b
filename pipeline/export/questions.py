"""The question an engagement brief puts to a company about a gap, from ``corpora/questions.yaml``.

A criterion's own question comes first; else its framework's template, else the fallback,
each filled from the criterion's title and description.

>>> question_for("msa.signature", "msa", "Signature by a responsible member")
'Will your next modern slavery statement be signed by a director or the chief executive?'
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from ..paths import CORPORA_DIR
from ..taxonomy import load_taxonomy

__all__ = ["QUESTIONS_FILE", "QuestionsError", "load_questions", "question_for"]

QUESTIONS_FILE = CORPORA_DIR / "questions.yaml"


class QuestionsError(ValueError):
    """The questions file is not usable."""


@cache
def load_questions(path: Path = QUESTIONS_FILE) -> dict[str, dict[str, str]]:
    """``{"fallback": {"": text}, "frameworks": {fw: text}, "criteria": {id: text}}``, checked."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data.get("fallback"), str) or not data["fallback"].strip():
        raise QuestionsError(f"{path}: needs a 'fallback' question template")
    taxonomy = load_taxonomy()
    unknown = sorted(set(data.get("criteria") or {}) - set(taxonomy.ids))
    if unknown:
        raise QuestionsError(f"{path}: unknown criteria {', '.join(unknown)}")
    unknown = sorted(set(data.get("frameworks") or {}) - set(taxonomy.frameworks))
    if unknown:
        raise QuestionsError(f"{path}: unknown frameworks {', '.join(unknown)}")
    return {"fallback": {"": data["fallback"]}, "frameworks": dict(data.get("frameworks") or {}),
            "criteria": dict(data.get("criteria") or {})}


def question_for(criterion: str, framework: str, title: str, description: str = "") -> str:
    """The plain-words question to put to a company about ``criterion`` (its ``framework``,
    ``title`` and ``description`` fill a template when it has no question of its own)."""
    questions = load_questions()
    own = questions["criteria"].get(criterion)
    if own:
        return " ".join(own.split())
    template = questions["frameworks"].get(framework) or questions["fallback"][""]
    title = title[:1].lower() + title[1:]
    description = description.strip().rstrip(".") + "." if description.strip() else f"disclosure on {title}."
    return " ".join(template.format(title=title, description=description).split())
