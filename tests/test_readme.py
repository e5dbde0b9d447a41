"""The README is a front door whose numbers all come from figures/: its results block, REPRODUCIBILITY.md and
figures/provenance.md are what `mmdr.report.write_reports` writes, every file in figures/ has its provenance, and every
notebook is on the reading path."""
import json, re, shutil
from pathlib import Path
import pytest

from mmdr.metrics import interval_violations
from mmdr.report import (END, START, figure_experiment, figure_files, load_manifest, provenance_line, render_results,
                         update_readme, write_reports)

ROOT = Path(__file__).resolve().parents[1]
README, FIGURES = ROOT / "README.md", ROOT / "figures"
FIX = "make readme (or: python -c \"from mmdr.report import write_reports; write_reports('.')\")"


def test_readme_results_block_matches_figures():
    text = README.read_text()
    assert START in text and END in text, f"README.md has lost its {START} ... {END} markers"
    assert write_reports(ROOT, check=True)["README.md"], f"README.md's results block differs from figures/; run {FIX}"


def test_summary_and_provenance_match_figures():
    up_to_date = write_reports(ROOT, check=True)
    assert up_to_date["REPRODUCIBILITY.md"], f"REPRODUCIBILITY.md differs from figures/; run {FIX}"
    assert up_to_date["figures/provenance.md"], f"figures/provenance.md differs from figures/manifest.json; run {FIX}"


def test_every_file_in_figures_has_its_provenance():
    manifest, listed = load_manifest(FIGURES), (FIGURES / "provenance.md").read_text()
    missing = [n for n in figure_files(FIGURES) if f"](./{n})" not in listed]
    assert not missing, f"figures/provenance.md does not list {missing}; run {FIX}"
    for n in figure_files(FIGURES):
        line = provenance_line(FIGURES, n)
        exp = figure_experiment(n, manifest)
        assert "mmdr reproduce --notebook" in line and f"{manifest[exp]['profile']} profile" in line, (n, line)


def test_readme_check_fails_when_a_table_changes(tmp_path):
    fig = tmp_path / "figures"
    shutil.copytree(FIGURES, fig, ignore=shutil.ignore_patterns("*.svg", "*.csv", "*.tex"))
    readme = tmp_path / "README.md"
    readme.write_text(f"# mmdr\n\n{START}\n{END}\n\n## After\n")
    assert not update_readme(readme, fig)                      # empty block: written
    assert update_readme(readme, fig, check=True)
    written = readme.read_text()
    assert (FIGURES / "table1.md").read_text().strip() in written and "![Table I](figures/table1_bars.png)" in written
    table = fig / "table1.md"
    table.write_text(table.read_text().replace("0.", "0,", 1))  # one changed character in one table
    assert not update_readme(readme, fig, check=True)
    assert readme.read_text() == written                       # check=True never writes
    assert update_readme(readme, fig) is False and update_readme(readme, fig, check=True)
    manifest = json.loads((fig / "manifest.json").read_text())
    manifest.setdefault("reproduce", {})["wall_seconds"] = 12345.6  # a timing alone does not change the front door
    (fig / "manifest.json").write_text(json.dumps(manifest))
    assert update_readme(readme, fig, check=True) and "12,345.6" not in readme.read_text()
    assert "12,345.6" in render_results(fig)                   # (the long form still has it)
    manifest["table1"]["seeds"] = 11                           # more seeds do: the provenance line says how many
    (fig / "manifest.json").write_text(json.dumps(manifest))
    assert not update_readme(readme, fig, check=True)


def _outside_generated(text: str) -> str:
    "The README's own prose: without the generated block and without code blocks."
    text = text[:text.index(START)] + text[text.index(END):]
    return re.sub(r"```.*?```", "", text, flags=re.S)


def test_every_number_in_the_readme_prose_comes_from_figures():
    "Outside the generated block (checked above) a number with a decimal point or a thousands separator must be one the figures/ files hold."
    figures_text = " ".join(p.read_text() for p in FIGURES.iterdir() if p.suffix in (".md", ".json", ".csv"))
    numbers = re.findall(r"(?<![\w.])\d+(?:[.,]\d+)+", _outside_generated(README.read_text()))
    typed = [n for n in numbers if n.rstrip(".,") not in figures_text]
    assert not typed, f"README.md types numbers that no file in figures/ holds: {typed}; generate them (mmdr.report.render_sentences)"


def test_readme_is_a_front_door():
    text = README.read_text()
    assert len(text.encode()) <= 15_000, f"README.md is {len(text.encode()):,} bytes; the front door stays under 15 KB"
    first_screen = "\n".join(text.splitlines()[:15])
    assert "REPRODUCIBILITY.md" in first_screen, "the reproducibility summary is not linked from the README's first screen"
    assert text.index("### Table I") < text.index("## Reading path"), "the results come before the reading path"
    path = text[text.index("## Reading path"):]
    missing = [p.stem for p in sorted((ROOT / "nbs").glob("*.ipynb")) if f"`{p.stem}`" not in path]
    assert not missing, f"notebooks not on the README's reading path: {missing}"
    assert " s: " not in text and "wall s" not in text, "README.md prints timings; they belong to REPRODUCIBILITY.md"


def test_readme_figure_intervals_hold_their_mean():
    "Every 'mean ± sd [lo, hi]' cell in figures/*.md has lo <= mean <= hi (issue 9's done-when)."
    bad = {p.name: v for p in sorted(FIGURES.glob("*.md")) if (v := interval_violations(p.read_text()))}
    assert not bad, f"printed means outside their own interval: {bad}"
