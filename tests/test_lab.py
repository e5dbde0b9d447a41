"""JupyterLab as a student meets it: `make lab` starts the server (as root too) and prints its URL; headless Chromium
opens 02_synthetic in the Lab UI, picks the kernel in the dialog as a student would, runs all cells from the Run menu's
command, and the test checks that every code cell ran without error in a kernel of this project's environment.

The notebook is a copy in runs/lab/ (git-ignored): running it in the Lab must not write outputs into nbs/.
Screenshots go to runs/screenshots/ (git-ignored). Reproduce them with `make test-browser`."""
from __future__ import annotations
import json, os, re, secrets, shutil, signal, socket, subprocess, sys, threading, time, urllib.request
from pathlib import Path
import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "runs" / "screenshots"
LAB_DIR = ROOT / "runs" / "lab"
NOTEBOOK = "02_synthetic.ipynb"

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

@pytest.fixture(scope="module")
def lab():
    "`make lab` on runs/lab/ (a copy of nbs/02_synthetic.ipynb): yields (base url, token, the lines it printed)."
    LAB_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbs" / NOTEBOOK, LAB_DIR / NOTEBOOK)
    port, token = free_port(), secrets.token_hex(16)
    args = f"--IdentityProvider.token={token} --ServerApp.ip=127.0.0.1 --LabApp.expose_app_in_browser=True"
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    venv = Path(sys.prefix)
    if (venv / "pyvenv.cfg").exists() and venv != ROOT / ".venv": env["VIRTUAL_ENV"] = str(venv)   # the Makefile's BIN = this env
    proc = subprocess.Popen(["make", "-s", "lab", f"LAB_DIR={LAB_DIR}", f"LAB_PORT={port}", f"LAB_ARGS={args}"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = []
    threading.Thread(target=lambda: [lines.append(l) for l in proc.stdout], daemon=True).start()
    base, t0 = f"http://127.0.0.1:{port}", time.time()
    while True:
        try:
            if urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5).status == 200: break
        except OSError: pass
        if proc.poll() is not None or time.time() - t0 > 300:
            os.killpg(proc.pid, signal.SIGTERM)
            pytest.fail("make lab did not serve:\n" + "".join(lines[-40:]))
        time.sleep(0.5)
    yield base, token, lines
    for s in (signal.SIGINT, signal.SIGTERM):   # jupyter asks to confirm one SIGINT; SIGTERM ends it
        try: os.killpg(proc.pid, s)
        except ProcessLookupError: break
        try: proc.wait(15); break
        except subprocess.TimeoutExpired: pass
    if proc.poll() is None: os.killpg(proc.pid, signal.SIGKILL); proc.wait()

def test_make_lab_prints_its_url(lab):
    base, token, lines = lab
    t0 = time.time()
    url = re.compile(rf"http://(127\.0\.0\.1|localhost):\d+/lab\?token=({token}|\.\.\.)")   # a token we chose is printed masked
    while not url.search("".join(lines)) and time.time() - t0 < 30: time.sleep(0.2)
    out = "".join(lines)
    assert "== JupyterLab on" in out and url.search(out), out[-3000:]
    assert "Running as root is not recommended" not in out

PANEL = ("(window.jupyterapp && Array.from(window.jupyterapp.shell.widgets('main'))"
         f".find(w => w.context && w.sessionContext && w.context.path.endsWith('{NOTEBOOK}')))")

STATE_JS = """(() => {
  const w = PANEL;
  if (!w || !w.content || !w.content.model || !w.sessionContext) return null;
  const cells = w.content.model.cells; let code = 0, ran = 0; const errors = [];
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i);
    if (c.type !== 'code') continue;
    code++; if (c.executionCount) ran++;
    for (let j = 0; j < c.outputs.length; j++) {
      const o = c.outputs.get(j).toJSON();
      if (o.output_type === 'error') errors.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
    }
  }
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  return {code, ran, errors, kernel: k ? k.name : null, status: k ? k.status : null, busy: w.sessionContext.kernelDisplayStatus};
})()""".replace("PANEL", PANEL)

ENV_JS = """new Promise((resolve, reject) => {
  const k = PANEL.sessionContext.session.kernel; let text = '';
  const f = k.requestExecute({code: 'import sys, mmdr; print(sys.prefix); print(mmdr.__file__)', silent: false, store_history: false});
  f.onIOPub = msg => { if (msg.header.msg_type === 'stream') text += msg.content.text; };
  f.done.then(() => resolve(text), reject);
})""".replace("PANEL", PANEL)

def test_student_runs_02_synthetic_in_the_lab(lab):
    from _chromium import find_chromium, Chromium
    exe = find_chromium()
    if exe is None: pytest.skip("chromium is not installed and we are not root: apt-get install chromium")
    base, token, _ = lab
    before = (ROOT / "nbs" / NOTEBOOK).read_bytes()
    b = Chromium(exe, width=1400, height=1000)
    try:
        b.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}", timeout=120)
        b.wait_for(f"(() => {{ const w = {PANEL}; return !!(w && w.context.isReady); }})()", timeout=180)
        # the committed notebooks carry no kernelspec, so the Lab asks which kernel: press Select, as a student does,
        # for every notebook it opens (the Lab's workspace may reopen another tab, e.g. the progress-bar test's)
        t0 = time.time()
        while time.time() - t0 < 120:
            if b.eval("!!document.querySelector('.jp-Dialog .jp-mod-accept')"):
                b.eval("document.querySelector('.jp-Dialog .jp-mod-accept').click()")
            elif b.eval(f"(() => {{ const s = {STATE_JS}; return s && s.status === 'idle'; }})()"): break
            time.sleep(0.5)
        b.wait_for(f"(() => {{ const s = {STATE_JS}; return s && s.status === 'idle'; }})()", timeout=120)
        b.screenshot(SHOTS / "lab_02_synthetic_opened.png")
        b.eval(f"(() => {{ window.jupyterapp.shell.activateById({PANEL}.id); return window.jupyterapp.commands.execute('notebook:run-all-cells'); }})()")
        t0 = time.time()
        while True:
            s = b.eval(STATE_JS)
            assert s["ran"] or s["status"] != "idle" or time.time() - t0 < 60, f"Run All did not start: {s}"
            if s["errors"] or (s["ran"] == s["code"] and s["status"] == "idle"): break
            assert time.time() - t0 < 900, f"run all did not finish in 900 s: {s}"
            time.sleep(1)
        assert not s["errors"], s["errors"]
        assert s["ran"] == s["code"] > 20, s
        prefix, mmdr_file = b.eval(ENV_JS, await_promise=True).split()
        assert Path(prefix).resolve() == Path(sys.prefix).resolve(), (prefix, sys.prefix)     # the project's environment
        assert Path(mmdr_file).resolve().is_relative_to(ROOT / "mmdr"), mmdr_file                # this checkout's library
        idx = b.eval("""(() => { const w = PANEL, cells = w.content.model.cells;
            for (let i = 0; i < cells.length; i++) { const c = cells.get(i);
              if (c.type === 'code') for (let j = 0; j < c.outputs.length; j++) if ('image/png' in (c.outputs.get(j).toJSON().data || {})) return i; }
            return -1; })()""".replace("PANEL", PANEL))
        assert idx >= 0, "no cell drew a figure"
        b.eval(f"(() => {{ const nb = {PANEL}.content; nb.activeCellIndex = {idx}; "
               f"return nb.scrollToItem({idx}, 'start'); }})()", await_promise=True)
        b.wait_for("Array.from(document.querySelectorAll('.jp-OutputArea-output img')).some(i => i.complete && i.naturalWidth > 0)", timeout=60)
        assert b.screenshot(SHOTS / "lab_02_synthetic_ran.png").stat().st_size > 10_000
    finally:
        b.close()
    assert (ROOT / "nbs" / NOTEBOOK).read_bytes() == before     # the tracked notebook is untouched

BARS = "progress_bars.ipynb"
BARS_PANEL = PANEL.replace(NOTEBOOK, BARS)

def test_a_progress_bar_in_the_lab_is_a_widget(lab):
    "In JupyterLab, mmdr's progress bar is a filled widget (ipywidgets is pinned), not a TqdmWarning and lines of text."
    import nbformat
    from _chromium import find_chromium, Chromium
    exe = find_chromium()
    if exe is None: pytest.skip("chromium is not installed and we are not root: apt-get install chromium")
    base, token, _ = lab
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import time\nfrom mmdr.train import progress_bar, bar_mode\n"
                                          "for _ in progress_bar(range(20), desc='runs'): time.sleep(0.05)\nbar_mode()")]
    nbformat.write(nb, LAB_DIR / BARS)
    state = STATE_JS.replace(PANEL, BARS_PANEL)
    b = Chromium(exe, width=1400, height=1000)
    try:
        b.goto(f"{base}/lab/tree/{BARS}?token={token}", timeout=120)
        b.wait_for(f"(() => {{ const w = {BARS_PANEL}; return !!(w && w.context.isReady); }})()", timeout=180)
        t0 = time.time()
        while time.time() - t0 < 60:            # pick the kernel in the dialog, as in the test above
            if b.eval("!!document.querySelector('.jp-Dialog .jp-mod-accept')"):
                b.eval("document.querySelector('.jp-Dialog .jp-mod-accept').click()"); break
            if b.eval(f"(() => {{ const s = {state}; return s && s.status === 'idle'; }})()"): break
            time.sleep(0.5)
        b.wait_for(f"(() => {{ const s = {state}; return s && s.status === 'idle'; }})()", timeout=120)
        b.eval(f"(() => {{ window.jupyterapp.shell.activateById({BARS_PANEL}.id); return window.jupyterapp.commands.execute('notebook:run-all-cells'); }})()")
        b.wait_for(f"(() => {{ const s = {state}; return s && s.ran === s.code && s.status === 'idle'; }})()", timeout=180)
        outputs = b.eval(f"""(() => {{ const c = {BARS_PANEL}.content.model.cells.get(0); const out = [];
            for (let j = 0; j < c.outputs.length; j++) out.push(c.outputs.get(j).toJSON()); return out; }})()""")
        kinds = [o["output_type"] + ":" + ",".join(sorted(o.get("data", {}))) if "data" in o else o["output_type"] + ":" + o.get("name", "") for o in outputs]
        assert any("application/vnd.jupyter.widget-view+json" in k for k in kinds), kinds
        assert not [o for o in outputs if o["output_type"] == "stream" and "TqdmWarning" in "".join(o.get("text", ""))], outputs
        assert "'widget'" in str([o.get("data", {}).get("text/plain") for o in outputs]), outputs
        width = b.wait_for("(() => { const bar = document.querySelector('.jp-OutputArea-output .widget-hprogress .progress-bar');"
                           " return bar && bar.style.width; })()", timeout=60)   # the widget is drawn, not only its model stored
        assert width == "100%", width                                            # ... and filled to the end
        assert b.screenshot(SHOTS / "lab_progress_widget.png").stat().st_size > 10_000
    finally:
        b.close()
