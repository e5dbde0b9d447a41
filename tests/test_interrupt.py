"Stopping is as safe as starting: real signals to real processes (Ctrl-C, SIGTERM, kill -9, a kernel interrupt), bounded in time."
import contextlib, json, os, signal, subprocess, sys, textwrap, time
from pathlib import Path
import pytest

psutil = pytest.importorskip("psutil")          # a dependency of ipykernel
ROOT = Path(__file__).resolve().parents[1]
MMDR = Path(sys.executable).parent / "mmdr"
START_S = 180            # a loaded 2-core machine may take this long to start a kernel and train a few runs
STOP_S = 10              # "within about two seconds" measured ~2 s; this bound only makes a hang fail
pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX signals")

def _runs(cache: Path) -> list:
    "The finished runs in a run cache (a run is finished when its result file exists)."
    return sorted((cache / "runs").glob("*.json")) if (cache / "runs").is_dir() else []

def _partial(cache: Path) -> list:
    "What an unfinished run could leave: a temporary file, or weights without their result."
    d = cache / "runs"
    return sorted(f.name for f in d.iterdir() if f.name.startswith(".") or (f.suffix == ".pt" and not f.with_suffix(".json").exists())) if d.is_dir() else []

def _family(pid: int, seen: dict):
    "Record `pid` and every descendant (the kernel papermill starts, its training workers) in `seen`."
    with contextlib.suppress(psutil.Error):
        p = psutil.Process(pid); seen.setdefault(p.pid, p)
        for c in p.children(recursive=True): seen.setdefault(c.pid, c)

def _alive(seen: dict) -> list:
    out = []
    for p in seen.values():
        with contextlib.suppress(psutil.Error):
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE: out.append(p.pid)
    return out

def _wait_gone(seen: dict, limit: float) -> float:
    "Seconds until no recorded process is left; fails after `limit`."
    t = time.monotonic()
    while _alive(seen):
        if time.monotonic() - t > limit: pytest.fail(f"processes still running {limit} s after the stop: {_alive(seen)}")
        time.sleep(0.05)
    return time.monotonic() - t

def _reproduce(cache: Path, out: Path, workers: int = 2) -> subprocess.Popen:
    "`mmdr reproduce --profile quick` (Table I only) with its own run cache, in its own session (a terminal's foreground job)."
    cmd = [str(MMDR), "reproduce", "--profile", "quick", "--device", "cpu", "--notebook", "40_table1.ipynb", "--no-progress",
           "--workers", str(workers), "--out", str(out)]
    env = {**os.environ, "MMDR_CACHE": str(cache), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

def _start_and_wait(cache: Path, out: Path, n_runs: int, n_procs: int, workers: int = 2):
    "Start the command; return it and its processes once `n_runs` runs are cached and `n_procs` processes of it exist."
    p, seen, t = _reproduce(cache, out, workers), {}, time.monotonic()
    while len(_runs(cache)) < n_runs or len(_alive(seen)) < n_procs:
        _family(p.pid, seen)
        if p.poll() is not None: pytest.fail(f"the command ended (status {p.returncode}) before it could be stopped:\n{p.stdout.read()[-3000:]}")
        if time.monotonic() - t > START_S: p.kill(); pytest.fail(f"{n_runs} runs were not cached within {START_S} s")
        time.sleep(0.05)
    _family(p.pid, seen)
    return p, seen

def _stop(p, seen, sig) -> tuple:
    "Send `sig` to the command; (exit status, seconds to exit, seconds until none of its processes is left, its output)."
    t = time.monotonic(); os.kill(p.pid, sig)
    try: rc = p.wait(STOP_S)
    except subprocess.TimeoutExpired: os.killpg(p.pid, signal.SIGKILL); pytest.fail(f"{signal.Signals(sig).name}: the command did not exit within {STOP_S} s")
    exit_s = time.monotonic() - t
    gone_s = exit_s + _wait_gone(seen, STOP_S)
    return rc, exit_s, gone_s, p.stdout.read()

def _results(cache: Path) -> dict:
    "Every cached run's predictions and metrics by key (timings left out: they differ from run to run)."
    return {f.stem: (d["proba"], d["metrics"]) for f in _runs(cache) for d in [json.loads(f.read_text())]}

def test_ctrl_c_stops_reproduce_and_a_rerun_gives_the_same_results(tmp_path):
    cache = tmp_path / "cache"
    p, seen = _start_and_wait(cache, tmp_path / "out", n_runs=3, n_procs=4)   # command, kernel, 2 workers
    rc, exit_s, gone_s, out = _stop(p, seen, signal.SIGINT)
    assert rc == 130, out[-3000:]
    assert "interrupted (SIGINT): runs kept in the cache: 40_table1.ipynb" in out and "run the same command to resume" in out, out[-3000:]
    assert _partial(cache) == []                                  # a run cut short leaves nothing behind
    kept = _results(cache)
    assert len(kept) >= 3, len(kept)
    print(f"SIGINT: exit {exit_s:.2f} s, nothing left {gone_s:.2f} s, {len(kept)} runs kept")
    resumed = _reproduce(cache, tmp_path / "out"); out2, _ = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, out2[-3000:]
    man = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert man["reproduce"]["notebook_runs"]["40_table1.ipynb"]["cached"] >= 3, man["reproduce"]   # the resume used what was kept
    after = _results(cache)
    assert all(after[k] == v for k, v in kept.items())            # the kept runs untouched by the resume
    # the resumed cache is what an uninterrupted run gives: every run once, the same predictions and metrics
    whole = _reproduce(tmp_path / "whole", tmp_path / "out-whole"); out3, _ = whole.communicate(timeout=600)
    assert whole.returncode == 0, out3[-3000:]
    uninterrupted = _results(tmp_path / "whole")
    assert len(kept) < len(uninterrupted), (len(kept), len(uninterrupted))   # the interrupt came before the end
    assert sorted(after) == sorted(uninterrupted)
    differ = [k for k in after if after[k] != uninterrupted[k]]
    assert not differ, f"runs that differ from an uninterrupted run: {differ}"

def test_sigterm_stops_reproduce_with_143(tmp_path):
    p, seen = _start_and_wait(tmp_path / "c", tmp_path / "out", n_runs=1, n_procs=4)
    rc, exit_s, gone_s, out = _stop(p, seen, signal.SIGTERM)
    assert rc == 143 and "interrupted (SIGTERM)" in out, out[-3000:]
    assert _partial(tmp_path / "c") == []
    print(f"SIGTERM: exit {exit_s:.2f} s, nothing left {gone_s:.2f} s, {len(_runs(tmp_path / 'c'))} runs kept")

def test_a_second_ctrl_c_ends_it_at_once(tmp_path):
    p, seen = _start_and_wait(tmp_path / "c", tmp_path / "out", n_runs=1, n_procs=4)
    os.kill(p.pid, signal.SIGINT); time.sleep(0.05)              # the first starts the orderly stop (~0.4 s); the second cuts it short
    rc, exit_s, gone_s, out = _stop(p, seen, signal.SIGINT)
    assert rc == 130 and "stopped at once" in out, out[-3000:]
    assert exit_s < 2, exit_s

def test_kill_9_of_reproduce_leaves_no_worker_behind(tmp_path):
    p, seen = _start_and_wait(tmp_path / "c", tmp_path / "out", n_runs=1, n_procs=4)
    rc, exit_s, gone_s, out = _stop(p, seen, signal.SIGKILL)    # nothing in the command can act: the kernel and workers notice
    assert rc == -signal.SIGKILL
    assert _partial(tmp_path / "c") == []                        # the workers stopped their runs cleanly on their own
    print(f"kill -9: nothing left {gone_s:.2f} s, {len(_runs(tmp_path / 'c'))} runs kept")

SCRIPT = """
import json, os, sys, threading, time
from mmdr.synthetic import make_cohort
from mmdr.fusion import single_branch, paper_model
from mmdr.train import TrainConfig
from mmdr.runs import make_specs
from mmdr.pool import run_grid, _POOL
cohort = make_cohort(n_patients=200, image_size=32, seed=0)
specs = make_specs([("FCN", single_branch("fcn")), ("Ours", paper_model())], cohort, seeds=6, train=TrainConfig(epochs=20, patience=20))
def report():                       # the pool's worker PIDs, for the test to watch
    while not _POOL["executor"] or not getattr(_POOL["executor"], "_processes", None) or len(_POOL["executor"]._processes) < 2: time.sleep(0.05)
    open(sys.argv[2], "w").write(json.dumps(list(_POOL["executor"]._processes)))
threading.Thread(target=report, daemon=True).start()
run_grid(specs, cohort, cache_dir=sys.argv[1], progress=False, workers=2)
"""

def test_a_worker_whose_parent_is_killed_exits_by_itself(tmp_path):
    (tmp_path / "grid.py").write_text(SCRIPT)
    pids_file = tmp_path / "pids.json"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    p = subprocess.Popen([sys.executable, str(tmp_path / "grid.py"), str(tmp_path / "cache"), str(pids_file)], cwd=tmp_path, env=env,
                         start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    t = time.monotonic()
    while not pids_file.exists() or not pids_file.read_text():
        if p.poll() is not None or time.monotonic() - t > START_S: p.kill(); pytest.fail(f"no worker pool started:\n{p.stdout.read()[-3000:]}")
        time.sleep(0.05)
    workers = {q: psutil.Process(q) for q in json.loads(pids_file.read_text())}
    # A spawned worker exists seconds before it can act (it imports torch, then starts its parent watch): wait until
    # one has finished a run, so the workers are training when the parent dies, not still starting.
    while not list((tmp_path / "cache").glob("*.json")):
        if p.poll() is not None or time.monotonic() - t > START_S: p.kill(); pytest.fail(f"no run finished:\n{p.stdout.read()[-3000:]}")
        time.sleep(0.05)
    time.sleep(0.5)
    p.kill(); p.wait(STOP_S)                                     # kill -9 of the parent: no signal reaches the workers
    gone_s = _wait_gone(workers, STOP_S)
    print(f"workers gone {gone_s:.2f} s after their parent was killed")
    assert gone_s < 0.5 + 5.0 + 1.5, gone_s   # a watch twice a second, then SIGTERM; if that cannot end it, os._exit after a 5 s grace
    assert [f.name for f in (tmp_path / "cache").iterdir() if f.suffix == ".pt" and not f.with_suffix(".json").exists()] == []

KERNEL_CELL = """
import json, os, threading, time
from mmdr.synthetic import make_cohort
from mmdr.fusion import single_branch, paper_model
from mmdr.train import TrainConfig
from mmdr.runs import make_specs
from mmdr.pool import run_grid, _POOL
cohort = make_cohort(n_patients=200, image_size=32, seed=0)
specs = make_specs([("FCN", single_branch("fcn")), ("Ours", paper_model())], cohort, seeds=3, train=TrainConfig(epochs=3))
def report():
    while not _POOL["executor"] or not getattr(_POOL["executor"], "_processes", None) or len(_POOL["executor"]._processes) < 2: time.sleep(0.05)
    open(PIDS, "w").write(json.dumps(list(_POOL["executor"]._processes)))
threading.Thread(target=report, daemon=True).start()
res = run_grid(specs, cohort, cache_dir=CACHE, progress=False, workers=2)
"""

def test_a_kernel_interrupt_stops_run_grid_and_the_kernel_answers(tmp_path):
    from jupyter_client.manager import start_new_kernel
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    km, kc = start_new_kernel(kernel_name="python3", env=env, cwd=str(tmp_path), startup_timeout=START_S)
    try:
        cache, pids = tmp_path / "cache", tmp_path / "pids.json"
        kc.execute_interactive(f"CACHE, PIDS = {str(cache)!r}, {str(pids)!r}", timeout=60)
        msg_id = kc.execute(KERNEL_CELL)
        t = time.monotonic()
        while not pids.exists() or not pids.read_text() or not list(cache.glob("*.json")):
            if time.monotonic() - t > START_S: pytest.fail("the grid did not start in the kernel")
            time.sleep(0.05)
        workers = {q: psutil.Process(q) for q in json.loads(pids.read_text())}
        t = time.monotonic(); km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=STOP_S)
        while reply["parent_header"].get("msg_id") != msg_id: reply = kc.get_shell_msg(timeout=STOP_S)
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt", reply["content"]
        assert time.monotonic() - t < STOP_S
        _wait_gone(workers, STOP_S)                              # the pool's processes ended with the cell
        kept = len(list(cache.glob("*.json")))
        assert not [f for f in cache.iterdir() if f.suffix == ".pt" and not f.with_suffix(".json").exists()]
        # the kernel answers, and rerunning the cell resumes: what was kept comes from the cache
        printed = []
        def hook(m):
            if m["msg_type"] == "stream": printed.append(m["content"]["text"])
        reply = kc.execute_interactive(KERNEL_CELL + "\nprint(json.dumps([r.cached for r in res]))", timeout=START_S, output_hook=hook)
        assert reply["content"]["status"] == "ok", reply["content"]
        cached = json.loads("".join(printed).strip().splitlines()[-1])
        assert len(cached) == 6 and sum(cached) == kept, (cached, kept)
    finally:
        kc.stop_channels(); km.shutdown_kernel(now=True)
