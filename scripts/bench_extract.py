#!/usr/bin/env python
"""Benchmark hrdc's extract and segment stages against external anchors, measured in the same run.

HTML  ScrapingHub article-extraction-benchmark (4-token shingle P/R averaged over pages, F1 of
      the means) and the trafilatura evaluation subset (with/without snippets, micro-averaged):
      hrdc vs trafilatura (standard settings) vs BeautifulSoup ``get_text``.
PDF   py-pdf/benchmarks documents (Levenshtein similarity of whitespace-normalised text, as
      ``Levenshtein.ratio``): hrdc vs raw pypdfium2 vs pdfplumber, pages/s (median of 3 passes,
      pdfplumber one pass), and hrdc extraction plus segmentation pages/s.
Real  Flex supplier code (running header must not reach any passage); OPP-115 original pages
      (token recall and precision of each policy's annotated text).
RSS   ``--rss``: peak RSS of extract + segment on a generated 500-page PDF, in a fresh process.

Usage::

    .venv/bin/python scripts/bench_extract.py            # everything (a few minutes)
    .venv/bin/python scripts/bench_extract.py --quick    # a subset, as a smoke test
    .venv/bin/python scripts/bench_extract.py --rss      # also peak memory on 500 pages

The data comes from ``pipeline.paths.data_dir()`` ($HRDC_DATA or ../shared/data).
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
import trafilatura  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

from pipeline.extract import extract  # noqa: E402
from pipeline.paths import data_dir  # noqa: E402
from pipeline.segment import segment  # noqa: E402

WORD = re.compile(r"\w+", re.UNICODE)


# --- metrics ---------------------------------------------------------------------------------

def shingle_pr(predicted: str, truth: str, n: int = 4) -> tuple[float, float]:
    """ScrapingHub's per-page precision and recall over n-token shingles."""
    def shingles(text: str) -> Counter:
        tokens = WORD.findall(text)
        return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))) if tokens else Counter()
    pred, gold = shingles(predicted), shingles(truth)
    if not pred and not gold:
        return 1.0, 1.0
    tp = sum((pred & gold).values())
    fp, fn = sum(pred.values()) - tp, sum(gold.values()) - tp
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def similarity(truth: str, predicted: str) -> float:
    """``Levenshtein.ratio`` (normalised InDel similarity) of whitespace-normalised texts."""
    return fuzz.ratio(" ".join(truth.split()), " ".join(predicted.split())) / 100


def token_pr(predicted: str, truth: str) -> tuple[float, float]:
    pred = Counter(t.lower() for t in WORD.findall(predicted))
    gold = Counter(t.lower() for t in WORD.findall(truth))
    tp = sum((pred & gold).values())
    return tp / max(1, sum(pred.values())), tp / max(1, sum(gold.values()))


# --- extractors ------------------------------------------------------------------------------

def ours_html(data: bytes) -> str:
    return extract(data, "html").text


def trafilatura_html(data: bytes) -> str:
    return trafilatura.extract(data, include_comments=False) or ""


def bs4_html(data: bytes) -> str:
    return BeautifulSoup(data, "html.parser").get_text(" ", strip=True)


def ours_pdf(data: bytes) -> str:
    return extract(data, "pdf").text


def ours_pdf_segmented(data: bytes) -> str:
    extraction = extract(data, "pdf")
    segment(extraction, "bench")
    return extraction.text


def raw_pdfium(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    parts = []
    for index in range(len(doc)):
        page = doc[index]
        textpage = page.get_textpage()
        parts.append(textpage.get_text_range())
        textpage.close()
        page.close()
    doc.close()
    return "\n".join(parts)


def plumber_pdf(data: bytes) -> str:
    import io
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


HTML_EXTRACTORS = {"hrdc": ours_html, "trafilatura (standard)": trafilatura_html, "BeautifulSoup get_text": bs4_html}


# --- benchmarks ------------------------------------------------------------------------------

def timed(extractors: dict, items: list, passes: int = 1) -> dict[str, tuple[list, float]]:
    """Outputs of each extractor over ``items`` and its median wall time over ``passes``.

    Passes go round-robin over the extractors, so a change in machine load hits them all alike.
    """
    times: dict[str, list[float]] = {name: [] for name in extractors}
    outputs: dict[str, list] = {}
    for _ in range(passes):
        for name, fn in extractors.items():
            start = time.perf_counter()
            outputs[name] = [fn(item) for item in items]
            times[name].append(time.perf_counter() - start)
    return {name: (outputs[name], statistics.median(times[name])) for name in extractors}


def bench_scrapinghub(root: Path, limit: int | None) -> list[list[str]]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:limit]
    pages = [gzip.decompress((root / "html" / f"{k}.html.gz").read_bytes()) for k in keys]
    rows = []
    for name, (outputs, seconds) in timed(HTML_EXTRACTORS, pages).items():
        scores = [shingle_pr(o, truth[k]["articleBody"]) for o, k in zip(outputs, keys)]
        p = statistics.mean(s[0] for s in scores)
        r = statistics.mean(s[1] for s in scores)
        rows.append([name, f"{f1(p, r):.4f}", f"{p:.4f}", f"{r:.4f}", f"{len(pages) / seconds:.1f}"])
    print(f"\nHTML: ScrapingHub, {len(pages)} pages (shingle-4, F1 of mean P and mean R)")
    table(["extractor", "F1", "P", "R", "pages/s"], rows)
    return rows


def bench_trafilatura_eval(root: Path, limit: int | None) -> None:
    entries = list(json.loads((root / "evaldata-subset.json").read_text(encoding="utf-8")).items())[:limit]
    pages = [gzip.decompress((root / "html" / (e["file"] + ".gz")).read_bytes()) for _, e in entries]
    rows = []
    for name, (outputs, seconds) in timed(HTML_EXTRACTORS, pages).items():
        tp = fn_ = fp = tn = 0
        for output, (_, entry) in zip(outputs, entries):
            text = " ".join(output.split())
            for snippet in entry["with"]:
                found = " ".join(snippet.split()) in text
                tp, fn_ = tp + found, fn_ + (not found)
            for snippet in entry["without"]:
                found = " ".join(snippet.split()) in text
                fp, tn = fp + found, tn + (not found)
        p, r = tp / max(1, tp + fp), tp / max(1, tp + fn_)
        acc = (tp + tn) / max(1, tp + tn + fp + fn_)
        rows.append([name, f"{f1(p, r):.4f}", f"{p:.4f}", f"{r:.4f}", f"{acc:.4f}", f"{len(pages) / seconds:.1f}"])
    print(f"\nHTML: trafilatura evaluation subset, {len(pages)} pages (with/without snippets, micro-averaged)")
    table(["extractor", "F1", "P", "R", "accuracy", "pages/s"], rows)


def bench_pdf(root: Path, limit: int | None) -> None:
    files = sorted((root / "pdfs").glob("*.pdf"), key=lambda f: f.stat().st_size)[:limit]
    data = [f.read_bytes() for f in files]
    truth = [(root / "ground-truth" / f"{f.stem}.txt").read_text(encoding="utf-8") for f in files]
    n_pages = sum(len(pdfium.PdfDocument(d)) for d in data)
    results = timed({
        "hrdc extract": ours_pdf,
        "hrdc extract + segment": ours_pdf_segmented,
        "pypdfium2 get_text_range (raw)": raw_pdfium,
    }, data, passes=5)
    results.update(timed({"pdfplumber extract_text (default)": plumber_pdf}, data))  # ~100x slower: one pass
    rows = []
    speeds = {}
    for name, (outputs, seconds) in results.items():
        speeds[name] = n_pages / seconds
        sims = [similarity(t, o) for t, o in zip(truth, outputs)]
        rows.append([name, f"{statistics.mean(sims):.4f}", f"{speeds[name]:.1f}", f"{seconds:.2f}"])
    print(f"\nPDF: py-pdf/benchmarks, {len(files)} documents, {n_pages} pages (Levenshtein similarity, whitespace-normalised; one core, median of 5 round-robin passes)")
    table(["extractor", "similarity", "pages/s", "seconds"], rows)
    raw = speeds["pypdfium2 get_text_range (raw)"]
    print(f"hrdc extract throughput = {100 * speeds['hrdc extract'] / raw:.0f}% of raw pypdfium2; "
          f"extract + segment {speeds['hrdc extract + segment']:.0f} pages/s")


def bench_sec(root: Path, limit: int | None) -> None:
    files = sorted((root / "pdfs").glob("*.pdf"))[:limit]
    rows = []
    for name, fn in [("hrdc extract", ours_pdf), ("pypdfium2 get_text_range (raw)", raw_pdfium)]:
        sims = [similarity((root / "ground-truth" / f"{f.stem}.txt").read_text(encoding="utf-8"), fn(f.read_bytes())) for f in files]
        rows.append([name, f"{statistics.mean(sims):.4f}"])
    print(f"\nPDF: SEC 10-Q, {len(files)} filings (ground truth made with PDFium, headers and page numbers included: an agreement check)")
    table(["extractor", "similarity"], rows)


def bench_real(data: Path, limit: int | None) -> None:
    flex = data / "docs" / "flex" / "Supplier-Code-of-Conduct-English.pdf"
    extraction = extract(flex.read_bytes(), "pdf")
    passages = segment(extraction, "flex")
    running = re.compile(r"FMS-QMS-1-034-00|Rev:E|\b\d+ of 13\b")
    hits = [p for p in passages if running.search(p.text)]
    print(f"\nReal: {flex.name}: {len(passages)} passages on {extraction.n_pages} pages, "
          f"{len(hits)} contain the running header/footer ('FMS-QMS-1-034-00 Rev:E n of 13')")

    opp = data / "opp115"
    gold: dict[str, list[str]] = {}
    with open(opp / "segments.jsonl", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            gold.setdefault(str(row["policy_uid"]), []).append(row["text"])
    with open(opp / "policies_opp115.csv", encoding="utf-8", newline="") as f:
        urls = {row["Policy UID"].strip(): row["Policy URL"].strip() for row in csv.DictReader(f)}
    files = sorted((opp / "original").iterdir())[:limit]
    recalls, precisions = [], []
    for file in files:
        uid = file.name.split("_")[0]
        if uid not in gold:
            continue
        text = extract(file.read_bytes(), url=urls.get(uid, file.name)).text
        p, r = token_pr(text, "\n".join(gold[uid]))
        precisions.append(p)
        recalls.append(r)
    print(f"Real: OPP-115 original pages, {len(recalls)} policies: token recall {statistics.mean(recalls):.4f} "
          f"(median {statistics.median(recalls):.4f}, {sum(r < 0.5 for r in recalls)} below 0.5), "
          f"precision {statistics.mean(precisions):.4f}")


RSS_CHILD = """
import re, sys, time
from pathlib import Path
from pipeline.extract import extract_file
from pipeline.segment import segment
def hwm():  # peak RSS of this process in kB (VmHWM; ru_maxrss would carry the parent's over exec)
    return int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1))
segment(extract_file(sys.argv[2]), "warm-up")  # load spaCy and PDFium first
base = hwm()
start = time.perf_counter()
extraction = extract_file(sys.argv[1])
passages = segment(extraction, "rss")
print(extraction.n_pages, len(passages), base, hwm(), time.perf_counter() - start)
"""


def make_long_pdf(path: Path, pages: int = 500) -> None:
    """A report-like PDF: running header and footer, headings and ~450 words per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    sentence = ("The company respects the human rights of workers in its supply chain and assesses "
                "suppliers against its code of conduct every year. ")
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    for number in range(1, pages + 1):
        c.setFont("Helvetica", 8)
        c.drawString(50, height - 30, "Annual Human Rights Report 2025")
        c.drawString(width - 120, 25, f"Page {number} of {pages}")
        c.setFont("Helvetica-Bold", 14)
        c.drawString(50, height - 70, f"{number}. Section {number}")
        c.setFont("Helvetica", 10)
        y = height - 95
        for line in range(48):
            c.drawString(50, y, (sentence * 2)[(line * 7) % 60:][:95])
            y -= 14
        c.showPage()
    c.save()


def bench_rss(pages: int = 500) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.pdf"
        make_long_pdf(path, pages)
        make_long_pdf(Path(tmp) / "short.pdf", 2)
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        out = subprocess.run([sys.executable, "-c", RSS_CHILD, str(path), str(Path(tmp) / "short.pdf")], capture_output=True, text=True, env=env, check=True)
        n, n_passages, base, peak, seconds = out.stdout.split()
        print(f"\nRSS: generated {n}-page PDF ({path.stat().st_size / 1e6:.1f} MB): peak RSS {int(peak) / 1024:.0f} MB "
              f"(after imports and a 2-page warm-up {int(base) / 1024:.0f} MB), {n_passages} passages, {float(seconds):.1f} s for extract + segment")


def table(header: list[str], rows: list[list[str]]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(" --- " for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small subset of every set (smoke test)")
    parser.add_argument("--rss", action="store_true", help="also measure peak RSS on a generated 500-page PDF")
    parser.add_argument("--data", type=Path, default=None, help="shared data folder (default: pipeline.paths.data_dir())")
    args = parser.parse_args(argv)
    data = args.data or data_dir()
    if not (data / "htmlbench").is_dir():
        parser.error(f"{data}: no htmlbench/ folder; set HRDC_DATA or pass --data")
    quick = args.quick
    print(f"python {sys.version.split()[0]}, trafilatura {trafilatura.__version__}, pypdfium2 {version('pypdfium2')}, "
          f"pdfplumber {version('pdfplumber')}, spacy {version('spacy')}; data {data}{' (quick subset)' if quick else ''}")
    bench_scrapinghub(data / "htmlbench" / "scrapinghub", 20 if quick else None)
    bench_trafilatura_eval(data / "htmlbench" / "trafilatura-eval", 20 if quick else None)
    bench_pdf(data / "pdfbench" / "pypdf-benchmark", 3 if quick else None)
    bench_sec(data / "pdfbench" / "sec10q", 2 if quick else None)
    bench_real(data, 15 if quick else None)
    if args.rss:
        bench_rss(50 if quick else 500)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
