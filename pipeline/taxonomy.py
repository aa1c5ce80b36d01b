"""The criteria taxonomy: RDR, GNI, UNGP Reporting Framework, Modern Slavery Act, KnowTheChain,
CHRB and conflict-minerals (OECD) criteria.

One YAML file per framework under ``corpora/criteria/`` plus ``crosswalk.yaml``; the schema is in
``docs/taxonomy.md``. :func:`load_taxonomy` reads and checks them all, and any problem is raised
as :class:`TaxonomyError` naming the file and line, e.g.
``corpora/criteria/rdr.yaml line 212: duplicate id 'rdr.G1' (first defined in ... line 30)``.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pipeline.paths import CORPORA_DIR, show

CROSSWALK_FILE = "crosswalk.yaml"
SALIENT_FILE = "salient_issues.yaml"  # criterion -> salient issues, read by pipeline.salient
RELATIONS = ("~", "⊂")  # same expectation; left is narrower than right
SCOPES = ("company", "full", "services")
COMPANY_TYPES = ("internet", "telecom")
#: Services a company declares in the companies file (column ``services``), beyond its sector.
DECLARED_SERVICES = ("mobile_ecosystem", "pda_ecosystem")
#: Kinds of service an RDR element can be limited to ("(For mobile ecosystems): ...").
SERVICE_TYPES = ("digital_platform", "telecom", *DECLARED_SERVICES)

_HEADER_REQUIRED = ("framework", "name", "edition", "source", "licence", "attribution", "criteria")
_HEADER_OPTIONAL = ("groups", "label", "order", "judged_by", "scoring")
#: How a framework's criteria with element questions are judged: ``elements`` (each question
#: answered, the criterion scored from the answers) or ``passages`` (on the supporting passages
#: alone; the questions still name what a gap asks for).
JUDGED_BY = ("elements", "passages")
_GROUP_KEYS = (("id", "title"), ("description", "label", "weight"))
#: How a framework's score comes from its criteria' scores: ``mean`` of all criteria, or
#: ``groups`` (each group the mean of its criteria, the framework the mean of its groups
#: weighted by their ``weight``, default 1; KnowTheChain's equally weighted themes).
SCORINGS = ("mean", "groups")
_CRITERION_KEYS = (
    ("id", "title"),
    ("description", "category", "family", "parent", "children", "scope", "excluded", "elements",
     "signals", "maps_to", "doc_level", "doc_types"),
)
_ELEMENT_KEYS = (("id", "text"), ("reversed", "applies_to", "cues"))
_CROSSWALK_KEYS = (("pairs",), ("name", "source", "description"))


class TaxonomyError(ValueError):
    """A criteria file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Element:
    """One scored question of an RDR indicator (``id`` as in RDR's data files, e.g. ``G04a.07``)."""

    id: str
    text: str
    reversed: bool = False
    #: Service types the element is limited to (:data:`SERVICE_TYPES`); empty = every company.
    applies_to: tuple[str, ...] = ()
    #: Phrases a disclosure that answers this element (and not its siblings) tends to contain.
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Criterion:
    """One criterion a passage can satisfy, or (``parent=True``) a family grouping criteria."""

    id: str
    framework: str
    title: str
    description: str = ""
    category: str = ""
    family: str = ""
    parent: bool = False
    children: tuple[str, ...] = ()
    scope: str = ""
    excluded: tuple[str, ...] = ()
    elements: tuple[Element, ...] = ()
    signals: tuple[str, ...] = ()
    maps_to: tuple[str, ...] = ()
    doc_level: bool = False
    #: Document types (:data:`pipeline.doctype.DOCTYPES`) the indicator is about (P1a: the
    #: privacy policy); finding one answers its elements.
    doc_types: tuple[str, ...] = ()


class Taxonomy:
    """All criteria in file order, framework headers and the crosswalk."""

    def __init__(
        self,
        criteria: tuple[Criterion, ...],
        frameworks: dict[str, dict[str, Any]],
        crosswalk: tuple[tuple[str, str, str], ...],
    ) -> None:
        self.criteria = criteria
        self.frameworks = frameworks
        self.crosswalk = crosswalk
        self._by_id = {c.id: c for c in criteria}

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(self.framework(name))}" for name in self.frameworks)
        return f"<Taxonomy {counts}, crosswalk={len(self.crosswalk)}>"

    def __contains__(self, criterion_id: object) -> bool:
        return criterion_id in self._by_id

    def __len__(self) -> int:
        return len(self.criteria)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    @property
    def leaves(self) -> tuple[Criterion, ...]:
        """Criteria that passages are tagged with (family parents left out)."""
        return tuple(c for c in self.criteria if not c.parent)

    def get(self, criterion_id: str) -> Criterion:
        try:
            return self._by_id[criterion_id]
        except KeyError:
            close = difflib.get_close_matches(criterion_id, self._by_id, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"unknown criterion id {criterion_id!r}{hint}") from None

    def framework(self, name: str) -> tuple[Criterion, ...]:
        """The leaf criteria of one framework (``rdr``, ``gni``, ``ungp``, ``msa``)."""
        if name not in self.frameworks:
            raise KeyError(f"unknown framework {name!r}; known: {', '.join(self.frameworks)}")
        return tuple(c for c in self.leaves if c.framework == name)

    def equivalents(self, criterion_id: str) -> tuple[str, ...]:
        """Ids paired with ``criterion_id`` in the crosswalk, in either direction."""
        self.get(criterion_id)
        out = [b if a == criterion_id else a for a, b, _ in self.crosswalk if criterion_id in (a, b)]
        return tuple(dict.fromkeys(out))

    def to_frame(self) -> pd.DataFrame:
        """One row per criterion; ``elements`` holds the element ids."""
        rows = []
        for c in self.criteria:
            row = {f.name: getattr(c, f.name) for f in fields(c)}
            row["elements"] = tuple(e.id for e in c.elements)
            row["n_elements"] = len(c.elements)
            rows.append(row)
        return pd.DataFrame(rows, columns=[*(f.name for f in fields(Criterion)), "n_elements"])


def load_taxonomy(directory: str | Path | None = None) -> Taxonomy:
    """Read and check every criteria file in ``directory`` (default ``corpora/criteria``)."""
    default = CORPORA_DIR / "criteria"
    if directory is None or Path(directory).resolve() == default.resolve():
        return _load_default()
    return _load(Path(directory))


@lru_cache(maxsize=1)
def _load_default() -> Taxonomy:
    return _load(CORPORA_DIR / "criteria")


# ----------------------------------------------------------------------------- reading


class _Map(dict):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int
    key_lines: dict[Any, int]


class _Seq(list):
    """A YAML sequence that remembers the line of itself and of each item."""

    line: int = 0
    item_lines: tuple[int, ...] = ()


class _Loader(yaml.SafeLoader):
    pass


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    out = _Map()
    out.line, out.key_lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    out = _Seq(loader.construct_object(item, deep=True) for item in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [item.start_mark.line + 1 for item in node.value]
    return out


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


class _File:
    """Error reporting for one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = show(path)

    def fail(self, line: int, message: str) -> TaxonomyError:
        return TaxonomyError(f"{self.name} line {line}: {message}")

    def read(self) -> _Map:
        try:
            raw = self.path.read_bytes()
            data = yaml.load(raw.decode("utf-8"), Loader=_Loader)
        except UnicodeDecodeError as exc:
            raise self.fail(raw.count(b"\n", 0, exc.start) + 1, "not UTF-8 text; save the file as UTF-8") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = mark.line + 1 if mark else 1
            problem = getattr(exc, "problem", None) or str(exc)
            raise self.fail(line, f"invalid YAML: {problem}") from None
        if not isinstance(data, _Map):
            raise self.fail(1, "expected a mapping at the top (framework, name, ..., criteria)")
        return data

    def check_keys(
        self, item: Any, line: int, keys: tuple[tuple[str, ...], tuple[str, ...]], what: str
    ) -> _Map:
        required, optional = keys
        if not isinstance(item, _Map):
            raise self.fail(line, f"{what} must be a mapping with keys {', '.join(required)}")
        missing = [k for k in required if k not in item]
        if missing:
            raise self.fail(item.line, f"{what} is missing required key(s) {', '.join(missing)}")
        unknown = [k for k in item if k not in required + optional]
        if unknown:
            raise self.fail(
                item.key_lines[unknown[0]],
                f"unknown key {unknown[0]!r} in {what}; allowed: {', '.join(required + optional)}",
            )
        return item

    def text(self, item: _Map, key: str, default: str = "") -> str:
        value = item.get(key, default)
        if not isinstance(value, str):
            raise self.fail(item.key_lines[key], f"{key!r} must be a string, got {value!r}")
        return value

    def strings(self, item: _Map, key: str) -> tuple[str, ...]:
        value = item.get(key, ())
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise self.fail(item.key_lines[key], f"{key!r} must be a list of strings")
        return tuple(value)

    def flag(self, item: _Map, key: str) -> bool:
        value = item.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(item.key_lines[key], f"{key!r} must be true or false, got {value!r}")
        return value


def _load(directory: Path) -> Taxonomy:
    if not directory.is_dir():
        raise TaxonomyError(f"criteria directory {directory} not found")
    paths = sorted(p for p in directory.glob("*.yaml") if p.name not in (CROSSWALK_FILE, SALIENT_FILE))
    if not paths:
        raise TaxonomyError(f"no framework files (*.yaml) in {show(directory)}")
    criteria: list[Criterion] = []
    frameworks: dict[str, dict[str, Any]] = {}
    where: dict[str, tuple[_File, _Map]] = {}  # criterion id -> file and YAML item, for messages
    for path in paths:
        _read_framework(_File(path), criteria, frameworks, where)
    _check_references(criteria, where)
    crosswalk_path = directory / CROSSWALK_FILE
    crosswalk = _read_crosswalk(_File(crosswalk_path), where) if crosswalk_path.exists() else ()
    return Taxonomy(tuple(criteria), frameworks, crosswalk)


def _read_framework(
    f: _File,
    criteria: list[Criterion],
    frameworks: dict[str, dict[str, Any]],
    where: dict[str, tuple[_File, _Map]],
) -> None:
    data = f.check_keys(f.read(), 1, (_HEADER_REQUIRED, _HEADER_OPTIONAL), "framework header")
    name = f.text(data, "framework")
    if name in frameworks:
        other = frameworks[name]["file"]
        raise f.fail(data.key_lines["framework"], f"framework {name!r} is also defined in {other}")
    groups = data.get("groups", _Seq())
    if not isinstance(groups, list):
        raise f.fail(data.key_lines["groups"], "'groups' must be a list of {id, title}")
    group_ids, weights = [], {}
    for line, group in zip(groups.item_lines, groups):
        gid = f.text(f.check_keys(group, line, _GROUP_KEYS, "group"), "id")
        group_ids.append(gid)
        weight = group.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
            raise f.fail(group.key_lines.get("weight", group.line),
                         f"group {gid!r}: 'weight' must be a positive number, got {weight!r}")
        weights[gid] = float(weight)
    scoring = f.text(data, "scoring", "mean")
    if scoring not in SCORINGS:
        raise f.fail(data.key_lines["scoring"], f"'scoring' {scoring!r} must be one of {', '.join(SCORINGS)}")
    if scoring == "groups" and not groups:
        raise f.fail(data.key_lines["scoring"], "'scoring: groups' needs 'groups'")
    order = data.get("order")
    if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
        raise f.fail(data.key_lines["order"], f"'order' must be a whole number, got {order!r}")
    judged_by = f.text(data, "judged_by", "elements")
    if judged_by not in JUDGED_BY:
        raise f.fail(data.key_lines["judged_by"], f"'judged_by' {judged_by!r} must be one of {', '.join(JUDGED_BY)}")
    frameworks[name] = {
        **{k: f.text(data, k) for k in _HEADER_REQUIRED if k != "criteria"},
        "label": f.text(data, "label", name),
        "order": order,
        "judged_by": judged_by,
        "scoring": scoring,
        "groups": tuple({k: str(v) for k, v in g.items() if k != "weight"} for g in groups),
        "weights": weights,
        "file": f.name,
    }
    items = data["criteria"]
    if not isinstance(items, list) or not items:
        raise f.fail(data.key_lines["criteria"], "'criteria' must be a non-empty list")
    for line, item in zip(items.item_lines, items):
        item = f.check_keys(item, line, _CRITERION_KEYS, "criterion")
        cid = f.text(item, "id")
        if cid in where:
            first, first_item = where[cid]
            raise f.fail(
                item.line, f"duplicate id {cid!r} (first defined in {first.name} line {first_item.line})"
            )
        if not cid.startswith(name + ".") or cid == name + ".":
            raise f.fail(item.line, f"id {cid!r} must start with '{name}.', the framework of this file")
        category = f.text(item, "category")
        if groups and category not in group_ids:
            raise f.fail(
                item.key_lines.get("category", item.line),
                f"{cid}: category {category!r} is not one of this file's groups ({', '.join(group_ids)})",
            )
        scope = f.text(item, "scope")
        if scope and scope not in SCOPES:
            raise f.fail(
                item.key_lines["scope"], f"{cid}: scope {scope!r} must be one of {', '.join(SCOPES)}"
            )
        excluded = f.strings(item, "excluded")
        bad = [t for t in excluded if t not in COMPANY_TYPES]
        if bad:
            raise f.fail(
                item.key_lines["excluded"],
                f"{cid}: excluded {bad[0]!r} must be one of {', '.join(COMPANY_TYPES)}",
            )
        parent = f.flag(item, "parent")
        children = f.strings(item, "children")
        if parent != bool(children):
            raise f.fail(item.line, f"{cid}: a parent needs 'children' and only a parent may have them")
        criteria.append(Criterion(
            id=cid,
            framework=name,
            title=f.text(item, "title"),
            description=f.text(item, "description"),
            category=category,
            family=f.text(item, "family"),
            parent=parent,
            children=children,
            scope=scope,
            excluded=excluded,
            elements=_read_elements(f, item, cid),
            signals=f.strings(item, "signals"),
            maps_to=f.strings(item, "maps_to"),
            doc_level=f.flag(item, "doc_level"),
            doc_types=_doc_types(f, item, cid),
        ))
        where[cid] = (f, item)


def _doc_types(f: _File, item: _Map, cid: str) -> tuple[str, ...]:
    from pipeline.doctype import DOCTYPE_LABELS

    found = f.strings(item, "doc_types")
    bad = [t for t in found if t not in DOCTYPE_LABELS]
    if bad:
        raise f.fail(item.key_lines["doc_types"],
                     f"{cid}: doc_types {bad[0]!r} must be one of {', '.join(DOCTYPE_LABELS)}")
    return found


def _read_elements(f: _File, item: _Map, cid: str) -> tuple[Element, ...]:
    items = item.get("elements", _Seq())
    if not isinstance(items, list):
        raise f.fail(item.key_lines["elements"], f"{cid}: 'elements' must be a list of {{id, text}}")
    elements: list[Element] = []
    for line, element in zip(items.item_lines, items):
        element = f.check_keys(element, line, _ELEMENT_KEYS, f"element of {cid}")
        eid = f.text(element, "id")
        if any(e.id == eid for e in elements):
            raise f.fail(element.line, f"{cid}: duplicate element id {eid!r}")
        applies_to = f.strings(element, "applies_to")
        bad = [t for t in applies_to if t not in SERVICE_TYPES]
        if bad:
            raise f.fail(element.key_lines["applies_to"],
                         f"{eid}: applies_to {bad[0]!r} must be one of {', '.join(SERVICE_TYPES)}")
        elements.append(Element(eid, f.text(element, "text"), f.flag(element, "reversed"),
                                applies_to, f.strings(element, "cues")))
    return tuple(elements)


def _suggest(ref: str, known: dict[str, Any]) -> str:
    close = difflib.get_close_matches(ref, known, n=3, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else ""


def _check_references(criteria: list[Criterion], where: dict[str, tuple[_File, _Map]]) -> None:
    by_id = {c.id: c for c in criteria}
    element_owner: dict[str, str] = {}  # the element matcher keys its questions by element id
    for c in criteria:
        f, item = where[c.id]
        for line, e in zip(item.get("elements", _Seq()).item_lines, c.elements):
            if e.id in element_owner:
                raise f.fail(line, f"{c.id}: element id {e.id!r} is also an element of {element_owner[e.id]}")
            element_owner[e.id] = c.id
        for ref in c.maps_to:
            if ref not in by_id:
                raise f.fail(
                    item.key_lines["maps_to"],
                    f"{c.id}: maps_to {ref!r} is not a known criterion{_suggest(ref, by_id)}",
                )
        for child in c.children:
            if child not in by_id:
                raise f.fail(
                    item.key_lines["children"],
                    f"{c.id}: child {child!r} is not defined{_suggest(child, by_id)}",
                )
            if by_id[child].family != c.id:
                raise f.fail(
                    item.key_lines["children"],
                    f"{c.id}: child {child!r} has family {by_id[child].family!r}, expected {c.id!r}",
                )
        if c.family and c.family != c.id:
            family = by_id.get(c.family)
            if family is None or c.id not in family.children:
                raise f.fail(
                    item.key_lines["family"],
                    f"{c.id}: family {c.family!r} must be the criterion itself "
                    "or a parent listing it in 'children'",
                )


def _read_crosswalk(f: _File, where: dict[str, tuple[_File, _Map]]) -> tuple[tuple[str, str, str], ...]:
    data = f.check_keys(f.read(), 1, _CROSSWALK_KEYS, "crosswalk file")
    pairs = data["pairs"]
    if not isinstance(pairs, list):
        raise f.fail(data.key_lines["pairs"], "'pairs' must be a list of [a, relation, b]")
    out: list[tuple[str, str, str]] = []
    seen: dict[frozenset[str], int] = {}
    for line, pair in zip(pairs.item_lines, pairs):
        if not (isinstance(pair, list) and len(pair) == 3 and all(isinstance(p, str) for p in pair)):
            raise f.fail(line, f"a pair must be [a, relation, b], got {pair!r}")
        a, relation, b = pair
        if relation not in RELATIONS:
            raise f.fail(
                line, f"bad relation {relation!r} in [{a}, {relation}, {b}]; use one of {', '.join(RELATIONS)}"
            )
        for ref in (a, b):
            if ref not in where:
                raise f.fail(line, f"{ref!r} is not a known criterion{_suggest(ref, where)}")
        if a == b:
            raise f.fail(line, f"{a!r} is paired with itself")
        key = frozenset((a, b))
        if key in seen:
            raise f.fail(line, f"pair {a} / {b} already given on line {seen[key]}")
        seen[key] = line
        out.append((a, b, relation))
    return tuple(out)
