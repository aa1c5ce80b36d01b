"""Every query lives in the store: no other module of pipeline/ holds SQL text or executes it.

Strings are read with ``ast``, so comments and docstrings that mention SQL do not count."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PIPELINE = Path(__file__).resolve().parents[1] / "pipeline"
STORE = {PIPELINE / "store.py", *(PIPELINE / "store").rglob("*.py")}
ALLOWED: set[str] = set()  # "module.py:line" of a reviewed exception; keep it empty

_STATEMENT = re.compile(r"^\s*\(?\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP|PRAGMA|WITH|BEGIN|COMMIT"
                        r"|ROLLBACK|VACUUM|ATTACH)\b")
_CLAUSE = re.compile(r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b"
                     r"|\bDELETE\s+FROM\b|\bCREATE\s+(TABLE|INDEX)\b")


def looks_like_sql(text: str) -> bool:
    """A statement keyword in capitals at the start, or a SELECT ... FROM (INSERT INTO, ...) anywhere."""
    return bool(_STATEMENT.match(text) or _CLAUSE.search(text))


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def sql_outside_store(source: str, name: str) -> list[str]:
    """``name:line: what`` for each SQL string literal and each ``.execute``-like call in ``source``."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):  # an f-string: its literal parts, joined
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            skip.update(id(v) for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("execute", "executemany", "executescript")):
            hits.append(f"{name}:{node.lineno}: .{node.func.attr}() call")
            continue
        else:
            continue
        if looks_like_sql(text):
            hits.append(f"{name}:{node.lineno}: {' '.join(text.split())[:60]!r}")
    return sorted(hits, key=lambda h: int(h.split(":")[1]))


def test_no_sql_outside_the_store():
    hits = []
    for path in sorted(PIPELINE.rglob("*.py")):
        if path not in STORE:
            name = str(path.relative_to(PIPELINE))
            hits += [h for h in sql_outside_store(path.read_text(encoding="utf-8"), name)
                     if h.split(": ", 1)[0] not in ALLOWED]
    assert not hits, "move these queries into pipeline/store (a named Workspace method):\n" + "\n".join(hits)


@pytest.mark.parametrize("source", [
    'ws.query("SELECT url FROM documents")',
    'q = f"SELECT {cols} FROM tags WHERE model=?"',
    'q = """\n  select_me = 1\n  WITH x AS (SELECT 1) SELECT * FROM x"""',
    'sql = "INSERT OR IGNORE INTO tags (a) VALUES (?)"',
    'conn.execute(sql, params)',
    'cursor.executemany(sql, rows)',
    'x = "(SELECT MAX(version) FROM versions)"',
])
def test_the_check_finds_sql(source):
    assert sql_outside_store(source, "m.py")


@pytest.mark.parametrize("source", [
    '"""Select the passages from the store (a docstring)."""',
    'def f():\n    """SELECT * FROM the docstring does not count."""\n    return 1',
    '# SELECT url FROM documents\nx = 1',
    'log.info("selected %d passages from %s", n, url)',
    'message = "Update the workspace with `hrdc run`"',
    'ws.current_tags(model, company)',
])
def test_the_check_ignores_prose_comments_and_docstrings(source):
    assert sql_outside_store(source, "m.py") == []
