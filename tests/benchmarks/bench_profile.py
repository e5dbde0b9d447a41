"""Where a training epoch's time goes: a torch.profiler table of the fused model's top operators, and two CPU options.

    OMP_NUM_THREADS=1 .venv/bin/python tests/benchmarks/bench_profile.py [--n-patients 600] [--threads 1] [--rows 15]
        [--channels-last] [--compile] [--previous] [--ab-channels-last]

One training epoch (forward, cross-entropy, backward, Adam; batch 32, the paper's augmentation) of `paper_model()`
on the synthetic cohort runs under torch.profiler after one warm-up epoch; the table lists the operators with the
most self CPU time. `--channels-last` stores the images and the model channels-last; `--compile` wraps the model in
torch.compile (the first epoch then includes the compile cost, printed separately). `--previous` profiles the
encoders mmdr used before issue 10 (see bench_time_to_accuracy.py). Numbers depend on the machine and its load.
"""
import argparse, os, time
import torch
import torch.nn.functional as F
from torch.profiler import profile, ProfilerActivity
from mmdr.core import set_seed
from mmdr.synthetic import make_cohort
from mmdr.data import split_cohort, Preprocessor, make_loader, ImageAugment
from mmdr.fusion import BranchConfig, paper_model, build_model
from mmdr.encoders import num_params

def epoch(model, opt, loader, channels_last=False):
    model.train(); n = 0; t = time.perf_counter()
    for b in loader:
        if channels_last: b["image"] = b["image"].contiguous(memory_format=torch.channels_last)
        loss = F.cross_entropy(model(b), b["label"])
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); n += 1
    return time.perf_counter() - t, n

def ab_channels_last(cfg, tr, model, opt, rounds):
    "Contiguous and channels-last copies of one model, epochs alternated (A B A B ...): the same load for both; best ms/step each."
    set_seed(0); cl = build_model(cfg, tr.spec()).to(memory_format=torch.channels_last)
    cl_opt = torch.optim.Adam(cl.parameters(), lr=1e-3)
    loader = make_loader(tr, 32, shuffle=True, augment=ImageAugment(), seed=0)
    best = {"contiguous": float("inf"), "channels_last": float("inf")}
    for r in range(rounds + 1):                                  # round 0 warms both up
        for name, (m, o, flag) in {"contiguous": (model, opt, False), "channels_last": (cl, cl_opt, True)}.items():
            secs, n = epoch(m, o, loader, flag)
            if r: best[name] = min(best[name], secs / n * 1e3)
    print(f"A/B over {rounds} alternated epochs each, load average {os.getloadavg()[0]:.1f}: contiguous {best['contiguous']:.1f} ms/step, "
          f"channels_last {best['channels_last']:.1f} ms/step, ratio channels_last/contiguous {best['channels_last'] / best['contiguous']:.2f}")

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-patients", type=int, default=600); ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rows", type=int, default=15); ap.add_argument("--channels-last", action="store_true")
    ap.add_argument("--compile", action="store_true"); ap.add_argument("--previous", action="store_true")
    ap.add_argument("--epochs", type=int, default=2, help="timed epochs after the profiled one")
    ap.add_argument("--ab-channels-last", action="store_true",
                    help="instead of profiling: time contiguous vs channels-last epochs alternately in this one process, print the ratio")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cohort = make_cohort(n_patients=a.n_patients, image_size=64, seed=0)
    parts = split_cohort(cohort, seed=0); tr = Preprocessor().fit(parts["train"]).transform(parts["train"])
    if a.previous:
        from bench_time_to_accuracy import PREVIOUS
        cfg = paper_model(branches=[BranchConfig(n, options=PREVIOUS[n]) for n in ("cnn", "rnn", "vit", "fcn")])
    else: cfg = paper_model()
    set_seed(0); model = build_model(cfg, tr.spec())
    if a.channels_last: model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    if a.ab_channels_last: return ab_channels_last(cfg, tr, model, opt, a.epochs + 1)
    # dynamic=False: one graph per batch shape (the last, smaller batch recompiles once); with dynamic shapes torch 2.14's
    # Inductor fails on this model (PixelUnshuffle's symbolic sizes: "cannot determine truth value of Relational").
    net = torch.compile(model, dynamic=False) if a.compile else model
    loader = make_loader(tr, 32, shuffle=True, augment=ImageAugment(), seed=0)
    try: first, n = epoch(net, opt, loader, a.channels_last)                # warm-up (and compilation)
    except Exception as e:
        if not a.compile: raise
        raise SystemExit(f"torch.compile failed on the CPU: {type(e).__name__}: {str(e).splitlines()[0][:200]}")
    print(f"{'previous' if a.previous else 'current'} encoders, {num_params(model):,} parameters, {len(tr)} training patients, "
          f"{n} batches, threads={a.threads}, channels_last={a.channels_last}, compile={a.compile}, "
          f"load average={os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"first epoch (warm-up{', compile included' if a.compile else ''}): {first:.2f} s")
    times = [epoch(net, opt, loader, a.channels_last)[0] for _ in range(a.epochs)]
    print(f"next {a.epochs} epochs: {', '.join(f'{t:.2f}' for t in times)} s  -> best {min(times) / n * 1e3:.1f} ms/step")
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        epoch(net, opt, loader, a.channels_last)
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=a.rows, max_name_column_width=60))

if __name__ == "__main__":
    main()
