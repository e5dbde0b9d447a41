"cohort_from_frames learns nothing from the patients: series keep NaN where nothing was measured, padding stays zero, and no patient's data shape another's."
import numpy as np
import pandas as pd
import pytest
import torch

from mmdr.frames import cohort_from_frames

KW = dict(series_len=6, cache=False, categorical_cols=["ward"])


def tables():
    "Three patients with 1, 3 and 5 visits; 'temp' is first measured late, or never."
    p = pd.DataFrame({"patient_id": ["A", "B", "C"], "label": ["x", "y", "x"], "age": [50.0, 60.0, 70.0],
                      "ward": ["icu", "med", "icu"]})
    m = pd.DataFrame({"patient_id": ["A"] + ["B"] * 3 + ["C"] * 5 + ["C", "B"],
                      "time": [0, 0, 1, 2, 0, 1, 2, 3, 4, 3, 2],
                      "variable": ["hr"] * 9 + ["temp", "temp"],
                      "value": [80.0, 90, 91, 92, 70, 71, 72, 73, 74, 37.5, 38.0]})
    return p, m


def test_padding_and_missing_values_of_series_from_frames():
    c = cohort_from_frames(*tables(), **KW)
    s, lengths = c.x["series"], c.lengths["series"]
    assert c.series_names == ["hr", "temp"] and lengths.tolist() == [1, 3, 5]
    for k, n in enumerate([1, 3, 5]):
        assert (s[k, n:] == 0).all()                                        # padded steps: zero, never NaN
    assert torch.isnan(s[0, 0, 1])                                          # A: temp never measured -> NaN
    assert torch.isnan(s[1, :2, 1]).all() and s[1, 2, 1] == 38.0            # B: NaN before the first temp, then 38
    assert torch.isnan(s[2, :3, 1]).all() and s[2, 3:5, 1].tolist() == [37.5, 37.5]   # C: carried forward
    assert not torch.isnan(s[:, :, 0][torch.arange(6) < lengths[:, None]]).any()     # hr measured at every step
    assert c.meta["series"]["series_fill"] == "locf" and "series_fill_values" not in c.meta


def test_series_fill_values_and_zero_are_applied_as_given():
    c = cohort_from_frames(*tables(), **KW, series_fill_values={"temp": 37.0})
    assert c.x["series"][1, :, 1].tolist() == [37.0, 37.0, 38.0, 0, 0, 0]
    z = cohort_from_frames(*tables(), **KW, series_fill="zero")
    assert not torch.isnan(z.x["series"]).any() and z.x["series"][1, :, 1].tolist() == [0, 0, 38.0, 0, 0, 0]


def test_reader_leakage_a_patient_changes_only_their_own_rows():
    "Changing patient C's values leaves every other patient's tensors and the cohort's meta unchanged."
    p, m = tables()
    notes = pd.DataFrame({"patient_id": ["A", "B", "C"], "text": ["fever", "cough", "rash"]})
    before = cohort_from_frames(p, m, notes, **KW)
    m2 = m.assign(value=np.where(m.patient_id == "C", m.value * 10, m.value))
    p2 = p.assign(age=[50.0, 60.0, 7000.0])
    after = cohort_from_frames(p2, m2, notes, **KW)
    for mod in ("series", "tabular", "text"):
        torch.testing.assert_close(before.x[mod][:2], after.x[mod][:2], equal_nan=True)
        assert not torch.equal(before.x[mod][2], after.x[mod][2]) or mod == "text"
    assert before.meta == after.meta and before.vocab == after.vocab
    assert before.meta["categorical"] == {"ward": ["ward=icu", "ward=med"]}
