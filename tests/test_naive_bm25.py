"""The evaluation's naive baseline ranks like Okapi BM25."""
from benchmarks.naive_bm25 import bm25_top


def test_the_rarer_term_wins_and_ties_go_by_id():
    docs = {"a": ["troop", "sent"], "b": ["kursk", "sent"], "c": ["troop", "kursk"], "d": ["other", "word"]}
    # "kursk" and "troop" are in two docs each, "sent" in two: c holds both question terms
    assert bm25_top(["troop", "kursk"], docs, 2) == ["c", "a"]
    assert bm25_top(["nothing"], docs, 3) == ["a", "b", "c"]


def test_length_normalises_and_term_frequency_saturates():
    docs = {"long": ["kursk", "a", "b", "c", "d", "e"], "short": ["kursk", "a"], "many": ["kursk"] * 6}
    # the same single occurrence counts more in a shorter claim; six occurrences count more
    # than one, but not six times more (k1 saturation), so "many" still leads
    assert bm25_top(["kursk"], docs, 3) == ["many", "short", "long"]
