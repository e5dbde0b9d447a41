"""A refactor of the training code changes no number: one small run of every model kind gives the committed bits.

`mmdr.runs.code_version()` names the training code by its syntax (docstrings, comments and layout left out), and a
syntax that was shown to train the same bits as an older one keeps that one's name (`CODE_VERSIONS`), so its cached
runs stay valid. This test is that showing: it trains every kind the experiments train and compares with
tests/training_bits.json, made under the portable numerics on x86-64.
"""
import json, platform, sys
from pathlib import Path
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from training_bits import digests
from mmdr.runs import code_version

REF = json.loads((Path(__file__).parent / "training_bits.json").read_text())

@pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"), reason="the committed digests are x86-64 ones")
def test_every_model_kind_trains_the_committed_bits():
    got = digests()
    assert list(got) == list(REF["runs"])
    changed = {label: (REF["runs"][label], d) for label, d in got.items() if d != REF["runs"][label]}
    assert not changed, (f"the training code now trains other numbers for {list(changed)} (committed, now): {changed}. "
                         "If that is meant, rewrite tests/training_bits.json (python tests/training_bits.py) and let the "
                         "code version change; if it is a refactor, it is not one.")

def test_the_committed_bits_belong_to_todays_code_version():
    "The reference was made by the code version the run cache is keyed by today: equal bits, equal name."
    assert REF["code_version"] == code_version()

def test_the_classical_baseline_keeps_its_run_keys():
    "The classical baseline is keyed by the syntax of mmdr/baselines.py (`runs.CLASSICAL_VERSIONS`): a real edit retrains every cached one."
    from mmdr.data import toy_cohort
    from mmdr.runs import classical_key
    assert classical_key(toy_cohort(n=160, image_size=16, seed=0), 0) == REF["classical_key"], (
        "mmdr/baselines.py's syntax changed: every cached classical run will be retrained. If that is meant, update "
        "tests/training_bits.json's classical_key and say so in the commit.")
