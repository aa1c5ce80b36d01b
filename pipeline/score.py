"""Coverage verdicts per company and criterion, each backed by the passages that earned it.

A passage *supports* a criterion when the tagger labels it (calibrated score at or above the
criterion's threshold). Criteria with element questions are answered element by element
(:func:`score_by_elements`, :mod:`pipeline.elements`: RDR, GNI, the UNGP Reporting Framework,
KnowTheChain, CHRB, conflict minerals): the score is the mean of the element answers. Criteria
without questions, those of a framework whose file says ``judged_by: passages`` (MSA) and RDR
with ``rdr_method="indicator"`` are judged on their supporting passages (:func:`score_company`);
those that state a future commitment ("we will ...") or a negative ("we do not ...") never
count as full disclosure (:func:`score_criteria` chooses):

- ``full`` (100): at least ``rules.full_min_passages`` affirmative supporting passages;
- ``partial`` (50): fewer affirmative passages, or only future / negative ones;
- ``none`` (0): no supporting passage ("no disclosure found" in RDR's terms; not N/A).

RDR indicators are then aggregated with RDR's own engine (:mod:`pipeline.rdr`): families,
categories and a total that is the mean of all applicable families. Frameworks with
``scoring: groups`` (KnowTheChain, CHRB, conflict minerals) score each group as the mean of its
criteria and the framework as the weighted mean of its groups (:func:`weighted_group_score`);
the others as the mean over their criteria.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Iterable, Sequence

import pandas as pd

from .records import Evidence, Verdict
from .settings import Settings

VERDICT_SCORE = {"full": 100.0, "partial": 50.0, "none": 0.0}
RDR_RESULT = {"full": "yes", "partial": "partial", "none": "no disclosure found"}

# Columns of the frame :func:`score_company` reads: one row per (passage, criterion) tag.
TAG_COLUMNS = (
    "passage_id", "criterion", "score", "label", "future", "negative",
    "text", "url", "page", "retrieved_at", "sha256",
)
#: Columns of a company's evidence passages (:meth:`Workspace.current_passages`, with the
#: ``doctype`` of their document, which the document-type gate reads).
PASSAGE_COLUMNS = ("passage_id", "future", "negative", "text", "url", "page", "retrieved_at", "sha256", "doctype")


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
    - ``evidence_full_chars``: quotes are ranked by score, a passage shorter than this many
      characters by ``score * sqrt(chars / evidence_full_chars)``: fragments ("monitoring the
      effectiveness of our approach.") are seldom the sentence an expert would quote.
    """

    # Defaults are the settings' (pipeline/settings.py), where each says what it was measured on.
    full_min_passages: int = Settings.full_min_passages
    min_evidence_score: float = Settings.min_evidence_score
    full_min_score: float = Settings.full_min_score
    max_evidence: int = Settings.max_evidence
    evidence_full_chars: int = Settings.evidence_full_chars
    #: ``elements`` (RDR's element questions answered one by one, :mod:`pipeline.elements`) or
    #: ``indicator`` (the passage count above, applied to RDR indicators too).
    rdr_method: str = Settings.rdr_method
    #: Element answers (:func:`pipeline.elements.assess_elements`): a passage labelled for the
    #: indicator that matches an element question at least ``element_yes_match`` answers it
    #: "yes" when ``element_yes_min_passages`` distinct passages do so (one answers "partial", as
    #: RDR's researchers give partial credit for a disclosure that is not comprehensive), at least
    #: ``element_partial_match`` "partial"; ``element_similarity_scale`` is the TF-IDF cosine
    #: read as a full match; a cue's words must fall within ``element_cue_window`` word stems.
    element_yes_match: float = Settings.element_yes_match
    element_partial_match: float = Settings.element_partial_match
    element_yes_min_passages: int = Settings.element_yes_min_passages
    element_similarity_scale: float = Settings.element_similarity_scale
    element_cue_window: int = Settings.element_cue_window
    element_max_evidence: int = Settings.element_max_evidence
    #: ``learned``: elements the element model (``element_model``, default the model folder's
    #: ``elements.joblib``) covers are read on every evidence passage and answered with its
    #: probability against ``element_learned_yes`` (``element_learned_passages`` passages) /
    #: ``element_learned_partial``, only in documents that can answer them with ``element_doctype_gate``.
    element_reader: str = Settings.element_reader
    element_model: str = Settings.element_model
    element_learned_yes: float = Settings.element_learned_yes
    element_learned_partial: float = Settings.element_learned_partial
    element_learned_passages: int = Settings.element_learned_passages
    element_doctype_gate: bool = Settings.element_doctype_gate
    element_min_chars: int = Settings.element_min_chars
    #: the learned thresholds move with the number of passages an element reads (above
    #: ``element_reference_passages``: higher), :func:`pipeline.elements.count_adjusted`.
    element_reference_passages: int = Settings.element_reference_passages
    element_count_slope: float = Settings.element_count_slope

    @classmethod
    def from_settings(cls, settings) -> "ScoringRules":
        """The rules a run's :class:`~pipeline.settings.Settings` set (same field names); the
        element model defaults to the run's model folder."""
        rules = cls(**{f.name: getattr(settings, f.name) for f in fields(cls)})
        return rules if rules.element_model else replace(rules, element_model=settings.model)

    def element_model_file(self):
        """The element model file these rules read with, or None (``lexical``, or a model
        folder without ``elements.joblib``); checks the path without loading the model."""
        from .model.element_model import element_model_file
        from .paths import DEFAULT_MODEL

        if self.element_reader != "learned":
            return None
        file = element_model_file(self.element_model or DEFAULT_MODEL)
        return file if file.is_file() else None

    def learned_model(self):
        """The element model these rules read with (loaded once per process), or None."""
        from .model.element_model import load_element_model

        file = self.element_model_file()
        return None if file is None else load_element_model(str(file))


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
    supporting = supporting_tags(tags, rules)
    by_criterion = {c: g for c, g in supporting.groupby("criterion", sort=False)} if len(supporting) else {}
    verdicts = []
    for criterion in criteria:
        group = by_criterion.get(criterion.id)
        if group is None or group.empty:
            verdicts.append(Verdict(company_id, criterion.framework, criterion.id, "none", 0.0, 0, ()))
            continue
        group = group.assign(_rank=_evidence_rank(group, rules.evidence_full_chars))
        group = group.sort_values(["_rank", "passage_id"], ascending=[False, True])
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


def score_by_elements(
    company_id: str,
    tags: pd.DataFrame,
    criteria: Sequence,
    rules: ScoringRules = ScoringRules(),
    *,
    company_type: str = "internet",
    documents: Sequence[dict] = (),
    services: Sequence[str] = (),
    passages: pd.DataFrame | None = None,
    matcher=None,
) -> tuple[list[Verdict], list]:
    """Verdicts of criteria with element questions (RDR's indicators, the UNGP Reporting
    Framework's supporting questions) from element answers (:func:`pipeline.elements.assess_elements`).

    Returns the verdicts (score = the mean of the element points, as RDR scores an indicator
    at one level; criteria left out for the company type get no verdict) and the element
    results they came from. ``passages``: the company's evidence passages (:data:`PASSAGE_COLUMNS`),
    which the learned element model reads (:meth:`ScoringRules.learned_model`).
    ``matcher`` (default :func:`pipeline.elements.default_matcher` for
    ``rules``) is for evaluations that must not match against the written examples they test.
    """
    from .elements import assess_elements, default_matcher, indicator_verdicts

    supporting = supporting_tags(tags, rules)
    if len(supporting):
        supporting = (supporting.sort_values(["score", "passage_id"], ascending=[False, True])
                      .drop_duplicates(["criterion", "_text_key"]))
    if matcher is None:
        matcher = default_matcher(rules.element_similarity_scale, rules.element_cue_window or None)
    results = assess_elements(
        company_id, company_type, supporting, criteria, matcher,
        yes_match=rules.element_yes_match, partial_match=rules.element_partial_match,
        yes_min_passages=rules.element_yes_min_passages,
        max_evidence=rules.element_max_evidence, documents=documents, services=services,
        evidence_of=_evidence, learned=_learned(rules, passages),
        passages=_unique_passages(passages), learned_yes=rules.element_learned_yes,
        learned_partial=rules.element_learned_partial, learned_passages=rules.element_learned_passages,
        doctype_gate=rules.element_doctype_gate, learned_min_chars=rules.element_min_chars,
        reference_passages=rules.element_reference_passages, count_slope=rules.element_count_slope)
    answers = indicator_verdicts(results, criteria)
    counts = supporting.groupby("criterion")["_text_key"].nunique() if len(supporting) else pd.Series(dtype=int)
    by_criterion: dict[str, list] = {}
    for r in results:
        by_criterion.setdefault(r.criterion, []).append(r)
    verdicts = []
    for criterion in criteria:
        verdict, score = answers.get(criterion.id, ("na", None))
        if verdict == "na":
            continue
        ranked = sorted((r for r in by_criterion[criterion.id] if r.evidence), key=lambda r: -r.match)
        evidence = tuple({e.passage_id: e for r in ranked for e in r.evidence}.values())
        verdicts.append(Verdict(company_id, criterion.framework, criterion.id, verdict, float(score),
                                int(counts.get(criterion.id, 0)), evidence[: rules.max_evidence]))
    return verdicts, results


def _learned(rules: ScoringRules, passages: pd.DataFrame | None):
    """The element model for ``passages`` (None without passages); passages sent with no model
    to read them is a worker that cannot see the driver's model file."""
    if passages is None:
        return None
    model = rules.learned_model()
    if model is None:
        raise FileNotFoundError(f"element model {rules.element_model or 'of models/default'} not found in this "
                                "worker; install the model folder where the workers run")
    return model


def _unique_passages(passages: pd.DataFrame | None) -> pd.DataFrame | None:
    """Passages with the same folded text once per document type (the first by passage id): a
    paragraph in both the terms and the privacy policy stays in each, so the document-type gate
    reads the copy that can answer."""
    if passages is None or not len(passages):
        return passages
    keyed = passages.sort_values("passage_id").reset_index(drop=True)
    keyed = keyed.assign(_text_key=keyed["text"].map(_text_key))
    return keyed.drop_duplicates(["_text_key", "doctype"] if "doctype" in keyed else ["_text_key"]).reset_index(drop=True)


def judged_by_elements(criterion, rules: ScoringRules = ScoringRules()) -> bool:
    """Whether ``criterion`` is answered question by question: it has element questions, its
    framework's file does not say ``judged_by: passages``, and for RDR ``rules.rdr_method`` is
    ``elements``."""
    from .taxonomy import load_taxonomy

    header = load_taxonomy().frameworks.get(criterion.framework, {})
    return (bool(criterion.elements) and header.get("judged_by", "elements") == "elements"
            and (criterion.framework != "rdr" or rules.rdr_method == "elements"))


def score_criteria(
    company_id: str,
    tags: pd.DataFrame,
    criteria: Sequence,
    rules: ScoringRules = ScoringRules(),
    *,
    company_type: str = "internet",
    documents: Sequence[dict] = (),
    services: Sequence[str] = (),
    passages: pd.DataFrame | None = None,
    matcher=None,
) -> tuple[list[Verdict], list]:
    """Verdicts and element results for ``criteria``, each judged the way its framework asks:
    element by element where it has element questions and its file says ``judged_by: elements``
    (the default; RDR only with ``rules.rdr_method == "elements"``), else on its supporting passages.
    ``matcher``: the element matcher (default: :func:`pipeline.elements.default_matcher`)."""
    by_elements = [c for c in criteria if judged_by_elements(c, rules)]
    ids = {c.id for c in by_elements}
    counted = [c for c in criteria if c.id not in ids]
    element_tags = tags[tags["criterion"].isin(ids)] if len(tags) else tags
    verdicts, elements = score_by_elements(
        company_id, element_tags, by_elements, rules, company_type=company_type, documents=documents,
        services=services, passages=passages, matcher=matcher)
    return verdicts + score_company(company_id, tags, counted, rules), elements


def supporting_tags(tags: pd.DataFrame, rules: ScoringRules) -> pd.DataFrame:
    """Labelled tags at or above the evidence floor, with the folded text that deduplicates them."""
    if not len(tags):
        return tags.assign(_text_key=pd.Series(dtype=str))
    supporting = tags[tags["label"].astype(bool) & (tags["score"] >= rules.min_evidence_score)]
    return supporting.assign(_text_key=supporting["text"].map(_text_key))


def _evidence_rank(group: pd.DataFrame, full_chars: int) -> pd.Series:
    """Score, scaled down by ``sqrt(chars / full_chars)`` for passages shorter than ``full_chars``."""
    if full_chars <= 0:
        return group["score"]
    return group["score"] * (group["text"].str.len().clip(upper=full_chars) / full_chars) ** 0.5


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
    verdicts: Iterable[Verdict], company_type: str, taxonomy, element_results: Sequence = ()
) -> dict[str, float | None]:
    """Aggregate one company's verdicts per framework.

    RDR goes through RDR's engine (categories ``rdr.G/F/P`` and the total ``rdr``), from the
    element results when given, else from one verdict per indicator; ``scoring: groups``
    frameworks give each group (``ktc.4``) and their weighted mean; the other frameworks are
    the mean of their criteria's scores.
    """
    from . import rdr
    from .elements import element_rows

    verdicts = list(verdicts)
    out: dict[str, float | None] = {}
    rdr_rows = [
        {"company": v.company_id, "company_type": company_type, "indicator": v.criterion,
         "result": RDR_RESULT[v.verdict]}
        for v in verdicts if v.framework == "rdr"
    ]
    scores = None
    rdr_elements = [r for r in element_results if r.criterion.startswith("rdr.")]
    if rdr_elements:
        scores = rdr.score_elements(element_rows(rdr_elements, company_type, taxonomy), taxonomy)
    elif rdr_rows:
        scores = rdr.score_indicator_verdicts(pd.DataFrame(rdr_rows), taxonomy)
    if scores is not None:
        for row in scores.categories.itertuples(index=False):
            out[f"rdr.{row.category}"] = _round(row.score)
        for row in scores.totals.itertuples(index=False):
            out["rdr"] = _round(row.score)
    frame = pd.DataFrame([(v.framework, v.criterion, v.score) for v in verdicts if v.framework != "rdr"],
                         columns=["framework", "criterion", "score"])
    for framework, group in frame.groupby("framework", sort=False):
        header = taxonomy.frameworks[framework]
        if header.get("scoring") == "groups":
            themes = group.assign(group=[taxonomy.get(c).category for c in group["criterion"]])
            total, parts = weighted_group_score(themes, header["weights"])
            out.update({f"{framework}.{g}": _round(s) for g, s in parts.items()})
            out[framework] = _round(total)
        else:
            out[framework] = _round(group["score"].mean())
    return out


def weighted_group_score(scores: pd.DataFrame, weights: dict[str, float]) -> tuple[float, dict[str, float]]:
    """A ``scoring: groups`` framework's score from its criteria's: ``scores`` has columns
    ``group, score``; each group scores the mean of its criteria, the framework the mean of the
    groups weighted by ``weights`` (KnowTheChain: themes weighted equally; CHRB: its theme
    weights). Groups without a scored criterion are left out of the weighted mean."""
    parts = {g: float(s) for g, s in scores.groupby("group", sort=False)["score"].mean().items()}
    total = sum(weights[g] * s for g, s in parts.items()) / sum(weights[g] for g in parts)
    return total, {g: parts[g] for g in weights if g in parts}


def _round(value) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 2)
