"""The paper profile's Table I and Figure 4 grids on a CUDA GPU, through the library (no papermill), timed.

    PYTHONPATH=. python tests/benchmarks/bench_gpu_paper_profile.py [--seeds 5] [--out gpu_profile.json] [--budget-s 420]

The same runs `40_table1` and `41_fig4_ablation` train in the paper profile (2,000 patients, up to 30 epochs with
early stopping, the same seeds and specs), on `--device cuda`, one run at a time. Printed and written: per model the
mean accuracy, seconds per run and training samples/s, and the wall time of each grid. Stops starting new models
once `--budget-s` has passed, and says so. Needs a CUDA GPU; GPU numbers are not bit-portable and never go into figures/.
"""
import argparse, json, time
import numpy as np, torch
from mmdr.experiments import Experiment, table1_models, ablation_models

ap = argparse.ArgumentParser()
ap.add_argument("--seeds", type=int, default=5); ap.add_argument("--out", default="gpu_profile.json")
ap.add_argument("--budget-s", type=float, default=420.0); ap.add_argument("--device", default="cuda")
a = ap.parse_args()
if a.device == "cuda" and not torch.cuda.is_available(): raise SystemExit("no CUDA GPU here")
report = {"device": torch.cuda.get_device_name() if a.device == "cuda" else a.device, "torch": torch.__version__,
          "seeds": a.seeds, "models": {}, "grids": {}, "stopped_early": False}
t_start = time.perf_counter()
ex = Experiment("gpu_bench", profile="paper", device=a.device, seeds=a.seeds, cache_dir=False)
print(f"cohort built in {time.perf_counter() - t_start:.1f} s", flush=True)
seen = set()
for grid, models in (("table1", table1_models()), ("fig4", ablation_models())):
    t0 = time.perf_counter()
    for label, cfg in models:
        if label in seen: continue
        if time.perf_counter() - t_start > a.budget_s: report["stopped_early"] = True; break
        seen.add(label); t1 = time.perf_counter()
        res = ex.run([(label, cfg)])
        sps = [float(np.mean(r.history["train_samples_per_s"])) for r in res]
        report["models"][label] = {"accuracy": float(np.mean([r.metrics["accuracy"] for r in res])), "runs": len(res),
                                   "s_per_run": (time.perf_counter() - t1) / len(res), "train_samples_per_s": float(np.mean(sps)),
                                   "epochs": float(np.mean([len(r.history["epoch"]) for r in res]))}
        print(grid, label, json.dumps(report["models"][label]), flush=True)
        json.dump(report, open(a.out, "w"), indent=2)
    report["grids"][grid] = time.perf_counter() - t0
t0 = time.perf_counter(); ex.run_classical("Classical"); report["classical_s"] = time.perf_counter() - t0
report["wall_s"] = time.perf_counter() - t_start
json.dump(report, open(a.out, "w"), indent=2)
print(json.dumps(report, indent=2))
