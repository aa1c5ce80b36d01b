"""The CLI contract: exit codes, messages naming the file, and the commands others script."""
import subprocess
import sys

import pandas as pd
import pytest

from pipeline.cli import main


def run(*args):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True)


def test_help_lists_every_command():
    out = run("--help").stdout
    for command in ("run", "crawl", "extract", "tag", "score", "export", "classify", "train",
                    "evaluate", "review", "rdr-score", "changes", "compare", "demo"):
        assert command in out


def test_missing_workspace_is_one_clear_error(tmp_path, capsys):
    code = main(["score", "--workspace", str(tmp_path / "missing")])
    err = capsys.readouterr().err
    assert code == 2
    assert "missing" in err and "does not exist" in err and "Traceback" not in err


def test_unknown_export_format_names_the_choices(tmp_path, capsys):
    code = main(["export", "--workspace", str(tmp_path), "--out", str(tmp_path / "o"), "--format", "csv,pdf"])
    assert code == 2
    assert "pdf" in capsys.readouterr().err


def test_bad_settings_file_is_named(tmp_path, capsys):
    cfg = tmp_path / "settings.yaml"
    cfg.write_text("dealy: 2\n")
    code = main(["--config", str(cfg), "score", "--workspace", str(tmp_path)])
    assert code == 2
    assert "dealy" in capsys.readouterr().err


def test_rdr_score_writes_indicator_and_total_files(shared_data, tmp_path):
    results = shared_data / "rdr" / "2022-element-results.csv"
    assert main(["rdr-score", str(results), "-o", str(tmp_path)]) == 0
    indicators = pd.read_csv(tmp_path / "indicator_scores.csv")
    totals = pd.read_csv(tmp_path / "total_scores.csv")
    assert list(indicators.columns) == ["company", "indicator", "score"]
    assert set(totals["category"]) == {"G", "F", "P", "total"}
    assert totals["company"].nunique() == 14


def test_rdr_score_bad_file_names_it(tmp_path, capsys):
    bad = tmp_path / "results.csv"
    bad.write_text("Company,Result\nAcme,yes\n")
    assert main(["rdr-score", str(bad), "-o", str(tmp_path / "out")]) == 2
    assert "results.csv" in capsys.readouterr().err
    assert not (tmp_path / "out" / "indicator_scores.csv").exists()


def test_run_with_local_file_seeds_writes_every_export(tmp_path):
    from pipeline.paths import CORPORA_DIR

    site = CORPORA_DIR / "demo_sites" / "nimbus-telecom"
    seeds = " ".join(str(site / f) for f in ("human-rights.html", "privacy.html"))
    companies = tmp_path / "companies.csv"
    companies.write_text(f"company,sector,seed_urls\nLocal Co,telecom,{seeds}\n")
    code = main(["-q", "run", "--companies", str(companies), "--workspace", str(tmp_path / "ws"),
                 "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert code == 0
    coverage = pd.read_csv(tmp_path / "out" / "coverage.csv")
    assert set(coverage["company"]) == {"Local Co"}
    credited = coverage[coverage["verdict"].isin(["full", "partial"])]
    assert len(credited) > 5 and (credited["verdict"] == "full").any()
    assert credited["url"].dropna().str.startswith("file://").all() and credited["url"].notna().any()
    for name in ("coverage.xlsx", "coverage.parquet", "briefing.html"):
        assert (tmp_path / "out" / name).exists()


def test_run_with_bad_companies_file_changes_nothing(tmp_path, capsys):
    companies = tmp_path / "companies.csv"
    companies.write_text("company,sector,seed_url\nAcme,platform,https://acme.example/\n")
    code = main(["-q", "run", "--companies", str(companies), "--workspace", str(tmp_path / "ws")])
    err = capsys.readouterr().err
    assert code == 2 and "companies.csv" in err and "seed_urls" in err
    assert not (tmp_path / "ws").exists()


def test_extract_exits_non_zero_when_a_non_empty_file_yields_no_text(tmp_path, capsys):
    wall = tmp_path / "wall.html"
    wall.write_text("<html><head><title>Sign in</title></head><body><form><input name=user>"
                    "<input type=password name=pw><button>Sign in</button></form></body></html>")
    code = main(["extract", str(wall)])
    err = capsys.readouterr().err
    assert code == 2 and f"{wall}: no text extracted from" in err and "Traceback" not in err
    deep = tmp_path / "deep.html"
    deep.write_text("<html><body>" + "<div>" * 1000 + "<p>Deep text about the retention of data.</p>"
                    + "</div>" * 1000 + "</body></html>")
    assert main(["extract", str(deep)]) == 0
    assert "Deep text about the retention of data." in capsys.readouterr().out


def test_config_is_accepted_after_the_command_and_a_bad_one_is_named(tmp_path, capsys):
    cfg = tmp_path / "settings.yaml"
    cfg.write_text("element_yes_min_passages: 0\n")
    code = main(["score", "--workspace", str(tmp_path), "--config", str(cfg)])
    err = capsys.readouterr().err
    assert code == 2 and f"{cfg}: element_yes_min_passages=0" in err and "unrecognized" not in err
    cfg.write_text("dealy: 2\n")
    assert main(["score", "--config", str(cfg), "--workspace", str(tmp_path)]) == 2
    assert f"{cfg}: unknown setting(s) dealy" in capsys.readouterr().err


def test_a_missing_model_fails_before_any_crawling(tmp_path, capsys):
    companies = tmp_path / "companies.csv"
    companies.write_text("company,sector,seed_urls\nAcme,platform,https://acme.example/\n")
    code = main(["run", "--companies", str(companies), "--workspace", str(tmp_path / "ws"),
                 "--model", str(tmp_path / "missing")])
    err = capsys.readouterr().err
    assert code == 2 and f"no model at {tmp_path / 'missing' / 'model.joblib'}" in err
    assert not (tmp_path / "ws").exists()  # nothing was crawled or created


def test_a_missing_element_model_fails_before_any_crawling(tmp_path, capsys):
    companies = tmp_path / "companies.csv"
    companies.write_text("company,sector,seed_urls\nAcme,platform,https://acme.example/\n")
    cfg = tmp_path / "settings.yaml"
    cfg.write_text(f"element_model: {tmp_path / 'nowhere'}\n")
    code = main(["run", "--companies", str(companies), "--workspace", str(tmp_path / "ws"), "--config", str(cfg)])
    err = capsys.readouterr().err
    assert code == 2 and f"no element model at {tmp_path / 'nowhere' / 'elements.joblib'}" in err
    assert not (tmp_path / "ws").exists()


def test_an_unknown_sector_is_rejected_with_the_allowed_ones(tmp_path, capsys):
    companies = tmp_path / "companies.csv"
    companies.write_text("company,sector,seed_urls\nAcme,bank,https://acme.example/\n")
    assert main(["crawl", "--companies", str(companies), "--workspace", str(tmp_path / "ws")]) == 2
    assert "sector 'bank' for 'Acme' is not one of platform, telecom, device" in capsys.readouterr().err


def test_export_from_a_folder_that_is_no_workspace_creates_nothing(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["export", "--workspace", str(empty), "--out", str(tmp_path / "out")]) == 2
    assert "is not an hrdc workspace" in capsys.readouterr().err
    assert list(empty.iterdir()) == [] and not (tmp_path / "out").exists()


def test_classify_rejects_duplicate_ids_and_empty_input(tmp_path, capsys):
    dup = tmp_path / "dup.jsonl"
    dup.write_text('{"id": 1, "text": "We publish a transparency report."}\n{"id": 1, "text": "Again."}\n')
    assert main(["classify", str(dup)]) == 2
    assert f"{dup}, line 2: duplicate id 1 (first on line 1)" in capsys.readouterr().err
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    assert main(["classify", str(empty)]) == 2
    assert f"{empty}: no passages" in capsys.readouterr().err
