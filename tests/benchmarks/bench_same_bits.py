"""Does the training code of this checkout train the same bits as the runs in a cache? Retrain a few paper-profile runs
and compare them with the cached ones, digit for digit.

A refactor of the training code gets a new syntax digest (`mmdr.runs.code_version`). Before `CODE_VERSIONS` may name
it after an older version, the new code must train that version's runs exactly: tests/test_training_bits.py shows it
for a 2-epoch toy run of every model kind; this benchmark shows it for full paper-profile runs (30 epochs, early
stopping, the 2,000-patient cohort), which the toy cannot reach (LR decay, restored best epochs, long fine-tunes).

    OMP_NUM_THREADS=1 MMDR_CACHE=<a cache holding the paper-profile runs> .venv/bin/python \\
        tests/benchmarks/bench_same_bits.py --version 7e8193e7679c --seed 0

Each run is retrained into a temporary folder (its staged parents too), under a run key that cannot hit the cache,
and its stored test probabilities, best epoch and history are compared with the cached run of `--version`.
"""
import argparse, json, sys, tempfile, time
from pathlib import Path
import mmdr.runs as runs
from mmdr.core import paths
from mmdr.experiments import Experiment, cohort_models, cohort_ablation, fused_candidates
from mmdr.runs import make_specs, run_one, RunResult

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--version", required=True, help="the code version whose cached runs must be matched")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", nargs="*", help="labels to retrain (default: every Table I model and one removal)")
    a = ap.parse_args()
    ex = Experiment("table1", profile="paper")
    cohort, models = ex.cohort, cohort_models(ex.cohort)[:-1] + fused_candidates()
    models += [m for m in cohort_ablation(cohort, fused_candidates(schemes=["staged"])[0][1]) if m[0] == "N_RNN"]
    if a.only: models = [m for m in models if m[0] in a.only]
    today = runs.code_version()
    cache = paths().cache / "runs"
    runs.code_version = lambda *_: a.version                          # the keys of the version to match
    specs = make_specs(models, cohort, seeds=[a.seed], train=ex.train)
    cached = {s.label: cache / f"{s.run_key('cpu')}.json" for s in specs}
    missing = [l for l, f in cached.items() if not f.exists()]
    if missing: sys.exit(f"the cache {cache} holds no {a.version} run of {missing} (seed {a.seed})")
    runs.code_version = lambda *_: f"check-{today}"                   # keys no cached run has: everything retrains
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for s in specs:
            t0 = time.perf_counter(); new = run_one(s, cohort, cache_dir=d, device="cpu")
            old = RunResult.load(cached[s.label])
            same = (new.proba == old.proba, new.best_epoch == old.best_epoch,
                    json.dumps(new.history.get("val_loss")) == json.dumps(old.history.get("val_loss")))
            rows.append({"label": s.label, "seed": a.seed, "same proba": same[0], "same best epoch": same[1],
                         "same val_loss history": same[2], "accuracy": new.metrics["accuracy"],
                         "seconds": round(time.perf_counter() - t0, 1)})
            print(json.dumps(rows[-1]), flush=True)
    ok = all(r["same proba"] and r["same best epoch"] and r["same val_loss history"] for r in rows)
    print(f"code {today} against cached {a.version}, seed {a.seed}: {'identical' if ok else 'DIFFERENT'} "
          f"({sum(r['same proba'] for r in rows)}/{len(rows)} runs with the same test probabilities)")
    sys.exit(0 if ok else 1)

if __name__ == "__main__":
    main()
