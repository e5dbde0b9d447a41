"A small real-shaped cohort built with `cohort_from_frames`: static labs, a category, notes, and 1 to 5 visits per patient."
import numpy as np
import pandas as pd
from mmdr.sources import cohort_from_frames

def frames(n: int = 300, seed: int = 0) -> tuple:
    "(patients, measurements, notes) frames; the label leaves a trace in every modality."
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n); ids = [f"P{i:04d}" for i in range(n)]
    patients = pd.DataFrame({"patient_id": ids, "label": [f"c{k}" for k in y], "age": rng.normal(60, 10, n) + 3 * y,
                             "sex": rng.choice(["f", "m"], n)})
    rows = []
    for i, k in enumerate(y):
        for t in range(int(rng.integers(1, 6))):                       # 1 to 5 visits
            rows += [(ids[i], t, "crp", rng.normal(10 + 5 * k, 3)), (ids[i], t, "hr", rng.normal(80 + 4 * k, 5))]
    measurements = pd.DataFrame(rows, columns=["patient_id", "time", "variable", "value"])
    words = [["cough", "fever"], ["no", "cough"], ["dyspnea", "wheeze"]]
    notes = pd.DataFrame({"patient_id": ids, "text": [" ".join(words[k] + list(rng.choice(["stable", "seen", "today"], 3))) for k in y]})
    return patients, measurements, notes

def frames_cohort(n: int = 300, seed: int = 0, series_len: int = 5):
    patients, measurements, notes = frames(n, seed)
    return cohort_from_frames(patients, measurements, notes, categorical_cols=["sex"], series_len=series_len, text_len=8)
