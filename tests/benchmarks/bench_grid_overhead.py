"""Grid overhead on a small real-shaped cohort: wall seconds of `run_grid` against the training seconds of its runs.

A ~300-patient cohort built with `cohort_from_frames` (1 to 5 visits per patient, a note, labs, a category), five
`run_grid` calls of two seeds each, as a notebook would make them. Prints wall / training for serial runs and for a
reused pool of 2 workers, and checks that both give the same predictions.

    OMP_NUM_THREADS=1 .venv/bin/python tests/benchmarks/bench_grid_overhead.py
"""
import sys, tempfile, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from frames_cohort import frames_cohort
from mmdr.fusion import ModelConfig, BranchConfig, single_branch
from mmdr.train import TrainConfig
from mmdr.runs import make_specs
from mmdr.pool import run_grid, shutdown_pool

def grids(cohort):
    series = BranchConfig(name="series_rnn", encoder="rnn", modality="series")
    text = BranchConfig(name="text_rnn", encoder="rnn", modality="text")
    models = [("FCN", single_branch("fcn")), ("series", ModelConfig(branches=[series])), ("text", ModelConfig(branches=[text])),
              ("FCN+series", ModelConfig(branches=[BranchConfig("fcn"), series])),
              ("all", ModelConfig(branches=[BranchConfig("fcn"), series, text]))]
    return [make_specs([m], cohort, seeds=2, train=TrainConfig(epochs=10, patience=3)) for m in models]

def measure(cohort, workers, one_call=False):
    cache = Path(tempfile.mkdtemp()); t0 = time.perf_counter(); results = []
    calls = [sum(grids(cohort), [])] if one_call else grids(cohort)
    for specs in calls: results += run_grid(specs, cohort, cache_dir=cache, progress=False, workers=workers)
    wall = time.perf_counter() - t0
    return wall, sum(r.train_seconds for r in results), results

if __name__ == "__main__":
    cohort = frames_cohort(n=300)
    print(f"cohort: {len(cohort)} patients, series lengths {sorted(set(cohort.lengths['series'].tolist()))}")
    rows = {}
    for workers in (1, 2):
        wall, train, res = measure(cohort, workers)
        rows[workers] = res
        print(f"workers={workers}: 5 run_grid calls, {len(res)} runs, wall {wall:.1f} s, training {train:.1f} s, "
              f"wall/training {wall / train:.2f}")
    wall, train, res = measure(cohort, 2, one_call=True)
    print(f"workers=2, one run_grid call of all {len(res)} runs (the pool is used): wall {wall:.1f} s, training {train:.1f} s, "
          f"wall/training {wall / train:.2f}")
    shutdown_pool()
    same = all(a.proba == b.proba for a, b in zip(rows[1], rows[2]))
    print(f"serial and 2-worker predictions identical: {same}")
