"""`mmdr reproduce --manifest`: the console script reads a user's cohort, prints its exclusion report and the plan, and
refuses what it cannot run; --dry-run stops before any notebook runs (the notebooks themselves are tested elsewhere)."""
import subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MMDR = Path(sys.executable).parent / "mmdr"

def run(*args):
    return subprocess.run([str(MMDR), "reproduce", *args], cwd=ROOT, capture_output=True, text=True)

def manifest(tmp_path, extra=""):
    f = tmp_path / "my_cohort.csv"
    rows = "".join(f"P{i},{'ab'[i % 2]},{'cough fever' if i % 2 else 'no cough'},{40 + i},{5 + 3 * (i % 2)}\n" for i in range(10))
    f.write_text("patient_id,label,note,age,crp\n" + rows + extra)
    return f

def test_dry_run_prints_the_report_and_the_plan_and_runs_nothing(tmp_path):
    r = run("--manifest", str(manifest(tmp_path)), "--name", "pytest_cohort", "--dry-run", "--profile", "quick")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("[mmdr] cohort from") and "10 patient(s); classes a 5, b 5; modalities text, tabular" in lines[0]
    assert lines[1].startswith("ExclusionReport: 0 record(s); 0 of 10 input patient(s) excluded")
    plan = lines[-1]
    assert "40_table1.ipynb, 41_fig4_ablation.ipynb on the pytest_cohort cohort" in plan and "dry run" in plan
    assert str(ROOT / "runs" / "pytest_cohort" / "figures") in plan
    assert not (ROOT / "runs" / "pytest_cohort").exists()

def test_a_manifest_with_a_bad_row_fails_with_the_full_report(tmp_path):
    r = run("--manifest", str(manifest(tmp_path, "P99,,fever,50,3\nP98,a,cough,oops,4\n")), "--dry-run")
    assert r.returncode == 1
    assert "no label" in r.stderr and "2 record(s); 1 of 12 input patient(s) excluded" in r.stderr, r.stderr
    assert "missing_label" in r.stderr and "non_numeric_value" in r.stderr

def test_bad_names_and_combinations_are_refused(tmp_path):
    m = str(manifest(tmp_path))
    assert "taken by the synthetic" in run("--manifest", m, "--name", "paper", "--dry-run").stderr
    assert "letters, digits" in run("--manifest", m, "--name", "../x", "--dry-run").stderr
    assert "synthetic cohort only" in run("--manifest", m, "--beyond", "--dry-run").stderr
    r = run("--manifest", str(tmp_path / "absent.csv"), "--dry-run")
    assert r.returncode == 1 and "no such file" in r.stderr
