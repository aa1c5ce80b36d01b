"""hrdc: human-rights disclosure coverage of ICT companies.

Stages, each a module with a few verbs:

- :mod:`pipeline.crawl` collects documents (``crawl``, ``changes``);
- :mod:`pipeline.extract` and :mod:`pipeline.segment` turn bytes into passages;
- :mod:`pipeline.tag` scores passages against every criterion (``load_model``);
- :mod:`pipeline.score` and :mod:`pipeline.rdr` turn tags into verdicts and RDR scores;
- :mod:`pipeline.export` writes tables and the briefing;
- :mod:`pipeline.store` keeps everything in a workspace (``load`` gives any table to pandas).
"""
__version__ = "0.1.0"

__all__ = ["__version__"]
