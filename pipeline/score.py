"""Coverage verdicts per company and criterion, each backed by the passages that earned it.

A passage *supports* a criterion when the tagger labels it (calibrated score at or above the
criterion's threshold). Supporting passages that state a future commitment ("we will ...") or
a negative ("we do not ...") never count as full disclosure:

- ``full`` (100): at least ``rules.full_min_passages`` affirmative supporting passages;
- ``partial`` (50): fewer affirmative passages, or only future / negative ones;
- ``none`` (0): no supporting passage ("no disclosure found" in RDR's terms; not N/A).

RDR indicators are then aggregated with RDR's own engine (:mod:`pipeline.rdr`): families,
categories and a total that is the mean of all applicable families. Other frameworks score
as the mean over their criteria.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import pandas as pd

from .records import Evidence, Verdict

VERDICT_SCORE = {"full": 100.0, "partial": 50.0, "none": 0.0}
RDR_RESULT = {"full": "yes", "partial": "partial", "none": "no disclosure found"}

# Columns of the frame :func:`score_company` reads: one row per (passage, criterion) tag.
TAG_COLUMNS = (
    "passage_id", "criterion", "score", "label", "future", "negative",
    "text", "url", "page", "retrieved_at", "sha256",
)


@dataclass(frozen=True)
class ScoringRules:
    """How tagged passages become verdicts.

    - ``full_min_passages``: one sentence rarely meets every element of an RDR indicator;
      this many distinct affirmative passages is the bar for "full".
    - ``min_evidence_score``: a labelled passage below this calibrated score is not evidence.
      Some criteria's F1-optimal thresholds are as low as 0.05 (tiny training sets), and
      verdicts then rested on passages scored 0.06-0.10 that did not support them.
    - ``full_min_score``: "full" also needs its best passage at or above this score.
    - ``max_evidence``: quotes kept per verdict.
    """

    full_min_passages: int = 2
    min_evidence_score: float = 0.0
    full_min_score: float = 0.0
    max_evidence: int = 5


def score_company(
    company_id: str,
    tags: pd.DataFrame,
    criteria: Sequence,
    rules: ScoringRules = ScoringRules(),
) -> list[Verdict]:
    """Verdicts for one company over ``criteria`` (taxonomy Criterion objects).

    ``tags`` holds the company's tagged passages with :data:`TAG_COLUMNS`. The same text counts
    once per company (a passage under two URLs, a name line repeated on every page, a paragraph
    repeated in the terms and the privacy policy), compared after folding case and white space.
    """
    if len(tags):
        supporting = tags[tags["label"].astype(bool) & (tags["score"] >= rules.min_evidence_score)]
        supporting = supporting.assign(_text_key=supporting["text"].map(_text_key))
    else:
        supporting = tags
    by_criterion = {c: g for c, g in supporting.groupby("criterion", sort=False)} if len(supporting) else {}
    verdicts = []
    for criterion in criteria:
        group = by_criterion.get(criterion.id)
        if group is None or group.empty:
            verdicts.append(Verdict(company_id, criterion.framework, criterion.id, "none", 0.0, 0, ()))
            continue
        group = group.sort_values(["score", "passage_id"], ascending=[False, True])
        group = group.drop_duplicates("_text_key")  # same passage id means same text
        qualified = ~(group["future"].astype(bool) | group["negative"].astype(bool))
        n_affirmative = int(qualified.sum())
        strong = bool(qualified.any()) and float(group.loc[qualified, "score"].max()) >= rules.full_min_score
        verdict = "full" if n_affirmative >= rules.full_min_passages and strong else "partial"
        # Affirmative passages first: they are what earned the verdict.
        ranked = pd.concat([group[qualified], group[~qualified]])
        evidence = tuple(_evidence(row) for row in ranked.head(rules.max_evidence).itertuples(index=False))
        verdicts.append(
            Verdict(company_id, criterion.framework, criterion.id, verdict, VERDICT_SCORE[verdict],
                    int(len(group)), evidence)
        )
    return verdicts


def _text_key(text: str) -> str:
    return " ".join(str(text).lower().split())


def _evidence(row) -> Evidence:
    page = None if pd.isna(row.page) else int(row.page)
    return Evidence(
        passage_id=row.passage_id, quote=row.text, score=round(float(row.score), 4), url=row.url or "",
        page=page, retrieved_at=row.retrieved_at or "", sha256=row.sha256 or "",
        future=bool(row.future), negative=bool(row.negative),
    )


def framework_scores(
    verdicts: Iterable[Verdict], company_type: str, taxonomy
) -> dict[str, float | None]:
    """Aggregate one company's verdicts per framework.

    RDR goes through RDR's engine (categories ``rdr.G/F/P`` and the total ``rdr``); the
    other frameworks are the mean of their criteria's scores.
    """
    from . import rdr

    verdicts = list(verdicts)
    out: dict[str, float | None] = {}
    rdr_rows = [
        {"company": v.company_id, "company_type": company_type, "indicator": v.criterion,
         "result": RDR_RESULT[v.verdict]}
        for v in verdicts if v.framework == "rdr"
    ]
    if rdr_rows:
        scores = rdr.score_indicator_verdicts(pd.DataFrame(rdr_rows), taxonomy)
        for row in scores.categories.itertuples(index=False):
            out[f"rdr.{row.category}"] = _round(row.score)
        for row in scores.totals.itertuples(index=False):
            out["rdr"] = _round(row.score)
    frame = pd.DataFrame([(v.framework, v.score) for v in verdicts if v.framework != "rdr"],
                         columns=["framework", "score"])
    for framework, group in frame.groupby("framework"):
        out[framework] = _round(group["score"].mean())
    return out


def company_type(sector: str) -> str:
    """RDR's company types: telecoms are scored on telecom indicators, everyone else as internet."""
    return "telecom" if sector.strip().lower() in ("telecom", "telecoms", "telco") else "internet"


def _round(value) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 2)
