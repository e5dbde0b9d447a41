"""How close can a model of one modality get to its oracle ceiling with 1,400 training patients? A classical model per
modality, trained on cohorts of growing size, scored on the same external cohort.

    OMP_NUM_THREADS=1 MMDR_NUMERICS=portable .venv/bin/python tests/benchmarks/bench_modality_ceilings.py \
        [--sizes 2000 8000 20000] [--seeds 0 1 2] [--external 10000] [--out results/modality_ceilings.jsonl]

The neural encoders of Table I fall short of their modality's oracle ceiling (issue 26's targets). This benchmark asks
whether that gap is the encoder's or the cohort size's: for each modality (image, note, labs) it fits mmdr's classical
baseline (`mmdr.baselines.best_baseline`: logistic regression or gradient-boosted trees on pooled-pixel PCA, note
n-grams, labs with missing indicators, chosen on validation) on the training part (70%) of synthetic cohorts of several
sizes (each its own draw of the generator's paper config), and scores it on one external cohort of new patients
(`mmdr.runs.external_cohort`). Printed per modality and size: external accuracy mean ± sd over seeds, against the
oracle's ceiling for that modality. A classical model that closes most of the gap only with 10x the patients says the
gap at 2,000 patients is the cohort's size, not the encoder.
"""
import argparse, json, time
import numpy as np
from threadpoolctl import threadpool_limits
from mmdr.core import torch_threads
from mmdr.data import prepare
from mmdr.synthetic import make_cohort, oracle_ceilings, SyntheticConfig
from mmdr.runs import external_cohort
from mmdr.baselines import best_baseline

MODALITIES = {"image": ("image",), "note": ("text",), "labs": ("tabular",)}

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 8000, 20000])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--external", type=int, default=10000)
    ap.add_argument("--out", default=None, help="also append each fit as a JSON line to this file")
    a = ap.parse_args()
    paper = make_cohort(n_patients=2000); ext = external_cohort(paper, a.external)
    sets = list(MODALITIES.values())
    ceil = dict(zip(sets, oracle_ceilings(SyntheticConfig.from_dict(paper.meta["config"]), sets=sets).accuracy))
    rows = []
    for n in a.sizes:
        cohort = paper if n == 2000 else make_cohort(n_patients=n)
        for seed in a.seeds:
            data = prepare(cohort, seed); x_ext = data.preprocessor.transform(ext)
            for name, mods in MODALITIES.items():
                t0 = time.perf_counter()
                with threadpool_limits(1), torch_threads(1):
                    b = best_baseline(data.train, data.valid, x_ext, list(mods), seed)
                acc = float((b["proba"].argmax(1) == ext.y.numpy()).mean())
                row = dict(modality=name, n_patients=n, n_train=len(data.train.y), seed=seed, chosen=b["name"],
                           valid_acc=round(b["valid_accuracy"], 4), external_acc=round(acc, 4),
                           ceiling=round(float(ceil[mods]), 4), seconds=round(time.perf_counter() - t0, 1))
                rows.append(row); print(json.dumps(row), flush=True)
                if a.out:
                    with open(a.out, "a") as f: f.write(json.dumps(row) + "\n")
    print()
    for name, mods in MODALITIES.items():
        for n in a.sizes:
            e = np.array([r["external_acc"] for r in rows if r["modality"] == name and r["n_patients"] == n])
            sd = e.std(ddof=1) if len(e) > 1 else 0.0
            print(f"{name:6s} {n:6d} patients: external {e.mean():.4f} ± {sd:.4f} over {len(e)} seeds "
                  f"(ceiling {ceil[mods]:.3f}, gap {ceil[mods] - e.mean():+.4f})")

if __name__ == "__main__":
    main()
