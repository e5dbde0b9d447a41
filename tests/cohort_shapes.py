"""Tiny generated cohorts of the three shapes a researcher brings, written as `mmdr reproduce --manifest` reads them:
a manifest CSV, its sidecar settings (<name>.toml) and, for a series, its measurements (<name>.measurements.csv).
The label depends on the data of every modality, so each branch has something to learn."""
from pathlib import Path
import numpy as np

SHAPES = ("labs_series", "notes_categorical", "images_labs")

def write_cohort(folder, shape: str, n: int = 80, seed: int = 0) -> Path:
    "Write the cohort `shape` (one of SHAPES) of `n` patients into `folder`; return the manifest's path."
    if shape not in SHAPES: raise ValueError(f"unknown shape {shape!r}; choose one of {SHAPES}")
    folder = Path(folder); folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    sick = rng.random(n) < 0.5
    ids = [f"P{i:03d}" for i in range(n)]
    age = np.round(rng.normal(55, 12, n) + 8 * sick)
    crp = np.round(np.exp(rng.normal(1.5, 0.6, n) + 0.8 * sick), 1)
    label = np.where(sick, "sick", "well")
    man = folder / f"{shape}.csv"
    if shape == "labs_series":
        man.write_text("patient_id,label,age,crp\n" + "".join(f"{p},{l},{a:.0f},{c}\n" for p, l, a, c in zip(ids, label, age, crp)))
        rows = []
        for p, s in zip(ids, sick):
            for t in range(int(rng.integers(2, 6))):
                rows.append(f"{p},{t * 6},hr,{rng.normal(80 + 12 * s, 6):.0f}\n")
                if rng.random() < 0.7: rows.append(f"{p},{t * 6},temp,{rng.normal(37 + 0.8 * s, 0.3):.1f}\n")
        (folder / f"{shape}.measurements.csv").write_text("patient_id,time,variable,value\n" + "".join(rows))
        (folder / f"{shape}.toml").write_text('class_names = ["well", "sick"]   # the positive class second\n'
                                              '[measurements]\nseries_len = 6\n')
    elif shape == "notes_categorical":
        words = {True: ["fever", "cough", "dyspnoea", "crackles"], False: ["routine", "review", "no", "complaints"]}
        notes = [" ".join(rng.choice(words[bool(s)] + words[not s][:1], 4)) for s in sick]
        sex = rng.choice(["F", "M"], n)
        ward = np.where(rng.random(n) < 0.7, np.where(sick, "respiratory", "clinic"), rng.choice(["respiratory", "clinic"], n))
        man.write_text("patient_id,label,note,sex,ward,age\n" + "".join(
            f"{p},{l},{t},{s},{w},{a:.0f}\n" for p, l, t, s, w, a in zip(ids, label, notes, sex, ward, age)))
        (folder / f"{shape}.toml").write_text('categorical_cols = ["sex", "ward"]\nclass_names = ["well", "sick"]\ntext_len = 8\n')
    else:
        (folder / "img").mkdir(exist_ok=True)
        for p, s in zip(ids, sick):
            a = rng.normal(0, 0.2, (16, 16)).astype(np.float32)
            if s: a[4:12, 4:12] += 1.0                     # a lesion
            np.save(folder / "img" / f"{p}.npy", a)
        man.write_text("patient_id,label,image_path,age,crp\n" + "".join(
            f"{p},{l},img/{p}.npy,{a:.0f},{c}\n" for p, l, a, c in zip(ids, label, age, crp)))
        (folder / f"{shape}.toml").write_text('class_names = ["well", "sick"]\nimage_size = 32\n')
    return man
