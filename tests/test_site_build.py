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

ROOT = SITE.parents[1]

def test_every_figure_and_table_has_its_provenance_footer(tmp_path):
    "Each figures/ table page ends with its provenance line, and each figure on the 'Figures and tables' page has one."
    from mmdr.report import NOT_FIGURES
    build.stage_figures(tmp_path)
    tables = [p for p in sorted((ROOT / "figures").glob("*.md")) if p.name not in NOT_FIGURES]
    missing = [p.name for p in tables if "> **Provenance** · made by" not in (tmp_path / "figures" / p.name).read_text()]
    assert tables and not missing, f"table pages without a provenance footer: {missing}"
    page = (tmp_path / "figures.md").read_text()
    pngs = sorted((ROOT / "figures").glob("*.png"))
    for p in pngs:
        after = page[page.index(f"![{p.stem}](figures/{p.name})"):]
        assert after.split("\n## ")[0].count("> **Provenance** · made by") == 1, f"{p.name} has no provenance footer"
    assert "mmdr reproduce --notebook 40_table1.ipynb" in (tmp_path / "figures" / "table1.md").read_text()

def test_progress_bars_show_their_final_state():
    history = "runs:   0%|          | 0/25 [00:00<?, ?run/s]\rruns:  40%|####      | 10/25 [00:04<00:06]\rruns: 100%|##########| 25/25 [00:10<00:00]\n"
    assert build.final_state(history) == "runs: 100%|##########| 25/25 [00:10<00:00]\n"
    warning = ("/x/tqdm/auto.py:21: TqdmWarning: IProgress not found. Please update jupyter and ipywidgets.\n"
               "  from .autonotebook import tqdm as notebook_tqdm\nkept\n")
    assert build.final_state(warning) == "kept\n"
    cell = {"cell_type": "code", "outputs": [{"output_type": "stream", "name": "stderr", "text": warning.splitlines(True)[:2]},
                                             {"output_type": "stream", "name": "stdout", "text": history}]}
    outs = build.clean_outputs(cell)["outputs"]
    assert [o["name"] for o in outs] == ["stdout"] and outs[0]["text"].count("%|") == 1

def test_readme_links_become_the_site_pages():
    text = "[s](REPRODUCIBILITY.md) [c](CONTRIBUTING.md#where-outputs-go) [cite](CITATION.cff) [n](nbs) [f](figures/) [t](nbs/40_table1.ipynb)"
    assert build.site_links(text) == ("[s](reproducibility.md) [c](contributing.md#where-outputs-go) [cite](cite.md) "
                                      "[n](lessons.md) [f](figures.md) [t](nbs/40_table1.ipynb)")

def test_the_cite_page_cites_mmdr_and_the_paper():
    page = build.cite_page()
    assert "@software{mmdr" in page and "@article{liu2024multimodal" in page and "Liu, Xiaoyi and Qiu, Hongjie" in page
    assert "year = {2024}" in page and "cff-version: 1.2.0" in page

def test_executed_streams_are_joined_as_a_terminal_would():
    "myst-nb would join a bar's chunks with newlines (its history); the site joins them as written and keeps the final state."
    from nbformat import NotebookNode
    chunks = ["\rgrid.ipynb:   0%|   | 0/3 runs", "\rgrid.ipynb:  33%|#  | 1/3 runs", "\rgrid.ipynb: 100%|###| 3/3 runs", "\n"]
    outs = [NotebookNode(output_type="stream", name="stderr", text=c) for c in chunks[:2]]
    outs += [NotebookNode(output_type="stream", name="stdout", text="done\n")]
    outs += [NotebookNode(output_type="stream", name="stderr", text=c) for c in chunks[2:]]
    merged = conf._streams_as_a_terminal_leaves_them(outs)
    stderr = [o["text"] for o in merged if o.get("name") == "stderr"]
    assert len(stderr) == 1 and stderr[0].strip() == "grid.ipynb: 100%|###| 3/3 runs", merged
    assert [o["text"] for o in merged if o.get("name") == "stdout"] == ["done\n"]
