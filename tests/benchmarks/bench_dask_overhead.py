"""The Dask engine against the local pool on the same quick grid: start-up and per-run overhead, and their ratio.

The quick profile's cohort (400 patients, 64-pixel scans) and Table I's models (four single branches and the fused
one), two seeds, two epochs: 10 runs. Each engine trains the grid twice into fresh caches with the same number of
workers: the first call pays the start-up (processes, imports, the cohort reaching the workers), the second only the
per-run cost. Engines: the local pool (`workers=N`), a Dask LocalCluster (`cluster="local"`, one 1-thread worker per
core) and a real scheduler with N `dask worker` processes on 127.0.0.1 (`cluster="tcp://..."`).

    start-up    = wall(first call) - wall(second call)
    per-run     = (wall(second call) * N - sum of the runs' fit seconds) / runs   (the time a worker spends on a run
                  beyond fitting it: data preparation, scheduling, moving results and weights, writing the cache)

    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 .venv/bin/python tests/benchmarks/bench_dask_overhead.py [N]
"""
import os, socket, subprocess, sys, tempfile, time
from pathlib import Path
from mmdr.synthetic import make_cohort
from mmdr.fusion import single_branch, paper_model
from mmdr.train import TrainConfig
from mmdr.runs import make_specs
from mmdr.pool import run_grid, shutdown_pool, close_dask, dask_client

def grid(cohort):
    models = [(b, single_branch(b)) for b in ("cnn", "rnn", "vit", "fcn")] + [("Ours", paper_model())]
    return make_specs(models, cohort, seeds=2, train=TrainConfig(epochs=2, patience=2))

def twice(cohort, **engine):
    "Wall seconds of a cold and a warm call, the warm call's summed fit seconds, and its results."
    out = []
    for _ in range(2):
        t = time.perf_counter()
        res = run_grid(grid(cohort), cohort, cache_dir=Path(tempfile.mkdtemp()), device="cpu", progress=False, **engine)
        out.append(time.perf_counter() - t)
    return out[0], out[1], sum(r.fit_seconds for r in res), res

def tcp_cluster(n: int):
    "A scheduler and n one-thread workers on the loopback interface; (address, their processes)."
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
    dask, log = Path(sys.executable).parent / "dask", open(os.devnull, "w")
    procs = [subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              stdout=log, stderr=log)]
    time.sleep(2)
    procs += [subprocess.Popen([str(dask), "worker", f"tcp://127.0.0.1:{port}", "--nthreads", "1", "--no-dashboard"],
                               stdout=log, stderr=log) for _ in range(n)]
    return f"tcp://127.0.0.1:{port}", procs

if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else (os.cpu_count() or 2)
    cohort = make_cohort(n_patients=400, image_size=64, seed=0)
    rows, results = {}, {}
    rows["local pool"] = twice(cohort, workers=n); shutdown_pool()
    rows["Dask LocalCluster"] = twice(cohort, cluster="local"); close_dask()
    address, procs = tcp_cluster(n)
    try:
        dask_client(address).wait_for_workers(n, timeout=120)
        rows["Dask scheduler + workers (tcp)"] = twice(cohort, cluster=address); close_dask()
    finally:
        for p in procs: p.kill(); p.wait()
    runs = len(rows["local pool"][3])
    print(f"{runs} runs (quick profile, Table I's models, 2 seeds, 2 epochs), {n} workers, {os.cpu_count()} cores")
    base = rows["local pool"]
    for name, (cold, warm, fit, res) in rows.items():
        start, per_run = cold - warm, (warm * n - fit) / runs
        same = all(a.proba == b.proba for a, b in zip(res, base[3]))
        print(f"{name:32s} cold {cold:6.1f} s  warm {warm:6.1f} s  start-up {start:5.1f} s  per-run overhead {per_run:5.2f} s  "
              f"warm/pool {warm / base[1]:.2f}  cold/pool {cold / base[0]:.2f}  same numbers as the pool: {same}")
    print("cold calls pay the start-up: the pool's and the LocalCluster's processes start, import torch and mmdr and get the "
          "cohort; the tcp cluster's processes were started before (their imports of torch and mmdr are still in the cold call)")
