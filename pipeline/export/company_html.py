"""The company profile and engagement brief as parts of a briefing's company section."""
from __future__ import annotations

from .brief import Brief, Gap, Quote
from .frameworks import framework_label
from .markup import esc, link, num, score_cell, verdict_badge
from .profile import CompanyProfile, change_line

__all__ = ["brief_html", "profile_html"]


def profile_html(profile: CompanyProfile, heading: str) -> str:
    """Scores with rank and sector median, documents by type, strongest and weakest areas, change."""
    parts = [f'<div class="profile"><{heading}>Profile</{heading}>']
    if profile.standings:
        rows = []
        for s in profile.standings:
            sub = ' class="sub"' if "." in s.framework else ""
            change = "–" if s.change is None else f'<span class="{"up" if s.change > 0 else "down" if s.change < 0 else ""}">{s.change:+.0f}</span>'
            rows.append(
                f'<tr{sub}><th scope="row">{esc(s.label)}</th>{score_cell(s.score)}'
                f'<td class="bar-cell"><span class="track"><span class="fill" style="width:{s.score:.1f}%"></span></span></td>'
                f"<td class=num>{s.rank} of {s.of}</td><td class=num>{num(s.sector_median)}"
                f'<span class="small muted"> ({s.sector_size})</span></td><td class=num>{change}</td></tr>'
            )
        parts.append(
            '<table class="grid standings"><thead><tr><th>Framework</th><th class=num>Score</th>'
            '<th class="bar-cell"></th><th class=num>Rank</th>'
            '<th class=num title="median score of the companies in this sector (how many)">Sector median</th>'
            f'<th class=num title="points since the previous run">Change</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        )
    else:
        parts.append('<p class="muted">No framework scores for this company.</p>')
    areas = []
    if profile.strongest:
        areas.append("<div><dt>Strongest areas</dt><dd>" + "; ".join(
            f"{esc(a.label)} ({a.score:.0f})" for a in profile.strongest) + "</dd></div>")
    if profile.weakest:
        areas.append("<div><dt>Weakest areas</dt><dd>" + "; ".join(
            f"{esc(a.label)} ({a.score:.0f})" for a in profile.weakest) + "</dd></div>")
    areas.append(f"<div><dt>Since the last run</dt><dd>{esc(change_line(profile.changes))}</dd></div>")
    parts.append(f'<dl class="facts">{"".join(areas)}</dl>')
    if len(profile.documents):
        rows = "".join(
            f"<tr><td>{esc(r.type)}</td><td class=num>{r.documents}</td>"
            f"<td class=nowrap>{esc(r.first_retrieved if r.first_retrieved == r.last_retrieved else f'{r.first_retrieved} to {r.last_retrieved}')}</td>"
            f"<td>{esc(r.languages)}</td></tr>"
            for r in profile.documents.itertuples())
        parts.append('<table class="grid doctypes"><thead><tr><th>Documents found</th><th class=num>Count</th>'
                     f'<th>Retrieved</th><th>Languages</th></tr></thead><tbody>{rows}</tbody></table>')
    parts.append("</div>")
    return "".join(parts)


def brief_html(brief: Brief, heading: str, name_peers: bool = True) -> str:
    """The engagement brief: each gap with its standard, finding, question and peer practice.

    Without ``name_peers`` (a one-company briefing, where peers stay anonymous) the peer quotes
    are left out."""
    parts = [f'<div class="engage"><{heading}>Engagement brief</{heading}>']
    if not brief.gaps:
        parts.append('<p class="muted">No criterion where this company is behind its peers in this run.</p></div>')
        return "".join(parts)
    parts.append(f"<p class=small>The {len(brief.gaps)} criteria where peers of this run disclose most "
                 "beyond this company, with the question to ask. The DOCX brief has the same content, "
                 "ready to edit.</p><ol class=gaps>")
    parts.extend(_gap(gap, name_peers) for gap in brief.gaps)
    parts.append("</ol></div>")
    return "".join(parts)


def _gap(gap: Gap, name_peers: bool) -> str:
    peers = (f"{gap.better_in_sector} of {gap.sector_peers} sector peers" if gap.sector_peers
             else "no sector peer in this run")
    own = "".join(_quote(q, "The company says") for q in gap.own) or f'<p class="muted small">{esc(gap.absence)}</p>'
    unanswered = ""
    if gap.unanswered:
        items = "".join(f"<li>{esc(q)}</li>" for q in gap.unanswered)
        unanswered = (f'<details class="questions"><summary>{len(gap.unanswered)} of RDR\'s questions not '
                      f'answered</summary><ul class="questions">{items}</ul></details>')
    peer = ""
    if gap.peer and name_peers:
        peer = _quote(gap.peer, "Peer practice", named=True)
    elif gap.peer:
        peer = '<p class="small muted">Peer practice: in the full briefing and the DOCX brief.</p>'
    return (
        f'<li class="gap"><p class="gap-head"><span class="crit">{esc(gap.criterion)}</span> '
        f'<strong>{esc(gap.title)}</strong> <span class="fwid">{esc(framework_label(gap.framework))}</span></p>'
        f'<p class="standard">{esc(gap.wording)}</p>'
        f'<p class="small">{verdict_badge(gap.verdict)} {esc(peers)} and {gap.better_in_run} of '
        f"{gap.run_peers} companies in this run disclose more.</p>{own}"
        f'<p class="ask"><strong>Ask:</strong> {esc(gap.question)}</p>{unanswered}{peer}</li>'
    )


def _quote(quote: Quote, label: str, named: bool = False) -> str:
    who = f"{esc(quote.company)}{f' ({esc(quote.sector)})' if quote.sector else ''} · " if named else ""
    mark = '<span class="mark future">Future commitment</span>' if quote.future else ""
    cite = [link(quote.url, quote.page)]
    if quote.page is not None:
        cite.append(f"p.&nbsp;{quote.page}")
    if quote.retrieved_at:
        cite.append(f"retrieved {esc(quote.retrieved_at)}")
    return (f'<div class="quote"><span class="qlabel">{esc(label)}</span><blockquote>{esc(quote.text)}</blockquote>'
            f'<div class="cite">{mark}{who}{" · ".join(c for c in cite if c)}</div></div>')
