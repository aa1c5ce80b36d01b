"""Published reference scores: the tidy file is checked (errors name the file and line), matched
to companies by name and alias, stored in the workspace and shown beside hrdc's scores."""
import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.export import build_report, export_workspace, read_table
from pipeline.paths import REPO_ROOT
from pipeline.references import (
    ReferenceFileError,
    bundled_aliases,
    bundled_references,
    match_references,
    name_key,
    read_alias_files,
    read_reference_files,
    read_references,
)
from pipeline.store import Workspace

HEADER = "benchmark,edition,company,indicator,score\n"


def converter():
    """scripts/convert_references.py as a module."""
    name = "convert_references"
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / "convert_references.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def workspace(synthetic_report, tmp_path):
    """A workspace holding the synthetic report's scores (Acme Telecom, Globex Platforms, ...)."""
    coverage = synthetic_report.coverage
    ws = Workspace(tmp_path / "ws")
    run_id = ws.start_run("score")
    ws.insert("companies", [
        {"company_id": cid, "name": name, "sector": sector, "seed_urls": ""}
        for cid, name, sector in coverage[["company_id", "company", "sector"]].drop_duplicates().itertuples(index=False)
    ])
    ws.insert("scores", [
        {"run_id": run_id, "company_id": r.company_id, "framework": r.framework, "criterion": r.criterion,
         "verdict": r.verdict, "score": r.score, "n_passages": r.n_passages, "evidence": r.evidence_json}
        for r in coverage.itertuples(index=False)
    ])
    ids = dict(zip(coverage["company"], coverage["company_id"]))
    ws.insert("framework_scores", [
        {"run_id": run_id, "company_id": ids[r.company], "framework": r.framework, "score": r.score}
        for r in synthetic_report.frameworks.itertuples(index=False)
    ])
    ws.finish_run(run_id, stats={"model": "test"})
    yield ws
    ws.close()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ reading and checking


def test_a_tidy_file_is_read_with_its_source(tmp_path):
    path = write(tmp_path / "ref.csv", HEADER + "Bench,2024,Acme Telecom Inc.,rdr,41.5\n\n"
                                               "Bench,2024,Acme Telecom Inc.,rdr.G1, 80\n")
    refs = read_references(path)
    assert refs.to_dict("records") == [
        {"benchmark": "Bench", "edition": "2024", "company": "Acme Telecom Inc.", "indicator": "rdr",
         "score": 41.5, "source": "ref.csv"},
        {"benchmark": "Bench", "edition": "2024", "company": "Acme Telecom Inc.", "indicator": "rdr.G1",
         "score": 80.0, "source": "ref.csv"},
    ]


@pytest.mark.parametrize("text, line, phrase", [
    ("benchmark,edition,company,score\n", 1, "missing indicator"),
    (HEADER.strip() + ",weight\n", 1, "unknown weight"),
    (HEADER + "B,2024,Acme,rdr,high\n", 2, "score 'high' is not a number"),
    (HEADER + "B,2024,Acme,rdr,40\nB,2024,Acme,rdr,N/A\n", 3, "score 'N/A' is not a number"),
    (HEADER + "B,2024,Acme,rdr,140\n", 2, "outside 0-100"),
    (HEADER + "B,2024,Acme,rdr,nan\n", 2, "outside 0-100"),
    (HEADER + "B,2024,,rdr,40\n", 2, "empty 'company'"),
    (HEADER + "B,2024,Acme,rdr\n", 2, "4 values for 5 columns"),
    (HEADER + "B,2024,Acme,rdr,40\nB,2024,Acme,rdr,45\n", 3, "is also given on line 2"),
])
def test_a_malformed_reference_file_is_named_with_its_line(tmp_path, text, line, phrase):
    path = write(tmp_path / "published.csv", text)
    with pytest.raises(ReferenceFileError) as info:
        read_references(path)
    assert f"published.csv line {line}: " in str(info.value)
    assert phrase in str(info.value)


def test_unreadable_files_are_named(tmp_path):
    with pytest.raises(ReferenceFileError, match="missing.csv: file not found"):
        read_references(tmp_path / "missing.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "B,2024,Telef\xf3nica,rdr,40\n").encode("latin-1"))
    with pytest.raises(ReferenceFileError, match="latin.csv line .*not UTF-8"):
        read_references(latin)


def test_a_score_in_two_files_names_both(tmp_path):
    a = write(tmp_path / "a.csv", HEADER + "B,2024,Acme,rdr,40\n")
    b = write(tmp_path / "b.csv", HEADER + "B,2024,Acme,rdr,45\n")
    with pytest.raises(ReferenceFileError, match="given in both a.csv and b.csv"):
        read_reference_files([a, b])


def test_a_bad_alias_file_is_named(tmp_path):
    path = write(tmp_path / "aliases.csv", "name,alias\nAcme,\n")
    with pytest.raises(ReferenceFileError, match="aliases.csv line 2: both 'name' and 'alias' are needed"):
        read_alias_files([path])


# ------------------------------------------------------------------ matching


@pytest.mark.parametrize("a, b", [
    ("Intel Corporation", "Intel Corp."),
    ("ASML Holding N.V.", "ASML"),
    ("Hewlett Packard Enterprise Co. (HPE)", "Hewlett-Packard Enterprise Company"),
    ("América Móvil", "AmericaMovil"),
    ("Nokia Oyj", "NOKIA"),
])
def test_names_match_without_case_accents_punctuation_or_legal_form(a, b):
    assert name_key(a) == name_key(b)


def test_different_companies_do_not_match():
    assert name_key("HP Inc.") != name_key("Hewlett Packard Enterprise")
    assert name_key("Samsung") != name_key("Samsung Electronics")  # only the alias list joins them


def test_aliases_join_names_transitively_and_users_can_add_their_own():
    refs = pd.DataFrame([("RDR", "2020", "Facebook", "rdr", 45.0, "x"), ("RDR", "2022", "Meta", "rdr", 40.0, "x"),
                         ("B", "1", "Globex Platforms", "rdr", 10.0, "x"), ("B", "1", "Initech", "rdr", 5.0, "x")],
                        columns=["benchmark", "edition", "company", "indicator", "score", "source"])
    mine = pd.DataFrame([("Globex Platforms", "Initech")], columns=["name", "alias"])
    aliases = pd.concat([bundled_aliases(), mine])

    matched = match_references(refs, ["Meta Platforms, Inc.", "Globex Platforms Ltd"], aliases)

    got = sorted(zip(matched["company"], matched["published_company"]))
    assert got == [("Globex Platforms Ltd", "Globex Platforms"), ("Globex Platforms Ltd", "Initech"),
                   ("Meta Platforms, Inc.", "Facebook"), ("Meta Platforms, Inc.", "Meta")]


# ------------------------------------------------------------------ the bundle and the converter


def test_the_rdr_bundle_holds_both_editions_with_hrdc_ids():
    rdr = bundled_references()
    assert set(rdr["benchmark"]) == {"RDR"}
    assert rdr.groupby("edition")["company"].nunique().to_dict() == {"2020": 26, "2022": 14}
    twitter = rdr[(rdr["company"] == "Twitter") & (rdr["edition"] == "2022")].set_index("indicator")["score"]
    assert twitter["rdr"] == 56.01 and twitter["rdr.G"] == 56.28  # RDR's 2022 quick overview
    assert {"rdr.G4a", "rdr.P10a", "rdr.G4"} <= set(twitter.index)
    assert (REPO_ROOT / "corpora" / "references" / "README.md").read_text().count("CC BY 4.0") >= 1


def test_the_rdr_bundle_is_what_the_converter_makes_of_rdrs_files(shared_data):
    made = converter().convert_rdr(shared_data / "rdr")
    bundled = bundled_references().drop(columns="source")
    pd.testing.assert_frame_equal(made.astype({"score": float}), bundled)


def test_knowthechain_sheets_convert_to_the_tidy_format(shared_data, tmp_path):
    """KnowTheChain's scores are read from the shared data only: they may not be redistributed."""
    module = converter()
    out = tmp_path / "ktc.csv"
    assert module.main(["ktc", str(shared_data / "ktc" / "ktc_ict_2020.csv"),
                        str(shared_data / "ktc" / "ktc_ict_2022.csv"), "-o", str(out)]) == 0
    refs = read_references(out)
    intel = refs[(refs["company"] == "Intel Corp.") & (refs["edition"] == "2020")].set_index("indicator")["score"]
    assert intel["ktc"] == 67.93 and intel["ktc.1"] == 93 and intel["ktc.4.2"] == 100
    assert len(intel) == 1 + 7 + 21  # total, seven themes, the 2020 methodology's 21 indicators
    later = refs[refs["edition"] == "2022"]["indicator"]
    assert "ktc.1.1" not in set(later) and "2022 12.2" in set(later)  # another methodology's numbering
    matched = match_references(refs, ["Intel", "HP"], bundled_aliases())
    assert set(matched["published_company"]) == {"Intel Corp.", "HP Inc."}


# ------------------------------------------------------------------ in the workspace and the exports


def test_references_are_stored_and_shown_beside_hrdcs_scores(workspace, tmp_path, synthetic_report):
    path = write(tmp_path / "published.csv", HEADER + "Bench,2024,ACME Telecom Inc.,rdr,41.5\n"
                                                      "Bench,2024,ACME Telecom Inc.,rdr.G1,80\n"
                                                      "Bench,2024,ACME Telecom Inc.,Theme 9,12\n"
                                                      "Bench,2024,Nobody Ltd,rdr,3\n")
    out = tmp_path / "out"
    export_workspace(workspace, out, ["csv", "xlsx", "html"], references=read_reference_files([path]),
                     progress=False)

    stored = workspace.table("references")
    assert len(stored) == 4 and set(stored["source"]) == {"published.csv"}
    table = read_table(out / "references.csv")
    table = table[table["benchmark"] == "Bench"].set_index("indicator")
    assert set(table["company"]) == {"Acme Telecom"}  # Nobody Ltd matches no company
    ours = synthetic_report.frameworks.set_index(["company", "framework"])["score"]
    assert table.loc["rdr", "score"] == 41.5 and table.loc["rdr", "hrdc_score"] == ours["Acme Telecom", "rdr"]
    assert table.loc["rdr.G1", "hrdc_score"] == 100 and table.loc["rdr.G1", "title"] == "Policy commitment"
    assert pd.isna(table.loc["Theme 9", "hrdc_score"])  # not an hrdc id: shown on its own

    sheet = load_workbook(out / "coverage.xlsx")["references"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:7] == ["company", "benchmark", "edition", "indicator", "title", "published score", "hrdc score"]
    assert ["Acme Telecom", "Bench", "2024", "rdr.G1", "Policy commitment", 80, 100] in [r[:7] for r in rows]
    html = (out / "briefing.html").read_text(encoding="utf-8")
    assert 'id="references"' in html and "Bench 2024" in html and "ACME Telecom Inc." in html

    # a later export without --reference still shows them; a new file of the edition replaces them
    write(path, HEADER + "Bench,2024,ACME Telecom Inc.,rdr,50\n")
    export_workspace(workspace, out, ["csv"], references=read_reference_files([path]), progress=False)
    table = read_table(out / "references.csv")
    assert table.loc[table["benchmark"] == "Bench", "score"].tolist() == [50.0]


def test_the_rdr_bundle_matches_a_company_named_like_an_rdr_company(workspace, tmp_path):
    with workspace.transaction() as conn:
        workspace.insert("companies", [{"company_id": "globex", "name": "Twitter, Inc.", "sector": "platform",
                                        "seed_urls": ""}], conflict="replace", conn=conn)
    report = build_report(workspace)
    refs = report.tables["references"]
    twitter = refs[refs["company"] == "Twitter, Inc."]
    assert set(twitter["edition"]) == {"2020", "2022"} and set(twitter["benchmark"]) == {"RDR"}
    total = twitter[(twitter["indicator"] == "rdr") & (twitter["edition"] == "2022")].iloc[0]
    assert total["score"] == 56.01 and total["hrdc_score"] == pytest.approx(
        report.tables["frameworks"].set_index(["company", "framework"]).loc[("Twitter, Inc.", "rdr"), "score"])
    assert refs["company"].isin(["Twitter, Inc."]).all()  # the other companies have no RDR score

    out = tmp_path / "out"
    from pipeline.export import write_exports
    write_exports(report, out, ["xlsx", "html"])
    html = (out / "briefing.html").read_text(encoding="utf-8")
    assert "RDR 2022" in html and "Ranking Digital Rights" in html and "CC BY 4.0" in html
    sheet = load_workbook(out / "coverage.xlsx")["references"]
    assert any("Ranking Digital Rights" in str(row[0].value) for row in sheet.iter_rows())


def test_export_with_a_malformed_reference_file_names_it_and_writes_nothing(workspace, tmp_path, capsys):
    bad = write(tmp_path / "scores.csv", HEADER + "B,2024,Acme,rdr,lots\n")
    workspace.close()
    code = main(["-q", "export", "--workspace", str(tmp_path / "ws"), "--out", str(tmp_path / "out"),
                 "--reference", str(bad)])
    assert code == 2
    assert "scores.csv line 2: score 'lots' is not a number" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_run_checks_its_reference_files_before_crawling(tmp_path, capsys):
    companies = write(tmp_path / "companies.csv", "company,sector,seed_urls\nLocal Co,telecom,https://local.example\n")
    bad = write(tmp_path / "ktc.csv", "benchmark,edition,company,score\nKTC,2020,Intel,60\n")
    code = main(["-q", "run", "--companies", str(companies), "--workspace", str(tmp_path / "ws"),
                 "--reference", str(bad)])
    assert code == 2
    assert "ktc.csv line 1: expected the columns benchmark, edition, company, indicator, score; missing indicator" \
        in capsys.readouterr().err
    assert not (tmp_path / "ws").exists()


def test_a_published_family_score_sits_beside_the_mean_of_hrdcs_sub_indicators():
    from pipeline.export.beside import reference_table

    matched = pd.DataFrame([{"company": "Acme", "benchmark": "rdr", "edition": "2022", "indicator": "rdr.F1",
                             "score": 60.0, "published_company": "Acme", "source": "rdr.csv"}])
    coverage = pd.DataFrame({"company": "Acme", "criterion": ["rdr.F1a", "rdr.F1b", "rdr.F1c", "rdr.F1d", "rdr.P1a"],
                             "score": [100.0, 50.0, 0.0, float("nan"), 100.0]})
    frameworks = pd.DataFrame(columns=["company", "framework", "score"])
    [row] = reference_table(matched, frameworks, coverage).to_dict("records")
    assert row["hrdc_score"] == 50.0  # F1a-F1c; F1d not applicable (no score), P1a another family
