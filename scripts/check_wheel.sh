#!/usr/bin/env bash
# hrdc runs from its wheel alone (hrdc issue 16): build the sdist and the wheel from it, install
# the wheel with the dask extra into a fresh venv, then, from a folder outside the checkout and
# with no checkout on sys.path, run `hrdc demo` and a Dask LocalCluster job whose workers must
# import hrdc, its criteria and its model from that venv.
#
# Usage: scripts/check_wheel.sh   (PYTHON: an interpreter with `build`, default python3;
#                                  KEEP=1 keeps the temporary folder for a look)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/hrdc-wheel.XXXXXX")"
if [[ "${KEEP:-}" == 1 ]]; then echo "check_wheel: keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
unset PYTHONPATH

# Through the sdist, so a file the sdist drops is missing from the wheel too.
echo "check_wheel: building in $work/dist"
"$python" -m build --outdir "$work/dist" "$repo" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
wheels=("$work"/dist/hrdc-*.whl)

echo "check_wheel: installing ${wheels[0]##*/}[dask] into a fresh venv"
"$python" -m venv "$work/venv"
venv="$work/venv/bin"
"$venv/python" -m pip install --quiet --disable-pip-version-check "${wheels[0]}[dask]"

mkdir "$work/run"
cd "$work/run"
"$venv/hrdc" demo --out out
[[ -s out/briefing.html ]] || { echo "check_wheel: hrdc demo wrote no out/briefing.html" >&2; exit 1; }

# A file, not stdin: Dask spawns its worker processes, and they re-import the main module.
cat >"$work/dask_probe.py" <<'EOF'
import sysconfig
from pathlib import Path

from distributed import Client, LocalCluster


def probe() -> tuple[str, str, str, int, int]:
    import pipeline
    from pipeline import paths
    from pipeline.model.element_model import load_element_model
    from pipeline.taxonomy import load_taxonomy

    elements = load_element_model(str(paths.DEFAULT_MODEL))
    return (pipeline.__file__, str(paths.CORPORA_DIR), str(paths.DEFAULT_MODEL), len(load_taxonomy().criteria),
            0 if elements is None else len(elements.elements_))


if __name__ == "__main__":
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
        *where, n_criteria, n_elements = client.submit(probe, pure=False).result()
    for path in where:
        assert Path(path).resolve().is_relative_to(site), f"the worker read {path}, not from {site}"
    assert n_criteria > 0, "the worker loaded no criteria"
    assert n_elements > 0, "the worker found no element model (elements.joblib) in the installed model folder"
    print(f"check_wheel: a Dask worker imported {where[0]} and loaded {n_criteria} criteria from {where[1]} "
          f"and the element model of {n_elements} element questions")
EOF
"$venv/python" "$work/dask_probe.py"
echo "check_wheel: ok"
