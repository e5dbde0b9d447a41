"""Headless Chromium for the browser tests, driven over the DevTools protocol (websocket-client, already a Jupyter
dependency): open a page, wait for it, evaluate JavaScript, watch its network requests, take screenshots.
Debian's `chromium` is installed with apt-get when it is missing and we are root; nothing downloads a browser."""
from __future__ import annotations
import base64, json, os, shutil, subprocess, tempfile, time, urllib.request
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
         "--no-default-browser-check", "--disable-extensions", "--allow-file-access-from-files"]

def find_chromium(install: bool = True) -> str | None:
    "Path of Debian's chromium; apt-get installs it when missing and we are root (CI); None otherwise."
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name): return shutil.which(name)
    if not install or os.geteuid() != 0: return None
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium", "fonts-liberation", "fonts-dejavu-core"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    return shutil.which("chromium")

class Chromium:
    "One headless Chromium with one page, driven over the DevTools protocol."
    def __init__(self, exe: str, width: int = 1280, height: int = 900):
        import websocket
        self.width, self.height = width, height
        self.profile = Path(tempfile.mkdtemp(prefix="mmdr-chromium-"))
        self.log = open(self.profile / "chromium.log", "wb")
        self.proc = subprocess.Popen([exe, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-port=0",
                                      "--remote-debugging-address=127.0.0.1", f"--window-size={width},{height}", "about:blank"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        port_file, t0 = self.profile / "DevToolsActivePort", time.time()
        while not (port_file.exists() and port_file.read_text().strip()):
            if self.proc.poll() is not None or time.time() - t0 > 60:
                raise RuntimeError(f"chromium did not start: {(self.profile / 'chromium.log').read_text()[-2000:]}")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10).read())
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=120, suppress_origin=True)
        self.next_id, self.events = 0, []
        for domain in ("Page", "Runtime", "Network", "Log"): self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        self.send("Emulation.setFocusEmulationEnabled", enabled=True)    # a headless page has no focus of its own

    def send(self, method: str, **params) -> dict:
        "Call a DevTools method; return its result (events that arrive meanwhile are kept in self.events)."
        self.next_id += 1; my = self.next_id
        self.ws.send(json.dumps({"id": my, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my:
                if "error" in msg: raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg: self.events.append(msg)

    def goto(self, url: str, timeout: float = 60) -> None:
        "Open `url` and wait for its load event."
        self.events.clear()
        self.send("Page.navigate", url=url)
        t0 = time.time()
        while not any(e["method"] == "Page.loadEventFired" for e in self.events):
            if time.time() - t0 > timeout: raise TimeoutError(f"{url} did not finish loading in {timeout} s")
            self.ws.settimeout(max(0.1, timeout - (time.time() - t0)))
            msg = json.loads(self.ws.recv())
            if "method" in msg: self.events.append(msg)
        self.ws.settimeout(120)

    def eval(self, expression: str, await_promise: bool = False):
        "The JSON value of a JavaScript expression in the page (raises on a JavaScript exception)."
        r = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=await_promise)
        if "exceptionDetails" in r: raise RuntimeError(f"JavaScript error in {expression[:80]!r}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60, every: float = 0.25):
        "Poll `expression` until it is truthy; return its value."
        t0 = time.time()
        while True:
            v = self.eval(expression)
            if v: return v
            if time.time() - t0 > timeout: raise TimeoutError(f"waited {timeout} s for {expression[:200]}")
            time.sleep(every)

    def requests(self) -> list:
        "URLs the page asked for since the last goto."
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def screenshot(self, path: str | Path, full_page: bool = False, max_height: int = 8000) -> Path:
        "Write a PNG of the viewport (or of the whole page, up to max_height pixels)."
        if full_page:   # grow the window to the page's height (capturing beyond the viewport can shift wide pages sideways)
            height = min(int(self.eval("document.documentElement.scrollHeight")), max_height)
            self.send("Emulation.setDeviceMetricsOverride", width=self.width, height=max(height, self.height), deviceScaleFactor=1, mobile=False)
            time.sleep(0.5)
        try: data = self.send("Page.captureScreenshot", format="png")["data"]
        finally:
            if full_page: self.send("Emulation.setDeviceMetricsOverride", width=self.width, height=self.height, deviceScaleFactor=1, mobile=False)
        path = Path(path); path.parent.mkdir(parents=True, exist_ok=True); path.write_bytes(base64.b64decode(data))
        return path

    def close(self):
        try: self.ws.close()
        except Exception: pass
        self.proc.terminate()
        try: self.proc.wait(10)
        except subprocess.TimeoutExpired: self.proc.kill(); self.proc.wait()
        self.log.close(); shutil.rmtree(self.profile, ignore_errors=True)
