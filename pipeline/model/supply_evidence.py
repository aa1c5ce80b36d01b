"""``hrdc evaluate supply_evidence``: are the quotes behind a KnowTheChain, CHRB or minerals verdict
passages written for that indicator, when the tagger and the element matcher never saw them?

The supply-chain criteria learn from our written passages (``corpora/labels/supply_chain.jsonl``),
so they are evaluated by cross-fitting on those passages, the way :mod:`.evidence_precision`
evaluates MSA on whole AIMS statements:

1. **Split.** The file's passages (positives and the hard negatives with empty labels) are dealt
   into ``FOLDS`` (4) folds, stratified by a passage's first label (hard negatives form one
   stratum): within a stratum passages are ordered by the sha1 of their id and dealt round
   robin, each stratum starting where the previous one stopped, so the folds differ in size by
   at most one and an indicator with k positives has positives in min(k, 4) folds. Every
   passage is held out exactly once; the figures pool the four held-out parts.
2. **Tagger.** For each fold, the rows of the default training config (``load_sources``: AIMS,
   RDR quotes, every ``corpora/labels`` file, signals and transfers as configured) without the
   fold's passages go through :func:`.training_set.configured_training_set` over every
   criterion and the :class:`.tagger.Tagger` fit ``hrdc train`` uses, but only the 62
   ktc/chrb/minerals columns are fitted. The shortcut does not change these 62 models: the rows
   and texts (signal phrases of all criteria included) and so the features are those of a full
   training, each criterion's regression, calibration, threshold and pruning read only its own
   column, and the scoring of these criteria reads only their tags. Measured on fold 0 against
   a fit of 110 criteria (these and every MSA, UNGP and GNI one) on the same set: thresholds and
   out-of-fold F1 identical, coefficients within 1.5e-5 (the threaded liblinear fits are not
   bit-reproducible run to run); 13 s against 127 s (about 490 s for all 168).
3. **Matcher.** These frameworks are judged element by element and the element matcher uses the
   written passages as examples of the elements they answer (:func:`pipeline.elements.read_examples`);
   the fold's passages are removed from those examples, otherwise a held-out passage would match
   its own text.
4. **Documents.** A fold's passages are ordered by (first label, sha1 of id) and dealt round
   robin into synthetic supplier documents of about ``PER_DOCUMENT`` (8) passages, so a document
   mixes passages for several indicators and frameworks and usually one hard negative; within a
   document passages are in sha1 order. Each document is a title line ("<name> Supplier
   Responsibility and Responsible Sourcing Statement") and one paragraph per passage, run through
   :func:`pipeline.extract.extract_text` -> :func:`pipeline.segment.segment` -> the tagger
   (:func:`pipeline.tasks.tag_with`, evidence kinds only) -> :func:`pipeline.score.score_criteria`
   as ``hrdc run`` does. The passages name different fictional companies; a document is a
   bag of disclosures in the register of supplier codes and sourcing statements, not a
   coherent company.
5. **Metric.** For every verdict that is not ``none`` on a ktc/chrb/minerals criterion, a quote is
   *labelled* when its passage contains a held-out passage labelled for that criterion or such
   passages cover at least half its characters (:func:`.evidence_precision.quote_is_labelled`).
   Reported overall, per framework and per criterion, with bootstrap 95% intervals over
   documents: the share of verdicts whose top quote is labelled, and of all quotes shown.

Written passages are cleaner and more on-topic than real supplier codes, the hard negatives are
few (25 of 279), and the passages were written from the very element questions the matcher
reads: the figure says whether the pipeline quotes the right passage among plausible
neighbours, not how it does on real documents.

>>> folds = assign_folds([{"id": f"a{i}", "labels": ["ktc.1.1"]} for i in range(5)], 4)
>>> sorted(folds.values())
[0, 0, 1, 2, 3]
"""
from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import asdict, dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from ..paths import CORPORA_DIR
from ..score import ScoringRules
from .evidence_precision import Statement, locate, restore_sentence, tag_statement, verdict_rows, MIN_OVERLAP
from .metrics import figure, fmt, ratio_of_sums
from .training_config import load_config

FRAMEWORKS = ("ktc", "chrb", "minerals")
LABEL_FILE = CORPORA_DIR / "labels" / "supply_chain.jsonl"
LABEL_SOURCE = f"labels/{LABEL_FILE.name}"  # the ``source`` of its rows in load_labels
FOLDS = 4
PER_DOCUMENT = 8
TARGET = 0.85  # as for AIMS evidence
_NAMES = ("Aldervane", "Brightmoor", "Corvant", "Dunmere", "Eastlake", "Fernhollow", "Glenwick", "Harrowgate",
          "Ironbridge", "Juniper Row", "Kestrel", "Larchfield")


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _stratum(row: dict) -> str:
    return row["labels"][0] if row["labels"] else ""


# -- split and documents --------------------------------------------------------------------
def load_written(path=LABEL_FILE) -> list[dict]:
    """The written supply-chain passages (``id``, ``text``, ``labels``, ``elements``)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"id": str(r["id"]), "text": str(r["text"]), "labels": list(r["labels"]),
             "elements": list(r.get("elements", []))} for r in rows]


def assign_folds(rows: Sequence[dict], k: int = FOLDS) -> dict[str, int]:
    """Passage id -> fold in 0..k-1, stratified by first label (see the module docstring)."""
    strata: dict[str, list[dict]] = {}
    for row in rows:
        strata.setdefault(_stratum(row), []).append(row)
    out, cursor = {}, 0
    for name in sorted(strata):
        for row in sorted(strata[name], key=lambda r: _sha(r["id"])):
            out[row["id"]] = cursor % k
            cursor += 1
    return out


def build_documents(rows: Sequence[dict], prefix: str, per_document: int = PER_DOCUMENT) -> list[Statement]:
    """Synthetic supplier documents from ``rows`` (one fold's passages; see the module docstring)."""
    from ..extract import extract_text

    ordered = sorted(rows, key=lambda r: (_stratum(r), _sha(r["id"])))
    n = max(1, math.ceil(len(ordered) / per_document))
    documents = []
    for j in range(n):
        members = sorted(ordered[j::n], key=lambda r: _sha(r["id"]))
        if not members:
            continue
        title = f"{_NAMES[j % len(_NAMES)]} Supplier Responsibility and Responsible Sourcing Statement"
        pieces = [restore_sentence(r["text"]) for r in members]
        extraction = extract_text("\n\n".join([title, *pieces]))
        spans = locate(extraction.text, pieces)
        documents.append(Statement(f"{prefix}-d{j:02d}", extraction, tuple(spans),
                                   tuple(frozenset(r["labels"]) for r in members)))
    return documents


# -- training without a fold ----------------------------------------------------------------
def criteria_ids() -> list[str]:
    from .training_set import framework_of, taxonomy_criteria

    return [c for c in taxonomy_criteria()[0] if framework_of(c) in FRAMEWORKS]


def train_without(held_out: set[str], config: dict, rows: pd.DataFrame | None = None):
    """The tagger over the supply-chain criteria, trained on the config's rows minus ``held_out``
    (ids of written supply-chain passages), by the code path ``hrdc train`` uses."""
    from .training_set import configured_training_set, load_sources
    from .tagger import Tagger

    rows = load_sources(config) if rows is None else rows
    keep = ~((rows["source"] == LABEL_SOURCE) & rows["id"].isin(held_out))
    if int((~keep).sum()) != len(held_out):
        raise ValueError(f"{len(held_out)} passages to hold out, {int((~keep).sum())} found in {LABEL_SOURCE}")
    # The training set over every criterion, as ``hrdc train`` builds it (so the texts, signal
    # phrases of all criteria included, and hence the features are the same), then only the
    # supply-chain columns are fitted.
    ts = configured_training_set(rows[keep].reset_index(drop=True), config)
    criteria = criteria_ids()
    cols = [ts.criteria.index(c) for c in criteria]
    return Tagger(criteria=criteria, **(config.get("model") or {})).fit(
        ts.texts, ts.Y[:, cols], ts.contexts, ts.groups, ts.W[:, cols])


def matcher_without(held_out_texts: Sequence[str], rules: ScoringRules):
    """The element matcher of :func:`pipeline.elements.default_matcher` without the given examples."""
    from ..elements import ElementMatcher, read_examples
    from ..taxonomy import load_taxonomy

    drop = set(held_out_texts)
    examples = {eid: [t for t in texts if t not in drop] for eid, texts in read_examples().items()}
    elements = [e for c in load_taxonomy().leaves for e in c.elements]
    return ElementMatcher(elements, examples, rules.element_similarity_scale, rules.element_cue_window or None)


# -- running --------------------------------------------------------------------------------
@dataclass
class Fold:
    """One fold with its tagger trained and its documents segmented and tagged."""

    fold: int
    held_out: list[dict]
    documents: list[Statement]
    passage_spans: list[dict]
    tags: list[pd.DataFrame]
    model_id: str
    seconds: dict[str, float] = field(default_factory=dict)


def prepare(config: dict | None = None, k: int = FOLDS, per_document: int = PER_DOCUMENT,
            folds: Sequence[int] | None = None) -> list[Fold]:
    """Train one tagger per fold and tag that fold's documents."""
    from .training_set import load_sources

    config = config if config is not None else load_config(None)
    written = load_written()
    assigned = assign_folds(written, k)
    rows = load_sources(config)
    out = []
    for f in (range(k) if folds is None else folds):
        held = [r for r in written if assigned[r["id"]] == f]
        started = time.perf_counter()
        tagger = train_without({r["id"] for r in held}, config, rows)
        trained = time.perf_counter()
        documents = build_documents(held, f"f{f}", per_document)
        spans, tags = [], []
        for doc in documents:
            s, t = tag_statement(tagger, doc)
            spans.append(s)
            tags.append(t)
        out.append(Fold(f, held, documents, spans, tags, tagger.model_id,
                        {"train": round(trained - started, 1), "segment_tag": round(time.perf_counter() - trained, 1)}))
    return out


def records(folds: Sequence[Fold], rules: ScoringRules = ScoringRules(), min_overlap: float = MIN_OVERLAP) -> pd.DataFrame:
    """Score every document under ``rules``: one row per verdict that is not "none"."""
    from ..score import score_criteria
    from ..taxonomy import load_taxonomy

    criteria = [c for c in load_taxonomy().leaves if c.framework in FRAMEWORKS]
    ids = [c.id for c in criteria]
    rows = []
    for fold in folds:
        matcher = matcher_without([r["text"] for r in fold.held_out], rules)
        for doc, spans, tags in zip(fold.documents, fold.passage_spans, fold.tags):
            verdicts, _ = score_criteria(doc.statement_id, tags, criteria, rules, matcher=matcher)
            rows += verdict_rows(doc, verdicts, spans, ids, min_overlap)
    columns = ["statement", "criterion", "verdict", "n_passages", "quotes", "labelled_quotes",
               "top_labelled", "gold_sentences", "top_quote"]
    return pd.DataFrame(rows, columns=columns)


SUMMARY_COLUMNS = ["group", "documents", "verdicts", "top_labelled", "top_share", "top_lo", "top_hi",
                   "quotes", "labelled_quotes", "quote_share", "quote_lo", "quote_hi"]


def summarise(rows: pd.DataFrame, documents: Sequence[str], criteria: Sequence[str], n_boot: int = 1000) -> pd.DataFrame:
    """One row over all ``criteria`` ("all"), one per framework and one per criterion with a
    verdict; intervals resample ``documents`` (documents without a verdict count as none)."""
    groups = {"all": list(criteria)}
    for fw in FRAMEWORKS:
        groups[fw] = [c for c in criteria if c.split(".", 1)[0] == fw]
    groups.update({c: [c] for c in criteria if c in set(rows["criterion"])})
    out = []
    for name, members in groups.items():
        part = rows[rows["criterion"].isin(members)]
        cols = ["top_labelled", "quotes", "labelled_quotes"]
        per = part.groupby("statement")[cols].sum() if len(part) else pd.DataFrame(columns=cols)
        per = per.reindex(list(documents), fill_value=0).astype(float)
        verdicts = part.groupby("statement").size().reindex(list(documents), fill_value=0).to_numpy(float)
        top = ratio_of_sums(np.column_stack([per["top_labelled"].to_numpy(), verdicts]), n_boot)
        allq = ratio_of_sums(per[["labelled_quotes", "quotes"]].to_numpy(), n_boot)
        out.append({
            "group": name, "documents": len(documents), "verdicts": int(verdicts.sum()),
            "top_labelled": int(per["top_labelled"].sum()), "top_share": top[0], "top_lo": top[1], "top_hi": top[2],
            "quotes": int(per["quotes"].sum()), "labelled_quotes": int(per["labelled_quotes"].sum()),
            "quote_share": allq[0], "quote_lo": allq[1], "quote_hi": allq[2],
        })
    return pd.DataFrame(out, columns=SUMMARY_COLUMNS)


def evaluate(config: dict, rules: ScoringRules | None = None, *, k: int = FOLDS,
             per_document: int = PER_DOCUMENT, n_boot: int = 1000) -> dict:
    """The JSON entry of ``hrdc evaluate supply_evidence``."""
    rules = rules or ScoringRules()
    folds = prepare(config, k, per_document)
    rows = records(folds, rules)
    documents = [d.statement_id for f in folds for d in f.documents]
    table = summarise(rows, documents, criteria_ids(), n_boot)
    entry = {
        "documents": len(documents), "passages": sum(len(f.held_out) for f in folds),
        "hard_negatives": sum(1 for f in folds for r in f.held_out if not r["labels"]),
        "folds": k, "per_document": per_document, "rules": asdict(rules), "min_overlap": MIN_OVERLAP,
        "target": TARGET, "model_ids": [f.model_id for f in folds],
        "seconds": {f"fold{f.fold}": f.seconds for f in folds}, "frameworks": {}, "per_criterion": {},
    }
    for row in table.itertuples(index=False):
        figures = {"verdicts": row.verdicts, "quotes": row.quotes,
                   "top_quote": figure(row.top_share, row.top_lo, row.top_hi),
                   "all_quotes": figure(row.quote_share, row.quote_lo, row.quote_hi)}
        if row.group == "all":
            entry.update(figures)
        elif row.group in FRAMEWORKS:
            entry["frameworks"][row.group] = figures
        else:
            entry["per_criterion"][row.group] = figures
    return entry


_LABEL = {"ktc": "KnowTheChain", "chrb": "CHRB", "minerals": "minerals"}


def table_rows(r: dict) -> list[str]:
    """Rows for :func:`pipeline.model.evaluation_table.render_table`."""
    where = (f"supply-chain evidence, written passages held out ({r['folds']} folds, "
             f"{r['documents']} synthetic supplier documents of {r['passages']} passages)")
    lines = [f"| {where} | share of {r['verdicts']} ktc/chrb/minerals verdicts whose top quote is a held-out "
             f"passage written for the criterion | {fmt(r['top_quote'])} | – | target >= {r['target']:.2f} |",
             f"| {where} | share of all {r['quotes']} quotes shown that are held-out passages written for the criterion | "
             f"{fmt(r['all_quotes'])} | – | – |"]
    for fw, f in r["frameworks"].items():
        lines.append(f"| {where}, {_LABEL[fw]} | top quote / all quotes written for the criterion "
                     f"({f['verdicts']} verdicts, {f['quotes']} quotes) | {fmt(f['top_quote'])} / {fmt(f['all_quotes'])} | – | – |")
    return lines


def render_detail(r: dict) -> str:
    """Per-criterion table: verdicts, top-quote and all-quote shares."""
    lines = ["", "| criterion | verdicts | top quote written for it [95% CI] | quotes | all quotes [95% CI] |",
             "|---|---|---|---|---|"]
    for criterion, f in r["per_criterion"].items():
        lines.append(f"| {criterion} | {f['verdicts']} | {fmt(f['top_quote'])} | {f['quotes']} | {fmt(f['all_quotes'])} |")
    return "\n".join(lines) + "\n"
