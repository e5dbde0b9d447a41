"The install is locked in two places (Makefile for pip, environment.yml for conda); they must not drift."
import configparser, re, shlex
from pathlib import Path
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]

def makefile_pins() -> dict:
    text = (ROOT / "Makefile").read_text()
    body = re.search(r"^PINS := (.*?)\n\n", text, re.S | re.M).group(1).replace("\\\n", " ")
    return dict(p.split("==") for p in body.split())

def environment_pins() -> dict:
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.match(r"^\s+-\s+([A-Za-z0-9_.\-]+)==(\S+)\s*$", line)
        if m: pins[m.group(1)] = m.group(2)
    return pins

def test_environment_yml_and_makefile_pin_the_same_versions():
    mk, env = makefile_pins(), environment_pins()
    assert len(mk) > 10
    assert mk == env, {k: (mk.get(k), env.get(k)) for k in set(mk) | set(env) if mk.get(k) != env.get(k)}

def test_torch_pins_are_the_ones_that_install_offline():
    mk = makefile_pins()
    assert (mk["torch"], mk["torchvision"]) == ("2.14.1", "0.29.1")
    assert mk["nbdev"] == "2.4.14"
    assert mk["captum"] == "0.9.0"   # mmdr.explain's gradients; needs only torch>=2.3, numpy, matplotlib, tqdm, packaging

def test_dask_and_distributed_are_pinned_in_step():
    "Grids on a cluster (30b_pool) need both; Dask releases them together, and a mismatched pair refuses to start."
    mk = makefile_pins()
    assert mk["dask"] == mk["distributed"] == "2026.8.0"

def test_settings_ini_ranges_admit_the_pinned_versions():
    cfg = configparser.ConfigParser(delimiters=["="]); cfg.read(ROOT / "settings.ini")
    d = cfg["DEFAULT"]
    assert d["allowed_cell_metadata_keys"] == "tags"     # or nbdev_clean strips papermill's parameters tag
    mk = {k.lower(): v for k, v in makefile_pins().items()}
    reqs = [Requirement(r) for key in ("requirements", "dev_requirements", "dicom_requirements", "nifti_requirements", "tutorial_requirements")
            for r in shlex.split(d.get(key, ""))]
    checked = 0
    for r in reqs:
        if r.name.lower() in mk:
            assert r.specifier.contains(mk[r.name.lower()], prereleases=True), f"settings.ini asks {r}, the Makefile pins {mk[r.name.lower()]}"
            checked += 1
    assert checked >= 10

def test_readme_shows_the_committed_table1_and_figure4():
    readme = (ROOT / "README.md").read_text()
    for f in ("table1.md", "fig4_ablation.md"):          # the claims tables are in REPRODUCIBILITY.md, their verdicts in the README
        assert (ROOT / "figures" / f).read_text().strip() in readme, f"README.md does not show the current figures/{f}"
    summary = (ROOT / "REPRODUCIBILITY.md").read_text()
    for f in ("table1_claims.md", "fig4_claims.md"):
        assert f"figures/{f}" in readme + summary, f"neither README.md nor REPRODUCIBILITY.md cites figures/{f}"
    assert "make reproduce" in readme and "make test" in readme

def test_ci_calls_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_a_folder_named_mmdr_in_the_working_directory_does_not_shadow_the_package(tmp_path):
    "From the folder above a clone named `mmdr`, `import mmdr` is still the package (make install puts the checkout on sys.path)."
    import subprocess, sys
    (tmp_path / "mmdr").mkdir()                       # what a clone named mmdr looks like from its parent: a folder, no __init__.py
    out = subprocess.run([sys.executable, "-c", "import mmdr; print(mmdr.__version__); print(mmdr.__file__)"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, ("a folder named mmdr in the working directory shadows the package (run `make install`, which writes "
                                 "mmdr-checkout.pth into site-packages): " + out.stderr[-800:])
    version, where = out.stdout.split()
    assert Path(where) == ROOT / "mmdr" / "__init__.py", where
