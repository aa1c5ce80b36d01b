"""Engagement briefs and company profiles: gaps, questions, peer practice, DOCX and `hrdc brief`."""
from dataclasses import replace

import pandas as pd
import pytest
from docx import Document

from pipeline.cli import main
from pipeline.export import build_briefs, write_brief_docx
from pipeline.export.profile import build_profiles, change_line
from pipeline.export.questions import load_questions, question_for
from pipeline.taxonomy import load_taxonomy

EVIL = "<script>alert(1)</script> Corp"


def _docx_text(path):
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_gaps_are_criteria_where_peers_do_better_with_the_strongest_peer_quote(synthetic_report):
    brief = build_briefs(synthetic_report)[EVIL]
    gaps = {g.criterion: g for g in brief.gaps}

    # EVIL is partial on even criteria and none on odd ones; Globex is full everywhere
    assert len(brief.gaps) == 8 and {g.verdict for g in brief.gaps} == {"none", "partial"}
    assert max(sum(g.framework == fw for g in brief.gaps) for fw in ("rdr", "gni", "ungp", "msa")) <= 3
    g2 = gaps["rdr.G2"]
    assert g2.better_in_sector == 1 and g2.sector_peers == 1  # Globex, the other platform
    assert g2.better_in_run == 2 and g2.run_peers == 2
    # the peer quote: full before partial, so Globex's and not Acme's
    assert g2.peer.company == "Globex Platforms" and g2.peer.verdict == "full"
    assert g2.peer.text == "The Board's Audit Committee oversees privacy risks." and g2.peer.page == 12
    assert g2.own == () and "No disclosure found in the 1 document read" in g2.absence
    # a partial gap shows what the company does say, never its negative statements
    g1 = gaps["rdr.G1"]
    assert [q.text for q in g1.own] == ['=HYPERLINK("http://evil.example","click me")']


def test_a_company_ahead_of_every_peer_has_no_gap(synthetic_report):
    assert build_briefs(synthetic_report)["Globex Platforms"].gaps == []


def test_sector_peers_that_disclose_rank_a_gap_first(synthetic_report):
    brief = build_briefs(synthetic_report)["Acme Telecom"]  # the only telecom company: no sector peer

    assert brief.gaps and all(g.sector_peers == 0 and g.better_in_sector == 0 for g in brief.gaps)
    assert all(g.verdict == "partial" and g.peer.company == "Globex Platforms" for g in brief.gaps)


def test_non_applicable_criteria_are_never_gaps_nor_scored_in_the_profile(synthetic_report):
    coverage = synthetic_report.coverage.assign(
        applicable=~((synthetic_report.coverage["company"] == EVIL) & (synthetic_report.coverage["framework"] == "msa")))
    report = replace(synthetic_report, coverage=coverage)

    brief = build_briefs(report)[EVIL]
    assert brief.gaps and not [g for g in brief.gaps if g.framework == "msa"]
    assert "msa" not in {s.framework for s in build_profiles(report)[EVIL].standings}
    assert "msa" in {s.framework for s in build_profiles(report)["Acme Telecom"].standings}


def test_profile_standings_and_change_lines(synthetic_report):
    profile = build_profiles(synthetic_report)["Acme Telecom"]
    rdr = next(s for s in profile.standings if s.framework == "rdr")

    assert (rdr.score, rdr.rank, rdr.of, rdr.sector_median, rdr.sector_size) == (75, 2, 3, 75, 1)
    assert rdr.change is None  # no previous run
    assert change_line(profile.changes).startswith("First scoring run")

    before = synthetic_report.frameworks.assign(score=synthetic_report.frameworks["score"] - 10)
    report = replace(synthetic_report, previous_frameworks=before, meta={**synthetic_report.meta, "previous_run": 4})
    profile = build_profiles(report)["Acme Telecom"]
    assert next(s for s in profile.standings if s.framework == "rdr").change == 10
    assert change_line(profile.changes) == "Since run 4: 1 criterion improved, 0 regressed."
    quiet = build_profiles(replace(report, changes=pd.DataFrame()))["Acme Telecom"]
    assert change_line(quiet.changes) == "No changes since run 4."


def test_every_question_names_a_known_criterion_and_templates_fill_from_the_wording():
    questions = load_questions()
    taxonomy = load_taxonomy()
    assert set(questions["criteria"]) <= set(taxonomy.ids)
    assert {"rdr", "gni", "ungp", "msa"} <= set(questions["frameworks"])
    for criterion in taxonomy.leaves:  # every criterion gets a question without a placeholder left
        text = question_for(criterion.id, criterion.framework, criterion.title, criterion.description)
        assert text.endswith("?") or text.endswith("."), criterion.id
        assert "{" not in text and "TODO" not in text, criterion.id
    g1 = taxonomy.get("rdr.G1")
    assert question_for("rdr.G1", "rdr", g1.title, g1.description).startswith("Where do you disclose policy commitment?")
    assert "next human-rights report" in question_for("x.1", "ungp", "Salient issues")
    assert question_for("x.1", "unknown", "Widget policy").startswith(
        "We could not find full public disclosure on widget policy.")


def test_docx_brief_holds_gaps_questions_peer_quotes_and_documents_read(synthetic_report, tmp_path):
    path = write_brief_docx(build_briefs(synthetic_report)[EVIL], tmp_path / "evil.docx")
    text = _docx_text(path)

    assert f"Engagement brief: {EVIL}" in text  # crawled text stays text in Word
    assert text.count("Question to ask: ") == 8
    assert "Peer practice: “The Board's Audit Committee oversees privacy risks.”" in text
    assert "Source: Globex Platforms (platform), https://globex.example/governance, p. 12" in text
    assert "Documents read" in text and "javascript:alert(1)" in text
    assert "First scoring run" in text


def test_docx_drops_characters_xml_cannot_hold(synthetic_report, tmp_path):
    coverage = synthetic_report.coverage.replace({"company": {"Acme Telecom": "Acme\x00\x0bTelecom"}})
    report = replace(synthetic_report, coverage=coverage,
                     frameworks=synthetic_report.frameworks.replace({"company": {"Acme Telecom": "Acme\x00\x0bTelecom"}}))
    path = write_brief_docx(build_briefs(report)["Acme\x00\x0bTelecom"], tmp_path / "acme.docx")
    assert "Engagement brief: AcmeTelecom" in _docx_text(path)


@pytest.fixture(scope="module")
def demo_briefs(demo_output):
    out, _ = demo_output
    return out, sorted((out / "briefs").glob("*.docx"))


def test_demo_writes_a_brief_with_peer_quotes_for_every_company(demo_output, demo_briefs):
    out, files = demo_briefs
    companies = pd.read_csv(out / "companies.csv")["company"]
    assert len(files) == len(companies)
    for path in files:
        text = _docx_text(path)
        assert sum(1 for line in text.splitlines() if line.startswith("Peer practice: “")) >= 3, path.name
    page = (out / "briefing.html").read_text(encoding="utf-8")
    assert page.count('<div class="profile">') == page.count('<div class="engage">') == len(companies)


def test_hrdc_brief_writes_one_company_and_names_close_matches(demo_output, tmp_path, capsys):
    out, _ = demo_output
    target = tmp_path / "nimbus.docx"
    assert main(["-q", "brief", "--workspace", str(out / "workspace"), "--company", "nimbus telecom plc",
                 "-o", str(target)]) == 0
    assert "Engagement brief: Nimbus Telecom plc" in _docx_text(target)

    assert main(["-q", "brief", "--workspace", str(out / "workspace"), "--company", "Nimbus",
                 "-o", str(tmp_path / "x.docx")]) == 2
    err = capsys.readouterr().err
    assert "no such company" in err and "did you mean 'Nimbus Telecom plc'" in err
    assert not (tmp_path / "x.docx").exists()
