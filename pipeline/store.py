"""The workspace: one SQLite database (WAL) plus raw documents stored by content hash.

A workspace makes every run resumable and idempotent: each table has a natural key, stages
skip work whose results are already stored, and raw files are written to a temporary name
and renamed into place, so a killed process never leaves a partial file.

Every query of hrdc is a named :class:`Workspace` method; no other module holds SQL.
Researchers load any table into pandas with one call::

    >>> from pipeline import store
    >>> passages = store.load("passages", "demo-output/workspace")
    >>> tags = Workspace("demo-output/workspace").table("tags")  # doctest: +SKIP
"""
from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

import pandas as pd

from .passage_kind import EVIDENCE_KINDS, passage_kind
from .records import now, sha256_bytes  # noqa: F401 (part of the store's API)
from .settings import Settings

_EVIDENCE_SQL = ", ".join(f"'{k}'" for k in EVIDENCE_KINDS)  # headings, menus and boilerplate are never tagged

SCHEMA_VERSION = 3  # 2: passages.kind; 3: extractions.language, language_confidence, doctype; companies.services

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    command TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,              -- running | done | failed
    stats TEXT                         -- JSON summary
);
CREATE TABLE IF NOT EXISTS companies (
    company_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sector TEXT NOT NULL,
    seed_urls TEXT NOT NULL,           -- space-separated
    allow_domains TEXT NOT NULL DEFAULT '',
    services TEXT NOT NULL DEFAULT ''  -- space-separated pipeline.companies.SERVICES
);
CREATE TABLE IF NOT EXISTS crawl_queue (
    run_id INTEGER NOT NULL,
    company_id TEXT NOT NULL,
    url TEXT NOT NULL,                 -- normalised
    depth INTEGER NOT NULL,
    referrer TEXT,
    anchor TEXT,
    state TEXT NOT NULL,               -- pending | done | failed | skipped
    PRIMARY KEY (run_id, company_id, url)
);
CREATE TABLE IF NOT EXISTS fetches (
    fetch_id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL,
    company_id TEXT NOT NULL,
    url TEXT NOT NULL,
    final_url TEXT,
    status INTEGER,
    outcome TEXT NOT NULL,             -- new | changed | unchanged | not_modified | failed | blocked | robots | skipped
    content_type TEXT,
    kind TEXT,                         -- html | pdf | text | NULL
    bytes INTEGER,
    sha256 TEXT,
    elapsed REAL,
    error TEXT,
    fetched_at TEXT NOT NULL,
    UNIQUE (run_id, company_id, url)
);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,           -- stable_id(company_id, url)
    company_id TEXT NOT NULL,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    UNIQUE (company_id, url)
);
CREATE TABLE IF NOT EXISTS versions (
    doc_id TEXT NOT NULL,
    version INTEGER NOT NULL,          -- 1, 2, ... per document
    sha256 TEXT NOT NULL,
    retrieved_at TEXT NOT NULL,
    run_id INTEGER NOT NULL,
    PRIMARY KEY (doc_id, version)
);
CREATE INDEX IF NOT EXISTS versions_sha ON versions (sha256);
CREATE TABLE IF NOT EXISTS extractions (
    sha256 TEXT PRIMARY KEY,
    kind TEXT,
    title TEXT,
    n_pages INTEGER,
    pages_without_text TEXT,           -- JSON list
    n_chars INTEGER,
    flags TEXT,                        -- space-separated
    error TEXT,
    text TEXT,
    extracted_at TEXT NOT NULL,
    language TEXT,                     -- ISO 639-1 code, 'und' when too little text
    language_confidence REAL,          -- 0-1
    doctype TEXT                       -- pipeline.doctype.DOCTYPES
);
CREATE TABLE IF NOT EXISTS passages (
    passage_id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    seq INTEGER NOT NULL,
    text TEXT NOT NULL,
    page INTEGER,
    section TEXT,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    context_before TEXT,
    context_after TEXT,
    kind TEXT NOT NULL DEFAULT 'prose'  -- pipeline.passage_kind.KINDS
);
CREATE INDEX IF NOT EXISTS passages_sha ON passages (sha256);
CREATE TABLE IF NOT EXISTS tags (
    model TEXT NOT NULL,
    passage_id TEXT NOT NULL,
    criterion TEXT NOT NULL,
    score REAL NOT NULL,
    label INTEGER NOT NULL,
    PRIMARY KEY (model, passage_id, criterion)
);
CREATE TABLE IF NOT EXISTS passage_attributes (
    model TEXT NOT NULL,
    passage_id TEXT NOT NULL,
    future INTEGER NOT NULL,
    negative INTEGER NOT NULL,
    PRIMARY KEY (model, passage_id)
);
CREATE TABLE IF NOT EXISTS tagged (
    model TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    tagged_at TEXT NOT NULL,
    PRIMARY KEY (model, sha256)
);
CREATE TABLE IF NOT EXISTS scores (
    run_id INTEGER NOT NULL,
    company_id TEXT NOT NULL,
    framework TEXT NOT NULL,
    criterion TEXT NOT NULL,
    verdict TEXT NOT NULL,
    score REAL NOT NULL,
    n_passages INTEGER NOT NULL,
    evidence TEXT NOT NULL,            -- JSON list of evidence dicts
    PRIMARY KEY (run_id, company_id, criterion)
);
CREATE TABLE IF NOT EXISTS element_results (
    run_id INTEGER NOT NULL,
    company_id TEXT NOT NULL,
    criterion TEXT NOT NULL,           -- rdr.P3a
    element TEXT NOT NULL,             -- P03a.01, as in RDR's data files
    result TEXT NOT NULL,              -- yes / partial / no / no disclosure found / NA
    match REAL NOT NULL,               -- best match of a supporting passage (pipeline.elements)
    evidence TEXT NOT NULL,            -- JSON list of evidence dicts
    PRIMARY KEY (run_id, company_id, element)
);
CREATE TABLE IF NOT EXISTS company_status (
    run_id INTEGER NOT NULL,
    company_id TEXT NOT NULL,
    status TEXT NOT NULL,              -- assessed / not_assessed
    reason TEXT NOT NULL,              -- why not, or which documents were left unread
    PRIMARY KEY (run_id, company_id)
);
CREATE TABLE IF NOT EXISTS framework_scores (
    run_id INTEGER NOT NULL,
    company_id TEXT NOT NULL,
    framework TEXT NOT NULL,           -- rdr, rdr.G, rdr.F, rdr.P, gni, ungp, msa
    score REAL,
    PRIMARY KEY (run_id, company_id, framework)
);
CREATE TABLE IF NOT EXISTS "references" (  -- published benchmark scores (pipeline/references.py)
    benchmark TEXT NOT NULL,
    edition TEXT NOT NULL,
    company TEXT NOT NULL,             -- as published; matched to companies by name on export
    indicator TEXT NOT NULL,           -- an hrdc framework, group or criterion id, or the benchmark's label
    score REAL NOT NULL,               -- 0-100
    source TEXT NOT NULL,              -- the file it was read from
    PRIMARY KEY (benchmark, edition, company, indicator)
);
CREATE TABLE IF NOT EXISTS reference_aliases (  -- name and alias denote one company
    name TEXT NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (name, alias)
);
"""

TABLES = (
    "runs", "companies", "crawl_queue", "fetches", "documents", "versions", "extractions",
    "passages", "tags", "passage_attributes", "tagged", "scores", "element_results", "company_status", "framework_scores",
    "references", "reference_aliases",
)


class StoreError(RuntimeError):
    """The workspace cannot be read or written; the message says what to do."""


class Workspace:
    """A workspace directory: ``hrdc.sqlite`` and ``raw/`` (content-addressed documents).

    One connection is shared by the threads of a process; writes are serialised by a lock.
    """

    DB_NAME = "hrdc.sqlite"

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True) -> None:
        self.path = Path(path)
        if not self.path.exists():
            if not create:
                raise StoreError(f"workspace {self.path} does not exist; create it with `hrdc run` or `hrdc crawl`")
            try:
                self.path.mkdir(parents=True)
            except OSError as exc:
                raise StoreError(f"cannot create workspace {self.path}: {exc.strerror}") from None
        elif not self.path.is_dir():
            raise StoreError(f"workspace {self.path} is not a directory")
        elif not create and not (self.path / self.DB_NAME).is_file():
            raise StoreError(f"{self.path} is not an hrdc workspace (no {self.DB_NAME}); create one with "
                             "`hrdc run` or `hrdc crawl`, or pass the folder that holds it")
        self.raw_dir = self.path / "raw"
        self._lock = threading.RLock()
        try:
            self.raw_dir.mkdir(exist_ok=True)
            self._conn = sqlite3.connect(
                self.path / self.DB_NAME, timeout=60, check_same_thread=False, isolation_level=None
            )
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open workspace {self.path}: {exc}; {_hint(str(exc))}") from None

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    def _migrate(self) -> None:
        row = self._conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        if row:
            found = self._conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if found and int(found[0]) > SCHEMA_VERSION:
                raise StoreError(
                    f"workspace {self.path} was written by a newer hrdc (schema {found[0]}); upgrade hrdc"
                )
        columns = {r[1] for r in self._conn.execute("PRAGMA table_info(passages)")}
        extraction_columns = {r[1] for r in self._conn.execute("PRAGMA table_info(extractions)")}
        company_columns = {r[1] for r in self._conn.execute("PRAGMA table_info(companies)")}
        self._conn.executescript(SCHEMA)
        if company_columns and "services" not in company_columns:
            self._conn.execute("ALTER TABLE companies ADD COLUMN services TEXT NOT NULL DEFAULT ''")
        if columns and "kind" not in columns:
            self._add_passage_kinds()
        if extraction_columns and "doctype" not in extraction_columns:
            self._add_document_types()
        self._conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )

    def _add_passage_kinds(self) -> None:
        """Schema 1 -> 2: classify the stored passages (block kinds were not stored: text only)."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            self._conn.execute("ALTER TABLE passages ADD COLUMN kind TEXT NOT NULL DEFAULT 'prose'")
            rows = self._conn.execute("SELECT passage_id, text FROM passages").fetchall()
            self._conn.executemany(
                "UPDATE passages SET kind=? WHERE passage_id=?",
                [(kind, pid) for pid, text in rows if (kind := passage_kind(text)) != "prose"])
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def _add_document_types(self) -> None:
        """Schema 2 -> 3: the language and type of every stored extraction, from its stored text,
        title, URL (the first of its documents, as ``hrdc extract`` chose) and passage sections.

        About 4 ms per document (language sample and doctype cues are bounded), one pass."""
        from .doctype import classify_doctype
        from .extract.language import detect_language

        self._conn.execute("BEGIN IMMEDIATE")
        try:
            for column in ("language TEXT", "language_confidence REAL", "doctype TEXT"):
                self._conn.execute(f"ALTER TABLE extractions ADD COLUMN {column}")
            updates = []
            rows = self._conn.execute(
                """SELECT e.sha256, e.title, e.text,
                          (SELECT MIN(d.url) FROM versions v JOIN documents d USING (doc_id)
                           WHERE v.sha256 = e.sha256) AS url
                   FROM extractions e""")
            for sha, title, text, url in rows:  # one text in memory at a time
                sections = [r[0] for r in self._conn.execute(
                    "SELECT section FROM passages WHERE sha256 = ? AND COALESCE(section, '') != '' "
                    "GROUP BY section ORDER BY MIN(seq)", (sha,))]
                language, confidence = detect_language(text or "")
                doctype = classify_doctype(title or "", url or "", text or "", sections)
                updates.append((language, confidence, doctype, sha))
            self._conn.executemany(
                "UPDATE extractions SET language=?, language_confidence=?, doctype=? WHERE sha256=?", updates)
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    # -- SQL helpers ----------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: all or nothing, serialised across threads."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise self._store_error(exc) from None
            try:
                yield self._conn
            except sqlite3.OperationalError as exc:  # disk full, read-only, I/O error
                self._rollback()
                raise self._store_error(exc) from None
            except BaseException:
                self._rollback()
                raise
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise self._store_error(exc) from None

    def _rollback(self) -> None:
        # SQLite has already rolled back after some errors (SQLITE_FULL): a second ROLLBACK
        # would fail and hide the error that says what to do
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def frame(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> pd.DataFrame:
        with self._lock:
            return pd.read_sql_query(sql, self._conn, params=params)

    def insert(
        self,
        table: str,
        rows: Iterable[Mapping[str, Any]],
        *,
        conflict: str = "ignore",
        conn: sqlite3.Connection | None = None,
    ) -> int:
        """Insert dict rows; ``conflict`` is "ignore" (keep stored rows) or "replace".

        Returns the number of rows written. Pass ``conn`` to write inside an open transaction.
        """
        rows = list(rows)
        if not rows:
            return 0
        if table not in TABLES:
            raise StoreError(f"unknown table {table!r}; tables: {', '.join(TABLES)}")
        if conflict not in ("ignore", "replace"):
            raise ValueError(f"conflict={conflict!r}: use 'ignore' or 'replace'")
        columns = list(rows[0])
        sql = (
            f"INSERT OR {conflict.upper()} INTO \"{table}\" ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
        )
        values = [tuple(_sql_value(row[c]) for c in columns) for row in rows]
        if conn is not None:
            return conn.executemany(sql, values).rowcount
        with self.transaction() as c:
            return c.executemany(sql, values).rowcount

    def _store_error(self, exc: sqlite3.Error) -> StoreError:
        return StoreError(f"workspace {self.path}: {exc}: {_hint(str(exc))}")

    # -- runs -----------------------------------------------------------------------------
    def start_run(self, command: str) -> int:
        with self.transaction() as c:
            cur = c.execute(
                "INSERT INTO runs (command, started_at, status) VALUES (?, ?, 'running')", (command, now())
            )
            return int(cur.lastrowid)

    def finish_run(self, run_id: int, status: str = "done", stats: Mapping[str, Any] | None = None) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE runs SET finished_at=?, status=?, stats=? WHERE run_id=?",
                (now(), status, json.dumps(stats or {}, sort_keys=True, default=str), run_id),
            )

    def run_stats(self, run_id: int) -> dict[str, Any]:
        """The JSON summary a run finished with ({} for an unknown or unfinished run)."""
        found = self.query("SELECT stats FROM runs WHERE run_id = ?", (run_id,))
        return json.loads(found[0]["stats"] or "{}") if found else {}

    def unfinished_run(self, command: str) -> int | None:
        """The latest run of ``command`` that was interrupted, to resume it."""
        row = self.query(
            "SELECT run_id, status FROM runs WHERE command=? ORDER BY run_id DESC LIMIT 1", (command,)
        )
        return int(row[0]["run_id"]) if row and row[0]["status"] == "running" else None

    # -- raw documents --------------------------------------------------------------------
    def raw_path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
            raise StoreError(f"not a sha256 hex digest: {sha256!r}")
        return self.raw_dir / sha256[:2] / sha256

    def has_raw(self, sha256: str) -> bool:
        return self.raw_path(sha256).exists()

    def put_raw(self, data: bytes) -> str:
        """Store bytes under their sha256 (atomically) and return the digest."""
        digest = sha256_bytes(data)
        target = self.raw_path(digest)
        if target.exists():
            return digest
        try:
            target.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            raise StoreError(f"cannot write {target}: {exc.strerror}; check free space and permissions") from None
        return digest

    def get_raw(self, sha256: str) -> bytes:
        path = self.raw_path(sha256)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise StoreError(
                f"raw document {sha256} is missing from {self.raw_dir}; rerun `hrdc crawl` to fetch it again"
            ) from None

    def clean_partial_files(self) -> int:
        """Remove temporary files a killed process left behind; returns how many."""
        removed = 0
        for tmp in self.raw_dir.glob("*/.tmp-*"):
            with contextlib.suppress(OSError):
                tmp.unlink()
                removed += 1
        return removed

    # -- meta -----------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.query("SELECT value FROM meta WHERE key=?", (key,))
        return row[0]["value"] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as c:
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- results --------------------------------------------------------------------------
    def latest_scores(self, framework: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The latest scoring run's verdicts of ``framework`` (company, criterion, verdict, score)
        and its framework scores (company, framework, score: ``rdr``, ``rdr.G`` ...); company is
        the name in the companies file."""
        verdicts = self.frame(
            """SELECT c.name AS company, s.criterion, s.verdict, s.score FROM scores s
               JOIN companies c USING (company_id)
               WHERE s.run_id = (SELECT MAX(run_id) FROM scores) AND s.framework = ?""", (framework,))
        totals = self.frame(
            """SELECT c.name AS company, f.framework, f.score FROM framework_scores f
               JOIN companies c USING (company_id)
               WHERE f.run_id = (SELECT MAX(run_id) FROM framework_scores)
                 AND (f.framework = ? OR f.framework LIKE ?)""", (framework, f"{framework}.%"))
        return verdicts, totals

    def element_results(self, run_id: int) -> pd.DataFrame:
        """Element answers of scoring run ``run_id`` (RDR, UNGP RF): company (name), company_id, sector,
        criterion, element, result, match, evidence (JSON), in company and taxonomy order."""
        return self.frame(
            """SELECT c.name AS company, e.company_id, c.sector, e.criterion, e.element, e.result,
                      e.match, e.evidence FROM element_results e JOIN companies c USING (company_id)
               WHERE e.run_id = ? ORDER BY e.company_id, e.rowid""", (run_id,))

    def not_assessed(self, run_id: int) -> pd.DataFrame:
        """Companies scoring run ``run_id`` could not assess: company (name), company_id, reason."""
        return self.frame(
            """SELECT c.name AS company, s.company_id, s.reason FROM company_status s
               JOIN companies c USING (company_id) WHERE s.run_id = ? AND s.status = 'not_assessed'
               ORDER BY c.name""", (run_id,))

    def passage_counts(self) -> pd.DataFrame:
        """Passages in each company's current documents (latest versions): company, n_passages."""
        return self.frame(
            """SELECT c.name AS company, COUNT(DISTINCT p.passage_id) AS n_passages FROM companies c
               LEFT JOIN documents d USING (company_id)
               LEFT JOIN versions v ON v.doc_id = d.doc_id
                    AND v.version = (SELECT MAX(version) FROM versions WHERE doc_id = d.doc_id)
               LEFT JOIN passages p ON p.sha256 = v.sha256
               GROUP BY c.name ORDER BY c.name""")

    def documents_read(self, company_id: str | None = None) -> pd.DataFrame:
        """What each current document (latest version) is and what language it is in:
        company_id, url, doctype, language, language_confidence, n_chars, retrieved_at, title, sha256.

        A document not extracted yet has empty doctype, language and n_chars. Compare
        ``language`` with ``Settings.model_languages`` to tell what the tagger could read.

        >>> ws.documents_read("acme")  # doctest: +SKIP
        """
        where, params = ("WHERE d.company_id = ?", (company_id,)) if company_id else ("", ())
        return self.frame(
            f"""SELECT d.company_id, d.url, e.doctype, e.language, e.language_confidence, e.n_chars,
                       v.retrieved_at, COALESCE(e.title, '') AS title, v.sha256
                FROM documents d
                JOIN versions v ON v.doc_id = d.doc_id
                     AND v.version = (SELECT MAX(version) FROM versions WHERE doc_id = d.doc_id)
                LEFT JOIN extractions e ON e.sha256 = v.sha256
                {where}
                ORDER BY d.company_id, d.url""", params)

    def table(self, name: str) -> pd.DataFrame:
        """One whole table as a DataFrame (``TABLES`` lists them).

        >>> ws.table("passages").head()  # doctest: +SKIP
        """
        return self.frame(f'SELECT * FROM "{_known_table(name)}"')  # quoted: "references" is a keyword

    # == stage inputs (pipeline/run.py) ===================================================
    def unextracted(self) -> pd.DataFrame:
        """Stored contents without an extraction: sha256, kind and url (of its first document)."""
        return self.frame(
            """SELECT v.sha256, MIN(d.kind) AS kind, MIN(d.url) AS url FROM versions v
               JOIN documents d USING (doc_id)
               WHERE v.sha256 NOT IN (SELECT sha256 FROM extractions)
               GROUP BY v.sha256 ORDER BY v.sha256""")

    def n_extracted(self) -> int:
        return int(self.query("SELECT COUNT(*) AS n FROM extractions")[0]["n"])

    def untagged(self, model: str) -> list[str]:
        """Extracted contents ``model`` has not tagged yet, largest first."""
        return [r["sha256"] for r in self.query(
            "SELECT sha256 FROM extractions WHERE sha256 NOT IN (SELECT sha256 FROM tagged WHERE model=?) "
            "ORDER BY n_chars DESC, sha256", (model,))]

    def n_tagged(self, model: str) -> int:
        return int(self.query("SELECT COUNT(*) AS n FROM tagged WHERE model=?", (model,))[0]["n"])

    def evidence_passages(self, sha256: str) -> list[dict[str, Any]]:
        """The passages of one content that can be evidence (:data:`~pipeline.passage_kind.EVIDENCE_KINDS`),
        in order: passage_id, text, context_before, context_after."""
        rows = self.query(
            f"SELECT passage_id, text, context_before, context_after FROM passages WHERE sha256=? "
            f"AND kind IN ({_EVIDENCE_SQL}) ORDER BY seq", (sha256,))
        return [dict(r) for r in rows]

    def companies_to_score(self) -> pd.DataFrame:
        """company_id, sector, services of every company, in company_id order."""
        return self.frame("SELECT company_id, sector, services FROM companies ORDER BY company_id")

    def current_tags(self, model_id: str, company_id: str | None = None, *,
                     labelled: bool = False) -> pd.DataFrame:
        """Tags of the companies' current documents (latest version of each), with provenance.

        With ``company_id``, only that company's. CROSS JOIN fixes SQLite's join order to
        documents -> versions -> passages -> tags, each step an index lookup, so one company costs
        the same however large the workspace is (left to itself, the planner starts from every
        tag of the model, and scoring company by company grows with the square of the corpus).
        ``labelled=True`` keeps only tags at or above their criterion's threshold.
        """
        where, params = ("WHERE d.company_id = ?", (model_id, company_id)) if company_id else ("", (model_id,))
        label = "AND t.label = 1" if labelled else ""
        return self.frame(
            f"""SELECT d.company_id, t.passage_id, t.criterion, t.score, t.label,
                       COALESCE(a.future, 0) AS future, COALESCE(a.negative, 0) AS negative,
                       p.text, d.url, p.page, v.retrieved_at, v.sha256
                FROM documents d
                CROSS JOIN versions v ON v.doc_id = d.doc_id
                     AND v.version = (SELECT MAX(version) FROM versions WHERE doc_id = d.doc_id)
                CROSS JOIN passages p ON p.sha256 = v.sha256 AND p.kind IN ({_EVIDENCE_SQL})
                CROSS JOIN tags t ON t.passage_id = p.passage_id AND t.model = ? {label}
                LEFT JOIN passage_attributes a ON a.passage_id = p.passage_id AND a.model = t.model
                {where}
                ORDER BY d.company_id, t.criterion, t.score DESC, d.url""", params)

    def current_passages(self, model_id: str, company_id: str) -> pd.DataFrame:
        """One company's evidence passages in its current documents, with the model's future /
        negative attributes and provenance (:data:`pipeline.score.PASSAGE_COLUMNS`), in document
        order; what the learned element model reads (:mod:`pipeline.model.element_model`)."""
        return self.frame(
            f"""SELECT p.passage_id, COALESCE(a.future, 0) AS future, COALESCE(a.negative, 0) AS negative,
                       p.text, d.url, p.page, v.retrieved_at, v.sha256
                FROM documents d
                CROSS JOIN versions v ON v.doc_id = d.doc_id
                     AND v.version = (SELECT MAX(version) FROM versions WHERE doc_id = d.doc_id)
                CROSS JOIN passages p ON p.sha256 = v.sha256 AND p.kind IN ({_EVIDENCE_SQL})
                LEFT JOIN passage_attributes a ON a.passage_id = p.passage_id AND a.model = ?
                WHERE d.company_id = ?
                ORDER BY d.url, p.seq""", (model_id, company_id))

    # == crawl (pipeline/crawl/runner.py, changes.py) =====================================
    def fetch_outcomes(self, run_id: int, company_ids: Sequence[str]) -> list[sqlite3.Row]:
        """outcome, error, bytes of every fetch of crawl run ``run_id`` for these companies."""
        if not company_ids:
            return []
        return self.query(f"SELECT outcome, error, bytes FROM fetches WHERE run_id=? AND company_id IN "
                          f"({','.join('?' * len(company_ids))})", (run_id, *company_ids))

    def queue_entries(self, run_id: int) -> list[sqlite3.Row]:
        """company_id, url, depth, anchor, state of a crawl's queue, shallowest and oldest first."""
        return self.query("SELECT company_id, url, depth, anchor, state FROM crawl_queue WHERE run_id=? "
                          "ORDER BY depth, rowid", (run_id,))

    def seed_redirects(self, run_id: int) -> list[sqlite3.Row]:
        """company_id, final_url of the seeds crawl run ``run_id`` has fetched."""
        return self.query("""SELECT f.company_id, f.final_url FROM fetches f JOIN crawl_queue q
                             ON q.run_id=f.run_id AND q.company_id=f.company_id AND q.url=f.url
                             WHERE f.run_id=? AND q.depth=0 AND f.final_url IS NOT NULL""", (run_id,))

    def latest_versions(self) -> list[sqlite3.Row]:
        """doc_id, company_id, url, etag, last_modified, sha256, version of each document's latest version."""
        return self.query("""SELECT d.doc_id, d.company_id, d.url, d.etag, d.last_modified, v.sha256, v.version
                             FROM documents d JOIN versions v ON v.doc_id=d.doc_id
                             AND v.version=(SELECT MAX(version) FROM versions WHERE doc_id=d.doc_id)""")

    def set_queue_state(self, conn: sqlite3.Connection, run_id: int, company_id: str, url: str,
                        state: str) -> None:
        conn.execute("UPDATE crawl_queue SET state=? WHERE run_id=? AND company_id=? AND url=?",
                     (state, run_id, company_id, url))

    def touch_document(self, conn: sqlite3.Connection, doc_id: str, seen: str, etag: str | None,
                       last_modified: str | None) -> None:
        """A document was confirmed unchanged (HTTP 304) at ``seen``."""
        conn.execute("UPDATE documents SET last_seen=?, etag=?, last_modified=? WHERE doc_id=?",
                     (seen, etag, last_modified, doc_id))

    def upsert_document(self, conn: sqlite3.Connection, doc_id: str, company_id: str, url: str, kind: str,
                        seen: str, etag: str | None, last_modified: str | None) -> None:
        """Record a document seen at ``seen``; a known one keeps its first_seen."""
        conn.execute(
            """INSERT INTO documents (doc_id, company_id, url, kind, first_seen, last_seen, etag, last_modified)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(doc_id) DO UPDATE SET kind=excluded.kind, last_seen=excluded.last_seen,
               etag=excluded.etag, last_modified=excluded.last_modified""",
            (doc_id, company_id, url, kind, seen, seen, etag, last_modified))

    def add_version(self, conn: sqlite3.Connection, doc_id: str, version: int, sha256: str,
                    retrieved_at: str, run_id: int) -> None:
        """A new version of a document; storing one version number twice is an error."""
        conn.execute("INSERT INTO versions (doc_id, version, sha256, retrieved_at, run_id) VALUES (?, ?, ?, ?, ?)",
                     (doc_id, version, sha256, retrieved_at, run_id))

    def version_changes(self, since: str = "") -> pd.DataFrame:
        """Each version retrieved on or after ``since`` that replaced an earlier one, with the one
        before: company, url, doc_id, kind, version_from/to, retrieved_from/to, sha256_from/to."""
        return self.frame(
            """SELECT c.name AS company, d.url, d.doc_id, d.kind, a.version AS version_from,
                      b.version AS version_to, a.retrieved_at AS retrieved_from, b.retrieved_at AS retrieved_to,
                      a.sha256 AS sha256_from, b.sha256 AS sha256_to
               FROM versions b
               JOIN versions a ON a.doc_id = b.doc_id AND a.version = b.version - 1
               JOIN documents d ON d.doc_id = b.doc_id
               LEFT JOIN companies c ON c.company_id = d.company_id
               WHERE b.retrieved_at >= ?
               ORDER BY b.retrieved_at, c.name, d.url""", (since,))

    # == scoring runs and summaries (pipeline/compare.py, workflow.py, demo.py) ===========
    def score_runs(self) -> list[int]:
        """Scoring runs, oldest first: every finished one (also one that could assess no
        company) and any that wrote scores."""
        return [int(r["run_id"]) for r in self.query(
            """SELECT run_id FROM runs WHERE command = 'score' AND status = 'done'
               UNION SELECT DISTINCT run_id FROM scores ORDER BY run_id""")]

    def run_scores(self, run_id: int) -> pd.DataFrame:
        """Verdicts of scoring run ``run_id``: company_id, company (name), framework, criterion,
        score, verdict, evidence (JSON)."""
        return self.frame(
            """SELECT s.company_id, c.name AS company, s.framework, s.criterion, s.score, s.verdict, s.evidence
               FROM scores s JOIN companies c USING (company_id) WHERE s.run_id = ?""", (run_id,))

    def run_started(self, run_id: int) -> str:
        """When run ``run_id`` started ("" for an unknown run)."""
        row = self.query("SELECT started_at FROM runs WHERE run_id=?", (run_id,))
        return row[0]["started_at"] if row else ""

    def replaced_versions(self, after: str, until: str) -> pd.DataFrame:
        """company_id, url of the versions retrieved in (after, until] that replaced an earlier one."""
        return self.frame(
            """SELECT d.company_id, d.url FROM versions v JOIN documents d USING (doc_id)
               WHERE v.version > 1 AND v.retrieved_at > ? AND v.retrieved_at <= ?""", (after, until))

    def totals(self) -> dict[str, int]:
        """Documents (distinct contents), pages, passages and extraction errors."""
        row = self.query(
            """SELECT (SELECT COUNT(DISTINCT sha256) FROM versions) AS documents,
                      (SELECT COALESCE(SUM(n_pages), 0) FROM extractions) AS pages,
                      (SELECT COUNT(*) FROM passages) AS passages,
                      (SELECT COUNT(*) FROM extractions WHERE COALESCE(error, '') != '') AS errors""")[0]
        return {k: int(row[k]) for k in ("documents", "pages", "passages", "errors")}

    def latest_framework_scores(self) -> pd.DataFrame:
        """company (name), sector, framework, score of the latest scoring run, every framework."""
        return self.frame(
            """SELECT c.name AS company, c.sector, f.framework, f.score FROM framework_scores f
               JOIN companies c USING (company_id)
               WHERE f.run_id = (SELECT MAX(run_id) FROM framework_scores)""")

    def document_counts(self) -> pd.DataFrame:
        """company (name), documents: how many documents (URLs) each company has."""
        return self.frame(
            """SELECT c.name AS company, COUNT(DISTINCT d.doc_id) AS documents FROM documents d
               JOIN companies c USING (company_id) GROUP BY c.name""")

    # -- export: the report of one scoring run (pipeline.export.build) ----------------------
    def score_coverage(self, run_id: int) -> pd.DataFrame:
        """Verdicts of scoring run ``run_id`` with their best quote: company (name), company_id,
        sector, framework, criterion, verdict, score, n_passages, evidence (the best quote), url,
        page; by company_id and criterion. The other quotes: :meth:`score_evidence`."""
        return self.frame(
            """SELECT c.name AS company, s.company_id, c.sector, s.framework, s.criterion, s.verdict, s.score,
                      s.n_passages, COALESCE(json_extract(s.evidence, '$[0].quote'), '') AS evidence,
                      COALESCE(json_extract(s.evidence, '$[0].url'), '') AS url,
                      json_extract(s.evidence, '$[0].page') AS page
               FROM scores s JOIN companies c USING (company_id) WHERE s.run_id = ?
               ORDER BY s.company_id, s.criterion""", (run_id,))

    def score_evidence(self, run_id: int, company_ids: Sequence[str],
                       max_ids: int = Settings.query_max_ids) -> pd.DataFrame:
        """The evidence lists of some companies in scoring run ``run_id``: company_id, criterion,
        evidence_json (the JSON list of quotes, best first); ``max_ids`` companies per query."""
        ids = list(dict.fromkeys(company_ids))
        return pd.concat([
            self.frame(
                f"""SELECT company_id, criterion, evidence AS evidence_json FROM scores
                    WHERE run_id = ? AND company_id IN ({", ".join("?" * len(batch))})""", (run_id, *batch))
            for batch in (ids[i:i + max_ids] for i in range(0, len(ids), max_ids))
        ])

    def framework_scores(self, run_id: int) -> pd.DataFrame:
        """Framework scores of scoring run ``run_id``: company (name), framework, score."""
        return self.frame(
            """SELECT c.name AS company, f.framework, f.score FROM framework_scores f
               JOIN companies c USING (company_id) WHERE f.run_id = ? ORDER BY c.name, f.framework""", (run_id,))

    def source_documents(self) -> pd.DataFrame:
        """Every company's current documents (latest versions) as the export lists them: company
        (name), url, kind, title, doctype, language, language_confidence, retrieved_at, sha256,
        n_passages, flags; by company and url."""
        return self.frame(
            """SELECT c.name AS company, d.url, d.kind, COALESCE(e.title, '') AS title,
                      COALESCE(e.doctype, '') AS doctype, COALESCE(e.language, '') AS language,
                      e.language_confidence, v.retrieved_at, v.sha256,
                      (SELECT COUNT(*) FROM passages p WHERE p.sha256 = v.sha256) AS n_passages,
                      COALESCE(e.flags, '') AS flags
               FROM documents d JOIN companies c USING (company_id)
               JOIN versions v ON v.doc_id = d.doc_id
                    AND v.version = (SELECT MAX(version) FROM versions WHERE doc_id = d.doc_id)
               LEFT JOIN extractions e ON e.sha256 = v.sha256 ORDER BY c.name, d.url""")

    # -- published reference scores (pipeline/references.py) ------------------------------
    def replace_references(self, references: pd.DataFrame) -> int:
        """Store reference rows (benchmark, edition, company, indicator, score, source); each
        benchmark x edition they hold replaces the stored one. Returns the rows stored."""
        editions = references[["benchmark", "edition"]].drop_duplicates()
        with self.transaction() as conn:
            conn.executemany('DELETE FROM "references" WHERE benchmark = ? AND edition = ?',
                             list(editions.itertuples(index=False, name=None)))
            return self.insert("references", references.to_dict("records"), conflict="replace", conn=conn)

    def references(self) -> pd.DataFrame:
        """Every stored reference row: benchmark, edition, company, indicator, score, source."""
        return self.frame(
            """SELECT benchmark, edition, company, indicator, score, source FROM "references"
               ORDER BY benchmark, edition, company, indicator""")

    def add_reference_aliases(self, aliases: pd.DataFrame) -> int:
        """Keep ``name, alias`` pairs for matching reference companies; returns the new ones."""
        return self.insert("reference_aliases", aliases[["name", "alias"]].to_dict("records"))

    def reference_aliases(self) -> pd.DataFrame:
        """Every stored ``name, alias`` pair."""
        return self.frame("SELECT name, alias FROM reference_aliases ORDER BY name, alias")

    def run_finished_at(self, run_id: int) -> str:
        """When run ``run_id`` finished (ISO time); "" if it has not or does not exist."""
        row = self.query("SELECT finished_at FROM runs WHERE run_id=?", (run_id,))
        return (row[0]["finished_at"] if row else None) or ""


def _hint(error: str) -> str:
    """What to do about a failed write, from SQLite's or the OS's message."""
    if "readonly" in error or "read-only" in error:
        return "the workspace is read-only; make it writable or use another --workspace"
    if ("disk" in error and "full" in error) or "No space left" in error:
        return "the disk is full; free space and rerun (completed work is kept)"
    if "locked" in error:
        return "another hrdc process is writing this workspace; wait for it or use another --workspace"
    if "unable to open" in error or "Permission denied" in error:
        return "check that the folder is writable"
    return "rerun; completed work is kept"


def _sql_value(value: Any) -> Any:
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bool):
        return int(value)
    return value


def _known_table(name: str) -> str:
    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}; choose one of: {', '.join(TABLES)}")
    return name


def open_workspace(workspace: str | os.PathLike[str] | Workspace, *, create: bool = False) -> Workspace:
    return workspace if isinstance(workspace, Workspace) else Workspace(workspace, create=create)


def load(table: str, workspace: str | os.PathLike[str] | Workspace) -> pd.DataFrame:
    """Load one table of a workspace as a DataFrame.

    >>> load("scores", "demo-output/workspace").head()  # doctest: +SKIP
    """
    _known_table(table)  # a misspelt name fails before the workspace is opened
    ws = open_workspace(workspace)
    try:
        return ws.table(table)
    finally:
        if not isinstance(workspace, Workspace):
            ws.close()
