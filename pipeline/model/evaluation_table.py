"""The Markdown table of ``hrdc evaluate``'s results, printed by the command and kept in the model card.

Each row sets our figure beside the TF-IDF+LR baseline and the published one, with 95%
bootstrap intervals over groups.
"""
from __future__ import annotations

from . import evidence_precision, realdocs, supply_evidence
from .metrics import fmt

#: Every evaluation ``hrdc evaluate`` runs, in the order of the table.
EVALUATIONS = ("aims", "rdr", "opp115", "attributes", "realdocs", "evidence", "supply_evidence")


def render_table(results: dict) -> str:
    """Markdown table: ours vs TF-IDF+LR vs published, with 95% bootstrap intervals."""
    lines = ["| evaluation | metric | ours [95% CI] | TF-IDF+LR [95% CI] | published |", "|---|---|---|---|---|"]
    for key, r in results.get("aims", {}).items():
        lines.append(f"| AIMS {key[5:]} ({r['groups']} statements) | {r['metric']} | {fmt(r['ours'])} | {fmt(r['baseline_tfidf_lr'])} | {r['published']} |")
    if "rdr" in results:
        r = results["rdr"]
        lines.append(f"| RDR quotes, {r['folds']}-fold by company ({r['groups']} companies) | accuracy@1 | {fmt(r['ours']['accuracy_at_1'])} | {fmt(r['baseline_tfidf_lr']['accuracy_at_1'])} | {r['published']} |")
        lines.append(f"| RDR quotes, {r['folds']}-fold by company | macro-F1, {r['indicators_with_5_quotes']} indicators with >= 5 quotes | {fmt(r['ours']['macro_f1'])} | {fmt(r['baseline_tfidf_lr']['macro_f1'])} | – |")
    if "opp115" in results:
        r = results["opp115"]
        lines.append(f"| OPP-115, {r['groups']} policies, not trained on | {r['metric']} | {fmt(r['ours'])} | {fmt(r['baseline_tfidf_lr'])} | {r['published']} |")
    for key, r in results.get("attributes", {}).items():
        published = r["published"]
        if "published_model_on_this_set" in r:
            published = f"{published} (recomputed: {fmt(r['published_model_on_this_set'])})"
        lines.append(f"| {key} ({r['population']}, {r['positives']}/{r['n']}) | positive-class F1 | {fmt(r['ours'])} | – | {published} |")
    if "realdocs" in results:
        lines += realdocs.table_rows(results["realdocs"])
    if "evidence" in results:
        lines += evidence_precision.table_rows(results["evidence"])
    if "supply_evidence" in results:
        lines += supply_evidence.table_rows(results["supply_evidence"])
    return "\n".join(lines) + "\n"
