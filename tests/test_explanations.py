"""49_explanations on a cohort of your own (issue 30): no masks, no clause spans, so the explanations are drawn or
tabulated and the notebook says plainly that there is nothing to score them against."""
import os
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

def _manifest(tmp_path, n=48):
    f = tmp_path / "notes_and_labs.csv"
    rows = "".join(f"P{i},{'ab'[i % 2]},{'cough fever' if i % 2 else 'no cough'},{40 + i % 7},{5 + 3 * (i % 2) + i % 3}\n"
                   for i in range(n))
    f.write_text("patient_id,label,note,age,crp\n" + rows)
    return f

def test_on_a_cohort_without_truth_the_notebook_says_there_is_nothing_to_score_against(tmp_path, monkeypatch):
    import papermill as pm
    monkeypatch.setenv("MMDR_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "figures"
    pm.execute_notebook(str(ROOT / "nbs" / "49_explanations.ipynb"), str(tmp_path / "49.ipynb"), kernel_name="python3",
                        parameters={"manifest": str(_manifest(tmp_path)), "out_dir": str(out), "schemes": ["joint"]},
                        cwd=str(ROOT / "nbs"), progress_bar=False)
    findings = (out / "explanations_findings.md").read_text()
    assert "nothing to score them against" in findings
    assert not (out / "explanations.csv").exists() and not (out / "explanations.png").exists()   # no truth, no scans
    branches = (out / "explanations_branches.md").read_text()
    assert "Ours" in branches and "most credit" in branches and "oracle" not in branches
