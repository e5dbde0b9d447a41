"The training loop under torchrun: 2 CPU processes, gloo, DistributedDataParallel."
import json, os, subprocess, sys
from pathlib import Path

BIN = Path(sys.executable).parent
HERE = Path(__file__).parent
ARGS = ["train", "--model", "paper", "--n-patients", "300", "--epochs", "3", "--device", "cpu", "--seed", "0"]
ENV = {"OMP_NUM_THREADS": "1", "PATH": str(BIN) + ":/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp")}

def test_ddp_step_predictions_and_best_weights_match(tmp_path):
    "One 2x16 step equals one 32 step (no batch statistics); ranks hold equal weights; gathered predictions are single-process ones."
    run = subprocess.run([str(BIN / "torchrun"), "--standalone", "--nproc_per_node=2", str(HERE / "ddp_worker.py"), str(tmp_path)],
                         capture_output=True, text=True, env=ENV, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    for r in ranks:
        assert r["params_equal_across_ranks"], r
        assert r["ddp_vs_single_step_max_abs"] < 1e-5, r
        assert r["gathered_vs_single_predictions_max_abs"] < 1e-5, r
        assert r["fit_state_equal_across_ranks"], r                  # BatchNorm buffers synced, same best epoch kept
    assert ranks[0]["best_epoch"] == ranks[1]["best_epoch"]

def test_ddp_two_processes_trains_close_to_one(tmp_path):
    single = subprocess.run([str(BIN / "mmdr"), *ARGS, "--out", str(tmp_path / "single.json")], capture_output=True, text=True)
    assert single.returncode == 0, single.stderr[-2000:]
    ddp = subprocess.run([str(BIN / "torchrun"), "--standalone", "--nproc_per_node=2", "--no-python", str(BIN / "mmdr"), *ARGS,
                          "--backend", "gloo", "--out", str(tmp_path / "ddp.json")], capture_output=True, text=True, env=ENV)
    assert ddp.returncode == 0, ddp.stderr[-3000:]
    s, d = (json.loads((tmp_path / f).read_text()) for f in ("single.json", "ddp.json"))
    assert d["world_size"] == 2 and s["world_size"] == 1
    assert d["metrics"]["n"] == s["metrics"]["n"]                  # rank 0 evaluated every test patient (gathered)
    assert d["metrics"]["accuracy"] > 0.25 + 0.1, d                # it learned
    assert abs(d["metrics"]["accuracy"] - s["metrics"]["accuracy"]) < 0.15, (s["metrics"], d["metrics"])

def test_ranks_exit_when_torchrun_is_killed(tmp_path):
    "kill -9 of torchrun: no signal reaches the ranks; each notices its launcher is gone and exits with a message, instead of hanging."
    psutil = __import__("pytest").importorskip("psutil")
    import signal, time
    args = ["train", "--model", "paper", "--n-patients", "3000", "--epochs", "500", "--device", "cpu", "--backend", "gloo"]
    p = subprocess.Popen([str(BIN / "torchrun"), "--standalone", "--nproc_per_node=2", "--no-python", str(BIN / "mmdr"), *args],
                         env={**ENV, **{k: os.environ[k] for k in ("PYTHONPATH",) if k in os.environ}}, start_new_session=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    def cmd(c):                                  # a child may have exited (a zombie) between listing and reading it
        try: return " ".join(c.cmdline())
        except (psutil.ZombieProcess, psutil.NoSuchProcess, psutil.AccessDenied): return ""
    t = time.monotonic()
    try:
        while True:
            ranks = [c for c in psutil.Process(p.pid).children(recursive=True) if "train" in cmd(c)]
            if len(ranks) == 2: break
            assert p.poll() is None and time.monotonic() - t < 180, "torchrun did not start two ranks"
            time.sleep(0.1)
        time.sleep(3.0)                                          # the ranks are joining the group or training
        os.kill(p.pid, signal.SIGKILL); t = time.monotonic()
        while any(r.is_running() and r.status() != psutil.STATUS_ZOMBIE for r in ranks):
            assert time.monotonic() - t < 10, "a rank still runs 10 s after torchrun was killed"
            time.sleep(0.05)
    finally:
        with __import__("contextlib").suppress(OSError): os.killpg(p.pid, signal.SIGKILL)
    out = p.communicate(timeout=30)[0]
    assert out.count("its launcher (torchrun") == 2, out[-3000:]
