"""The README's results block is what `mmdr.report.update_readme` writes from figures/ and the manifest."""
import json, shutil
from pathlib import Path
import pytest

from mmdr.metrics import interval_violations
from mmdr.report import END, START, render_results, update_readme

ROOT = Path(__file__).resolve().parents[1]
README, FIGURES = ROOT / "README.md", ROOT / "figures"
FIX = "python -c \"from mmdr.report import update_readme; update_readme('README.md', 'figures')\""


def test_readme_results_block_matches_figures():
    text = README.read_text()
    if START not in text or END not in text:
        pytest.skip(f"README.md has no {START} ... {END} markers yet, so there is no generated block to check")
    assert update_readme(README, FIGURES, check=True), f"README.md's results block differs from figures/; run {FIX}"


def test_readme_check_fails_when_a_table_changes(tmp_path):
    fig = tmp_path / "figures"
    shutil.copytree(FIGURES, fig, ignore=shutil.ignore_patterns("*.png", "*.svg", "*.csv", "*.tex"))
    readme = tmp_path / "README.md"
    readme.write_text(f"# mmdr\n\n{START}\n{END}\n\n## After\n")
    assert not update_readme(readme, fig)                      # empty block: written
    assert update_readme(readme, fig, check=True)
    written = readme.read_text()
    assert (FIGURES / "table1.md").read_text().strip() in written
    table = fig / "table1.md"
    table.write_text(table.read_text().replace("0.", "0,", 1))  # one changed character in one table
    assert not update_readme(readme, fig, check=True)
    assert readme.read_text() == written                       # check=True never writes
    manifest = json.loads((fig / "manifest.json").read_text())
    assert update_readme(readme, fig) is False and update_readme(readme, fig, check=True)
    manifest.setdefault("reproduce", {})["wall_seconds"] = 12345.6  # a timing changes: the block must change too
    (fig / "manifest.json").write_text(json.dumps(manifest))
    assert not update_readme(readme, fig, check=True)
    assert "12,345.6" in render_results(fig)


def test_readme_figure_intervals_hold_their_mean():
    "Every 'mean ± sd [lo, hi]' cell in figures/*.md has lo <= mean <= hi (issue 9's done-when)."
    bad = {p.name: v for p in sorted(FIGURES.glob("*.md")) if (v := interval_violations(p.read_text()))}
    assert not bad, f"printed means outside their own interval: {bad}"
