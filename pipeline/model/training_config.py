"""Training configurations (``configs/*.yaml``): which sources a tagger learns from and how.

A config names the model (``name:``), its ``sources:`` (``aims``, ``rdr_quotes``, ``labels``,
each with the frameworks it annotates exhaustively in ``negative_for``), ``transfer`` pairs,
the weights of transferred positives and signal phrases, and the :class:`Tagger` parameters
(``model:``). ``hrdc train`` and ``hrdc evaluate`` read the same file.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..paths import REPO_ROOT

DEFAULT_CONFIG = REPO_ROOT / "configs" / "default.yaml"
SOURCES = ("aims", "rdr_quotes", "labels")


class ConfigError(ValueError):
    """A training config is missing or invalid."""


def load_config(path: str | Path | None) -> dict[str, Any]:
    """Read and check a training config (default ``configs/default.yaml``)."""
    path = Path(path) if path else DEFAULT_CONFIG
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(config, dict) or "name" not in config or "sources" not in config:
        raise ConfigError(f"{path}: a config needs at least `name:` and `sources:`")
    unknown = set(config["sources"]) - set(SOURCES)
    if unknown:
        raise ConfigError(f"{path}: unknown source(s) {', '.join(sorted(unknown))}; use aims, rdr_quotes, labels "
                          "(OPP-115 is research-only and never a training source)")
    element = config.get("element_model")
    if element is not None:
        allowed = {"frameworks", "negatives", "rdr2019", "C", "min_positives", "max_features", "prune"}
        bad = sorted(set(element) - allowed) if isinstance(element, dict) else ["(not a mapping)"]
        if bad:
            raise ConfigError(f"{path}: element_model: unknown key(s) {', '.join(bad)}; use {', '.join(sorted(allowed))}")
    config["_path"] = str(path)
    return config
