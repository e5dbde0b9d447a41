"The training loop under torchrun: 2 CPU processes, gloo, DistributedDataParallel."
import json, subprocess, sys
from pathlib import Path

BIN = Path(sys.executable).parent
ARGS = ["train", "--model", "paper", "--n-patients", "300", "--epochs", "3", "--device", "cpu", "--seed", "0"]

def test_ddp_two_processes_trains_close_to_one(tmp_path):
    single = subprocess.run([str(BIN / "mmdr"), *ARGS, "--out", str(tmp_path / "single.json")], capture_output=True, text=True)
    assert single.returncode == 0, single.stderr[-2000:]
    ddp = subprocess.run([str(BIN / "torchrun"), "--standalone", "--nproc_per_node=2", "--no-python", str(BIN / "mmdr"), *ARGS,
                          "--backend", "gloo", "--out", str(tmp_path / "ddp.json")], capture_output=True, text=True,
                         env={"OMP_NUM_THREADS": "1", "PATH": str(BIN) + ":/usr/bin:/bin"})
    assert ddp.returncode == 0, ddp.stderr[-3000:]
    s, d = (json.loads((tmp_path / f).read_text()) for f in ("single.json", "ddp.json"))
    assert d["world_size"] == 2 and s["world_size"] == 1
    assert d["metrics"]["n"] == s["metrics"]["n"]                  # rank 0 evaluated every test patient (gathered)
    chance = 1 / 4
    assert d["metrics"]["accuracy"] > chance + 0.1, d            # it learned
    assert abs(d["metrics"]["accuracy"] - s["metrics"]["accuracy"]) < 0.15, (s["metrics"], d["metrics"])
