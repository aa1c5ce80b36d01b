"""PDF extraction on generated reports: columns, running heads, pages, damaged files."""
from __future__ import annotations

import re

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from pipeline.extract import extract, extract_file
from pipeline.segment import segment

LEFT = [
    "Our suppliers must respect the human",
    "rights of every worker. We expect each",
    "supplier to take respon-",
    "sibility for its own supply chain.",
    "\u2022 Workers are free to leave.",
    "\u2022 No worker pays a recruitment fee.",
]
RIGHT = [
    "We audit high-risk suppliers every",
    "year and publish the results of these",
    "audits in our annual report, with the",
    "corrective actions agreed.",
    "Grievance channels are open to all",
    "workers without fear of reprisal.",
]
HEADINGS = {1: "1. Labour standards", 2: "2. Audits and remedy"}
HEADER = "ACME Corp Human Rights Report 2025"


def _page(c, number: int, total: int, interleaved: bool) -> None:
    width, height = A4
    c.setFont("Helvetica", 8)
    c.drawString(50, height - 30, HEADER)
    c.drawString(width - 110, 25, f"Page {number} of {total}")
    c.setFont("Helvetica-Bold", 14)
    c.drawString(50, height - 80, HEADINGS[number])
    c.setFont("Helvetica", 10)
    top = height - 110
    if interleaved:  # both columns drawn row by row, as some report generators do
        for row, (left, right) in enumerate(zip(LEFT, RIGHT)):
            c.drawString(50, top - 14 * row, left)
            c.drawString(310, top - 14 * row, right)
    else:
        for row, left in enumerate(LEFT):
            c.drawString(50, top - 14 * row, left)
        for row, right in enumerate(RIGHT):
            c.drawString(310, top - 14 * row, right)


def make_report(path, *, scanned_last_page: bool = True, encrypt: str | None = None):
    """Two two-column pages (one drawn column by column, one row by row) and an image-only page."""
    kwargs = {"encrypt": StandardEncryption(encrypt, canPrint=0)} if encrypt else {}
    c = canvas.Canvas(str(path), pagesize=A4, **kwargs)
    total = 3 if scanned_last_page else 2
    _page(c, 1, total, interleaved=False)
    c.showPage()
    _page(c, 2, total, interleaved=True)
    c.showPage()
    if scanned_last_page:
        c.rect(50, 50, 400, 600, fill=1)  # a scanned page: marks, no text layer
        c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return extract_file(make_report(tmp_path_factory.mktemp("pdf") / "report.pdf"))


def test_every_block_has_its_page_and_offsets(report):
    assert report.kind == "pdf" and report.n_pages == 3 and report.error is None
    assert {b.page for b in report.blocks} == {1, 2}
    for block in report.blocks:
        assert report.text[block.char_start:block.char_end] == block.text


def test_running_header_footer_and_page_numbers_removed(report):
    assert HEADER not in report.text
    assert not re.search(r"Page \d of \d", report.text)


@pytest.mark.parametrize("page", [1, 2])
def test_columns_read_in_order(report, page):
    text = "\n".join(b.text for b in report.blocks if b.page == page)
    left_end = text.index("No worker pays a recruitment fee.")
    right_start = text.index("We audit high-risk suppliers")
    assert left_end < right_start
    assert "We audit high-risk suppliers every year and publish the results of these audits in our annual report" in text


def test_hyphenation_joined_and_bullets_cleaned(report):
    assert "supplier to take responsibility for its own supply chain." in report.text
    assert "respon-" not in report.text
    items = [b.text for b in report.blocks if b.kind == "li" and b.page == 1]
    assert items == ["Workers are free to leave.", "No worker pays a recruitment fee."]
    assert "\u2022" not in report.text


def test_headings_give_section_paths(report):
    headings = [b.text for b in report.blocks if b.kind == "heading"]
    assert headings == [HEADINGS[1], HEADINGS[2]]
    body = next(b for b in report.blocks if b.text.startswith("Grievance channels") and b.page == 2)
    assert body.section == (HEADINGS[2],)


def test_pages_without_text_layer_are_flagged(report):
    assert report.pages_without_text == (3,)
    assert "scanned_pages" in report.flags


def test_fully_scanned_pdf_has_no_text_and_says_why(tmp_path):
    c = canvas.Canvas(str(tmp_path / "scan.pdf"), pagesize=A4)
    for _ in range(2):
        c.rect(50, 50, 400, 600, fill=1)
        c.showPage()
    c.save()
    extraction = extract_file(tmp_path / "scan.pdf")
    assert extraction.text == "" and extraction.pages_without_text == (1, 2)
    assert {"scanned_pages", "no_text"} <= set(extraction.flags)
    assert "OCR" in extraction.error


def test_encrypted_pdf_gives_a_recorded_error(tmp_path):
    extraction = extract_file(make_report(tmp_path / "locked.pdf", encrypt="secret"))
    assert extraction.flags == ("encrypted",)
    assert "password" in extraction.error


def test_truncated_and_corrupt_pdfs_do_not_raise(tmp_path):
    data = make_report(tmp_path / "full.pdf").read_bytes()
    truncated = extract(data[: len(data) // 2], "pdf")
    assert "truncated" in truncated.flags
    corrupt = extract(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n%%EOF\n", "pdf")
    assert corrupt.flags == ("corrupt",) and corrupt.error


def test_detects_pdf_served_as_html(tmp_path):
    data = make_report(tmp_path / "r.pdf").read_bytes()
    extraction = extract(data, content_type="text/html", url="https://x.org/report")
    assert extraction.kind == "pdf" and "recruitment fee" in extraction.text


def test_flex_running_header_never_reaches_a_passage(shared_data):
    path = shared_data / "docs" / "flex" / "Supplier-Code-of-Conduct-English.pdf"
    extraction = extract_file(path)
    passages = segment(extraction, "flex")
    assert extraction.n_pages == 13 and len(passages) > 50
    assert not [p for p in passages if re.search(r"FMS-QMS-1-034-00|Rev:E|\b\d+ of 13\b", p.text)]
    assert all(p.page is not None and 1 <= p.page <= 13 for p in passages)
    assert any("Freely Chosen Employment" in p.section for p in passages)


def make_page_break_pdf(path):
    """Two pages with running heads, page numbers, a sentence over the page break, and on the
    second page a company notice in small type drawn (so read) before the body, as on the back
    page of Flex's human-rights policy; line ends hyphenate words, a compound, a URL and a phone number."""
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    pages = [
        ["We provide appropriate, well-", "maintained protective equipment and take respon-",
         "sibility for training. Questions go to our officer at 716-859-",
         "8559 or see https://example.org/free-prior-and-informed-", "consent-fpic for the principles. Workers may raise",
         "concerns and we also encourage the reporting of any"],
        ["violations through confidential channels without fear of reprisal.",
         "We review every report within thirty days of receiving it."],
    ]
    for number, lines in enumerate(pages, start=1):
        if number == 2:
            c.setFont("Helvetica", 7)
            c.drawString(50, 60, "ACME Ltd. (Reg. No. 12345) makes things. For more information, visit acme.example.")
        c.setFont("Helvetica", 8)
        c.drawString(50, height - 30, HEADER)
        c.drawString(width - 110, 25, f"Page {number} of 2")
        c.setFont("Helvetica", 10)
        for row, line in enumerate(lines):
            c.drawString(50, height - 110 - 14 * row, line)
        c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def page_break(tmp_path_factory):
    return extract_file(make_page_break_pdf(tmp_path_factory.mktemp("pdf") / "break.pdf"))


def test_issue16_sentence_over_a_page_break_is_rejoined_without_the_back_page(page_break):
    block = next(b for b in page_break.blocks if "encourage the reporting" in b.text)
    assert "encourage the reporting of any violations through confidential channels" in block.text
    assert block.page == 1 and "Reg. No." not in block.text and HEADER not in block.text and "Page 2" not in block.text
    assert any(b.text.startswith("ACME Ltd. (Reg. No. 12345)") for b in page_break.blocks)  # kept, as its own block


def test_issue16_real_hyphens_urls_and_numbers_survive_line_ends(page_break):
    text = page_break.text
    assert "appropriate, well-maintained protective" in text
    assert "take responsibility for training" in text
    assert "716-859-8559 or see" in text
    assert "https://example.org/free-prior-and-informed-consent-fpic for" in text


def test_issue16_flex_and_kaleida_line_and_page_breaks(shared_data):
    policy = extract_file(shared_data / "docs" / "flex" / "human-rights-policy.pdf")
    passage = next(p for p in segment(policy, "hr") if "encourages reporting of any violations" in p.text)
    assert "violations through confidential channels" in passage.text and "Reg. No." not in passage.text
    code = extract_file(shared_data / "docs" / "flex" / "Supplier-Code-of-Conduct-English.pdf").text
    assert "wellmaintained" not in code and "appropriate, well-maintained, personal" in code
    assert "Conflict-Affected and High-Risk Areas" in code
    assert "consultation-and-free-prior-and-informed-consent-fpic" in code
    assert "intimidation, or harassment. Where" in code  # over the break from page 3 to 4
    assert "Suppliers should have a communicated process" in code  # over page 9's footnote
    notice = extract_file(shared_data / "docs" / "opp115_original" / "517_www.kaleidahealth.org.pdf").text
    assert "716-859- 8559" not in notice and notice.count("716-859-8559") == 5


def test_footnotes_below_a_sentence_over_a_page_break_follow_it(tmp_path):
    """As on page 9 of Flex's supplier code: the page ends mid-sentence above a footnote in small
    type, and the next page finishes the sentence."""
    c = canvas.Canvas(str(tmp_path / "note.pdf"), pagesize=A4)
    width, height = A4
    pages = [["Programs that protect whistleblowers shall be maintained, unless prohibited",
              "by law. Suppliers should have a"],
             ["communicated process for raising concerns without fear of retaliation."]]
    for number, lines in enumerate(pages, start=1):
        c.setFont("Helvetica", 10)
        for row, line in enumerate(lines):
            c.drawString(50, height - 110 - 14 * row, line)
        if number == 1:
            c.setFont("Helvetica", 7)
            c.drawString(50, 80, "1 Whistleblower definition: any person who reports improper conduct.")
        c.showPage()
    c.save()
    extraction = extract_file(tmp_path / "note.pdf")
    assert [(b.text, b.page) for b in extraction.blocks] == [
        ("Programs that protect whistleblowers shall be maintained, unless prohibited by law. Suppliers should "
         "have a communicated process for raising concerns without fear of retaliation.", 1),
        ("1 Whistleblower definition: any person who reports improper conduct.", 1),
    ]


def test_a_caption_at_the_foot_of_a_page_is_not_a_footnote(tmp_path):
    """Smaller type at a page's foot is footnotes only when it starts with a note number: a
    caption wrapped before a number stays whole (py-pdf's 2201.00214, Figure 3)."""
    c = canvas.Canvas(str(tmp_path / "caption.pdf"), pagesize=A4)
    width, height = A4
    c.setFont("Helvetica", 10)
    for row in range(4):
        c.drawString(50, height - 110 - 14 * row, f"Loop {row} was observed in every wavelength for the whole flare.")
    c.setFont("Helvetica", 7)
    c.drawString(50, 96, "Figure 3: The time series of the first strips of loop A (strip 1 to")
    c.drawString(50, 88, "3 from top to down), with the time on the horizontal axis.")
    c.showPage()
    c.save()
    blocks = [b.text for b in extract_file(tmp_path / "caption.pdf").blocks]
    assert blocks[-1] == ("Figure 3: The time series of the first strips of loop A (strip 1 to 3 from top to down), "
                          "with the time on the horizontal axis.")


@pytest.mark.parametrize("left, right, joined", [
    ("take respon-", "sibility", "take responsibility"),
    ("appropriate, well-", "maintained,", "appropriate, well-maintained,"),
    ("Conflict\ufffe", "Affected", "Conflict-Affected"),
    ("call 716-859-", "8559", "call 716-859-8559"),
    ("see https://example.org/informed-", "consent", "see https://example.org/informed-consent"),
    ("a dash -", "and more", "a dash - and more"),
    ("soft\u00ad", "ware", "software"),
    # words broken between two words that are words of their own, before a suffix, or into
    # pieces that are no words (py-pdf's 2201.00151 and 2201.00200): one word again
    ("the under-", "lying gravitational", "the underlying gravitational"),
    ("the back-", "ground model", "the background model"),
    ("degree of smooth-", "ness", "degree of smoothness"),
    ("overshoot-", "ing layer", "overshooting layer"),
    ("circu-", "larities,", "circularities,"),
    ("(Lebzel-", "ter 2011)", "(Lebzelter 2011)"),
    # compounds of two words keep their hyphen; capitals may start one
    ("cusp-", "core problem", "cusp-core problem"),
    ("GDPR-", "compliant", "GDPR-compliant"),
    ("non-", "GAAP measures", "non-GAAP measures"),
    ("self-", "assessment", "self-assessment"),
    ("the nonf-", "loops", "the nonf-loops"),  # an unknown piece beside a common word
    ("cookie-", "based", "cookie-based"),
])
def test_issue16_line_end_hyphens(left, right, joined):
    from pipeline.extract.hyphens import join_hyphenated

    assert join_hyphenated(left, right) == joined


def test_issue16_urls_broken_after_a_slash_are_rejoined():
    from pipeline.extract.hyphens import join_lines, resolve_markers

    assert join_lines(["see https://www.ohchr.org/en/", "professionalinterest/crc.aspx today"]) == \
        "see https://www.ohchr.org/en/professionalinterest/crc.aspx today"
    assert resolve_markers("provided with appropriate, well\ufffemaintained, personal") == "provided with appropriate, well-maintained, personal"


def test_pdf_heuristics_are_settings(tmp_path):
    """The edge band and edge lines come from settings (``--config``): with no edges, the running
    header is text like any other line."""
    from pipeline.records import ExtractOptions
    from pipeline.settings import Settings

    path = make_report(tmp_path / "report.pdf", scanned_last_page=False)
    assert HEADER not in extract_file(path).text
    options = ExtractOptions.from_settings(Settings.from_mapping({"pdf_edge_lines": 0, "pdf_edge_band": 0}))
    assert extract_file(path, options).text.count(HEADER) == 2


def test_pdf_settings_reach_hrdc_extract_through_config(tmp_path, capsys):
    from pipeline.cli import main

    path = make_report(tmp_path / "report.pdf", scanned_last_page=False)
    cfg = tmp_path / "settings.yaml"
    cfg.write_text("pdf_edge_lines: 0\npdf_edge_band: 0.0\n", encoding="utf-8")
    assert main(["--config", str(cfg), "extract", str(path), "--format", "text"]) == 0
    assert capsys.readouterr().out.count(HEADER) == 2
    cfg.write_text("pdf_edge_band: 0.6\n", encoding="utf-8")
    assert main(["--config", str(cfg), "extract", str(path), "--format", "text"]) == 2
    assert "pdf_edge_band=0.6: must be from 0 to 0.5 of the page height" in capsys.readouterr().err


def test_hyphen_join_frequency_is_a_setting():
    from pipeline.extract.hyphens import join_hyphenated
    from pipeline.settings import Settings, SettingsError

    assert join_hyphenated("the back-", "ground") == "the background"
    common = Settings.from_mapping({"pdf_hyphen_common_zipf": 5}).pdf_hyphen_common_zipf
    assert join_hyphenated("the back-", "ground", common) == "the back-ground"
    with pytest.raises(SettingsError, match="pdf_hyphen_common_zipf=9.0: must be from 0 to 8"):
        Settings.from_mapping({"pdf_hyphen_common_zipf": 9})


@pytest.mark.parametrize("raw, placed", [
    ("Ecole Normale Sup \u00b4 erieure, Lyon", "Ecole Normale Supérieure, Lyon"),
    ("Universit\u00b4 e de Lyon", "Université de Lyon"),
    ("(G\u00a8urkan et al. 2004; Milosavljevi\u00b4c 2005)", "(Gürkan et al. 2004; Milosavljević 2005)"),
    ("Kapyl\u00a8 a 2019", "Kapylä 2019"),
    ("the company\u00b4s code and we don\u00b4t", "the company\u00b4s code and we don\u00b4t"),  # an apostrophe
    ("x \u00b4 5", "x \u00b4 5"),
])
def test_tex_accents_are_put_on_their_letters(raw, placed):
    """TeX draws an accent as its own glyph before the letter; PDFium reads it as a spacing accent."""
    from pipeline.extract.pdf import _place_accents

    assert _place_accents(raw) == placed


def test_page_number_read_with_the_last_line_is_cut_off(monkeypatch):
    """PDFium reads a page number set below the last line as the end of that line, after its
    hyphen mark ("temperature gra\ufffe1", py-pdf's 2201.00200); it is cut off as a line of its own
    (then removed as a page number), while a superscript stays."""
    import pipeline.extract.pdf as pdf

    text = "the temperature gra\ufffe1\r\nthe flux10 of stars, 2"
    low = {text.index("1\r"), len(text) - 1}  # the page number and a last "2" 30 points down
    monkeypatch.setattr(pdf, "_baseline", lambda raw, i: 53.6 if i in low else 83.5)
    monkeypatch.setattr(pdf, "_size", lambda raw, i: 8.9)
    spans = pdf._split_drops(None, text, pdf._spans(text), 1.5)
    assert [text[a:b + 1] for a, b in spans] == ["the temperature gra\ufffe", "1", "the flux10 of stars,", "2"]
    assert pdf._split_drops(None, text, pdf._spans(text), 5.0) == pdf._spans(text)
