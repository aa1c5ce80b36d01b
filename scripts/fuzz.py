"""Mutation fuzzing of the extractors and crawl parsers for a fixed time; reports every crash.

Seeds are the extraction fixtures, the demo corpus and a generated PDF. Each round mutates a
seed (byte flips, deletions, duplications, truncation, splices of two seeds) and runs every
target on the result in a child process with the per-document limits (pipeline/limits.py), so
a hang or a C-level crash is caught like an exception. A failure is an exception, a broken
invariant (block offsets, passage offsets), a crash, or a breach of the time limit; its input is
saved to ``--out`` with a note of what happened.

    .venv/bin/python scripts/fuzz.py --seconds 600 --out fuzz-crashes
"""
from __future__ import annotations

import argparse
import hashlib
import io
import random
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.limits import LimitExceeded, Limits, call_limited  # noqa: E402

TARGET_LIMITS = Limits(seconds=20, memory=1024**3)


def seeds() -> dict[str, bytes]:
    from reportlab.pdfgen import canvas

    found = {}
    for pattern in ("tests/fixtures/extract/*.html", "corpora/demo_sites/**/*.html", "corpora/demo_sites/**/*.pdf",
                    "corpora/demo_sites/**/*.txt", "corpora/demo_sites/**/*.xml"):
        for path in sorted(REPO.glob(pattern)):
            found[str(path.relative_to(REPO))] = path.read_bytes()
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for page in range(3):
        pdf.drawString(72, 760, f"{page + 1}. Labour standards")
        for line in range(20):
            pdf.drawString(72, 730 - 14 * line, f"Workers are free to leave; no recruitment fees ({line}).")
        pdf.showPage()
    pdf.save()
    found["generated.pdf"] = out.getvalue()
    return found


def mutate(data: bytes, other: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        if not buf:
            break
        at = rng.randrange(len(buf))
        op = rng.randrange(6)
        if op == 0:
            buf[at] = rng.randrange(256)
        elif op == 1:
            del buf[at:at + rng.randrange(1, 256)]
        elif op == 2:
            buf[at:at] = buf[at:at + rng.randrange(1, 1024)] * rng.randint(1, 8)
        elif op == 3:
            del buf[at:]
        elif op == 4 and other:
            start = rng.randrange(len(other))
            buf[at:at] = other[start:start + rng.randrange(1, 2048)]
        else:
            buf[at:at] = rng.choice([b"<div>" * 300, b"\x00" * 64, b"&#x110000;", b"<![CDATA[", b"endstream",
                                     b"obj << /Length 999999999 >>", b"\xef\xbb\xbf", b"%%EOF"])
    return bytes(buf)


def run_targets(data: bytes, name: str) -> None:
    """Every parser on ``data``; raise AssertionError when an invariant breaks."""
    from pipeline.crawl.discover import html_links, sitemap_links
    from pipeline.crawl.robots import Robots
    from pipeline.extract import decode_html, detect_kind, extract
    from pipeline.segment import segment

    kind = detect_kind(data, "", name)
    assert kind in (None, "pdf", "html", "text"), kind
    extraction = extract(data, kind, url=f"https://fuzz.example/{name}")
    for block in extraction.blocks:
        assert extraction.text[block.char_start:block.char_end] == block.text, "block offsets"
    assert not extraction.error or extraction.flags, "error without a flag"
    if extraction.text and not extraction.error:
        for passage in segment(extraction, "f" * 64):
            assert 0 <= passage.char_start < passage.char_end <= len(extraction.text), "passage offsets"
    text, _ = decode_html(data)
    html_links(text, "https://fuzz.example/")
    sitemap_links(data, "https://fuzz.example/")
    Robots.parse(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz (default 60)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", default="fuzz-crashes", help="folder for failing inputs (default fuzz-crashes)")
    args = parser.parse_args(argv)

    corpus = seeds()
    names = sorted(corpus)
    rng = random.Random(args.seed)
    out = Path(args.out)
    failures: Counter[str] = Counter()
    for name in names:  # every seed must pass, and the parsers are loaded before the children fork
        run_targets(corpus[name], name)
    runs = 0
    started = time.monotonic()
    while time.monotonic() - started < args.seconds:
        name = rng.choice(names)
        data = mutate(corpus[name], corpus[rng.choice(names)], rng)
        runs += 1
        try:
            call_limited(run_targets, (data, name), TARGET_LIMITS)
            continue
        except LimitExceeded as exc:
            kind, note = exc.flag, str(exc)
        except Exception as exc:  # noqa: BLE001 - every failure is a finding
            kind, note = type(exc).__name__, f"{type(exc).__name__}: {exc}"
        failures[kind] += 1
        digest = hashlib.sha256(data).hexdigest()[:16]
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{digest}-{Path(name).name}").write_bytes(data)
        (out / f"{digest}.txt").write_text(f"seed {name}\n{note}\n", encoding="utf-8")
        print(f"FAIL {kind}: {name} -> {out / digest}: {note[:200]}", flush=True)
    elapsed = time.monotonic() - started
    print(f"{runs} inputs from {len(names)} seeds in {elapsed:.0f} s ({runs / elapsed:.1f}/s); "
          f"failures: {dict(failures) or 'none'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
