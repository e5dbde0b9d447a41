"""Build the mmdr companion site (`make docs`): an offline static HTML site in _docs/.

  python nbs/_site/build.py [--out _docs] [--jobs 2] [--no-exec]

What goes in:
- README.md as the home page, with the figures it shows (figures/ is copied into the build); the reproducibility
  summary (REPRODUCIBILITY.md), CONTRIBUTING.md and a "Cite" page from CITATION.cff;
- every file of figures/ on the "Figures and tables" pages, each table and figure with its provenance footer
  (mmdr.report.provenance_line: notebook, commit, training code, seeds, profile, numerics, the command);
- every library notebook (nbs/00_* to nbs/3*_*), executed while the site is built (nbdev's `#| hide` cells run but
  are not shown, `#| slow` / `#| cuda` cells are shown but not run, the `#|` directive lines are stripped);
  a notebook that fails fails the build, naming the notebook and the cell;
- the experiment notebooks (nbs/4*_*, nbs/5*_*) as executed by the last paper-profile `make reproduce` /
  `make experiments` (papermill's copies in runs/paper/), or, where there is none, the committed notebook
  without outputs and a note saying so; their progress bars show only their final state (no TqdmWarning, no history);
- an API reference from the docstrings and docments of every mmdr module.
Sources are staged in _proc/site/ (git-ignored); the HTML is built in _proc/site_html/ and moved to _docs/ only when
the build succeeds. MathJax comes from the jupyter-server-mathjax wheel, so no page fetches anything from the internet.
"""
from __future__ import annotations
import argparse, importlib, json, os, re, shutil, subprocess, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NBS = ROOT / "nbs"
if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))   # this checkout's mmdr (mmdr.report writes the footers)

# nbdev directive -> myst-nb cell tag
HIDE = {"hide", "default_exp", "hide_input_output"}
NO_RUN = {"slow", "cuda"}
REMOVE_INPUT = {"hide_input"}
REMOVE_OUTPUT = {"hide_output"}
DIRECTIVE = re.compile(r"^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$")

def split_directives(source: str) -> tuple[dict, str]:
    "nbdev's `#| name value` lines as {name: value}, and the source without them."
    d, body = {}, []
    for line in source.splitlines():
        m = DIRECTIVE.match(line)
        if m: d[m.group(1)] = m.group(2)
        else: body.append(line)
    while body and not body[0].strip(): body.pop(0)
    return d, "\n".join(body)

def cell_for_site(cell: dict) -> dict | None:
    "A notebook cell as myst-nb should see it: directives stripped, turned into tags."
    cell = dict(cell); md = dict(cell.get("metadata", {})); tags = list(md.get("tags", []))
    if cell["cell_type"] != "code":
        cell["metadata"] = md; return cell
    d, body = split_directives("".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"])
    flags = set(d)
    if d.get("eval", "").lower() == "false": flags.add("slow")
    if d.get("echo", "").lower() == "false": flags.add("hide_input")
    if d.get("output", "").lower() == "false": flags.add("hide_output")
    if flags & HIDE: tags.append("remove-cell")
    if flags & NO_RUN:
        tags.append("skip-execution")
        body = f"# not run for the site (marked {', '.join(sorted(flags & NO_RUN))}: it takes long or needs a GPU)\n" + body
    if flags & REMOVE_INPUT: tags.append("remove-input")
    if flags & REMOVE_OUTPUT: tags.append("remove-output")
    if not body.strip() and "remove-cell" not in tags: return None
    cell["source"] = body
    if tags: md["tags"] = sorted(set(tags))
    cell["metadata"] = md
    return cell

def md_cell(text: str) -> dict: return {"cell_type": "markdown", "metadata": {}, "source": text}

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

_TQDM_WARNING = re.compile(r"^.*(TqdmWarning: IProgress not found|from \.autonotebook import tqdm as notebook_tqdm).*\n?", re.M)

def final_state(text: str) -> str:
    "A stream's text as a terminal would leave it: each line's last carriage-return segment, tqdm's IProgress warning dropped."
    text = _TQDM_WARNING.sub("", text)
    return "\n".join(line.rstrip("\r").split("\r")[-1] for line in text.split("\n"))

def clean_outputs(cell: dict) -> dict:
    "An executed cell's outputs with every progress bar at its final state; a stream left empty is dropped."
    outs = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            text = final_state("".join(o["text"]) if isinstance(o["text"], list) else o["text"])
            if not text.strip(): continue
            o = {**o, "text": text}
        outs.append(o)
    return {**cell, "outputs": outs}

def stage_notebook(src: Path, dst: Path, execute: bool, note: str | None = None) -> None:
    "Write `src` to `dst` for the site; `execute` False keeps the outputs it has (myst-nb runs nothing)."
    nb = json.loads(src.read_text())
    cells = [c for c in (cell_for_site(c) for c in nb["cells"]) if c is not None]
    if note:
        first = 1 if cells and cells[0]["cell_type"] == "markdown" else 0
        cells.insert(first, md_cell(note))
    meta = dict(nb.get("metadata", {}))
    meta["kernelspec"] = KERNELSPEC
    meta.setdefault("language_info", {"name": "python"})
    meta["mystnb"] = {"execution_mode": "force" if execute else "off"}
    nb["cells"], nb["metadata"] = cells, meta
    nb.setdefault("nbformat", 4); nb["nbformat_minor"] = max(nb.get("nbformat_minor", 5), 5)
    for i, c in enumerate(nb["cells"]):
        c.setdefault("id", f"c{i}")
        if c["cell_type"] == "code" and execute: c["outputs"], c["execution_count"] = [], None
        elif c["cell_type"] == "code": nb["cells"][i] = c = clean_outputs(c)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(json.dumps(nb, indent=1))

def title_of(nb_path: Path) -> str:
    for c in json.loads(nb_path.read_text())["cells"]:
        if c["cell_type"] == "markdown":
            src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            m = re.search(r"^#\s+(.+)$", src, re.M)
            if m: return m.group(1).strip()
    return nb_path.stem

def finished_run(run: Path) -> bool:
    "A papermill copy that ran to the end without an exception (not one still being written, nor a failed one)."
    try: pm = json.loads(run.read_text()).get("metadata", {}).get("papermill", {})
    except (OSError, ValueError): return False
    return bool(pm.get("end_time")) and not pm.get("exception") and pm.get("parameters", {}).get("profile") == "paper"

def paper_run_note(run: Path) -> str:
    pm = json.loads(run.read_text()).get("metadata", {}).get("papermill", {})
    params = pm.get("parameters", {})
    shown = ", ".join(f"`{k}={v!r}`" for k, v in params.items() if k in ("profile", "seeds", "epochs", "n_patients", "device"))
    when = (pm.get("end_time") or "?")[:19].replace("T", " ")
    dur = pm.get("duration")
    return (":::{note}\nThis page is the notebook **as executed by the last paper-profile reproduction** "
            f"(`make reproduce` / `make experiments`), finished {when} UTC" + (f" in {dur:.0f} s" if dur else "") +
            (f", with {shown}" if shown else "") + ". The cell tagged `injected-parameters` holds the parameters papermill passed.\n:::\n")

NOT_RUN_NOTE = (":::{warning}\nThis notebook is shown **without outputs**: no finished paper-profile run of it (papermill's "
                "copy, run to the end without an error) was found in `runs/paper/` when the site was built. Run `make reproduce` (Table I, Figure 4) or `make experiments` "
                "(the notebooks beyond the paper), then `make docs`, to see its tables and figures here.\n:::\n")

def committed_outputs(stem: str) -> str:
    "The committed figures/ files this notebook writes (tables included, images shown), for a page without outputs."
    prefix = stem.split("_", 1)[1]
    files = sorted(p for p in (ROOT / "figures").glob(f"{prefix}*") if p.suffix in (".md", ".png"))
    if not files: return ""
    parts = [f"\n**What the committed paper-profile run wrote** (`figures/`, see [Figures and tables](../figures.md)):\n"]
    for p in files:   # tables inline (their headings demoted under the page's), images by reference
        if p.suffix == ".md":
            text = re.sub(r"^(#+) ", lambda m: "#" * min(len(m.group(1)) + 2, 6) + " ", p.read_text(), flags=re.M)
            parts.append(f"\n*{p.name}*\n\n{text}\n")
        else: parts.append(f"\n![{p.stem}](../figures/{p.name})\n")
    return "".join(parts)

README_LINKS = {"nbs": "lessons.md", "figures": "figures.md"}
PAGE_LINKS = {"README.md": "index.md", "REPRODUCIBILITY.md": "reproducibility.md", "CONTRIBUTING.md": "contributing.md",
              "CITATION.cff": "cite.md"}   # a root file the README links to -> its page on the site

def site_links(text: str) -> str:
    "A root markdown file's links as the site's: directory links and root files become their pages."
    text = re.sub(r"\]\((nbs|figures)/?\)", lambda m: f"]({README_LINKS[m.group(1)]})", text)
    return re.sub(r"\]\((" + "|".join(map(re.escape, PAGE_LINKS)) + r")(#[^)]*)?\)", lambda m: f"]({PAGE_LINKS[m.group(1)]}{m.group(2) or ''})", text)

def stage_readme(dst: Path) -> None:
    "README.md as index.md: its links made the site's; the contents tree is appended."
    text = site_links((ROOT / "README.md").read_text())
    text += ("\n\n```{toctree}\n:hidden:\n:caption: Contents\n\nreproducibility\nlessons\nexperiments\nfigures\napi/index\n"
             "contributing\ncite\n```\n")
    dst.write_text(text)

def cite_page() -> str:
    "The 'Cite' page: CITATION.cff as it is, and the same two references as BibTeX."
    import yaml
    cff = (ROOT / "CITATION.cff").read_text(); c = yaml.safe_load(cff)
    who = lambda people: " and ".join(p.get("name") or f"{p['family-names']}, {p['given-names']}" for p in people)
    paper = next((r for r in c.get("references", []) if r.get("type") == "article"), None)
    bib = [f"@software{{mmdr,\n  title = {{{c['title']}}},\n  author = {{{who(c['authors'])}}},\n  version = {{{c['version']}}},\n"
           f"  url = {{{c.get('repository-code', '')}}}\n}}"]
    if paper:
        bib.append(f"@article{{liu2024multimodal,\n  title = {{{paper['title']}}},\n  author = {{{who(paper['authors'])}}},\n"
                   f"  year = {{{paper['year']}}}\n}}")
    return ("# Cite\n\nIf you use mmdr, cite it, and cite the paper it reproduces:\n\n```bibtex\n" + "\n\n".join(bib) +
            "\n```\n\nBoth come from the citation file, `CITATION.cff` (GitHub's *Cite this repository* reads it):\n\n"
            "```yaml\n" + cff.strip() + "\n```\n")

def stage_pages(stage_dir: Path) -> None:
    "The reproducibility summary, CONTRIBUTING and the Cite page."
    for src, dst in (("REPRODUCIBILITY.md", "reproducibility.md"), ("CONTRIBUTING.md", "contributing.md")):
        (stage_dir / dst).write_text(site_links((ROOT / src).read_text()))
    (stage_dir / "cite.md").write_text(cite_page())

def footer(name: str, nbs_link: str) -> str:
    "The provenance line under figures/`name` on the site, with the commit git says last changed it."
    from mmdr.report import git_commit_of, provenance_line
    return provenance_line(ROOT / "figures", name, nbs_link=nbs_link, commit=git_commit_of(ROOT / "figures" / name))

def stage_figures(stage: Path) -> None:
    from mmdr.report import NOT_FIGURES
    shutil.copytree(ROOT / "figures", stage / "figures")
    figs = sorted((ROOT / "figures").iterdir())
    lines = ["# Figures and tables", "",
             "Everything in `figures/`, as written by the last paper-profile `make reproduce` / `make experiments`. "
             "Under each figure and on each table's page: which notebook made it, from which commit and training code, "
             "with how many seeds, under which numerics, and the one command that regenerates it "
             "([all of them](figures/provenance.md)).", ""]
    for p in figs:
        if p.suffix == ".png": lines += [f"## {p.stem}", "", f"![{p.stem}](figures/{p.name})", "", footer(p.name, "nbs"), ""]
    lines += ["## Files", ""] + [f"- [{p.name}](figures/{p.name})" for p in figs if p.is_file()] + [""]
    tables = [p for p in figs if p.suffix == ".md"]
    for p in tables:   # each table / findings file becomes a page of its own, titled by its file name, with its provenance
        text = site_links(p.read_text()) if p.name in NOT_FIGURES else p.read_text()
        title, body = text.lstrip().split("\n", 1) if text.lstrip().startswith("# ") else (f"# {p.name}", text)
        rows = sum(l.startswith("|") for l in body.splitlines())
        if "\n#" not in body and len(re.findall(r"\|\s*[-+]?\d+\.\d+ ± ", body)) >= rows > 0:   # a table of intervals: one line per cell (mmdr.css)
            body = f"::::{{container}} mmdr-numbers\n{body.strip()}\n::::\n"
        text = f"{title}\n\n{body.strip()}\n"
        if p.name not in NOT_FIGURES: text = text.rstrip() + "\n\n" + footer(p.name, "../nbs") + "\n"
        (stage / "figures" / p.name).write_text(text)
    lines += ["```{toctree}", ":hidden:", ""] + [f"figures/{p.stem}" for p in tables] + ["```", ""]
    (stage / "figures.md").write_text("\n".join(lines))

def stage_api(stage: Path) -> list[str]:
    mods = sorted(f"mmdr.{p.stem}" for p in (ROOT / "mmdr").glob("*.py") if not p.stem.startswith("_"))
    api = stage / "api"; api.mkdir(parents=True, exist_ok=True)
    for m in mods:
        names = getattr(importlib.import_module(m), "__all__", [])
        homes = {n: getattr(getattr(importlib.import_module(m), n), "__module__", m) for n in names}
        if names and all(h != m for h in homes.values()):   # a face (mmdr.sources): document each name at its home only,
            links = "".join(f"- [`{n}`]({h}.md): documented in `{h}`\n" for n, h in homes.items())   # or viewcode's
            (api / f"{m}.md").write_text(f"# `{m}`\n\n```{{eval-rst}}\n.. automodule:: {m}\n   :no-members:\n```\n\n"
                                         f"{links}")                                      # links break
            continue
        (api / f"{m}.md").write_text(f"# `{m}`\n\n```{{eval-rst}}\n.. automodule:: {m}\n```\n")
    (api / "index.md").write_text(
        "# API reference\n\nGenerated from the docstrings and the parameter comments (docments) of the library that "
        "`nbdev_export` writes from the notebooks.\n\n```{eval-rst}\n.. autosummary::\n\n" +
        "".join(f"   {m}\n" for m in mods) + "```\n\n```{toctree}\n:maxdepth: 1\n:hidden:\n\n" +
        "".join(f"{m}\n" for m in mods) + "```\n")
    return mods

def stage(stage_dir: Path, execute: bool = True) -> dict:
    "Lay out the site's sources in `stage_dir`; return what came from where."
    if stage_dir.exists(): shutil.rmtree(stage_dir)
    (stage_dir / "nbs").mkdir(parents=True)
    stage_readme(stage_dir / "index.md")
    stage_pages(stage_dir)
    stage_figures(stage_dir)
    lessons = sorted(p for p in NBS.glob("[0-3]*.ipynb"))
    experiments = sorted(p for p in NBS.glob("[4-9]*.ipynb"))
    for p in lessons: stage_notebook(p, stage_dir / "nbs" / p.name, execute=execute)
    sources = {}
    paper_runs = ROOT / "runs" / "paper"
    for p in experiments:
        run = paper_runs / p.name
        if finished_run(run):
            stage_notebook(run, stage_dir / "nbs" / p.name, execute=False, note=paper_run_note(run)); sources[p.name] = str(run.relative_to(ROOT))
        else:
            stage_notebook(p, stage_dir / "nbs" / p.name, execute=False, note=NOT_RUN_NOTE + committed_outputs(p.stem))
            sources[p.name] = "committed, not executed"
    (stage_dir / "lessons.md").write_text(
        "# Lessons: the library notebooks\n\nEach notebook is one module of `mmdr` (nbdev exports it), executed while "
        "this site was built, with its plots and checks.\n\n" +
        "".join(f"- [{title_of(p)}](nbs/{p.name})\n" for p in lessons) +
        "\n```{toctree}\n:hidden:\n:maxdepth: 1\n\n" + "".join(f"nbs/{p.stem}\n" for p in lessons) + "```\n")
    (stage_dir / "experiments.md").write_text(
        "# Experiments: the paper's table and figure, and beyond\n\npapermill notebooks: a `parameters` cell, then calls "
        "into `mmdr`. Shown as executed by the last paper-profile reproduction.\n\n" +
        "".join(f"- [{title_of(p)}](nbs/{p.name}) ({sources[p.name]})\n" for p in experiments) +
        "\n```{toctree}\n:hidden:\n:maxdepth: 1\n\n" + "".join(f"nbs/{p.stem}\n" for p in experiments) + "```\n")
    stage_api(stage_dir)
    return {"lessons": [p.name for p in lessons], "experiments": sources}

def mathjax_static(static_dir: Path) -> Path:
    "Copy the site's style sheet, and MathJax 2.7 from the jupyter-server-mathjax wheel (once), into static_dir."
    static_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "mmdr.css", static_dir / "mmdr.css")
    import jupyter_server_mathjax
    src = Path(jupyter_server_mathjax.__file__).parent / "static"
    dst = static_dir / "mathjax"
    if not (dst / "MathJax.js").exists():
        if dst.exists(): shutil.rmtree(dst)
        shutil.copytree(src, dst)
    return static_dir

def quiet_kernelspec(root: Path) -> Path:
    "A `python3` kernelspec for this interpreter whose kernel logs only errors (no TCP-transport warning per notebook)."
    d = root / "kernels" / "python3"; d.mkdir(parents=True, exist_ok=True)
    (d / "kernel.json").write_text(json.dumps({"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                                                        "--IPKernelApp.log_level=CRITICAL"],
                                               "display_name": "Python 3 (ipykernel)", "language": "python"}))
    return root

def failed_cell(log: str) -> str:
    "From sphinx's saved traceback: which notebook failed, the cell's source and the error it raised."
    ansi = re.compile(r"\x1b\[[0-9;]*m")
    log = ansi.sub("", log)
    nb = re.findall(r"ExecutionError: (\S+\.ipynb)", log)
    cell = re.search(r"An error occurred while executing the following cell:\n\s*-+\n(.*?)\n\s*-+\n", log, re.S)
    errs = re.findall(r"^\s*(\w+(?:Error|Exception)\w*: .*)$", log, re.M)
    out = [f"[mmdr docs] notebook failed: {nb[-1] if nb else '?'}"]
    if cell: out += ["[mmdr docs] in the cell:", cell.group(1)]
    if errs: out.append(f"[mmdr docs] error: {next((e for e in errs if 'CellExecutionError' not in e and 'ExecutionError:' not in e), errs[0])}")
    return "\n".join(out)

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "_docs"))
    ap.add_argument("--jobs", default=os.environ.get("MMDR_DOCS_JOBS", "2"), help="sphinx-build -j (notebooks execute in parallel)")
    ap.add_argument("--no-exec", action="store_true", help="do not execute the library notebooks (quick look at the layout)")
    a = ap.parse_args(argv)
    t0, started = time.perf_counter(), time.time()
    stage_dir, html, doctrees = ROOT / "_proc" / "site", ROOT / "_proc" / "site_html", ROOT / "_proc" / "site_doctrees"
    info = stage(stage_dir, execute=not a.no_exec)
    static = mathjax_static(ROOT / "_proc" / "site_static")
    for d in (html, doctrees):
        if d.exists(): shutil.rmtree(d)
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"),
               MKL_NUM_THREADS=os.environ.get("MKL_NUM_THREADS", "1"), MPLBACKEND="module://matplotlib_inline.backend_inline",
               MMDR_SITE_STATIC=str(static), PYDEVD_DISABLE_FILE_VALIDATION="1", MMDR_BARS="final",
               JUPYTER_PATH=os.pathsep.join([str(quiet_kernelspec(ROOT / "_proc" / "site_jupyter"))] + [p for p in [os.environ.get("JUPYTER_PATH")] if p]))
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(HERE), "-d", str(doctrees), "-j", str(a.jobs),
           str(stage_dir), str(html)]
    print(f"[mmdr docs] {len(info['lessons'])} lessons (executed: {not a.no_exec}), {len(info['experiments'])} experiment notebooks: " +
          ", ".join(f"{k} <- {v}" for k, v in info["experiments"].items()), flush=True)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    err_log = None
    for line in proc.stdout:       # pass sphinx's output through, and note where it saves a traceback
        sys.stdout.write(line); sys.stdout.flush()
        m = re.search(r"(/\S*sphinx-err-\S+\.log)", line)
        if m: err_log = m.group(1)
    if proc.wait() != 0:
        if err_log and Path(err_log).exists(): print(failed_cell(Path(err_log).read_text()), file=sys.stderr)
        print(f"[mmdr docs] FAILED: sphinx-build exited {proc.returncode} (see above; the previous site in {a.out} is untouched)", file=sys.stderr)
        return proc.returncode
    secs = time.perf_counter() - t0
    pages = sorted(str(p.relative_to(html)) for p in html.rglob("*.html") if not p.relative_to(html).parts[0].startswith("_"))
    info.update(seconds=round(secs, 1), pages=len(pages), executed=not a.no_exec,
                built_utc=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    info["started_epoch"] = started
    (html / "mmdr-site.json").write_text(json.dumps(info, indent=2))
    out = Path(a.out)
    if out.exists() and any(out.iterdir()) and not (out / "mmdr-site.json").exists():
        print(f"[mmdr docs] FAILED: {out} exists and is not a site this script built; not replacing it (the site is in {html})", file=sys.stderr)
        return 1
    if out.exists(): shutil.rmtree(out)
    shutil.move(str(html), str(out))
    print(f"[mmdr docs] built {len(pages)} pages in {secs:.0f} s: open {out / 'index.html'}", flush=True)
    return 0

if __name__ == "__main__":
    sys.exit(main())
