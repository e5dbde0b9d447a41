"""The numerics canary: a few-second training run whose digest is committed (tests/numerics_canary.json).

Under the portable setting (the default) it must give the same bits on any x86-64 CPU with AVX2; when it does not, the
message names the setting, the CPU capability torch computed with and the CPU, beside what the reference was made with.
"""
import json, os, platform, subprocess, sys
from pathlib import Path
import pytest
from mmdr.runs import numerics_canary

REF = json.loads((Path(__file__).parent / "numerics_canary.json").read_text())

@pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"), reason="the committed digest is an x86-64 one (no AVX2 cap elsewhere)")
def test_canary_matches_the_committed_digest():
    got = numerics_canary()
    n = got["numerics"]
    assert (got["weights_sha256"], got["proba_sha256"]) == (REF["weights_sha256"], REF["proba_sha256"]), (
        f"the numerics changed on this machine: setting {n['mode']}, torch CPU capability {n['cpu_capability']}, caps {n['env']}, "
        f"CPU {n['cpu']!r}, torch {got['torch']}; the reference {REF['weights_sha256']} was made with {REF['made_on']['cpu_capability']} "
        f"on {REF['made_on']['cpu']!r}, torch {REF['torch']}. Under MMDR_NUMERICS=portable this should not happen on an AVX2 CPU: "
        f"report it with this message.")

def test_native_setting_is_recorded_and_keyed_apart():
    "A process with MMDR_NUMERICS=native computes at its CPU's own capability and records it; its run keys differ from portable ones."
    code = ("import json; from mmdr.core import numerics_state, numerics_key; from mmdr.runs import make_specs, RunSpec;"
            "print(json.dumps({'state': numerics_state(), 'key': numerics_key()}))")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "MMDR_NUMERICS": "native"}, capture_output=True, text=True,
                         timeout=120, cwd="/")
    assert out.returncode == 0, out.stderr
    native = json.loads(out.stdout.strip().splitlines()[-1])
    from mmdr.core import numerics_key
    assert native["state"]["mode"] == "native" and native["key"]["mode"] == "native"
    assert native["key"] != numerics_key()            # never served a portable run, nor the other way round
    assert native["state"]["env"]["ATEN_CPU_CAPABILITY"] is None   # the caps this (portable) process set are not inherited
