"The generator's ground truth (issue 30): asking for it never changes the cohort, and it describes what was drawn."
import numpy as np
import pytest
import torch
from mmdr.data import cohort_fingerprint, prepare
from mmdr.synthetic import make_cohort, ground_truth, TRUTH_FINDINGS

CONFIGS = [dict(n_patients=120, seed=0), dict(n_patients=150, seed=3, series=True, image_size=32, text_len=16),
           dict(n_patients=100, seed=9, shared_severity=0.7, missing_image=0.5, missing_text=0.4)]

def _bytes(c):
    return [c.x[m].numpy().tobytes() for m in c.modalities] + [c.mask[m].numpy().tobytes() for m in c.modalities] \
           + [v.numpy().tobytes() for v in c.lengths.values()]

@pytest.mark.parametrize("kw", CONFIGS)
def test_the_truth_option_leaves_the_cohort_byte_identical(kw):
    plain = make_cohort(**kw)
    with_truth, truth = make_cohort(**kw, return_truth=True)
    assert cohort_fingerprint(with_truth) == cohort_fingerprint(plain)
    assert _bytes(with_truth) == _bytes(plain) and with_truth.texts == plain.texts and torch.equal(with_truth.y, plain.y)
    assert with_truth.meta == plain.meta and with_truth.patient_id == plain.patient_id == truth.patient_id
    alone = ground_truth(**kw)
    assert all(torch.equal(alone.masks[f], truth.masks[f]) for f in TRUTH_FINDINGS)

@pytest.mark.parametrize("kw", CONFIGS)
def test_the_truth_matches_the_cohort(kw):
    c, lat, truth = make_cohort(**kw, return_latent=True, return_truth=True)
    S = c.x["image"].shape[-1]
    assert all(m.shape == (len(c), S, S) and m.dtype == torch.bool for m in truth.masks.values())
    for f in ("nodule", "consolidation", "effusion", "ground_glass"):
        assert np.array_equal(truth.masks[f].any((1, 2)).numpy(), (lat[f].to_numpy() == 1) & lat.has_image.to_numpy()), f
    no_scan = ~c.mask["image"]
    assert not truth.lungs[no_scan].any() and truth.lungs[~no_scan].any((1, 2)).all()
    words = np.array(c.vocab)
    for r in truth.clauses.itertuples():                      # every span holds its clause, cut at text_len
        assert r.end <= c.x["text"].shape[1] and r.start < r.end
        assert list(words[c.x["text"][r.patient, r.start:r.end].numpy()]) == r.text.split()[:r.end - r.start]
    assert set(truth.clauses.patient) == set(np.flatnonzero(c.mask["text"].numpy()))

def test_the_test_part_of_a_split_gets_its_own_truth():
    c, truth = make_cohort(n_patients=200, seed=1, return_truth=True)
    data = prepare(c, seed=0)
    sub = truth.subset(data.indices["test"])
    assert sub.patient_id == data.test.patient_id and len(sub.masks["nodule"]) == len(data.test)
    assert np.array_equal(sub.latent.label.to_numpy(), data.test.y.numpy())

def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="unknown parameter"): ground_truth(n_patient=10)
    with pytest.raises(ValueError, match="positions 0..9"): ground_truth(n_patients=10).subset([10])
