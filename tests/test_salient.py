"""Salient issues: the mapping file is checked against the criteria, and coverage per issue is
the mean of framework means over applicable criteria."""
import logging
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.salient import SALIENT_COLUMNS, load_salient_issues, salient_coverage
from pipeline.taxonomy import TaxonomyError, load_taxonomy

VALID = Path(__file__).parent / "fixtures" / "taxonomy" / "valid"  # demo.a, demo.b (demo.fam parent), other.z

HEADER = """name: test issues
source: https://example.org
attribution: ours
issues:
  - {id: digital_rights, title: Digital rights, description: users}
  - {id: supply_chain_labour, title: Supply-chain labour, description: workers}
frameworks:
"""


def criteria_dir(tmp_path, frameworks: str) -> Path:
    folder = tmp_path / "criteria"
    shutil.copytree(VALID, folder)
    (folder / "salient_issues.yaml").write_text(HEADER + frameworks, encoding="utf-8")
    return folder


def test_every_shipped_criterion_bears_on_a_salient_issue():
    taxonomy = load_taxonomy()
    issues = load_salient_issues()
    assert list(issues.titles) == ["digital_rights", "security_conflict", "discrimination", "supply_chain_labour"]
    mapped = {c.id for c in taxonomy.leaves if c.id in issues.mapping}
    assert mapped | set(issues.unmapped) == {c.id for c in taxonomy.leaves}
    assert {c.framework for c in taxonomy.leaves if c.id in mapped} >= {"rdr", "gni", "ungp", "msa"}
    assert issues.mapping["msa.c2_supply_chains"] == ("supply_chain_labour",)
    assert "security_conflict" in issues.mapping["rdr.F10"]  # network shutdowns
    assert "discrimination" in issues.mapping["rdr.G4d"]  # algorithmic systems
    assert all(issues.descriptions.values()) and issues.source.startswith("https://")


def test_a_valid_mapping_loads(tmp_path):
    folder = criteria_dir(tmp_path, "  demo:\n    demo.a: [digital_rights]\n"
                                    "    demo.b: [digital_rights, supply_chain_labour]\n"
                                    "  other:\n    other.z: [supply_chain_labour]\n")
    issues = load_salient_issues(folder)
    assert issues.mapping == {"demo.a": ("digital_rights",), "demo.b": ("digital_rights", "supply_chain_labour"),
                              "other.z": ("supply_chain_labour",)}
    assert issues.unmapped == ()


def test_a_framework_without_a_section_is_reported_not_fatal(tmp_path, caplog):
    folder = criteria_dir(tmp_path, "  demo:\n    demo.a: [digital_rights]\n    demo.b: [digital_rights]\n")
    with caplog.at_level(logging.WARNING, logger="hrdc.salient"):
        issues = load_salient_issues(folder)
    assert issues.unmapped == ("other.z",)
    assert "maps no criterion of other" in caplog.text


@pytest.mark.parametrize("frameworks, line, phrase", [
    ("  demo:\n    demo.a: [digital_rights]\n", 8, "demo: 1 criteria have no salient issue: demo.b"),
    ("  demo:\n    demo.a: [digital_rights]\n    demo.b: [privacy]\n", 10, "demo.b: unknown issue 'privacy'"),
    ("  demo:\n    demo.a: [digital_rights]\n    demo.fam: [digital_rights]\n", 10,
     "'demo.fam' is not a leaf criterion of demo"),
    ("  demo:\n    demo.a: []\n    demo.b: [digital_rights]\n", 9, "demo.a: expected a non-empty list"),
    ("  ktc:\n    ktc.1.1: [supply_chain_labour]\n", 8, "unknown framework 'ktc'"),
])
def test_bad_mappings_name_file_and_line(tmp_path, frameworks, line, phrase):
    folder = criteria_dir(tmp_path, frameworks)
    with pytest.raises(TaxonomyError) as info:
        load_salient_issues(folder)
    assert f"salient_issues.yaml line {line}: {phrase}" in str(info.value)


def test_coverage_weighs_each_framework_equally_and_skips_non_applicable_criteria(tmp_path):
    folder = criteria_dir(tmp_path, "  demo:\n    demo.a: [digital_rights]\n"
                                    "    demo.b: [digital_rights, supply_chain_labour]\n"
                                    "  other:\n    other.z: [supply_chain_labour]\n")
    issues = load_salient_issues(folder)
    coverage = pd.DataFrame([
        ("Acme", "demo", "demo.a", 100.0, True),
        ("Acme", "demo", "demo.b", 0.0, True),
        ("Acme", "other", "other.z", 100.0, True),
        ("Zed", "demo", "demo.a", 50.0, True),
        ("Zed", "demo", "demo.b", 100.0, False),  # does not apply: never counted
        ("Zed", "other", "other.z", 0.0, True),
    ], columns=["company", "framework", "criterion", "score", "applicable"])

    out = salient_coverage(coverage, issues)

    assert list(out.columns) == list(SALIENT_COLUMNS)
    got = {(r.company, r.issue): (r.score, r.n_criteria, r.frameworks) for r in out.itertuples()}
    assert got == {
        ("Acme", "digital_rights"): (50.0, 2, "demo"),
        # demo's mean 0 and other's mean 100 weigh the same
        ("Acme", "supply_chain_labour"): (50.0, 2, "demo; other"),
        ("Zed", "digital_rights"): (50.0, 1, "demo"),
        ("Zed", "supply_chain_labour"): (0.0, 1, "other"),
    }
    assert out["title"].iloc[0] == "Digital rights"


def test_the_briefing_and_workbook_show_coverage_per_salient_issue(synthetic_report, tmp_path):
    from openpyxl import load_workbook

    from pipeline.export import write_exports
    from pipeline.export.briefing import render_briefing
    from pipeline.salient import DEFINITION

    salient = synthetic_report.tables["salient"]
    acme = salient[salient["company"] == "Acme Telecom"].set_index("issue")
    # rdr.G1, rdr.F1a (full, 100) and rdr.G2, rdr.P1a (partial, 50) give RDR 75; ungp.A1 100 and
    # ungp.A2 50 give UNGP 75; gni.1 and msa.1 are no shipped criteria, so they do not count
    assert acme.loc["digital_rights", "score"] == 75 and acme.loc["digital_rights", "n_criteria"] == 6
    assert acme.loc["supply_chain_labour", "frameworks"] == "ungp"

    html = render_briefing(synthetic_report)
    assert 'id="salient"' in html and DEFINITION[:40] in html and "Supply-chain labour" in html
    assert html.index('id="salient"') < html.index('id="rankings"')
    one = render_briefing(synthetic_report, company="Acme Telecom")
    assert 'id="salient"' in one and "Globex Platforms</a></th>" not in one

    write_exports(synthetic_report, tmp_path, formats=["xlsx"])
    sheet = load_workbook(tmp_path / "coverage.xlsx")["salient issues"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["company", "sector", "Digital rights", "Security and conflict", "Discrimination",
                       "Supply-chain labour"]
    assert ["Acme Telecom", "telecom", 75, 75, 75, 75] in rows
    assert any(r[0] == DEFINITION for r in rows)
