"""Where hrdc finds its data: criteria, labels, element examples, demo sites, the default model.

In a checkout (the source tree on ``sys.path``, or an editable install) these are the top-level
``corpora/`` and ``models/`` folders, so an edit takes effect without reinstalling. A wheel
carries copies of them as the data packages ``pipeline.corpora`` and ``pipeline.models``
(``package-dir`` in pyproject.toml), found here through :mod:`importlib.resources`.
"""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent  # the repository root when running from one


def _data_folder(name: str) -> Path:
    installed = resources.files(__package__) / name
    # pip installs a wheel unpacked, so the data is a real folder; a checkout has no pipeline/<name>
    if isinstance(installed, Path) and installed.is_dir():
        return installed
    return REPO_ROOT / name


CORPORA_DIR = _data_folder("corpora")
MODELS_DIR = _data_folder("models")
DEFAULT_MODEL = MODELS_DIR / "default"


def data_dir() -> Path:
    """Where the shared evaluation data lives: ``$HRDC_DATA`` or ``../shared/data``."""
    env = os.environ.get("HRDC_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


def show(path: Path) -> str:
    """``path`` relative to the checkout (or the install) for messages, else as given."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
