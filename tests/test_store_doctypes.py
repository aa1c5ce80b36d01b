"""Schema 3: every extraction records its language and document type."""
import sqlite3

from pipeline.records import sha256_bytes
from pipeline.store import SCHEMA_VERSION, Workspace
from pipeline.tasks import extract_and_segment

PRIVACY = ("Privacy Policy\n\nThis policy explains the personal information we collect and how we use it. "
           "We retain your personal data while your account is open, and you can opt out of marketing.")
DATENSCHUTZ = ("Datenschutzerklärung\n\nWir verarbeiten personenbezogene Daten nur, wenn Sie eingewilligt haben "
               "oder ein Gesetz es erlaubt. Sie können jederzeit Auskunft über Ihre Daten verlangen.")

# The extractions table as schema 2 wrote it.
V2_EXTRACTIONS = """CREATE TABLE extractions (sha256 TEXT PRIMARY KEY, kind TEXT, title TEXT, n_pages INTEGER,
    pages_without_text TEXT, n_chars INTEGER, flags TEXT, error TEXT, text TEXT, extracted_at TEXT NOT NULL)"""


def _add_document(conn, doc_id: str, company: str, url: str, versions: list[tuple[str, str]]) -> None:
    conn.execute("INSERT OR IGNORE INTO companies (company_id, name, sector, seed_urls) VALUES (?, ?, 'platform', ?)",
                 (company, company, url))
    conn.execute("INSERT INTO documents VALUES (?, ?, ?, 'text', '2024-01-01', '2024-06-01', NULL, NULL)",
                 (doc_id, company, url))
    for n, (sha, retrieved) in enumerate(versions, 1):
        conn.execute("INSERT INTO versions VALUES (?, ?, ?, ?, 1)", (doc_id, n, sha, retrieved))


def test_extraction_rows_carry_language_and_doctype():
    data = PRIVACY.encode()
    row, passages = extract_and_segment(sha256_bytes(data), data, "text", "https://acme.example/legal/privacy")
    assert (row["language"], row["doctype"]) == ("en", "privacy_policy")
    assert 0.5 < row["language_confidence"] <= 1
    empty = b""
    row, _ = extract_and_segment(sha256_bytes(empty), empty, "text", "https://acme.example/blank")
    assert (row["language"], row["language_confidence"], row["doctype"]) == ("und", 0.0, "other")


def test_schema_2_workspace_gets_languages_and_doctypes(tmp_path):
    ws = Workspace(tmp_path / "ws")
    with ws.transaction() as conn:
        conn.execute("DROP TABLE extractions")
        conn.execute(V2_EXTRACTIONS)
        for table in ("element_results", "company_status", "companies"):  # schema 2 had none of them ...
            conn.execute(f"DROP TABLE {table}")
        conn.execute("""CREATE TABLE companies (company_id TEXT PRIMARY KEY, name TEXT NOT NULL,
                        sector TEXT NOT NULL, seed_urls TEXT NOT NULL,
                        allow_domains TEXT NOT NULL DEFAULT '')""")  # ... and no services column
        _add_document(conn, "d1", "acme", "https://acme.example/privacy", [("s1", "2024-01-01")])
        _add_document(conn, "d2", "acme", "https://acme.example/de/datenschutz", [("s2", "2024-01-01")])
        _add_document(conn, "d3", "acme", "https://acme.example/scan.pdf", [("s3", "2024-01-01")])
        conn.executemany("INSERT INTO extractions VALUES (?, 'text', ?, 0, '[]', ?, '', ?, ?, '2024-01-02')",
                         [("s1", "", len(PRIVACY), None, PRIVACY), ("s2", "", len(DATENSCHUTZ), None, DATENSCHUTZ),
                          ("s3", "", 0, "no text", "")])
        conn.execute("INSERT INTO passages VALUES ('p1', 's1', 0, 'x', NULL, 'Privacy Policy', 0, 1, '', '', 'prose')")
        conn.execute("UPDATE meta SET value='2' WHERE key='schema_version'")
    ws.close()

    ws = Workspace(tmp_path / "ws")
    rows = {r["sha256"]: dict(r)
            for r in ws.query("SELECT sha256, language, language_confidence, doctype FROM extractions")}
    assert (rows["s1"]["language"], rows["s1"]["doctype"]) == ("en", "privacy_policy")
    assert (rows["s2"]["language"], rows["s2"]["doctype"]) == ("de", "privacy_policy")
    assert (rows["s3"]["language"], rows["s3"]["language_confidence"], rows["s3"]["doctype"]) == ("und", 0.0, "other")
    assert ws.get_meta("schema_version") == str(SCHEMA_VERSION) == "3"
    assert ws.query("SELECT services FROM companies")[0]["services"] == ""
    assert ws.query("SELECT COUNT(*) AS n FROM element_results")[0]["n"] == 0
    assert ws.not_assessed(1).empty
    ws.close()
    Workspace(tmp_path / "ws").close()  # a migrated workspace opens again without migrating twice


def test_documents_read_gives_the_latest_version_of_each_document(tmp_path):
    with Workspace(tmp_path / "ws") as ws:
        with ws.transaction() as conn:
            _add_document(conn, "d1", "acme", "https://acme.example/privacy",
                          [("old", "2024-01-01"), ("new", "2024-06-01")])
            _add_document(conn, "d2", "beta", "https://beta.example/terms", [("b1", "2024-03-01")])
        ws.insert("extractions", [
            {"sha256": sha, "kind": "html", "text": "", "n_chars": n, "extracted_at": "2024-06-02",
             "language": lang, "language_confidence": conf, "doctype": doctype}
            for sha, n, lang, conf, doctype in [("old", 10, "en", 0.9, "privacy_policy"),
                                                ("new", 20, "zh", 0.99, "privacy_policy"),
                                                ("b1", 30, "en", 0.97, "terms")]])
        columns = ["company_id", "url", "doctype", "language", "language_confidence", "n_chars", "retrieved_at"]
        docs = ws.documents_read()
        assert list(docs.columns[:len(columns)]) == columns
        assert docs[columns].to_dict("records") == [
            {"company_id": "acme", "url": "https://acme.example/privacy", "doctype": "privacy_policy",
             "language": "zh", "language_confidence": 0.99, "n_chars": 20, "retrieved_at": "2024-06-01"},
            {"company_id": "beta", "url": "https://beta.example/terms", "doctype": "terms",
             "language": "en", "language_confidence": 0.97, "n_chars": 30, "retrieved_at": "2024-03-01"}]
        assert list(ws.documents_read("beta")["url"]) == ["https://beta.example/terms"]
        assert ws.documents_read("nobody").empty


def test_new_workspace_has_the_columns(tmp_path):
    with Workspace(tmp_path / "ws"):
        pass
    conn = sqlite3.connect(tmp_path / "ws" / "hrdc.sqlite")
    columns = {r[1] for r in conn.execute("PRAGMA table_info(extractions)")}
    conn.close()
    assert {"language", "language_confidence", "doctype"} <= columns
