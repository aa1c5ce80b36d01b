"""Every notebook runs top to bottom against the demo workspace, so none rots."""
import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks_for_researchers():
    names = " ".join(p.name for p in NOTEBOOKS)
    assert "explore" in names and "coverage" in names and "errors" in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, demo_output, tmp_path, monkeypatch):
    out, _ = demo_output
    monkeypatch.setenv("HRDC_WORKSPACE", str(out / "workspace"))
    monkeypatch.setenv("HRDC_NOTEBOOK_OUT", str(tmp_path))
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    assert any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")
