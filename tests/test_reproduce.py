"`mmdr reproduce` end to end in the quick profile: outputs, cache on a second run, clear failure."
import json, subprocess, sys, shutil
from pathlib import Path
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
MMDR = Path(sys.executable).parent / "mmdr"

def run(*args, **kw):
    return subprocess.run([str(MMDR), *args], cwd=ROOT, capture_output=True, text=True, **kw)

@pytest.fixture(scope="module")
def quick_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    first = run("reproduce", "--profile", "quick", "--device", "cpu", "--out", str(out))
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Passed unknown parameter" not in first.stdout + first.stderr   # only the parameters a notebook declares
    return out, first

def test_reproduce_writes_table1_and_figure4(quick_out):
    out, _ = quick_out
    for f in ("table1.csv", "table1.md", "table1.tex", "fig4_ablation.png", "fig4_ablation.svg", "fig4_ablation.csv", "manifest.json"):
        assert (out / f).stat().st_size > 0, f
    t = pd.read_csv(out / "table1.csv", index_col=0)
    assert list(t.index) == ["CNN", "RNN", "Transformer", "FCN", "Ours", "Product (no training)", "Classical"]
    assert t.loc["Ours", "paper accuracy"] == 0.77                       # the paper's column is the paper's
    assert "±" in t.loc["Ours", "accuracy"]                              # ours is measured: mean ± sd [CI]
    man = json.loads((out / "manifest.json").read_text())
    assert man["table1"]["profile"] == "quick" and man["fig4_ablation"]["runs"] == 10   # Ours, the paper's 3 removals and the classical baseline, 2 seeds
    from mmdr.metrics import interval_violations
    for f in ("table1.md", "fig4_ablation.md"):
        assert interval_violations((out / f).read_text()) == [], f                # every mean inside its interval

def test_second_run_comes_from_the_cache(quick_out):
    out, _ = quick_out
    again = run("reproduce", "--profile", "quick", "--device", "cpu", "--out", str(out))
    assert again.returncode == 0, again.stderr
    man = json.loads((out / "manifest.json").read_text())
    assert man["table1"]["runs_from_cache"] == man["table1"]["runs"] == 14   # 7 rows x 2 seeds; the product of cached runs counts as cached
    assert man["fig4_ablation"]["runs_from_cache"] == man["fig4_ablation"]["runs"]

def test_a_failing_notebook_exits_nonzero_and_names_it(tmp_path):
    from mmdr.runner import run_notebook, NotebookFailed
    nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "x = 1", "outputs": [], "execution_count": None, "id": "a"},
                    {"cell_type": "code", "metadata": {}, "source": "raise ValueError('bad cohort')", "outputs": [], "execution_count": None, "id": "b"}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "broken.ipynb").write_text(json.dumps(nb))
    with pytest.raises(NotebookFailed, match=r"broken.ipynb failed in cell .*ValueError: bad cohort"):
        run_notebook("broken.ipynb", {"x": 2}, tmp_path / "runs", nbs_dir=tmp_path)
    r = run("reproduce", "--profile", "quick", "--notebook", "no_such.ipynb", "--out", str(tmp_path))
    assert r.returncode == 1 and "no_such.ipynb" in r.stderr
