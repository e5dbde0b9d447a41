"""The site builder's pieces (nbs/_site): nbdev directives become myst-nb tags, only finished paper runs are shown,
Markdown docstrings become valid reST, and a failed build names the notebook and the cell. Fast; the full build and
the browser checks are in test_docs.py."""
import json, sys
from pathlib import Path

SITE = Path(__file__).resolve().parents[1] / "nbs" / "_site"
sys.path.insert(0, str(SITE))
import build, conf   # noqa: E402

def code(src): return {"cell_type": "code", "metadata": {}, "source": src, "outputs": [], "execution_count": None}

def test_directives_become_tags_and_are_stripped():
    hidden = build.cell_for_site(code("#| hide\nfrom fastcore.test import test_eq"))
    assert hidden["metadata"]["tags"] == ["remove-cell"] and hidden["source"] == "from fastcore.test import test_eq"
    slow = build.cell_for_site(code("#| slow\nbig = make_cohort(100_000)"))
    assert slow["metadata"]["tags"] == ["skip-execution"] and "not run for the site" in slow["source"] and "#|" not in slow["source"]
    exported = build.cell_for_site(code("#|export\ndef f(): pass"))
    assert exported["source"] == "def f(): pass" and "tags" not in exported["metadata"]
    assert build.cell_for_site(code("#| default_exp core"))["metadata"]["tags"] == ["remove-cell"]
    assert build.cell_for_site(code("#| echo: false\nplot()"))["metadata"]["tags"] == ["remove-input"]

def test_only_a_finished_paper_run_is_shown(tmp_path):
    def run(**pm):
        f = tmp_path / f"{len(list(tmp_path.iterdir()))}.ipynb"
        f.write_text(json.dumps({"cells": [], "metadata": {"papermill": pm}})); return f
    assert build.finished_run(run(end_time="2026-01-01T00:00:00", exception=None, parameters={"profile": "paper"}))
    assert not build.finished_run(run(end_time=None, exception=None, parameters={"profile": "paper"}))        # still running
    assert not build.finished_run(run(end_time="2026-01-01", exception=True, parameters={"profile": "paper"}))  # failed
    assert not build.finished_run(run(end_time="2026-01-01", exception=None, parameters={"profile": "quick"}))
    assert not build.finished_run(tmp_path / "absent.ipynb")

def test_markdown_docstrings_become_rest():
    assert conf.md_to_rst("A list of `RunResult`s.") == "A list of ``RunResult``\\ s."
    assert conf.md_to_rst("writes figures/*.md") == "writes figures/\\*.md"
    assert conf.md_to_rst("see `a` (and `b`)") == "see ``a`` (and ``b``)"

def test_a_failed_build_names_the_notebook_and_the_cell():
    log = ("nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:\n"
           "    ------------------\n    x = 1 / 0\n    ------------------\n\n"
           "    \x1b[31mZeroDivisionError\x1b[39m: division by zero\n"
           "    myst_nb.core.execute.base.ExecutionError: /w/_proc/site/nbs/01_data.ipynb\n")
    msg = build.failed_cell(log)
    assert "01_data.ipynb" in msg and "x = 1 / 0" in msg and "ZeroDivisionError: division by zero" in msg, msg
