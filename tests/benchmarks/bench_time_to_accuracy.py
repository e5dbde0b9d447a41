"""Time to accuracy: seconds of training until validation accuracy is within 3 points of the model's oracle ceiling.

    OMP_NUM_THREADS=1 .venv/bin/python tests/benchmarks/bench_time_to_accuracy.py [--n-patients 2000] [--seeds 0 1]
        [--models cnn rnn vit fcn ours] [--epochs 30] [--patience 5] [--threads 1] [--margin 0.03]

For every model (the four single-branch models of Table I and the fused model) and both encoder sets, `fit` trains
with the paper's recipe (Adam 1e-3, plateau LR decay, batch 32, early stopping) on the synthetic cohort, split by
`seed`; the history gives validation accuracy and seconds per epoch (training + validation). Printed: the cumulative
seconds at the first epoch whose validation accuracy reaches ceiling - margin ("-" when it never does), the best
validation accuracy, epochs run, s/epoch and parameters. Only the validation part is read; never the test part.

"previous" rebuilds the encoders mmdr used before issue 10 from explicit options, so the comparison stays
reproducible after the defaults change:
  CNN  stem 2 (space to depth), stride-2 blocks 16-32-64, global average pool
  RNN  one-way LSTM, embedding 32, hidden 64, max pooling
  ViT  16x16 patches, width 64, 2 blocks, class token
  FCN  one hidden layer of 64, dropout 0.1
"current" is whatever `single_branch` / `paper_model` build today.
Timings depend on the machine and on whatever else runs on it: compare the two columns of one run, not runs.
"""
import argparse, os, time
import torch
import pandas as pd
from mmdr.core import set_seed
from mmdr.synthetic import make_cohort, oracle_ceilings
from mmdr.data import split_cohort, Preprocessor
from mmdr.fusion import BranchConfig, ModelConfig, single_branch, paper_model, build_model
from mmdr.encoders import num_params
from mmdr.train import fit, TrainConfig

PREVIOUS = {"cnn": dict(channels=[16, 32, 64], stem=2, downsample="stride", convs_per_block=1, pool="avg"),
            "rnn": dict(cell="lstm", bidirectional=False, embed_dim=32, hidden_dim=64, pool="max"),
            "vit": dict(patch_size=16, hidden_dim=64, num_layers=2, pool="cls"),
            "fcn": dict(hidden_dims=[64], dropout=0.1)}
MODALITY = {"cnn": "image", "vit": "image", "rnn": "text", "fcn": "tabular", "ours": "all"}

def configs(encoders: str) -> dict:
    "ModelConfig per model name, for the 'previous' or 'current' encoders."
    if encoders == "current":
        return {**{n: single_branch(n) for n in ("cnn", "rnn", "vit", "fcn")}, "ours": paper_model()}
    b = {n: BranchConfig(n, options=PREVIOUS[n]) for n in PREVIOUS}
    return {**{n: ModelConfig(branches=[b[n]]) for n in b}, "ours": paper_model(branches=[b[n] for n in ("cnn", "rnn", "vit", "fcn")])}

def time_to(history: pd.DataFrame, target: float):
    "Cumulative seconds at the first epoch with val_acc >= target (None if never), and that epoch."
    hit = history.index[history.val_acc >= target]
    if len(hit) == 0: return None, None
    i = hit[0]
    return float(history.seconds.loc[:i].sum()), int(history.epoch.loc[i])

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-patients", type=int, default=2000); ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--models", nargs="+", default=["cnn", "rnn", "vit", "fcn", "ours"])
    ap.add_argument("--encoders", nargs="+", default=["previous", "current"])
    ap.add_argument("--epochs", type=int, default=30); ap.add_argument("--patience", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1); ap.add_argument("--margin", type=float, default=0.03)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cohort = make_cohort(n_patients=a.n_patients, image_size=64, seed=0)
    ceil = oracle_ceilings().set_index("modalities").accuracy
    rows = []
    for seed in a.seeds:
        parts = split_cohort(cohort, seed=seed); pre = Preprocessor().fit(parts["train"])
        tr, va = pre.transform(parts["train"]), pre.transform(parts["valid"])
        for enc in a.encoders:
            cfgs = configs(enc)
            for name in a.models:
                set_seed(seed); model = build_model(cfgs[name], tr.spec())
                res = fit(model, tr, va, TrainConfig(seed=seed, epochs=a.epochs, patience=a.patience, progress=False, device="cpu"))
                h = res.history; target = ceil[MODALITY[name]] - a.margin
                secs, ep = time_to(h, target)
                rows.append(dict(model=name, encoders=enc, seed=seed, ceiling=round(ceil[MODALITY[name]], 3), target=round(target, 3),
                                 seconds_to_target=None if secs is None else round(secs, 1), epoch_reached=ep,
                                 best_val_acc=round(float(h.val_acc.max()), 3), epochs=len(h),
                                 s_per_epoch=round(float(h.seconds.mean()), 2), parameters=num_params(model)))
                print(rows[-1], flush=True)
    df = pd.DataFrame(rows)
    print(f"\nthreads={a.threads} patients={a.n_patients} seeds={a.seeds} epochs<={a.epochs} patience={a.patience} "
          f"load average={os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    wide = df.pivot_table(index="model", columns="encoders", aggfunc="mean",
                          values=["seconds_to_target", "best_val_acc", "s_per_epoch", "parameters"])
    reached = df.groupby(["model", "encoders"]).seconds_to_target.apply(lambda s: f"{s.notna().sum()}/{len(s)}").unstack()
    print(wide.round(3).to_string()); print("\nseeds reaching ceiling - margin:\n" + reached.to_string())

if __name__ == "__main__":
    main()
