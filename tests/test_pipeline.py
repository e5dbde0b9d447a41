"The experiment pipeline end to end: padding, no leakage through `run_one`, bit-identical runs wherever they run."
import json, subprocess, sys, textwrap
from pathlib import Path
import numpy as np
import torch
import pytest
from mmdr.data import prepare, toy_cohort
from mmdr.fusion import single_branch, paper_model, ModelConfig, BranchConfig
from mmdr.train import TrainConfig
from mmdr.data import cohort_fingerprint
from mmdr.runs import make_specs, run_one
from mmdr.pool import run_grid, shutdown_pool

sys.path.insert(0, str(Path(__file__).parent))
from frames_cohort import frames_cohort

QUICK = TrainConfig(epochs=2, patience=None)
SERIES_RNN = ModelConfig(branches=[BranchConfig(name="rnn", encoder="rnn", modality="series")])

def test_padding_series_statistics_use_real_steps_only():
    "Patients with 1 to 5 visits: the fitted mean is the mean over real steps, and padded steps stay exactly zero."
    c = frames_cohort(n=120, series_len=5)
    lengths = c.lengths["series"]
    assert set(lengths.tolist()) == {1, 2, 3, 4, 5}
    d = prepare(c, seed=0)
    raw = c.subset(d.indices["train"])
    real = torch.arange(5).view(1, -1) < raw.lengths["series"].view(-1, 1)
    vals = raw.x["series"][real & raw.mask["series"].view(-1, 1)]              # (real steps, C)
    fill = torch.nanmedian(vals, 0).values
    expected = torch.where(torch.isnan(vals), fill, vals).mean(0)
    np.testing.assert_allclose(d.preprocessor.state["series_mean"], expected.numpy(), rtol=1e-5)
    for part in (d.train, d.valid, d.test):
        pad = ~(torch.arange(5).view(1, -1) < part.lengths["series"].view(-1, 1))
        assert part.x["series"][pad].abs().sum() == 0
        assert not torch.isnan(part.x["series"]).any()
    mean_real = d.train.x["series"][torch.arange(5).view(1, -1) < d.train.lengths["series"].view(-1, 1)].mean(0)
    np.testing.assert_allclose(mean_real.numpy(), 0.0, atol=1e-5)             # standardised over the real steps: mean 0

def test_leakage_changing_test_patients_changes_no_fitted_state_or_history():
    "Through `run_one`: rewriting the test part of the raw cohort leaves the fitted state and the training history unchanged."
    c = frames_cohort(n=150)
    test_idx = torch.as_tensor(prepare(c, seed=0).indices["test"])
    changed = c.subset(range(len(c)))
    changed.x["tabular"][test_idx] = changed.x["tabular"][test_idx] * 10 + 5
    changed.x["series"][test_idx] = changed.x["series"][test_idx] * 3 + 1
    changed.x["text"][test_idx] = torch.where(changed.x["text"][test_idx] > 1, changed.x["text"][test_idx].flip(1).clamp_min(2), 0)
    assert prepare(changed, seed=0).preprocessor.state == prepare(c, seed=0).preprocessor.state
    model = paper_model(branches=[BranchConfig("fcn"), BranchConfig(name="rnn", encoder="rnn", modality="series"), BranchConfig("rnn_text", encoder="rnn", modality="text")])
    runs = [run_one(make_specs([("m", model)], x, seeds=[0], train=QUICK)[0], x, cache_dir=False) for x in (c, changed)]
    drop = lambda h: {k: v for k, v in h.items() if "seconds" not in k and k != "train_samples_per_s"}
    assert drop(runs[0].history) == drop(runs[1].history)
    assert runs[0].proba != runs[1].proba                                      # the change did reach the test part

def test_determinism_serial_workers_and_resume_give_identical_predictions(tmp_path):
    "A tiny grid: in this process, in 2 workers, and resumed from a half-deleted cache: exactly the same predictions."
    c = frames_cohort(n=150)
    specs = make_specs([("FCN", single_branch("fcn")), ("series RNN", SERIES_RNN)], c, seeds=2, train=QUICK)
    serial = run_grid(specs, c, cache_dir=tmp_path / "a", progress=False)
    parallel = run_grid(specs, c, cache_dir=tmp_path / "b", progress=False, workers=2)
    for f in sorted((tmp_path / "b").glob("*.json"))[::2]: f.unlink()           # an interrupted run, resumed
    resumed = run_grid(specs, c, cache_dir=tmp_path / "b", progress=False, workers=2)
    shutdown_pool()
    assert any(not r.cached for r in resumed) and any(r.cached for r in resumed)
    for a, b, r in zip(serial, parallel, resumed):
        assert a.proba == b.proba == r.proba, a.label
        assert a.history["val_loss"] == b.history["val_loss"]

def test_a_script_without_a_main_guard_can_use_workers(tmp_path):
    "Spawned workers do not re-run the script, so run_grid(workers=2) works without `if __name__ == '__main__':`."
    script = tmp_path / "noguard.py"
    script.write_text(textwrap.dedent(f'''
        from mmdr.data import toy_cohort
        from mmdr.fusion import single_branch
        from mmdr.train import TrainConfig
        from mmdr.runs import make_specs
        from mmdr.pool import run_grid
        c = toy_cohort(n=80, image_size=16)
        res = run_grid(make_specs([("FCN", single_branch("fcn"))], c, seeds=4, train=TrainConfig(epochs=1)), c,
                       cache_dir={str(tmp_path / "cache")!r}, progress=False, workers=2)
        print("RUNS", len(res))
    '''))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "RUNS 4" in out.stdout

def _grid_in_a_child():
    c = toy_cohort(n=60, image_size=16)
    run_grid(make_specs([("FCN", single_branch("fcn"))], c, seeds=4, train=TrainConfig(epochs=1)), c, cache_dir=False,
             progress=False, workers=2)

def test_a_child_process_that_used_workers_exits():
    "A process started by multiprocessing (a test runner's worker, say) that used the pool exits instead of waiting on it."
    import multiprocessing as mp
    p = mp.get_context("spawn").Process(target=_grid_in_a_child); p.start(); p.join(240)
    if p.exitcode is None: p.kill()
    assert p.exitcode == 0, "the child process hung on exit (or failed)"
