"""Build the PDF reports of the bundled demo corpus (``corpora/demo_sites``) with reportlab.

The HTML pages of the demo sites are written by hand; the PDFs are generated here from the
report texts below so that their layout is realistic (title page, running header and footer,
two-column pages, tables, hyphenated line ends) and still reproducible. Output is
byte-for-byte deterministic (reportlab's invariant mode, standard fonts only, a fixed
hyphenation table), and ``tests/test_demo_corpus.py`` checks the committed files against a
fresh build.

Usage::

    python scripts/make_demo_corpus.py             # rewrite the PDFs in corpora/demo_sites
    python scripts/make_demo_corpus.py --out DIR   # write them under DIR instead

Report markup (one block per blank-line-separated chunk, except lists and tables):
``# H1``, ``## H2``, ``### H3``, ``- bullet``, ``| table | row |`` (first row is the header),
``@twocol`` / ``@onecol`` (start a new page with that layout), ``@break`` (new page), and
plain lines (a paragraph; reportlab's inline ``<b>``/``<i>`` tags are allowed).
"""
from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpora" / "demo_sites"

PAGE_W, PAGE_H = 595.27, 841.89  # A4 in points
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM, GUTTER = 56.0, 74.0, 62.0, 18.0

# Hyphenation points for the long words the reports use. A fixed table instead of pyphen keeps
# the output identical on every machine and gives the extractors real "respon-/sibilities"
# line ends to join.
HYPHENATION = {
    w.replace("-", ""): w
    for w in """
    tele-com-mu-ni-ca-tions re-spon-si-bil-i-ties in-ter-na-tion-al-ly in-ter-na-tion-al
    or-gan-i-sa-tions or-gan-i-sa-tion ac-count-abil-i-ty im-ple-men-ta-tion pro-por-tion-al-i-ty
    trans-par-en-cy stake-hold-ers in-fra-struc-ture sub-con-trac-tors re-me-di-a-tion
    whis-tle-blow-ing con-fi-den-ti-al-i-ty not-with-stand-ing in-ter-op-er-abil-i-ty
    pseu-do-nymi-sa-tion dis-pro-por-tion-ate-ly en-vi-ron-men-tal sus-tain-abil-i-ty
    man-u-fac-tur-ing in-de-pen-dent as-sess-ments as-sess-ment ef-fec-tive-ness re-cruit-ment
    gov-er-nance in-for-ma-tion ju-ris-dic-tions re-quire-ments pro-cure-ment com-mu-ni-ca-tions
    com-mit-ments op-er-a-tion-al sur-veil-lance en-cryp-tion ad-min-is-tra-tive
    sub-scrib-ers sub-scrib-er gov-ern-ments gov-ern-ment re-quests prin-ci-ples ef-fi-cien-cy
    ef-fi-cient of-fi-cial work-flows work-flow man-age-ment dis-clo-sures dis-clo-sure
    rec-om-men-da-tions con-sul-ta-tion sig-nif-i-cant spec-i-fi-ca-tions re-spon-si-ble
    con-tent-mod-er-a-tion al-go-rith-mic in-ves-ti-ga-tions in-ves-ti-ga-tion
    """.split()
}


def hyphenate(word: str) -> list[tuple[str, str]]:
    """reportlab hyphenator: the (head, tail) splits of ``word``, longest head first."""
    lead = len(word) - len(word.lstrip("(\"'"))
    core = word[lead:].rstrip(".,;:)\"'")
    pattern = HYPHENATION.get(core.lower())
    if not pattern:
        return []
    parts = pattern.split("-")
    splits = []
    for i in range(len(parts) - 1, 0, -1):
        cut = lead + len("".join(parts[:i]))
        splits.append((word[:cut], word[cut:]))
    return splits


@dataclass(frozen=True)
class Report:
    """One PDF of the demo corpus."""

    path: str  # relative to the corpus directory, e.g. "nimbus-telecom/reports/x.pdf"
    company: str
    title: str
    subtitle: str
    header: str  # running header, printed on every page after the title page
    footer: str  # "{page}" and optionally "{pages}" are filled in
    accent: str  # hex colour of the title band and headings
    body: str
    font: str = "Helvetica"


def _styles(report: Report):
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    accent = colors.HexColor(report.accent)
    regular = report.font
    bold = {"Helvetica": "Helvetica-Bold", "Times-Roman": "Times-Bold"}[regular]
    italic = {"Helvetica": "Helvetica-Oblique", "Times-Roman": "Times-Italic"}[regular]
    body = ParagraphStyle(
        "body", fontName=regular, fontSize=9.6, leading=13.2, alignment=TA_JUSTIFY,
        spaceAfter=6, hyphenationLang=hyphenate,
    )
    return {
        "body": body,
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=2, spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.2, leading=10.2, alignment=TA_LEFT,
                               spaceAfter=0, hyphenationLang=""),
        "head": ParagraphStyle("head", fontName=bold, fontSize=8.2, leading=10.2,
                               textColor=colors.white),
        "h1": ParagraphStyle("h1", fontName=bold, fontSize=16, leading=20, textColor=accent,
                             spaceBefore=4, spaceAfter=10, keepWithNext=1),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=12, leading=15, spaceBefore=8,
                             spaceAfter=5, keepWithNext=1),
        "h3": ParagraphStyle("h3", fontName=italic, fontSize=10.4, leading=13, spaceBefore=6,
                             spaceAfter=3, keepWithNext=1),
        "title": ParagraphStyle("title", fontName=bold, fontSize=28, leading=34, spaceAfter=14),
        "subtitle": ParagraphStyle("subtitle", fontName=regular, fontSize=14, leading=19,
                                   textColor=accent, spaceAfter=30),
        "accent": accent,
        "fonts": (regular, bold),
    }


def _table(rows: list[list[str]], width: float, styles):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    n = max(len(r) for r in rows)
    data = [[Paragraph(c, styles["head"] if i == 0 else styles["cell"]) for c in r + [""] * (n - len(r))]
            for i, r in enumerate(rows)]
    first = width * (0.34 if n > 2 else 0.5)
    widths = [first] + [(width - first) / (n - 1)] * (n - 1) if n > 1 else [width]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), styles["accent"]),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f1f3f5")]),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#b8bec4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _story(report: Report, styles) -> list:
    """Flowables for the title page and the marked-up body."""
    from reportlab.platypus import NextPageTemplate, PageBreak, Paragraph, Spacer

    one_w = PAGE_W - 2 * MARGIN_X
    col_w = (one_w - GUTTER) / 2
    story = [
        Spacer(1, 150),
        Paragraph(report.title, styles["title"]),
        Paragraph(report.subtitle, styles["subtitle"]),
        Paragraph(report.company, styles["h2"]),
        NextPageTemplate("onecol"),
        PageBreak(),
    ]
    width = one_w
    lines = report.body.strip().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        if line in ("@twocol", "@onecol"):
            width = col_w if line == "@twocol" else one_w
            story += [NextPageTemplate(line[1:]), PageBreak()]
            i += 1
        elif line == "@break":
            story.append(PageBreak())
            i += 1
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            story.append(Paragraph(line[level:].strip(), styles[f"h{level}"]))
            i += 1
        elif line.startswith("- "):
            item = [line[2:]]
            i += 1
            while i < len(lines) and lines[i][:1] == " " and lines[i].strip():  # continuation
                item.append(lines[i].strip())
                i += 1
            story.append(Paragraph(" ".join(item), styles["bullet"], bulletText="\u2022"))
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            story += [_table(rows, width, styles), Spacer(1, 8)]
        elif line.startswith("@"):
            raise ValueError(f"{report.path}: unknown directive {line!r}; use @twocol, @onecol or @break")
        else:
            para = [line]
            i += 1
            while i < len(lines) and lines[i].strip() and lines[i].strip()[0] not in "#|@-":
                para.append(lines[i].strip())
                i += 1
            story.append(Paragraph(" ".join(para), styles["body"]))
    return story


def _decorate(report: Report, styles, pages: int):
    """onPage callbacks: title band on page 1, running header and footer on the others."""
    from reportlab.lib import colors

    regular, bold = styles["fonts"]

    def title_page(canvas, doc):
        canvas.saveState()
        canvas.setFillColor(styles["accent"])
        canvas.rect(0, PAGE_H - 120, PAGE_W, 120, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(bold, 15)
        canvas.drawString(MARGIN_X, PAGE_H - 70, report.company)
        canvas.restoreState()

    def running(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(colors.HexColor("#4a5560"))
        canvas.drawString(MARGIN_X, PAGE_H - 42, report.header)
        canvas.setStrokeColor(styles["accent"])
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN_X, PAGE_H - 48, PAGE_W - MARGIN_X, PAGE_H - 48)
        canvas.line(MARGIN_X, 44, PAGE_W - MARGIN_X, 44)
        footer = report.footer.format(page=doc.page, pages=pages)
        canvas.drawRightString(PAGE_W - MARGIN_X, 32, footer)
        canvas.restoreState()

    return title_page, running


def _build_once(report: Report, pages: int) -> tuple[bytes, int]:
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    styles = _styles(report)
    title_page, running = _decorate(report, styles, pages)
    body_h = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
    one_w = PAGE_W - 2 * MARGIN_X
    col_w = (one_w - GUTTER) / 2
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=(PAGE_W, PAGE_H), invariant=1, title=report.title, author=report.company,
        subject=report.subtitle, creator="hrdc demo corpus (scripts/make_demo_corpus.py)",
    )
    doc.addPageTemplates([
        PageTemplate("title", [Frame(MARGIN_X, MARGIN_BOTTOM, one_w, body_h, id="t")], onPage=title_page),
        PageTemplate("onecol", [Frame(MARGIN_X, MARGIN_BOTTOM, one_w, body_h, id="o")], onPage=running),
        PageTemplate("twocol", [
            Frame(MARGIN_X, MARGIN_BOTTOM, col_w, body_h, id="l"),
            Frame(MARGIN_X + col_w + GUTTER, MARGIN_BOTTOM, col_w, body_h, id="r"),
        ], onPage=running),
    ])
    doc.build(_story(report, styles))
    return buf.getvalue(), doc.page


def build_report(report: Report) -> bytes:
    """Render ``report`` to PDF bytes; identical input gives identical bytes."""
    from reportlab import rl_config

    rl_config.invariant = 1
    data, pages = _build_once(report, 0)
    if "{pages}" in report.footer:  # second pass once the page count is known
        data, again = _build_once(report, pages)
        assert again == pages, f"{report.path}: page count changed between passes"
    return data


# ---------------------------------------------------------------------------------------------
# Report texts. Every company is fictional; the texts were written for this corpus.
# ---------------------------------------------------------------------------------------------

NIMBUS_HRR = Report(
    path="nimbus-telecom/reports/2025-human-rights-report.pdf",
    company="Nimbus Telecom plc",
    title="Human Rights Report 2025",
    subtitle="Freedom of expression, privacy and people in our value chain",
    header="Nimbus Telecom plc \u00b7 Human Rights Report 2025",
    footer="NT-HRR-2025 Rev 2 \u00b7 Page {page} of {pages}",
    accent="#0b5394",
    body="""
# About this report
This is the fourth annual Human Rights Report of Nimbus Telecom plc ("Nimbus", "we"). It covers
the financial year 1 April 2024 to 31 March 2025 and all entities under our operational control:
Nimbus Telecom UK Ltd, Nimbus Ireland DAC, Nimbus Portugal S.A., Nimbus Ghana Ltd, Nimbus Tanzania
Ltd and Nimbus Malaysia Sdn Bhd. Together these operating companies serve 24.6 million mobile
subscribers and 3.1 million fixed broadband customers, and employ 18,400 people.
The report is prepared with reference to the UN Guiding Principles Reporting Framework. It
describes how we govern respect for human rights, the salient human rights issues we identified
for the period, and what we did to prevent, mitigate and remedy adverse impacts. Data on
government demands is published in our half-yearly Law Enforcement Disclosure Report, and the
figures for the full year are summarised in section 4 of this report.
Our Human Rights Policy was approved by the Board on 14 March 2023 and was reviewed again in
February 2025. The Board approved this report on 11 June 2025.

## A message from our Chair
Mobile networks are now the way most people in our markets learn, organise, bank and reach
emergency services. That gives us a responsibility that goes beyond the security of our
infrastructure: when a government asks us to switch off a network, to hand over the
communications of a journalist or to block a website, the way we respond affects the rights of
millions of people. This year the Board spent more time on these questions than in any previous
year, including two dedicated sessions on network disruption orders and on the use of
algorithmic systems in customer operations. We do not claim to have every answer. We do commit to
explaining our decisions, to pushing back when demands are unlawful or disproportionate, and to
reporting openly on what we did.
<i>Dame Helen Carrow, Chair of the Board</i>

@onecol
# 1. Our commitment and governance
## 1.1 Policy commitment
Nimbus is committed to respecting all internationally recognised human rights, as set out in the
International Bill of Human Rights and the International Labour Organization's Declaration on
Fundamental Principles and Rights at Work. We follow the UN Guiding Principles on Business and
Human Rights and the OECD Guidelines for Multinational Enterprises. Because of the nature of our
services we give particular attention to the right to freedom of expression and information and
the right to privacy of our customers, and to the labour rights of the people who build and
maintain our networks.
The Human Rights Policy was developed by the Group Human Rights Office with input from our
operating companies, two external human rights experts and a consultation with eleven civil
society organisations in 2022. It applies to all employees, contractors and directors of Nimbus,
and we expect suppliers and business partners to respect equivalent standards through our Supplier
Code of Conduct. The policy is published on our website in English, Portuguese and Swahili,
included in the induction programme for all new employees and referenced in every supply contract
signed since July 2023.
## 1.2 Board oversight
The Board has overall responsibility for our human rights performance. The Sustainability and
Ethics Committee of the Board oversees our policies and performance on freedom of expression,
privacy, and human rights in the supply chain, and receives a human rights report from management
at every meeting (four times a year). The Audit and Risk Committee oversees privacy and
cybersecurity risk as part of the group risk register.
In 2024/25 the Board and its committees discussed:
- two network disruption orders received in Tanzania and our response to them;
- the findings of the human rights impact assessment of our 5G standalone launch in Malaysia;
- privacy risks of the new fraud-detection platform that analyses call metadata;
- results of supplier audits in our tower maintenance and handset supply chains;
- the proposed acquisition of a data centre operator in Portugal (see section 3).
## 1.3 Management responsibility
Day-to-day responsibility sits with the Group Human Rights Officer, who reports to the Chief Legal
and Regulatory Officer, a member of the Executive Committee. The Group Data Protection Officer
reports to the same executive and leads our privacy programme. We placed these functions under the
legal and regulatory function because most of our salient risks arise from legal demands by
governments; the Human Rights Officer also has a direct reporting line to the chair of the
Sustainability and Ethics Committee. Each operating company has a designated human rights lead and
a Law Enforcement Liaison team whose decisions on sensitive demands are escalated to the group.
## 1.4 Our salient human rights issues
We reviewed our salient issues in 2024 using the criteria of scale, scope and remediability, with
input from employees, customers, investors and civil society organisations in each market. The
salient issues for this reporting period are:
- <b>Freedom of expression and access to information</b>, in particular network shutdowns, service
  restrictions and orders to block websites.
- <b>Privacy</b>, in particular government access to communications data and the security of
  customer data.
- <b>Labour rights in the supply chain</b>, including forced labour risks in network equipment and
  handset manufacturing and health and safety of tower maintenance contractors.
- <b>Non-discrimination</b> in the design of algorithmic systems used for credit scoring of
  mobile money and device financing customers.
Child online safety and the rights of workers in our retail stores were assessed but are managed
through our general policies rather than as salient issues.

@twocol
# 2. Freedom of expression and privacy
## 2.1 How we handle government demands
Governments in all our markets have legal powers to require telecommunications operators to
provide customer data, to intercept communications, to block content or to restrict network
services. We comply with demands that are lawful, but we do not comply with demands that do not
follow the required legal process. Every demand is checked by the local Law Enforcement Liaison
team against five criteria: the legal basis, the authority of the requesting official, the
scope of the demand, its necessity and its proportionality.
We interpret demands narrowly and disclose the minimum information required. Where a demand is
overbroad, we ask the authority to narrow it; where it appears unlawful or inconsistent with
international human rights standards, we escalate it to the group Human Rights Officer and, where
appropriate, challenge it. Demands must be made in writing. In a genuine emergency involving a
risk to life we may act on an oral request, and we require written confirmation within 48 hours.
## 2.2 Direct access
In two of our markets, the law requires operators to give authorities direct access to our
networks for lawful interception, without a separate demand being sent to us for each case. We
believe direct access is open to abuse, and we have publicly called for it to be subject to
independent judicial authorisation and oversight. We disclose the countries where such
requirements apply in our Law Enforcement Disclosure Report, unless the law prohibits it.
## 2.3 Network shutdowns and service restrictions
A network shutdown cuts people off from emergency services, health information, their families
and their livelihoods. We only restrict network services when we receive a lawful written order,
and we ask the authority to limit the restriction in geographic scope and duration. When we are
required to restrict services, we notify affected customers by SMS or on our website unless we are
legally prevented from doing so, and we restore services as soon as the order expires.
In the reporting period we received two shutdown demands, both in Tanzania, connected with local
unrest in two regions. We requested written orders, asked the regulator to confirm the legal basis
and proposed a time limit. One order was withdrawn after our challenge. The second was implemented
for 26 hours, restricting mobile data services in two districts, and we informed customers by SMS
when the service was restored.
## 2.4 Blocking and content restrictions
As a network operator we do not host content, but we receive orders to block access to specific
websites. Most orders relate to illegal gambling, child sexual abuse material (lists supplied by
recognised hotlines) and copyright infringement. We publish the number of orders and URLs blocked
per country, and we display a notice to people who try to reach a blocked page, explaining that
access has been blocked by legal order.
## 2.5 Protecting customer data
Our privacy programme covers the collection, use, sharing and retention of customer data. We
collect only the data we need to provide and secure our services, we retain traffic data for the
periods set by law (between 6 and 24 months depending on the market) and we delete or anonymise it
afterwards. Access to customer data is restricted to named employees on a need-to-know basis and
every access is logged and audited monthly. Our security management system is certified to ISO/IEC
27001 in all six markets, and an independent auditor tests our controls every year.
## 2.6 Security incidents
In the reporting period we notified two personal data breaches to supervisory authorities, both
within 72 hours: an exposed backup file at a marketing contractor (about 3,200 customers) and a
fraudulent SIM swap scheme involving a retail agent (41 customers). We notified all affected
customers, reimbursed financial losses and terminated the contract of the agent involved.

@onecol
# 3. Human rights due diligence
## 3.1 Our process
Human rights due diligence at Nimbus combines a group-level saliency review, country risk
assessments, and human rights impact assessments (HRIAs) of specific decisions. We conduct an HRIA
before entering a new market, launching a significant new product or service, or acquiring a
business, and when the legal environment in one of our markets changes significantly. HRIAs are
led by the Group Human Rights Office with external specialists and include interviews with
potentially affected groups. The findings and mitigation plans are reviewed by the Executive
Committee and summarised for the Sustainability and Ethics Committee.
Country risk assessments of freedom of expression and privacy are updated every two years for
each market, and earlier when a material legal change occurs. They are reviewed by the Human Rights
Officer, and the summary is reported to the Board.
## 3.2 Assessments completed in 2024/25
| Assessment | Scope | Main findings | Actions |
| 5G standalone launch, Malaysia | Network slicing, location services | Higher precision location data could enable surveillance if disclosed | Location data retention limited to 30 days; requests for precise location require court order |
| Fraud-detection platform, group | Call metadata analytics | Risk of false positives cutting off vulnerable customers | Human review before suspension; appeal route in all markets |
| Acquisition, Quintavela Data S.A., Portugal | Data centres and hosting | Hosting contracts lacked human rights clauses | Clauses added; acquisition closed in January 2025 |
| Country risk update, Tanzania | Legal framework | New cybercrime rules broaden takedown powers | Escalation procedure updated; training for local team |
## 3.3 Algorithmic systems
We use algorithmic systems for network optimisation, fraud detection, credit scoring for device
financing and customer service chatbots. Our Responsible AI Standard, adopted in 2024, requires a
risk review of every system that makes or supports decisions about customers, including an
assessment of risks to privacy and of discriminatory outcomes. In 2024/25 we reviewed eleven
systems and paused one credit-scoring model in Ghana after tests showed that applicants from rural
areas were declined at a significantly higher rate with no justification in repayment data. We
will complete a full human rights impact assessment of our customer-service chatbots in 2026.
## 3.4 Independent assurance
Nimbus has been a member of the Global Network Initiative since 2018. In 2024 GNI completed its
second independent assessment of Nimbus, carried out by an accredited assessor, and the GNI Board
determined that Nimbus is making good-faith efforts to implement the GNI Principles with
improvement over time. The assessor's recommendations, including publishing more detail on direct
access requirements, are tracked by the Sustainability and Ethics Committee.

@twocol
# 4. Government demands in numbers
The tables below summarise the demands we received in 2024/25. They exclude demands we are legally
prohibited from reporting. In Malaysia, the law prohibits us from publishing the number of lawful
interception warrants; in Ghana we may only publish aggregate figures.
| Country | Data demands | Complied in full or part | Rejected |
| United Kingdom | 41,220 | 38,904 | 2,316 |
| Ireland | 6,105 | 5,688 | 417 |
| Portugal | 9,870 | 9,212 | 658 |
| Ghana | 3,412 | 3,055 | 357 |
| Tanzania | 2,960 | 2,544 | 416 |
| Malaysia | 5,730 | 5,401 | 329 |

| Country | Blocking orders | URLs blocked | Shutdown demands |
| United Kingdom | 38 | 1,204 | 0 |
| Ireland | 6 | 77 | 0 |
| Portugal | 21 | 2,860 | 0 |
| Ghana | 9 | 140 | 0 |
| Tanzania | 17 | 312 | 2 |
| Malaysia | 44 | 3,918 | 0 |
Most data demands relate to subscriber information (name and address) and traffic data. Demands for
the content of communications require a judicial warrant in all six markets and made up less than
two per cent of the total. A demand may relate to more than one account; we count the number of
demands rather than accounts because not all of our systems record the number of accounts per
demand. We will report the number of accounts affected from the 2025/26 report onwards.
## 4.1 Notifying customers
Where the law allows and notification would not put an investigation or a person at risk, we
inform customers that their data was disclosed once the investigation is closed. In practice this
is possible only in Ireland and Portugal, where we sent 312 notices in the period.

@onecol
# 5. People in our supply chain
## 5.1 Our supply chain
We spent 4.2 billion pounds with 6,900 suppliers in 2024/25. The largest categories are network
equipment (31 per cent), handsets and devices (24 per cent), IT services (17 per cent) and network
construction and maintenance (12 per cent). Most equipment is manufactured in China, Vietnam,
Taiwan, Mexico and Malaysia; construction and maintenance work is carried out by local
subcontractors in each market.
## 5.2 Risks of modern slavery and labour exploitation
Our risk assessment, based on sector, country and the nature of work, identified the following
high-risk areas: the extraction of minerals such as cobalt, tin and tantalum in electronics;
electronics assembly using migrant workers who may pay recruitment fees; tower construction and
maintenance, where workers are exposed to work at height and may be employed informally; and
cleaning and security services at our premises.
## 5.3 Actions taken
- All new suppliers accept our Supplier Code of Conduct, which prohibits forced labour,
  recruitment fees and the retention of identity documents.
- 1,140 suppliers completed our human rights self-assessment questionnaire.
- We carried out 86 on-site audits, 31 of them unannounced, through the Joint Audit Cooperation.
- We trained 420 procurement staff and 1,900 contractor supervisors.
- We mapped 92 per cent of smelters in our handset and equipment supply chains against the
  Responsible Minerals Assurance Process.
## 5.4 Findings and remediation
| Finding | Suppliers | Remediation |
| Recruitment fees paid by migrant workers | 3 | Fees of 412,000 US dollars repaid to 1,306 workers |
| Excessive working hours | 14 | Corrective action plans; 9 closed |
| Missing work-at-height certification | 22 | Work suspended until training completed |
| Withheld identity documents | 1 | Documents returned; supplier placed on watch list |
We did not terminate any supplier for human rights reasons in the period; we prefer to use our
leverage to improve conditions and terminate only when a supplier refuses to remediate.
## 5.5 Effectiveness
We measure effectiveness through the share of corrective actions closed on time (71 per cent,
up from 58 per cent), repeat findings in follow-up audits, and worker voice surveys run by an
independent organisation at our ten largest contract manufacturers.

@twocol
# 6. Stakeholder engagement
We engage with people whose rights may be affected by our operations, and with those who represent
them. In 2024/25 we held consultations with 34 civil society organisations, including digital
rights groups, journalists' associations and trade unions, on our approach to network shutdowns,
the new fraud-detection platform and the revised Supplier Code of Conduct. As a result of this
input we shortened the default retention period for fraud-detection data from twelve to six months
and added a commitment to notify customers about service restrictions.
Through the Global Network Initiative we work with companies, civil society, investors and
academics on shared challenges, and we contributed to joint advocacy against network shutdowns at
the African Commission on Human and Peoples' Rights.
# 7. Grievance mechanisms and remedy
Customers can raise a complaint about privacy, access to services or the handling of their data
through our customer service channels, our online privacy form or directly with our Data
Protection Officer. Complaints about privacy are acknowledged within five working days and answered
within one month. Customers who are not satisfied can escalate to the independent telecoms
ombudsman in the United Kingdom and Ireland or to the national regulator in other markets.
Employees, contractors and workers in our supply chain can report concerns, anonymously if they
wish, through our Speak Up line, operated by an independent provider in 14 languages. We do not
tolerate retaliation against anyone who raises a concern in good faith.
| Channel | Cases 2024/25 | Substantiated |
| Privacy complaints (customers) | 2,871 | 612 |
| Service restriction complaints | 164 | 23 |
| Speak Up reports (human rights related) | 97 | 38 |
| Supply chain worker hotline | 311 | 129 |
Remedies provided included correcting or deleting data, refunding charges, reinstating services
suspended in error, and the repayment of recruitment fees to workers described in section 5.

@onecol
# 8. Training and awareness
All employees complete our Code of Conduct training every year, which covers privacy and human
rights. In addition, 1,260 employees in law enforcement liaison, legal, security and network
operations roles completed specialist training on handling government demands, freedom of
expression and privacy. Completion rates were 97 per cent for the annual module and 100 per cent
for the specialist module.
# 9. Tracking our performance
| Indicator | 2023/24 | 2024/25 | Target 2025/26 |
| Employees trained on human rights (specialist) | 1,050 | 1,260 | 1,400 |
| HRIAs completed | 2 | 4 | 4 |
| Supplier audits | 71 | 86 | 100 |
| Corrective actions closed on time | 58% | 71% | 80% |
| Privacy complaints answered within one month | 88% | 93% | 95% |
# 10. Lessons learned and next steps
The shutdown demands in Tanzania showed that our local teams needed clearer guidance on when to
escalate, and that our ability to notify customers depended on decisions made in the first hours.
We have since introduced a shutdown protocol with pre-approved customer messages. The credit
scoring review showed that technical testing for bias must happen before launch, not after.
In the coming year we will:
- complete a human rights impact assessment of our customer-service chatbots (2026);
- publish the number of accounts affected by data demands;
- extend worker voice surveys to our tower maintenance contractors;
- review the Human Rights Policy with external stakeholders in 2026.
Contact: humanrights@nimbus-telecom.example
""",
)

HALCYRA_HRR = Report(
    path="halcyra-social/reports/2025-human-rights-report.pdf",
    company="Halcyra, Inc.",
    title="Human Rights and Transparency Report 2025",
    subtitle="How we protect expression and privacy on Halcyra",
    header="Halcyra \u2013 Human Rights and Transparency Report 2025",
    footer="Page {page} of {pages}",
    accent="#5b3cc4",
    body="""
# Introduction
Halcyra is a messaging and social audio service used by 140 million people each month in more than
120 countries. This report describes how we identified and addressed the most significant risks
that our products pose to the human rights of our users and others in 2024, and it complements our
half-yearly Transparency Report, which publishes the detailed figures. It was reviewed by the
Nominating and Governance Committee of our Board in April 2025.
We made real progress this year: our first independent GNI assessment, a redesigned appeals
workflow, and a human rights impact assessment of the automated systems that moderate public rooms.
We also made mistakes, which we describe in section 5, because an official report that only lists
successes is not a sufficient basis for accountability.

@twocol
# 1. Governance of our human rights programme
## Who is responsible
The Nominating and Governance Committee of the Board oversees our human rights programme and reviews
its progress twice a year. In 2024 the Committee discussed government demands in two markets with
contested elections, the findings of our moderation impact assessment, and the privacy effects of
our new interest-inference feature. The Audit Committee oversees data security and receives a
quarterly report from the Chief Information Security Officer.
The Chief Legal Officer is accountable for the programme. Day-to-day, the Human Rights team of six
people sits in the Legal department, so that it can influence the review of legal demands, and works
with the Trust and Safety, Product and Public Policy teams. A cross-functional Human Rights Council,
chaired by the Head of Human Rights and including the heads of Trust and Safety, Privacy, Security
and Public Policy, meets monthly and escalates difficult decisions to the executive team.
## Policies
Our Commitment to Human Rights, approved by the Board in 2022 and updated in March 2025, commits us
to respect internationally recognised human rights, with particular attention to freedom of
expression, privacy and non-discrimination. Specific policies that implement it include the
Community Guidelines, the Privacy Policy, the Law Enforcement Guidelines and our internal Government
Demands Procedure.
## Training
All 2,300 employees completed annual privacy and security training (completion rate 99.2 per cent).
410 employees in Trust and Safety, Legal, Public Policy and Engineering completed a new course on
freedom of expression and international human rights standards. Content reviewers employed through
our outsourcing partners receive the same policy training as employees, as well as wellbeing support
and access to counselling.
## Speaking up
Employees and contract workers can raise concerns about user privacy, freedom of expression or any
other ethical issue through the Ethics Line, which is operated by an independent provider and
accepts anonymous reports. In 2024 the Ethics Line received 61 reports, seven of which related to
user data; four were substantiated and led to disciplinary action and changes to access controls.

@twocol
# 2. Our salient human rights issues
We reviewed our salient issues in 2024 through interviews with 30 internal experts and 22 external
stakeholders and an analysis of user reports, legal demands and press coverage. We assessed each
potential impact on the severity of harm to people (scale, scope and how difficult it would be to
remedy) and on likelihood. Our salient issues are:
- <b>Freedom of expression</b>: over-removal of lawful speech by automated systems; government
  demands to remove political speech; network-level blocking of our service.
- <b>Privacy</b>: government access to user data; tracking and profiling; the security of
  accounts of people at risk, such as journalists and activists.
- <b>Non-discrimination</b>: unequal accuracy of moderation and ranking systems across languages
  and dialects.
- <b>Safety of users</b>: harassment, child sexual exploitation and coordinated abuse.
- <b>Wellbeing of content reviewers</b>, who are exposed to distressing material.
We focus our reporting on three countries where risks to expression were highest in 2024 because of
elections or emergency legislation. The choice was made by the Human Rights Council based on the
volume of government demands and on assessments by civil society partners.

# 3. Impact assessments
## Automated moderation in public rooms
Our moderation system transcribes live audio in public rooms and flags possible violations for
human review. The assessment, carried out with an external consultancy and reviewed by an academic
expert in speech technology, found that the system flagged speech in three regional languages at
more than twice the rate of English, largely because of poorer transcription. We responded by
suspending automated flagging for those languages, hiring 40 additional reviewers with the relevant
language skills, and committing to language-level accuracy testing before any model update.
## Interest inference
Before launching inferred interest topics, we assessed the privacy risks of inference. We excluded
all sensitive categories, made topics visible and deletable, and limited the use of topics for
sponsored rooms to users who opt in outside the EU and UK.
## Market entry
We assessed the legal environment in three new markets before launch. In one market we decided not
to open a local office, because local staff could be exposed to pressure to disclose user data.

@onecol
# 4. Government demands
## Our process
The Law Enforcement Response team checks each demand for legal validity, scope and the identity of
the requesting official. Demands that raise human rights concerns are escalated to the Human Rights
team. We push back on overbroad demands, and we challenged eleven demands in court in 2024. We
restrict content only in the jurisdiction that issued a valid demand.
## Figures for 2024
| Measure | H1 2024 | H2 2024 |
| Requests for user data | 36,840 | 39,648 |
| Accounts specified | 52,100 | 59,528 |
| Requests where some data was produced | 68% | 71% |
| Requests to restrict content | 1,120 | 1,353 |
| Items restricted | 2,980 | 3,375 |
| Demands challenged in court | 5 | 6 |

## Network disruption
Our service was blocked at the network level in two countries for a total of 19 days in 2024. We
worked with civil society partners to document the blocks and offered users guidance on secure
connection options.

@twocol
# 5. Remedy and appeals
Users can appeal any moderation decision from the notification they receive. Appeals are reviewed
by a person not involved in the original decision. In 2024 we redesigned the appeals workflow so
that users can add context, such as the language or dialect used, and receive a specific
explanation. We received 190,000 appeals in the second half of the year and reinstated content or
accounts in 31,470 cases. Median time to decision fell from 9 days to 4 days.
Privacy complaints are handled by the office of the Chief Privacy Officer. We received 4,210
complaints in 2024 and upheld 630, mostly relating to account deletion delays caused by an offline
backup process that had not been configured to delete data on time. We fixed the process and
deleted the affected data.
## What went wrong
In May 2024 a configuration error made the approximate city of 2,100 users visible on their public
profile for six hours. We notified the affected users and the Irish Data Protection Commission
within 72 hours and added an automated check to our release process.
In October 2024, during an election period, our automated systems removed a number of posts by a
political party that used a slogan similar to one on our list of violent extremist content. We
reinstated the content within 36 hours and changed our policy so that election-related removals
in high-risk periods require human review.
# 6. Stakeholder engagement
Halcyra joined the Global Network Initiative in 2022 and completed its first independent assessment
in 2024. We also hold regular consultations with digital rights, child safety and journalists'
organisations, and published our responses to their recommendations.
# 7. Looking ahead
In 2025 we will:
- publish enforcement data quarterly and in a structured, machine-readable format;
- complete an impact assessment of our sponsored rooms targeting system;
- extend language-level accuracy testing to all moderation models;
- report the number of complaints from content reviewers and how they were resolved.
""",
)

HALCYRA_MSA = Report(
    path="halcyra-social/reports/modern-slavery-statement-2025.pdf",
    company="Halcyra, Inc.",
    title="Modern Slavery Statement 2024",
    subtitle="Statement under the UK Modern Slavery Act 2015 and the Australian Modern Slavery Act 2018",
    header="Halcyra, Inc. \u2013 Modern Slavery Statement 2024",
    footer="HC-MSS-2024 \u00b7 Page {page}",
    accent="#3d2a86",
    font="Times-Roman",
    body="""
# About this statement
This statement is published by Halcyra, Inc. on behalf of itself and its subsidiaries Halcyra UK
Ltd and Halcyra Australia Pty Ltd, the reporting entities under the UK Modern Slavery Act 2015 and
the Australian Modern Slavery Act 2018, for the financial year ended 31 December 2024. It sets out
the steps we have taken to identify, assess and address the risks of modern slavery in our
operations and supply chains.
# Our structure and operations
Halcyra, Inc. is a privately held company incorporated in Delaware with headquarters in Oakland,
California. We operate a messaging and social audio service. We have 2,300 employees in the United
States, Ireland, India and Brazil and subsidiaries in seven countries. Halcyra UK Ltd and Halcyra
Australia Pty Ltd sell advertising and employ 64 people between them.
# Our supply chains
Our main suppliers provide cloud computing and data centre services, content moderation and
customer support services through outsourcing partners, marketing services, office facilities
(cleaning, catering and security) and employee hardware. In 2024 we had 1,480 direct suppliers in
26 countries. About 3,100 content reviewers work on Halcyra through four outsourcing partners in
India, the Philippines, Kenya and Portugal.
@break
# Risks of modern slavery
We identified the following areas of higher risk:
- <b>Outsourced content moderation and support</b>, where workers may face excessive hours,
  unlawful deductions or restrictions on leaving their employment.
- <b>Employee hardware and data centre equipment</b>, where forced labour and recruitment fees
  are documented risks in electronics manufacturing and in the extraction of minerals.
- <b>Facilities services</b>, where low-wage agency workers may be vulnerable to exploitation.
# Actions taken in 2024
- We updated our Supplier Code of Conduct to prohibit recruitment fees and the retention of
  identity documents, and added modern slavery clauses to all new outsourcing contracts.
- We audited all four content moderation partners, including confidential interviews with 260
  reviewers. Two audits found excessive overtime; both partners hired additional staff and
  overtime is now monitored monthly.
- Our hardware is bought from three resellers; we required them to confirm that the manufacturers
  are members of an industry due diligence programme.
- We trained all 45 members of our procurement and vendor management teams.
# Remediation
We found no cases of forced labour. At one moderation partner, workers had been required to pay a
deposit for equipment; the partner refunded the deposits to 180 workers.
@break
# Assessing effectiveness
We track the number of high-risk suppliers assessed (all four outsourcing partners and 86 per cent
of facilities suppliers), corrective actions closed (five of six) and worker grievances received
through the partner hotlines (38 in 2024, all resolved).
# Consultation
The statement was prepared by our Legal and Procurement teams in consultation with the directors
of Halcyra UK Ltd and Halcyra Australia Pty Ltd, who reviewed it before approval.
# Approval
This statement was approved by the Board of Directors of Halcyra, Inc. on 18 March 2025 and by the
boards of Halcyra UK Ltd and Halcyra Australia Pty Ltd.
Signed by Jonah Wexley, Chief Executive Officer and Director, Halcyra, Inc., 18 March 2025.
""",
)

QUORVANE_SR = Report(
    path="quorvane-cloud/reports/quorvane-sustainability-report-2025.pdf",
    company="Quorvane Cloud Ltd",
    title="Sustainability Report 2025",
    subtitle="Efficient infrastructure, responsible business",
    header="Quorvane Cloud Ltd | Sustainability Report 2025",
    footer="QV-SR-2025 | {page}",
    accent="#0f7b6c",
    body="""
# Foreword
This is Quorvane's second sustainability report. It covers the financial year to 31 March 2025
and our three operating companies in the UK, Ireland and Germany. Our business is simple: we store
and process our customers' files as efficiently and securely as we can. That makes the energy our
data centres use, the security of our customers' data, and the way we treat the people who work
for and with us the three themes of this report.
Highlights of the year: data centre energy efficiency improved to a power usage effectiveness of
1.18; we joined the official UK scheme for carbon reporting by small and medium-sized cloud
providers; and we published our second transparency report on government requests.

@twocol
# 1. Climate and energy
## Efficient data centres
Our infrastructure runs in four colocation data centres: two in the UK, one in Ireland and one in
Germany. All four buy renewable electricity under long-term contracts. Our engineering teams
redesigned the storage workflow this year so that rarely used files move automatically to
high-density, low-power storage. This cut the energy used per terabyte stored by 14 per cent.
| Indicator | 2023/24 | 2024/25 |
| Electricity used (MWh) | 18,400 | 19,100 |
| Share renewable | 96% | 100% |
| Power usage effectiveness | 1.24 | 1.18 |
| Energy per TB stored (kWh) | 41.2 | 35.4 |
| Scope 1 and 2 emissions (tCO2e) | 310 | 122 |

## Hardware and e-waste
Servers are refurbished and redeployed wherever possible. End-of-life equipment is wiped to the
NIST 800-88 standard and recycled by certified partners, with certificates of destruction for
every drive.
## Offices and travel
Our offices in Bristol, Dublin and Berlin use renewable electricity. Business travel emissions rose
after two offsites; we will introduce a rail-first travel policy in 2025.

# 2. Privacy and security
Customers choose whether their files are stored in the UK or the EU. We do not access customer
files except to provide the service, with the customer's permission for support, or when legally
required. Our information security management system is certified to ISO/IEC 27001:2022 and we
hold Cyber Essentials Plus certification.
In 2024 we received 227 requests from government authorities for customer data, and disclosed
data in 120 cases. Details by country are in our transparency report. We do not publish data on
requests to remove content.
We had no personal data breaches that required notification to a regulator in the year.

@onecol
# 3. Our people
Quorvane employs 340 people. We are an accredited Living Wage employer, offer flexible and
remote working, and ran our first pay equity audit this year.
| Indicator | 2024/25 |
| Employees | 340 |
| Women in engineering roles | 27% |
| Women in leadership | 38% |
| Gender pay gap (median) | 9.1% |
| Employee engagement score | 78 / 100 |
| Voluntary turnover | 11% |
All employees completed data protection and security awareness training. Engineers with production
access complete additional secure development training each year.

# 4. Responsible business
## Human rights
In September 2024 we published our first Human Rights Statement, in which we commit to respect
human rights in line with the UN Guiding Principles and to protect the privacy and freedom of
expression of our users. We have not yet carried out a human rights impact assessment; we plan to
do so in 2026, starting with the risks of government access to data in the countries where we
store it. We will also propose that the Board's Audit and Risk Committee take on oversight of
human rights risks.
## Supply chain and modern slavery
Our main suppliers are data centre operators, server and storage manufacturers, and software
providers. Server hardware carries a risk of forced labour in component manufacturing and mineral
extraction. We require hardware suppliers to confirm that they comply with an industry code of
conduct and that their smelters are audited. All new supplier contracts include a modern slavery
clause. We have not audited any supplier directly. Our modern slavery statement will be published
when we reach the reporting threshold.
## Ethics
Employees can raise concerns through our confidential whistleblowing service. Four reports were
received in the year; none related to human rights.

@twocol
# 5. Governance of sustainability
The Executive Leadership Team is responsible for sustainability, with the Chief Operating Officer
as sponsor. A sustainability working group with representatives from infrastructure, people,
legal and finance meets monthly and prepares this report. The Board reviews the report before
publication.
# 6. Our targets
| Target | Year | Status |
| Power usage effectiveness below 1.15 | 2026 | On track |
| Net zero scope 1 and 2 | 2027 | On track |
| Publish first human rights impact assessment | 2026 | Not started |
| Supplier code of conduct for all suppliers | 2025 | In progress |
# About this report
This report has not been externally assured. Energy data is based on meter readings supplied by
our data centre operators; emissions are calculated with the UK government conversion factors.
Contact: sustainability@quorvane.example
""",
)

ORIELLE_MSA = Report(
    path="orielle-mobile/statements/modern-slavery-statement-2025.pdf",
    company="Orielle Mobile Networks S.A.",
    title="Modern Slavery Statement 2025",
    subtitle="Orielle UK Ltd \u2013 financial year ending 31 December 2024",
    header="Orielle Mobile Networks \u00b7 Modern Slavery Statement 2025",
    footer="Page {page} of {pages}",
    accent="#e2231a",
    body="""
# Introduction
This statement is made by Orielle UK Ltd under section 54(1) of the Modern Slavery Act 2015 for
the financial year ending 31 December 2024. Orielle UK Ltd is a wholly owned subsidiary of Orielle
Mobile Networks S.A. and provides international wholesale voice, messaging and roaming services to
other operators. Although the parent company is not subject to the Act, this statement describes
the policies and actions of the Orielle group as a whole, because Orielle UK Ltd relies on group
procurement.
# Structure, business and supply chains
The Orielle group provides mobile and home internet services in Portugal, Cabo Verde and
Mozambique, with 3,900 employees. Orielle UK Ltd employs 41 people in London.
The group's main suppliers provide network equipment and software, mobile handsets, civil works and
maintenance of network sites, call-centre services, and retail store services. Network equipment
and handsets are manufactured mainly in China and Vietnam. Civil works and site maintenance are
carried out by local contractors in each country.
@break
# Policies
Our Code of Ethics and our Human Rights Policy prohibit forced labour, child labour and human
trafficking. Our Supplier Code, introduced in 2023, requires suppliers to respect the same standards
and to allow us to verify their compliance.
# Risk assessment
We consider the following areas to present the greatest risk of modern slavery:
- manufacture of network equipment and handsets, including the extraction of minerals;
- civil works and site maintenance in Mozambique, where subcontracting is common and labour
  inspections are limited;
- outsourced call-centre and cleaning services.
# Due diligence
New suppliers above 100,000 euros of annual spend complete a compliance questionnaire covering
labour practices. In 2024, 212 suppliers completed the questionnaire and four were asked for
additional information. We did not carry out on-site audits. We rely on the audit programmes of
our largest equipment suppliers, which are members of industry initiatives.
@break
# Training
Members of the procurement team in Portugal received training on modern slavery risks in 2024.
We will extend this training to the procurement teams in Mozambique and Cabo Verde in 2025.
# Measuring effectiveness
We have not yet defined performance indicators for our actions against modern slavery. We will
develop indicators in 2025, including the share of high-risk suppliers assessed.
# Reporting concerns
Workers of Orielle and of our suppliers can report concerns through the Ethics Channel. No reports
relating to modern slavery were received in 2024.
# Approval
This statement was approved by the Board of Directors of Orielle UK Ltd on 24 April 2025.
Signed: Ana Sousa Ferreira, Director, Orielle UK Ltd.
""",
)

QUILLFEATHER_MSA = Report(
    path="quillfeather-devices/reports/modern-slavery-statement-2025.pdf",
    company="Quillfeather Devices GmbH",
    title="Modern Slavery and Supply Chain Report 2025",
    subtitle="Statement under the UK Modern Slavery Act 2015 and report on our supply chain due diligence",
    header="Quillfeather Devices GmbH \u00b7 Modern Slavery and Supply Chain Report 2025",
    footer="QF-MSSC-2025 \u00b7 Page {page} of {pages}",
    accent="#7a5c2e",
    body="""
# About this statement
This statement is made on behalf of Quillfeather Devices GmbH and its UK subsidiary Quillfeather
UK Ltd, which is required to publish a statement under section 54 of the UK Modern Slavery Act
2015, for the financial year 1 January to 31 December 2024. It also reports on the due diligence
we carry out under the German Supply Chain Due Diligence Act. It was approved by the Management
Board of Quillfeather Devices GmbH and the Board of Directors of Quillfeather UK Ltd.

@twocol
# 1. Our organisation
Quillfeather designs e-readers and note-taking tablets. We are headquartered in Hamburg, Germany,
with sales subsidiaries in the United Kingdom, France and the Netherlands and a supplier
management office in Ho Chi Minh City, Vietnam. We employ 610 people. In 2024 we sold 1.4 million
devices in 18 countries, with revenue of 312 million euros. We do not own any factories.
# 2. Our supply chain
Our devices are assembled by two contract manufacturers, in Binh Duong (Vietnam) and Dongguan
(China). They buy components from 37 tier-2 suppliers, of which we select or approve the 14 that
supply displays, batteries, printed circuit boards, pens and packaging. Beyond tier 2, our
supply chain includes hundreds of component makers, smelters and refiners, and the mines that
supply them. In 2024 we mapped 118 smelters and refiners in our supply chain.
| Tier | Number | Main countries |
| Tier 1: final assembly | 2 | Vietnam, China |
| Tier 2: key components | 37 | China, Taiwan, Malaysia, Japan, South Korea |
| Smelters and refiners (3TG and cobalt) | 118 | 24 countries |

# 3. Policies
Our Human Rights Policy, adopted in February 2024, and our Supplier Code of Conduct, version 2.0,
prohibit forced labour, human trafficking and child labour. The Supplier Code requires that
workers pay no recruitment fees, that they keep their identity documents, and that they can leave
their employment freely. All direct suppliers have signed the Code.
# 4. Risks in our supply chain
We assess risks every year by supplier, country, product and type of work, using audit results,
country indicators, and information from civil society organisations. The most significant risks
of forced labour that we identified are:
- migrant workers from Nepal, Bangladesh and Myanmar recruited by agencies for component factories
  in Malaysia, who often pay high recruitment fees and may be in debt bondage;
- student interns and dispatch workers in assembly factories during peak production, who may work
  excessive overtime and be unable to leave;
- artisanal cobalt mining in the Democratic Republic of the Congo, with risks of child labour and
  forced labour;
- the risk of state-imposed forced labour affecting the supply of raw materials and components
  from certain regions, which we address by tracing the origin of inputs.
# 5. Due diligence and actions in 2024
## Audits
Both assembly partners and 12 of our 14 key component suppliers were audited in 2024 by
independent auditors using the Responsible Business Alliance Validated Audit Process, including
confidential interviews with 640 workers conducted in their own languages. Four audits were
unannounced.
## Findings
| Finding | Sites | Status at year end |
| Recruitment fees paid by migrant workers | 1 | Repayment completed |
| Working hours over 60 per week | 3 | 2 closed, 1 in progress |
| Interns working overtime | 1 | Closed |
| Insufficient chemical safety training | 2 | Closed |
| No confidential grievance channel | 2 | Closed |

## Remediation of recruitment fees
At our battery cell supplier in Penang, interviews revealed that 212 migrant workers had paid
recruitment fees of between 1,100 and 3,400 US dollars to agencies in their home countries. The
supplier agreed to repay the fees in full; repayments totalling 486,000 US dollars were completed
in November 2024 and verified by an independent organisation through follow-up interviews. The
supplier has moved to an employer-pays recruitment model and now recruits through two agencies
that do not charge workers.
## Peak season
We changed our own planning process to reduce pressure on assembly partners. Launch volumes are
now committed 16 weeks in advance instead of 10, and overtime during the launch of the Nib 2 was
monitored weekly by our Ho Chi Minh City team.
## Minerals
All 118 smelters and refiners identified are conformant with or active in a recognised assurance
programme. For cobalt, we joined an industry initiative that supports formalisation of artisanal
mining and monitoring of child labour.
# 6. Training and capacity
All employees in procurement, product management and supplier quality (86 people) completed
training on forced labour indicators and responsible purchasing. Our assembly partners trained
their recruitment teams and 4,100 workers on their rights and the grievance channel.
# 7. Grievance mechanism
Workers in our supply chain can contact our complaints procedure in nine languages, anonymously
if they wish, and can use a worker voice app operated by an independent organisation at our two
assembly partners. In 2024 we received 57 complaints: 41 about wages and hours, 9 about
treatment by supervisors, 5 about dormitory conditions and 2 about recruitment. All were
investigated; 33 were substantiated and remediated.
# 8. Effectiveness
| Indicator | 2023 | 2024 |
| Key suppliers audited | 9 of 14 | 12 of 14 |
| Worker interviews | 410 | 640 |
| Corrective actions closed in time | 64% | 82% |
| Workers repaid recruitment fees | 0 | 212 |
| Grievances received | 22 | 57 |
The rise in grievances reflects wider awareness of the channel rather than worse conditions,
according to the organisation that operates the worker voice app.
# 9. Next steps
In 2025 we will audit the remaining two key component suppliers, extend recruitment fee checks
to tier-3 suppliers in Malaysia, and publish the list of our tier-2 suppliers.
# 10. Approval
This statement was approved by the Management Board of Quillfeather Devices GmbH on 20 March 2025
and by the Board of Directors of Quillfeather UK Ltd on 27 March 2025.
Signed: Lene Albrecht, Managing Director, Quillfeather Devices GmbH, and Director, Quillfeather
UK Ltd.
""",
)

TESSELLANE_ESG = Report(
    path="tessellane-search/reports/esg-summary-2024.pdf",
    company="Tessellane Search Co.",
    title="ESG Summary 2024",
    subtitle="Environment, social and governance highlights",
    header="Tessellane Search Co. \u2014 ESG Summary 2024",
    footer="Tessellane ESG Summary 2024 \u2014 {page}",
    accent="#1a73a8",
    body="""
# Our year
2024 was a year of strong growth for Tessellane. Daily searches grew by 40 per cent to 30 million
and we launched Tessellane Answers, our AI answer engine, in 12 languages. This summary describes
our environmental footprint, our people and our governance.
# Environment
Our index and AI models run in third-party data centres. Our cloud providers report that 85 per
cent of the electricity used for our workloads was matched with renewable energy. We improved the
efficiency of our ranking models, which cut the energy used per query by 18 per cent.
| Indicator | 2023 | 2024 |
| Electricity used (MWh) | 21,300 | 29,800 |
| Renewable share | 78% | 85% |
| Energy per 1,000 queries (kWh) | 2.9 | 2.4 |

@break
# Social
## Our people
We employ 420 people, 31 per cent of whom are women. All employees receive stock options and
private health insurance.
## Users
We are committed to providing fair and unbiased search results. We respect the privacy of our
users; see our privacy policy for details.
## Human rights and modern slavery
Tessellane respects human rights. As a software company we consider the risk of modern slavery in
our business to be low. We expect our suppliers to comply with all applicable laws.
# Governance
Tessellane is a privately held company. Our Board of Directors has five members, two of them
independent. The Board has not assigned responsibility for environmental or social topics to a
committee. We plan to publish our first full sustainability report in 2026.
""",
)

CORVIMAR_MSA = Report(
    path="corvimar-connect/statements/modern-slavery-statement-2024.pdf",
    company="Corvimar Connect AG",
    title="Modern Slavery Statement 2024",
    subtitle="Corvimar Networks UK Ltd",
    header="Corvimar Connect AG \u2013 Modern Slavery Statement 2024",
    footer="Page {page} of {pages}",
    accent="#003b5c",
    font="Times-Roman",
    body="""
# Statement
This statement is made pursuant to section 54 of the Modern Slavery Act 2015 by Corvimar Networks
UK Ltd, a subsidiary of Corvimar Connect AG, for the financial year ending 31 December 2024.
Corvimar Connect AG is a Swiss provider of internet, television and mobile services. Corvimar
Networks UK Ltd sells wholesale capacity on submarine cable systems and has 12 employees.
Corvimar is opposed to slavery and human trafficking in all its forms. Our Code of Conduct
requires all employees to act with integrity and to comply with the law. Our suppliers are mainly
large international companies providing network equipment, customer equipment and IT services, and
we expect them to comply with all applicable laws, including laws against modern slavery.
We consider the risk of modern slavery in our business and supply chains to be low. We have not
identified any cases of modern slavery.
@break
# Approval
This statement was approved by the board of Corvimar Networks UK Ltd.
Signed: Director, Corvimar Networks UK Ltd, June 2025.
@break
# Contact
Corvimar Networks UK Ltd, 3 Quay Street, Bristol BS1 4DB.
""",
)

BRIGHTPEBBLE_SH = Report(
    path="brightpebble-electronics/reports/sustainability-highlights-2024.pdf",
    company="Brightpebble Electronics Ltd",
    title="Sustainability Highlights 2024",
    subtitle="Small steps, big difference",
    header="Brightpebble Electronics \u00b7 Sustainability Highlights 2024",
    footer="brightpebble.example \u00b7 {page}",
    accent="#ff7a59",
    body="""
# Packaging
In 2024 we removed all single-use plastic from the packaging of our Pebble speakers. Our boxes are
now made from 90 per cent recycled cardboard and printed with soy-based inks.
# Products
Our new GaN chargers use 30 per cent less material than the previous generation and are more
efficient, wasting less energy as heat.
@break
# Recycling
Customers can return any old Brightpebble product to us free of charge for recycling. We
collected 3.2 tonnes of electronics in 2024.
# Our partners
We work with a small number of long-standing manufacturing partners. We believe in treating
people fairly and we expect our partners to do the same.
""",
)

REPORTS = (
    NIMBUS_HRR, HALCYRA_HRR, HALCYRA_MSA, QUORVANE_SR, ORIELLE_MSA, QUILLFEATHER_MSA,
    TESSELLANE_ESG, CORVIMAR_MSA, BRIGHTPEBBLE_SH,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CORPUS_DIR,
                        help="corpus root to write the PDFs under (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        import reportlab  # noqa: F401
    except ImportError:
        print("reportlab is not installed: run `pip install -e '.[dev]'` first", file=sys.stderr)
        return 2
    for report in REPORTS:
        target = args.out / report.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(build_report(report))
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
