"Every name that was public at 73162bb still imports through its old path: it works, or warns with its new place."
import importlib, json, re, warnings
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = json.loads((ROOT / "tests" / "public_names_73162bb.json").read_text())
REMOVED = {(m, n): why for m, names in FIXTURE["removed"].items() for n, why in names.items()}
NAMES = sorted({(m, n) for section in ("modules", "earlier") for m, names in FIXTURE[section].items() for n in names}
               - set(REMOVED))

def import_old_path(module: str, name: str):
    "`from mmdr.<module> import <name>`, with the warnings it raises."
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        space = {}
        exec(f"from mmdr.{module} import {name}", space)
    return space[name], [w for w in caught if issubclass(w.category, DeprecationWarning)]

@pytest.mark.parametrize("module,name", NAMES, ids=[f"{m}.{n}" for m, n in NAMES])
def test_old_public_name_imports(module, name):
    _, deprecations = import_old_path(module, name)
    for w in deprecations:      # a moved or renamed name warns, and the warning says where it lives now
        assert re.search(r"\bmmdr\.\w+", str(w.message)), f"mmdr.{module}.{name} warns without naming a new place: {w.message}"

def test_removed_names_say_why_and_are_in_the_changelog():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    for (module, name), why in REMOVED.items():
        assert why.strip(), f"mmdr.{module}.{name}: a removed name needs its reason in the fixture"
        assert re.search(rf"\b{name}\b", changelog), f"mmdr.{module}.{name} was removed; CHANGELOG.md must say so"

def test_the_fixture_covers_every_module_of_73162bb():
    assert FIXTURE["commit"] == "73162bb" and len(FIXTURE["modules"]) >= 18
    assert sum(map(len, FIXTURE["modules"].values())) == 342      # the __all__ sizes measured at 73162bb

def test_a_moved_name_warns_with_its_new_home():
    obj, deprecations = import_old_path("experiments", "majority_runs")
    assert obj is importlib.import_module("mmdr.analyses").majority_runs
    assert any("mmdr.analyses.majority_runs" in str(w.message) for w in deprecations)
    paired_bootstrap, _ = import_old_path("metrics", "paired_bootstrap")
    import numpy as np
    y = np.arange(60) % 3
    with pytest.warns(DeprecationWarning, match=r"mmdr\.metrics\.paired_seed_comparison"):
        out = paired_bootstrap(y, np.eye(3)[y] * 0.8 + 0.2 / 3, np.full((60, 3), 1 / 3), n_boot=50)
    assert out["p_value"] == out["p_uncorrected"] and out["diff"] > 0
