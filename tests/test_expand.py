"""Evidence around a candidate and from the best candidates, exactly, on tiny inputs."""
from dataclasses import replace

import numpy as np
import pytest

from briefings.answering.analyse import analyse
from briefings.answering.expand import (centred_cosines, enrich, expand, expansion_terms, feedback_claims,
                                        feedback_vector, unit)
from briefings.answering.retrieve import BM25, Candidate, Pool, idf
from briefings.answering.weights import WEIGHTS
from briefings.store.port import ClaimRef, TermStats


def test_centred_cosines_take_the_candidates_mean_from_question_and_claim():
    q = unit(np.array([1.0, 1.0, 0.0]))
    v = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])  # the last: no vector
    out = centred_cosines(v @ q, v)
    m = v[:3].mean(axis=0)  # the mean of the rows that have a vector
    for i in range(3):
        assert out[i] == pytest.approx(float(unit(q - m) @ unit(v[i] - m)))
    assert out[3] == 0.0
    # two claims equally close to the question, one also close to what all share: the centred
    # cosine prefers the one that differs from the others
    v2 = np.array([unit(np.array([1.0, 1.0, 0.0])), unit(np.array([1.0, 0.0, 1.0])), [1.0, 0.0, 0.0]])
    q2 = unit(np.array([1.0, 0.6, 0.6]))
    raw = v2 @ q2
    assert raw[0] == pytest.approx(raw[1]) and raw[2] > 0.5
    cen = centred_cosines(raw, v2)
    assert cen[0] == pytest.approx(cen[1]) and cen[2] < 0 < cen[0]


def test_centred_cosines_need_two_vectors():
    assert centred_cosines(np.array([0.9]), np.array([[1.0, 0.0]])).tolist() == [0.0]
    assert centred_cosines(np.array([0.0, 0.5]), np.array([[0.0, 0.0], [0.6, 0.8]])).tolist() == [0.0, 0.0]
    assert centred_cosines(np.zeros(0), np.zeros((0, 2))).tolist() == []


def test_feedback_moves_the_question_towards_the_best_claims():
    q = np.array([1.0, 0.0])
    out = feedback_vector(q, [np.array([0.0, 1.0]), np.array([0.0, 1.0])], 0.5)
    assert out == pytest.approx(unit(np.array([1.0, 0.5])))
    assert feedback_vector(q, [], 0.5) is q


def test_expansion_terms_weigh_each_claims_share_by_idf_and_skip_the_question_numbers_and_hapaxes():
    df = {"pier": 3, "ship": 10, "struck": 3, "dali": 2, "lone": 1, "2024": 5}
    best = ["ship struck pier", "dali struck pier 2024", "lone ship"]
    out = expansion_terms(best, ["ship"], df, claims=100, limit=3)
    # "struck" and "pier": 1/3 + 1/4 each, times idf(3); "dali": 1/4 times idf(2); "lone" only once in the store
    assert out == ["pier", "struck", "dali"]
    assert idf(3, 100) * (1 / 3 + 1 / 4) > idf(2, 100) * (1 / 4)
    assert expansion_terms(best, ["ship"], df, claims=100, limit=1) == ["pier"]


class Stats:
    """The one store call ``enrich`` makes."""

    def __init__(self, df):
        self.df, self.calls = df, []

    def term_stats(self, terms):
        terms = list(terms)
        self.calls.append(terms)
        return TermStats(claims=10, avg_terms=3.0, avg_context=0.0, df={t: self.df.get(t, 0) for t in terms})


def cand(doc, seq, terms, vec, semantic, lexical=0.0, loaded=True):
    ref = ClaimRef(f"{doc}:{seq}", doc, seq, terms, vector=np.array(vec, dtype=np.float64))
    return Candidate(ref, lexical=lexical, semantic=semantic, loaded=loaded)


def test_enrich_sets_passage_document_and_feedback_and_expand_the_expansion():
    q = np.array([1.0, 0.0])
    # document a: the matching sentence (0), the one after it that says what happened (1), a far one (4)
    a0 = cand("a", 0, "bridge fell", [1.0, 0.0], semantic=1.0, lexical=1.0)
    a1 = cand("a", 1, "six workers died", [0.6, 0.8], semantic=0.6)
    a4 = cand("a", 4, "weather mild", [0.0, 1.0], semantic=0.1)
    b0 = cand("b", 0, "workers died", [0.8, 0.6], semantic=0.8)
    far = cand("c", 7, "bridge", [1.0, 0.0], semantic=1.0, loaded=False)  # a lexical hit from an unread document
    pool = Pool(analyse("what happened at the bridge?"), ("bridge",), TermStats(10, 3.0, 0.0, {"bridge": 2}),
                [a0, a1, a4, b0, far])
    w = replace(WEIGHTS, feedback_claims=2, reach=2, context_mix=0.5, feedback_mix=0.5, expansion_terms=10)
    store = Stats({"fell": 2, "died": 3, "workers": 4, "six": 1})

    def rel(c):
        return c.semantic + c.lexical

    enrich(store, pool, q, rel, w)
    assert store.calls == [] and a0.expansion == 0.0  # the expansion comes later, for the candidates kept
    expand(store, pool, rel, w)
    # passage: neighbours up to two places either side, in the same document, read whole
    assert a0.window == pytest.approx(0.6) and a0.passage == pytest.approx(0.6)
    assert a1.window == pytest.approx(1.0) and a1.passage == pytest.approx(2.0)
    # three places away from a1, outside its reach, and nothing else near it: its own
    assert a4.window == pytest.approx(0.1) and a4.passage == pytest.approx(0.1)
    assert far.window == 0.0 and far.passage == 0.0  # its neighbours were never read ...
    # ... but a document read whole of one sentence is that sentence's passage (a feed's item)
    assert b0.window == pytest.approx(0.8) and b0.passage == pytest.approx(0.8)
    assert far.blended == pytest.approx(1.0)  # ... so it is read alone
    assert a1.blended == pytest.approx(float(unit(np.array([0.6, 0.8]) + 0.5 * np.array([1.0, 0.0])) @ q))
    assert a0.blended == pytest.approx(float(unit(np.array([1.0, 0.0]) + 0.5 * np.array([0.6, 0.8])) @ q))
    assert a4.blended == pytest.approx(0.0)  # no neighbour beside it: its own cosine (its vector is [0, 1])
    # documents ranked by their best claim's first-stage relevance: a (2.0), c (1.0), b (0.8)
    assert (a0.document, far.document, b0.document) == (1.0, 0.5, pytest.approx(1 / 3))
    # feedback from the best two by first-stage relevance (a0 at 2.0; c:7 and a0 tie on vector)
    fb = unit(q + 0.5 * unit(np.mean([a0.ref.vector, far.ref.vector], axis=0)))
    assert b0.feedback == pytest.approx(float(b0.ref.vector @ fb))
    # expansion: the best two's terms other than the question's, that more than one claim uses
    assert store.calls == [["fell"]]
    assert a0.expansion == pytest.approx(BM25(["fell"], store.term_stats(["fell"]), w).share("bridge fell"))
    assert a0.expansion > 0 and b0.expansion == 0.0


def test_enrich_without_a_model_sets_only_what_needs_no_vectors():
    c = cand("a", 0, "bridge fell", [1.0, 0.0], semantic=0.0, lexical=1.0)
    d = cand("a", 1, "it fell", [1.0, 0.0], semantic=0.0, lexical=0.5)
    e = cand("b", 0, "bridge", [1.0, 0.0], semantic=0.0, lexical=0.8)
    pool = Pool(analyse("bridge?"), ("bridge",), TermStats(10, 3.0, 0.0, {"bridge": 2}), [c, d, e])
    enrich(Stats({"fell": 2}), pool, None, lambda x: x.lexical, WEIGHTS)
    expand(Stats({"fell": 2}), pool, lambda x: x.lexical, WEIGHTS)
    assert c.expansion > 0 and d.expansion > 0 and e.expansion == 0.0
    assert (c.passage, d.passage, e.passage) == (0.5, 1.0, 0.8)  # b, one sentence read whole: its own
    assert (c.document, e.document) == (1.0, 0.5)
    assert (c.feedback, c.window, c.blended) == (0.0, 0.0, 0.0)


def test_feedback_comes_from_the_best_claims_within_the_floor_of_the_best():
    cs = [cand("a", i, "x", [1.0, 0.0], semantic=s) for i, s in enumerate([0.9, 0.5, 0.3, 0.8])]
    rel = {id(c): c.semantic for c in cs}
    assert [c.ref.seq for c in feedback_claims(cs, rel, limit=3, floor=0.5)] == [0, 3, 1]
    assert [c.ref.seq for c in feedback_claims(cs, rel, limit=3, floor=0.6)] == [0, 3]  # 0.5 < 0.6 x 0.9
    assert feedback_claims([], {}, limit=3, floor=0.5) == []
