"""Scoring on the external cohort from each encoder's features, computed once per seed: the same bits as the full
forward, and how much less time. Every cached deep run of one seed of the paper cohort is scored both ways.

    OMP_NUM_THREADS=1 MMDR_CACHE=<a cache holding the paper-profile runs> .venv/bin/python \\
        tests/benchmarks/bench_external_features.py --seed 0
    ... tests/benchmarks/bench_external_features.py --classical 20

"full forward" is what `score_external` did before: `predict_proba` of the whole model on the preprocessed external
cohort, run by run. "shared features" is what it does now (`mmdr.runs._scoring_input`): the seed's runs in one memo,
so each encoder's features are computed once and every later run with that encoder only runs its head. The runs are
Table I's rows and fused candidates and Figure 4's removals, in that order: the single-branch rows pay for the
encoders, and the staged models reuse them.

`--classical` checks the classical baseline instead: `run_classical(..., external=)` fits once and scores both the
test part and the external cohort, where the kernel used to fit again for the external cohort
(`classical_external`). Its test and external probabilities are compared with the cached run and the cached external
score of each seed, digit for digit.
"""
import argparse, hashlib, json, time
import numpy as np
from mmdr.core import paths, torch_threads
from mmdr.experiments import Experiment, cohort_models, cohort_ablation, fused_candidates
from mmdr.runs import RunResult, make_specs, external_cohort, _scoring_input
from mmdr.train import load_checkpoint, predict_proba

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--patients", type=int, help="external patients (default: the paper profile's)")
    ap.add_argument("--classical", type=int, default=0, help="check the classical baseline on this many seeds instead")
    a = ap.parse_args()
    ex = Experiment("table1", profile="paper")
    cache = paths().cache / "runs"
    ext = external_cohort(ex.cohort, a.patients or ex.profile.external_patients)
    if a.classical: return classical(ex, cache, ext, a.classical)
    models = cohort_models(ex.cohort)[:-1] + fused_candidates()          # Table I's rows and candidates, Figure 4's
    models += cohort_ablation(ex.cohort, fused_candidates(schemes=["staged"])[0][1])   # staged removals
    runs = [RunResult.load(cache / f"{s.run_key('cpu')}.json").replace(label=s.label)
            for s in make_specs(models, ex.cohort, seeds=[a.seed], train=ex.train)
            if (cache / f"{s.run_key('cpu')}.json").exists()]
    if not runs: raise SystemExit(f"{cache} holds no paper-profile run of seed {a.seed}")
    memo, data, rows = {}, {}, []
    for r in runs:
        ck = load_checkpoint(cache / r.weights)
        state = hashlib.sha1(json.dumps(ck["preprocessor"].state, sort_keys=True).encode()).hexdigest()
        if state not in data: data[state] = ck["preprocessor"].transform(ext)
        model = ck["model"].eval()
        with torch_threads(r.threads):
            t0 = time.perf_counter(); full = predict_proba(model, data[state]); t1 = time.perf_counter()
            if state not in memo: memo.clear(); memo[state] = True
            shared = predict_proba(model, _scoring_input(model, data[state], memo, (state, r.threads)))
            t2 = time.perf_counter()
        rows.append({"label": r.label, "same bits": bool(np.array_equal(full, shared)),
                     "full forward s": round(t1 - t0, 3), "shared features s": round(t2 - t1, 3)})
        print(json.dumps(rows[-1]), flush=True)
    same = sum(r["same bits"] for r in rows)
    tf, ts = sum(r["full forward s"] for r in rows), sum(r["shared features s"] for r in rows)
    print(f"seed {a.seed}, {len(ext):,} external patients, {len(rows)} runs: {same}/{len(rows)} with the same "
          f"probabilities bit for bit; full forward {tf:.1f} s, shared features {ts:.1f} s ({tf / ts:.1f}x)")
    raise SystemExit(0 if same == len(rows) else 1)

def classical(ex, cache, ext, n_seeds: int):
    "One fit for the test part and the external cohort, against the cached run and its cached (refitted) score."
    import tempfile
    from pathlib import Path
    from mmdr.data import cohort_fingerprint
    from mmdr.runs import run_classical, classical_key, _external_file, _external_key, _load_external
    fp, rows = cohort_fingerprint(ext), []
    with tempfile.TemporaryDirectory() as d:
        for seed in range(n_seeds):
            old = RunResult.load(cache / f"{classical_key(ex.cohort, seed)}.json")
            old_ext = _external_file(cache, _external_key(old, fp))
            if not old_ext.exists(): raise SystemExit(f"the cache holds no external score of seed {seed}'s baseline")
            t0 = time.perf_counter(); new = run_classical(ex.cohort, seed, cache_dir=d, external=ext, fingerprint=fp)
            rows.append({"seed": seed, "same test proba": new.proba == old.proba,
                         "same external proba": bool(np.array_equal(
                             _load_external(_external_file(Path(d), _external_key(new, fp))), _load_external(old_ext))),
                         "chosen": new.spec["chosen"], "seconds": round(time.perf_counter() - t0, 1)})
            print(json.dumps(rows[-1]), flush=True)
    ok = all(r["same test proba"] and r["same external proba"] for r in rows)
    print(f"classical baseline, {n_seeds} seeds, {len(ext):,} external patients: one fit gives "
          f"{'the cached test and external probabilities exactly' if ok else 'OTHER probabilities'} "
          f"({sum(r['seconds'] for r in rows):.0f} s)")
    raise SystemExit(0 if ok else 1)

if __name__ == "__main__":
    main()
