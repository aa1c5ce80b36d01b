import json
import zipfile
from dataclasses import replace

import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook, load_workbook

from pipeline.export import (
    COVERAGE_COLUMNS,
    TABLE_SCHEMAS,
    brief_filename,
    evidence_table,
    read_table,
    safe_http_url,
    write_exports,
)

TABLES = ("coverage", "evidence", "frameworks", "changes", "documents", "salient", "references")


def test_write_exports_writes_every_file(synthetic_report, tmp_path):
    paths = write_exports(synthetic_report, tmp_path / "out")

    assert set(paths) == {"csv", "xlsx", "parquet", "html", "docx"}
    names = {p.name for ps in paths.values() for p in ps}
    expected = {f"{t}.{ext}" for t in TABLES for ext in ("csv", "parquet")}
    briefs = {brief_filename(c) for c in synthetic_report.coverage["company"].unique()}
    assert len(briefs) == 3 and names == expected | {"coverage.xlsx", "briefing.html"} | briefs
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(names - briefs | {"briefs"})
    assert all(p.stat().st_size > 0 for ps in paths.values() for p in ps)


@pytest.mark.parametrize("ext", ["csv", "parquet"])
def test_tables_round_trip(synthetic_report, tmp_path, ext):
    write_exports(synthetic_report, tmp_path, formats=[ext])

    for name in TABLES:
        back = read_table(tmp_path / f"{name}.{ext}")
        pd.testing.assert_frame_equal(back, synthetic_report.tables[name])


def test_coverage_has_contract_columns_first(synthetic_report, tmp_path):
    write_exports(synthetic_report, tmp_path, formats=["csv"])

    header = (tmp_path / "coverage.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert tuple(header[: len(COVERAGE_COLUMNS)]) == COVERAGE_COLUMNS
    assert header == list(TABLE_SCHEMAS["coverage"])


def test_evidence_table_has_one_row_per_quote(synthetic_report):
    coverage = synthetic_report.tables["coverage"]
    evidence = evidence_table(coverage)

    assert len(evidence) == sum(len(json.loads(s)) for s in coverage["evidence_json"])
    future = evidence[evidence["quote"].str.startswith("By 2026")]
    assert len(future) and future["future"].all() and (future["rank"] == 2).all()
    assert evidence[evidence["quote"].str.contains("onerror")]["negative"].all()


def test_evidence_falls_back_to_best_quote_without_json():
    row = {"company": "A", "framework": "gni", "criterion": "gni.1", "verdict": "full",
           "evidence": "We publish data.", "url": "https://a.example", "page": 3,
           "evidence_json": ""}

    evidence = evidence_table(pd.DataFrame([row]))

    assert evidence[["quote", "url", "page"]].iloc[0].tolist() == ["We publish data.", "https://a.example", 3]


def test_xlsx_sheets_panes_and_colour_scale(synthetic_report, tmp_path):
    write_exports(synthetic_report, tmp_path, formats=["xlsx"])
    wb = load_workbook(tmp_path / "coverage.xlsx")

    assert wb.sheetnames == ["summary", "profiles", "salient issues", "references", "rdr", "gni", "ungp", "msa",
                             "evidence", "changes", "documents"]
    rdr = wb["rdr"]
    assert rdr.freeze_panes == "C3"
    assert [c.value for c in rdr[1]][2:] == ["rdr.G1", "rdr.G2", "rdr.F1a", "rdr.P1a"]
    assert rdr["C2"].value == "Policy commitment"
    assert rdr["A3"].value == "Globex Platforms"  # best first
    assert rdr["C3"].value == 100
    assert "Audit Committee" in rdr["C3"].comment.text
    for name in ("summary", "rdr", "gni", "ungp", "msa"):
        rules = [r for cf in wb[name].conditional_formatting for r in cf.rules]
        assert rules and all(r.type == "colorScale" for r in rules), name
        assert len(rules[0].colorScale.cfvo) == 3
    for name in ("summary", "profiles", "evidence", "changes", "documents"):
        assert wb[name].freeze_panes == "B2"
    assert [c.value for c in wb["evidence"][1]][:8] == [
        "company", "criterion", "verdict", "quote", "url", "page", "retrieved_at", "sha256"]
    assert wb["rdr"].column_dimensions["A"].width == 28


def test_xlsx_profiles_sheet_has_rank_sector_median_and_areas(synthetic_report, tmp_path):
    write_exports(synthetic_report, tmp_path, formats=["xlsx"])
    sheet = load_workbook(tmp_path / "coverage.xlsx")["profiles"]
    rows = list(sheet.values)
    header, body = list(rows[0]), [dict(zip(rows[0], r)) for r in rows[1:]]

    assert header[:7] == ["company", "sector", "framework", "score", "rank", "sector_median", "change_points"]
    acme_rdr = next(r for r in body if r["company"] == "Acme Telecom" and r["framework"] == "RDR")
    # Acme is the only telecom company: the sector median is its own score
    assert acme_rdr["rank"] == "2 of 3" and acme_rdr["sector_median"] == acme_rdr["score"] == 75
    assert acme_rdr["change"].startswith("First scoring run")
    globex = next(r for r in body if r["company"] == "Globex Platforms" and r["framework"] == "GNI")
    assert globex["sector_median"] == 62.5  # the median of Globex (100) and the other platform (25)
    # ties by name; nothing is weak when every criterion is fully covered
    assert globex["strongest"] == "GNI (100); Modern Slavery Act (100)" and globex["weakest"] is None
    assert globex["documents"] is None  # no document listed for Globex


def test_xlsx_stores_formula_like_text_as_text(synthetic_report, tmp_path):
    write_exports(synthetic_report, tmp_path, formats=["xlsx"])
    path = tmp_path / "coverage.xlsx"
    wb = load_workbook(path)

    formula_like = [
        cell for ws in wb for row in ws.iter_rows() for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=HYPERLINK")
    ]
    assert {c.parent.title for c in formula_like} == {"evidence", "documents"}
    assert all(c.data_type == "s" and c.quotePrefix for c in formula_like)
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in z.read(n) for n in sheets)


def test_xlsx_links_only_http_urls(synthetic_report, tmp_path):
    write_exports(synthetic_report, tmp_path, formats=["xlsx"])
    docs = load_workbook(tmp_path / "coverage.xlsx")["documents"]

    links = {c.value: c.hyperlink for c in docs["B"][1:]}
    assert links["https://acme.example/human-rights"].target == "https://acme.example/human-rights"
    assert links["javascript:alert(1)"] is None


def test_unknown_format_is_a_clear_error(synthetic_report, tmp_path):
    with pytest.raises(ValueError, match=r"'pdf'.*allowed: csv, xlsx, parquet, html"):
        write_exports(synthetic_report, tmp_path / "out", formats=["csv", "pdf"])
    assert not (tmp_path / "out").exists()


def test_a_single_format_string_is_accepted(synthetic_report, tmp_path):
    assert list(write_exports(synthetic_report, tmp_path, formats="csv")) == ["csv"]


def _half_write_then_fail(self, path, *args, **kwargs):
    with open(path, "wb") as fh:
        fh.write(b"PAR1 half a file")
    raise OSError("disk full")


_write_row_group = pq.ParquetWriter.write_table


def _write_a_row_group_then_fail(self, table, *args, **kwargs):
    _write_row_group(self, table, *args, **kwargs)
    raise OSError("disk full")


def test_interrupted_write_leaves_no_partial_file(synthetic_report, tmp_path, monkeypatch):
    monkeypatch.setattr(pq.ParquetWriter, "write_table", _write_a_row_group_then_fail)
    with pytest.raises(OSError, match="disk full"):
        write_exports(synthetic_report, tmp_path, formats=["parquet"])
    assert list(tmp_path.iterdir()) == []

    monkeypatch.setattr(Workbook, "save", _half_write_then_fail)
    with pytest.raises(OSError, match="disk full"):
        write_exports(synthetic_report, tmp_path, formats=["xlsx"])
    assert list(tmp_path.iterdir()) == []


def test_interrupted_rewrite_keeps_the_previous_file(synthetic_report, tmp_path, monkeypatch):
    write_exports(synthetic_report, tmp_path, formats=["parquet"])
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    monkeypatch.setattr(pq.ParquetWriter, "write_table", _write_a_row_group_then_fail)
    with pytest.raises(OSError):
        write_exports(synthetic_report, tmp_path, formats=["parquet"])

    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_report_names_missing_columns(synthetic_report):
    with pytest.raises(ValueError, match=r"Report.coverage is missing column\(s\) verdict"):
        replace(synthetic_report, coverage=synthetic_report.coverage.drop(columns="verdict"))


def test_report_rejects_unknown_verdict(synthetic_report):
    coverage = synthetic_report.coverage.assign(verdict="maybe")
    with pytest.raises(ValueError, match=r"unknown verdict\(s\) 'maybe'; allowed: full, partial, none"):
        replace(synthetic_report, coverage=coverage)


def test_bad_evidence_json_names_the_row(synthetic_report, tmp_path):
    coverage = synthetic_report.coverage.copy()
    coverage.loc[4, "evidence_json"] = "[{not json"
    report = replace(synthetic_report, coverage=coverage)
    company, criterion = coverage.loc[4, ["company", "criterion"]]

    with pytest.raises(ValueError, match=rf"company='{company}' criterion='{criterion}'.*not valid JSON"):
        write_exports(report, tmp_path, formats=["csv"])


def test_empty_changes_and_documents_are_allowed(synthetic_report, tmp_path):
    report = replace(synthetic_report, changes=pd.DataFrame(), documents=pd.DataFrame())

    write_exports(report, tmp_path, formats=["csv", "xlsx"])

    changes = read_table(tmp_path / "changes.csv")
    assert changes.empty and list(changes.columns) == list(TABLE_SCHEMAS["changes"])
    assert load_workbook(tmp_path / "coverage.xlsx")["changes"]["A1"].value == "company"


def test_changes_parquet_has_the_same_types_with_and_without_changes(synthetic_report, tmp_path):
    """Scripts read changes.parquet after every run; a first run (no changes) must not give
    untyped columns."""
    write_exports(synthetic_report, tmp_path / "some", formats=["parquet"])
    write_exports(replace(synthetic_report, changes=pd.DataFrame()), tmp_path / "none", formats=["parquet"])

    some, none = (pq.read_schema(tmp_path / d / "changes.parquet") for d in ("some", "none"))
    assert some.names == none.names == list(TABLE_SCHEMAS["changes"])
    assert [str(t) for t in some.types] == [str(t) for t in none.types]
    assert str(none.field("evidence_added").type) == "int64"


def test_write_exports_shows_a_progress_bar_over_the_formats(synthetic_report, tmp_path, capsys):
    write_exports(synthetic_report, tmp_path / "bar", formats=["csv", "parquet"], progress=True)
    assert "export" in capsys.readouterr().err

    write_exports(synthetic_report, tmp_path / "quiet", formats=["csv", "parquet"])
    assert capsys.readouterr().err == ""


def test_read_table_rejects_unknown_file(tmp_path):
    with pytest.raises(ValueError, match="not an exported table"):
        read_table(tmp_path / "other.csv")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/p?q=1", "https://a.example/p?q=1"),
        ("  http://a.example/  ", "http://a.example/"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//a.example/x", None),
        ("/relative", None),
        ("http:///no-host", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_safe_http_url(url, expected):
    assert safe_http_url(url) == expected
