"""What the portable numerics cost, and how far native numerics drift from them, on this CPU.

    .venv/bin/python tests/benchmarks/bench_numerics.py [--rounds 3] [--steps 30] [--drift]

Per model (CNN, RNN, ViT, the fused model): milliseconds per training step (forward, cross-entropy, backward, Adam;
batch 32, one thread) under MMDR_NUMERICS=native and =portable. The settings are read when torch loads, so each
measurement is its own process; the two settings alternate (native, portable, native, ...) so both see the same load,
and the best of `--rounds` is kept. Printed: ms/step each, and the ratio portable/native. `--drift` also trains each
model for three epochs on 400 patients through `run_one` under both settings and prints the largest difference in a
test probability and the accuracy of each: what the CPU's vector width does to a result when it is not capped.
"""
import argparse, json, os, subprocess, sys

STEP = r'''
import json, sys, time
import torch, torch.nn.functional as F
from mmdr.core import set_seed, numerics_state
from mmdr.synthetic import make_cohort
from mmdr.data import split_cohort, Preprocessor, make_loader
from mmdr.fusion import paper_model, single_branch, build_model
name, steps = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(1)
cohort = make_cohort(n_patients=400, image_size=64, seed=0)
tr = Preprocessor().fit(split_cohort(cohort, seed=0)["train"]).transform(split_cohort(cohort, seed=0)["train"])
set_seed(0); model = build_model(paper_model() if name == "ours" else single_branch(name), tr.spec())
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
batches = list(make_loader(tr, 32, shuffle=True, seed=0))
def step(b):
    loss = F.cross_entropy(model(b), b["label"]); opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
for b in batches[:3]: step(b)                                   # warm-up
t = time.perf_counter(); n = 0
while n < steps:
    for b in batches:
        step(b); n += 1
        if n == steps: break
print(json.dumps({"ms_per_step": (time.perf_counter() - t) / steps * 1e3, "capability": numerics_state()["cpu_capability"]}))
'''

DRIFT = r'''
import json, sys
import numpy as np
from mmdr.synthetic import make_cohort
from mmdr.fusion import paper_model, single_branch
from mmdr.runs import make_specs, run_one
from mmdr.train import TrainConfig
name = sys.argv[1]
cohort = make_cohort(n_patients=400, image_size=64, seed=0)
spec = make_specs([(name, paper_model() if name == "ours" else single_branch(name))], cohort, seeds=[0], train=TrainConfig(epochs=3, patience=3))[0]
r = run_one(spec, cohort, cache_dir=False, device="cpu")
print(json.dumps({"proba": r.proba, "accuracy": r.metrics["accuracy"], "capability": r.versions["numerics"]["cpu_capability"]}))
'''

def child(code, args, mode):
    env = {**os.environ, "MMDR_NUMERICS": mode, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    for k in ("ATEN_CPU_CAPABILITY", "MKL_CBWR", "ONEDNN_MAX_CPU_ISA", "MMDR_NUMERICS_SET"): env.pop(k, None)
    out = subprocess.run([sys.executable, "-c", code, *map(str, args)], env=env, capture_output=True, text=True, cwd="/", check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3); ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--models", nargs="+", default=["cnn", "rnn", "vit", "ours"]); ap.add_argument("--drift", action="store_true")
    a = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; {a.rounds} alternated rounds of {a.steps} steps per model and setting")
    for name in a.models:
        best, cap = {"native": float("inf"), "portable": float("inf")}, {}
        for _ in range(a.rounds):
            for mode in ("native", "portable"):
                r = child(STEP, [name, a.steps], mode); best[mode] = min(best[mode], r["ms_per_step"]); cap[mode] = r["capability"]
        print(f"{name:5s} native ({cap['native']}) {best['native']:6.1f} ms/step   portable ({cap['portable']}) {best['portable']:6.1f} ms/step"
              f"   ratio portable/native {best['portable'] / best['native']:.2f}", flush=True)
    if a.drift:
        for name in a.models:
            n, p = child(DRIFT, [name], "native"), child(DRIFT, [name], "portable")
            d = float(abs(__import__("numpy").asarray(n["proba"]) - __import__("numpy").asarray(p["proba"])).max())
            print(f"{name:5s} 3 epochs, 400 patients: largest |probability difference| native ({n['capability']}) vs portable "
                  f"({p['capability']}) {d:.2e}; accuracy {n['accuracy']:.3f} vs {p['accuracy']:.3f}", flush=True)

if __name__ == "__main__": main()
