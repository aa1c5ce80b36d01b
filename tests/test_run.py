"""Stage runners over a workspace: parallel equals serial, reruns add nothing, summaries count."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline import store
from pipeline.run import run_extract, run_score, run_tag
from pipeline.settings import Settings
from pipeline.paths import CORPORA_DIR
from pipeline.store import Workspace
from pipeline.tasks import extract_and_segment
from pipeline.workflow import RunResult

RESULT_TABLES = {
    "extractions": ["sha256"],
    "passages": ["passage_id"],
    "tags": ["model", "passage_id", "criterion"],
    "passage_attributes": ["model", "passage_id"],
    "tagged": ["model", "sha256"],
}


def tables(path: Path) -> dict[str, pd.DataFrame]:
    """The stage outputs of a workspace, sorted, without timestamps."""
    out = {}
    for table, key in RESULT_TABLES.items():
        frame = store.load(table, path).drop(columns=["extracted_at", "tagged_at"], errors="ignore")
        out[table] = frame.sort_values(key).reset_index(drop=True)
    scores = store.load("scores", path).drop(columns="run_id")
    out["scores"] = scores.sort_values(["company_id", "criterion"]).reset_index(drop=True)
    return out


def run_stages(path: Path, settings: Settings) -> list:
    with Workspace(path) as ws:
        return [run_extract(ws, settings, progress=False), run_tag(ws, settings, progress=False),
                run_score(ws, settings, progress=False)[1]]


def test_two_jobs_give_the_same_rows_as_one(make_crawled_workspace):
    one, two = make_crawled_workspace("one"), make_crawled_workspace("two")
    summaries = run_stages(one, Settings(jobs=1))
    run_stages(two, Settings(jobs=2))
    a, b = tables(one), tables(two)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)
    extract, tag, score = summaries
    # Six URLs, five distinct contents: the copy is extracted and tagged once.
    assert extract.processed == 5 and tag.processed == 5 and extract.errors == 0
    assert extract.counts["passages"] == len(a["passages"]) > 50
    assert extract.counts["pages"] == 11 + 4  # PDF pages (an HTML page counts none)
    assert score.processed == 2 and sum(score.counts.values()) == len(a["scores"])
    assert set(a["scores"]["verdict"]) >= {"full", "none"}


def test_passage_and_tag_settings_reach_the_workers(make_crawled_workspace):
    runs = {}
    for name, settings in {"default": Settings(jobs=2),
                           "tuned": Settings(jobs=2, passage_max_chars=200, tag_store_floor=0.01)}.items():
        with Workspace(make_crawled_workspace(name)) as ws:
            run_extract(ws, settings, progress=False)
            run_tag(ws, settings, progress=False)
            runs[name] = ws.table("passages"), ws.table("tags")
    (passages, tags), (short, floored) = runs["default"], runs["tuned"]
    assert passages["text"].str.len().max() > 200 >= short["text"].str.len().max()
    assert tags["score"].min() >= 0.05 > floored["score"].min() >= 0.01


def test_rerun_adds_nothing_and_reports_skips(make_crawled_workspace):
    path = make_crawled_workspace("ws")
    run_stages(path, Settings(jobs=1))
    before = tables(path)
    extract, tag, _ = run_stages(path, Settings(jobs=1))
    after = tables(path)
    for name in RESULT_TABLES:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)
    assert (extract.processed, extract.skipped) == (0, 5)
    assert (tag.processed, tag.skipped) == (0, 5)


def test_company_tags_equal_the_whole_frame_filtered(make_crawled_workspace):
    path = make_crawled_workspace("ws")
    run_stages(path, Settings(jobs=1))
    with Workspace(path) as ws:
        model = ws.get_meta("model")
        whole = ws.current_tags(model)
        for company in ("nimbus", "halcyra"):
            one = ws.current_tags(model, company)
            expected = whole[whole["company_id"] == company].reset_index(drop=True)
            pd.testing.assert_frame_equal(one, expected)
            labelled = ws.current_tags(model, company, labelled=True)
            assert len(labelled) == int(expected["label"].sum()) > 0
            assert labelled["label"].all()


def test_company_passages_are_its_current_evidence_passages_with_attributes(make_crawled_workspace):
    path = make_crawled_workspace("ws")
    run_stages(path, Settings(jobs=1))
    with Workspace(path) as ws:
        model = ws.get_meta("model")
        passages = ws.current_passages(model, "nimbus")
        kinds = ws.table("passages").set_index("passage_id")["kind"]
        tagged = set(ws.current_tags(model, "nimbus")["passage_id"])
        assert len(passages) > 0 and passages["passage_id"].is_unique
        assert set(kinds[passages["passage_id"]]) <= {"prose", "list_item", "table"}  # never headings
        assert tagged <= set(passages["passage_id"])  # every tagged passage, and untagged ones too
        assert set(passages["url"].str.contains("nimbus")) == {True}
        assert set(passages.columns) >= {"passage_id", "future", "negative", "text", "url", "page", "sha256"}


def test_extract_worker_checks_the_content_hash():
    data = (CORPORA_DIR / "demo_sites" / "nimbus-telecom" / "privacy.html").read_bytes()
    with pytest.raises(ValueError, match="https://x.example/p.html"):
        extract_and_segment("0" * 64, data, "html", "https://x.example/p.html")


def test_run_result_summary_names_documents_pages_passages_errors_and_stage_times(make_crawled_workspace):
    path = make_crawled_workspace("ws")
    stages = run_stages(path, Settings(jobs=1))
    with Workspace(path) as ws:
        totals = ws.totals()
    assert totals["documents"] == 5 and totals["errors"] == 0
    assert totals["passages"] == stages[0].counts["passages"] and totals["pages"] == stages[0].counts["pages"]
    result = RunResult(path, stages=stages, totals=totals,
                       timings={"crawl": 1.0, "extract": stages[0].seconds, "tag": 2.5})
    text = result.format()
    assert f"summary: documents 5, pages {totals['pages']}, passages {totals['passages']}, errors 0" in text
    assert "time per stage: crawl 1.0 s, extract" in text and "tag 2.5 s" in text


def test_worker_model_must_match_the_model_folder(make_crawled_workspace, tmp_path):
    from pipeline.tasks import _TAGGERS, model_id_of
    from pipeline.paths import DEFAULT_MODEL

    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.joblib").symlink_to(DEFAULT_MODEL / "model.joblib")
    (folder / "meta.json").write_text('{"model_id": "stale0000000"}')
    assert model_id_of(str(folder)) == "stale0000000" and str(folder) not in _TAGGERS  # not loaded
    path = make_crawled_workspace("ws")
    settings = Settings(jobs=1, model=str(folder))
    with Workspace(path) as ws:
        run_extract(ws, settings, progress=False)
        with pytest.raises(RuntimeError, match="not stale0000000.*meta.json"):
            run_tag(ws, settings, progress=False)
        assert ws.query("SELECT COUNT(*) AS n FROM tagged")[0]["n"] == 0


def test_a_company_without_a_readable_document_is_not_assessed_not_zero(make_crawled_workspace, caplog):
    from pipeline.records import stable_id

    path = make_crawled_workspace("ws")
    french = ("<html><head><title>Politique de confidentialité</title></head><body><main><h1>Politique de "
              "confidentialité</h1>" + "<p>Nous collectons les données personnelles que vous nous fournissez "
              "lorsque vous créez un compte, et nous les conservons pendant la durée de votre abonnement.</p>" * 8
              + "</main></body></html>").encode()
    with Workspace(path) as ws:
        ws.insert("companies", [{"company_id": "silent", "name": "Silent plc", "sector": "telecom",
                                 "seed_urls": "https://silent.example/"},
                                {"company_id": "francais", "name": "Français SA", "sector": "telecom",
                                 "seed_urls": "https://francais.example/"}])
        doc_id = stable_id("francais", "https://francais.example/privacy")
        ws.insert("documents", [{"doc_id": doc_id, "company_id": "francais", "url": "https://francais.example/privacy",
                                 "kind": "html", "first_seen": "2025-01-01T00:00:00+00:00",
                                 "last_seen": "2025-01-01T00:00:00+00:00"}])
        ws.insert("versions", [{"doc_id": doc_id, "version": 1, "sha256": ws.put_raw(french),
                                "retrieved_at": "2025-01-01T00:00:00+00:00", "run_id": 1}])
    with caplog.at_level("WARNING", logger="hrdc.run"):
        *_, score = run_stages(path, Settings(jobs=1))
    assert score.counts["not assessed"] == 2 and score.processed == 2
    with Workspace(path, create=False) as ws:
        run_id = ws.query("SELECT MAX(run_id) AS r FROM scores")[0]["r"]
        status = ws.not_assessed(run_id).set_index("company_id")["reason"]
        scored = set(ws.frame("SELECT DISTINCT company_id FROM scores WHERE run_id=?", (run_id,))["company_id"])
        frameworks = set(ws.frame("SELECT DISTINCT company_id FROM framework_scores WHERE run_id=?",
                                  (run_id,))["company_id"])
        elements = ws.element_results(run_id)
    assert set(status.index) == {"silent", "francais"}
    assert "no document" in status["silent"] and "https://francais.example/privacy is in fr" in status["francais"]
    assert not ({"silent", "francais"} & (scored | frameworks | set(elements["company_id"])))
    assert "silent not assessed" in caplog.text
    assert "francais not assessed" in caplog.text
    # each assessed company answered all 335 RDR elements (N/A where RDR does not ask them) and
    # the 21 questions of the UNGP Reporting Framework's part C
    rdr_answers = elements[elements["criterion"].str.startswith("rdr.")]
    assert rdr_answers.groupby("company_id").size().to_dict() == {"halcyra": 335, "nimbus": 335}
    assert elements[elements["criterion"].str.startswith("ungp.")].groupby("company_id").size().to_dict() == \
        {"halcyra": 21, "nimbus": 21}


def test_a_run_that_assesses_no_company_exports_the_reason_and_removes_old_answers(tmp_path):
    from pipeline.workflow import run_all

    (tmp_path / "empty.html").write_text("")
    companies = tmp_path / "companies.csv"
    companies.write_text("company,sector,seed_urls\nGhost plc,telecom,empty.html\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "rdr-element-results.csv").write_text("left by an earlier export\n")
    run_all(companies, tmp_path / "ws", out, Settings(jobs=1), formats=("csv", "html"), progress=False)
    assert not (out / "rdr-element-results.csv").exists()
    assert pd.read_csv(out / "coverage.csv").empty and pd.read_csv(out / "frameworks.csv").empty
    page = (out / "briefing.html").read_text(encoding="utf-8")
    assert "<strong>Ghost plc</strong>: no document with text was retrieved" in page


def test_comparing_runs_scored_by_different_rdr_methods_warns(make_crawled_workspace, caplog):
    from dataclasses import replace

    from pipeline.compare import compare_runs

    path = make_crawled_workspace("ws")
    run_stages(path, Settings(jobs=1))
    with Workspace(path) as ws:
        indicator_run, _ = run_score(ws, replace(Settings(jobs=1), rdr_method="indicator"), progress=False)
        element_run, _ = run_score(ws, Settings(jobs=1), progress=False)
        assert ws.run_stats(indicator_run)["rdr_method"] == "indicator"
        with caplog.at_level("WARNING", logger="hrdc.compare"):
            compare_runs(ws, element_run, ws, element_run)
        assert "scored RDR by" not in caplog.text  # the same method: no warning
        with caplog.at_level("WARNING", logger="hrdc.compare"):
            changes = compare_runs(ws, indicator_run, ws, element_run)
    assert f"run {indicator_run} scored RDR by indicator, run {element_run} by elements" in caplog.text
    assert len(changes)  # the method changed the RDR scores
