"""Loaders for the labelled data sets the tagger trains and is evaluated on.

Every loader returns a DataFrame with at least ``id, text, context, group, labels`` where
``labels`` is a list of criterion ids and ``group`` is the unit a split must never cut
(statement, company or policy). The shared data is found with :func:`paths.data_dir`;
a missing or malformed file raises :class:`DatasetError` naming the file and what to do.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..jsonl import iter_jsonl
from ..paths import CORPORA_DIR, data_dir

AIMS_COLUMNS = (
    "approval", "signature", "c1_reporting_entity", "c2_structure", "c2_operations",
    "c2_supply_chains", "c3_risk_description", "c4_risk_mitigation", "c4_remediation",
    "c5_effectiveness", "c6_consultation",
)
# UK and CA annotate neither C1 nor C6: their zeros there mean "not annotated".
AIMS_UNANNOTATED = {"CA": ("c1_reporting_entity", "c6_consultation")}
AIMS_SHARED9 = tuple(c for c in AIMS_COLUMNS if c not in ("c1_reporting_entity", "c6_consultation"))

# OPP-115 category -> RDR indicators whose prediction counts as tagging the category.
OPP115_TO_RDR: dict[str, tuple[str, ...]] = {
    "First Party Collection/Use": ("rdr.P3a", "rdr.P5"),
    "Third Party Sharing/Collection": ("rdr.P4", "rdr.P3b", "rdr.P9"),
    "User Choice/Control": ("rdr.P7",),
    "User Access, Edit and Deletion": ("rdr.P8", "rdr.P7"),
    "Data Retention": ("rdr.P6",),
    "Data Security": ("rdr.P13", "rdr.P14", "rdr.P15", "rdr.P16", "rdr.P17"),
    "Policy Change": ("rdr.P2a",),
    "Do Not Track": ("rdr.P9",),
}


class DatasetError(RuntimeError):
    """A data file is missing or not in the expected format."""


def _path(relative: str, root: Path | None = None) -> Path:
    path = (root or data_dir()) / relative
    if not path.exists():
        raise DatasetError(
            f"{path} not found; set HRDC_DATA to the folder holding the shared data "
            f"(aims/, rdr/, opp115/)"
        )
    return path


def _read_jsonl(path: Path) -> list[dict]:
    return [row for _, row in iter_jsonl(path, DatasetError)]


def neighbour_context(texts: pd.Series, groups: pd.Series, k: int = 1) -> pd.Series:
    """The ``k`` preceding and ``k`` following texts of the same group, joined by spaces.

    ``texts`` must already be in document order within each group.
    """
    out = pd.Series("", index=texts.index, dtype=object)
    for _, idx in texts.groupby(groups, sort=False).groups.items():
        items = texts.loc[idx].tolist()
        for i, row in enumerate(idx):
            out.loc[row] = " ".join(items[max(0, i - k):i] + items[i + 1:i + 1 + k])
    return out


def load_aims(jurisdiction: str, *, context_sentences: int = 1, root: Path | None = None) -> pd.DataFrame:
    """AIMS sentences of one jurisdiction ("AU" or "CA") with neighbouring-sentence context.

    ``labels`` holds the ``msa.*`` ids set to 1; ``unannotated`` the ids the set does not label.
    """
    jurisdiction = jurisdiction.upper()
    if jurisdiction not in ("AU", "CA"):
        raise DatasetError(f"AIMS jurisdiction {jurisdiction!r}: choose AU or CA (UK is kept back)")
    path = _path(f"aims/aims_{jurisdiction.lower()}.csv", root)
    df = pd.read_csv(path)
    missing = {"statement_id", "sentence_idx", "sentence", *AIMS_COLUMNS} - set(df.columns)
    if missing:
        raise DatasetError(f"{path}: missing columns {', '.join(sorted(missing))}")
    df = df.sort_values(["statement_id", "sentence_idx"], kind="stable").reset_index(drop=True)
    df["sentence"] = df["sentence"].fillna("").astype(str)
    skip = AIMS_UNANNOTATED.get(jurisdiction, ())
    values = df[list(AIMS_COLUMNS)].to_numpy()
    labels = [[f"msa.{c}" for c, v in zip(AIMS_COLUMNS, row) if v == 1 and c not in skip] for row in values]
    return pd.DataFrame({
        "id": [f"aims-{jurisdiction}-{s}-{i}" for s, i in zip(df["statement_id"], df["sentence_idx"])],
        "text": df["sentence"],
        "context": neighbour_context(df["sentence"], df["statement_id"], context_sentences),
        "group": jurisdiction + ":" + df["statement_id"].astype(str),
        "labels": labels,
        "unannotated": [[f"msa.{c}" for c in skip]] * len(df),
        "source": f"aims_{jurisdiction.lower()}",
    })


def load_rdr_quotes(root: Path | None = None) -> pd.DataFrame:
    """RDR evidence quotes (2020, 2022), grouped by company; no context."""
    path = _path("rdr/rdr_evidence_quotes.jsonl", root)
    rows = _read_jsonl(path)
    for n, row in enumerate(rows, 1):
        if not {"id", "company", "text", "labels"} <= set(row):
            raise DatasetError(f"{path}: record {n} lacks one of id, company, text, labels")
    return pd.DataFrame({
        "id": ["rdr-" + str(r["id"]) for r in rows],
        "text": [str(r["text"]) for r in rows],
        "context": "",
        "group": ["rdr:" + str(r["company"]) for r in rows],
        "labels": [list(r["labels"]) for r in rows],
        "unannotated": [[] for _ in rows],
        "source": "rdr_quotes",
    })


def load_opp115(root: Path | None = None, *, labels: str = "labels_majority") -> pd.DataFrame:
    """OPP-115 segments (research-only licence: evaluation only), grouped by policy.

    ``labels`` holds OPP-115 category names; context is the neighbouring segments.
    """
    path = _path("opp115/segments.jsonl", root)
    df = pd.DataFrame(_read_jsonl(path))
    if not {"policy_uid", "segment_id", "text", labels} <= set(df.columns):
        raise DatasetError(f"{path}: expected fields policy_uid, segment_id, text, {labels}")
    df = df.sort_values(["policy_uid", "segment_id"], kind="stable").reset_index(drop=True)
    return pd.DataFrame({
        "id": [f"opp-{p}-{s}" for p, s in zip(df["policy_uid"], df["segment_id"])],
        "text": df["text"].astype(str),
        "context": neighbour_context(df["text"].astype(str), df["policy_uid"], 1),
        "group": "opp:" + df["policy_uid"].astype(str),
        "labels": df[labels],
        "source": "opp115",
    })


_FUTURE_NOTE = re.compile(r"futur", re.I)


def load_ca_future(root: Path | None = None) -> pd.DataFrame:
    """CA sentences with a ``future`` gold flag: the AIMS expert noted a future/planned measure.

    Upstream has no separate future column for CA; the evidence-tracking notebooks derive it
    from the annotator's free-text comment, as here. ``relevant`` marks the sentences of the
    C2–C5 evidence subset (``negative_evidence_ca.csv``), the population of the UK baseline.
    """
    path = _path("aims/ca_future.csv", root)
    df = pd.read_csv(path, encoding="cp1252")
    comment = next((c for c in df.columns if c.strip() == "Comment"), None)
    if comment is None or "sentence_text" not in df.columns:
        raise DatasetError(f"{path}: expected columns sentence_text and Comment")
    df = df[df["targets"].notna() & df["sentence_text"].notna()].copy()
    df["future"] = df[comment].fillna("").astype(str).str.contains(_FUTURE_NOTE)
    neg = load_negative_ca(root)
    keys = set(zip(neg["statement_id"], neg["sentence_id"]))
    df["relevant"] = [(s, i) in keys for s, i in zip(df["statement_id"], df["sentence_id"])]
    return pd.DataFrame({
        "statement_id": df["statement_id"].astype(str), "sentence_id": df["sentence_id"],
        "text": df["sentence_text"].astype(str), "future": df["future"].to_numpy(),
        "relevant": df["relevant"].to_numpy(),
    }).reset_index(drop=True)


def load_negative_ca(root: Path | None = None) -> pd.DataFrame:
    """CA C2–C5 evidence subset with the negative-evidence gold flag and the published prediction."""
    path = _path("aims/negative_evidence_ca.csv", root)
    df = pd.read_csv(path)
    if not {"sentence_id", "statement_id", "sentence", "targets", "prediction"} <= set(df.columns):
        raise DatasetError(f"{path}: expected columns sentence_id, statement_id, sentence, targets, prediction")
    return pd.DataFrame({
        "statement_id": df["statement_id"].astype(str), "sentence_id": df["sentence_id"],
        "text": df["sentence"].fillna("").astype(str), "negative": df["targets"].astype(int) == 1,
        "baseline": df["prediction"].astype(int) == 1,
    })


LABEL_FIELDS = ("id", "text", "labels")


def load_labels(folder: Path | None = None) -> pd.DataFrame:
    """Our own labelled passages: every ``corpora/labels/*.jsonl`` file.

    Fields: ``id, text, labels`` (positives), optional ``context``, ``rejected`` (criteria a
    reviewer said do not apply), ``exhaustive`` (default true: the passage is a negative for
    every criterion not listed; review corrections set it false so only judged criteria count),
    ``source``, ``note``, ``elements`` (the element questions the passage answers, read by
    :func:`pipeline.elements.read_examples`) and ``negative_for`` (default ``["*"]``: the
    frameworks or criteria the passage was judged for, so it is a negative only there; the
    supply-chain passages are judged for KnowTheChain, CHRB and minerals only).
    """
    folder = folder or CORPORA_DIR / "labels"
    rows: list[dict] = []
    for path in sorted(Path(folder).glob("*.jsonl")):
        for n, row in iter_jsonl(path, DatasetError):
            missing = [f for f in LABEL_FIELDS if f not in row]
            if missing:
                raise DatasetError(f"{path}, line {n}: missing field(s) {', '.join(missing)}")
            if not isinstance(row["labels"], list):
                raise DatasetError(f"{path}, line {n}: labels must be a list of criterion ids")
            rows.append({
                "id": str(row["id"]), "text": str(row["text"]), "context": str(row.get("context", "")),
                "group": f"labels:{path.stem}:{row['id']}", "labels": list(row["labels"]),
                "rejected": list(row.get("rejected", [])), "exhaustive": bool(row.get("exhaustive", True)),
                "unannotated": [], "source": f"labels/{path.name}",
                "negative_for": list(row.get("negative_for", ["*"])),
            })
    columns = ["id", "text", "context", "group", "labels", "rejected", "exhaustive", "unannotated", "source",
               "negative_for"]
    return pd.DataFrame(rows, columns=columns)
