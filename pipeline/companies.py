"""Read the companies file: one company per row, with the seed URLs to crawl.

CSV columns: ``company``, ``sector``, ``seed_urls`` (space-separated http(s) URLs or local
files, relative to the CSV's folder) and optionally ``allow_domains`` (space-separated
domains the crawl may follow links into, besides the seeds' own) and ``services``
(space-separated: ``mobile_ecosystem`` for an app store and mobile OS, ``pda_ecosystem`` for a
voice assistant; RDR asks some element questions only of such companies).

>>> companies = read_companies("companies.csv")  # doctest: +SKIP
>>> companies[0].company_id, companies[0].seed_urls  # doctest: +SKIP
('example-telecom', ('https://example.com/',))
"""
from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from pipeline.paths import CORPORA_DIR
from pipeline.records import Company
from pipeline.taxonomy import DECLARED_SERVICES

REQUIRED = ("company", "sector", "seed_urls")
OPTIONAL = ("allow_domains", "services")
SERVICES = DECLARED_SERVICES  # for RDR elements limited to them
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?::\d{1,5})?$")


class CompaniesError(ValueError):
    """The companies file cannot be used; the message names the file and line."""


SECTORS_FILE = CORPORA_DIR / "sectors.yaml"


@lru_cache(maxsize=1)
def sectors() -> dict[str, dict]:
    """Sector -> {rdr_company_type, frameworks, aliases} from ``corpora/sectors.yaml``."""
    from pipeline.taxonomy import load_taxonomy

    known = load_taxonomy().frameworks
    data = yaml.safe_load(SECTORS_FILE.read_text(encoding="utf-8"))
    for name, spec in data.items():
        if spec.get("rdr_company_type") not in ("internet", "telecom"):
            raise CompaniesError(f"{SECTORS_FILE}: {name}: rdr_company_type must be internet or telecom")
        frameworks = spec.get("frameworks")
        if not frameworks or not isinstance(frameworks, list):
            raise CompaniesError(f"{SECTORS_FILE}: {name}: frameworks must list the frameworks that apply")
        bad = [f for f in frameworks if f not in known]
        if bad:
            raise CompaniesError(f"{SECTORS_FILE}: {name}: framework {bad[0]!r} is not one of {', '.join(known)}")
    return data


def canonical_sector(value: str) -> str | None:
    """The sector ``value`` names (any accepted spelling, any case), or None."""
    folded = " ".join(value.lower().replace("_", " ").replace("-", " ").split())
    for name, spec in sectors().items():
        if folded == name or folded in spec.get("aliases", ()):
            return name
    return None


def company_type(sector: str) -> str:
    """RDR's company type of a sector (``corpora/sectors.yaml``): telecoms are scored on telecom
    indicators, everyone else as internet (a sector stored before sectors were checked counts
    as internet)."""
    known = canonical_sector(sector)
    return sectors()[known]["rdr_company_type"] if known else "internet"


def slug(name: str) -> str:
    """A lower-case ASCII id for a company name: ``"Deutsche Telekom AG"`` -> ``deutsche-telekom-ag``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def read_companies(path: str | Path) -> list[Company]:
    """Read and check a companies CSV; raise :class:`CompaniesError` naming file and line."""
    path = Path(path)
    if not path.exists():
        raise CompaniesError(f"{path}: companies file not found")
    if not path.is_file():
        raise CompaniesError(f"{path}: not a file; give the path of a companies CSV")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CompaniesError(f"{path}: not UTF-8 text (byte {exc.start}); save the CSV as UTF-8") from None
    except OSError as exc:
        raise CompaniesError(f"{path}: cannot read ({exc.strerror})") from None
    if "\x00" in text:
        raise CompaniesError(f"{path}: not a CSV (binary content); expected columns {', '.join(REQUIRED)}")
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise CompaniesError(f"{path}: line 1: not a CSV ({exc})") from None
    if not header or not any(h.strip() for h in header):
        raise CompaniesError(f"{path}: empty file; the first line must name the columns {', '.join(REQUIRED)}")
    columns = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise CompaniesError(f"{path}: line 1: missing column(s) {', '.join(missing)}; expected "
                             f"{', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)} (found {', '.join(columns)})")
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise CompaniesError(f"{path}: line 1: unknown column(s) {', '.join(unknown)}; expected "
                             f"{', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)}")
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise CompaniesError(f"{path}: line 1: column(s) {', '.join(duplicated)} appear twice")
    companies: list[Company] = []
    lines: dict[str, int] = {}
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(columns):
                raise CompaniesError(f"{path}: line {line}: {len(values)} fields, expected {len(columns)} "
                                     f"({', '.join(columns)}); quote values that contain commas")
            company = _company(dict(zip(columns, (v.strip() for v in values))), path, line)
            if company.company_id in lines:
                raise CompaniesError(f"{path}: line {line}: duplicate company {company.name!r} "
                                     f"(same id {company.company_id!r} as line {lines[company.company_id]})")
            lines[company.company_id] = line
            companies.append(company)
    except csv.Error as exc:
        raise CompaniesError(f"{path}: line {reader.line_num}: not a CSV ({exc})") from None
    if not companies:
        raise CompaniesError(f"{path}: no companies; add one row per company under the header")
    return companies


def _company(row: dict[str, str], path: Path, line: int) -> Company:
    where = f"{path}: line {line}"
    name = row["company"]
    if not name:
        raise CompaniesError(f"{where}: company is empty")
    company_id = slug(name)
    if not company_id:
        raise CompaniesError(f"{where}: company {name!r} has no letters or digits to make an id from")
    if not row["sector"]:
        raise CompaniesError(f"{where}: sector is empty for {name!r}")
    sector = canonical_sector(row["sector"])
    if sector is None:
        raise CompaniesError(f"{where}: sector {row['sector']!r} for {name!r} is not one of "
                             f"{', '.join(sectors())} (spellings accepted for each: {SECTORS_FILE.name})")
    seeds = row["seed_urls"].split()
    if not seeds:
        raise CompaniesError(f"{where}: seed_urls is empty for {name!r}; give at least one URL or file")
    allow = tuple(d.lower().strip(".") for d in row.get("allow_domains", "").split())
    for domain in allow:
        if not _DOMAIN.match(domain):
            raise CompaniesError(f"{where}: allow_domains entry {domain!r} is not a domain name (e.g. example.com)")
    services = tuple(row.get("services", "").lower().split())
    bad = [s for s in services if s not in SERVICES]
    if bad:
        raise CompaniesError(f"{where}: services entry {bad[0]!r} is not one of {', '.join(SERVICES)} "
                             "(RDR asks some questions only of companies with these services)")
    return Company(company_id, name, sector, tuple(_seed(s, path, where) for s in seeds), allow, services)


def _seed(seed: str, path: Path, where: str) -> str:
    """An http(s) URL as given, or a local file as an absolute ``file://`` URL."""
    if "://" in seed:
        parts = urlsplit(seed)
        if parts.scheme.lower() not in ("http", "https"):
            raise CompaniesError(f"{where}: seed {seed!r} has scheme {parts.scheme!r}; use http(s) URLs or local file paths")
        if not parts.hostname:
            raise CompaniesError(f"{where}: seed {seed!r} has no host name")
        return seed
    local = Path(seed).expanduser()
    local = local if local.is_absolute() else path.resolve().parent / local
    if local.is_dir():
        raise CompaniesError(f"{where}: seed {seed!r} is a folder; folders are not crawled, name each file")
    if not local.is_file():
        raise CompaniesError(f"{where}: seed file {seed!r} not found (looked for {local})")
    return local.resolve().as_uri()
