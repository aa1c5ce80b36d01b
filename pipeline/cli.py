"""The ``hrdc`` command line: a stable contract that other tools and evaluation scripts call.

Every subcommand builds its :class:`~pipeline.settings.Settings` the same way (defaults, then
``--config FILE``, then options) and exits non-zero with one clear message when the whole
command cannot proceed; a single failed document is recorded and the run goes on.
"""
from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

from . import __version__

log = logging.getLogger("hrdc")

EXPORT_FORMATS = ("csv", "xlsx", "parquet", "html", "docx")


class UsageError(ValueError):
    """The command line or one of its files is not usable as given."""


# -- settings -------------------------------------------------------------------------------
def _settings(args: argparse.Namespace, **fixed: Any):
    import yaml

    from .settings import Settings, SettingsError

    values: dict[str, Any] = {}
    if getattr(args, "config", None):
        path = Path(args.config)
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise UsageError(f"{path}: settings file not found") from None
        except yaml.YAMLError as exc:
            raise UsageError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(loaded, dict):
            raise UsageError(f"{path}: expected a mapping of setting: value")
        values.update(loaded)
    for name in ("delay", "contact", "user_agent", "jobs", "backend", "scheduler", "model",
                 "max_depth", "max_pages_per_company"):
        value = getattr(args, name, None)
        if value is not None:
            values[name] = value
    if getattr(args, "allow_private", False):
        values["allow_private"] = True
    values.update(fixed)
    try:
        settings = Settings.from_mapping(values)
    except SettingsError as exc:
        where = f"{args.config}: " if getattr(args, "config", None) else ""
        raise UsageError(f"{where}{exc}") from None
    if settings.model:
        from .model.tagger import MODEL_FILE

        model = Path(settings.model)
        file = model / MODEL_FILE if model.is_dir() or not model.suffix else model
        if not file.is_file():
            raise UsageError(f"--model {settings.model}: no model at {file}; train one with `hrdc train` "
                             "or leave --model out for models/default")
    if settings.element_model:
        from .model.element_model import element_model_file

        file = element_model_file(settings.element_model)
        if not file.is_file():
            raise UsageError(f"element_model {settings.element_model}: no element model at {file}; train one "
                             "with `hrdc train` or leave element_model out to use the model folder's")
    return settings


def _workspace(args: argparse.Namespace, *, create: bool = False):
    from .store import Workspace

    return Workspace(args.workspace, create=create)


def _progress(args: argparse.Namespace) -> bool:
    return not args.quiet and sys.stderr.isatty()


# -- stage commands -------------------------------------------------------------------------
def cmd_crawl(args: argparse.Namespace) -> int:
    from .companies import read_companies
    from .crawl import crawl

    settings = _settings(args)
    companies = read_companies(args.companies)
    with _workspace(args, create=True) as ws:
        summary = crawl(ws, companies, settings, progress=_progress(args))
    print(summary.format())
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    if args.file:
        return _extract_file(args)
    if not args.workspace:
        raise UsageError("hrdc extract needs a FILE (one local document) or --workspace DIR (the stage)")
    from .run import run_extract

    settings = _settings(args)  # a bad setting is reported before the workspace is opened
    with _workspace(args) as ws:
        print(run_extract(ws, settings, progress=_progress(args)).format())
    return 0


def _extract_file(args: argparse.Namespace) -> int:
    from .extract import extract_file
    from .records import ExtractOptions, PassageSizes
    from .segment import segment
    from .store import sha256_bytes

    path = Path(args.file)
    settings = _settings(args)
    extraction = extract_file(path, ExtractOptions.from_settings(settings))
    if extraction.error:
        raise UsageError(f"{path}: {extraction.error}")
    if not extraction.text.strip() and path.stat().st_size:
        flags = ", ".join(extraction.flags) or "none"
        raise UsageError(f"{path}: no text extracted from {path.stat().st_size} bytes (flags: {flags}); "
                         "a cookie or login wall, a scanned PDF or a page without main content")
    if args.format == "text":
        sys.stdout.write(extraction.text + ("\n" if extraction.text else ""))
        return 0
    digest = sha256_bytes(path.read_bytes())
    doc = str(path)
    for p in segment(extraction, digest, PassageSizes.from_settings(settings)):
        record = {"doc": doc, "passage_id": p.passage_id, "text": p.text, "page": p.page,
                  "section": p.section, "char_start": p.char_start, "char_end": p.char_end}
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    from .run import run_tag

    settings = _settings(args)  # a bad setting is reported before the workspace is opened
    with _workspace(args) as ws:
        print(run_tag(ws, settings, progress=_progress(args)).format())
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from .run import run_score

    settings = _settings(args)
    with _workspace(args) as ws:
        run_id, summary = run_score(ws, settings, progress=_progress(args))
    print(f"{summary.format()} -> scoring run {run_id}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export_workspace
    from .references import read_alias_files, read_reference_files

    formats = _formats(args.format)
    settings = _settings(args)
    references, aliases = read_reference_files(args.reference), read_alias_files(args.aliases)
    with _workspace(args) as ws:
        written = export_workspace(ws, args.out, formats, settings=settings, references=references,
                                   aliases=aliases, progress=_progress(args))
    for fmt, paths in written.items():
        for path in paths:
            print(f"{fmt:8s} {path}")
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    import difflib

    from .export import build_briefs, build_report, write_brief_docx

    with _workspace(args) as ws:  # the evidence is read from the store while the brief is built
        report = build_report(ws)
        known = sorted(set(report.coverage_summary["company"]), key=str.casefold)
        folded = {c.casefold(): c for c in known}
        company = folded.get(args.company.casefold())
        if company is None:
            close = difflib.get_close_matches(args.company.casefold(), list(folded), n=3, cutoff=0.4)
            close += [k for k in folded if args.company.casefold() in k and k not in close]
            hint = ", ".join(repr(folded[k]) for k in close) if close else ", ".join(map(repr, known[:10]))
            raise UsageError(f"--company {args.company!r}: no such company in {args.workspace}; "
                             f"{'did you mean' if close else 'known companies:'} {hint}")
        path = write_brief_docx(build_briefs(report, [company])[company], args.output)
    print(f"docx     {path}")
    return 0


def _formats(text: str) -> tuple[str, ...]:
    formats = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    bad = [f for f in formats if f not in EXPORT_FORMATS]
    if bad or not formats:
        raise UsageError(f"--format {text!r}: unknown format(s) {', '.join(bad) or '(none)'}; "
                         f"choose from {','.join(EXPORT_FORMATS)}")
    return formats


def cmd_run(args: argparse.Namespace) -> int:
    from .workflow import run_all

    settings = _settings(args)
    out = Path(args.out) if args.out else Path(args.workspace) / "exports"
    result = run_all(args.companies, args.workspace, out, settings, formats=_formats(args.format),
                     references=args.reference, aliases=args.aliases, progress=_progress(args))
    print(result.format())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    settings = _settings(args, allow_private=True)
    result = run_demo(args.out, settings, progress=_progress(args))
    print(result.format())
    return 0


# -- model commands -------------------------------------------------------------------------
def cmd_classify(args: argparse.Namespace) -> int:
    from .model.tagger import classify_records, load_model, read_records

    records = read_records(args.input)
    results = classify_records(records, load_model(args.model))
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results)
    if args.output:
        Path(args.output).write_text(lines, encoding="utf-8")
    else:
        sys.stdout.write(lines)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from .model.train import train
    from .model.training_config import load_config

    folder = train(load_config(args.training_config))
    meta = json.loads((folder / "meta.json").read_text())
    print(f"trained {meta['name']} ({meta['model_id']}) on {meta['rows']} rows in {meta['train_seconds']} s "
          f"-> {folder} ({meta['model_bytes'] / 1e6:.1f} MB)")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .model import evaluate, evidence_precision, realdocs, supply_evidence
    from .model.evaluation_table import render_table

    results = evaluate.run(args.what or None, edition=args.edition, workspace=args.workspace)
    print(render_table(results), end="")
    if "realdocs" in results:
        print(realdocs.render_answerable(results["realdocs"]), end="")
        if args.detail:
            print(realdocs.render_detail(results["realdocs"]), end="")
    if "evidence" in results:
        print(evidence_precision.render_detail(results["evidence"]), end="")
    if "supply_evidence" in results:
        print(supply_evidence.render_detail(results["supply_evidence"]), end="")
    for path in evaluate.save_results(results, args.out):
        print(path)
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from .model import review

    if args.action == "export":
        if not args.workspace:
            raise UsageError("hrdc review export needs --workspace DIR")
        frame, path = review.export_review(args.workspace, args.output)
        print(f"wrote {len(frame)} rows to {path}; fill the `correct` column with 1 or 0, then `hrdc review import {path}`")
        return 0
    if not args.file:
        raise UsageError("hrdc review import needs the reviewed FILE (xlsx or csv)")
    n = review.import_review(args.file)
    print(f"stored judgements for {n} passages in {review.REVIEW_FILE}; run `hrdc train` to use them")
    return 0


# -- scores and changes ---------------------------------------------------------------------
def cmd_rdr_score(args: argparse.Namespace) -> int:
    from .rdr import read_element_results, score_elements, write_scores

    for path in write_scores(score_elements(read_element_results(args.results)), args.output):
        print(path)
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    from .crawl import changes

    with _workspace(args) as ws:
        frame = changes(ws, since=args.since)
    if frame.empty:
        print("no document changed" + (f" since {args.since}" if args.since else ""))
        return 0
    for row in frame.itertuples(index=False):
        print(f"{row.company}  {row.url}\n  v{row.version_from} ({row.retrieved_from}) -> "
              f"v{row.version_to} ({row.retrieved_to}): {row.summary}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from .compare import compare_workspaces

    frame = compare_workspaces(args.workspace, args.against, args.from_run, args.to_run)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(args.out, index=False)
        print(f"{len(frame)} changed company x criterion rows -> {args.out}")
    elif frame.empty:
        print("no score changed")
    else:
        frame.drop(columns=["company_id"]).to_csv(sys.stdout, index=False)
    return 0


# -- parser ---------------------------------------------------------------------------------
def _add_references(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("published scores")
    g.add_argument("--reference", action="append", default=[], metavar="FILE",
                   help="published benchmark scores to show beside hrdc's: a CSV of benchmark, edition, "
                        "company, indicator, score (repeatable; kept in the workspace; RDR 2020/2022 are bundled)")
    g.add_argument("--aliases", action="append", default=[], metavar="FILE",
                   help="company aliases for matching those scores: a CSV of name, alias (repeatable; kept)")


def _add_processing(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("processing")
    g.add_argument("--jobs", "-j", type=int, help="parallel jobs (default: all cores)")
    g.add_argument("--backend", choices=("loky", "threading", "dask"), help="where jobs run (default loky)")
    g.add_argument("--scheduler", help="Dask scheduler address, with --backend dask (e.g. tcp://host:8786)")
    g.add_argument("--model", help="model folder (default: models/default)")


def _add_crawl(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("crawl")
    g.add_argument("--delay", type=float, help="minimum seconds between requests to one host (default 1)")
    g.add_argument("--contact", help="contact (e-mail or URL) sent in the User-Agent")
    g.add_argument("--max-depth", dest="max_depth", type=int, help="link depth from the seeds (default 2)")
    g.add_argument("--max-pages", dest="max_pages_per_company", type=int, help="pages per company (default 60)")
    g.add_argument("--allow-private", action="store_true",
                   help="allow loopback/private addresses (tests and the demo only)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hrdc", description="Human-rights disclosure coverage of ICT companies: crawl, extract, tag, score, export.")
    parser.add_argument("--version", action="version", version=f"hrdc {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logs and tracebacks")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars, warnings only")
    parser.add_argument("--config", help="YAML file of settings (see pipeline/settings.py)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        # accepted after the command too; SUPPRESS keeps a value given before it
        p.add_argument("--config", default=argparse.SUPPRESS, help="YAML file of settings (see pipeline/settings.py)")
        return p

    p = add("run", cmd_run, "run every stage: crawl, extract, tag, score, export")
    p.add_argument("--companies", required=True, help="companies CSV: company,sector,seed_urls")
    p.add_argument("--workspace", required=True, help="workspace folder (created if missing)")
    p.add_argument("--out", help="exports folder (default: WORKSPACE/exports)")
    p.add_argument("--format", default=",".join(EXPORT_FORMATS), help="export formats (default: all)")
    _add_references(p)
    _add_crawl(p)
    _add_processing(p)

    p = add("crawl", cmd_crawl, "collect the companies' documents into the workspace")
    p.add_argument("--companies", required=True, help="companies CSV: company,sector,seed_urls")
    p.add_argument("--workspace", required=True, help="workspace folder (created if missing)")
    _add_crawl(p)

    p = add("extract", cmd_extract, "extract main text: one local FILE, or every new document of --workspace")
    p.add_argument("file", nargs="?", help="a local HTML or PDF file")
    p.add_argument("--format", choices=("jsonl", "text"), default="jsonl", help="output for FILE (default jsonl)")
    p.add_argument("--workspace", help="run the extract stage on a workspace")
    _add_processing(p)

    p = add("tag", cmd_tag, "tag new passages of the workspace against every criterion")
    p.add_argument("--workspace", required=True)
    _add_processing(p)

    p = add("score", cmd_score, "score every company and criterion (a new scoring run)")
    p.add_argument("--workspace", required=True)
    _add_processing(p)

    p = add("export", cmd_export, "write coverage tables, the briefing and every company's engagement brief")
    p.add_argument("--workspace", required=True)
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--format", default=",".join(EXPORT_FORMATS), help="comma-separated: csv,xlsx,parquet,html,docx")
    _add_references(p)

    p = add("brief", cmd_brief, "write one company's engagement brief (gaps, questions, peer practice) as DOCX")
    p.add_argument("--workspace", required=True)
    p.add_argument("--company", required=True, help="company name as in the companies file (any case)")
    p.add_argument("-o", "--output", required=True, help="the .docx file to write")

    p = add("classify", cmd_classify, "tag JSONL passages {id, text[, context]} with every criterion")
    p.add_argument("input", help="input JSONL")
    p.add_argument("-o", "--output", help="output JSONL (default: stdout)")
    p.add_argument("--model", help="model folder (default: models/default)")

    p = add("train", cmd_train, "train a tagger from a YAML training configuration")
    p.add_argument("--training-config", dest="training_config",
                   help="training configuration (default: configs/default.yaml); not a settings file")

    p = add("evaluate", cmd_evaluate, "evaluate the tagger on the shared data sets")
    p.add_argument("what", nargs="*", help="which evaluations (default: all)")
    p.add_argument("--out", help="write metrics JSON here (a FILE, or a DIR that also gets realdocs' CSVs; "
                   "default: models/default/evaluation.json and its model card)")
    g = p.add_argument_group("realdocs")
    g.add_argument("--edition", choices=("2020", "2022", "both"), default="both", help="RDR edition (default both)")
    g.add_argument("--workspace", help="run hrdc into DIR/<edition> (reused if present; default: a temporary folder)")
    g.add_argument("--detail", action="store_true", help="print per-indicator and per-company tables")

    p = add("review", cmd_review, "export uncertain passages for review, or import corrected labels")
    p.add_argument("action", choices=("export", "import"))
    p.add_argument("file", nargs="?", help="with import: the reviewed XLSX or CSV")
    p.add_argument("--workspace", help="with export: the workspace")
    p.add_argument("-o", "--output", help="with export: output file (.xlsx or .csv)")

    p = add("rdr-score", cmd_rdr_score, "score RDR element-level results the way RDR does")
    p.add_argument("results", help="element results CSV in RDR's published format")
    p.add_argument("-o", "--output", required=True, help="output folder")

    p = add("changes", cmd_changes, "documents whose content changed between crawls")
    p.add_argument("--workspace", required=True)
    p.add_argument("--since", help="only changes retrieved on or after this date (YYYY-MM-DD)")

    p = add("compare", cmd_compare, "score deltas between two scoring runs or two workspaces")
    p.add_argument("--workspace", required=True)
    p.add_argument("--against", help="a second workspace to compare with (its latest run)")
    p.add_argument("--from", dest="from_run", type=int, help="scoring run id (default: the previous run)")
    p.add_argument("--to", dest="to_run", type=int, help="scoring run id (default: the latest run)")
    p.add_argument("--out", help="write the deltas to this CSV")

    p = add("demo", cmd_demo, "serve the bundled demo corpus on 127.0.0.1 and run the whole pipeline on it")
    p.add_argument("--out", default="demo-output", help="output folder (default: ./demo-output)")
    _add_processing(p)
    return parser


def _configure_logging(args: argparse.Namespace) -> None:
    level = logging.DEBUG if args.verbose else logging.WARNING if args.quiet else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # Third-party chatter ("discarding data: None") is not actionable for our users.
    for noisy in ("urllib3", "trafilatura", "htmldate", "courlan", "pdfminer", "matplotlib", "distributed", "PIL"):
        logging.getLogger(noisy).setLevel(max(level, logging.ERROR))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args)
    try:
        if _progress(args):  # log lines above the progress bars, not inside their line
            from tqdm.contrib.logging import logging_redirect_tqdm

            with logging_redirect_tqdm():
                return int(args.func(args) or 0)
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("hrdc: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except (ValueError, KeyError, OSError, RuntimeError, sqlite3.Error) as exc:
        if args.verbose:
            raise
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"hrdc: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
