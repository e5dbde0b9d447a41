"""Encoder candidates measured where it counts: accuracy on an external cohort, per core-second of training.

    OMP_NUM_THREADS=1 MMDR_NUMERICS=portable .venv/bin/python tests/benchmarks/bench_encoders_external.py [--seeds 0 1 2]
        [--only cnn rnn] [--external 10000]

Each candidate is a single-branch model built from explicit encoder options over the encoder class's own defaults
(not the paper model's `mmdr.fusion.DEFAULT_OPTIONS`, which "rnn GRU, conv 3, embed 64" names) (and, for some, recipe options), trained with the paper's recipe (Adam
1e-3, plateau LR decay, batch 32, augmentation, early stopping on validation loss, epoch cap 30, patience 5) on the
synthetic cohort (2,000 patients, 64x64 scans), one thread, split by seed; it is then scored on an external cohort of
new patients from the same generator (`mmdr.runs.external_cohort`). Printed per run: validation accuracy, external
accuracy, epochs, best epoch and training seconds; then per candidate the mean ± sd over seeds, the mean seconds and
the oracle's ceiling for the modality. Defaults are chosen on validation; the external column is how the choice is
checked, never how it is made.
"""
import argparse, json
import numpy as np
import torch
from mmdr.core import set_seed, torch_threads
from mmdr.data import prepare
from mmdr.synthetic import make_cohort, oracle_ceilings, SyntheticConfig
import inspect
from mmdr.encoders import ENCODERS
from mmdr.fusion import BranchConfig, ModelConfig, build_model, DEFAULT_MODALITY, DEFAULT_OPTIONS
from mmdr.train import fit, TrainConfig, predict_proba
from mmdr.runs import external_cohort

def plain_options(branch: str, options: dict) -> dict:
    "`options` over the encoder class's own defaults for every key the paper model's DEFAULT_OPTIONS sets."
    keys = DEFAULT_OPTIONS.get((branch, DEFAULT_MODALITY[branch]), {})
    own = inspect.signature(ENCODERS[branch]).parameters
    return {**{k: own[k].default for k in keys}, **options}

CANDIDATES = {
    "cnn default": ("cnn", {}),
    "cnn max-pool stages": ("cnn", {"downsample": "max"}),
    "cnn max-pool stages, no stem": ("cnn", {"downsample": "max", "stem": 1}),
    # more capacity at full detail, for the last points of the CNN to its scan ceiling (accuracy per core-second)
    "cnn max-pool, channels 32-64-128": ("cnn", {"downsample": "max", "channels": [32, 64, 128]}),
    "cnn max-pool, 2 convs per stage": ("cnn", {"downsample": "max", "convs_per_block": 2}),
    "cnn max-pool, 4 stages 16-32-64-128": ("cnn", {"downsample": "max", "channels": [16, 32, 64, 128]}),
    "rnn default": ("rnn", {}),
    "rnn GRU": ("rnn", {"cell": "gru"}),
    "rnn bi-GRU, mean+max": ("rnn", {"cell": "gru", "bidirectional": True, "pool": "meanmax"}),
    "rnn bi-LSTM, mean+max": ("rnn", {"bidirectional": True, "pool": "meanmax"}),
    "rnn GRU, embed 64": ("rnn", {"cell": "gru", "embed_dim": 64}),
    "rnn GRU, mean+max": ("rnn", {"cell": "gru", "pool": "meanmax"}),
    "rnn GRU, hidden 128": ("rnn", {"cell": "gru", "hidden_dim": 128}),
    "rnn bi-GRU, max": ("rnn", {"cell": "gru", "bidirectional": True}),
    "rnn GRU, dropout 0.2": ("rnn", {"cell": "gru", "dropout": 0.2}),
    "rnn GRU, dropout 0.4": ("rnn", {"cell": "gru", "dropout": 0.4}),
    "rnn GRU, embed 64, dropout 0.4": ("rnn", {"cell": "gru", "embed_dim": 64, "dropout": 0.4}),
    "rnn GRU, attention": ("rnn", {"cell": "gru", "pool": "attention"}),
    "rnn bi-GRU, attention": ("rnn", {"cell": "gru", "bidirectional": True, "pool": "attention"}),
    # n-gram features: a 1-D convolution over the embeddings before the GRU ("no fever", "fever absent" in one step)
    "rnn GRU, conv 3": ("rnn", {"cell": "gru", "conv": 3}),
    "rnn GRU, conv 5": ("rnn", {"cell": "gru", "conv": 5}),
    "rnn GRU, conv 3, embed 64": ("rnn", {"cell": "gru", "conv": 3, "embed_dim": 64}),
    "rnn bi-GRU, conv 3": ("rnn", {"cell": "gru", "conv": 3, "bidirectional": True}),
    "rnn GRU, conv 3, embed 64, dropout 0.2": ("rnn", {"cell": "gru", "conv": 3, "embed_dim": 64, "dropout": 0.2}),
    "rnn GRU, conv 3, embed 64, mean+max": ("rnn", {"cell": "gru", "conv": 3, "embed_dim": 64, "pool": "meanmax"}),
    "rnn GRU, conv 5, embed 64": ("rnn", {"cell": "gru", "conv": 5, "embed_dim": 64}),
    # the recipe around the GRU (the paper fixes Adam 1e-3, batch 32, decay and early stopping, not their patience)
    "rnn GRU, patience 10": ("rnn", {"cell": "gru"}, {"patience": 10}),
    "rnn GRU, patience 10, 60 epochs": ("rnn", {"cell": "gru"}, {"patience": 10, "epochs": 60}),
    "rnn GRU, stop on val_acc": ("rnn", {"cell": "gru"}, {"monitor": "val_acc"}),
    "rnn GRU, decay after 1 epoch": ("rnn", {"cell": "gru"}, {"lr_patience": 1}),
    "rnn GRU, weight decay 1e-4": ("rnn", {"cell": "gru"}, {"weight_decay": 1e-4}),
    "vit default": ("vit", {}),
    "vit mean of patch tokens": ("vit", {"pool": "mean"}),
    # the epoch cap: the Transformer's best epoch was 28-30 of 30 on 8 of Table I's 20 seeds
    "vit default, 60 epochs": ("vit", {}, {"epochs": 60}),
    # finer patches: a 16x16 patch holds a whole nodule and its surroundings in one token; 8x8 gives 64 tokens
    "vit 8x8 patches": ("vit", {"patch_size": 8}),
    "vit 8x8 patches, mean of patch tokens": ("vit", {"patch_size": 8, "pool": "mean"}),
}

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2]); ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--external", type=int, default=10000); ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--out", default=None, help="also append each run as a JSON line to this file (e.g. results/encoders_external.jsonl)")
    a = ap.parse_args()
    cohort = make_cohort(n_patients=2000); ext = external_cohort(cohort, a.external)
    modality = {"cnn": ("image",), "vit": ("image",), "rnn": ("text",)}
    sets = [("image",), ("text",)]
    ceil = dict(zip(sets, oracle_ceilings(SyntheticConfig.from_dict(cohort.meta["config"]), sets=sets).accuracy))
    rows = []
    for seed in a.seeds:
        data = prepare(cohort, seed); x_ext = data.preprocessor.transform(ext)
        for name, (branch, options, *recipe) in CANDIDATES.items():
            if a.only and not any(name.startswith(o) for o in a.only): continue
            with torch_threads(1):
                set_seed(seed); model = build_model(ModelConfig(branches=[BranchConfig(branch, options=plain_options(branch, options))]), data.train.spec())
                cfg = TrainConfig(seed=seed, epochs=a.epochs, patience=5, progress=False, device="cpu")
                res = fit(model, data.train, data.valid, cfg.replace(**(recipe[0] if recipe else {})))
                acc = float((predict_proba(res.model, x_ext).argmax(1) == ext.y.numpy()).mean())
            best = res.history.set_index("epoch").loc[res.best_epoch]
            row = dict(candidate=name, seed=seed, val_acc=round(float(best.val_acc), 4), external_acc=round(acc, 4),
                       best_epoch=res.best_epoch, epochs=len(res.history), train_seconds=round(res.train_seconds, 1))
            rows.append(row); print(json.dumps(row), flush=True)
            if a.out:
                with open(a.out, "a") as f: f.write(json.dumps(row) + "\n")
    print()
    for name in dict.fromkeys(r["candidate"] for r in rows):
        rs = [r for r in rows if r["candidate"] == name]; e = np.array([r["external_acc"] for r in rs])
        s = np.mean([r["train_seconds"] for r in rs]); m = modality[CANDIDATES[name][0]]
        c = ceil[m]
        print(f"{name:32s} external {e.mean():.4f} ± {e.std(ddof=1) if len(e) > 1 else 0:.4f} (ceiling {c:.3f}), "
              f"validation {np.mean([r['val_acc'] for r in rs]):.4f}, {s:.1f} s per seed, "
              f"best epochs {[r['best_epoch'] for r in rs]}")

if __name__ == "__main__":
    main()
