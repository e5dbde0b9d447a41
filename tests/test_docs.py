"""The companion site (`make docs`): every page is there, the lessons are executed, nothing is fetched from the
internet, no internal link is broken, no progress bar shows its history, and in headless Chromium the home page shows
Table I on its first screen, every link of the README and of the reproducibility summary opens, and the pages render.

Reuses _docs/ when it was built after the last change to its sources, else builds it (minutes).
Screenshots go to runs/screenshots/ (git-ignored). Reproduce them with `make test-browser`."""
from __future__ import annotations
import json, re, subprocess, sys, time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "_docs"
SHOTS = ROOT / "runs" / "screenshots"
LESSONS = sorted(p.stem for p in (ROOT / "nbs").glob("[0-3]*.ipynb"))
EXPERIMENTS = sorted(p.stem for p in (ROOT / "nbs").glob("[4-9]*.ipynb"))
MODULES = sorted(p.stem for p in (ROOT / "mmdr").glob("*.py") if not p.stem.startswith("_"))

def sources() -> list:
    pats = ("README.md", "REPRODUCIBILITY.md", "CONTRIBUTING.md", "CITATION.cff", "settings.ini", "nbs/*.ipynb", "nbs/_site/*.py", "nbs/_site/*.css", "figures/*", "mmdr/*.py", "runs/paper/*.ipynb")
    return [p for pat in pats for p in ROOT.glob(pat)]

@pytest.fixture(scope="module")
def site() -> dict:
    "The build's record (mmdr-site.json), after building _docs/ if any source is newer than it."
    info = DOCS / "mmdr-site.json"
    stale = not info.exists() or json.loads(info.read_text()).get("started_epoch", 0) < max(p.stat().st_mtime for p in sources())
    if stale:
        r = subprocess.run([sys.executable, str(ROOT / "nbs" / "_site" / "build.py"), "--out", str(DOCS)], cwd=ROOT,
                           capture_output=True, text=True)
        assert r.returncode == 0, f"make docs failed:\n{r.stdout[-5000:]}\n{r.stderr[-5000:]}"
    d = json.loads(info.read_text())
    assert d["executed"], "the site was built with --no-exec: the lessons have no outputs"
    return d

class Page(HTMLParser):
    "The assets, links and ids of one HTML page."
    def __init__(self, path: Path):
        super().__init__(); self.path = path
        self.assets, self.links, self.ids, self.imgs = [], [], set(), []
        self.feed(path.read_text(encoding="utf-8"))
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a: self.ids.add(a["id"])
        if tag == "a" and a.get("name"): self.ids.add(a["name"])
        if tag in ("script", "img", "iframe", "source", "video", "audio") and a.get("src"): self.assets.append((tag, a["src"]))
        if tag == "img" and a.get("src"): self.imgs.append(a["src"])
        if tag == "link" and a.get("href"): self.assets.append((f"link rel={a.get('rel')}", a["href"]))
        if tag == "a" and a.get("href"): self.links.append(a["href"])

def html_pages() -> list: return sorted(p for p in DOCS.rglob("*.html") if p.relative_to(DOCS).parts[0] != "_static")  # _static holds theme templates, not pages
def external(url: str) -> bool: return bool(re.match(r"^(https?:)?//", url.strip(), re.I))

def test_every_notebook_module_and_figure_has_a_page(site):
    for stem in LESSONS + EXPERIMENTS: assert (DOCS / "nbs" / f"{stem}.html").exists(), stem
    for m in MODULES: assert (DOCS / "api" / f"mmdr.{m}.html").exists(), m
    for f in ("index", "reproducibility", "contributing", "cite", "lessons", "experiments", "figures", "api/index"):
        assert (DOCS / f"{f}.html").exists(), f
    pages = [p for p in html_pages() if not p.relative_to(DOCS).parts[0].startswith("_")]
    assert site["pages"] == len(pages) >= len(LESSONS) + len(EXPERIMENTS) + len(MODULES) + 8
    home = (DOCS / "index.html").read_text()
    assert "Table I" in home and "fig4_ablation" in home          # the README, with its figure

def test_lessons_are_executed_with_directives_stripped(site):
    for stem in LESSONS:
        html = (DOCS / "nbs" / f"{stem}.html").read_text()
        assert html.count('class="cell_output') >= 1, f"{stem}: no output on the page: the notebook was not executed"
        assert "#| export" not in html and "#| hide" not in html and "default_exp" not in html, stem
    synth = Page(DOCS / "nbs" / "02_synthetic.html")
    assert any(s.startswith("../_images/") for s in synth.imgs), "02_synthetic shows no plot"
    cli = (DOCS / "nbs" / "35_cli.html").read_text()
    assert "from fastcore.test import" not in cli                 # a `#| hide` cell runs but is not shown

def test_experiment_pages_show_the_paper_run_or_say_they_do_not(site):
    for stem in EXPERIMENTS:
        html = (DOCS / "nbs" / f"{stem}.html").read_text()
        if site["experiments"][f"{stem}.ipynb"].startswith("runs/"):
            assert "as executed by the last paper-profile reproduction" in html and 'class="cell_output' in html, stem
        else:
            assert "shown <strong>without outputs</strong>" in html and 'class="cell_output' not in html, stem
    t1 = (DOCS / "nbs" / "40_table1.html").read_text()
    if (ROOT / "runs" / "paper" / "40_table1.ipynb").exists(): assert "Ours" in t1 and "paper accuracy" in t1

def test_api_reference_has_docstrings_and_parameter_comments(site):
    core = (DOCS / "api" / "mmdr.core.html").read_text()
    assert 'id="mmdr.core.paths"' in core and "Project paths" in core                             # the docstring
    assert "defaults to the checkout holding mmdr" in core                                       # a docment
    cli = (DOCS / "api" / "mmdr.cli.html").read_text()
    # a public name is documented; a building block (`cli.main`, reached by the console script) is not
    assert 'id="mmdr.cli.reproduce"' in cli and 'id="mmdr.cli.main"' not in cli

def test_nothing_is_fetched_from_the_internet(site):
    bad = [(p.relative_to(DOCS), tag, url) for p in html_pages() for tag, url in Page(p).assets if external(url)]
    assert not bad, bad[:10]
    css = [(p.relative_to(DOCS), m) for p in DOCS.rglob("*.css") for m in re.findall(r"(?:url\(|@import)\s*['\"]?((?:https?:)?//[^'\")]+)", p.read_text(errors="ignore"))]
    assert not css, css[:10]
    math = (DOCS / "nbs" / "02_synthetic.html").read_text()      # a page with formulas loads the local MathJax
    assert "_static/mathjax/MathJax.js" in math and (DOCS / "_static" / "mathjax" / "MathJax.js").exists()

def test_no_internal_link_is_broken(site):
    pages = {p.resolve(): Page(p) for p in html_pages()}
    broken, checked = [], 0
    for path, page in pages.items():
        for url in page.links + [u for _, u in page.assets]:
            if external(url) or url.startswith(("mailto:", "javascript:", "data:")): continue
            parts = urlsplit(url)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir(): target = target / "index.html"
            checked += 1
            if not target.exists(): broken.append((str(path.relative_to(DOCS.resolve())), url)); continue
            if parts.fragment and target.suffix == ".html" and target in pages and parts.fragment not in pages[target].ids:
                broken.append((str(path.relative_to(DOCS.resolve())), url))
    assert checked > 500 and not broken, broken[:20]

IMAGES_JS = "Array.from(document.images).map(i => ({src: i.src, complete: i.complete, w: i.naturalWidth}))"

@pytest.fixture(scope="module")
def browser():
    from _chromium import find_chromium, Chromium
    exe = find_chromium()
    if exe is None: pytest.skip("chromium is not installed and we are not root: apt-get install chromium")
    b = Chromium(exe)
    yield b
    b.close()

@pytest.mark.parametrize("page, needles, shot", [
    ("index.html", ["Two commands", "Table I", "Figure 4"], "site_home.png"),
    ("nbs/40_table1.html", ["Table I"], "site_table1.png"),
    ("nbs/02_synthetic.html", ["oracle"], "site_02_synthetic.png"),
    ("reproducibility.html", ["Reproducibility summary", "Scope", "Not decided", "Environment"], "site_reproducibility.png"),
    ("cite.html", ["@software", "@article"], "site_cite.png"),
    ("figures/table1.html", ["Provenance", "mmdr reproduce --notebook 40_table1.ipynb"], "site_figures_table1.png"),
])
def test_page_renders_in_chromium(site, browser, page, needles, shot):
    url = (DOCS / page).resolve().as_uri()
    browser.goto(url)
    browser.wait_for("document.readyState === 'complete' && Array.from(document.images).every(i => i.complete)", timeout=60)
    text = browser.eval("document.querySelector('main') ? document.querySelector('main').innerText : ''")
    for n in needles: assert n in text, f"{page}: {n!r} not shown"
    assert browser.eval("document.querySelector('h1') !== null")
    imgs = browser.eval(IMAGES_JS)
    assert not [i for i in imgs if i["w"] == 0], f"{page}: images that did not load: {[i['src'] for i in imgs if i['w'] == 0]}"
    if page == "index.html": assert any("fig4_ablation" in i["src"] for i in imgs), imgs
    if page == "nbs/02_synthetic.html":               # the formulas are typeset by the local MathJax
        assert browser.wait_for("document.querySelectorAll('.MathJax, .MathJax_Display, .MathJax_CHTML').length", timeout=60) > 0
    left = [u for u in browser.requests() if not u.startswith(("file:", "data:", "about:", "blob:"))]
    assert not left, f"{page} asked the network for {left[:5]}"
    assert browser.screenshot(SHOTS / shot, full_page=True).stat().st_size > 10_000


BAR = re.compile(r"^\s*(\S[^:\n]*?):\s+(\d{1,3})%\|", re.M)      # 'runs:  40%|', '40_table1.ipynb: 100%|'

def test_no_progress_bar_shows_a_warning_or_its_history(site):
    "Every executed notebook on the site: no TqdmWarning, and each bar once (its final state) per output block."
    bad = []
    for stem in LESSONS + EXPERIMENTS:
        html = (DOCS / "nbs" / f"{stem}.html").read_text()
        for block in re.findall(r'<div class="cell_output.*?</div>\s*</div>', html, re.S):   # outputs, not the prose
            text = re.sub(r"<[^>]+>", "", block)
            if "TqdmWarning" in text or "IProgress not found" in text: bad.append((stem, "TqdmWarning"))
            states = BAR.findall(text)                                       # (desc, percent) of every bar line shown
            descs = [d for d, _ in states]
            history = {d for d, pct in states if descs.count(d) > 1 and pct != "100"}   # a bar shown on its way, not only at its end
            if history: bad.append((stem, f"{len(states)} bar lines, a history of {sorted(history)}"))
    assert not bad, bad[:10]

def test_home_shows_the_results_on_its_first_screen(site, browser):
    "Table I's heading and the top of its figure are on the first screen; Figure 4 after at most one more screen."
    browser.goto((DOCS / "index.html").resolve().as_uri())
    browser.wait_for("document.readyState === 'complete' && Array.from(document.images).every(i => i.complete)", timeout=60)
    tops = browser.eval("""(() => { const r = {screen: innerHeight};
      for (const h of document.querySelectorAll('main h2, main h3')) r[h.innerText.replace(/[#\\s]+$/, '').trim()] = h.getBoundingClientRect().top;
      const img = Array.from(document.images).find(i => i.src.includes('table1_bars'));
      r.table1_figure = img ? img.getBoundingClientRect().top : null; return r; })()""")
    screen = tops["screen"]
    assert tops.get("Table I") is not None and tops["Table I"] < screen, f"Table I starts below the first screen: {tops}"
    assert tops["table1_figure"] is not None and tops["table1_figure"] < screen, f"Table I's figure is not on the first screen: {tops}"
    assert tops.get("Figure 4: ablation") is not None and tops["Figure 4: ablation"] < 2 * screen, tops
    assert browser.screenshot(SHOTS / "site_home_first_screen.png").stat().st_size > 10_000

@pytest.mark.parametrize("page", ["index.html", "reproducibility.html"])
def test_every_link_of_the_readme_and_the_summary_opens(site, browser, page):
    "Click through every link in the page's text: each opens a page (or file) of the site with its target in it."
    start = (DOCS / page).resolve().as_uri()
    browser.goto(start)
    browser.wait_for("document.readyState === 'complete'", timeout=60)
    links = browser.eval("Array.from(document.querySelectorAll('main a[href]')).map(a => a.href)")
    internal = sorted({l for l in links if l.startswith("file:")})
    assert len(internal) >= (30 if page == "index.html" else 10), internal
    failed, pages = [], {}
    for url in internal:                                          # one load per page, then each anchor asked for on it
        parts = urlsplit(url)
        pages.setdefault(parts._replace(fragment="").geturl(), set()).add(unquote(parts.fragment))
    for url, anchors in sorted(pages.items()):
        target = Path(unquote(urlsplit(url).path))
        if not target.exists(): failed.append((url, "no such file")); continue
        if target.suffix != ".html": continue                     # a file (manifest.json, a csv): it exists
        browser.goto(url)                                         # no fragment: a real load, even of the page we are on
        browser.wait_for("document.readyState === 'complete'", timeout=60)
        if not browser.eval("document.querySelector('main h1') !== null"): failed.append((url, "no heading"))
        for a in sorted(anchors - {""}):
            if not browser.eval(f"document.getElementById({json.dumps(a)}) !== null"): failed.append((url, f"no anchor #{a}"))
    assert not failed, failed[:10]
