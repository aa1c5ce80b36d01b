import os
import sqlite3
import stat

import pandas as pd
import pytest

from pipeline import store
from pipeline.store import StoreError, Workspace


def test_workspace_creates_database_in_wal_mode(tmp_path):
    ws = Workspace(tmp_path / "ws")
    mode = ws.query("PRAGMA journal_mode")[0][0]
    assert mode == "wal"
    assert (tmp_path / "ws" / "hrdc.sqlite").exists()
    assert (tmp_path / "ws" / "raw").is_dir()


def test_raw_files_are_content_addressed_and_atomic(tmp_path):
    ws = Workspace(tmp_path)
    digest = ws.put_raw(b"<html>policy</html>")
    assert ws.raw_path(digest) == tmp_path / "raw" / digest[:2] / digest
    assert ws.get_raw(digest) == b"<html>policy</html>"
    assert ws.put_raw(b"<html>policy</html>") == digest  # idempotent
    # a temp file left by a killed writer is cleaned up and never mistaken for a document
    leftover = ws.raw_path(digest).parent / ".tmp-abc"
    leftover.write_bytes(b"partial")
    assert ws.clean_partial_files() == 1
    assert not leftover.exists()


def test_insert_is_idempotent_on_natural_keys(tmp_path):
    ws = Workspace(tmp_path)
    row = {"company_id": "acme", "name": "Acme", "sector": "platform", "seed_urls": "https://a.example/"}
    assert ws.insert("companies", [row]) == 1
    assert ws.insert("companies", [row]) == 0
    assert len(store.load("companies", tmp_path)) == 1


def test_failed_transaction_leaves_nothing(tmp_path):
    ws = Workspace(tmp_path)
    with pytest.raises(RuntimeError):
        with ws.transaction() as conn:
            ws.insert("companies", [{"company_id": "a", "name": "A", "sector": "telecom", "seed_urls": "x"}], conn=conn)
            raise RuntimeError("boom")
    assert store.load("companies", ws).empty


def test_load_every_table_returns_dataframe(tmp_path):
    Workspace(tmp_path).close()
    for table in store.TABLES:
        assert isinstance(store.load(table, tmp_path), pd.DataFrame)


def test_a_workspace_gives_any_table_to_pandas_in_one_call(tmp_path):
    ws = Workspace(tmp_path)
    ws.insert("companies", [{"company_id": "a", "name": "A", "sector": "telecom", "seed_urls": "x"}])
    companies = ws.table("companies")
    assert list(companies.columns) == ["company_id", "name", "sector", "seed_urls", "allow_domains", "services"]
    assert companies.loc[0, "name"] == "A"
    assert ws.table("tags").empty and "criterion" in ws.table("tags").columns
    with pytest.raises(KeyError, match="passages"):
        ws.table("passage")


def test_documents_keep_first_seen_and_versions_are_numbered_once(tmp_path):
    ws = Workspace(tmp_path)
    sha1, sha2 = ws.put_raw(b"one"), ws.put_raw(b"two")
    with ws.transaction() as conn:
        ws.upsert_document(conn, "d1", "acme", "https://a.example/p", "html", "2025-01-01", None, None)
        ws.add_version(conn, "d1", 1, sha1, "2025-01-01", 1)
    with ws.transaction() as conn:
        ws.upsert_document(conn, "d1", "acme", "https://a.example/p", "html", "2025-02-01", '"e2"', None)
        ws.add_version(conn, "d1", 2, sha2, "2025-02-01", 2)
    with pytest.raises(sqlite3.IntegrityError):
        with ws.transaction() as conn:
            ws.add_version(conn, "d1", 2, sha1, "2025-03-01", 3)
    doc = ws.table("documents").iloc[0]
    assert (doc["first_seen"], doc["last_seen"], doc["etag"]) == ("2025-01-01", "2025-02-01", '"e2"')
    [latest] = ws.latest_versions()
    assert (latest["version"], latest["sha256"]) == (2, sha2)
    changed = ws.version_changes("2025-01-15")
    assert list(changed[["version_from", "version_to", "sha256_to"]].iloc[0]) == [1, 2, sha2]
    assert ws.version_changes("2025-03-01").empty
    assert list(ws.replaced_versions("2025-01-01", "2025-02-01")["url"]) == ["https://a.example/p"]
    assert ws.replaced_versions("2025-02-01", "2025-03-01").empty


def test_load_unknown_table_names_the_choices(tmp_path):
    Workspace(tmp_path).close()
    with pytest.raises(KeyError, match="passages"):
        store.load("passage", tmp_path)


def test_runs_record_status_and_resume_point(tmp_path):
    ws = Workspace(tmp_path)
    run = ws.start_run("crawl")
    assert ws.unfinished_run("crawl") == run
    ws.finish_run(run, stats={"fetched": 3})
    assert ws.unfinished_run("crawl") is None
    assert store.load("runs", ws).loc[0, "stats"] == '{"fetched": 3}'


def test_missing_workspace_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        Workspace(tmp_path / "nope", create=False)


def test_missing_raw_file_says_how_to_recover(tmp_path):
    ws = Workspace(tmp_path)
    with pytest.raises(StoreError, match="hrdc crawl"):
        ws.get_raw("0" * 64)
    with pytest.raises(StoreError, match="sha256"):
        ws.raw_path("../../etc/passwd")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_workspace_fails_cleanly(tmp_path):
    ws = Workspace(tmp_path)
    ws.insert("companies", [{"company_id": "a", "name": "A", "sector": "telecom", "seed_urls": "x"}])
    ws.close()
    db = tmp_path / "hrdc.sqlite"
    for p in (tmp_path, db):
        p.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(StoreError):
            Workspace(tmp_path).insert("companies", [{"company_id": "b", "name": "B", "sector": "x", "seed_urls": "y"}])
    finally:
        for p in (tmp_path, db):
            p.chmod(stat.S_IRWXU)
    assert list(store.load("companies", tmp_path)["company_id"]) == ["a"]


def test_newer_schema_is_refused(tmp_path):
    Workspace(tmp_path).close()
    conn = sqlite3.connect(tmp_path / "hrdc.sqlite")
    conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer hrdc"):
        Workspace(tmp_path)
