"""Coverage of mmdr.metrics' intervals on simulated per-seed results with a known truth.

Each simulated experiment has S seeds. A seed trains a network whose true accuracy is the recipe's mean plus a
seed effect (sd `SEED_SD`), and scores it on its own `N_TEST` test patients (binomial sampling noise). The 95%
interval must contain the true mean in 90-99% of the simulations. The old interval, a bootstrap over the pooled
test patients of all seeds, ignores the seed effect and must be seen to under-cover (< 85%): that is what these
tests exist to catch, so they also fail if a future interval is as narrow as the pooled one.
"""
import math
import numpy as np
import pytest
from scipy.stats import norm, t as student_t

from mmdr.metrics import compare_family, paired_seed_comparison, seed_interval

TRUE_ACC, SEED_SD, N_TEST, SEEDS, N_SIM = 0.75, 0.03, 300, 5, 2000
TRUE_DIFF, DIFF_SEED_SD, DISAGREE = 0.02, 0.025, 0.12
Z = norm.ppf(0.975)


def _accuracies(rng, seed_sd=SEED_SD, n_sim=N_SIM):
    "(n_sim, SEEDS) per-seed test accuracies with true expected value TRUE_ACC."
    p = np.clip(TRUE_ACC + seed_sd * rng.standard_normal((n_sim, SEEDS)), 0, 1)
    return rng.binomial(N_TEST, p) / N_TEST


def _pooled_wald(acc):
    "The old interval: all seeds' test patients pooled as one binomial sample (what a pooled bootstrap estimates)."
    p = acc.mean(1); n = SEEDS * N_TEST
    half = Z * np.sqrt(p * (1 - p) / n)
    return p - half, p + half


def _coverage(lo, hi, truth):
    return float(np.mean((np.asarray(lo) <= truth) & (truth <= np.asarray(hi))))


def _seed_cover(acc, truth):
    iv = [seed_interval(row) for row in acc]
    return _coverage([d["ci_low"] for d in iv], [d["ci_high"] for d in iv], truth)


def test_coverage_seed_interval_of_a_score():
    acc = _accuracies(np.random.default_rng(0))
    cov = _seed_cover(acc, TRUE_ACC)
    assert 0.90 <= cov <= 0.99, f"95% seed t-interval covered the true mean in {cov:.3f} of {N_SIM} simulations"


@pytest.mark.parametrize("truth,seed_sd,n_test", [(0.97, 0.02, 300), (0.99, 0.01, 100)])
def test_coverage_seed_interval_near_one(truth, seed_sd, n_test):
    "A score near its bound of 1 (an easy task's ROC-AUC or accuracy): the interval stays in [0, 1] and still covers."
    rng = np.random.default_rng(8)
    p = np.clip(truth + seed_sd * rng.standard_normal((N_SIM, SEEDS)), 0, 1)
    acc = rng.binomial(n_test, p) / n_test
    target = float(np.clip(truth + seed_sd * rng.standard_normal(400_000), 0, 1).mean())   # E[score] after the clip
    iv = [seed_interval(row, bounds="accuracy") for row in acc]
    lo, hi = np.array([d["ci_low"] for d in iv]), np.array([d["ci_high"] for d in iv])
    means = acc.mean(1)
    assert ((0 <= lo) & (lo <= means) & (means <= hi) & (hi <= 1)).all(), "an interval left [0, 1] or lost its mean"
    cov = _coverage(lo, hi, target)
    assert 0.92 <= cov <= 0.99, f"95% bounded seed interval covered {cov:.3f} near 1 (truth {truth})"
    plain = [seed_interval(row) for row in acc]                            # the plain t-interval: the problem fixed here
    assert np.mean([d["ci_high"] > 1 for d in plain]) > 0.2, "the case should push plain t-intervals above 1"


def test_coverage_pooled_interval_undercovers_with_seed_variance():
    acc = _accuracies(np.random.default_rng(1))
    cov = _coverage(*_pooled_wald(acc), TRUE_ACC)
    assert cov < 0.85, f"the pooled-patient interval covered {cov:.3f}; expected under-coverage when seeds vary"
    # without seed variance the same pooled interval is fine: the test measures the seed effect, not a broken formula
    cov0 = _coverage(*_pooled_wald(_accuracies(np.random.default_rng(2), seed_sd=0.0)), TRUE_ACC)
    assert 0.92 <= cov0 <= 0.98, f"pooled interval without seed variance covered {cov0:.3f}"


def test_coverage_pooled_wald_matches_the_old_bootstrap():
    "The Wald stand-in above has the width of the old pooled patient bootstrap (percentile bootstrap of all seeds' patients)."
    rng = np.random.default_rng(3)
    correct = (rng.random(SEEDS * N_TEST) < TRUE_ACC).astype(float)      # pooled patients: right or wrong
    draws = rng.integers(0, len(correct), size=(2000, len(correct)))       # resample the patients
    lo, hi = np.percentile(correct[draws].mean(1), [2.5, 97.5])
    p = correct.mean(); wald = 2 * Z * math.sqrt(p * (1 - p) / len(correct))
    assert abs((hi - lo) / wald - 1) < 0.1


def test_coverage_t_not_z_is_needed_with_five_seeds():
    "A normal (z) interval over 5 seeds under-covers; the t quantile is what brings coverage to 95%."
    acc = _accuracies(np.random.default_rng(4))
    m, s = acc.mean(1), acc.std(1, ddof=1) / math.sqrt(SEEDS)
    cov_z = _coverage(m - Z * s, m + Z * s, TRUE_ACC)
    cov_t = _seed_cover(acc, TRUE_ACC)
    assert cov_z < 0.90 < cov_t, (cov_z, cov_t)
    assert abs(student_t.ppf(0.975, SEEDS - 1) - 2.776) < 1e-3


def _paired_counts(rng, diff_seed_sd=DIFF_SEED_SD, n_sim=N_SIM):
    "(n_sim, SEEDS) counts of patients only A got right (n10) and only B got right (n01), same test patients."
    d = TRUE_DIFF + diff_seed_sd * rng.standard_normal((n_sim, SEEDS))
    d = np.clip(d, -DISAGREE + 1e-3, DISAGREE - 1e-3)
    p10, p01 = (DISAGREE + d) / 2, (DISAGREE - d) / 2
    counts = rng.multinomial(N_TEST, np.stack([p10, p01, 1 - p10 - p01], -1))   # (n_sim, SEEDS, 3)
    return counts[..., 0], counts[..., 1]


def test_coverage_paired_seed_comparison():
    n10, n01 = _paired_counts(np.random.default_rng(5))
    diff = (n10 - n01) / N_TEST                                           # per-seed accuracy(A) - accuracy(B)
    res = [paired_seed_comparison(row, np.zeros(SEEDS)) for row in diff]
    cov = _coverage([r["ci_low"] for r in res], [r["ci_high"] for r in res], TRUE_DIFF)
    assert 0.90 <= cov <= 0.99, f"95% paired seed interval covered the true difference in {cov:.3f}"
    # under the null (true difference 0, no seed effect) the paired t-test rejects about 5% of the time
    n10, n01 = _paired_counts(np.random.default_rng(6), diff_seed_sd=0.0)
    null = (n10 - n01) / N_TEST - TRUE_DIFF
    rej = np.mean([paired_seed_comparison(row, np.zeros(SEEDS))["p_uncorrected"] < 0.05 for row in null])
    assert 0.02 <= rej <= 0.08, f"paired t-test rejected a true null in {rej:.3f} of simulations"


def test_identical_differences_are_not_proof():
    "Every seed gives the same difference (up to rounding): no spread to test against, so not resolved (it was p = 0)."
    a = np.array([0.810, 0.823, 0.797, 0.840, 0.815])
    res = paired_seed_comparison(a, a - 0.02)                              # a − (a − 0.02) differs from 0.02 by rounding
    assert res["p_uncorrected"] == 1.0 and math.isnan(res["ci_low"]) and res["note"].startswith("not resolved")
    fam = compare_family({"same": (a, a - 0.02), "real": (a, a - 0.05 + 0.004 * np.arange(5))})
    assert fam.loc["same", "verdict"] == "not resolved" and fam.attrs["m"] == 2
    assert fam.loc["real", "verdict"] == "A > B"


def test_coverage_pooled_paired_interval_undercovers():
    n10, n01 = _paired_counts(np.random.default_rng(7))
    N10, N01, n = n10.sum(1), n01.sum(1), SEEDS * N_TEST
    d = (N10 - N01) / n
    half = Z * np.sqrt(((N10 + N01) / n - d ** 2) / n)                    # pooled paired-patient interval
    cov = _coverage(d - half, d + half, TRUE_DIFF)
    assert cov < 0.85, f"the pooled paired interval covered {cov:.3f}; expected under-coverage when seeds vary"
