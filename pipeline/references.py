"""Published benchmark scores (references) shown beside hrdc's, matched to companies by name.

A reference file is a tidy CSV with the columns ``benchmark, edition, company, indicator,
score``: one published score (0-100) per row. ``indicator`` is an hrdc framework, group or
criterion id where the benchmark scores the same thing hrdc does (``rdr``, ``rdr.G``,
``rdr.G4a``), so the two scores sit side by side; any other label is shown on its own.
:func:`read_references` checks a file and raises :class:`ReferenceFileError` naming the file and
line. ``corpora/references/*.csv`` are bundled references (RDR's 2020 and 2022 scores, CC BY 4.0).

Companies are matched by name: case, accents, punctuation and legal suffixes are ignored
(:func:`name_key`: "Hewlett Packard Enterprise Co." is "Hewlett-Packard Enterprise"), and an
alias file (``name, alias`` rows; ``corpora/references/aliases.csv`` plus the user's) says which
other names denote the same company ("Meta" and "Facebook").
"""
from __future__ import annotations

from functools import lru_cache

import csv
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from .paths import CORPORA_DIR, show

__all__ = [
    "ALIAS_COLUMNS",
    "ATTRIBUTIONS",
    "CAVEAT",
    "REFERENCE_COLUMNS",
    "ReferenceFileError",
    "bundled_aliases",
    "bundled_references",
    "match_references",
    "name_key",
    "read_alias_files",
    "read_aliases",
    "read_reference_files",
    "read_references",
]

REFERENCES_DIR = CORPORA_DIR / "references"
REFERENCE_COLUMNS = ("benchmark", "edition", "company", "indicator", "score")
ALIAS_COLUMNS = ("name", "alias")
ALIASES_FILE = "aliases.csv"
#: Attribution of the bundled references' benchmarks, printed wherever their scores are shown.
ATTRIBUTIONS = {
    "RDR": "RDR scores: Ranking Digital Rights, 2020 RDR Corporate Accountability Index and 2022 RDR Big "
           "Tech Scorecard (rankingdigitalrights.org), CC BY 4.0 (creativecommons.org/licenses/by/4.0).",
}
#: What a reader must know before comparing a published score with hrdc's.
CAVEAT = ("A published score rates the documents of the benchmark's own research period and method; "
          "hrdc's rates the documents it collected, so a difference can be a change over time as much "
          "as a disagreement.")
# Legal-form words dropped from the end of a name before matching ("Intel Corp." = "Intel").
_SUFFIXES = frozenset(
    "inc incorporated corp corporation co company ltd limited plc llc lp sa ag nv se spa kk ab oyj "
    "asa publ group holdings holding".split())


class ReferenceFileError(ValueError):
    """A reference or alias file is malformed; the message names the file and line."""


def read_references(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The rows of one reference file (:data:`REFERENCE_COLUMNS` and ``source``, the file name).

    Every row needs a benchmark, edition, company and indicator and a number from 0 to 100; a
    benchmark x edition x company x indicator given twice is an error.
    """
    path = Path(path)
    rows, seen = [], {}
    for line, record in _records(path, REFERENCE_COLUMNS):
        for column in REFERENCE_COLUMNS[:4]:
            if not record[column]:
                raise _fail(path, line, f"empty {column!r}")
        score = _score(path, line, record["score"])
        key = tuple(record[c] for c in REFERENCE_COLUMNS[:4])
        if key in seen:
            raise _fail(path, line, f"{record['benchmark']} {record['edition']} {record['company']!r} "
                                    f"{record['indicator']} is also given on line {seen[key]}")
        seen[key] = line
        rows.append({**record, "score": score, "source": path.name})
    return pd.DataFrame(rows, columns=[*REFERENCE_COLUMNS, "source"])


def read_reference_files(paths: Iterable[str | os.PathLike[str]]) -> pd.DataFrame:
    """The rows of several reference files; a score given in two of them is an error naming both."""
    frames = [read_references(p) for p in paths]
    if not frames:
        return pd.DataFrame(columns=[*REFERENCE_COLUMNS, "source"])
    rows = pd.concat(frames, ignore_index=True)
    twice = rows[rows.duplicated(list(REFERENCE_COLUMNS[:4]), keep=False)]
    if len(twice):
        first = twice.iloc[0]
        files = " and ".join(twice.loc[(twice[list(REFERENCE_COLUMNS[:4])] == first[list(REFERENCE_COLUMNS[:4])]).all(axis=1),
                                       "source"])
        raise ReferenceFileError(f"{first['benchmark']} {first['edition']} {first['company']!r} "
                                 f"{first['indicator']} is given in both {files}; keep one")
    return rows


def read_alias_files(paths: Iterable[str | os.PathLike[str]]) -> pd.DataFrame:
    """The ``name, alias`` rows of several alias files."""
    frames = [read_aliases(p) for p in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(ALIAS_COLUMNS))


def read_aliases(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The ``name, alias`` rows of an alias file: each says the two names are one company."""
    path = Path(path)
    rows = []
    for line, record in _records(path, ALIAS_COLUMNS):
        if not record["name"] or not record["alias"]:
            raise _fail(path, line, "both 'name' and 'alias' are needed")
        if not name_key(record["name"]) or not name_key(record["alias"]):
            raise _fail(path, line, "a name needs at least one letter or digit besides legal suffixes")
        rows.append(record)
    return pd.DataFrame(rows, columns=list(ALIAS_COLUMNS))


def bundled_references() -> pd.DataFrame:
    """The reference files shipped in ``corpora/references`` (RDR 2020 and 2022)."""
    paths = sorted(p for p in REFERENCES_DIR.glob("*.csv") if p.name != ALIASES_FILE)
    frames = [read_references(p) for p in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*REFERENCE_COLUMNS, "source"])


def bundled_aliases() -> pd.DataFrame:
    """The alias list shipped in ``corpora/references/aliases.csv``."""
    return read_aliases(REFERENCES_DIR / ALIASES_FILE)


def name_key(name: str) -> str:
    """A company name reduced for matching: accents, case, punctuation, a parenthesised part
    and trailing legal-form words dropped (``"América Móvil"`` -> ``"americamovil"``,
    ``"Hewlett Packard Enterprise Co. (HPE)"`` -> ``"hewlettpackardenterprise"``)."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"\([^)]*\)", " ", text).replace("&", "and").replace(".", "")  # N.V. = NV
    words = re.findall(r"[a-z0-9]+", text)
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return "".join(words)


def match_references(references: pd.DataFrame, companies: Iterable[str], aliases: pd.DataFrame) -> pd.DataFrame:
    """``references`` rows whose company is one of ``companies`` by :func:`name_key` or through
    ``aliases``; the hrdc name in ``company``, the published one in ``published_company``."""
    groups = _alias_groups(aliases)
    wanted: dict[str, list[str]] = {}
    for company in companies:
        key = name_key(company)
        wanted.setdefault(groups.get(key, key), []).append(company)
    refs = references.rename(columns={"company": "published_company"})
    found = refs["published_company"].map(lambda n: wanted.get(groups.get(name_key(n), name_key(n)), []))
    out = refs.assign(company=found).explode("company").dropna(subset=["company"])
    return out.reset_index(drop=True)


def company_identity(name: str, aliases: pd.DataFrame | None = None) -> str:
    """One key per company across spellings and renames: :func:`name_key` mapped through
    ``aliases`` (default :func:`bundled_aliases`): "AT&T" and "ATT", "Facebook" and "Meta",
    "Verizon Media" and "Yahoo" are one company."""
    groups = _alias_groups(aliases) if aliases is not None else _bundled_groups()
    key = name_key(name)
    return groups.get(key, key)


@lru_cache(maxsize=1)
def _bundled_groups() -> dict[str, str]:
    return _alias_groups(bundled_aliases())


def _alias_groups(aliases: pd.DataFrame) -> dict[str, str]:
    """name key -> a representative key of its group of aliases (union-find over the pairs)."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for name, alias in zip(aliases["name"], aliases["alias"]):
        a, b = root(name_key(name)), root(name_key(alias))
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {key: root(key) for key in list(parent)}


def _records(path: Path, columns: Sequence[str]) -> Iterable[tuple[int, dict[str, str]]]:
    """(line, row) of a UTF-8 CSV with exactly ``columns`` (any order), values stripped."""
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise ReferenceFileError(f"{show(path)}: file not found") from None
    except OSError as exc:
        raise ReferenceFileError(f"{show(path)}: cannot read ({exc.strerror})") from None
    with fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader, [])]
            missing = [c for c in columns if c not in header]
            extra = [c for c in header if c not in columns]
            if missing or extra:
                raise _fail(path, 1, f"expected the columns {', '.join(columns)}; "
                                     + (f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(extra)}"))
            for values in reader:
                line = reader.line_num
                if not any(v.strip() for v in values):
                    continue
                if len(values) != len(header):
                    raise _fail(path, line, f"{len(values)} values for {len(header)} columns")
                yield line, {h: v.strip() for h, v in zip(header, values)}
        except UnicodeDecodeError:
            raise _fail(path, reader.line_num + 1, "not UTF-8 text; save the file as UTF-8") from None
        except csv.Error as exc:
            raise _fail(path, reader.line_num, f"not valid CSV ({exc})") from None


def _score(path: Path, line: int, text: str) -> float:
    try:
        score = float(text)
    except ValueError:
        raise _fail(path, line, f"score {text!r} is not a number; leave out indicators without a "
                                "published score") from None
    if not (math.isfinite(score) and 0 <= score <= 100):
        raise _fail(path, line, f"score {text} is outside 0-100 (hrdc's scale; rescale the benchmark's scores)")
    return score


def _fail(path: Path, line: int, message: str) -> ReferenceFileError:
    return ReferenceFileError(f"{show(path)} line {line}: {message}")
