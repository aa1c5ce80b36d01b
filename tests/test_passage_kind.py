"""Passage kinds: headings, menus and boilerplate are never evidence."""
import pandas as pd
import pytest

from pipeline.passage_kind import is_evidence, passage_kind
from pipeline.score import ScoringRules, score_company
from pipeline.store import Workspace


@pytest.mark.parametrize("text,block,kind", [
    ("Privacy", "p", "title"),
    ("Terms of Service", "p", "title"),
    ("Information You Can Access", "p", "title"),
    ("Browse SIM only", "li", "navigation"),
    ("4.4 from 18,000 reviews", "p", "boilerplate"),
    ("Updated: 8 August 2024", "p", "boilerplate"),
    ("Last updated May 3, 2021", "p", "boilerplate"),
    ("Was this information helpful?", "p", "boilerplate"),
    ("© 2024 Vodafone Group", "p", "boilerplate"),
    ("Email: privacy@example.com", "p", "boilerplate"),
    ("Email address", "li", "list_item"),
    ("Halcyra, Inc.", "p", "title"),
    ("Orielle Mobile Networks S.A.", "p", "title"),  # the legal form's full stop ends no sentence
    ("Brightpebble Electronics Ltd.", "p", "title"),
    ("We work with Acme Ltd.", "p", "prose"),
    ("Start your free trial", "p", "navigation"),
    ("Scope 1 and 2 emissions (tCO2e)", "p", "title"),
    ("your name and email address", "li", "list_item"),
    ("We collect the information you give us when you create an account.", "p", "prose"),
    ("We may share data with law enforcement when legally required", "p", "prose"),
    # markup-less headings and contact blocks of real policies (realdocs)
    ("What Personal Information About Customers Does Amazon Collect?", "p", "title"),
    ("HOW WILL WE NOTIFY YOU OF CHANGES?", "p", "title"),
    ("What Information Can I Access?", "li", "navigation"),  # a table of contents entry
    ("Can I delete my account?", "p", "prose"),  # a question in sentence case is not title-like
    ("Twitter International Company Attn: Data Protection Officer One Cumberland Place, Fenian Street "
     "Dublin 2, D02 AX07 IRELAND", "p", "boilerplate"),
    ("Amazon.com, Inc. P.O. Box 81226 Seattle, WA 98108-1226 https://www.amazon.com", "p", "boilerplate"),
    ("Write to our Data Protection Officer, Attn: Privacy, at the address below.", "p", "prose"),
    ("我们非常重视信息安全，我们成立了专责团队负责研发和应用多种安全技术和程序等。", "p", "prose"),
    ("1.2. Enforcement and breach (or potential breach) of this Policy", "p", "title"),
    ("11.2 How long are those cookies stored on your device", "p", "title"),
    ("topWHAT TYPES OF INFORMATION WE COLLECT ABOUT YOU", "p", "title"),  # "top" glued from a back-to-top link
    ("2. We keep your data for 30 days after you close your account.", "p", "prose"),
    ("WE DO NOT SELL YOUR PERSONAL INFORMATION TO ANYONE.", "p", "prose"),  # shouting, but a sentence
    # a numbered lead-in joined with its list is judged as a whole, not as a heading
    ("3. We may share your information with:\nour affiliates\nservice providers", "li", "list_item"),
    ("3. We may share your information with:\n(a) our affiliates\n(b) service providers", "p", "prose"),
    ("To exercise your rights write to:\nAttn: Data Protection Officer\nP.O. Box 12", "p", "prose"),
    ("Can We Change This Policy Without Telling You?\"", "p", "title"),
])
def test_passage_kind(text, block, kind):
    assert passage_kind(text, block) == kind
    assert is_evidence(kind) == (kind in ("prose", "list_item", "table"))


def _tags(rows):
    cols = ["passage_id", "criterion", "score", "label", "future", "negative", "text", "url", "page",
            "retrieved_at", "sha256"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows])


class _Crit:
    def __init__(self, cid):
        self.id, self.framework = cid, cid.split(".")[0]


def test_repeated_text_counts_once_per_company():
    text = "Acme Group is committed to respecting human rights."
    tags = _tags([(f"p{i}", "rdr.G1", 0.9, True, False, False, text if i < 3 else text.upper(), f"u{i}", 1, "", "s")
                  for i in range(4)])
    [v] = score_company("acme", tags, [_Crit("rdr.G1")])
    assert v.verdict == "partial" and v.n_passages == 1


def test_evidence_floor_and_full_min_score():
    tags = _tags([("a", "rdr.G1", 0.08, True, False, False, "First distinct sentence.", "u", 1, "", "s"),
                  ("b", "rdr.G1", 0.3, True, False, False, "Second distinct sentence.", "u", 1, "", "s")])
    assert score_company("c", tags, [_Crit("rdr.G1")])[0].verdict == "full"
    [floored] = score_company("c", tags, [_Crit("rdr.G1")], ScoringRules(min_evidence_score=0.1))
    assert floored.verdict == "partial" and [e.passage_id for e in floored.evidence] == ["b"]
    [weak] = score_company("c", tags, [_Crit("rdr.G1")], ScoringRules(full_min_score=0.5))
    assert weak.verdict == "partial"


def test_schema_1_workspace_gets_passage_kinds(tmp_path):
    ws = Workspace(tmp_path / "ws")
    with ws.transaction() as conn:
        conn.execute("DROP TABLE passages")
        conn.execute("""CREATE TABLE passages (passage_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, seq INTEGER NOT NULL,
            text TEXT NOT NULL, page INTEGER, section TEXT, char_start INTEGER NOT NULL, char_end INTEGER NOT NULL,
            context_before TEXT, context_after TEXT)""")
        conn.executemany("INSERT INTO passages VALUES (?, 's', 0, ?, 1, '', 0, 1, '', '')",
                         [("h", "Terms of Service"), ("p", "We never sell your data to anyone.")])
        conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    ws.close()
    ws = Workspace(tmp_path / "ws")
    kinds = {r["passage_id"]: r["kind"] for r in ws.query("SELECT passage_id, kind FROM passages")}
    assert kinds == {"h": "title", "p": "prose"}
