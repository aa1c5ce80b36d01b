"""Framework order and names in the exports come from the criteria files."""
from pipeline.export.frameworks import framework_label, framework_name, order_frameworks
from pipeline.taxonomy import load_taxonomy


def test_order_follows_the_criteria_files_then_unknown_ids_sorted():
    assert order_frameworks(["zeta", "msa", "rdr.P", "ungp", "gni", "rdr.F", "rdr", "rdr.G", "alpha"]) == [
        "rdr", "rdr.G", "rdr.F", "rdr.P", "gni", "ungp", "msa", "alpha", "zeta"]


def test_labels_and_names_are_the_taxonomy_headers():
    frameworks = load_taxonomy().frameworks
    assert [framework_label(f) for f in ("rdr", "rdr.G", "rdr.F", "rdr.P", "ungp")] == [
        "RDR", "RDR Governance", "RDR Expression", "RDR Privacy", "UNGP RF"]
    assert framework_name("gni") == frameworks["gni"]["name"]
    assert framework_name("rdr.G") == "RDR Governance"  # a group has no name of its own
    assert framework_label("other") == framework_name("other") == "other"
