"Bad input to mmdr.sources: every case raises a SourceError that names the row/patient/file, or (on_error='exclude') is counted in the report."
import os, sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from mmdr.data import split_cohort
from mmdr.text import Vocab
from mmdr.errors import REASONS, SourceError, OptionalDependencyError, ExclusionReport, resolve_on_error
from mmdr.images import ImageCache, read_image
from mmdr.frames import cohort_from_frames, check_patient_split
from mmdr.manifest import cohort_from_manifest, read_labevents, read_noteevents

pytestmark = pytest.mark.filterwarnings("ignore:The image decoding:DeprecationWarning")   # torchvision 0.29's notice
KW = dict(series_len=3, text_len=5, image_size=16, cache=False)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    "Never write into the checkout's cache."
    monkeypatch.setenv("MMDR_CACHE", str(tmp_path / "mmdr-cache"))


@pytest.fixture
def files(tmp_path):
    "Real test images from pydicom/nibabel, a PNG we write, and broken files (all synthetic)."
    import torchvision.io
    from pydicom.data import get_testdata_file
    from nibabel.testing import data_path
    png = tmp_path / "ok.png"
    torchvision.io.write_png((torch.arange(20 * 20) % 256).to(torch.uint8).view(1, 20, 20), str(png))
    bad_dcm = tmp_path / "corrupt.dcm"; bad_dcm.write_bytes(os.urandom(600))
    bad_png = tmp_path / "truncated.png"; bad_png.write_bytes(png.read_bytes()[:40])
    txt = tmp_path / "scan.txt"; txt.write_text("not an image")
    return dict(png=png, ct=Path(get_testdata_file("CT_small.dcm")), mr=Path(get_testdata_file("MR_small.dcm")),
                truncated_dcm=Path(get_testdata_file("MR_truncated.dcm")), bad_dcm=bad_dcm, bad_png=bad_png, txt=txt,
                nii=Path(data_path) / "anatomical.nii", nii4d=Path(data_path) / "functional.nii", missing=tmp_path / "nowhere.dcm")


def patients(n=3, **cols):
    df = pd.DataFrame({"patient_id": [f"P{i}" for i in range(1, n + 1)], "label": ["a", "b", "a", "b", "a", "b"][:n],
                       "age": [50.0, 60.0, 70.0, 40.0, 30.0, 20.0][:n]})
    for k, v in cols.items(): df[k] = v
    return df


def build_both(reason, *args, contains=(), **kw):
    "Raises by default (naming `contains`), and with on_error='exclude' returns a cohort and the report's records for `reason`."
    with pytest.raises(SourceError) as e:
        cohort_from_frames(*args, **{**KW, **kw})
    assert e.value.reason == reason, str(e.value)
    for c in contains: assert c in str(e.value), (c, str(e.value))
    assert "on_error='exclude'" in str(e.value)                  # the message says how to exclude instead
    c = cohort_from_frames(*args, **{**KW, **kw, "on_error": "exclude"})
    rep = ExclusionReport.of(c)
    assert len(c) + len(rep.patients()) == len(args[0])          # every input patient accounted for
    return c, rep.frame[rep.frame.reason == reason]


# -- images ----------------------------------------------------------------------------------------------------

def test_missing_image_file(files):
    imgs = pd.DataFrame({"patient_id": ["P1", "P2"], "path": [str(files["png"]), str(files["missing"])]})
    c, rec = build_both("missing_file", patients(2), images=imgs, contains=["row 1", "'P2'", "nowhere.dcm", "does not exist"])
    assert c.mask["image"].tolist() == [True, False] and c.x["image"][1].abs().sum() == 0
    assert rec[["row", "patient_id", "action"]].values.tolist() == [[1, "P2", "row"]] and rec.file.iloc[0].endswith("nowhere.dcm")


@pytest.mark.parametrize("which", ["bad_dcm", "truncated_dcm", "bad_png"])
def test_unreadable_image(files, which):
    imgs = pd.DataFrame({"patient_id": ["P1", "P2"], "path": [str(files["ct"]), str(files[which])]})
    c, rec = build_both("unreadable_image", patients(2), images=imgs, contains=["'P2'", files[which].name])
    assert c.mask["image"].tolist() == [True, False]
    assert rec.patient_id.tolist() == ["P2"]


def test_corrupt_dicom_direct(files):
    with pytest.raises(SourceError, match=r"unreadable_image.*corrupt\.dcm.*not a readable DICOM"):
        read_image(files["bad_dcm"], cache=False)


def test_nifti_with_unexpected_dimensions(files, tmp_path):
    import nibabel as nib
    with pytest.raises(SourceError, match=r"bad_image_dims.*functional\.nii.*\(17, 21, 3, 20\) is 4-D"):
        read_image(files["nii4d"], cache=False)
    five = tmp_path / "five.nii.gz"
    nib.save(nib.Nifti1Image(np.zeros((4, 4, 3, 2, 2), np.float32), np.eye(4)), str(five))
    with pytest.raises(SourceError, match="bad_image_dims"): read_image(five, cache=False)
    with pytest.raises(SourceError, match="slice 99 is outside the 25 slices"): read_image(files["nii"], nifti_slice=99, cache=False)
    single = tmp_path / "single.nii.gz"                      # a trailing singleton dimension is fine
    nib.save(nib.Nifti1Image(np.random.rand(8, 6, 1, 1).astype(np.float32), np.eye(4)), str(single))
    assert read_image(single, size=8, cache=False).shape == (1, 8, 8)
    imgs = pd.DataFrame({"patient_id": ["P1", "P2"], "path": [str(files["nii"]), str(files["nii4d"])]})
    c, rec = build_both("bad_image_dims", patients(2), images=imgs, contains=["'P2'", "functional.nii"])
    assert c.mask["image"].tolist() == [True, False]


def test_unsupported_format(files):
    imgs = pd.DataFrame({"patient_id": ["P1", "P2"], "path": [str(files["png"]), str(files["txt"])]})
    c, rec = build_both("unsupported_format", patients(2), images=imgs, contains=["scan.txt", "supported"])
    assert rec.patient_id.tolist() == ["P2"]


def test_a_bad_first_image_falls_back_to_the_next_one_when_excluding(files):
    imgs = pd.DataFrame({"patient_id": ["P1", "P1", "P1"], "time": [0, 1, 2], "path": [str(files["missing"]), str(files["png"]), str(files["ct"])]})
    c = cohort_from_frames(patients(1), images=imgs, **KW, on_error="exclude")
    torch.testing.assert_close(c.x["image"][0], read_image(files["png"], 16, cache=False))
    assert ExclusionReport.of(c).frame.reason.tolist() == ["missing_file", "extra_image"]


def test_window_misuse_is_a_value_error(files):
    with pytest.raises(ValueError, match="Hounsfield"): read_image(files["mr"], window="lung", cache=False)
    with pytest.raises(ValueError, match="window must be"): read_image(files["ct"], window="lungs", cache=False)
    with pytest.raises(ValueError, match="calibrated"): read_image(files["png"], window="lung", cache=False)


def test_cache_rereads_a_changed_file_and_ignores_a_damaged_entry(files, tmp_path):
    import torchvision.io
    cache = ImageCache(tmp_path / "c")
    a = read_image(files["png"], size=20, cache=cache)
    assert (cache.hits, cache.misses) == (0, 1)
    torch.testing.assert_close(read_image(files["png"], size=20, cache=cache), a)
    assert (cache.hits, cache.misses) == (1, 1)
    torchvision.io.write_png(torch.zeros(1, 20, 20, dtype=torch.uint8), str(files["png"]))   # rewrite the file
    st = os.stat(files["png"]); os.utime(files["png"], ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    b = read_image(files["png"], size=20, cache=cache)
    assert (cache.hits, cache.misses) == (1, 2) and b.abs().sum() == 0
    for f in (tmp_path / "c").glob("*/*.npy"): f.write_bytes(b"garbage")                       # damaged entries: decoded again
    torch.testing.assert_close(read_image(files["png"], size=20, cache=cache), b)
    assert cache.misses == 3


# -- optional dependencies -------------------------------------------------------------------------------------

@pytest.mark.parametrize("module,extra,key", [("pydicom", "dicom", "ct"), ("nibabel", "nifti", "nii")])
def test_missing_optional_package(files, monkeypatch, module, extra, key):
    monkeypatch.setitem(sys.modules, module, None)              # simulate "not installed"
    with pytest.raises(ImportError, match=f'pip install "mmdr\\[{extra}\\]"') as e:
        read_image(files[key], cache=False)
    assert isinstance(e.value, OptionalDependencyError)
    imgs = pd.DataFrame({"patient_id": ["P1"], "path": [str(files[key])]})
    with pytest.raises(OptionalDependencyError):                # never turned into an exclusion of every image
        cohort_from_frames(patients(1), images=imgs, **KW, on_error="exclude")


def test_import_works_without_the_optional_packages(files, monkeypatch):
    import importlib.util, mmdr.images
    for m in ("pydicom", "nibabel"): monkeypatch.setitem(sys.modules, m, None)
    spec = importlib.util.spec_from_file_location("mmdr._images_without_extras", mmdr.images.__file__)
    fresh = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, fresh)
    spec.loader.exec_module(fresh)                              # a fresh copy of the module, imported without them
    assert fresh.read_image(files["png"], size=8, cache=False).shape == (1, 8, 8)
    with pytest.raises(ImportError, match='pip install "mmdr\\[dicom\\]"'): fresh.read_image(files["ct"], cache=False)
    with pytest.raises(ImportError, match='pip install "mmdr\\[nifti\\]"'): fresh.read_image(files["nii"], cache=False)


# -- values, labels, ids ---------------------------------------------------------------------------------------

def test_non_numeric_lab_values():
    m = pd.DataFrame({"patient_id": ["P1", "P1", "P2"], "time": [0, 1, 0], "variable": "k", "value": [4.1, "high", "3.9"]})
    c, rec = build_both("non_numeric_value", patients(2), m, contains=["row 1 (patient 'P1')", "'high'"])
    assert rec[["row", "action"]].values.tolist() == [[1, "row"]]
    assert c.lengths["series"].tolist() == [1, 1] and c.x["series"][1, 0, 0].item() == pytest.approx(3.9)   # "3.9" is a number


def test_non_numeric_static_feature_becomes_missing():
    c, rec = build_both("non_numeric_value", patients(3, wbc=["7", "lots", 9.0]), contains=["row 1 (patient 'P2')", "wbc = 'lots'"])
    assert rec.action.tolist() == ["value"] and torch.isnan(c.x["tabular"][1, 1]) and c.x["tabular"][0, 1] == 7


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, "inf", 1e300])
def test_nan_or_inf_measurement(bad):
    m = pd.DataFrame({"patient_id": ["P1", "P1", "P2"], "time": [0, 1, 0], "variable": "k", "value": [4.1, bad, 3.9]})
    c, rec = build_both("non_finite_value", patients(2), m, contains=["row 1 (patient 'P1')"])
    assert rec.row.tolist() == [1] and torch.isfinite(c.x["series"]).all()


def test_text_in_a_numeric_column_names_categorical_cols():
    "A text category not declared categorical: the message names the column, row, patient, value and categorical_cols."
    p = patients(3, sex=["f", "m", "f"])
    with pytest.raises(SourceError) as e:
        cohort_from_frames(p, **KW)
    msg = str(e.value)
    assert e.value.reason == "non_numeric_value" and e.value.patient_id == "P1"
    for needle in ["row 0 (patient 'P1')", "sex = 'f'", "3 of 3 values in column 'sex' are not numbers",
                   "pass categorical_cols=['sex']", "on_error='exclude'"]:
        assert needle in msg, (needle, msg)
    assert msg.index("categorical_cols") < msg.index("on_error"), msg       # the fix first, excluding as the alternative
    c = cohort_from_frames(p, **KW, categorical_cols=["sex"])                  # ... and the fix works
    assert c.feature_names == ["age", "sex=f", "sex=m"] and c.meta["categorical"] == {"sex": ["sex=f", "sex=m"]}
    assert c.x["tabular"][:, 1:].tolist() == [[1, 0], [0, 1], [1, 0]]


def test_inf_static_feature_and_nan_is_just_missing():
    c = cohort_from_frames(patients(3, crp=[1.0, np.nan, 2.0]), **KW)           # NaN: a missing lab, not an error
    assert torch.isnan(c.x["tabular"][1, 1]) and len(ExclusionReport.of(c)) == 0
    c, rec = build_both("non_finite_value", patients(3, crp=[1.0, np.inf, 2.0]), contains=["patient 'P2'", "crp"])
    assert rec.action.tolist() == ["value"] and torch.isnan(c.x["tabular"][1, 1])


def test_unknown_label():
    c, rec = build_both("unknown_label", patients(3, label=["a", "b", "c"]), class_names=["a", "b"], contains=["row 2 (patient 'P3')", "'c' is not one of ['a', 'b']"])
    assert c.patient_id == ["P1", "P2"] and rec.action.tolist() == ["patient"]


def test_missing_label():
    c, rec = build_both("missing_label", patients(3, label=["a", None, " "]), contains=["patient 'P2'", "no label"])
    assert c.patient_id == ["P1"] and rec.patient_id.tolist() == ["P2", "P3"]


def test_missing_patient_id():
    c, rec = build_both("missing_patient_id", patients(3, patient_id=["P1", None, ""]), contains=["row 1", "no patient_id"])
    assert c.patient_id == ["P1"] and rec.row.tolist() == [1, 2] and rec.patient_id.isna().all()


def test_duplicated_patient_ids_always_raise():
    p = patients(3, patient_id=["P1", "P2", "P1 "])              # ids are stripped: "P1 " is "P1"
    for on_error in ("raise", "exclude"):
        with pytest.raises(SourceError, match=r"duplicate_patient_id.*'P1' on rows \[0, 2\].*two split parts"):
            cohort_from_frames(p, **KW, on_error=on_error)
    with pytest.raises(ValueError, match="always an error"):
        resolve_on_error({"duplicate_patient_id": "exclude"})
    with pytest.raises(SourceError, match="duplicate_patient_id"):   # 7 and "7" are the same patient
        cohort_from_frames(patients(2, patient_id=[7, "7"]), **KW)


def test_patient_in_two_split_parts():
    c = cohort_from_frames(patients(6), **KW)
    check_patient_split(split_cohort(c, seed=0))                     # a real split is disjoint
    with pytest.raises(SourceError, match=r"1 patient\(s\) in two parts.*'P2' in \['train', 'test'\]"):
        check_patient_split({"train": c.subset([0, 1]), "valid": c.subset([2]), "test": c.subset([1, 3])})


def test_ids_that_match_nothing():
    n = pd.DataFrame({"patient_id": [1, 2], "text": ["fever", "cough"]})
    with pytest.raises(SourceError, match=r"id_mismatch.*notes: none of its 2 rows.*\['1', '2'\].*\['P"):
        cohort_from_frames(patients(2), notes=n, **KW, on_error="exclude")


def test_rows_of_unknown_patients_are_reported_not_raised():
    n = pd.DataFrame({"patient_id": ["P1", "X9", "X9"], "text": ["fever", "cough", "rash"]})
    c = cohort_from_frames(patients(1), notes=n, **KW)
    rec = ExclusionReport.of(c).frame
    assert rec[["patient_id", "reason", "row"]].values.tolist() == [["X9", "unknown_patient", 1]] and "2 row(s)" in rec.detail.iloc[0]
    with pytest.raises(SourceError, match="unknown_patient"):
        cohort_from_frames(patients(1), notes=n, **KW, on_error={"unknown_patient": "raise"})


def test_patient_with_nothing_observed():
    p = patients(2, age=[50.0, np.nan])
    c, rec = build_both("no_observed_modality", p, contains=["patient 'P2'"])
    assert c.patient_id == ["P1"]


def test_nobody_left():
    with pytest.raises(SourceError, match="no_patients"):
        cohort_from_frames(patients(2, label=[None, None]), **KW, on_error="exclude")


# -- notes and times -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("empty", ["... ;", "the of and"])
def test_empty_note(empty):
    "A note with text but no word left after cleaning is an error (or, excluded, a record)."
    n = pd.DataFrame({"patient_id": ["P1", "P2"], "text": ["no fever", empty]})
    c, rec = build_both("empty_note", patients(2), notes=n, contains=["row 1 (patient 'P2')"])
    assert c.mask["text"].tolist() == [True, False] and c.lengths["text"].tolist()[1] == 0 and rec.row.tolist() == [1]


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_a_blank_note_is_no_note_on_both_paths(blank, tmp_path):
    "A missing or blank note is 'no note', not an error, in cohort_from_frames (listed) and in a manifest alike."
    n = pd.DataFrame({"patient_id": ["P1", "P2"], "text": ["no fever", blank]})
    c = cohort_from_frames(patients(2), notes=n, **KW)
    rec = ExclusionReport.of(c).frame
    assert c.mask["text"].tolist() == [True, False] and c.patient_id == ["P1", "P2"]
    assert rec[["row", "reason", "action"]].values.tolist() == [[1, "blank_note", "row"]]   # said, not dropped silently
    cell = "" if blank is None else blank
    (tmp_path / "m.csv").write_text(f"patient_id,label,note,age\nP1,a,no fever,1\nP2,b,{cell},2\n")
    m = cohort_from_manifest(tmp_path / "m.csv", **KW)
    assert m.mask["text"].tolist() == [True, False] and m.patient_id == ["P1", "P2"]
    with pytest.raises(SourceError, match="blank_note"):                   # a user may still make it an error
        cohort_from_frames(patients(2), notes=n, **KW, on_error={"blank_note": "raise"})


def test_an_empty_categorical_column_is_reported_on_both_paths(tmp_path):
    "A categorical column with no value gives no feature: an error naming it, or a record of the column when excluded."
    p = patients(3, ward=[None, None, None])
    with pytest.raises(SourceError, match=r"\[empty_column\] patients: categorical column 'ward' has no value") as e:
        cohort_from_frames(p, **KW, categorical_cols=["ward"])
    assert "on_error={'empty_column': 'exclude'}" in str(e.value)
    c = cohort_from_frames(p, **KW, categorical_cols=["ward"], on_error={"empty_column": "exclude"})
    rec = ExclusionReport.of(c).frame
    assert "ward" not in " ".join(c.feature_names) and rec[["reason", "action"]].values.tolist() == [["empty_column", "column"]]
    (tmp_path / "m.csv").write_text("patient_id,label,age,ward\nP1,a,1,\nP2,b,2,\n")
    (tmp_path / "m.toml").write_text('categorical_cols = ["ward"]\n')
    with pytest.raises(SourceError, match=r"\[empty_column\] m.csv: categorical column 'ward' has no value"):
        cohort_from_manifest(tmp_path / "m.csv", **KW)
    m = cohort_from_manifest(tmp_path / "m.csv", **KW, on_error={"empty_column": "exclude"})
    assert m.feature_names == ["age"] and ExclusionReport.of(m).frame.reason.tolist() == ["empty_column"]


@pytest.mark.parametrize("times", [[0, "soon", 2], [0, None, 2], ["2130-01-01", "2130-13-45", "2130-01-03"], ["2130-01-01", "7", "2130-01-03"]])
def test_time_that_does_not_parse(times):
    m = pd.DataFrame({"patient_id": ["P1", "P1", "P2"], "time": times, "variable": "hr", "value": [80, 90, 70]})
    c, rec = build_both("bad_time", patients(2), m, contains=["row 1 (patient 'P1')", "does not parse"])
    assert c.lengths["series"].tolist() == [1, 1] and rec.row.tolist() == [1]


def test_missing_variable_name():
    m = pd.DataFrame({"patient_id": ["P1", "P2"], "time": [0, 0], "variable": ["hr", None], "value": [80, 70]})
    c, rec = build_both("missing_variable", patients(2), m, contains=["row 1 (patient 'P2')"])


# -- tables without the expected columns -----------------------------------------------------------------------

@pytest.mark.parametrize("table,frame,needle", [
    ("patients", pd.DataFrame({"PatientID": ["P1"], "Diagnosis": ["a"]}), "patients has none of the expected columns: no column 'patient_id'"),
    ("measurements", pd.DataFrame({"patient_id": ["P1"], "when": [0], "lab": ["hr"], "result": [1.0]}), "measurements has not all the expected columns"),
    ("notes", pd.DataFrame({"patient_id": ["P1"], "body": ["x"]}), "no column 'text', pass text_col="),
    ("images", pd.DataFrame({"patient_id": ["P1"], "file": ["x.png"]}), "no column 'path', pass path_col="),
])
def test_table_without_expected_columns(table, frame, needle):
    args = {"patients": patients(1)} | ({table: frame})
    with pytest.raises(SourceError, match="missing_columns") as e:
        cohort_from_frames(**args, **KW, on_error="exclude")
    assert needle in str(e.value) and "It has [" in str(e.value)


def test_close_column_names_are_suggested():
    with pytest.raises(SourceError, match=r"did you mean 'Patient_ID'\?"):
        cohort_from_frames(pd.DataFrame({"Patient_ID": ["P1"], "label": ["a"], "x": [1]}), **KW)


def test_patients_table_without_any_modality():
    with pytest.raises(SourceError, match="no modality"):
        cohort_from_frames(pd.DataFrame({"patient_id": ["P1"], "label": ["a"]}), **KW)


def test_manifest_bad_input(tmp_path, files):
    (tmp_path / "img").mkdir(); (tmp_path / "img" / "a.png").write_bytes(files["png"].read_bytes())
    f = tmp_path / "m.csv"
    f.write_text("patient_id,label,image_path,note,age\n1,a,img/a.png,cough,3\n2,b,img/gone.png,   ,x\n3,,img/a.png,fever,4\n")
    with pytest.raises(SourceError, match=r"m\.csv: 1 row with a problem, e\.g\. row 4 \(patient '3'\): no label"):
        cohort_from_manifest(f, **KW)
    c = cohort_from_manifest(f, **KW, on_error="exclude")
    rec = ExclusionReport.of(c).frame
    assert c.patient_id == ["1"]                     # '2' lost its image, note and age: nothing observed is left
    assert sorted(rec.reason) == ["missing_file", "missing_label", "no_observed_modality", "non_numeric_value"]   # '   ': no note
    assert set(rec.row) == {3, 4} and rec.table.eq("m.csv").all()                    # rows are CSV line numbers
    (tmp_path / "n.csv").write_text("id,diagnosis\n1,a\n")
    with pytest.raises(SourceError, match="n.csv has none of the expected columns"): cohort_from_manifest(tmp_path / "n.csv")
    with pytest.raises(SourceError, match="missing_file"): cohort_from_manifest(tmp_path / "absent.csv")


def test_mimic_files_without_the_expected_columns(tmp_path):
    (tmp_path / "NOTEEVENTS.csv").write_text("ROW_ID,SUBJECT_ID,BODY\n1,900001,x\n")
    with pytest.raises(SourceError, match="NOTEEVENTS has not all the expected columns: no column 'TEXT', which a MIMIC"):
        read_noteevents(tmp_path / "NOTEEVENTS.csv")
    (tmp_path / "LABEVENTS.csv").write_text("subject_id,itemid,charttime,valuenum\n900001,50912,2150-01-01 00:00:00,1.0\n")
    labs = read_labevents(tmp_path / "LABEVENTS.csv")                         # lower-case (MIMIC-IV style) is fine
    assert labs[["patient_id", "variable", "value"]].values.tolist() == [["900001", "ITEMID 50912", "1.0"]]
    with pytest.raises(SourceError, match="D_LABITEMS has not all the expected columns"):
        read_labevents(tmp_path / "LABEVENTS.csv", pd.DataFrame({"ITEMID": [50912], "NAME": ["x"]}))
    with pytest.raises(SourceError, match="missing_file"): read_labevents(tmp_path / "nope.csv")


# -- arguments -------------------------------------------------------------------------------------------------

def test_bad_arguments_are_value_errors():
    p = patients(2)
    for kw, msg in [({"on_error": "ignore"}, "on_error"), ({"series_len": 0}, "series_len"), ({"measurements_as": "wide"}, "measurements_as"),
                    ({"truncate": "middle"}, "truncate"), ({"on_error": {"typo": "exclude"}}, "unknown reason"), ({"window": "lungs"}, "window")]:
        with pytest.raises(ValueError, match=msg): cohort_from_frames(p, **{**KW, **kw})
    with pytest.raises(ValueError, match="must start with"): Vocab(["a", "<pad>"])
    with pytest.raises(ValueError, match="min_freq"): Vocab.fit(["a"], min_freq=0)


def test_every_reason_is_documented_and_tested_here():
    src = Path(__file__).read_text()
    untested = [r for r in REASONS if f'"{r}"' not in src and r not in ("id_mismatch", "no_patients")]
    assert not untested, untested


# -- MIMIC-shaped tables (tiny synthetic fixtures with MIMIC-III's column names) ---------------------------------

def test_mimic_readers_filter_and_report(tmp_path):
    (tmp_path / "NOTEEVENTS.csv").write_text(
        "ROW_ID,SUBJECT_ID,HADM_ID,CHARTDATE,CHARTTIME,CATEGORY,ISERROR,TEXT\n"
        '1,900001,800001,2150-01-02,,Discharge summary,,"Fever, no cough."\n'
        '2,900001,800002,2150-02-01,,Nursing,,"Calm."\n'
        '3,900002,800003,2150-03-01,,Discharge summary,1,"ERROR"\n'
        '4,900002,800003,2150-03-02,,Discharge summary,,""\n'
        '5,900003,800004,2150-03-02,,Discharge summary,,"Not in cohort."\n')
    notes = read_noteevents(tmp_path / "NOTEEVENTS.csv", categories=["discharge summary"], patient_ids=[900001, 900002], chunksize=2)
    assert notes.attrs["dropped"] == {"ISERROR": 1, "other CATEGORY": 1}
    assert notes[["patient_id", "hadm_id"]].values.tolist() == [["900001", "800001"], ["900002", "800003"]]
    p = pd.DataFrame({"patient_id": ["900001", "900002"], "label": ["a", "b"], "age": [1.0, 2.0]})
    c = cohort_from_frames(p, notes=notes, **KW)                                   # MIMIC has empty TEXT cells: no note
    assert c.mask["text"].tolist() == [True, False]
    assert ExclusionReport.of(c).frame[["row", "patient_id", "reason"]].values.tolist() == [[1, "900002", "blank_note"]]
    by_admission = read_noteevents(tmp_path / "NOTEEVENTS.csv", patient_key="HADM_ID")
    assert by_admission.patient_id.tolist() == ["800001", "800002", "800003", "800004"]
    (tmp_path / "LABEVENTS.csv").write_text(
        "ROW_ID,SUBJECT_ID,HADM_ID,ITEMID,CHARTTIME,VALUE,VALUENUM,VALUEUOM,FLAG\n"
        "1,900001,800001,50912,2150-01-01 06:00:00,1.4,1.4,mg/dL,abnormal\n"
        "2,900001,800001,51478,2150-01-01 06:00:00,NEG,,mg/dL,\n"
        "3,900002,800003,50912,2150-03-01 07:00:00,0.9,0.9,mg/dL,\n")
    d = pd.DataFrame({"ITEMID": ["50912", "51478"], "LABEL": ["Creatinine", "Glucose"]})
    labs = read_labevents(tmp_path / "LABEVENTS.csv", d, itemids=[50912, 51478], chunksize=2)
    assert labs[["variable", "value", "unit", "flag"]].values.tolist()[:2] == [["Creatinine", "1.4", "mg/dL", "abnormal"], ["Glucose", "NEG", "mg/dL", np.nan]]
    with pytest.raises(SourceError, match=r"non_numeric_value.*row 1 \(patient '900001'\): value 'NEG' of 'Glucose'"):
        cohort_from_frames(p, labs, **KW)
    c = cohort_from_frames(p, labs, **KW, on_error={"non_numeric_value": "exclude"})
    assert c.series_names == ["Creatinine"] and ExclusionReport.of(c).frame.row.tolist() == [1]
    only = read_labevents(tmp_path / "LABEVENTS.csv", d, itemids=["50912"])
    assert only.attrs["dropped"] == {"other ITEMID": 1} and only.variable.unique().tolist() == ["Creatinine"]


def test_a_manifest_sidecar_with_a_bad_key_is_a_bad_config(tmp_path):
    "The settings file beside a manifest (<name>.toml) is checked key by key; a wrong one names the file and the key."
    (tmp_path / "c.csv").write_text("patient_id,label,age\nA,x,1\nB,y,2\n")
    (tmp_path / "c.toml").write_text('class_order = ["y", "x"]\n')
    with pytest.raises(SourceError, match="c.toml: class_order is not a setting") as e: cohort_from_manifest(tmp_path / "c.csv")
    assert e.value.reason == "bad_config" and e.value.file == str(tmp_path / "c.toml")


def test_a_measurements_file_with_its_own_id_column_follows_the_advice(tmp_path):
    "The advice for a missing id column in the measurements file names a setting that exists, and following it works."
    (tmp_path / "c.csv").write_text("patient_id,label,age\nA,x,1\nB,y,2\n")
    (tmp_path / "c.measurements.csv").write_text("subject,time,variable,value\nA,0,hr,80\nA,1,hr,90\nB,0,hr,70\n")
    with pytest.raises(SourceError, match=r"no column 'patient_id', name it in the \[measurements\] table of c.toml "
                                          r"\(id_col = \.\.\.\)"):
        cohort_from_manifest(tmp_path / "c.csv", **KW)
    (tmp_path / "c.toml").write_text('[measurements]\nid_col = "subject"\n')       # the advice, followed
    c = cohort_from_manifest(tmp_path / "c.csv", **KW)
    assert c.series_names == ["hr"] and c.lengths["series"].tolist() == [2, 1]
    (tmp_path / "c.measurements.csv").write_text("subject,patient_id,time,variable,value\nA,A,0,hr,80\n")
    with pytest.raises(SourceError, match="name one id column"): cohort_from_manifest(tmp_path / "c.csv", **KW)
