"""The in-memory search over documents' mean vectors that both stores use: exact on small
stores, two stages (principal directions, then the shortlist in full) on large ones."""
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from briefings.store.port import DocumentVectors, principal_directions, vector_bytes

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)


def unit_rows(m):
    return (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(np.float32)


def loaded(vectors, exact_up_to, reduced=2, shortlist=2):
    dv = DocumentVectors()
    dv.EXACT_UP_TO, dv.REDUCED, dv.SHORTLIST = exact_up_to, reduced, shortlist
    dv.load(1, [(f"d{i}", (T0 + timedelta(minutes=i)).isoformat(), vector_bytes(v)) for i, v in enumerate(vectors)])
    return dv


def test_principal_directions_are_orthonormal_and_span_data_in_a_subspace():
    rng = np.random.default_rng(3)
    plane = np.zeros((50, 5), np.float32)
    plane[:, :2] = rng.standard_normal((50, 2))  # every row lies in the first two axes
    basis = principal_directions(plane, 2, 20)
    assert basis.shape == (5, 2)
    assert np.allclose(basis.T @ basis, np.eye(2), atol=1e-5)
    assert np.allclose(plane @ basis @ basis.T, plane, atol=1e-4)  # nothing is lost


def test_small_stores_are_searched_exactly():
    vectors = unit_rows(np.eye(4, 3) + 0.01)
    dv = loaded(vectors, exact_up_to=10)
    assert dv.reduced is None
    hits = dv.nearest(np.array([0, 1, 0], np.float32), 2)
    assert [h.doc_id for h in hits] == ["d1", "d3"]  # d3 is (1, 1, 1) before normalising
    assert hits[0].score == pytest.approx(float(vectors[1][1]), abs=1e-3)  # stored as float16


def test_large_stores_search_a_shortlist_and_score_it_in_full():
    rng = np.random.default_rng(5)
    # 40 documents whose vectors lie mostly in a 2-d plane of a 6-d space
    base = np.zeros((40, 6))
    base[:, :2] = rng.standard_normal((40, 2))
    base[:, 2:] = 0.05 * rng.standard_normal((40, 4))
    vectors = unit_rows(base)
    two, exact = loaded(vectors, exact_up_to=10, reduced=2, shortlist=4), loaded(vectors, exact_up_to=100)
    assert two.reduced.shape == (40, 2) and exact.reduced is None
    for q in vectors[:10]:
        got, want = two.nearest(q, 3), exact.nearest(q, 3)
        assert [h.doc_id for h in got] == [h.doc_id for h in want]
        assert [h.score for h in got] == [h.score for h in want]  # scored in full, not on the plane
    # "since" is applied before the shortlist: the newest documents only, however far down they rank
    later = T0 + timedelta(minutes=36)  # d37, d38, d39
    for q in vectors[:10]:
        assert sorted(h.doc_id for h in two.nearest(q, 3, since=later)) == ["d37", "d38", "d39"]
