"""The ranker's fit: a listwise (conditional logit) fit, calibrated to probabilities."""
import math

import numpy as np

from benchmarks.fit_ranker import conditional_logit, fit


def test_conditional_logit_reaches_the_regularised_optimum():
    # one list, one feature: the relevant row has x=1, the other x=0. The loss is
    # -log softmax + l2/2 w^2, whose gradient vanishes where l2 * w = 1 - sigmoid(w)
    w = conditional_logit([(np.array([[1.0], [0.0]]), np.array([1.0, 0.0]))], l2=1.0)
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if mid < 1 - 1 / (1 + math.exp(-mid)) else (lo, mid)
    assert abs(w[0] - lo) < 1e-6


def test_conditional_logit_only_compares_rows_within_a_list():
    # feature 0 is a per-list constant (it says which list a row is in, not which row is relevant);
    # feature 1 is what tells the relevant row: only it gets weight
    lists = [(np.array([[5.0, 1.0], [5.0, 0.0], [5.0, 0.0]]), np.array([1.0, 0.0, 0.0])),
             (np.array([[-3.0, 0.0], [-3.0, 1.0]]), np.array([0.0, 1.0]))]
    w = conditional_logit(lists, l2=0.1)
    assert abs(w[0]) < 1e-9 and w[1] > 1.0


def test_fit_gives_calibrated_probabilities_that_keep_the_listwise_order():
    rng = np.random.default_rng(0)
    rows = []
    for i in range(40):  # questions with 10 candidates; the first two are relevant, with a higher feature
        x = rng.normal(size=(10, 2))
        x[:2, 0] += 2.0
        y = np.zeros(10)
        y[:2] = 0.5
        rows.append(("set", {}, None, None, None, None, None, x, y))
    w = fit(rows, [0, 1])
    x = np.vstack([r[7] for r in rows])
    p = 1 / (1 + np.exp(-(x @ w[:2] + w[2])))
    assert w[0] > 1.0 and abs(w[1]) < 0.5
    assert abs(p.mean() - 0.2) < 0.01  # calibrated: as many relevant, on average, as there are (2 of 10)


def test_conditional_logit_over_stacked_lists_meets_the_per_list_optimum():
    # lists of different lengths: at the weights returned, the gradient summed list by list
    # (softmax within each list) is zero
    rng = np.random.default_rng(1)
    lists = []
    for n in (1, 3, 7, 2, 12, 5):
        x = rng.normal(size=(n, 3))
        t = rng.random(n)
        lists.append((x, t / t.sum()))
    l2 = 0.5
    w = conditional_logit(lists, l2=l2)
    grad = l2 * w
    for x, t in lists:
        z = x @ w
        p = np.exp(z - z.max())
        grad += x.T @ (p / p.sum() - t)
    assert np.abs(grad).max() < 1e-6
