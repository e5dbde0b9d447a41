"""End to end, one test per shape of cohort a researcher brings (tests/cohort_shapes.py): `mmdr reproduce --manifest
... --profile quick` on 80 generated patients, asserting on the Table I and ablation tables it writes. The rows are the
branches the data allow; the paper's columns and answers are not there; a binary task has ROC-AUC (column "ROC-AUC")."""
import json, re, shutil, subprocess, sys
from pathlib import Path
import pandas as pd
import pytest
from cohort_shapes import write_cohort

ROOT = Path(__file__).resolve().parents[1]
MMDR = Path(sys.executable).parent / "mmdr"

EXPECTED = {  # shape: (modalities printed, Table I rows, ablation rows)
    "labs_series": ("tabular, series", ["RNN", "FCN"], ["N_RNN", "N_FCN"]),
    "notes_categorical": ("text, tabular", ["RNN", "FCN"], ["N_RNN", "N_FCN"]),
    "images_labs": ("image, tabular", ["CNN", "Transformer", "FCN"], ["N_CNN", "N_Transformer", "N_FCN"]),
}

def _mean(cell: str) -> float: return float(re.match(r"\s*(-?[\d.]+) ±", cell)[1])

@pytest.mark.parametrize("shape", list(EXPECTED))
def test_reproduce_runs_table1_and_the_ablation_on_a_cohort_of_this_shape(shape, tmp_path):
    manifest, out, name = write_cohort(tmp_path / "cohort", shape), tmp_path / "out", f"pytest_{shape}"
    try:
        r = subprocess.run([str(MMDR), "reproduce", "--manifest", str(manifest), "--name", name, "--profile", "quick",
                            "--out", str(out), "--no-progress"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    finally: shutil.rmtree(ROOT / "runs" / name, ignore_errors=True)      # the executed notebooks (git-ignored)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    mods, singles, removals = EXPECTED[shape]
    assert f"80 patient(s); classes well" in r.stdout and f"modalities {mods}" in r.stdout
    t1 = pd.read_csv(out / "table1.csv", index_col="model")
    assert list(t1.index) == singles + ["Ours", "Product (no training)", "Classical", "Majority class"]
    assert list(t1.columns) == ["precision (macro)", "accuracy", "f1 (macro)", "recall (macro)", "ROC-AUC"]    # no paper columns
    for cell in t1.to_numpy().ravel(): assert 0 <= _mean(cell) <= 1, cell
    assert _mean(t1.loc["Majority class", "ROC-AUC"]) == 0.5            # reads nothing: chance ROC-AUC
    f4 = pd.read_csv(out / "fig4_ablation.csv", index_col="model")
    assert list(f4.index) == ["Ours"] + removals + ["Classical"] and "ROC-AUC" in f4.columns
    assert f4.loc["Ours", "accuracy"] == t1.loc["Ours", "accuracy"]  # the same fused runs, from the cache
    for claims, rows in (("table1_claims.md", singles), ("fig4_claims.md", removals)):
        text = (out / claims).read_text()
        assert "paper" not in text.splitlines()[0] and "the paper" not in text.lower()
    c4 = (out / "fig4_claims.md").read_text()
    for removal in removals: assert f"removing the {removal[2:]} branch hurts" in c4
    entry = json.loads((out / "manifest.json").read_text())
    assert entry["table1"]["manifest"] == str(manifest) and entry["table1"]["runs"] == 2 * (len(singles) + 4)
    assert entry["fig4_ablation"]["runs"] == 2 * (len(removals) + 2)
