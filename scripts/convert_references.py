"""Convert published benchmark scores into hrdc's tidy reference format.

The output has the columns ``benchmark, edition, company, indicator, score`` that
``hrdc run/export --reference FILE`` reads (pipeline/references.py). Indicators are written as
hrdc ids where hrdc scores the same thing, so the published score sits beside hrdc's.

RDR (CC BY 4.0; writes the bundled corpora/references/rdr.csv)::

    python scripts/convert_references.py rdr $HRDC_DATA/rdr -o corpora/references/rdr.csv

  From each edition's ``*-01-quick-overview.csv`` (total -> ``rdr``, Governance / Freedom of
  Expression / Privacy -> ``rdr.G`` / ``rdr.F`` / ``rdr.P``) and ``*-04-indicator-scores.csv``
  (``G04a`` -> ``rdr.G4a``; families such as ``G04`` -> ``rdr.G4``). Indicators RDR did not
  apply to a company (N/A) are left out.

KnowTheChain ICT benchmark (no licence stated: convert the files for your own use, never
bundle the output)::

    python scripts/convert_references.py ktc $HRDC_DATA/ktc/ktc_ict_2020.csv -o ktc-2020.csv

  From the benchmark's company score sheet (``Company Name``, ``Total benchmark score``,
  ``Theme N: ...`` and indicator columns ``1.1``, ``1.2`` ...): total -> ``ktc``, theme N ->
  ``ktc.N``. Indicators of the 2020 methodology, which hrdc's ``ktc`` criteria follow, become
  ``ktc.1.1`` ...; other editions' indicators keep their own number (``2018 1.1``), since their
  numbering differs. The edition is the year in the file name unless ``--edition`` is given.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

REFERENCE_COLUMNS = ["benchmark", "edition", "company", "indicator", "score"]
RDR_EDITIONS = {"2020": "2020-index", "2022": "2022-big-tech-scorecard"}
RDR_CATEGORIES = {"Total": "rdr", "Governance": "rdr.G", "Freedom of Expression": "rdr.F", "Privacy": "rdr.P"}
KTC_HRDC_EDITION = "2020"  # the methodology of hrdc's ktc criteria
_KTC_THEME = re.compile(r"Theme (\d+):")
_KTC_INDICATOR = re.compile(r"\d+\.\d+")


def rdr_id(indicator: str) -> str:
    """RDR's data id as hrdc's: ``G04a`` -> ``rdr.G4a``, ``P10`` -> ``rdr.P10``."""
    return f"rdr.{indicator[0]}{indicator[1:].lstrip('0')}"


def convert_rdr(folder: Path) -> pd.DataFrame:
    """RDR's published total, category and indicator scores of the 2020 and 2022 editions."""
    frames = []
    for edition, sub in RDR_EDITIONS.items():
        year = sub.split("-")[0]
        overview = pd.read_csv(folder / sub / f"{year}-rdr-index-01-quick-overview.csv", dtype=str)
        totals = overview.melt(id_vars="Company", value_vars=list(RDR_CATEGORIES), var_name="indicator",
                               value_name="score")
        totals["indicator"] = totals["indicator"].map(RDR_CATEGORIES)
        indicators = pd.read_csv(folder / sub / f"{year}-rdr-index-04-indicator-scores.csv", dtype=str)
        indicators = pd.DataFrame({"Company": indicators["CompanyLabel"],  # as in the overview
                                   "indicator": indicators["Indicator"].map(rdr_id), "score": indicators["Score"]})
        both = pd.concat([totals, indicators], ignore_index=True)
        both = both.rename(columns={"Company": "company"}).assign(benchmark="RDR", edition=edition)
        frames.append(both)
    return _tidy(pd.concat(frames, ignore_index=True))


def convert_ktc(path: Path, edition: str | None = None) -> pd.DataFrame:
    """A KnowTheChain ICT benchmark score sheet: total, theme and indicator scores."""
    edition = edition or _year(path)
    sheet = pd.read_csv(path, dtype=str)
    columns = {"Total benchmark score": "ktc"}
    for column in sheet.columns:
        if theme := _KTC_THEME.match(column):
            columns[column] = f"ktc.{theme.group(1)}"
        elif _KTC_INDICATOR.fullmatch(column):
            columns[column] = f"ktc.{column}" if edition == KTC_HRDC_EDITION else f"{edition} {column}"
    missing = [c for c in ("Company Name", "Total benchmark score") if c not in sheet.columns]
    if missing:
        raise ValueError(f"{path}: not a KnowTheChain score sheet (no {', '.join(missing)} column)")
    scores = sheet[["Company Name", *columns]].rename(columns={"Company Name": "company", **columns})
    scores = scores.melt(id_vars="company", var_name="indicator", value_name="score")
    return _tidy(scores.assign(benchmark="KnowTheChain ICT", edition=edition))


def _year(path: Path) -> str:
    found = re.findall(r"(?:19|20)\d\d", path.name)
    if not found:
        raise ValueError(f"{path}: no year in the file name; give --edition")
    return found[-1]


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with a numeric score, rounded to 2 decimals as published, in the tidy column order."""
    frame = frame.assign(score=pd.to_numeric(frame["score"], errors="coerce"), company=frame["company"].str.strip())
    frame = frame.dropna(subset=["score"])  # N/A: the indicator does not apply to the company
    frame["score"] = frame["score"].round(2)
    return frame[REFERENCE_COLUMNS].reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="source", required=True)
    out = argparse.ArgumentParser(add_help=False)
    out.add_argument("-o", "--out", type=Path, required=True, help="tidy reference CSV to write")
    rdr = sub.add_parser("rdr", parents=[out], help="RDR's 2020 Index and 2022 Big Tech Scorecard data folder")
    rdr.add_argument("folder", type=Path, help="folder with 2020-index/ and 2022-big-tech-scorecard/")
    ktc = sub.add_parser("ktc", parents=[out], help="KnowTheChain ICT benchmark score sheets (CSV)")
    ktc.add_argument("files", type=Path, nargs="+")
    ktc.add_argument("--edition", help="edition of every file (default: the year in each file name)")
    args = parser.parse_args(argv)
    if args.source == "rdr":
        frame = convert_rdr(args.folder)
    else:
        frame = pd.concat([convert_ktc(f, args.edition) for f in args.files], ignore_index=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out, index=False, lineterminator="\n")
    print(f"{len(frame)} scores of {frame['company'].nunique()} companies -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
