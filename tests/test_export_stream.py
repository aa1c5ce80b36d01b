"""A workspace report streamed company by company exports exactly what the same data gives in
memory, whatever the chunk size."""
import json
from dataclasses import replace

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline.export import (TABLE_SCHEMAS, build_report, evidence_table, export_workspace, parse_evidence,
                             read_table, write_exports)
from pipeline.settings import Settings
from pipeline.store import Workspace

FORMATS = ("csv", "parquet", "xlsx")


@pytest.fixture(scope="module")
def workspace(synthetic_report, tmp_path_factory):
    """A workspace holding the synthetic report's scores, plus a company whose name differs
    from another only by case (they sort together, so they must share a chunk)."""
    coverage = synthetic_report.coverage
    twin = coverage[coverage["company_id"] == "acme"].assign(company_id="acme-uk", company="ACME TELECOM")
    coverage = pd.concat([coverage, twin], ignore_index=True)
    ws = Workspace(tmp_path_factory.mktemp("stream") / "ws")
    run_id = ws.start_run("score")
    companies = coverage[["company_id", "company", "sector"]].drop_duplicates()
    ws.insert("companies", [
        {"company_id": cid, "name": name, "sector": sector, "seed_urls": ""}
        for cid, name, sector in companies.itertuples(index=False)
    ])
    ws.insert("scores", [
        {"run_id": run_id, "company_id": r.company_id, "framework": r.framework, "criterion": r.criterion,
         "verdict": r.verdict, "score": r.score, "n_passages": r.n_passages, "evidence": r.evidence_json}
        for r in coverage.itertuples(index=False)
    ])
    scores = coverage.groupby(["company_id", "framework"], as_index=False)["score"].mean()
    ws.insert("framework_scores", [
        {"run_id": run_id, "company_id": r.company_id, "framework": r.framework, "score": r.score}
        for r in scores.itertuples(index=False)
    ])
    ws.finish_run(run_id, stats={"model": "test"})
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def streamed(workspace):
    return build_report(workspace)


@pytest.fixture(scope="module")
def in_memory(streamed):
    """The same report with every evidence list held in the coverage frame."""
    return replace(streamed, coverage=streamed.tables["coverage"], evidence_source=None)


def test_streamed_report_reads_evidence_only_on_demand(streamed, in_memory):
    assert streamed.evidence_source is not None
    assert "evidence_json" not in streamed.coverage
    coverage = in_memory.coverage
    # the 10 scored criteria of each company, and a row without verdict for every criterion
    # that does not apply to its sector (another sector's framework, RDR's exclusions)
    assert coverage["applicable"].sum() == 4 * 10
    assert coverage.loc[coverage["applicable"], "evidence_json"].ne("").all()
    assert coverage.loc[~coverage["applicable"], ["verdict", "evidence_json"]].eq("").all().all()
    assert coverage.loc[~coverage["applicable"], "score"].isna().all()
    best = [(parse_evidence(r) or [{}])[0] for r in coverage.to_dict("records")]
    assert coverage["evidence"].tolist() == [b.get("quote", "") for b in best]
    assert coverage["url"].tolist() == [b.get("url", "") for b in best]
    assert coverage["page"].tolist() == [pd.NA if b.get("page") is None else b["page"] for b in best]


@pytest.mark.parametrize("chunk_companies", [1, 2, 50])
def test_chunks_concatenate_to_the_tables(streamed, in_memory, chunk_companies):
    for name in TABLE_SCHEMAS:
        chunks = list(streamed.iter_table(name, chunk_companies))
        pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), in_memory.tables[name])
    coverage_chunks = list(streamed.coverage_chunks(chunk_companies))
    if chunk_companies == 1:  # "Acme Telecom" and "ACME TELECOM" sort together, so share a chunk
        ids = [sorted(set(c["company_id"])) for c in coverage_chunks]
        assert ids == [["evil"], ["acme", "acme-uk"], ["globex"]]
    assert len(pd.concat(map(evidence_table, coverage_chunks))) == sum(
        len(json.loads(e)) for e in in_memory.coverage["evidence_json"] if e)


@pytest.mark.parametrize("chunk_companies", [1, 50])
def test_streamed_export_equals_in_memory_export(streamed, in_memory, tmp_path, chunk_companies):
    write_exports(in_memory, tmp_path / "memory", FORMATS, chunk_companies=1000)
    write_exports(streamed, tmp_path / "stream", FORMATS, chunk_companies=chunk_companies)

    stream, memory = tmp_path / "stream", tmp_path / "memory"
    for name in TABLE_SCHEMAS:
        for ext in ("csv", "parquet"):
            pd.testing.assert_frame_equal(read_table(stream / f"{name}.{ext}"), in_memory.tables[name])
        assert (stream / f"{name}.csv").read_bytes() == (memory / f"{name}.csv").read_bytes()
    assert _sheets(stream / "coverage.xlsx") == _sheets(memory / "coverage.xlsx")


def test_export_settings_change_how_not_what_is_written(workspace, tmp_path):
    export_workspace(workspace, tmp_path / "default", ["csv"], progress=False)
    small = Settings(export_chunk_companies=1, query_max_ids=1)
    export_workspace(workspace, tmp_path / "small", ["csv"], settings=small, progress=False)
    for name in ("coverage", "evidence"):
        assert (tmp_path / "small" / f"{name}.csv").read_bytes() == (tmp_path / "default" / f"{name}.csv").read_bytes()
    ids = ["acme", "acme-uk", "evil", "globex"]
    one_by_one = workspace.score_evidence(1, ids, max_ids=1).sort_values(["company_id", "criterion"])
    together = workspace.score_evidence(1, ids).sort_values(["company_id", "criterion"])
    assert len(together) > 0 and one_by_one.reset_index(drop=True).equals(together.reset_index(drop=True))


def test_xlsx_evidence_sheet_holds_every_quote(streamed, in_memory, tmp_path):
    write_exports(streamed, tmp_path, ["xlsx"], chunk_companies=1)
    sheets = _sheets(tmp_path / "coverage.xlsx")

    header, *rows = sheets["evidence"]
    quotes = in_memory.tables["evidence"]
    assert header[:4] == ("company", "criterion", "verdict", "quote")
    assert [r[3] for r in rows] == quotes["quote"].tolist()
    rdr = sheets["rdr"]
    assert rdr[2][0] == "Globex Platforms" and rdr[5][0] == "<script>alert(1)</script> Corp"  # best first
    assert {rdr[3][0], rdr[4][0]} == {"Acme Telecom", "ACME TELECOM"}


def test_briefing_is_the_same_streamed_or_in_memory(streamed, in_memory, tmp_path):
    write_exports(streamed, tmp_path / "stream", ["html"])
    write_exports(in_memory, tmp_path / "memory", ["html"])

    html = (tmp_path / "stream" / "briefing.html").read_text(encoding="utf-8")
    assert html == (tmp_path / "memory" / "briefing.html").read_text(encoding="utf-8")
    assert "By 2026 we will publish a transparency report." in html


def test_chunk_size_must_be_positive(synthetic_report, tmp_path):
    with pytest.raises(ValueError, match="chunk_companies must be at least 1, got 0"):
        write_exports(synthetic_report, tmp_path / "out", ["csv"], chunk_companies=0)
    assert not (tmp_path / "out").exists()


def _sheets(path):
    """Every sheet's cell values, and the comment texts of the score grids."""
    wb = load_workbook(path)
    out = {}
    for ws in wb:
        out[ws.title] = [tuple(c.value for c in row) for row in ws.iter_rows()]
        out[f"{ws.title} comments"] = [c.comment.text for row in ws.iter_rows() for c in row if c.comment]
    return out
