"""The wheel carries every data file hrdc reads, where pipeline.paths looks for it (hrdc issue 16).

Building a wheel needs setuptools from PyPI, so this reads pyproject.toml the way setuptools'
build_py does; scripts/check_wheel.sh builds and installs the real wheel.
"""
from __future__ import annotations

import os
import subprocess
import sys
from glob import glob
from pathlib import Path

import pytest

from pipeline.paths import CORPORA_DIR, DEFAULT_MODEL, MODELS_DIR, REPO_ROOT

tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")


def setuptools_config() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def wheel_files() -> set[str]:
    """Paths inside the wheel of the package data, as build_py.find_data_files expands them."""
    config = setuptools_config()
    package_dir, package_data = config.get("package-dir", {}), config.get("package-data", {})
    files = set()
    for package in config["packages"]:
        source = REPO_ROOT / package_dir.get(package, package.replace(".", "/"))
        for pattern in package_data.get("", []) + package_data.get(package, []):
            for match in glob(os.path.join(source, pattern), recursive=True):
                if os.path.isfile(match):
                    files.add("/".join([*package.split("."), *Path(match).relative_to(source).parts]))
    return files


def data_files() -> set[str]:
    """Every file under corpora/ and models/default, named as pipeline.paths finds it installed."""
    found = {f"pipeline/corpora/{p.relative_to(CORPORA_DIR).as_posix()}" for p in CORPORA_DIR.rglob("*") if p.is_file()}
    found |= {f"pipeline/models/{p.relative_to(MODELS_DIR).as_posix()}" for p in DEFAULT_MODEL.rglob("*") if p.is_file()}
    return found


def test_the_wheel_carries_every_data_file():
    expected = data_files()
    assert any(name.startswith("pipeline/corpora/criteria/") for name in expected)
    assert "pipeline/models/default/model.joblib" in expected
    missing = sorted(expected - wheel_files())
    assert not missing, f"not in the wheel (pyproject.toml [tool.setuptools.package-data]): {missing[:10]}"


def test_the_wheel_lists_every_python_package():
    packages = {".".join(p.parent.relative_to(REPO_ROOT).parts) for p in (REPO_ROOT / "pipeline").rglob("__init__.py")}
    assert packages and packages <= set(setuptools_config()["packages"])


def test_a_checkout_reads_the_top_level_folders():
    assert (CORPORA_DIR, MODELS_DIR) == (REPO_ROOT / "corpora", REPO_ROOT / "models")


def test_an_install_reads_its_own_copy(tmp_path):
    package = tmp_path / "site-packages" / "pipeline"
    (package / "corpora" / "criteria").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "paths.py").write_bytes((REPO_ROOT / "pipeline" / "paths.py").read_bytes())
    probe = "from pipeline import paths; print(paths.CORPORA_DIR); print(paths.MODELS_DIR)"
    out = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(package.parent)!r}); {probe}"],
                         capture_output=True, text=True, check=True, cwd=tmp_path).stdout.split("\n")
    assert out[0] == str(package / "corpora")
    assert out[1] == str(package.parent / "models")  # no installed copy: the folder beside the package
