"""hrdc: human-rights disclosure coverage of ICT companies.

Stages, each a module with a few verbs:

- :mod:`pipeline.crawl` collects documents (``crawl``, ``changes``);
- :mod:`pipeline.extract` and :mod:`pipeline.segment` turn bytes into passages and say what
  language a document is in (``detect_language``), :mod:`pipeline.doctype` what kind of
  document it is (``classify_doctype``);
- :mod:`pipeline.model` scores passages against every criterion (``load_model``) and trains
  and evaluates the tagger;
- :mod:`pipeline.score`, :mod:`pipeline.elements` and :mod:`pipeline.rdr` turn tags into
  verdicts, RDR element answers and RDR scores;
- :mod:`pipeline.export` writes tables and the briefing;
- :mod:`pipeline.store` keeps everything in a workspace (``load`` gives any table to pandas).

The names below are the public API. They are imported on first use, so ``import pipeline``
stays cheap (spaCy, PDFium and scikit-learn load only when a stage needs them).
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    # inputs and settings
    "Settings": "settings", "read_companies": "companies", "load_taxonomy": "taxonomy",
    # records passed between stages
    "Company": "records", "Block": "records", "Extraction": "records", "Passage": "records",
    "Evidence": "records", "Verdict": "records",
    # stages
    "crawl": "crawl", "changes": "crawl",
    "extract": "extract", "extract_file": "extract", "detect_kind": "extract", "detect_language": "extract",
    "classify_doctype": "doctype",
    "segment": "segment",
    "load_model": "model.tagger", "Tagger": "model.tagger",
    "score_company": "score", "ScoringRules": "score",
    "score_elements": "rdr", "score_indicator_verdicts": "rdr", "read_element_results": "rdr",
    "compare_runs": "compare",
    "Report": "export", "write_exports": "export", "build_report": "export",
    # the workspace and whole runs
    "Workspace": "store", "load": "store",
    "run_all": "workflow", "run_demo": "demo",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
