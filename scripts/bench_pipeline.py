#!/usr/bin/env python
"""Benchmark the whole pipeline (crawl, extract + segment, tag, score, export) as the corpus grows.

A synthetic corpus is generated from the demo sites (``corpora/demo_sites``): company ``i`` is a
copy of demo site ``i % 8`` under a new invented name, with paragraphs sampled and shuffled,
numbers varied, robots.txt ``Crawl-delay`` removed, and each PDF report rebuilt with reportlab
(``scripts/make_demo_corpus.py``) from sampled sections of its template to 20-110 pages, so
that a company has about ten PDF pages per document, as in a real pre-season batch (tens of
thousands of documents, hundreds of thousands of PDF pages). Every
company is one host: one 127.0.0.1 port per company through :func:`pipeline.sites.serve_sites`,
crawled with ``delay=0``. Company ``i`` only depends on (seed, i), so a smaller corpus is a
prefix of a larger one.

For each size N the corpus is crawled once; the crawled workspace is then copied for each
``--jobs`` value and extract, tag, score and export run on the copy in a fresh process, twice:
once timed (wall and CPU seconds, nothing sampled) and once on a fresh copy with memory
sampled every 0.1 s, because sampling slows the stages it measures (see :class:`Meter`). Peak
memory is the sum over that process and all its workers (PSS, so pages a forked child shares
with its parent count once). End to end = crawl + those stages.

Usage::

    .venv/bin/python scripts/bench_pipeline.py                       # N = 50, 200, 1000; jobs 1, 2
    .venv/bin/python scripts/bench_pipeline.py --sizes 50 --jobs 2 --no-memory   # a quick look
    .venv/bin/python scripts/bench_pipeline.py --sizes 50 --profile  # pyinstrument, jobs 1

Results are printed as a Markdown table and written as JSON to ``--json``.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import make_demo_corpus as demo_pdf  # noqa: E402

from pipeline.paths import CORPORA_DIR  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

DEMO = CORPORA_DIR / "demo_sites"
# The distinctive word of each template company's name, replaced by an invented one.
TEMPLATE_WORD = {
    "brightpebble-electronics": "Brightpebble", "corvimar-connect": "Corvimar",
    "halcyra-social": "Halcyra", "nimbus-telecom": "Nimbus", "orielle-mobile": "Orielle",
    "quillfeather-devices": "Quillfeather", "quorvane-cloud": "Quorvane", "tessellane-search": "Tessellane",
}
HEADS = ("Var", "Tel", "Lum", "Ost", "Kor", "Bri", "Cal", "Dun", "Eld", "Fen", "Gar", "Hol", "Ism",
         "Jas", "Kel", "Lor", "Mar", "Nor", "Orv", "Pel", "Quin", "Ros", "Sel", "Tam", "Ulv", "Ven",
         "Wes", "Xan", "Yor", "Zel", "Ash", "Bel", "Cor", "Dal", "Ern", "Fal", "Gil", "Hal", "Ivo", "Jor")
TAILS = ("anta", "ero", "ix", "ova", "une", "axis", "eon", "ira", "olt", "umen", "avia", "enta",
         "ido", "ora", "usk", "alon", "ether", "ion", "orin", "yra", "ada", "el", "indo", "ux",
         "arro", "eth", "issa", "onic", "ulla", "ys", "adne", "emo", "ith", "ola", "uro", "ard",
         "esk", "imo", "oss", "une")
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])")
TEXT_NODE = re.compile(r">([^<]+)<")
PAGE_CHARS = 1900  # body characters per PDF page of the demo reports' layout


# -- synthetic corpus --------------------------------------------------------------------------
def company_name(i: int) -> str:
    """A unique invented word for company ``i`` (1600 before a numeric suffix is needed)."""
    word = HEADS[i % len(HEADS)] + TAILS[(i // len(HEADS)) % len(TAILS)]
    return word if i < len(HEADS) * len(TAILS) else f"{word}{i // (len(HEADS) * len(TAILS))}"


def vary_numbers(text: str, rng: random.Random) -> str:
    """Change amounts and counts; keep years, section numbers and small ordinals."""
    def change(m: re.Match) -> str:
        whole = int(m.group(1).replace(",", ""))
        if whole <= 12 or 1990 <= whole <= 2035:
            return m.group(0)
        new = max(13, round(whole * rng.uniform(0.6, 1.4)))
        out = f"{new:,}" if "," in m.group(1) else str(new)
        return out + (f".{rng.randrange(10 ** len(m.group(2))):0{len(m.group(2))}d}" if m.group(2) else "")
    return NUMBER.sub(change, text)


def rename(text: str, old: str, new: str) -> str:
    return text.replace(old, new).replace(old.lower(), new.lower()).replace(old.upper(), new.upper())


def vary_html(html: str, old: str, new: str, rng: random.Random) -> str:
    """Rename the company, vary numbers in text nodes, sample and shuffle runs of one-line paragraphs."""
    html = TEXT_NODE.sub(lambda m: ">" + vary_numbers(m.group(1), rng) + "<", rename(html, old, new))
    lines, out, run = html.split("\n"), [], []

    def flush() -> None:
        if len(run) > 1:
            kept = [line for line in run if rng.random() > 0.15] or run[:1]
            rng.shuffle(kept)
            out.extend(kept)
        else:
            out.extend(run)
        run.clear()

    for line in lines:
        stripped = line.strip()
        if stripped.startswith("<p>") and stripped.endswith("</p>"):
            run.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out)


def vary_report(report: demo_pdf.Report, site: str, new: str, rng: random.Random) -> demo_pdf.Report:
    """The template report renamed, numbers varied, top-level sections sampled to 20-110 pages."""
    old = TEMPLATE_WORD[site]
    body = rename(report.body.strip(), old, new)
    parts = re.split(r"\n(?=# )", body)
    lead, sections = (parts[0], parts[1:]) if not parts[0].startswith("# ") else ("", parts)
    target = rng.randint(20, 110) * PAGE_CHARS
    chosen, size, pool = [], 0, []
    while size < target:
        if not pool:
            pool = sections[:]
            rng.shuffle(pool)
        # Page directives would leave most pages of short sections blank: the layout set by the
        # lead stays, and the text flows on.
        section = "\n".join(x for x in vary_numbers(pool.pop(), rng).splitlines() if not x.startswith("@"))
        chosen.append(section)
        size += len(section)
    text = "\n\n".join([lead, *chosen]) if lead else "\n\n".join(chosen)
    return replace(report, body=text, company=rename(report.company, old, new),
                   title=rename(report.title, old, new), header=rename(report.header, old, new),
                   footer=rename(report.footer, old, new))


def make_company(i: int, seed: int, out: Path) -> tuple[str, str, str]:
    """Write company ``i``'s site under ``out``; return (company name, sector, folder name)."""
    templates = sorted(TEMPLATE_WORD)
    site = templates[i % len(templates)]
    rng = random.Random(f"{seed}-{i}")
    new = company_name(i)
    folder = out / f"c{i:05d}-{site}"
    with open(DEMO / "companies.csv", newline="", encoding="utf-8") as fh:
        template = next(r for r in csv.DictReader(fh) if r["site"] == site)
    company = rename(template["company"], TEMPLATE_WORD[site], new), template["sector"], folder.name
    if folder.exists():  # made by an interrupted run: company i only depends on (seed, i)
        return company
    tmp = out / f".tmp-{folder.name}"
    shutil.rmtree(tmp, ignore_errors=True)
    for src in sorted((DEMO / site).rglob("*")):
        target = tmp / src.relative_to(DEMO / site)
        if src.is_dir():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix in (".html", ".htm", ".xml"):
            target.write_text(vary_html(src.read_text(encoding="utf-8"), TEMPLATE_WORD[site], new, rng), encoding="utf-8")
        elif src.name == "robots.txt":
            lines = src.read_text(encoding="utf-8").splitlines()
            target.write_text("\n".join(x for x in lines if not x.lower().startswith("crawl-delay")) + "\n")
        elif src.suffix != ".pdf":
            shutil.copyfile(src, target)
    for report in demo_pdf.REPORTS:
        if report.path.startswith(site + "/"):
            target = tmp / report.path.split("/", 1)[1]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(demo_pdf.build_report(vary_report(report, site, new, rng)))
    os.replace(tmp, folder)
    return company


def make_corpus(out: Path, n: int, seed: int, jobs: int) -> list[tuple[str, str, str]]:
    """Companies 0..n-1 under ``out`` (made once, reused); returns their (name, sector, folder)."""
    out.mkdir(parents=True, exist_ok=True)
    index = out / "companies.json"
    known = json.loads(index.read_text()) if index.exists() else []
    if len(known) < n:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            made = list(pool.map(make_company, range(len(known), n), [seed] * (n - len(known)),
                                 [out] * (n - len(known)), chunksize=8))
        known += [list(row) for row in made]
        index.write_text(json.dumps(known))
    return [tuple(row) for row in known[:n]]


# -- measurement ---------------------------------------------------------------------------------
def _pss(pid: int) -> int | None:
    """Proportional set size in bytes: a page shared by n processes counts 1/n in each, so the
    children forked per document (pipeline.limits) do not count their parent's pages again."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            return next(int(line.split()[1]) * 1024 for line in fh if line.startswith("Pss:"))
    except (OSError, StopIteration):
        return None


class Meter:
    """CPU seconds and, when ``every`` is set, peak memory of this process and its children.

    Memory is PSS where Linux gives it, else RSS, summed over every process and sampled every
    ``every`` seconds by a thread of this process. Sampling is not free: reading PSS walks
    each process's page tables (about 30 ms a sample with two workers), and the thread takes
    the driver's GIL, so with 2 jobs on 2 cores it slowed a stage by about 8%. The benchmark
    therefore times the stages in a run without sampling (``every=None``: CPU is read at the
    start and the end only) and measures memory in a second run.

    CPU seconds are reported next to wall time because the machine may be shared: they do
    not grow when other jobs take the cores. Each process is read with the time of the
    children it has reaped, so the child forked per PDF (``pipeline/limits.py``) counts once
    it exits, even between two readings. A direct child that exits (a worker at the end of
    the run, or a per-PDF child of the driver with 1 job) moves its time into this process's
    children time, so its last reading is taken back out.
    """

    def __init__(self, every: float | None = 0.1) -> None:
        import psutil

        self._proc = psutil.Process()
        self.every = every
        self.peak = 0
        self.cpu = 0.0
        self._cpu: dict[int, float] = {}  # pid -> CPU seconds at the last reading
        self._reaped = 0.0  # last readings of direct children that have gone
        self._gone: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        import psutil

        total, seen = 0, {}
        root = self._proc.pid
        for proc in [self._proc, *self._proc.children(recursive=True)]:
            try:
                with proc.oneshot():
                    if self.every:
                        total += _pss(proc.pid) or proc.memory_info().rss
                    if proc.pid == root or proc.ppid() == root:  # grandchildren count when reaped
                        t = proc.cpu_times()
                        seen[proc.pid] = t.user + t.system + t.children_user + t.children_system
            except psutil.Error:  # a process exiting between listing and reading
                pass
        for pid in self._cpu.keys() - seen.keys() - self._gone - {root}:
            self._gone.add(pid)
            self._reaped += self._cpu[pid]
        self._cpu.update(seen)
        return total

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self._sample())

    def __enter__(self) -> "Meter":
        self.peak = self._sample()
        self._start = dict(self._cpu)
        if self.every:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.every:
            self._thread.join()
        self.peak = max(self.peak, self._sample())
        self.cpu = sum(v - self._start.get(pid, 0.0) for pid, v in self._cpu.items()) - self._reaped


def corpus_counts(workspace: Path) -> dict[str, int]:
    from pipeline.store import Workspace

    with Workspace(workspace, create=False) as ws:
        row = ws.query(
            """SELECT (SELECT COUNT(DISTINCT sha256) FROM versions) AS documents,
                      (SELECT COUNT(*) FROM extractions WHERE kind='pdf') AS pdfs,
                      (SELECT COALESCE(SUM(n_pages), 0) FROM extractions WHERE kind='pdf') AS pdf_pages,
                      (SELECT COUNT(*) FROM passages) AS passages,
                      (SELECT COUNT(*) FROM extractions WHERE error IS NOT NULL AND error != '') AS errors""")[0]
    return dict(row)


def child_crawl(args: argparse.Namespace) -> dict:
    """In a fresh process: crawl the companies file into the workspace."""
    from pipeline.companies import read_companies
    from pipeline.crawl import crawl
    from pipeline.store import Workspace

    settings = Settings(delay=0.0, allow_private=True, contact="bench@hrdc.invalid")
    with Meter() as rss, Workspace(args.workspace) as ws:
        started = time.perf_counter()
        summary = crawl(ws, read_companies(args.companies), settings, progress=False)
        seconds = time.perf_counter() - started
    # The crawl runs once, sampled: its seconds are also its "meter on" seconds.
    return {"crawl": {"seconds": seconds, "metered_seconds": seconds, "rss": rss.peak, "cpu": rss.cpu,
                      "fetched": summary.fetched,
                      "failed": summary.outcomes.get("failed", 0)}}


def child_stages(args: argparse.Namespace) -> dict:
    """In a fresh process: extract, tag, score and export the crawled workspace with ``--jobs``.

    ``--meter time`` reads CPU at each stage's start and end only; ``--meter memory`` also
    samples memory (see :class:`Meter`), which slows the stages."""
    from pipeline.parallel import release_workers
    from pipeline.export import export_workspace
    from pipeline.run import run_extract, run_score, run_tag
    from pipeline.store import Workspace

    settings = Settings(jobs=int(args.jobs))
    every = 0.1 if args.meter == "memory" else None
    result: dict = {}
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.002)
        profiler.start()
    with Workspace(args.workspace) as ws:
        for name in ("extract", "tag", "score", "export"):
            with Meter(every) as meter:
                started = time.perf_counter()
                if name == "extract":
                    run_extract(ws, settings, progress=False)
                elif name == "tag":
                    run_tag(ws, settings, progress=False)
                elif name == "score":
                    run_score(ws, settings, progress=False)
                else:
                    release_workers()  # as run_all does
                    export_workspace(ws, Path(args.workspace) / "export", ("csv", "xlsx", "parquet", "html"),
                                     progress=False)
                seconds = time.perf_counter() - started
            result[name] = {"seconds": seconds, "cpu": meter.cpu, **({"rss": meter.peak} if every else {})}
    if every:
        result["stages_rss"] = max(result[name]["rss"] for name in ("extract", "tag", "score", "export"))
    result["loadavg"] = os.getloadavg()[0]
    if profiler is not None:
        profiler.stop()
        Path(args.profile).write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    return result


def in_child(mode: str, **options) -> dict:
    cmd = [sys.executable, __file__, f"--child={mode}"] + [f"--{k}={v}" for k, v in options.items() if v is not None]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"{mode} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_size(n: int, jobs: list[int], corpus: Path, work: Path, seed: int, profile: Path | None,
               keep: bool = False, memory: bool = True) -> list[dict]:
    from pipeline.sites import serve_sites

    companies = make_corpus(corpus, n, seed, max(jobs))
    sites = work / f"sites-{n}"
    shutil.rmtree(sites, ignore_errors=True)
    sites.mkdir(parents=True)
    for _, _, folder in companies:
        (sites / folder).symlink_to((corpus / folder).resolve(), target_is_directory=True)
    crawled = work / f"crawled-{n}"
    shutil.rmtree(crawled, ignore_errors=True)
    companies_csv = work / f"companies-{n}.csv"
    with serve_sites(sites) as urls:
        with open(companies_csv, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["company", "sector", "seed_urls"])
            for name, sector, folder in companies:
                writer.writerow([name, sector, urls[folder] + "/"])
        crawl = in_child("crawl", workspace=crawled, companies=companies_csv)["crawl"]
    rows = []
    for j in jobs:
        ws = work / f"ws-{n}-j{j}"
        passes = {}
        for meter in ("time", "memory") if memory else ("time",):
            shutil.rmtree(ws, ignore_errors=True)
            shutil.copytree(crawled, ws)
            prof = profile / f"profile-n{n}-j{j}.txt" if profile and meter == "time" else None
            passes[meter] = in_child("stages", workspace=ws, jobs=j, profile=prof, meter=meter)
        stages = passes["time"]
        if memory:  # wall and CPU from the unsampled run, memory from the sampled one
            for name in ("extract", "tag", "score", "export"):
                stages[name].update(rss=passes["memory"][name]["rss"],
                                    metered_seconds=passes["memory"][name]["seconds"])
            stages["stages_rss"] = passes["memory"]["stages_rss"]
        counts = corpus_counts(ws)
        rows.append({"n": n, "jobs": j, "crawl": crawl, **stages, **counts})
        if not keep:
            shutil.rmtree(ws, ignore_errors=True)
    return rows


# -- report ----------------------------------------------------------------------------------
STAGES = ("crawl", "extract", "tag", "score", "export")


def _peak(r: dict, stage: str) -> int | None:
    if stage == "end to end":
        return max(r["crawl"]["rss"], r["stages_rss"]) if "stages_rss" in r else None
    return r[stage].get("rss")


def table(rows: list[dict]) -> str:
    """Wall and CPU seconds come from the unsampled run of the stages; "wall s, meter on" and
    peak memory from the memory-sampling run (the crawl is run once, sampled)."""
    out = ["| N | jobs | stage | wall s | CPU s | docs/s | PDF pages/s | passages/s | ms/doc | CPU ms/doc "
           "| wall s, meter on | peak memory MB |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        for stage in (*STAGES, "end to end"):
            part = [r[s] for s in STAGES] if stage == "end to end" else [r[stage]]
            sec = sum(p["seconds"] for p in part)
            metered = (f"{sum(p['metered_seconds'] for p in part):.1f}"
                       if all("metered_seconds" in p for p in part) else "–")
            cpu = sum(p["cpu"] for p in part) if all("cpu" in p for p in part) else None
            rss = _peak(r, stage)
            cpu_text = ("–", "–") if cpu is None else (f"{cpu:.1f}", f"{1000 * cpu / r['documents']:.1f}")
            out.append(
                f"| {r['n']} | {r['jobs']} | {stage} | {sec:.1f} | {cpu_text[0]} | {r['documents'] / sec:.1f} "
                f"| {r['pdf_pages'] / sec:.1f} | {r['passages'] / sec:.0f} | {1000 * sec / r['documents']:.1f} "
                f"| {cpu_text[1]} | {metered} | {'–' if rss is None else f'{rss / 2**20:.0f}'} |")
    corpus = sorted({(r["n"], r["documents"], r["pdfs"], r["pdf_pages"], r["passages"], r["errors"],
                      round(r.get("loadavg", 0), 1), r["jobs"]) for r in rows})
    out += ["", "| N | jobs | documents | PDFs | PDF pages | passages | errors | load average |",
            "|---|---|---|---|---|---|---|---|"]
    out += [f"| {n} | {j} | {d} | {p} | {pp} | {ps} | {e} | {la} |" for n, d, p, pp, ps, e, la, j in corpus]
    return "\n".join(out)


def table_from_json(path: Path) -> None:
    rows = json.loads(path.read_text())
    print(table(rows))
    print()
    print("\n".join(f"- {line}" for line in checks(rows)))


def checks(rows: list[dict]) -> list[str]:
    """The issue's targets, each with the measured value."""
    out = []
    by = {(r["n"], r["jobs"]): r for r in rows}
    e2e = {k: sum(r[s]["seconds"] for s in STAGES) for k, r in by.items()}
    for (n, j), r in sorted(by.items()):
        if j == 2:
            out.append(f"N={n}: end to end {r['pdf_pages'] / e2e[(n, j)]:.1f} PDF pages/s with 2 jobs (target >= 50)")
        if (n, 1) in by and j == 2:
            for stage in ("extract", "tag"):
                speedup = by[(n, 1)][stage]["seconds"] / r[stage]["seconds"]
                out.append(f"N={n}: {stage} 2 jobs {speedup:.2f}x faster than 1 (target >= 1.6)")
        if _peak(r, "end to end") is not None:
            out.append(f"N={n}, jobs={j}: peak memory {_peak(r, 'end to end') / 2**20:.0f} MB (target < 1536 at N=1000)")
    sizes = sorted({n for n, _ in by})
    for j in sorted({j for _, j in by}):
        if (sizes[0], j) in by and (sizes[-1], j) in by and sizes[0] != sizes[-1]:
            small = e2e[(sizes[0], j)] / by[(sizes[0], j)]["documents"]
            large = e2e[(sizes[-1], j)] / by[(sizes[-1], j)]["documents"]
            out.append(f"jobs={j}: time per document N={sizes[-1]} / N={sizes[0]} = {large / small:.2f} (target <= 1.20)")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200,1000", help="companies per run, comma-separated")
    parser.add_argument("--jobs", default="1,2", help="--jobs values to compare, comma-separated")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "hrdc-bench-corpus",
                        help="where the synthetic sites are generated (reused across runs)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "hrdc-bench-work")
    parser.add_argument("--json", type=Path, help="write the raw results here")
    parser.add_argument("--keep", action="store_true", help="keep each run's workspace (WORK/ws-N-jJOBS) for inspection")
    parser.add_argument("--table", type=Path, help="only print the tables of a --json file")
    parser.add_argument("--profile", nargs="?", const=Path("."), type=Path,
                        help="profile the timed run of the stages with pyinstrument (its times then include the "
                             "profiler's cost); text reports go to this folder")
    parser.add_argument("--no-memory", dest="memory", action="store_false",
                        help="skip the second, memory-sampling run of the stages (no peak memory reported)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--meter", default="time", help=argparse.SUPPRESS)
    parser.add_argument("--workspace", help=argparse.SUPPRESS)
    parser.add_argument("--companies", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps((child_crawl if args.child == "crawl" else child_stages)(args)))
        return 0
    if args.table:
        table_from_json(args.table)
        return 0
    sizes = [int(x) for x in args.sizes.split(",")]
    jobs = [int(x) for x in args.jobs.split(",")]
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    for n in sizes:
        started = time.perf_counter()
        rows += bench_size(n, jobs, args.corpus, args.work, args.seed, args.profile, args.keep, args.memory)
        print(f"N={n} done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1))
    print(table(rows))
    print()
    print("\n".join(f"- {line}" for line in checks(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
