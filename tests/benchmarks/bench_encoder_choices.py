"""The validation probes behind the encoder defaults (10_encoders, "How the defaults were chosen").

    OMP_NUM_THREADS=1 .venv/bin/python tests/benchmarks/bench_encoder_choices.py [--seeds 0 1] [--only rnn cnn]

Each candidate is a single-branch model (or the fused model) built from explicit encoder options (the RNN's name
`conv=0`: these probes predate the note branch's n-gram convolution, `mmdr.fusion.DEFAULT_OPTIONS`), trained with the
paper's recipe (Adam 1e-3, plateau LR decay, batch 32, early stopping on validation loss, epoch cap 30, patience 5)
on the synthetic cohort (2,000 patients, 64x64 scans), split by seed. Printed: validation accuracy and loss at the
best epoch, epochs, seconds and parameters. Only the validation part is read; the test part never is.
"""
import argparse, json, os
import torch
from mmdr.core import set_seed
from mmdr.synthetic import make_cohort
from mmdr.data import split_cohort, Preprocessor
from mmdr.fusion import BranchConfig, ModelConfig, paper_model, build_model
from mmdr.encoders import num_params
from mmdr.train import fit, TrainConfig

PREVIOUS = {"cnn": dict(channels=[16, 32, 64], stem=2, downsample="stride", convs_per_block=1, pool="avg"),
            "rnn": dict(conv=0, cell="lstm", bidirectional=False, embed_dim=32, hidden_dim=64, pool="max"),
            "vit": dict(patch_size=16, hidden_dim=64, num_layers=2, pool="cls"),
            "fcn": dict(hidden_dims=[64], dropout=0.1)}
CANDIDATES = {   # name -> (branch, encoder options)
    "cnn previous": ("cnn", PREVIOUS["cnn"]),
    "cnn avg+max pool": ("cnn", {**PREVIOUS["cnn"], "pool": "avgmax"}),
    "cnn 2 convs per stage": ("cnn", {**PREVIOUS["cnn"], "convs_per_block": 2}),
    "cnn wide 32-64-128": ("cnn", {**PREVIOUS["cnn"], "channels": [32, 64, 128]}),
    "rnn previous": ("rnn", PREVIOUS["rnn"]),
    "rnn bi-LSTM 64, emb 64, mean+max": ("rnn", dict(conv=0, cell="lstm", bidirectional=True, embed_dim=64, hidden_dim=64, pool="meanmax")),
    "rnn bi-GRU 64, emb 64, mean+max": ("rnn", dict(conv=0, cell="gru", bidirectional=True, embed_dim=64, hidden_dim=64, pool="meanmax")),
    "rnn bi-GRU 128, emb 64, mean+max": ("rnn", dict(conv=0, cell="gru", bidirectional=True, embed_dim=64, hidden_dim=128, pool="meanmax")),
    "vit previous": ("vit", PREVIOUS["vit"]),
    "vit mean of patch tokens": ("vit", {**PREVIOUS["vit"], "pool": "mean"}),
    "fcn previous": ("fcn", PREVIOUS["fcn"]),
    "fused previous": ("ours", PREVIOUS),
    "fused current": ("ours", None),
}

def config(branch, options):
    if branch == "ours":
        return paper_model() if options is None else paper_model(branches=[BranchConfig(n, options=options[n]) for n in ("cnn", "rnn", "vit", "fcn")])
    return ModelConfig(branches=[BranchConfig(branch, options=options)])

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1]); ap.add_argument("--n-patients", type=int, default=2000)
    ap.add_argument("--only", nargs="*", default=None, help="candidate name prefixes, e.g. rnn cnn")
    ap.add_argument("--epochs", type=int, default=30); ap.add_argument("--patience", type=int, default=5)
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", 1)))
    cohort = make_cohort(n_patients=a.n_patients, image_size=64, seed=0)
    for seed in a.seeds:
        parts = split_cohort(cohort, seed=seed); pre = Preprocessor().fit(parts["train"])
        tr, va = pre.transform(parts["train"]), pre.transform(parts["valid"])
        for name, (branch, options) in CANDIDATES.items():
            if a.only and not any(name.startswith(o) for o in a.only): continue
            set_seed(seed); model = build_model(config(branch, options), tr.spec())
            res = fit(model, tr, va, TrainConfig(seed=seed, epochs=a.epochs, patience=a.patience, progress=False, device="cpu"))
            best = res.history.set_index("epoch").loc[res.best_epoch]
            print(json.dumps(dict(candidate=name, seed=seed, val_acc=round(float(best.val_acc), 4), val_loss=round(float(best.val_loss), 4),
                                  best_epoch=res.best_epoch, epochs=len(res.history), seconds=round(res.seconds, 1),
                                  s_per_epoch=round(res.seconds / len(res.history), 2), parameters=num_params(model))), flush=True)

if __name__ == "__main__":
    main()
