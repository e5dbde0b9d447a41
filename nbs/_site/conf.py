# Sphinx configuration of the mmdr companion site (`make docs`). nbs/_site/build.py stages the sources
# (README as the home page, the notebooks with nbdev's directives turned into myst-nb tags, the API pages)
# in _proc/site/ and runs sphinx-build with this folder as its configuration directory.
# Everything a page needs is served from _docs/: no script, font or style sheet comes from the internet.
import configparser, inspect, os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_cfg = configparser.ConfigParser(delimiters=["="]); _cfg.read(ROOT / "settings.ini")
_d = _cfg["DEFAULT"]

project = _d["lib_name"]
author = _d["author"]
copyright = _d["copyright"]
release = version = _d["version"]

extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.autosummary", "sphinx.ext.mathjax", "sphinx.ext.viewcode"]
exclude_patterns = ["**/.ipynb_checkpoints", "_build"]
suppress_warnings = ["mystnb.unknown_mime_type"]

# -- notebooks: executed while the site is built; a failing cell fails the build
nb_execution_mode = "force"            # experiment notebooks switch it off in their metadata (they come executed)
nb_execution_timeout = int(os.environ.get("MMDR_DOCS_TIMEOUT", "900"))   # seconds per cell
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_allow_errors = False
nb_merge_streams = True
nb_ipywidgets_js = {}                  # no widget manager from a CDN
nb_kernel_rgx_aliases = {".*": "python3"}
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]

# -- progress bars: a text bar writes each update as its own chunk of stderr, starting with a carriage return; myst-nb
#    joins a stream's chunks with newlines, so a page would show the bar's whole history. Join them as a terminal does
#    and keep each line's last carriage-return segment (build.final_state): the page shows the bar's final state.
import sys as _sys
_sys.path.insert(0, str(Path(__file__).resolve().parent))
import myst_nb.core.render as _nb_render
from build import final_state as _final_state

def _streams_as_a_terminal_leaves_them(outputs):
    "Each stream's chunks joined in order, as written, then at their final state; other outputs unchanged."
    from nbformat import NotebookNode
    out, first = [], {}
    for o in outputs:
        if o.get("output_type") != "stream": out.append(o); continue
        text = "".join(o["text"]) if isinstance(o["text"], list) else o["text"]
        if o["name"] in first: first[o["name"]]["text"] += text
        else: first[o["name"]] = NotebookNode({**o, "text": text}); out.append(first[o["name"]])
    for o in first.values(): o["text"] = _final_state(o["text"])
    return _coalesce_streams([o for o in out if o.get("output_type") != "stream" or o["text"].strip()])

_coalesce_streams = _nb_render.coalesce_streams
_nb_render.coalesce_streams = _streams_as_a_terminal_leaves_them
myst_update_mathjax = False            # MathJax 2 is configured below, not myst's MathJax 3 settings
myst_heading_anchors = 3

# -- math: MathJax 2.7 from the jupyter-server-mathjax wheel, copied into _static/mathjax by build.py
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
mathjax2_config = {"tex2jax": {"inlineMath": [["\\(", "\\)"], ["$", "$"]], "processEscapes": True},
                   "showMathMenu": False, "messageStyle": "none"}

# -- API reference
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_typehints = "signature"
autosummary_generate = False

import re
_CODE = re.compile(r"`([^`\n]+)`")

def md_to_rst(text: str) -> str:
    "nbdev docstrings are Markdown: `code` becomes an RST literal, a stray * or a trailing _ is escaped."
    out, last = [], 0
    for m in _CODE.finditer(text):
        plain = text[last:m.start()]
        out.append(re.sub(r"(\w)_(?=\s|$)", r"\1\\_", plain.replace("*", "\\*")))
        lit = f"``{m.group(1)}``"
        if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_)"): lit = "\\ " + lit
        if m.end() < len(text) and (text[m.end()].isalnum() or text[m.end()] == "_"): lit += "\\ "
        out.append(lit); last = m.end()
    plain = text[last:]
    out.append(re.sub(r"(\w)_(?=\s|$)", r"\1\\_", plain.replace("*", "\\*")))
    return "".join(out)

def _docments(app, what, name, obj, options, lines):
    "Docstrings as Markdown, plus the parameter comments beside each signature (fastcore's docments)."
    lines[:] = [md_to_rst(l) for l in lines]
    if what not in ("function", "method", "class"): return
    try:
        from fastcore.docments import docments
        target = obj.__init__ if what == "class" and inspect.isfunction(getattr(obj, "__init__", None)) else obj
        docs = docments(target, full=False)
    except Exception: return
    params = [(k, v) for k, v in docs.items() if k not in ("return", "self") and v]
    if not params: return
    lines.append("")
    for k, v in params: lines.append(f":param {k}: {md_to_rst(v)}")
    if docs.get("return"): lines.append(f":returns: {md_to_rst(docs['return'])}")

def setup(app):
    app.connect("autodoc-process-docstring", _docments)

# -- HTML
html_theme = "sphinx_book_theme"
html_title = "mmdr: multimodal disease recognition, reproducibly"
html_static_path = [str(Path(os.environ.get("MMDR_SITE_STATIC", ROOT / "_proc" / "site_static")))]
html_css_files = ["mmdr.css"]
html_last_updated_fmt = "%Y-%m-%d %H:%M UTC"
html_show_sourcelink = False
html_copy_source = True                # the download button offers the page source (.ipynb, .md)
html_theme_options = {
    "repository_url": _d["git_url"],
    "use_repository_button": False,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "launch_buttons": {},
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "home_page_in_toc": True,
    # the home page is the README: no "Contents" column beside it, so Table I starts on the first screen
    "secondary_sidebar_items": {"**": ["page-toc.html"], "index": []},
}
