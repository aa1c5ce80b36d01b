"""The pure functions the stages map over: one document or one company per call.

They live apart from the stages (:mod:`pipeline.run`) so that a worker process imports only
what its tasks need. A loky or Dask worker imports this module to unpickle its first task;
the extract worker then needs the extractors and spaCy, not pandas, the store or tqdm, and
every worker starts sooner. Each function takes everything it needs in its arguments and
returns plain rows for the driver to store.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .records import now, sha256_bytes

from .settings import Settings

if TYPE_CHECKING:
    import pandas as pd

    from .limits import Limits
    from .score import ScoringRules
    from .records import DoctypeOptions, ExtractOptions, PassageSizes


# -- extract + segment ----------------------------------------------------------------------
def extract_and_segment(sha256: str, data: bytes, kind: str | None, url: str, limits: Limits | None = None,
                        sizes: PassageSizes | None = None, options: ExtractOptions | None = None,
                        doctype_options: DoctypeOptions | None = None) -> tuple[dict, list[dict]]:
    """Raw bytes of one version -> (extraction row, passage rows of ``sizes``), within ``limits``,
    extracted by the heuristics of ``options``.

    The extraction row also says what the document is and whether the tagger can read it:
    ``language`` and ``language_confidence`` (:func:`~pipeline.extract.language.detect_language`)
    and ``doctype`` (:func:`~pipeline.doctype.classify_doctype`).

    The bytes travel with their content hash, which is checked here, so a worker on another
    machine never depends on the driver's disk and never stores passages under a wrong hash.
    """
    from .doctype import classify_doctype
    from .extract.language import detect_language
    from .limits import extract_within_limits

    if sha256_bytes(data) != sha256:
        raise ValueError(f"raw document {sha256} arrived with different content ({url}); rerun `hrdc extract`")
    ext, passages = extract_within_limits(data, kind, url, sha256, limits, sizes, options)
    language, confidence = detect_language(ext.text)
    sections = list(dict.fromkeys(p.section for p in passages if p.section))
    row = {
        "sha256": sha256, "kind": ext.kind, "title": ext.title, "n_pages": ext.n_pages,
        "pages_without_text": list(ext.pages_without_text), "n_chars": len(ext.text),
        "flags": " ".join(ext.flags), "error": ext.error, "text": ext.text, "extracted_at": now(),
        "language": language, "language_confidence": confidence,
        "doctype": classify_doctype(ext.title, url, ext.text, sections, doctype_options),
    }
    return row, [p.to_dict() for p in passages]


# -- tag ------------------------------------------------------------------------------------
# One tagger per model and process: a loky or Dask worker loads it on its first task and
# keeps it for every later task (workers are long-lived), the driver loads it once per run.
_TAGGERS: dict[str, Any] = {}
_TAGGERS_LOCK = threading.Lock()


def _tagger(model: str):
    with _TAGGERS_LOCK:  # Dask workers may run several tasks on threads of one process
        if model not in _TAGGERS:
            from .model.tagger import load_model

            _TAGGERS[model] = load_model(model or None)
        return _TAGGERS[model]


def model_id_of(model: str) -> str:
    """The id of ``model`` ("" = the default), read from its folder's ``meta.json`` when that
    names it, so the driver of a parallel run never loads a model only its workers use."""
    from .paths import DEFAULT_MODEL

    meta = (Path(model) if model else DEFAULT_MODEL) / "meta.json"
    try:
        found = json.loads(meta.read_text(encoding="utf-8")).get("model_id")
    except (OSError, ValueError, AttributeError):
        found = None
    return found if isinstance(found, str) and found else _tagger(model).model_id


def tag_passages(model: str, sha256: str, passages: list[dict],
                 floor: float = Settings.tag_store_floor) -> tuple[str, str, list[dict], list[dict]]:
    """The passages of one version -> (model id, sha256, tag rows, attribute rows)."""
    tagger = _tagger(model)
    tags, attrs = tag_with(tagger, passages, floor)
    return tagger.model_id, sha256, tags, attrs


def tag_with(tagger, passages: list[dict], floor: float = Settings.tag_store_floor) -> tuple[list[dict], list[dict]]:
    """Passage dicts (``passage_id``, ``text``, ``context_before``, ``context_after``) -> (tag
    rows, attribute rows) from ``tagger``; tags below ``floor`` (and below every threshold) are
    left out (:attr:`Settings.tag_store_floor <pipeline.settings.Settings.tag_store_floor>`)."""
    import numpy as np

    texts = [p["text"] for p in passages]
    contexts = [f"{p['context_before'] or ''} {p['context_after'] or ''}".strip() for p in passages]
    proba = tagger.predict_proba(texts, contexts) if texts else np.zeros((0, len(tagger.criteria_)))
    thresholds = np.array([tagger.thresholds_[c] for c in tagger.criteria_])
    tags, attrs = [], []
    rows, cols = np.nonzero(proba >= np.minimum(floor, thresholds))  # labelled tags are always kept
    for i, j in zip(rows.tolist(), cols.tolist()):
        tags.append({"model": tagger.model_id, "passage_id": passages[i]["passage_id"],
                     "criterion": tagger.criteria_[j], "score": round(float(proba[i, j]), 5),
                     "label": bool(proba[i, j] >= thresholds[j])})
    for p, a in zip(passages, tagger.attributes(texts) if texts else []):
        attrs.append({"model": tagger.model_id, "passage_id": p["passage_id"],
                      "future": bool(a["future"]), "negative": bool(a["negative"])})
    return tags, attrs


# -- score ----------------------------------------------------------------------------------
def score_one(company_id: str, sector: str, tags: pd.DataFrame, rules: ScoringRules,
              documents: tuple[dict, ...] = (), services: tuple[str, ...] = (),
              passages: pd.DataFrame | None = None,
              ) -> tuple[str, list, dict[str, float | None], list]:
    """One company's labelled tags, readable documents, declared services and evidence passages
    (for the learned element model; None without one) -> (company id, verdicts, framework
    scores, element results)."""
    from . import score as scoring
    from .applicability import applicable_criteria, applicable_frameworks
    from .companies import company_type
    from .taxonomy import load_taxonomy  # cached per process

    taxonomy = load_taxonomy()
    kind = company_type(sector)
    # Only the sector's frameworks are scored. RDR's exclusions for the company type are left
    # to the element answers (N/A, no verdict), which RDR's engine reads; criteria judged on
    # passages are kept only where they apply.
    frameworks = applicable_frameworks(sector)
    leaves = [c for c in taxonomy.leaves if c.framework in frameworks]
    applicable = {c.id for c in applicable_criteria(leaves, sector)}
    criteria = [c for c in leaves if c.id in applicable or scoring.judged_by_elements(c, rules)]
    verdicts, elements = scoring.score_criteria(company_id, tags, criteria, rules, company_type=kind,
                                                documents=documents, services=services, passages=passages)
    return company_id, verdicts, scoring.framework_scores(verdicts, kind, taxonomy, elements), elements
