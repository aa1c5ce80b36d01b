"""Display order, short labels and names of the frameworks, read from the criteria files.

Each framework's header in ``corpora/criteria/*.yaml`` gives its ``name``, a short ``label``
(tables and charts) and its ``order`` in reports; its groups (RDR's categories G, F, P) are
scored as sub-frameworks ``<framework>.<group>`` labelled "<label> <group label>".

>>> order_frameworks(["msa", "rdr.G", "rdr"])
['rdr', 'rdr.G', 'msa']
>>> framework_label("rdr.F")
'RDR Expression'
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from ..taxonomy import load_taxonomy

__all__ = ["framework_label", "framework_name", "order_frameworks"]


@dataclass(frozen=True)
class _Display:
    order: tuple[str, ...]
    labels: dict[str, str]
    names: dict[str, str]


@cache
def _display() -> _Display:
    frameworks = load_taxonomy().frameworks
    ranked = sorted(frameworks, key=lambda fw: (frameworks[fw]["order"] is None, frameworks[fw]["order"] or 0, fw))
    order, labels, names = [], {}, {}
    for fw in ranked:
        header = frameworks[fw]
        order.append(fw)
        labels[fw], names[fw] = header["label"], header["name"]
        for group in header["groups"]:
            sub = f"{fw}.{group['id']}"
            order.append(sub)
            labels[sub] = f"{header['label']} {group.get('label', group['title'])}"
    return _Display(tuple(order), labels, names)


def order_frameworks(frameworks: Iterable[str]) -> list[str]:
    """Framework ids in display order: each framework (by its ``order``) followed by its
    groups, then any id the criteria files do not know, sorted."""
    found = set(frameworks)
    known = _display().order
    return [f for f in known if f in found] + sorted(found - set(known))


def framework_label(framework: str) -> str:
    """The short label of a framework or group id (``rdr.G`` -> "RDR Governance"); else the id."""
    return _display().labels.get(framework, framework)


def framework_name(framework: str) -> str:
    """The full name of a framework from its criteria file; a group's or unknown id's label."""
    return _display().names.get(framework, framework_label(framework))
