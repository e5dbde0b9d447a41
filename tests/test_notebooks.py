"Experiment notebooks: a papermill `parameters` cell of literals whose defaults are the quick profile."
import ast, json
from pathlib import Path
import pytest
from mmdr.cli import PAPER_NOTEBOOKS, BEYOND_NOTEBOOKS, notebook_parameters

NBS = Path(__file__).resolve().parents[1] / "nbs"
EXPERIMENTS = [n for n in PAPER_NOTEBOOKS + BEYOND_NOTEBOOKS if (NBS / n).exists()]

def parameters_cell(name):
    nb = json.loads((NBS / name).read_text())
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"{name}: expected exactly one cell tagged 'parameters', found {len(cells)}"
    return "".join(cells[0]["source"])

def test_the_paper_notebooks_exist():
    assert set(PAPER_NOTEBOOKS) <= set(EXPERIMENTS)

@pytest.mark.parametrize("name", EXPERIMENTS)
def test_parameters_are_literals_defaulting_to_the_quick_profile(name):
    values = {}
    for stmt in ast.parse(parameters_cell(name)).body:
        assert isinstance(stmt, ast.Assign) and len(stmt.targets) == 1, f"{name}: the parameters cell may only assign literals"
        values[stmt.targets[0].id] = ast.literal_eval(stmt.value)   # raises if not a literal
    quick = notebook_parameters("quick", "auto", "/tmp")
    for key in ("profile", "epochs", "patience", "image_size", "workers", "device", "manifest"):
        assert key in values, f"{name}: parameter {key!r} missing"
    assert any(k == "seeds" or k.endswith("_seeds") for k in values), f"{name}: no seeds parameter (seeds, beyond_seeds, sens_seeds, ...)"
    for key in (set(quick) - {"out_dir"}) & set(values):                # every profile field it takes defaults to quick
        assert values[key] == quick[key], f"{name}: default {key}={values[key]!r}, the quick profile says {quick[key]!r}"
    assert values["out_dir"].startswith("../runs/"), "quick-profile outputs must go to the git-ignored runs/ folder"


def test_library_pieces_fit_a_screen():
    "No exported notebook cell and no function in mmdr/ is over 60 lines (issue 16: a student reads one idea at a time)."
    import ast
    root = Path(__file__).resolve().parents[1]
    long_cells = [f"{nb.name} cell {i}" for nb in sorted((root / "nbs").glob("*.ipynb"))
                  for i, c in enumerate(json.loads(nb.read_text())["cells"])
                  if c["cell_type"] == "code" and "".join(c["source"]).lstrip().startswith("#| export")
                  and "".join(c["source"]).count("\n") + 1 > 60]
    long_funcs = [f"{py.name}:{n.name} ({n.end_lineno - n.lineno + 1} lines)" for py in sorted((root / "mmdr").glob("*.py"))
                  if py.name != "_modidx.py" for n in ast.walk(ast.parse(py.read_text()))
                  if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > 60]
    assert not long_cells and not long_funcs, f"over 60 lines: {long_cells + long_funcs}"
