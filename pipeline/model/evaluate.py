"""``hrdc evaluate``: run the evaluations and store their results (the table: :mod:`pipeline.model.evaluation_table`).

Every split keeps whole groups apart (AIMS statements by jurisdiction, RDR companies, OPP-115
policies), thresholds come from out-of-fold predictions on the training side only, and each
figure carries a bootstrap 95% interval over groups. The evaluations: ``aims``, ``rdr``,
``opp115`` and ``attributes`` (:mod:`pipeline.model.benchmarks`), ``realdocs`` (hrdc's RDR
scores on real company policies against RDR's published results;
:mod:`pipeline.model.realdocs`) and ``evidence`` (whole AIMS statements through
segment/tag/score: the share of MSA verdicts whose top quote, and of all quotes shown, are
sentences the experts labelled; :mod:`pipeline.model.evidence_precision`) and ``supply_evidence``
(the same for KnowTheChain, CHRB and minerals on synthetic supplier documents made of our written
supply-chain passages, each fold held out of the tagger and the element matcher;
:mod:`pipeline.model.supply_evidence`).
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from ..paths import DEFAULT_MODEL
from . import benchmarks, evidence_precision, realdocs, supply_evidence
from .evaluation_table import EVALUATIONS
from .model_card import write_model_card
from .training_config import load_config


def run(what: list[str] | None = None, config_path: str | None = None, *, edition: str = "both",
        workspace: str | None = None) -> dict:
    """Run the evaluations ``what`` (default all); ``edition`` and ``workspace`` are realdocs'."""
    unknown = sorted(set(what or ()) - set(EVALUATIONS))
    if unknown:
        raise ValueError(f"unknown evaluation(s) {', '.join(unknown)}; choose from {', '.join(EVALUATIONS)}")
    config = load_config(config_path)
    results, timings = {}, {}
    for name in what or EVALUATIONS:
        start = time.perf_counter()
        if name == "aims":
            results["aims"] = benchmarks.evaluate_aims(config)
        elif name == "rdr":
            results["rdr"] = benchmarks.evaluate_rdr(config)
        elif name == "opp115":
            results["opp115"] = benchmarks.evaluate_opp115(config)
        elif name == "attributes":
            results["attributes"] = benchmarks.evaluate_attributes()
        elif name == "realdocs":
            results["realdocs"] = realdocs.to_json(realdocs.run(edition, workspace))
        elif name == "evidence":
            results["evidence"] = evidence_precision.evaluate(config)
        elif name == "supply_evidence":
            results["supply_evidence"] = supply_evidence.evaluate(config)
        timings[name] = round(time.perf_counter() - start, 1)
    results["seconds"] = timings
    return results


def save_results(results: dict, out: str | Path | None = None) -> list[Path]:
    """Write the results of :func:`run`; return the files written.

    ``out`` names the metrics JSON file, or a folder (an existing one, or a path without a
    suffix) that gets ``evaluation.json``; realdocs' CSVs go to that folder (beside the file).
    Without ``out`` the results are merged into ``models/default/evaluation.json`` (each
    marked with the model it was measured with) and its model card is rewritten.
    """
    if out:
        path = Path(out)
        if path.is_dir() or not path.suffix:
            path = path / "evaluation.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        csvs = realdocs.write_csvs(results["realdocs"], path.parent) if "realdocs" in results else []
        return [path, *csvs]
    if not (DEFAULT_MODEL / "meta.json").exists():
        return []
    path = DEFAULT_MODEL / "evaluation.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    # Which model each result was measured with, so the card can flag results left from an earlier model.
    model_id = json.loads((DEFAULT_MODEL / "meta.json").read_text())["model_id"]
    measured = {**previous.get("measured_with", {}), **{name: model_id for name in results if name != "seconds"}}
    # A partial run (``hrdc evaluate supply_evidence``) keeps the other evaluations' timings.
    seconds = {**previous.get("seconds", {}), **results.get("seconds", {})}
    path.write_text(json.dumps({**previous, **results, "seconds": seconds, "measured_with": measured}, indent=2) + "\n",
                    encoding="utf-8")
    return [path, write_model_card(DEFAULT_MODEL)]
