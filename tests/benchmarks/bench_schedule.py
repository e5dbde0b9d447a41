"""Table I's runs on two workers: grids one after another (each ending when its last run does) against one schedule
(`Experiment.train_ahead`: staged runs wait only for their own parents, baselines in between), replayed on the
durations the runs of one reproduction took, so both schedules see the same machine at the same moment.

    .venv/bin/python tests/benchmarks/bench_schedule.py --runs <the run cache of a reproduction> [--seeds 10]
        [--workers 2] [--overhead 0.5]

A reproduction's run cache holds every run's fitting seconds (`fit_seconds`: its epochs and their validation passes;
a baseline's fit). A job's duration is that plus `--overhead` seconds (preparing the split, predicting the test part,
writing the files: not timed by the run). Both schedules are replayed by list scheduling on `--workers` workers:

- **grids** (mmdr before `train_ahead`): the single-branch rows (in `run_grid`'s order), then the candidates of "Ours"
  without parents, then the staged ones, then the chosen one's later seeds, then the classical baselines, each grid
  starting when the one before ended;
- **one schedule**: the same jobs, ranked and released as `mmdr.pool._pool_map` does (`_ranks` of `_spec_cost`).

In the one schedule the chosen candidate's later seeds are a last grid (they wait for the choice). Printed: each schedule's
seconds until the last run ends, idle worker-seconds, and their ratio. A replay, not a run: it shows what the order
alone changes, free of this machine's drift between two runs; `mmdr reproduce` measures the whole.
"""
import argparse, json, heapq
from pathlib import Path
from mmdr.experiments import Experiment, fused_candidates, CHOICE_SEEDS
from mmdr.runs import make_specs, classical_key
from mmdr.data import DEFAULT_SPLIT
from mmdr.pool import _missing_parents, _run_jobs, _ranks, _classical_job

def replay(grids: list, dur: dict, workers: int) -> tuple:
    """(end, idle worker-seconds) of list scheduling on `workers`: each grid a ({key: (fn, args, cost, after)}, ranked)
    pair, started when the one before has ended; within it a free worker takes the first ready job (by rank if ranked)."""
    t, busy = 0.0, 0.0
    for jobs, ranked in grids:
        rank = _ranks(jobs) if ranked else {k: 0.0 for k in jobs}
        waiting, running = {k: set(jobs[k][3]) for k in sorted(jobs, key=lambda k: -rank[k])}, []
        while waiting or running:
            for k in [k for k in waiting if not waiting[k]][:workers - len(running)]:
                del waiting[k]; heapq.heappush(running, (t + dur[k], k)); busy += dur[k]
            t, k = heapq.heappop(running)
            for w in waiting.values(): w.discard(k)
    return t, workers * t - busy

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", required=True, help="the run cache folder of a paper-profile reproduction")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--overhead", type=float, default=0.5, help="seconds per job beyond its timed fit")
    a = ap.parse_args()
    ex = Experiment("table1", profile="paper", seeds=a.seeds)
    models = ex.table1_rows()
    singles, cands = models[:-1], fused_candidates(models[-1][1], ["joint", "auxiliary", "staged", "staged + fine-tune"])
    s_specs = make_specs(singles, ex.cohort, ex.seeds, ex.train)
    c_specs = make_specs(cands, ex.cohort, ex.seeds[:CHOICE_SEEDS], ex.train)
    rest = make_specs([c for c in cands if c[0] == "Ours (staged)"], ex.cohort, ex.seeds[CHOICE_SEEDS:], ex.train)
    cl = {classical_key(ex.cohort, s): _classical_job(s, "Classical", None, DEFAULT_SPLIT, None, 0) for s in ex.seeds}
    dur = {}
    for f in Path(a.runs).glob("*.json"):
        r = json.loads(f.read_text())
        dur[f.stem] = r["fit_seconds"] + a.overhead
    jobs = lambda specs: _run_jobs(specs, None, "cpu", 0)[0]
    one = {**jobs(_missing_parents(s_specs + c_specs, "cpu") + s_specs + c_specs), **cl}
    late = jobs(rest)                                     # the chosen one's later seeds: a last grid in both schedules
    grids = [(jobs(s_specs), False), (jobs([s for s in c_specs if not s.parents]), False),   # as run_grid ordered them
             (jobs([s for s in c_specs if s.parents]), False), (late, False), (cl, False)]
    missing = [k for g, _ in grids for k in g if k not in dur]
    if missing: raise SystemExit(f"{len(missing)} runs of this code and profile are not in {a.runs}, e.g. {missing[0]}")
    old, new = replay(grids, dur, a.workers), replay([(one, True), (late, False)], dur, a.workers)
    assert set(one) | set(late) == {k for g, _ in grids for k in g}, "both schedules run the same jobs"
    n = sum(len(g) for g, _ in grids)
    print(f"{n} jobs, {sum(dur[k] for g, _ in grids for k in g):.0f} worker-seconds (fit + {a.overhead} s each), "
          f"{a.workers} workers, {a.seeds} seeds")
    for name, (end, idle) in (("grids one after another", old), ("one schedule (train_ahead)", new)):
        print(f"{name:28s} last run ends at {end:6.1f} s, workers idle {idle:5.1f} worker-s")
    print(f"ratio one schedule / grids: {new[0] / old[0]:.3f} ({old[0] - new[0]:+.1f} s)")

if __name__ == "__main__":
    main()
