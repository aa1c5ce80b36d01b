"""The report's two summary tables beside the framework scores: coverage per salient issue
(:mod:`pipeline.salient`) and published reference scores next to hrdc's own."""
from __future__ import annotations

import pandas as pd

from ..salient import load_salient_issues, salient_coverage
from ..taxonomy import load_taxonomy
from .frameworks import framework_label

__all__ = ["framework_ids", "reference_table", "salient_table"]


def salient_table(coverage: pd.DataFrame) -> pd.DataFrame:
    """Company x salient issue coverage of a coverage table (:func:`salient_coverage`)."""
    return salient_coverage(coverage, load_salient_issues())


def reference_table(matched: pd.DataFrame, frameworks: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """Matched reference rows (:func:`pipeline.references.match_references`) with the
    indicator's ``title`` and ``hrdc_score``: hrdc's score of the same framework, group or
    criterion for the company, where the indicator is an hrdc id; a family parent (RDR's F1,
    P3 ...) scores the mean of its sub-indicators, as RDR scores a family."""
    if matched.empty:
        return matched.assign(title="", hrdc_score=float("nan"))
    parents = {child: c.id for c in load_taxonomy().criteria if c.parent for child in c.children}
    criteria = coverage[["company", "criterion", "score"]]
    families = (criteria.assign(criterion=criteria["criterion"].map(parents)).dropna(subset=["criterion"])
                .groupby(["company", "criterion"], as_index=False)["score"].mean())
    ours = pd.concat([
        frameworks[["company", "framework", "score"]].rename(columns={"framework": "indicator"}),
        criteria.rename(columns={"criterion": "indicator"}),
        families.rename(columns={"criterion": "indicator"}),
    ]).drop_duplicates(["company", "indicator"]).rename(columns={"score": "hrdc_score"})
    out = matched.merge(ours, on=["company", "indicator"], how="left")
    taxonomy, frameworks = load_taxonomy(), framework_ids()
    out["title"] = [taxonomy.get(i).title if i in taxonomy else framework_label(i) if i in frameworks else ""
                    for i in out["indicator"]]
    return out


def framework_ids() -> set[str]:
    """The ids of every framework and group hrdc scores (``rdr``, ``rdr.G``, ...)."""
    frameworks = load_taxonomy().frameworks
    return {*frameworks, *(f"{fw}.{g['id']}" for fw, header in frameworks.items() for g in header["groups"])}
