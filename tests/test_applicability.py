"""Which frameworks apply to which sector (corpora/sectors.yaml), and how exports show the
criteria that do not apply."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline.applicability import applicable_criteria, applicable_frameworks, is_applicable
from pipeline.export import build_report, write_exports
from pipeline.store import Workspace
from pipeline.taxonomy import load_taxonomy


def test_frameworks_by_sector():
    assert applicable_frameworks("platform") == ("rdr", "gni", "ungp", "msa")
    assert applicable_frameworks("telecom") == ("rdr", "gni", "ungp", "msa")
    assert applicable_frameworks("Device Maker") == ("ktc", "chrb", "minerals", "ungp", "msa")


def test_rdr_exclusions_stay_within_the_applicable_frameworks():
    taxonomy = load_taxonomy()
    assert not is_applicable(taxonomy.get("rdr.F9"), "platform")  # RDR scores F9 for telecoms only
    assert is_applicable(taxonomy.get("rdr.F9"), "telecom")
    assert not is_applicable(taxonomy.get("rdr.G1"), "device")
    assert not is_applicable(taxonomy.get("ktc.4.2"), "platform")
    device = applicable_criteria(taxonomy.leaves, "device")
    assert {c.framework for c in device} == {"ktc", "chrb", "minerals", "ungp", "msa"}
    assert len(device) == 21 + 36 + 5 + 20 + 11


@pytest.fixture()
def workspace(tmp_path):
    """A scored platform and device maker: the platform on RDR G1, the device maker on KTC 4.2."""
    ws = Workspace(tmp_path / "ws")
    run_id = ws.start_run("score")
    ws.insert("companies", [
        {"company_id": "gadgetco", "name": "GadgetCo", "sector": "device", "seed_urls": ""},
        {"company_id": "socialco", "name": "SocialCo", "sector": "platform", "seed_urls": ""},
    ])
    quote = [{"passage_id": "p1", "quote": "We apply the Employer Pays Principle.", "score": 0.9,
              "url": "https://gadgetco.example/code", "page": None, "retrieved_at": "", "sha256": ""}]
    ws.insert("scores", [
        {"run_id": run_id, "company_id": "gadgetco", "framework": "ktc", "criterion": "ktc.4.2",
         "verdict": "partial", "score": 50.0, "n_passages": 1, "evidence": quote},
        {"run_id": run_id, "company_id": "socialco", "framework": "rdr", "criterion": "rdr.G1",
         "verdict": "none", "score": 0.0, "n_passages": 0, "evidence": []},
    ])
    ws.insert("framework_scores", [
        {"run_id": run_id, "company_id": "gadgetco", "framework": "ktc", "score": 50.0},
        {"run_id": run_id, "company_id": "socialco", "framework": "rdr", "score": 0.0},
    ])
    ws.finish_run(run_id, stats={"model": "test"})
    yield ws
    ws.close()


def test_coverage_marks_what_does_not_apply(workspace, tmp_path):
    report = build_report(workspace)
    coverage = report.tables["coverage"].set_index(["company_id", "criterion"])
    assert coverage.loc[("gadgetco", "ktc.4.2"), "applicable"]
    assert coverage.loc[("socialco", "rdr.G1"), "applicable"]
    not_applicable = coverage[~coverage["applicable"]]
    assert not_applicable["score"].isna().all() and (not_applicable["verdict"] == "").all()
    device = not_applicable.loc["gadgetco"]
    assert {c.split(".")[0] for c in device.index} == {"rdr", "gni"}
    assert ("socialco", "ktc.4.2") in not_applicable.index and ("socialco", "rdr.F9") in not_applicable.index
    assert report.meta["criteria"] == 2  # only criteria that apply are counted
    write_exports(report, tmp_path / "out", ["csv", "parquet", "xlsx"])
    for ext in ("csv", "parquet"):
        table = pd.read_csv(tmp_path / "out" / "coverage.csv") if ext == "csv" else \
            pd.read_parquet(tmp_path / "out" / "coverage.parquet")
        row = table[(table["company_id"] == "gadgetco") & (table["criterion"] == "rdr.G1")].iloc[0]
        assert not bool(row["applicable"])
    workbook = load_workbook(tmp_path / "out" / "coverage.xlsx")
    rdr = workbook["rdr"]
    header = [c.value for c in rdr[1]]
    gadget_row = next(r for r in rdr.iter_rows(min_row=3) if r[0].value == "GadgetCo")
    cell = gadget_row[header.index("rdr.G1")]
    assert cell.value == "n/a" and cell.fill.fgColor.rgb.endswith("D9DCE1")
    summary = workbook["summary"]
    columns = [c.value for c in summary[1]]
    gadget = next(r for r in summary.iter_rows(min_row=2) if r[0].value == "GadgetCo")
    assert gadget[columns.index("rdr")].value == "n/a"
    assert gadget[columns.index("ktc")].value == 50
    evidence = pd.read_csv(tmp_path / "out" / "evidence.csv")
    assert set(evidence["criterion"]) == {"ktc.4.2"}
    assert json.loads(coverage.loc[("gadgetco", "ktc.4.2"), "evidence_json"])[0]["quote"].startswith("We apply")


def test_scoring_runs_only_the_frameworks_of_the_sector():
    from pipeline.score import TAG_COLUMNS, ScoringRules
    from pipeline.tasks import score_one

    tags = pd.DataFrame([{
        "passage_id": "p1", "criterion": "ktc.4.2", "score": 0.9, "label": True, "future": False,
        "negative": False, "text": "We apply the Employer Pays Principle: no worker should pay for a job.",
        "url": "https://gadgetco.example/code", "page": None, "retrieved_at": "", "sha256": "a" * 64,
    }], columns=list(TAG_COLUMNS))
    _, verdicts, scores, elements = score_one("gadgetco", "device", tags, ScoringRules())
    assert {v.framework for v in verdicts} == {"ktc", "chrb", "minerals", "ungp", "msa"}
    assert "rdr" not in scores and {"ktc", "ktc.4", "chrb", "minerals"} <= set(scores)
    fees = next(v for v in verdicts if v.criterion == "ktc.4.2")
    assert fees.score > 0 and fees.evidence[0].quote.startswith("We apply")
    assert {e.criterion for e in elements if e.element == "KTC4.2.1"} == {"ktc.4.2"}
    _, verdicts, scores, _ = score_one("socialco", "platform", tags, ScoringRules())
    assert not {"ktc", "chrb", "minerals"} & {v.framework for v in verdicts}
    assert "ktc" not in scores and "rdr" in scores
