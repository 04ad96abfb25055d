"""The lexical side's arithmetic, exactly, on tiny inputs (as bm25s tests itself)."""
import math

import pytest

from briefings.answering.retrieve import BM25, idf, plan


def bm25_share(q_terms, terms, context, stats):
    return BM25(q_terms, stats).share(terms, context)
from briefings.answering.weights import WEIGHTS
from briefings.store.port import TermStats


def test_idf_is_never_negative():
    assert idf(1, 4) == pytest.approx(math.log(1 + 3.5 / 1.5))
    assert idf(4, 4) == pytest.approx(math.log(1 + 0.5 / 4.5))
    assert idf(4, 4) > 0


def test_bm25_share_is_one_for_a_claim_of_average_length_holding_each_term_once():
    stats = TermStats(claims=4, avg_terms=2.0, avg_context=0.0, df={"troop": 1, "estim": 2})
    assert bm25_share(["troop", "estim"], "troop estim", "", stats) == pytest.approx(1.0)
    # half the question's weight: "troop" is the rarer, so it carries more than half
    share = bm25_share(["troop", "estim"], "troop other", "", stats)
    assert share == pytest.approx(idf(1, 4) / (idf(1, 4) + idf(2, 4)))


def test_context_counts_less_than_the_claim():
    stats = TermStats(claims=4, avg_terms=2.0, avg_context=2.0, df={"kursk": 1})
    own = bm25_share(["kursk"], "kursk sent", "", stats)
    ctx = bm25_share(["kursk"], "fought there", "kursk sent", stats)
    assert 0 < ctx < own
    w = WEIGHTS
    tf, dl, avgdl = w.context, 2 + w.context * 2, 2 + w.context * 2
    assert ctx == pytest.approx(tf * (w.k1 + 1) / (tf + w.k1 * (1 - w.b + w.b * dl / avgdl)))


def test_unknown_terms_are_left_out_of_the_share():
    stats = TermStats(claims=4, avg_terms=2.0, avg_context=0.0, df={"troop": 1, "zzz": 0})
    assert bm25_share(["troop", "zzz"], "troop estim", "", stats) == pytest.approx(1.0)


def test_a_claim_is_scored_by_whole_terms_only_and_split_only_when_it_has_one():
    from briefings.store.port import ClaimRef

    stats = TermStats(claims=4, avg_terms=2.0, avg_context=2.0, df={"war": 1, "kursk": 2})
    bm25 = BM25(["war", "kursk"], stats)
    prefix_only = ClaimRef("c1", "d", 0, "warm reward", "postwar kursk-ish")
    assert bm25.share_of(prefix_only) == 0.0
    assert "tokens" not in prefix_only.__dict__  # never split
    for terms, context in (("war", ""), ("a war b", "kursk"), ("other", "x kursk"), ("kursk war", "war"),
                           ("war war", "kursk kursk kursk"), ("war", "war war war war")):
        ref = ClaimRef("c2", "d", 0, terms, context)
        assert bm25.share_of(ref) == pytest.approx(bm25.share(terms, context))
        assert bm25.share_of(ref) > 0


def test_plan_ors_rare_terms_within_the_budget_and_ands_when_all_are_common():
    df = {"kursk": 10, "troop": 500, "said": 9000, "unknown": 0}
    assert plan(["said", "troop", "kursk", "unknown"], df, budget=1000) == (("kursk", "troop"), ())
    assert plan(["said", "troop"], df, budget=100) == ((), ("troop", "said"))
    assert plan(["unknown"], df, budget=100) == ((), ())


def test_neighbours_are_found_by_document_and_position_among_documents_read_whole():
    from briefings.answering.retrieve import Candidate, neighbours
    from briefings.store.port import ClaimRef

    def cand(doc, seq, loaded=True):
        return Candidate(ClaimRef(f"{doc}:{seq}", doc, seq, ""), loaded=loaded)

    # a:0 a:1 a:3 b:1 b:2, and c:2 from a document not read whole (a lexical hit only)
    cands = [cand("a", 1), cand("b", 2), cand("a", 0), cand("a", 3), cand("b", 1), cand("c", 2, loaded=False)]
    near = neighbours(cands, (-2, -1, 1, 2))
    assert near.tolist() == [
        [-1, 2, -1, 3],  # a:1 -> a:0 before, a:3 two after
        [-1, 4, -1, -1],  # b:2 -> b:1
        [-1, -1, 0, -1],  # a:0 -> a:1
        [0, -1, -1, -1],  # a:3 -> a:1 two before (a:2 is not a candidate)
        [-1, -1, 1, -1],  # b:1 -> b:2
        [-1, -1, -1, -1],  # c:2: its document was not read
    ]
    assert neighbours([], (-1, 1)).shape == (0, 2)


def test_a_claim_the_capped_search_left_out_is_still_scored_when_its_document_is_read(empty_store, tmp_path):
    """The full-text search returns at most ``lexical_limit`` claims, newest first; a claim it
    left out that holds the question's terms is no less a match when its document is read whole."""
    from dataclasses import replace

    from briefings.answering.analyse import analyse
    from briefings.answering.retrieve import gather
    from briefings.ingest import ingest_paths

    article = tmp_path / "ferry.txt"
    article.write_text("Ferry service resumes on the lake\n\n"
                       "The ferry carried 300 passengers across the lake on Monday morning.\n\n"
                       "Officials said the ferry would run twice a day until the bridge reopens.\n\n"
                       "Harbour staff cleared the ferry ramp of ice before the first crossing.\n", encoding="utf-8")
    assert ingest_paths(empty_store, [str(article)], embedder=None).results[0].status == "added"
    w = replace(WEIGHTS, lexical_limit=1)
    pool = gather(empty_store, analyse("how often does the ferry run?"), None, w=w)
    holding = [c for c in pool.candidates if "ferri" in c.ref.terms.split()]
    assert len(holding) >= 3 and all(c.lexical > 0 for c in holding)
