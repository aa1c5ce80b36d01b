"""``hrdc evaluate evidence``: are the quotes hrdc shows for an MSA verdict the sentences experts chose?

Whole AIMS statements of one jurisdiction go through the same functions ``hrdc run`` uses
(:func:`pipeline.extract.extract_text` -> :func:`pipeline.segment.segment` -> the tagger via
:func:`pipeline.tasks.tag_passages`, evidence kinds only -> :func:`pipeline.score.score_criteria`),
with a tagger trained on the other jurisdiction exactly as ``hrdc evaluate aims`` trains it
(AU->CA and CA->AU). For every verdict that is not ``none`` on an MSA criterion the test side
annotates, a quote *is expert-labelled* when its passage contains a sentence AIMS experts
labelled positive for that criterion, or when such sentences cover at least half of the
quote's characters (a piece of a long labelled sentence). Reported, with bootstrap 95%
intervals over statements:

- **top quote**: the share of verdicts whose first quote is expert-labelled;
- **all quotes**: the share of all quotes shown (up to ``ScoringRules.max_evidence`` per verdict);
- **ceiling**: the share of verdicts with an expert-labelled sentence among any of the passages
  that could have been quoted (every passage that counted for the verdict): what the top quote
  would reach if hrdc always chose the best of them. AIMS labels sentences sparsely, so the
  ceiling is below 1 even where every candidate would satisfy a reader.

AIMS publishes sentences, not documents, and strips their final full stops. A statement is
rebuilt from its sentences in order, each given back a full stop when it ends without
punctuation, ``paragraph_sentences`` sentences to a paragraph (default 1: a passage is then an
AIMS sentence, or a piece of one, which makes "contains a labelled sentence" strict; larger
paragraphs give the segmenter multi-sentence passages, and a passage holding one labelled
sentence among several unlabelled ones counts as expert-labelled).

>>> quote_is_labelled((0, 40), [(10, 30)])  # contains a labelled sentence
True
>>> quote_is_labelled((0, 40), [(30, 80)])  # 10 of 40 characters labelled
False
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..records import Extraction, sha256_bytes
from ..score import ScoringRules
from . import datasets
from .benchmarks import train_aims_tagger
from .metrics import figure, fmt, ratio_of_sums
from .training_config import load_config

SPLITS = {"AU->CA": ("AU", "CA"), "CA->AU": ("CA", "AU")}
TARGET = 0.85
MIN_OVERLAP = 0.5
_TERMINAL = re.compile(r"[.!?;:…][\"'”’)\]]*$")

Span = tuple[int, int]


# -- statements -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Statement:
    """One rebuilt statement: its extraction and where each AIMS sentence sits in its text.

    ``spans[i]`` is ``None`` for a sentence that could not be found again (empty after clean-up).
    """

    statement_id: str
    extraction: Extraction
    spans: tuple[Span | None, ...]
    labels: tuple[frozenset[str], ...]

    def labelled_spans(self, criterion: str) -> list[Span]:
        return [s for s, lab in zip(self.spans, self.labels) if s is not None and criterion in lab]


def restore_sentence(sentence: str) -> str:
    """A cleaned AIMS sentence with a full stop when it ends without punctuation."""
    from ..extract.normalize import clean_line

    text = clean_line(str(sentence))
    return text if not text or _TERMINAL.search(text) else text + "."


def locate(text: str, pieces: Sequence[str]) -> list[Span | None]:
    """Offsets of each of ``pieces`` in ``text``, searched in order (each after the previous)."""
    spans: list[Span | None] = []
    cursor = 0
    for piece in pieces:
        at = text.find(piece, cursor) if piece else -1
        if at < 0:
            spans.append(None)
            continue
        spans.append((at, at + len(piece)))
        cursor = at + len(piece)
    return spans


def build_statement(statement_id: str, sentences: Sequence[str], labels: Sequence[Iterable[str]],
                    paragraph_sentences: int = 1) -> Statement:
    """Rebuild a statement's text from its sentences in order and extract it as plain text."""
    from ..extract import extract_text

    if paragraph_sentences < 1:
        raise ValueError(f"paragraph_sentences={paragraph_sentences}: need at least 1")
    restored = [restore_sentence(s) for s in sentences]
    kept = [s for s in restored if s]
    paragraphs = [" ".join(kept[i:i + paragraph_sentences]) for i in range(0, len(kept), paragraph_sentences)]
    extraction = extract_text("\n\n".join(paragraphs))
    return Statement(statement_id, extraction, tuple(locate(extraction.text, restored)),
                     tuple(frozenset(lab) for lab in labels))


# -- matching -------------------------------------------------------------------------------
def overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def quote_is_labelled(quote: Span, labelled: Sequence[Span], min_overlap: float = MIN_OVERLAP) -> bool:
    """Whether a quote (its character span) is an expert-labelled sentence.

    True when the quote contains one of the ``labelled`` sentence spans, or when labelled
    sentences cover at least ``min_overlap`` of the quote's characters.
    """
    length = quote[1] - quote[0]
    if length <= 0:
        return False
    covered = 0
    for span in labelled:
        if span[0] >= quote[0] and span[1] <= quote[1] and span[1] > span[0]:
            return True
        covered += overlap(quote, span)  # labelled sentences never overlap one another
    return covered >= min_overlap * length


def verdict_rows(statement: Statement, verdicts, passage_spans: dict[str, Span],
                 criteria: Sequence[str], min_overlap: float = MIN_OVERLAP,
                 candidates: dict[str, Sequence[str]] | None = None) -> list[dict]:
    """One row per verdict that is not "none" on ``criteria``: its quotes and which are labelled.

    ``candidates`` (criterion -> passage ids that counted for it) sets ``any_labelled``: whether
    any of them is labelled; without it, whether any quote shown is."""
    rows = []
    for v in verdicts:
        if v.criterion not in criteria or v.verdict == "none":
            continue
        labelled = statement.labelled_spans(v.criterion)
        hits = [quote_is_labelled(passage_spans[e.passage_id], labelled, min_overlap) for e in v.evidence]
        pool = (candidates or {}).get(v.criterion)
        any_hit = any(hits) if pool is None else any(
            quote_is_labelled(passage_spans[p], labelled, min_overlap) for p in pool)
        rows.append({
            "statement": statement.statement_id, "criterion": v.criterion, "verdict": v.verdict,
            "n_passages": v.n_passages, "quotes": len(hits), "labelled_quotes": int(sum(hits)),
            "top_labelled": bool(hits and hits[0]), "any_labelled": bool(any_hit), "gold_sentences": len(labelled),
            "top_quote": v.evidence[0].quote if v.evidence else "",
        })
    return rows


# -- metric ---------------------------------------------------------------------------------
SUMMARY_COLUMNS = [
    "split", "criterion", "statements", "verdicts", "top_labelled", "top_share", "top_lo", "top_hi",
    "quotes", "labelled_quotes", "quote_share", "quote_lo", "quote_hi", "ceiling_share", "ceiling_lo", "ceiling_hi",
]


def summarise(rows: pd.DataFrame, split: str, statements: Sequence[str], criteria: Sequence[str],
              n_boot: int = 1000) -> pd.DataFrame:
    """Per split: one row over all ``criteria`` ("all"), one over the 9 criteria every AIMS
    jurisdiction annotates ("shared9", when ``criteria`` has more) and one per criterion."""
    shared = [f"msa.{c}" for c in datasets.AIMS_SHARED9]
    groups = {"all": list(criteria)}
    if set(criteria) - set(shared):
        groups["shared9"] = [c for c in criteria if c in shared]
    out = []
    for criterion in [*groups, *criteria]:
        part = rows[rows["criterion"].isin(groups.get(criterion, [criterion]))]
        if "any_labelled" not in part:
            part = part.assign(any_labelled=part["labelled_quotes"] > 0)
        cols = ["top_labelled", "quotes", "labelled_quotes", "any_labelled"]
        per = part.groupby("statement")[cols].sum() if len(part) else pd.DataFrame(columns=cols)
        per = per.reindex(list(statements), fill_value=0).astype(float)
        verdicts = part.groupby("statement").size().reindex(list(statements), fill_value=0).to_numpy(float)
        top = ratio_of_sums(np.column_stack([per["top_labelled"].to_numpy(), verdicts]), n_boot)
        allq = ratio_of_sums(per[["labelled_quotes", "quotes"]].to_numpy(), n_boot)
        ceiling = ratio_of_sums(np.column_stack([per["any_labelled"].to_numpy(), verdicts]), n_boot)
        out.append({
            "split": split, "criterion": criterion, "statements": len(statements), "verdicts": int(verdicts.sum()),
            "top_labelled": int(per["top_labelled"].sum()), "top_share": top[0], "top_lo": top[1], "top_hi": top[2],
            "quotes": int(per["quotes"].sum()), "labelled_quotes": int(per["labelled_quotes"].sum()),
            "quote_share": allq[0], "quote_lo": allq[1], "quote_hi": allq[2],
            "ceiling_share": ceiling[0], "ceiling_lo": ceiling[1], "ceiling_hi": ceiling[2],
        })
    return pd.DataFrame(out, columns=SUMMARY_COLUMNS)


# -- the pipeline on one statement ----------------------------------------------------------
def tag_statement(tagger, statement: Statement) -> tuple[dict[str, Span], pd.DataFrame]:
    """Segment and tag one statement as ``hrdc run`` does: (passage spans, labelled tags frame)."""
    from ..passage_kind import EVIDENCE_KINDS
    from ..score import TAG_COLUMNS
    from ..segment import segment
    from ..tasks import tag_with

    sha = sha256_bytes(statement.extraction.text.encode("utf-8"))
    passages = [p for p in segment(statement.extraction, sha) if p.kind in EVIDENCE_KINDS]
    spans = {p.passage_id: (p.char_start, p.char_end) for p in passages}
    tags, attrs = tag_with(tagger, [p.to_dict() for p in passages])
    by_id = {p.passage_id: p for p in passages}
    flags = {a["passage_id"]: a for a in attrs}
    rows = [{
        "passage_id": t["passage_id"], "criterion": t["criterion"], "score": t["score"], "label": t["label"],
        "future": flags[t["passage_id"]]["future"], "negative": flags[t["passage_id"]]["negative"],
        "text": by_id[t["passage_id"]].text, "url": "", "page": by_id[t["passage_id"]].page,
        "retrieved_at": "", "sha256": sha,
    } for t in tags if t["label"]]  # run_score reads labelled tags only
    return spans, pd.DataFrame(rows, columns=list(TAG_COLUMNS))


@dataclass
class Prepared:
    """One split with the tagger trained and every test statement segmented and tagged.

    Scoring rules only act after tagging, so one Prepared serves any number of rule settings.
    """

    split: str
    criteria: list[str]                     # the MSA criteria the test side annotates
    statements: list[Statement]
    passage_spans: list[dict[str, Span]]
    tags: list[pd.DataFrame]
    model_id: str
    seconds: dict[str, float] = field(default_factory=dict)


def load_test_statements(jurisdiction: str, paragraph_sentences: int = 1, max_statements: int | None = None) -> list[Statement]:
    test = datasets.load_aims(jurisdiction, context_sentences=0)
    groups = list(dict.fromkeys(test["group"]))[:max_statements]
    out = []
    for group in groups:
        rows = test[test["group"] == group]
        out.append(build_statement(group, rows["text"].tolist(), rows["labels"].tolist(), paragraph_sentences))
    return out


def prepare(split: str, config: dict | None = None, *, paragraph_sentences: int = 1,
            max_statements: int | None = None) -> Prepared:
    """Train on the split's training side as ``hrdc evaluate aims`` does, then segment and tag the test side."""
    if split not in SPLITS:
        raise ValueError(f"split {split!r}: choose {', '.join(SPLITS)} or both")
    config = config if config is not None else load_config(None)
    train_j, test_j = SPLITS[split]
    started = time.perf_counter()
    tagger = train_aims_tagger(train_j, config)
    trained = time.perf_counter()
    statements = load_test_statements(test_j, paragraph_sentences, max_statements)
    skip = {f"msa.{c}" for c in datasets.AIMS_UNANNOTATED.get(test_j, ())}
    criteria = [f"msa.{c}" for c in datasets.AIMS_COLUMNS if f"msa.{c}" not in skip]
    spans, tags = [], []
    for statement in statements:
        s, t = tag_statement(tagger, statement)
        spans.append(s)
        tags.append(t)
    return Prepared(split, criteria, statements, spans, tags, tagger.model_id,
                    {"train": round(trained - started, 1), "segment_tag": round(time.perf_counter() - trained, 1)})


def records(prepared: Prepared, rules: ScoringRules = ScoringRules(), min_overlap: float = MIN_OVERLAP) -> pd.DataFrame:
    """Score every test statement under ``rules``: one row per verdict that is not "none"."""
    from ..score import score_criteria, supporting_tags
    from ..taxonomy import load_taxonomy

    msa = [c for c in load_taxonomy().leaves if c.framework == "msa"]
    rows = []
    for statement, spans, tags in zip(prepared.statements, prepared.passage_spans, prepared.tags):
        verdicts, _ = score_criteria(statement.statement_id, tags, msa, rules)
        pool = supporting_tags(tags, rules).groupby("criterion")["passage_id"].agg(list).to_dict() if len(tags) else {}
        rows += verdict_rows(statement, verdicts, spans, prepared.criteria, min_overlap, pool)
    columns = ["statement", "criterion", "verdict", "n_passages", "quotes", "labelled_quotes",
               "top_labelled", "any_labelled", "gold_sentences", "top_quote"]
    return pd.DataFrame(rows, columns=columns).assign(split=prepared.split)


_PREPARED: dict[tuple, Prepared] = {}


def _prepared(split: str, config: dict | None, paragraph_sentences: int, max_statements: int | None) -> Prepared:
    """Prepared splits are kept per process: comparing rule settings retrains nothing."""
    key = (split, json.dumps(config, sort_keys=True, default=str), paragraph_sentences, max_statements)
    if key not in _PREPARED:
        _PREPARED[key] = prepare(split, config, paragraph_sentences=paragraph_sentences, max_statements=max_statements)
    return _PREPARED[key]


def evidence_precision(rules: ScoringRules | None = None, split: str = "both", *, config: dict | None = None,
                       paragraph_sentences: int = 1, max_statements: int | None = None,
                       min_overlap: float = MIN_OVERLAP, n_boot: int = 1000) -> pd.DataFrame:
    """Evidence precision under ``rules`` (default :class:`ScoringRules`) for ``split``
    ("AU->CA", "CA->AU" or "both"): :data:`SUMMARY_COLUMNS`, one "all" row and one row per
    criterion for each split. The trained and tagged splits are cached in the process, so a
    second call with other rules only rescores.

    >>> evidence_precision(ScoringRules(min_evidence_score=0.3), "AU->CA")  # doctest: +SKIP
    """
    rules = rules or ScoringRules()
    splits = list(SPLITS) if split == "both" else [split]
    frames = []
    for name in splits:
        prepared = _prepared(name, config, paragraph_sentences, max_statements)
        rows = records(prepared, rules, min_overlap)
        frames.append(summarise(rows, name, [s.statement_id for s in prepared.statements], prepared.criteria, n_boot))
    return pd.concat(frames, ignore_index=True)


# -- hrdc evaluate evidence -----------------------------------------------------------------
def evaluate(config: dict, rules: ScoringRules | None = None, *, paragraph_sentences: int = 1) -> dict:
    """The JSON entry of ``hrdc evaluate evidence``."""
    rules = rules or ScoringRules()
    table = evidence_precision(rules, "both", config=config, paragraph_sentences=paragraph_sentences)
    out = {}
    for split, part in table.groupby("split", sort=False):
        prepared = _prepared(split, config, paragraph_sentences, None)
        entry = {"statements": int(part["statements"].iloc[0]), "rules": asdict(rules),
                 "paragraph_sentences": paragraph_sentences, "min_overlap": MIN_OVERLAP, "target": TARGET,
                 "model_id": prepared.model_id, "seconds": prepared.seconds, "per_criterion": {}}
        for row in part.itertuples(index=False):
            figures = {
                "verdicts": row.verdicts, "quotes": row.quotes,
                "top_quote": figure(row.top_share, row.top_lo, row.top_hi),
                "all_quotes": figure(row.quote_share, row.quote_lo, row.quote_hi),
                "ceiling": figure(row.ceiling_share, row.ceiling_lo, row.ceiling_hi),
            }
            if row.criterion == "all":
                entry.update(figures)
            elif row.criterion == "shared9":
                entry["shared9"] = figures
            else:
                entry["per_criterion"][row.criterion] = figures
        out[f"evidence:{split}"] = entry
    return out


def table_rows(results: dict) -> list[str]:
    """Rows for :func:`pipeline.model.evaluation_table.render_table`."""
    lines = []
    for key, r in results.items():
        where = f"AIMS evidence {key.split(':', 1)[1]} ({r['statements']} whole statements)"
        lines.append(f"| {where} | share of {r['verdicts']} verdicts whose top quote is expert-labelled | "
                     f"{fmt(r['top_quote'])} | – | target >= {r['target']:.2f} |")
        lines.append(f"| {where} | share of all {r['quotes']} quotes shown that are expert-labelled | "
                     f"{fmt(r['all_quotes'])} | – | – |")
        if "ceiling" in r:
            lines.append(f"| {where} | ceiling: verdicts with an expert-labelled sentence among any passage that counted | "
                         f"{fmt(r['ceiling'])} | – | the most a better choice of quote could reach |")
        if "shared9" in r:
            f = r["shared9"]
            lines.append(f"| {where}, 9 shared criteria | top quote / all quotes expert-labelled ({f['verdicts']} verdicts) | "
                         f"{fmt(f['top_quote'])} / {fmt(f['all_quotes'])} | – | – |")
    return lines


def render_detail(results: dict) -> str:
    """Per-criterion table: verdicts, top-quote and all-quote shares."""
    lines = ["", "| split | criterion | verdicts | top quote labelled [95% CI] | quotes | all quotes labelled [95% CI] |",
             "|---|---|---|---|---|---|"]
    for key, r in results.items():
        for criterion, f in r["per_criterion"].items():
            lines.append(f"| {key.split(':', 1)[1]} | {criterion} | {f['verdicts']} | {fmt(f['top_quote'])} | "
                         f"{f['quotes']} | {fmt(f['all_quotes'])} |")
    return "\n".join(lines) + "\n"
