"""What kind of document a version is: a privacy policy, terms of service, a transparency report ...

The rules are data (``corpora/doctypes.yaml``): per type, regular expressions for the title
and the URL and cue phrases for the body, each with a weight. A document's score for a type is

    title_weight * title + lead_weight * lead + url_weight * url + body_weight * body

where ``title`` is the weight of the best title pattern matched, ``lead`` the same for the
first lines and top-level headings of the text (many pages carry their title there, not in
``<title>``), ``url`` the best URL pattern (in full in the last path segment, reduced further
up the path: ``/privacy/cookies`` is a cookie page of a privacy centre), and ``body`` the
type's share of the body cue evidence. Title and URL outweigh the body; the body decides
between the types a title or URL leaves open, so a privacy-centre page that is mostly a list
of cookies is a ``cookie_policy``. A best score below ``min_score`` is ``other``.

>>> classify_doctype("Cookie Policy", "https://example.com/legal/cookies", "We use cookies ...")
'cookie_policy'
>>> classify_doctype("", "", "")
'other'

Measured by ``scripts/bench_doctype.py`` on real documents (see the figures in that script).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence
from urllib.parse import unquote, urlsplit

import yaml

from .paths import CORPORA_DIR, show
from .records import DEFAULT_DOCTYPE_OPTIONS, DoctypeOptions

__all__ = ["DOCTYPES", "DOCTYPE_LABELS", "DOCTYPES_FILE", "DoctypeError", "DoctypeRules",
           "classify_doctype", "doctype_scores", "load_doctype_rules"]

DOCTYPES_FILE = CORPORA_DIR / "doctypes.yaml"

#: Every document type with its label for display, in display order; ``other`` is last.
DOCTYPES: tuple[tuple[str, str], ...] = (
    ("privacy_policy", "privacy policy"),
    ("terms", "terms of service"),
    ("community_rules", "community rules"),
    ("law_enforcement_guidelines", "law-enforcement guidelines"),
    ("transparency_report", "transparency report"),
    ("human_rights_policy", "human-rights policy"),
    ("modern_slavery_statement", "modern-slavery statement"),
    ("sustainability_report", "sustainability report"),
    ("supplier_code", "supplier code of conduct"),
    ("cookie_policy", "cookie policy"),
    ("copyright_policy", "copyright policy"),
    ("other", "other document"),
)
DOCTYPE_LABELS: dict[str, str] = dict(DOCTYPES)
OTHER = "other"

# Body cues are counted in at most doctype_body_chars characters of the text (a setting, as are
# the others named here; DoctypeOptions): cue rates settle within the first pages, and a 5 MB
# report then costs what a 200 kB one does. Rates are per RATE_CHARS characters of text, and a
# text shorter than doctype_body_floor_chars counts as that long, so that a cookie banner on a
# short shop page is not read as a cookie policy.
RATE_CHARS = 10_000  # the unit of a cue rate (the weights of doctypes.yaml are in it)
# The lead: of the first doctype_lead_blocks paragraphs, those that read like a title (at most
# doctype_lead_words words, no sentence break, not a menu of links), and the first
# doctype_lead_blocks distinct top-level headings. Titles sit there; a sentence ("We use
# cookies. Privacy"), a cookie banner or a footer menu ("Privacy policy · Terms of service ·
# ...") names other documents, and counted like a title it made every page of the demo sites'
# shops a cookie policy.
_SENTENCE_BREAK = re.compile(r"[.!?;:。！？](?:\s|$)")
_MENU = re.compile(r"[·|•»/]")

_SECTIONS = ("weights", "url_parent", "body_full", "min_score", "types")
_WEIGHTS = ("title", "lead", "url", "body")
_TYPE_KEYS = ("title", "url", "cues")
_URL_SEPARATORS = re.compile(r"[-_.+/?&=#:~]+|%20|\s+")


class DoctypeError(ValueError):
    """The document-type rules file is malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class TypeRules:
    """The evidence for one document type: (compiled pattern or phrase, weight) pairs."""

    title: tuple[tuple[re.Pattern[str], float], ...]
    url: tuple[tuple[re.Pattern[str], float], ...]
    cues: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class DoctypeRules:
    """The whole rules file, checked."""

    weights: Mapping[str, float]
    url_parent: float  # factor for a URL pattern matched above the last path segment
    body_full: float  # total body evidence at which body shares count in full
    min_score: float  # a best score below this is "other"
    types: Mapping[str, TypeRules]


def _number(name: str, where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise DoctypeError(f"{name}: {where} must be a number >= 0, got {value!r}")
    return float(value)


def _weighted(name: str, where: str, value: Any, *, regex: bool) -> tuple[tuple[Any, float], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise DoctypeError(f"{name}: {where} must be a mapping of {'pattern' if regex else 'phrase'}: weight")
    out = []
    for key, weight in value.items():
        if not isinstance(key, str) or not key.strip():
            raise DoctypeError(f"{name}: {where} has an empty or non-text key {key!r}")
        weight = _number(name, f"{where} {key!r}", weight)
        if regex:
            try:
                out.append((re.compile(key, re.I), weight))
            except re.error as exc:
                raise DoctypeError(f"{name}: {where} {key!r} is not a valid regular expression ({exc})") from None
        else:
            out.append((key.lower(), weight))
    return tuple(out)


def _parse(data: Any, name: str) -> DoctypeRules:
    if not isinstance(data, Mapping):
        raise DoctypeError(f"{name}: expected a mapping with keys {', '.join(_SECTIONS)}")
    unknown = sorted(set(data) - set(_SECTIONS))
    missing = [k for k in _SECTIONS if k not in data]
    if unknown or missing:
        raise DoctypeError(f"{name}: " + "; ".join(
            ([f"unknown key(s) {', '.join(map(str, unknown))}"] if unknown else [])
            + ([f"missing key(s) {', '.join(missing)}"] if missing else [])) + f" (allowed: {', '.join(_SECTIONS)})")
    weights = data["weights"]
    if not isinstance(weights, Mapping) or sorted(weights) != sorted(_WEIGHTS):
        raise DoctypeError(f"{name}: weights must give exactly {', '.join(_WEIGHTS)}")
    types = data["types"]
    if not isinstance(types, Mapping):
        raise DoctypeError(f"{name}: types must be a mapping of document type -> title, url, cues")
    expected = [code for code, _ in DOCTYPES if code != OTHER]
    unknown = [str(t) for t in types if t not in expected]
    if unknown:
        raise DoctypeError(f"{name}: unknown document type(s) {', '.join(unknown)}; allowed: {', '.join(expected)}")
    missing = [t for t in expected if t not in types]
    if missing:
        raise DoctypeError(f"{name}: document type(s) {', '.join(missing)} have no rules")
    parsed = {}
    for code in expected:
        spec = types[code]
        if not isinstance(spec, Mapping) or set(spec) - set(_TYPE_KEYS):
            raise DoctypeError(f"{name}: types.{code} must be a mapping with keys {', '.join(_TYPE_KEYS)}")
        parsed[code] = TypeRules(
            title=_weighted(name, f"types.{code}.title", spec.get("title"), regex=True),
            url=_weighted(name, f"types.{code}.url", spec.get("url"), regex=True),
            cues=_weighted(name, f"types.{code}.cues", spec.get("cues"), regex=False),
        )
    return DoctypeRules(
        weights={k: _number(name, f"weights.{k}", weights[k]) for k in _WEIGHTS},
        url_parent=_number(name, "url_parent", data["url_parent"]),
        body_full=max(_number(name, "body_full", data["body_full"]), 1e-9),
        min_score=_number(name, "min_score", data["min_score"]),
        types=parsed,
    )


def load_doctype_rules(path: str | Path | None = None) -> DoctypeRules:
    """Read and check a rules file (default ``corpora/doctypes.yaml``, cached).

    Raises :class:`DoctypeError` naming the file and what is wrong with it.
    """
    return _load(Path(path).resolve() if path else DOCTYPES_FILE)


@lru_cache(maxsize=8)
def _load(path: Path) -> DoctypeRules:
    name = show(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DoctypeError(f"{name}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DoctypeError(f"{name}: cannot read ({exc})") from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise DoctypeError(f"{name}{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    return _parse(data, name)


def _url_parts(url: str) -> tuple[str, str]:
    """(the last path segment, the host and the rest of the path), lowercased, separators as spaces."""
    parts = urlsplit(unquote(url or "").lower().replace("\\", "/"))  # a Windows path too
    segments = [s for s in parts.path.split("/") if s]
    last = segments.pop() if segments else ""
    last = re.sub(r"\.(?:html?|php|aspx?|jsp|pdf|md|txt)$", "", last)
    # ?page=privacy and #privacy-policy name the document as much as the last segment does
    last = " ".join(filter(None, (last, parts.query, parts.fragment)))
    return _words(last), _words(" ".join([parts.netloc, *segments]))


def _words(url_part: str) -> str:
    return _URL_SEPARATORS.sub(" ", url_part).strip()


def _title_like(line: str, max_words: int) -> bool:
    words = line.split()
    return (0 < len(words) <= max_words and not _SENTENCE_BREAK.search(line)
            and len(_MENU.findall(line)) < 2)


def _lead(text: str, sections: Sequence[str] | None, o: DoctypeOptions) -> list[str]:
    n = o.doctype_lead_blocks
    blocks = [" ".join(b.split()) for b in text[:n * 2_000].split("\n\n")[:n]]
    heads: list[str] = []
    for section in sections or ():
        if len(heads) >= n:
            break
        top = " ".join(section.split(" > ")[0].split())
        if top and top not in heads:
            heads.append(top)
    return [line for line in blocks + heads if _title_like(line, o.doctype_lead_words)]


def _best(patterns: Sequence[tuple[re.Pattern[str], float]], texts: Sequence[str]) -> float:
    return max((w for p, w in patterns if any(p.search(t) for t in texts if t)), default=0.0)


def doctype_scores(title: str, url: str, text: str, sections: Sequence[str] | None = None,
                   rules: DoctypeRules | None = None, options: DoctypeOptions | None = None
                   ) -> dict[str, dict[str, float]]:
    """Every type's evidence: ``{type: {"title", "lead", "url", "body", "score"}}``.

    ``body`` is the type's share of the body evidence (scaled down when there is little);
    ``score`` is the weighted sum that :func:`classify_doctype` ranks.
    """
    rules = rules or load_doctype_rules()
    o = options or DEFAULT_DOCTYPE_OPTIONS
    title = " ".join((title or "").split())
    lead = _lead(text or "", sections, o)
    last, parents = _url_parts(url)
    body = (text or "")[:o.doctype_body_chars].lower()
    scale = RATE_CHARS / max(len(body), o.doctype_body_floor_chars)
    raw_body = {code: sum(w * math.log1p(body.count(phrase) * scale) for phrase, w in t.cues)
                for code, t in rules.types.items()}
    total = max(sum(raw_body.values()), rules.body_full)
    w = rules.weights
    out = {}
    for code, t in rules.types.items():
        ev = {
            "title": _best(t.title, [title]),
            "lead": _best(t.title, lead),
            "url": max(_best(t.url, [last]), rules.url_parent * _best(t.url, [parents])),
            "body": raw_body[code] / total,
        }
        ev["score"] = sum(w[k] * ev[k] for k in _WEIGHTS)
        out[code] = ev
    return out


def classify_doctype(title: str, url: str, text: str, sections: list[str] | None = None,
                     options: DoctypeOptions | None = None) -> str:
    """The type of one document: one of the codes of :data:`DOCTYPES`.

    ``title`` is the extraction's title (HTML ``<title>`` or PDF metadata; may be empty),
    ``url`` where the document was found (a local path works too), ``text`` its extracted
    text, and ``sections`` its passages' section paths (``"Privacy Policy > Your rights"``);
    ``options`` say how much of it is read (default: the settings' defaults).

    >>> classify_doctype("Transparency Report: government requests", "https://example.com/transparency", "")
    'transparency_report'
    """
    scores = doctype_scores(title, url, text, sections, options=options)
    best = max(scores, key=lambda code: scores[code]["score"])  # ties: the first in DOCTYPES order
    return best if scores[best]["score"] >= load_doctype_rules().min_score else OTHER
