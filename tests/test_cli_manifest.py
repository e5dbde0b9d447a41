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
    assert lines[1] == "no settings file (my_cohort.toml); no measurements file (my_cohort.measurements.csv)"
    assert lines[2] == "Table I rows: RNN, FCN, Ours (their fusion), Product (no training), Classical, Majority class; the ablation removes RNN, FCN"
    assert lines[3].startswith("ExclusionReport: 0 record(s); 0 of 10 input patient(s) excluded")
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


def test_the_sidecar_files_beside_a_manifest_are_read_and_reported(tmp_path):
    "categorical_cols and class_names from <name>.toml, a series from <name>.measurements.csv: what the CLI had no way to say."
    f = tmp_path / "ward.csv"
    f.write_text("patient_id,label,sex,age\n" + "".join(f"P{i},{'yn'[i % 2]},{'FM'[i % 3 == 0]},{40 + i}\n" for i in range(8)))
    r = run("--manifest", str(f), "--dry-run")
    assert r.returncode == 1 and "sex = 'F' is not a number" in r.stderr and "write categorical_cols = ['sex'] in ward.toml" in r.stderr
    (tmp_path / "ward.toml").write_text('categorical_cols = ["sex"]\nclass_names = ["n", "y"]\n')
    (tmp_path / "ward.measurements.csv").write_text("patient_id,time,variable,value\n" + "".join(f"P{i},{t},hr,{70 + i + t}\n" for i in range(8) for t in range(3)))
    r = run("--manifest", str(f), "--dry-run")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "8 patient(s); classes n 4, y 4; modalities tabular, series" in lines[0]
    assert lines[1] == "settings from ward.toml: categorical_cols = ['sex']; class_names = ['n', 'y']; measurements from ward.measurements.csv: 24 row(s)"
    assert lines[2].startswith("Table I rows: RNN, FCN, Ours")


def test_a_bad_sidecar_and_a_single_modality_are_refused_before_anything_runs(tmp_path):
    f = tmp_path / "labs.csv"
    f.write_text("patient_id,label,age\nA,x,1\nB,y,2\n")
    r = run("--manifest", str(f), "--dry-run")
    assert r.returncode == 1 and "labs.csv: the cohort has the modalities ['tabular']" in r.stderr and "at least two" in r.stderr
    (tmp_path / "labs.toml").write_text('categoricals = ["sex"]\n')
    r = run("--manifest", str(f), "--dry-run")
    assert r.returncode == 1 and "[bad_config] labs.toml: categoricals is not a setting; did you mean 'categorical_cols'?" in r.stderr
    (tmp_path / "labs.toml").write_text('[measurements]\nfile = "vitals.csv"\n')
    r = run("--manifest", str(f), "--dry-run")
    assert r.returncode == 1 and "[measurements] file = 'vitals.csv': there is no" in r.stderr


def test_the_readme_schema_names_every_setting():
    "The schema table (in 02d_manifest) lists every key a sidecar file may hold (and the sibling file names)."
    import json
    from mmdr.manifest import MANIFEST_SETTINGS, MEASUREMENT_SETTINGS
    cells = json.loads((ROOT / "nbs" / "02d_manifest.ipynb").read_text())["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    schema = text[text.index("### The manifest's schema"):]
    missing = [k for k in [*MANIFEST_SETTINGS, *MEASUREMENT_SETTINGS] if k != "measurements" and f"`{k}`" not in schema]
    assert not missing and "cohort.measurements.csv" in schema and "cohort.toml" in schema, missing
