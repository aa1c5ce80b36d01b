from pathlib import Path

import pandas as pd
import pytest

from pipeline.taxonomy import Criterion, Taxonomy, TaxonomyError, load_taxonomy

FIXTURES = Path(__file__).parent / "fixtures" / "taxonomy"

GNI_IDS = {
    "gni.principle_foe", "gni.principle_privacy", "gni.rcdm_board", "gni.rcdm_hria",
    "gni.rcdm_partners", "gni.rcdm_integration", "gni.fep_narrow", "gni.fep_legal_basis",
    "gni.fep_challenge", "gni.fep_non_written", "gni.fep_conflict_of_law",
    "gni.fep_user_transparency", "gni.fep_data_risk", "gni.msc_learning", "gni.msc_policy",
    "gni.gat_assessment", "gni.gat_reporting",
}
MSA_IDS = {
    "msa.approval", "msa.signature", "msa.c1_reporting_entity", "msa.c2_structure",
    "msa.c2_operations", "msa.c2_supply_chains", "msa.c3_risk_description",
    "msa.c4_risk_mitigation", "msa.c4_remediation", "msa.c5_effectiveness", "msa.c6_consultation",
}
UNGP_IDS = {
    "ungp.A1", "ungp.A1.1", "ungp.A1.2", "ungp.A1.3", "ungp.A2", "ungp.A2.1", "ungp.A2.2",
    "ungp.A2.3", "ungp.A2.4", "ungp.A2.5", "ungp.B1", "ungp.B2", "ungp.B3", "ungp.B4",
    "ungp.C1", "ungp.C2", "ungp.C3", "ungp.C4", "ungp.C5", "ungp.C6",
}
RDR_PARENTS = {"rdr.G4", "rdr.G6", "rdr.F1", "rdr.F2", "rdr.F3", "rdr.F4", "rdr.F5", "rdr.P1",
               "rdr.P2", "rdr.P3", "rdr.P10", "rdr.P11"}


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


def test_real_taxonomy_counts(taxonomy):
    rdr = taxonomy.framework("rdr")
    assert len(rdr) == 58
    assert {c.category for c in rdr} == {"G", "F", "P"}
    # frameworks.md 1.3 says 10/24/24 indicators; RDR's own meta files give 11/24/23
    assert [sum(c.category == k for c in rdr) for k in "GFP"] == [11, 24, 23]
    assert {c.id for c in taxonomy.criteria if c.parent} == RDR_PARENTS
    assert {c.id for c in taxonomy.framework("gni")} == GNI_IDS
    assert {c.id for c in taxonomy.framework("msa")} == MSA_IDS
    assert {c.id for c in taxonomy.framework("ungp")} == UNGP_IDS
    assert set(taxonomy.frameworks) == {"rdr", "gni", "ungp", "msa", "ktc", "chrb", "minerals"}
    assert len({c.family for c in rdr}) == 37


def test_rdr_leaves_carry_what_scoring_needs(taxonomy):
    rdr = taxonomy.framework("rdr")
    assert sum(len(c.elements) for c in rdr) == 335
    assert all(c.scope in ("company", "full", "services") and c.elements and c.title for c in rdr)
    assert {c.id for c in rdr if c.scope == "company"} == {"rdr.G1", "rdr.G5"}
    reversed_ = {e.id for c in rdr for e in c.elements if e.reversed}
    assert reversed_ == {"F09.02", "F11.01"}
    excluded = {c.id: c.excluded for c in rdr if c.excluded}
    assert excluded == {
        "rdr.G6b": ("telecom",), "rdr.F12": ("telecom",), "rdr.F13": ("telecom",),
        "rdr.P16": ("telecom",), "rdr.P17": ("telecom",),
        "rdr.F9": ("internet",), "rdr.F10": ("internet",),
    }
    g4a = taxonomy.get("rdr.G4a")
    assert g4a.family == "rdr.G4" and g4a.elements[6].id == "G04a.07"
    assert taxonomy.get("rdr.G4").children == tuple(f"rdr.G4{s}" for s in "abcde")
    assert taxonomy.get("rdr.F1a").doc_level
    assert taxonomy.get("rdr.P1a").doc_types == ("privacy_policy",)
    limited = {e.id: e.applies_to for c in rdr for e in c.elements if e.applies_to}
    assert len(limited) == 40 and limited["P03a.04"] == ("mobile_ecosystem",)
    assert all(e.cues for c in rdr for e in c.elements)  # every element question has cue phrases


def test_rdr_element_ids_match_rdr_data(taxonomy, shared_data):
    published = pd.read_csv(shared_data / "rdr" / "2022-element-results.csv", usecols=["Element"])
    ours = {e.id for c in taxonomy.framework("rdr") for e in c.elements}
    assert ours == set(published["Element"])


def test_headers_name_source_and_attribution(taxonomy):
    for name, header in taxonomy.frameworks.items():
        assert header["framework"] == name
        assert header["source"].startswith("https://")
        assert header["licence"] and header["attribution"] and header["groups"]
    assert "Ranking Digital Rights" in taxonomy.frameworks["rdr"]["attribution"]
    assert "CC BY 4.0" in taxonomy.frameworks["rdr"]["licence"]
    assert [g["id"] for g in taxonomy.frameworks["ungp"]["groups"]] == ["A", "B", "C"]


def test_crosswalk_resolves_and_covers_maps_to(taxonomy):
    assert len(taxonomy.crosswalk) > 50
    pairs = {frozenset((a, b)) for a, b, _ in taxonomy.crosswalk}
    for a, b, relation in taxonomy.crosswalk:
        assert a in taxonomy and b in taxonomy and relation in ("~", "⊂")
    for c in taxonomy.criteria:
        for ref in c.maps_to:
            assert frozenset((c.id, ref)) in pairs, f"{c.id} maps_to {ref} is missing from crosswalk.yaml"
    assert ("rdr.G6a", "ungp.C6", "~") in taxonomy.crosswalk
    assert ("msa.c4_remediation", "ungp.C6", "⊂") in taxonomy.crosswalk
    assert not any(ref.split(".")[0] not in taxonomy.frameworks for p in pairs for ref in p)


def test_lookup_helpers(taxonomy):
    assert isinstance(taxonomy.get("rdr.P3a"), Criterion)
    assert "ungp.C6" in taxonomy.equivalents("rdr.G6a")
    assert "rdr.G6a" in taxonomy.equivalents("ungp.C6")
    with pytest.raises(KeyError, match="rdr.G4a"):
        taxonomy.get("rdr.G04a")
    with pytest.raises(KeyError, match="known: "):
        taxonomy.framework("wba")
    assert len(taxonomy.leaves) == 58 + 17 + 20 + 11 + 21 + 36 + 5
    assert len(taxonomy.ids) == len(taxonomy.criteria) == len(set(taxonomy.ids))
    frame = taxonomy.to_frame()
    assert len(frame) == len(taxonomy.criteria)
    assert frame.set_index("id").loc["rdr.F11", "n_elements"] == 1
    assert load_taxonomy() is load_taxonomy()


def test_valid_fixture_loads():
    t = load_taxonomy(FIXTURES / "valid")
    assert t.ids == ("demo.fam", "demo.a", "demo.b", "other.z")
    a = t.get("demo.a")
    assert a.excluded == ("telecom",) and a.elements[1].reversed and not a.elements[0].reversed
    assert t.framework("demo") == (t.get("demo.a"), t.get("demo.b"))
    assert t.equivalents("other.z") == ("demo.a", "demo.b")
    assert t.crosswalk[1] == ("demo.b", "other.z", "⊂")


@pytest.mark.parametrize(
    "case, file, line, phrase",
    [
        ("syntax", "demo.yaml", 10, "invalid YAML"),
        ("missing_key", "demo.yaml", 10, "missing required key(s) title"),
        ("unknown_key", "demo.yaml", 10, "unknown key 'weight'"),
        ("duplicate_key", "demo.yaml", 10, "duplicate key 'title'"),
        ("duplicate_id", "demo.yaml", 10, "duplicate id 'demo.a'"),
        ("duplicate_across", "b.yaml", 10, "duplicate id 'demo.a' (first defined in"),
        ("wrong_prefix", "demo.yaml", 10, "must start with 'demo.'"),
        ("bad_maps_to", "demo.yaml", 10, "maps_to 'demo.b' is not a known criterion; did you mean demo.bb"),
        ("missing_child", "demo.yaml", 11, "child 'demo.c' is not defined"),
        ("bad_relation", "crosswalk.yaml", 3, "bad relation '='"),
        ("bad_crosswalk_ref", "crosswalk.yaml", 2, "'ungp.Z9' is not a known criterion"),
        ("missing_header", "demo.yaml", 1, "missing required key(s) edition, source, licence, attribution"),
        ("bad_doc_types", "demo.yaml", 10, "doc_types 'privacy_statement' must be one of privacy_policy"),
        ("bad_applies_to", "demo.yaml", 13, "applies_to 'app_store' must be one of digital_platform"),
        ("bad_order", "demo.yaml", 3, "'order' must be a whole number, got 'first'"),
        ("bad_judged_by", "demo.yaml", 3, "'judged_by' 'questions' must be one of elements, passages"),
    ],
)
def test_bad_files_name_file_and_line(case, file, line, phrase):
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(FIXTURES / case)
    message = str(info.value)
    assert f"{case}/{file} line {line}: " in message
    assert phrase in message


def test_headers_give_label_and_order_of_each_framework(taxonomy):
    labels = {name: header["label"] for name, header in taxonomy.frameworks.items()}
    assert labels == {"rdr": "RDR", "gni": "GNI", "ungp": "UNGP RF", "msa": "Modern Slavery Act",
                      "ktc": "KnowTheChain", "chrb": "CHRB", "minerals": "Minerals"}
    assert sorted(taxonomy.frameworks, key=lambda f: taxonomy.frameworks[f]["order"]) == [
        "rdr", "gni", "ungp", "msa", "ktc", "chrb", "minerals"]
    assert [g.get("label", g["title"]) for g in taxonomy.frameworks["rdr"]["groups"]] == ["Governance", "Expression", "Privacy"]
    # MSA's sub-questions name gaps, but its criteria are judged on passages (measured on AIMS)
    judged = {name: h["judged_by"] for name, h in taxonomy.frameworks.items()}
    assert judged.pop("msa") == "passages" and set(judged.values()) == {"elements"}


def test_missing_directory_is_named(tmp_path):
    with pytest.raises(TaxonomyError, match="nowhere"):
        load_taxonomy(tmp_path / "nowhere")


def test_supply_chain_frameworks_follow_their_methodologies(taxonomy):
    ktc = taxonomy.framework("ktc")
    # KnowTheChain's 2020 ICT data: indicators 1.1 ... 7.2, seven themes weighted equally
    assert [c.id for c in ktc] == [f"ktc.{i}" for i in (
        "1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "3.1", "3.2", "3.3",
        "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1", "6.2", "7.1", "7.2")]
    assert all(c.elements for c in ktc)
    assert len(taxonomy.get("ktc.1.2").elements) == 5 and len(taxonomy.get("ktc.5.3").elements) == 5
    assert taxonomy.frameworks["ktc"]["scoring"] == "groups"
    assert set(taxonomy.frameworks["ktc"]["weights"].values()) == {1.0}
    # CHRB's weights of the overall score for the sub-themes hrdc assesses
    assert taxonomy.frameworks["chrb"]["weights"] == {"A.1": 5, "A.2": 5, "B.1": 10, "B.2": 15, "C": 15, "D": 20}
    assert [c.id for c in taxonomy.framework("minerals")] == [f"minerals.step{i}" for i in range(1, 6)]
    for name in ("ktc", "chrb", "minerals"):
        header = taxonomy.frameworks[name]
        assert header["licence"] and header["attribution"] and header["source"].startswith("https://")


def test_new_frameworks_share_evidence_through_the_crosswalk(taxonomy):
    assert "msa.c4_remediation" in taxonomy.equivalents("ktc.7.1")
    assert "ungp.C6" in taxonomy.equivalents("chrb.C.1")
    assert "rdr.G1" in taxonomy.equivalents("chrb.A.1.1")
    assert "minerals.step1" in taxonomy.equivalents("chrb.D.minerals")


def test_scoring_and_group_weights_are_checked(tmp_path):
    body = """framework: demo
name: Demo
edition: e
source: s
licence: l
attribution: a
scoring: {scoring}
groups:
- id: one
  title: One
  weight: {weight}
criteria:
- id: demo.a
  title: A
  category: one
  elements:
  - id: X1
    text: q
- id: demo.b
  title: B
  category: one
  elements:
  - id: {second}
    text: q
"""
    (tmp_path / "demo.yaml").write_text(body.format(scoring="groups", weight=2, second="X2"))
    assert load_taxonomy(tmp_path).frameworks["demo"]["weights"] == {"one": 2.0}
    (tmp_path / "demo.yaml").write_text(body.format(scoring="sum", weight=2, second="X2"))
    with pytest.raises(TaxonomyError, match="line 7: 'scoring' 'sum' must be one of mean, groups"):
        load_taxonomy(tmp_path)
    (tmp_path / "demo.yaml").write_text(body.format(scoring="groups", weight=0, second="X2"))
    with pytest.raises(TaxonomyError, match="'weight' must be a positive number"):
        load_taxonomy(tmp_path)
    (tmp_path / "demo.yaml").write_text(body.format(scoring="groups", weight=1, second="X1"))
    with pytest.raises(TaxonomyError, match="line 23: demo.b: element id 'X1' is also an element of demo.a"):
        load_taxonomy(tmp_path)
