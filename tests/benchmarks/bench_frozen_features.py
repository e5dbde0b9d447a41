"""A staged head on frozen encoders: recomputed every batch (the old loop) against computed once (`frozen_features`).

Paper profile (2,000 synthetic patients, up to 30 epochs, patience 5), the paper's fused model under the staged scheme,
its four single-branch parents from the run cache (trained first if missing). For each seed both heads start from the
same initial weights and train on one thread; the script prints each head's training seconds, the speed-up (ratio in
one run), and both heads' accuracy on the internal test part and on an external cohort of new patients, with the
paired difference over seeds: does the head learn what it learned before?

    OMP_NUM_THREADS=1 MMDR_NUMERICS=portable .venv/bin/python tests/benchmarks/bench_frozen_features.py [seeds] [external]
"""
import sys, time
import numpy as np
import torch
from mmdr.core import set_seed, torch_threads
from mmdr.data import prepare
from mmdr.synthetic import make_cohort
from mmdr.fusion import paper_model, build_model, set_class_prior
from mmdr.schemes import adopt_encoders, frozen_features
from mmdr.train import TrainConfig, fit, predict_proba, load_checkpoint
from mmdr.runs import make_specs, run_one, external_cohort, _cache_path
from mmdr.metrics import paired_seed_comparison

def head(spec, data, parents, frozen_once: bool):
    set_seed(spec.seed)
    model = build_model(paper_model(scheme="staged"), data.train.spec()); set_class_prior(model, data.train.y)
    adopt_encoders(model, parents)
    train, valid = (frozen_features(model, data.train), frozen_features(model, data.valid)) if frozen_once else (data.train, data.valid)
    cfg = TrainConfig.from_dict({**spec.train, "seed": spec.seed, "device": "cpu", "progress": False})
    t0 = time.perf_counter(); out = fit(model, train, valid, cfg); return out.model, time.perf_counter() - t0

if __name__ == "__main__":
    n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    cohort = make_cohort(n_patients=2000)
    ext = external_cohort(cohort, int(sys.argv[2]) if len(sys.argv) > 2 else 10000)
    train = TrainConfig(epochs=30, patience=5)
    rows = []
    for spec in make_specs([("Ours (staged)", paper_model(scheme="staged"))], cohort, seeds=n_seeds, train=train):
        parents = {}
        for name in spec.parents:
            r = run_one(spec.parent(name), cohort, device="cpu")
            parents[name] = load_checkpoint(_cache_path(None) / r.weights)["model"]
        with torch_threads(1):
            data = prepare(cohort, spec.seed)
            x_ext = data.preprocessor.transform(ext)
            row = {"seed": spec.seed}
            for tag, once in (("recomputed", False), ("once", True)):
                model, secs = head(spec, data, parents, once)
                row[f"{tag}_s"] = secs
                row[f"{tag}_test"] = float((predict_proba(model, data.test).argmax(1) == data.test.y.numpy()).mean())
                row[f"{tag}_ext"] = float((predict_proba(model, x_ext).argmax(1) == ext.y.numpy()).mean())
        rows.append(row); print(row, flush=True)
    r = {k: np.array([x[k] for x in rows]) for k in rows[0]}
    print(f"\nstaged head, {n_seeds} seeds, one thread: recomputed {r['recomputed_s'].mean():.1f} s, once {r['once_s'].mean():.1f} s "
          f"per seed: {r['recomputed_s'].sum() / r['once_s'].sum():.1f}x faster")
    for part in ("test", "ext"):
        c = paired_seed_comparison(r[f"once_{part}"], r[f"recomputed_{part}"])
        print(f"accuracy on {'the internal test part' if part == 'test' else f'{len(ext):,} external patients'}: "
              f"recomputed {r[f'recomputed_{part}'].mean():.4f} ± {r[f'recomputed_{part}'].std(ddof=1):.4f}, "
              f"once {r[f'once_{part}'].mean():.4f} ± {r[f'once_{part}'].std(ddof=1):.4f}; once − recomputed "
              f"{c['diff']:+.4f} [{c['ci_low']:+.4f}, {c['ci_high']:+.4f}] (p {c['p_uncorrected']:.2g}, paired over seeds)")
