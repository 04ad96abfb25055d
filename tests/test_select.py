"""Ranking features, answer-type fit, distinct points, and figures of the kind asked."""
from datetime import date

import numpy as np
import pytest

from briefings.answering.analyse import analyse
from briefings.answering.retrieve import Candidate, Pool
from briefings.answering.select import (Ranked, answer_fit, figure_matches, historical, matching_figures, select,
                                        speaker_fit)
from briefings.answering.weights import WEIGHTS
from briefings.extraction.claims import dates
from briefings.extraction.quantities import find_quantities
from briefings.store.port import ClaimRef, TermStats
from briefings.types import Claim


def claim(text, cid="d:0", who=None, doc="d"):
    return Claim(id=cid, doc_id=doc, seq=int(cid.split(":")[1]), text=text, start=0, end=len(text),
                 attributed_to=who, quantities=find_quantities(text),
                 dates=dates(text))


@pytest.mark.parametrize("question, text, fit", [
    ("when did it happen?", "It happened on March 26.", 1.0),
    ("when did it happen?", "It happened.", 0.0),
    ("when did it flip?", "It flipped on March 26.", 1.0),
    ("what time did it flip?", "It flipped at 3:26 p.m. on March 26.", 1.0),
    ("what time did it flip?", "The last call was logged at 2.52am.", 1.0),
    ("what time did it flip?", "It flipped on March 26.", 0.5),  # a day, not the time of day asked
    ("where did it happen?", "It happened on the Patapsco River.", 1.0),
    ("where did it happen?", "It happened on March 26, not by Sept. 3 or on Tuesday.", 0.0),  # times, no place
    ("why did it fall?", "It fell because the ship lost power.", 1.0),
    ("why did it fall?", "It fell.", 0.0),
    ("who owns the ship?", "Grace Ocean owns it, said Jane Roe.", 0.0),
    ("troop estimates?", "Roughly 12,000 troops arrived.", 1.0),
    ("troop estimates?", "Some 4,300 tanks arrived.", 0.5),
    ("troop estimates?", "The troops arrived.", 0.0),
    ("how much did it cost?", "It cost $1.7 billion.", 1.0),
    ("how much did it cost?", "It took 12,000 workers.", 0.0),
])
def test_answer_fit(question, text, fit):
    q = analyse(question)
    c = claim(text)
    assert answer_fit(q, c, None, figure_matches(q, [c], None)) == fit


def test_dates_are_read_as_written_including_clock_times_in_either_style():
    assert dates("At 1:28 a.m. on March 26 it fell; the last call came at 2.52am, the next at 10pm.") == (
        "1:28 a.m.", "March 26", "2.52am", "10pm")
    assert dates("It rose 2.5 per cent to 10.30.") == ()


def test_a_figure_from_an_earlier_event_is_historical():
    past = claim("In 2007, a bridge collapse in Minneapolis killed 13 people.")
    assert historical(past, date(2024, 3, 27))
    assert not historical(claim("In 2023 the bridge carried 34,000 vehicles a day."), date(2024, 3, 27))
    assert answer_fit(analyse("death toll?"), past, date(2024, 3, 27)) == 0.2


def test_a_number_that_names_something_is_no_year():
    today = date(2026, 2, 17)
    assert not historical(claim("Ray Kowalczyk, Local 1847 president: “I've got 400 people in here.”"), today)
    assert not historical(claim("Flight 1549 landed on the river with 155 aboard."), today)
    assert historical(claim("In 1847 the mill employed 400 people."), today)
    assert historical(claim("Summer 2019 brought 400 people to the square."), today)
    assert historical(claim("The toll in March 2019 was 400 people."), today)


def test_figures_match_what_is_asked_by_shared_terms_or_the_model():
    q = analyse("how many dockers are out?")
    c = claim("Roughly 1,400 dockworkers and 12 cranes stopped.")

    def embed(texts):  # "dockers" is like "dockworkers", not like "cranes"
        vec = {"dockers": [1, 0], "dockers walked": [1, 0], "1,400 dockworkers": [0.9, 0.436], "dockworkers": [0.95, 0.312]}
        return np.array([vec.get(t, [0, 1]) for t in texts], dtype=np.float32)

    match = figure_matches(q, [c], embed)
    assert [x.phrase for x in matching_figures(q, c, match)] == ["Roughly 1,400 dockworkers"]
    assert matching_figures(q, c, figure_matches(q, [c], None)) == []


def test_speaker_fit_by_any_of_the_names():
    q = analyse("what did Putin say?")
    assert speaker_fit(q, claim("We are ready.", who="Vladimir Putin")) == 1.0
    assert speaker_fit(q, claim("We are ready.", who="Kim Jong Un")) == 0.0


def ranked(texts_scores, vectors):
    out = []
    for i, ((text, score, doc), vec) in enumerate(zip(texts_scores, vectors)):
        c = claim(text, f"{doc}:{i}", doc=doc)
        ref = ClaimRef(c.id, c.doc_id, c.seq, "", vector=np.array(vec, np.float32))
        out.append(Ranked(Candidate(ref, c), score))
    return out


def test_select_keeps_distinct_points_and_cites_repeats_together():
    r = ranked([("A first.", 0.9, "a"), ("A again.", 0.8, "b"), ("B other.", 0.7, "a"), ("C low.", 0.01, "c")],
               [[1, 0], [1, 0], [0, 1], [0.7, 0.7]])
    chosen = select(r, WEIGHTS)
    assert [x.claim.text for x in chosen] == ["A first.", "B other."]
    assert [c.claim.text for c in chosen[0].also] == ["A again."]  # said again in another document


def test_select_stops_at_the_limit():
    r = ranked([(f"S{i}.", 0.9 - i * 0.01, f"d{i}") for i in range(12)], np.eye(12).tolist())
    assert len(select(r, WEIGHTS)) == WEIGHTS.max_points


def test_without_the_model_the_ranker_uses_its_own_coefficients():
    from dataclasses import replace

    from briefings.answering.select import FEATURES, LEXICAL_FEATURES, coefficients
    w = replace(WEIGHTS, lexical_ranker=(("lexical", 2.0), ("bias", -3.0)))
    coef, bias = coefficients(w, model=False)
    assert bias == -3.0 and coef[FEATURES.index("lexical")] == 2.0
    assert sum(coef != 0) == 1  # features it does not name count nothing
    coef, bias = coefficients(w, model=True)
    assert bias == WEIGHTS.bias and coef[FEATURES.index("semantic")] == WEIGHTS.semantic
    # the lexical ranker is fitted on features that need no vectors
    assert not {"semantic", "feedback", "blended", "window", "centred"} & set(LEXICAL_FEATURES)
    assert {n for n, _ in WEIGHTS.lexical_ranker} - {"bias"} <= set(LEXICAL_FEATURES)


def test_the_ranker_also_weighs_products_of_two_features():
    from dataclasses import replace

    from briefings.answering.select import FEATURES, PAIRS, coefficients, with_pairs
    x = np.zeros((2, len(FEATURES)))
    x[0, FEATURES.index("semantic")], x[0, FEATURES.index("lexical")] = 0.5, 0.25
    x[1, FEATURES.index("semantic")] = 0.5  # the same cosine, no word in common
    xp = with_pairs(x)
    col = len(FEATURES) + PAIRS.index(("semantic", "lexical"))
    assert xp.shape == (2, len(FEATURES) + len(PAIRS)) and (xp[:, :len(FEATURES)] == x).all()
    assert xp[0, col] == 0.125 and xp[1, col] == 0.0 and xp[0].sum() == 0.5 + 0.25 + 0.125
    w = replace(WEIGHTS, pairs=(("semantic", "lexical", 2.0),))
    coef, _ = coefficients(w)
    assert coef[col] == 2.0 and sum(coef[len(FEATURES):] != 0) == 1  # pairs it does not name count 0
    assert not coefficients(w, model=False)[0][len(FEATURES):].any()  # the lexical ranker has none


def test_a_relevant_neighbour_in_the_same_paragraph_is_read_with_its_point():
    # a:0 and a:1 stand side by side in one paragraph; a:1 scores above join_share of the best
    r = ranked([("The bridge fell.", 0.9, "a"), ("Six workers died there.", 0.5, "a"), ("Other news.", 0.4, "b")],
               [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    chosen = select(r, WEIGHTS, join=True)
    assert [x.claim.text for x in chosen] == ["The bridge fell.", "Other news."]
    assert [c.text for c in chosen[0].passage()] == ["The bridge fell.", "Six workers died there."]
    # without join, the neighbour is a point of its own
    assert [x.claim.text for x in select(ranked([("The bridge fell.", 0.9, "a"), ("Six workers died there.", 0.5, "a")],
                                                [[1, 0], [0, 1]]), WEIGHTS)] == ["The bridge fell.", "Six workers died there."]


def test_a_neighbour_is_not_joined_when_irrelevant_in_another_paragraph_or_a_repeat():
    from dataclasses import replace as dc_replace

    w = dc_replace(WEIGHTS, join_share=0.5)
    low = ranked([("The bridge fell.", 0.9, "a"), ("Six workers died there.", 0.4, "a")], [[1, 0], [0, 1]])
    assert not select(low, w, join=True)[0].joined  # 0.4 < 0.5 of 0.9
    other = ranked([("The bridge fell.", 0.9, "a"), ("Six workers died there.", 0.8, "a")], [[1, 0], [0, 1]])
    other[1].cand.claim = dc_replace(other[1].claim, paragraph=1)
    assert not select(other, w, join=True)[0].joined  # the next paragraph
    same = ranked([("The bridge fell.", 0.9, "a"), ("The bridge fell down.", 0.8, "a")], [[1, 0], [1, 0]])
    assert not select(same, w, join=True)[0].joined  # says the same thing


def test_joining_stops_at_join_max_and_keeps_the_articles_order():
    from dataclasses import replace as dc_replace

    def four():
        return ranked([("One.", 0.5, "a"), ("Two.", 0.9, "a"), ("Three.", 0.6, "a"), ("Four.", 0.7, "a")],
                      np.eye(4).tolist())

    chosen = select(four(), dc_replace(WEIGHTS, join_max=2), join=True)
    # "Three." (0.6) beats "One." (0.5); then "Four." (0.7) beyond it beats "One."
    assert [c.text for c in chosen[0].passage()] == ["Two.", "Three.", "Four."]
    assert [c.text for c in select(four(), dc_replace(WEIGHTS, join_max=1), join=True)[0].passage()] == [
        "Two.", "Three."]


def test_similarities_use_vectors_and_compare_texts_where_one_is_missing():
    from briefings.answering.select import similarities

    r = ranked([("Same.", 0.9, "a"), ("Same.", 0.8, "b"), ("Other.", 0.7, "c")], [[1, 0], [0.6, 0.8], [0, 1]])
    r[1].cand.ref = ClaimRef(r[1].claim.id, "b", 1, "", vector=None)
    sim = similarities(r)
    assert np.allclose(sim, [[1, 1, 0], [1, 1, 0], [0, 0, 1]])
    assert similarities([]).shape == (0, 0)


def test_select_trades_relevance_against_likeness_to_points_already_chosen():
    from dataclasses import replace as dc_replace

    # "Near." is second by score but like the first point (cosine 0.8): 0.85 - 0.25 * 0.8 = 0.65 < 0.7
    r = lambda: ranked([("First.", 1.0, "a"), ("Near.", 0.85, "b"), ("Apart.", 0.7, "c")],
                       [[1, 0], [0.8, 0.6], [0, 1]])
    assert [x.claim.text for x in select(r(), WEIGHTS)] == ["First.", "Apart.", "Near."]
    assert [x.claim.text for x in select(r(), dc_replace(WEIGHTS, diversity=0.0))] == ["First.", "Near.", "Apart."]


def test_recency_ranks_documents_by_day_newest_first():
    from briefings.answering.select import recency
    published = {"a": date(2026, 3, 1), "b": date(2026, 3, 5), "c": date(2026, 3, 5), "d": None}
    assert recency(published, ["a", "b", "c", "d"]) == {"b": 1.0, "c": 1.0, "a": 0.5, "d": 0.0}
    assert recency(published, ["a"]) == {"a": 1.0}  # among the documents asked about only


def test_keep_best_keeps_the_best_and_beyond_them_only_the_named_speakers_claims():
    from briefings.answering.answer import keep_best

    who = [None, "Mia Kerr", "Theresa Alcott", None, "Alcott", "Theresa Alcott"]
    cands = [Candidate(ClaimRef(f"d:{i}", "d", i, "t"), claim=claim(f"Sentence {i}.", f"d:{i}", w))
             for i, w in enumerate(who)]
    cands.append(Candidate(ClaimRef("op:0", "op", 0, "t"), claim=claim("An unattributed line.", "op:0", doc="op")))
    pool = Pool(analyse("what did Theresa Alcott say about the deal?"), ("deal",), TermStats(7, 5.0, 0.0, {}), cands)
    keep_best(pool, pool.question, {"op": "Theresa Alcott"}, keep=2)
    assert [c.ref.id for c in pool.candidates] == ["d:0", "d:1", "d:2", "d:4", "d:5", "op:0"]
    pool.candidates = cands[:]
    keep_best(pool, analyse("what did the deal cost?"), {}, keep=2)
    assert [c.ref.id for c in pool.candidates] == ["d:0", "d:1"]


@pytest.mark.parametrize("text, fit", [
    ("Harriet Vance filed suit on Monday.", 1.0),
    ("The Civic Union filed suit on Monday.", 1.0),  # who may be a body: a name, if not a person's
    ("A lawsuit was filed on Monday.", 0.0),
])
def test_a_who_question_is_answered_by_a_name_of_a_person_or_a_body(text, fit):
    from briefings.extraction.claims import entities

    c = Claim(id="d:0", doc_id="d", seq=0, text=text, start=0, end=len(text), entities=entities(text))
    assert answer_fit(analyse("who is suing?"), c) == fit


def test_a_name_that_stands_whole_in_a_claim_is_evidence_the_model_may_miss():
    from briefings.answering.select import has_evidence
    from briefings.text import term_string

    def pool(question, *texts, semantic=0.2):
        cands = [Candidate(ClaimRef(f"d:{i}", "d", i, term_string(t)), semantic=semantic) for i, t in enumerate(texts)]
        return Pool(analyse(question), (), TermStats(9, 5.0, 0.0, {}), cands, vectors=True)

    named = pool("how does this compare with East Palestine?", "Is this another East Palestine? Not quite.")
    assert has_evidence(named)  # 0.2 is below min_semantic, above known_name_semantic
    # "World" in one claim and "Series" in another: no claim names the World Series
    assert not has_evidence(pool("who won the World Series?", "the World Cup", "a series of votes"))
    assert not has_evidence(pool("how does this compare?", "Is this another East Palestine? Not quite."))
    assert not has_evidence(pool("how does this compare with East Palestine?", "Is this another East Palestine?",
                                 semantic=0.1))
    assert has_evidence(pool("how does this compare?", "Is this another East Palestine?", semantic=0.3))
    # a name of one word may be an ordinary word ("Reds" is "red")
    assert not has_evidence(pool("Reds score last night?", "The red line was crossed."))
