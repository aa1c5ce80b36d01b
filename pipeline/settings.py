"""Settings: one defaults table, one Settings object, checked once.

The CLI and the Python API build settings the same way (:meth:`Settings.from_mapping`), and an
unknown key or a bad value is rejected with the allowed choices named.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Mapping

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPORA_DIR = REPO_ROOT / "corpora"
MODELS_DIR = REPO_ROOT / "models"
DEFAULT_MODEL = MODELS_DIR / "default"


def data_dir() -> Path:
    """Where the shared evaluation data lives: ``$HRDC_DATA`` or ``../shared/data``."""
    env = os.environ.get("HRDC_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


class SettingsError(ValueError):
    """A setting is unknown or has a bad value."""


@dataclass(frozen=True)
class Settings:
    """Every knob of a run. Defaults are what a polite production crawl should use."""

    # crawl
    user_agent: str = "hrdc/0.1 (+https://github.com/hrdc/hrdc; human-rights disclosure research)"
    contact: str = ""
    delay: float = 1.0  # minimum seconds between requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    max_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 10
    max_depth: int = 2
    max_pages_per_company: int = 60
    crawl_threads: int = 32  # threads mostly wait on per-host delays; 8 capped the 50-host benchmark at ~54% of the politeness limit
    allow_private: bool = False
    respect_robots: bool = True
    # processing
    jobs: int = -1
    backend: str = "loky"  # "loky" | "threading" | "dask"
    scheduler: str = ""
    batch_size: int = 64
    model: str = ""  # empty: models/default

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None = None, **overrides: Any) -> "Settings":
        """Build settings from a mapping (a config file or CLI options), rejecting unknown keys."""
        merged = {**(values or {}), **overrides}
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(merged) - set(known))
        if unknown:
            raise SettingsError(
                f"unknown setting(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}"
            )
        clean: dict[str, Any] = {}
        for name, value in merged.items():
            if value is None:
                continue
            default = getattr(cls, name)
            try:
                clean[name] = type(default)(value) if not isinstance(default, bool) else _as_bool(value)
            except (TypeError, ValueError):
                raise SettingsError(f"setting {name}={value!r}: expected {type(default).__name__}") from None
        settings = replace(cls(), **clean)
        settings.check()
        return settings

    def check(self) -> None:
        if self.delay < 0:
            raise SettingsError(f"delay={self.delay}: must be >= 0 seconds")
        if self.backend not in ("loky", "threading", "dask"):
            raise SettingsError(f"backend={self.backend!r}: choose one of loky, threading, dask")
        if self.backend == "dask" and not self.scheduler:
            raise SettingsError("backend=dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
        if self.max_bytes <= 0 or self.retries < 0 or self.max_redirects < 0:
            raise SettingsError("max_bytes must be > 0, retries and max_redirects >= 0")

    @property
    def full_user_agent(self) -> str:
        return f"{self.user_agent} contact: {self.contact}" if self.contact else self.user_agent


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(value)
