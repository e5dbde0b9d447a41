"""Grids on a real Dask cluster (a `dask scheduler` and two `dask worker` processes on 127.0.0.1): the same numbers as the
local pool, a worker killed mid-grid, Ctrl-C mid-grid, an unreachable scheduler. Every process a test starts, it stops."""
import contextlib, json, os, signal, socket, subprocess, sys, threading, time
from pathlib import Path
import pytest

pytest.importorskip("distributed")
from test_interrupt import MMDR, ROOT, START_S, STOP_S, _family, _alive, _wait_gone, _runs, _partial   # noqa: E402

DASK = Path(sys.executable).parent / "dask"
pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX signals")

def _free_port() -> int:
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

class Cluster:
    "A scheduler and `n` single-threaded workers (no nanny: a worker is one process), each in its own session."
    def __init__(self, folder: Path, n: int = 2):
        self.folder, self.n, self.port = folder, n, _free_port()
        self.address, self.workers = f"tcp://127.0.0.1:{self.port}", []
        self.env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self.scheduler = self._start("scheduler", [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                                                   "--no-dashboard"])
        self.ensure_workers()
    def _start(self, name: str, cmd: list) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")
        return subprocess.Popen(cmd, env=self.env, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    def client(self):
        from distributed import Client
        return Client(self.address, timeout=60)
    def ensure_workers(self):
        "Start workers until `n` are alive and registered (a test may have killed one)."
        self.workers = [w for w in self.workers if w.poll() is None]
        while len(self.workers) < self.n:
            self.workers.append(self._start(f"worker{len(self.workers)}", [str(DASK), "worker", self.address, "--nthreads", "1",
                                            "--no-nanny", "--no-dashboard", "--local-directory", str(self.folder)]))
        with self.client() as c: c.wait_for_workers(self.n, timeout=START_S)
    def busy_threads(self) -> int:
        "How many task threads are running on the workers (a stopped run is no longer one)."
        with self.client() as c: return sum(c.run(lambda dask_worker: len(dask_worker.active_threads)).values())
    def stop(self):
        for p in self.workers + [self.scheduler]:
            with contextlib.suppress(ProcessLookupError): p.kill()
            p.wait(30)

@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("dask"))
    try: yield c
    finally: c.stop()

def _reproduce(cache: Path, out: Path, *args) -> subprocess.Popen:
    "`mmdr reproduce --profile quick` (Table I) with its own run cache, in its own session."
    cmd = [str(MMDR), "reproduce", "--profile", "quick", "--device", "cpu", "--notebook", "40_table1.ipynb", "--no-progress",
           "--out", str(out), "--cache-dir", str(cache), *args]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    env.pop("MMDR_CLUSTER", None)
    return subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

def _cached(cache: Path) -> dict:
    "key -> (predictions, metrics, spec) of every run in a run cache (timings left out: they differ from run to run)."
    return {f.stem: (d["proba"], d["metrics"], d["spec"]) for f in sorted(cache.glob("*.json")) for d in [json.loads(f.read_text())]}

def _local_pool(runs: dict, cohort, cache: Path) -> dict:
    "The same runs trained by the local pool (two processes) into `cache`: key -> (predictions, metrics, spec)."
    from mmdr.runs import RunSpec
    from mmdr.pool import run_grid, classical_grid, shutdown_pool
    deep = [RunSpec.from_dict(s) for k, (_, _, s) in runs.items() if not k.startswith("classical-")]
    try:
        run_grid(deep, cohort, cache_dir=cache, device="cpu", progress=False, workers=2)
        for k, (_, _, s) in runs.items():
            if k.startswith("classical-"): classical_grid(cohort, [s["seed"]], modalities=s["classical"], split=tuple(s["split"]), cache_dir=cache)
    finally: shutdown_pool()
    return _cached(cache)

def _tiny_manifest(folder: Path) -> Path:
    "A small cohort of your own (a note and two lab values per patient, 90 patients): Table I on it trains in seconds."
    import random
    rnd, rows = random.Random(0), []
    for i in range(90):
        y = i % 2
        note = rnd.choice(["cough fever", "fever", "cough"] if y else ["no cough", "no fever", "well"])
        rows.append(f"P{i},{'ab'[y]},{note},{40 + rnd.randint(0, 30) + 5 * y},{rnd.gauss(5 + 3 * y, 2):.2f}")
    (folder / "tiny.csv").write_text("patient_id,label,note,age,crp\n" + "\n".join(rows) + "\n")
    return folder / "tiny.csv"

def test_reproduce_on_a_cluster_gives_the_local_pools_numbers(cluster, tmp_path):
    from mmdr.experiments import load_cohort
    manifest = _tiny_manifest(tmp_path)
    p = _reproduce(tmp_path / "cache", tmp_path / "out", "--cluster", cluster.address, "--manifest", str(manifest),
                   "--name", "dask-test")
    out, _ = p.communicate(timeout=600)
    assert p.returncode == 0, out[-3000:]
    assert f"Dask workers (memory, scratch folders while a run lasts): {cluster.address}" in out, out[-3000:]
    on_cluster = _cached(tmp_path / "cache" / "runs")
    assert len(on_cluster) >= 10, sorted(on_cluster)
    local = _local_pool(on_cluster, load_cohort(str(manifest)), tmp_path / "local")
    assert local.keys() == on_cluster.keys()
    assert [k for k in local if local[k][:2] != on_cluster[k][:2]] == []          # every run: the same predictions and metrics
    man = (tmp_path / "out" / "manifest.json").read_text()
    assert json.loads(man)["table1"]["engines"] == {"dask": 2}                     # the engine and its workers ...
    assert str(cluster.port) not in man and "127.0.0.1" not in man                # ... but not the address
    forget = subprocess.run([str(MMDR), "forget", "--manifest", str(manifest), "--name", "dask-test", "--cache-dir",
                             str(tmp_path / "cache"), "--outputs"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert forget.returncode == 0 and f"removed {2 * len(on_cluster) - sum(k.startswith('classical-') for k in on_cluster)} cached" \
        in forget.stdout, forget.stdout + forget.stderr                           # one command removes the cohort's cached data
    assert list((tmp_path / "cache" / "runs").glob("*.json")) == [] and not (ROOT / "runs" / "dask-test").exists()

GRID = """
import json, sys
from mmdr.data import toy_cohort
from mmdr.fusion import single_branch, paper_model
from mmdr.train import TrainConfig
from mmdr.runs import make_specs
from mmdr.pool import run_grid
toy = toy_cohort(n=400, image_size=32, seed=0)
specs = make_specs([("CNN", single_branch("cnn")), ("Ours", paper_model())], toy, seeds=4, train=TrainConfig(epochs=3, patience=3))
if __name__ == "__main__":
    res = run_grid(specs, toy, cache_dir=sys.argv[1], device="cpu", progress=False, **json.loads(sys.argv[2]))
    print(json.dumps({r.cache_key: r.proba for r in res}))
"""

def _grid(tmp_path: Path, cache: Path, **engine) -> subprocess.Popen:
    (tmp_path / "grid.py").write_text(GRID)
    return subprocess.Popen([sys.executable, str(tmp_path / "grid.py"), str(cache), json.dumps(engine)], cwd=tmp_path,
                            env={**os.environ, "OMP_NUM_THREADS": "1"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)

def _wait_for_runs(p: subprocess.Popen, cache: Path, n: int):
    t = time.monotonic()
    while len(list(cache.glob("*.json"))) < n:
        if p.poll() is not None: pytest.fail(f"the grid ended (status {p.returncode}) before it could be cut short:\n{p.stderr.read()[-3000:]}")
        if time.monotonic() - t > START_S: p.kill(); pytest.fail(f"{n} runs were not cached within {START_S} s")
        time.sleep(0.05)

def test_a_worker_killed_mid_grid_changes_nothing(cluster, tmp_path):
    ref = _grid(tmp_path, tmp_path / "local", workers=2)                          # the local pool, beside it
    p = _grid(tmp_path, tmp_path / "dask", cluster=cluster.address)
    _wait_for_runs(p, tmp_path / "dask", 1)
    victim = cluster.workers[0]
    os.kill(victim.pid, signal.SIGKILL); victim.wait(STOP_S)                      # kill -9, mid-grid
    assert len(list((tmp_path / "dask").glob("*.json"))) < 8
    out, err = p.communicate(timeout=START_S)
    assert p.returncode == 0, err[-3000:]
    assert len(list((tmp_path / "dask").glob("*.json"))) == 8                    # the grid finished, every run once
    want, _ = ref.communicate(timeout=START_S)
    assert json.loads(out) == json.loads(want)                                    # the same numbers as the local pool
    cluster.ensure_workers()

def test_ctrl_c_mid_grid_on_a_cluster(cluster, tmp_path):
    cache, seen = tmp_path / "cache", {}
    p, t = _reproduce(cache, tmp_path / "out", "--cluster", cluster.address), time.monotonic()
    while len(_runs(cache)) < 2:
        _family(p.pid, seen)
        if p.poll() is not None: pytest.fail(f"the command ended (status {p.returncode}) before it could be stopped:\n{p.stdout.read()[-3000:]}")
        if time.monotonic() - t > START_S: os.killpg(p.pid, signal.SIGKILL); pytest.fail(f"2 runs were not cached within {START_S} s")
        time.sleep(0.05)
    _family(p.pid, seen)
    t = time.monotonic(); os.kill(p.pid, signal.SIGINT)
    try: rc = p.wait(STOP_S)
    except subprocess.TimeoutExpired: os.killpg(p.pid, signal.SIGKILL); pytest.fail(f"SIGINT: the command did not exit within {STOP_S} s")
    out = p.stdout.read()
    assert rc == 130, out[-3000:]
    assert time.monotonic() - t + _wait_gone(seen, STOP_S) < STOP_S             # no process of the command left
    assert "interrupted (SIGINT)" in out, out[-3000:]
    kept = _runs(cache)
    assert len(kept) >= 2 and _partial(cache) == []                               # finished runs cached, nothing half-written
    t = time.monotonic()
    while cluster.busy_threads():                                                 # the workers' running runs stopped too
        if time.monotonic() - t > STOP_S: pytest.fail(f"runs still running on the workers {STOP_S} s after the stop")
        time.sleep(0.2)

def test_an_unreachable_scheduler_fails_at_once_naming_it(tmp_path):
    address = f"tcp://127.0.0.1:{_free_port()}"
    t = time.monotonic()
    p = subprocess.run([str(MMDR), "reproduce", "--profile", "quick", "--cluster", address, "--out", str(tmp_path)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and f"no Dask scheduler answers at {address}" in p.stderr, p.stderr[-2000:]
    assert time.monotonic() - t < 30                      # at once: before any notebook starts (the 30 s bound is Python start-up)
