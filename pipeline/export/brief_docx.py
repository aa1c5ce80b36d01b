"""An engagement :class:`~pipeline.export.brief.Brief` as an editable Word document (python-docx).

>>> write_brief_docx(briefs["Acme Telecom"], "acme.docx")  # doctest: +SKIP
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt, RGBColor

from ..doctype import DOCTYPE_LABELS
from .brief import Brief, Gap, Quote, briefs_of
from .briefing import company_anchor
from .files import Exporter, atomic_path
from .frameworks import framework_label
from .model import Report
from .profile import change_line

__all__ = ["DocxExporter", "brief_filename", "source_line", "write_brief_docx"]

_MUTED = RGBColor(0x5B, 0x65, 0x77)
# Characters XML 1.0 cannot hold (python-docx refuses them); crawled text may contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_VERDICT = {"none": "no disclosure found", "partial": "partly disclosed", "full": "fully disclosed"}


class DocxExporter(Exporter):
    """``briefs/brief-<company>.docx``: the engagement brief of every company."""

    format = "docx"

    def export(self, report: Report, out_dir: Path) -> list[Path]:
        return [write_brief_docx(brief, out_dir / "briefs" / brief_filename(company))
                for company, brief in briefs_of(report).items()]


def brief_filename(company: str) -> str:
    """A safe, stable file name for a company's brief."""
    return f"brief-{company_anchor(company).removeprefix('company-')}.docx"


def source_line(quote: Quote) -> str:
    """Where a quote comes from: company, address, page, retrieval date and version hash."""
    parts = [f"{quote.company} ({quote.sector})" if quote.sector else quote.company, quote.url]
    if quote.page is not None:
        parts.append(f"p. {quote.page}")
    if quote.retrieved_at:
        parts.append(f"retrieved {quote.retrieved_at}")
    if quote.sha256:
        parts.append(f"sha256 {quote.sha256[:10]}")
    return ", ".join(p for p in parts if p)


def write_brief_docx(brief: Brief, path: str | os.PathLike[str]) -> Path:
    """Write ``brief`` as a DOCX to ``path`` atomically and return the path."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10.5)
    _title(doc, brief)
    _profile(doc, brief)
    _gaps(doc, brief)
    _changes(doc, brief)
    _documents(doc, brief)
    doc.add_heading("How this brief was made", level=1)
    doc.add_paragraph(_clean(
        "hrdc crawled the company's public documents, classified their passages against each "
        "framework's criteria and scored every criterion full, partial or none. A gap is a criterion "
        "this company covers in part or not at all while peers of the same run cover it better; gaps "
        "are ordered by the share of sector peers that do better. Quotes are verbatim, with their "
        "source; a statement that nothing was found refers to the documents listed above. Read the "
        "sources before sending."))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
    return path


# ---------------------------------------------------------------- parts


def _title(doc: DocxDocument, brief: Brief) -> None:
    doc.add_heading(_clean(f"Engagement brief: {brief.company}"), level=0)
    meta = brief.meta
    bits = [f"Sector: {brief.profile.sector}" if brief.profile.sector else "",
            f"scoring run {meta.get('run_id')}" if meta.get("run_id") is not None else "",
            str(meta.get("date") or "")[:10]]
    _muted(doc.add_paragraph(), " · ".join(b for b in bits if b) + ". Prepared with hrdc; edit before sending.")


def _profile(doc: DocxDocument, brief: Brief) -> None:
    profile = brief.profile
    doc.add_heading("Profile", level=1)
    if profile.standings:
        table = doc.add_table(rows=1, cols=5)
        table.style = "Light Grid Accent 1"
        for cell, text in zip(table.rows[0].cells, ("Framework", "Score", "Rank", "Sector median", "Change")):
            cell.text = text
        for s in profile.standings:
            change = "–" if s.change is None else f"{s.change:+.0f}"
            for cell, text in zip(table.add_row().cells, (s.label, f"{s.score:.0f}", f"{s.rank} of {s.of}",
                                                          f"{s.sector_median:.0f} ({s.sector_size})", change)):
                cell.text = _clean(text)
    else:
        doc.add_paragraph("No framework scores for this company in this run.")
    if profile.strongest:
        doc.add_paragraph(_clean("Strongest areas: " + "; ".join(f"{a.label} ({a.score:.0f})" for a in profile.strongest)))
    if profile.weakest:
        doc.add_paragraph(_clean("Weakest areas: " + "; ".join(f"{a.label} ({a.score:.0f})" for a in profile.weakest)))
    doc.add_paragraph(_clean(change_line(profile.changes)))


def _gaps(doc: DocxDocument, brief: Brief) -> None:
    doc.add_heading("Gaps to raise", level=1)
    if not brief.gaps:
        doc.add_paragraph("No criterion where this company is behind its peers in this run.")
    for number, gap in enumerate(brief.gaps, start=1):
        _gap(doc, number, gap)


def _gap(doc: DocxDocument, number: int, gap: Gap) -> None:
    doc.add_heading(_clean(f"{number}. {framework_label(gap.framework)} {gap.criterion}: {gap.title}"), level=2)
    standard = doc.add_paragraph()
    standard.add_run("The standard: ").bold = True
    standard.add_run(_clean(gap.wording)).italic = True
    status = doc.add_paragraph()
    status.add_run("Finding: ").bold = True
    peers = (f"{gap.better_in_sector} of {gap.sector_peers} sector peers" if gap.sector_peers
             else "no sector peer in this run")
    status.add_run(_clean(f"{_VERDICT[gap.verdict]}; {peers} and {gap.better_in_run} of {gap.run_peers} "
                          "companies in this run disclose more."))
    if gap.own:
        for quote in gap.own:
            _quote(doc, quote, "What the company says: ")
    else:
        _muted(doc.add_paragraph(), gap.absence)
    ask = doc.add_paragraph()
    ask.add_run("Question to ask: ").bold = True
    ask.add_run(_clean(gap.question))
    if gap.unanswered:
        doc.add_paragraph("RDR's questions this indicator asks that were not answered:")
        for question in gap.unanswered:
            doc.add_paragraph(_clean(question), style="List Bullet")
    if gap.peer:
        _quote(doc, gap.peer, "Peer practice: ")
    else:
        _muted(doc.add_paragraph(), "No peer quote: the peers that cover this criterion better have no "
                                    "quote stored for it.")


def _changes(doc: DocxDocument, brief: Brief) -> None:
    changes = brief.profile.changes
    doc.add_heading("Since the last season", level=1)
    doc.add_paragraph(_clean(change_line(changes)))
    for label, rows in (("Improved", changes.improved), ("Regressed", changes.regressed)):
        for rec in rows.to_dict("records"):
            doc.add_paragraph(_clean(
                f"{label}: {framework_label(rec['framework'])} {rec['criterion']}, "
                f"{rec['verdict_from']} → {rec['verdict_to']} ({rec['score_from']:.0f} → {rec['score_to']:.0f})"
                + (f"; changed documents: {rec['changed_documents']}" if rec.get("changed_documents") else "")),
                style="List Bullet")


def _documents(doc: DocxDocument, brief: Brief) -> None:
    doc.add_heading("Documents read", level=1)
    docs = brief.documents
    if docs.empty:
        doc.add_paragraph("No document of this company was collected, so every gap above is an absence "
                          "of anything to read.")
        return
    table = doc.add_table(rows=1, cols=4)
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, ("Document", "Type", "Retrieved", "sha256")):
        cell.text = text
    for rec in docs.to_dict("records"):
        cells = table.add_row().cells
        cells[0].text = _clean(f"{rec.get('title') or 'untitled'}\n{rec['url']}")
        cells[1].text = _clean(DOCTYPE_LABELS.get(str(rec.get("doctype") or ""), "document"))
        cells[2].text = _clean(str(rec.get("retrieved_at") or "")[:10])
        cells[3].text = _clean(str(rec.get("sha256") or "")[:10])


def _quote(doc: DocxDocument, quote: Quote, label: str) -> None:
    para = doc.add_paragraph()
    para.add_run(label).bold = True
    para.add_run(_clean(f"“{quote.text}”"))
    if quote.future:
        para.add_run(" (a future commitment, not current practice)").italic = True
    _muted(doc.add_paragraph(), "Source: " + source_line(quote))


def _muted(paragraph, text: str) -> None:
    run = paragraph.add_run(_clean(text))
    run.font.size = Pt(9)
    run.font.color.rgb = _MUTED


def _clean(text: str) -> str:
    return _NOT_XML.sub("", str(text))
