"""Property-based and mutation tests of everything that reads bytes or files we do not control.

Each property runs a bounded number of examples so the suite stays fast; `scripts/fuzz.py`
runs the same targets for as long as you like. The contract: extractors and crawl parsers never
raise and keep their offsets consistent; input-file readers raise only their own error, naming
the file.
"""
from __future__ import annotations

import io
import random
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.companies import CompaniesError, read_companies
from pipeline.crawl.discover import html_links, sitemap_links
from pipeline.crawl.robots import Robots
from pipeline.crawl.urls import normalise_url
from pipeline.extract import decode_html, detect_kind, extract
from pipeline.records import Extraction
from pipeline.segment import segment
from pipeline.model.tagger import InputError, read_records
from pipeline.taxonomy import TaxonomyError, load_taxonomy

FIXTURES = Path(__file__).parent / "fixtures"
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.function_scoped_fixture])


def check_extraction(extraction: Extraction) -> None:
    """The invariants every extraction keeps, whatever its input."""
    assert isinstance(extraction, Extraction)
    for block in extraction.blocks:
        assert extraction.text[block.char_start:block.char_end] == block.text
    if extraction.error:
        assert extraction.flags, "an error always comes with a flag"
    passages = segment(extraction, "f" * 64) if extraction.text and not extraction.error else []
    assert len({p.passage_id for p in passages}) == len(passages)
    for p in passages:
        assert 0 <= p.char_start < p.char_end <= len(extraction.text)


def mutate(data: bytes, rng: random.Random, n: int) -> bytes:
    """``n`` random edits: flip, delete, duplicate or truncate byte ranges."""
    buf = bytearray(data)
    for _ in range(n):
        if not buf:
            break
        at = rng.randrange(len(buf))
        op = rng.randrange(4)
        if op == 0:
            buf[at] = rng.randrange(256)
        elif op == 1:
            del buf[at:at + rng.randrange(1, 64)]
        elif op == 2:
            buf[at:at] = buf[at:at + rng.randrange(1, 256)]
        else:
            del buf[at:]
    return bytes(buf)


def seed_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for page in range(2):
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawString(72, 780, f"{page + 1}. Labour standards")
        pdf.setFont("Helvetica", 10)
        for line in range(12):
            pdf.drawString(72, 740 - 14 * line, f"Workers are free to leave; no recruitment fees are charged ({line}).")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


SEEDS = {p.name: p.read_bytes() for p in sorted((FIXTURES / "extract").glob("*.html"))}
SEEDS["report.pdf"] = seed_pdf()


# -- extractors ------------------------------------------------------------------------------
@FAST
@given(data=st.binary(max_size=4096), kind=st.sampled_from([None, "html", "pdf", "text"]))
def test_extract_arbitrary_bytes(data, kind):
    check_extraction(extract(data, kind, url="https://x.org/doc"))


@FAST
@given(name=st.sampled_from(sorted(SEEDS)), seed=st.integers(0, 2**32 - 1), edits=st.integers(1, 12))
def test_extract_mutated_fixtures(name, seed, edits):
    data = mutate(SEEDS[name], random.Random(seed), edits)
    check_extraction(extract(data, url=f"https://x.org/{name}"))


_TAGS = st.sampled_from(["div", "p", "span", "table", "tr", "td", "ul", "li", "h1", "h2", "section", "b",
                         "script", "style", "form", "iframe", "svg", "math", "template", "noscript"])
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@st.composite
def html_trees(draw, depth: int = 0):
    """Random, often malformed, nested markup with text, attributes and entities."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        choice = draw(st.integers(0, 5))
        if choice == 0 or depth > 6:
            parts.append(draw(_TEXT).replace("<", "&lt;"))
        elif choice == 1:
            parts.append(draw(st.sampled_from(["&amp;", "&#0;", "&#x110000;", "&nbsp;", "&bogus;", "<!--", "]]>",
                                               "<![CDATA[x]]>", "<?php ?>", "</p>", "<br/>", "\x00", "\ufeff"])))
        else:
            tag = draw(_TAGS)
            attrs = draw(st.sampled_from(["", ' class="x"', ' style="display:none"', " hidden", ' onclick="x()"']))
            close = draw(st.booleans())
            parts.append(f"<{tag}{attrs}>{draw(html_trees(depth + 1))}{f'</{tag}>' if close else ''}")
    return "".join(parts)


@FAST
@given(body=html_trees(), title=_TEXT, encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]))
def test_extract_random_markup(body, title, encoding):
    page = f"<html><head><title>{title}</title></head><body><h1>Privacy policy</h1>{body}</body></html>"
    data = page.encode(encoding, errors="replace")
    check_extraction(extract(data, "html", url="https://x.org/privacy"))
    text, used = decode_html(data, f"text/html; charset={encoding}")
    assert isinstance(text, str) and used


@FAST
@given(data=st.binary(max_size=2048), content_type=st.sampled_from(["", "text/html", "application/pdf", "text/plain",
                                                                    "text/html; charset=bogus", "image/png"]))
def test_detect_and_decode_any_bytes(data, content_type):
    assert detect_kind(data, content_type, "https://x.org/file") in (None, "pdf", "html", "text")
    text, encoding = decode_html(data, content_type)
    assert isinstance(text, str) and encoding


# -- crawl parsers ---------------------------------------------------------------------------
@FAST
@given(data=st.binary(max_size=2048) | st.builds(lambda s: s.encode(), html_trees()))
def test_link_and_sitemap_parsers_never_raise(data):
    for link in html_links(data.decode("utf-8", "replace"), "https://x.org/a/"):
        assert link.url.startswith(("http://", "https://"))
    pages, children = sitemap_links(b'<?xml version="1.0"?><urlset>' + data + b"</urlset>", "https://x.org/")
    assert all(link.url.startswith(("http://", "https://")) for link in pages)
    Robots.parse(data)


@FAST
@given(url=st.text(max_size=80) | st.builds("https://{}/{}?{}".format, st.text(max_size=20), st.text(max_size=20),
                                             st.text(max_size=20)))
def test_normalise_url_is_idempotent_or_a_value_error(url):
    try:
        once = normalise_url(url, "https://x.org/base/")
    except ValueError:
        return
    assert normalise_url(once) == once


# -- input files -----------------------------------------------------------------------------
GOOD_COMPANIES = ('company,sector,seed_urls,allow_domains\nAcme Telecom,telecom,https://acme.example/ "https://b.example/x",'
                  'acme.net\nGlobex,platform,https://globex.example/privacy,\n')


@FAST
@given(seed=st.integers(0, 2**32 - 1), edits=st.integers(1, 6), raw=st.binary(max_size=300))
def test_companies_reader_raises_only_its_error(tmp_path, seed, edits, raw):
    path = tmp_path / "companies.csv"
    for data in (mutate(GOOD_COMPANIES.encode(), random.Random(seed), edits), raw):
        path.write_bytes(data)
        try:
            companies = read_companies(path)
        except CompaniesError as exc:
            assert str(exc).startswith(str(path))
        else:
            assert companies and all(c.company_id and c.seed_urls for c in companies)


@FAST
@given(seed=st.integers(0, 2**32 - 1), edits=st.integers(1, 6), raw=st.binary(max_size=300))
def test_classify_input_reader_raises_only_its_error(tmp_path, seed, edits, raw):
    good = b'{"id": 1, "text": "We publish a transparency report."}\n{"id": "b", "text": "x", "context": null}\n'
    path = tmp_path / "in.jsonl"
    for data in (mutate(good, random.Random(seed), edits), raw):
        path.write_bytes(data)
        try:
            records = read_records(path)
        except InputError as exc:
            assert str(exc).startswith((f"{path}, line ", f"{path}: no passages"))
        else:
            assert records and all(isinstance(r["text"], str) for r in records)


@pytest.fixture(scope="module")
def taxonomy_copy(tmp_path_factory):
    return tmp_path_factory.mktemp("taxonomy")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(file=st.sampled_from(["demo.yaml", "other.yaml", "crosswalk.yaml"]), seed=st.integers(0, 2**32 - 1),
       op=st.sampled_from(["drop", "swap", "dedent", "bytes"]))
def test_taxonomy_loader_raises_only_its_error_naming_the_file(taxonomy_copy, file, seed, op):
    folder = Path(tempfile.mkdtemp(dir=taxonomy_copy)) / "criteria"
    shutil.copytree(FIXTURES / "taxonomy" / "valid", folder)
    path = folder / file
    rng = random.Random(seed)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = rng.randrange(len(lines))
    if op == "drop":
        del lines[at]
    elif op == "swap":
        other = rng.randrange(len(lines))
        lines[at], lines[other] = lines[other], lines[at]
    elif op == "dedent":
        lines[at] = lines[at].lstrip()
    path.write_text("".join(lines), encoding="utf-8")
    if op == "bytes":
        path.write_bytes(mutate(path.read_bytes(), rng, 3))
    try:
        load_taxonomy(folder)
    except TaxonomyError as exc:
        assert re.search(r"criteria/\w+\.yaml line \d+: ", str(exc)), str(exc)
    except yaml.YAMLError as exc:  # pragma: no cover - the message would not name the file
        pytest.fail(f"YAML error escaped the taxonomy loader: {exc}")
