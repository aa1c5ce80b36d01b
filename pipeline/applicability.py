"""Which frameworks and criteria apply to a company, from its sector (``corpora/sectors.yaml``).

A criterion applies when its framework is one of the sector's ``frameworks`` and RDR does not
exclude it for the sector's company type (``excluded`` in ``corpora/criteria/rdr.yaml``).

>>> applicable_frameworks("device")
('ktc', 'chrb', 'minerals', 'ungp', 'msa')
"""
from __future__ import annotations

from collections.abc import Iterable

from .companies import canonical_sector, company_type, sectors
from .taxonomy import Criterion

__all__ = ["applicable_criteria", "applicable_frameworks", "is_applicable"]


def applicable_frameworks(sector: str) -> tuple[str, ...]:
    """The frameworks a company of ``sector`` is scored on (a sector stored before sectors were
    checked counts as a platform, as :func:`pipeline.companies.company_type` reads it)."""
    return tuple(sectors()[canonical_sector(sector) or "platform"]["frameworks"])


def is_applicable(criterion: Criterion, sector: str) -> bool:
    """True when ``criterion`` applies to a company of ``sector``."""
    return (criterion.framework in applicable_frameworks(sector)
            and company_type(sector) not in criterion.excluded)


def applicable_criteria(criteria: Iterable[Criterion], sector: str) -> list[Criterion]:
    """The criteria of ``criteria`` that apply to a company of ``sector``, in their order."""
    return [c for c in criteria if is_applicable(c, sector)]
