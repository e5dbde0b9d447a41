"Property: random small tables either build a consistent cohort (every input patient in the cohort or in the report) or raise a documented SourceError."
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st

from mmdr.errors import REASONS, SourceError, ExclusionReport, norm_keys as _norm_keys
from mmdr.frames import cohort_from_frames

ALWAYS_RAISE = {r for r, v in REASONS.items() if v[1] == "always raise"}
IDS = ["P1", "P2", "P3", "P4", "P5", 7, "7", None, "  "]
LABELS = ["a", "b", "a", "b", "c", None, 1]


@pytest.fixture(scope="module")
def image_paths(tmp_path_factory):
    "A readable PNG, a corrupt one and a path that does not exist (all synthetic)."
    import torchvision.io
    d = tmp_path_factory.mktemp("imgs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torchvision.io.write_png(torch.full((1, 6, 6), 200, dtype=torch.uint8), str(d / "ok.png"))
    (d / "bad.png").write_bytes(b"\x89PNG not really")
    return [str(d / "ok.png"), str(d / "bad.png"), str(d / "missing.png")]


def rows(fields: dict, max_size: int, unique_id: bool = False, min_size: int = 0):
    "A strategy for a small DataFrame whose columns draw from the given strategies (optionally with distinct ids)."
    key = (lambda r: str(r["patient_id"]).strip()) if unique_id else None
    return st.lists(st.fixed_dictionaries(fields), min_size=min_size, max_size=max_size, unique_by=key).map(lambda r: pd.DataFrame(r, columns=list(fields)))


pid = st.sampled_from(IDS[:5] * 3 + IDS[5:] + ["ZZ"])   # mostly patients that exist
patient_fields = {"patient_id": st.sampled_from(IDS[:5] * 2 + IDS[5:]), "label": st.sampled_from(LABELS),
                  "age": st.sampled_from([1.5, 2.0, 0, "3", None, None, "x", float("inf"), 1e300])}
tables = st.fixed_dictionaries({
    "patients": st.one_of(rows(patient_fields, 6, True, 1), rows(patient_fields, 6, True, 1), rows(patient_fields, 6)),
    "measurements": st.none() | rows({"patient_id": pid, "time": st.sampled_from([0, 1, 2.5, "soon", None, "3", "2130-01-01"]),
                                      "variable": st.sampled_from(["hr", "bp", None]),
                                      "value": st.sampled_from([1.0, "abc", float("nan"), float("inf"), "2", -4])}, 10),
    "notes": st.none() | rows({"patient_id": pid, "text": st.sampled_from(["fever", "", "no cough", "...", None, "Denies pain"])}, 6),
    "images": st.none() | rows({"patient_id": pid, "path": st.sampled_from([0, 1, 2])}, 4),
    "on_error": st.sampled_from(["raise", "exclude", "exclude", {"non_numeric_value": "exclude", "empty_note": "exclude"}]),
    "class_names": st.sampled_from([None, ["a", "b"]]),
    "measurements_as": st.sampled_from(["series", "both"]),
})


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(t=tables)
def test_random_tables_build_a_consistent_cohort_or_raise_a_documented_error(t, image_paths):
    p, m, n, i = t["patients"], t["measurements"], t["notes"], t["images"]
    if i is not None: i = i.assign(path=[image_paths[k] for k in i["path"]])
    try:
        c = cohort_from_frames(p, m, n, i, on_error=t["on_error"], class_names=t["class_names"], measurements_as=t["measurements_as"],
                               series_len=3, text_len=4, image_size=8, cache=False)
    except SourceError as e:
        assert e.reason in REASONS
        if t["on_error"] == "exclude": assert e.reason in ALWAYS_RAISE, str(e)    # excluding leaves only the unavoidable errors
        return
    c.validate()
    rep = ExclusionReport.of(c)
    f = rep.frame
    # every row of the patients table is in the cohort or excluded as a patient, never both, never twice
    assert len(c) + len(rep.patients()) == len(p) == rep.n_input_patients
    input_ids = set(_norm_keys(p["patient_id"]).dropna())
    excluded = [x for x in rep.patients() if x is not None]
    assert set(c.patient_id) | set(excluded) == input_ids and not set(c.patient_id) & set(excluded)
    assert len(excluded) == len(set(excluded))
    # counts add up
    counts = rep.counts()
    assert counts["records"].sum() == len(f) and set(f.reason) <= set(REASONS) and set(f.action) <= {"patient", "row", "value"}
    # a modality is observed for a patient exactly when one of their rows was not reported as an error
    for name, table, modality in [("measurements", m, "series"), ("notes", n, "text"), ("images", i, "image")]:
        if table is None: continue
        errors = f[(f.table == name) & ~f.reason.isin(["unknown_patient", "extra_image"])]
        ids = _norm_keys(table["patient_id"])
        for k, patient in enumerate(c.patient_id):
            mine = set(table.index[(ids == patient).fillna(False).to_numpy(dtype=bool)]); bad = set(errors.row[errors.patient_id == patient])
            observed = bool(c.mask[modality][k]) if modality in c.x else False
            assert observed == bool(mine - bad), (name, patient, mine, bad)
    # masked rows are zero, lengths agree with the masks
    for mod, lens in c.lengths.items():
        assert ((lens > 0) == c.mask[mod]).all()
    if "tabular" in c.x:
        assert not torch.isinf(c.x["tabular"]).any()
