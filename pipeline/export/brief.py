"""Engagement briefs: a company's most material gaps, the question to ask, and peers' best practice.

A gap is a criterion the company covers only in part or not at all while peers of the same run
cover it better. Gaps are ranked by the share of sector peers that do better, then the share of
all peers. Each gap carries the criterion in the framework's wording, the question to put to
the company (:mod:`.questions`), the company's own evidence or the documents that were read
without finding any, and the strongest peer quote with its source. The DOCX is written by
:mod:`.brief_docx`; the briefing shows the same :class:`Brief`.

>>> briefs = build_briefs(report)  # doctest: +SKIP
>>> briefs["Acme Telecom"].gaps[0].peer.company  # doctest: +SKIP
'Globex Platforms'
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

import pandas as pd

from ..doctype import DOCTYPE_LABELS
from ..rdr import short_id
from ..sources import answering_doctypes
from ..taxonomy import load_taxonomy
from .frameworks import order_frameworks
from .model import Report, parse_evidence
from .profile import CompanyProfile, applicable_rows, build_profiles
from .questions import question_for

__all__ = ["Brief", "Gap", "Quote", "briefs_of", "build_briefs", "element_answers", "not_collected"]

#: Gaps per brief, and per framework within it (so one framework does not fill the brief).
MAX_GAPS = 8
MAX_GAPS_PER_FRAMEWORK = 3
_RANK = {"none": 0, "partial": 1, "full": 2}


@dataclass(frozen=True)
class Quote:
    """A verbatim quote with its source."""

    company: str
    sector: str
    verdict: str
    text: str
    url: str
    page: int | None
    retrieved_at: str
    sha256: str
    future: bool = False  # a commitment about the future, not current practice


@dataclass(frozen=True)
class Gap:
    """One criterion the company should be asked about."""

    framework: str
    criterion: str
    title: str
    wording: str  # the criterion's description in the criteria file
    verdict: str  # the company's: none or partial
    better_in_sector: int  # sector peers with a better verdict
    sector_peers: int
    better_in_run: int  # all peers with a better verdict
    run_peers: int
    question: str
    unanswered: tuple[str, ...]  # RDR's element questions (its own wording) not answered yes
    own: tuple[Quote, ...]  # the company's best quotes (partial gaps)
    absence: str  # for no disclosure: what was read and what was not collected
    peer: Quote | None


@dataclass(frozen=True)
class Brief:
    """The engagement brief of one company."""

    company: str
    profile: CompanyProfile
    gaps: list[Gap]
    documents: pd.DataFrame  # the company's documents (Report.documents rows)
    meta: Mapping[str, Any] = field(default_factory=dict)


def build_briefs(report: Report, companies: Sequence[str] | None = None) -> dict[str, Brief]:
    """The brief of every company of ``report`` (or only ``companies``), by company name.

    Every company's evidence is read once to find each criterion's strongest peer quote, and
    again, company by company, for its own quotes.
    """
    profiles = build_profiles(report)
    coverage = applicable_rows(report.coverage_summary)
    verdicts = coverage.pivot_table(index="criterion", columns="company", values="verdict", aggfunc="first")
    sectors = coverage.drop_duplicates("company").set_index("company")["sector"].astype(str)
    best = _best_quotes(report)
    answers = element_answers(report)
    taxonomy = load_taxonomy()
    questions = {e.id: e.text.strip() for c in taxonomy.leaves for e in c.elements}
    documents = report.tables["documents"]
    wanted = list(profiles) if companies is None else list(companies)
    briefs = {}
    for company in wanted:
        own_rows = report.company_coverage(company)
        own_rows = applicable_rows(own_rows)
        docs = documents[documents["company"] == company].reset_index(drop=True)
        missing = not_collected(docs)
        candidates = []
        for rec in own_rows.to_dict("records"):
            if rec["verdict"] not in ("none", "partial") or rec["criterion"] not in verdicts.index:
                continue
            row = verdicts.loc[rec["criterion"]].drop(labels=company, errors="ignore").dropna()
            better = row[row.map(_RANK.get) > _RANK[rec["verdict"]]]
            if better.empty:
                continue
            in_sector = sectors.reindex(row.index).eq(sectors.get(company, ""))
            n_sector = int(in_sector.sum())
            n_better_sector = int(in_sector.reindex(better.index).sum())
            candidates.append((rec, better, n_better_sector, n_sector, len(row)))
        candidates.sort(key=lambda c: (
            -(c[2] / c[3] if c[3] else 0), -len(c[1]) / c[4], _RANK[c[0]["verdict"]],
        ))
        gaps: list[Gap] = []
        per_framework: dict[str, int] = {}
        for rec, better, n_better_sector, n_sector, n_run in candidates:
            fw = rec["framework"]
            if len(gaps) >= MAX_GAPS or per_framework.get(fw, 0) >= MAX_GAPS_PER_FRAMEWORK:
                continue
            per_framework[fw] = per_framework.get(fw, 0) + 1
            wording = taxonomy.get(rec["criterion"]).description if rec["criterion"] in taxonomy else ""
            title = str(rec["title"]) or rec["criterion"]
            unanswered = tuple(
                questions.get(element, "") for element, result in answers.get((company, short_id(rec["criterion"])), ())
                if result in ("no", "partial", "no disclosure found") and questions.get(element)
            )
            evidence = [e for e in parse_evidence(rec) if not e.get("negative")][:2]
            gaps.append(Gap(
                framework=fw, criterion=rec["criterion"], title=title,
                wording=wording or title, verdict=rec["verdict"],
                better_in_sector=n_better_sector, sector_peers=n_sector,
                better_in_run=len(better), run_peers=n_run,
                question=question_for(rec["criterion"], fw, title, wording),
                unanswered=unanswered,
                own=tuple(_quote(company, sectors.get(company, ""), rec["verdict"], e) for e in evidence),
                absence="" if evidence else _absence(docs, missing.get(rec["criterion"], "")),
                peer=_strongest(best.get(rec["criterion"], []), set(better.index)),
            ))
        fw_order = {f: i for i, f in enumerate(order_frameworks(per_framework))}
        gaps.sort(key=lambda g: fw_order[g.framework])
        briefs[company] = Brief(company=company, profile=profiles[company], gaps=gaps, documents=docs,
                                meta=dict(report.meta))
    return briefs


_BUILT: WeakKeyDictionary[Report, dict[str, Brief]] = WeakKeyDictionary()


def briefs_of(report: Report) -> dict[str, Brief]:
    """Every company's brief, built once per report (the briefing and the DOCX files share it)."""
    if report not in _BUILT:
        _BUILT[report] = build_briefs(report)
    return _BUILT[report]


def element_answers(report: Report) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(company, RDR indicator id as in the taxonomy without ``rdr.``) -> [(element, result)]."""
    elements = report.rdr_elements
    if not len(elements):
        return {}
    firsts = elements.drop_duplicates(["Company", "Element"])  # RDR's file repeats an answer per level
    # RDR's ids are zero-padded (P03a), the taxonomy's not (rdr.P3a)
    return {(company, short_id(indicator)): list(zip(g["Element"], g["Result"]))
            for (company, indicator), g in firsts.groupby(["Company", "Indicator"], sort=False)}


def not_collected(docs: pd.DataFrame) -> dict[str, str]:
    """criterion -> "No transparency report was collected." for criteria that only document
    types missing from ``docs`` (one company's documents) can answer (``corpora/sources.yaml``)."""
    have = set(docs["doctype"].dropna()) if "doctype" in docs else set()
    out = {}
    for criterion, types in answering_doctypes().items():
        if not have & set(types):
            names = [DOCTYPE_LABELS[t] for t in types]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
            out[criterion] = f"No {listed} was collected."
    return out


# ---------------------------------------------------------------- helpers


def _best_quotes(report: Report) -> dict[str, list[tuple[int, float, Quote]]]:
    """criterion -> per company with full or partial coverage: (verdict rank, passage score, quote).

    A company's quote is its highest-scored one that is neither a negative statement nor a
    future commitment, else its best-ranked one."""
    out: dict[str, list[tuple[int, float, Quote]]] = {}
    for chunk in report.coverage_chunks():
        chunk = applicable_rows(chunk)
        for rec in chunk[chunk["verdict"].isin(["full", "partial"])].to_dict("records"):
            evidence = [e for e in parse_evidence(rec) if str(e.get("quote", "")).strip()]
            if not evidence:
                continue
            plain = [e for e in evidence if not e.get("negative") and not e.get("future")]
            pick = max(plain, key=lambda e: float(e.get("score") or 0)) if plain else evidence[0]
            quote = _quote(rec["company"], rec.get("sector", ""), rec["verdict"], pick)
            out.setdefault(rec["criterion"], []).append((_RANK[rec["verdict"]], float(pick.get("score") or 0), quote))
    return out


def _strongest(candidates: list[tuple[int, float, Quote]], peers: set[str]) -> Quote | None:
    """The strongest quote of ``peers``: full coverage before partial, then the tagger's score."""
    mine = [c for c in candidates if c[2].company in peers]
    if not mine:
        return None
    return max(mine, key=lambda c: (c[0], c[1], -len(c[2].text)))[2]


def _quote(company: str, sector: Any, verdict: str, ev: Mapping[str, Any]) -> Quote:
    page = ev.get("page")
    try:
        page = None if page is None or pd.isna(page) or page == "" else int(page)
    except (TypeError, ValueError):
        page = None
    return Quote(company=company, sector=str(sector or ""), verdict=verdict, text=str(ev.get("quote", "")),
                 url=str(ev.get("url") or ""), page=page, retrieved_at=str(ev.get("retrieved_at") or "")[:10],
                 sha256=str(ev.get("sha256") or ""), future=bool(ev.get("future", False)))


def _absence(docs: pd.DataFrame, missing: str) -> str:
    """The statement of an absence: how many documents of which types were read without finding it."""
    if docs.empty:
        return "No document of this company was collected."
    types = sorted({DOCTYPE_LABELS.get(t, t) for t in docs["doctype"].replace("", "other")})
    text = (f"No disclosure found in the {len(docs)} document{'s' if len(docs) != 1 else ''} read "
            f"({', '.join(types)}; listed under Documents read).")
    return f"{text} {missing}" if missing else text

