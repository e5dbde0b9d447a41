"Shared pytest setup: the `browser` marker (headless Chromium tests, run by `make test-browser` / .ci/run)."
import os
import pytest
import mmdr.core   # first: it sets the portable numerics (00_core) before any test module makes torch compute

def pytest_configure(config):
    config.addinivalue_line("markers", "browser: builds the site / starts JupyterLab and checks them in headless Chromium "
                                       "(minutes; run with MMDR_BROWSER=1, as `make test-browser` and .ci/run do)")

def pytest_collection_modifyitems(config, items):
    if os.environ.get("MMDR_BROWSER") == "1": return
    skip = pytest.mark.skip(reason="browser test: set MMDR_BROWSER=1 or run `make test-browser`")
    for item in items:
        if "browser" in item.keywords: item.add_marker(skip)
