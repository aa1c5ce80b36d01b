"""Polite, resumable, versioned collection of company documents.

>>> from pipeline.crawl import crawl, changes
>>> summary = crawl(ws, companies, settings)  # doctest: +SKIP
>>> changes(ws, since="2025-01-01")  # doctest: +SKIP

Modules: :mod:`.urls` (normalisation, scope), :mod:`.safety` (address checks),
:mod:`.robots`, :mod:`.frontier` (per-host politeness), :mod:`.fetch` (one request),
:mod:`.steps` (robots, retry, redirect, conditional GET as ordered steps), :mod:`.discover`
(policy links, sitemaps), :mod:`.content` (kind and walls), :mod:`.runner` (the run),
:mod:`.changes`.
"""
from .changes import changes, diff_summary
from .discover import is_relevant
from .runner import crawl
from .summary import CrawlSummary
from .urls import Scope, normalise_url, registered_domain

__all__ = ["CrawlSummary", "Scope", "changes", "crawl", "diff_summary", "is_relevant", "normalise_url",
           "registered_domain"]
