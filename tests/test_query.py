import pytest

from briefings.query import analyse, fts_phrase


def labels(q):
    return [c.label for c in q.concepts]


@pytest.mark.parametrize(
    "question, intent, measure, subject, concepts",
    [
        ("troop estimates?", "numeric", "personnel", None, ["troop"]),
        ("How many soldiers were killed?", "numeric", "casualties", None, ["soldiers", "killed"]),
        ("how big is North Korea's army?", "numeric", "personnel", None, ["north korea", "army"]),
        ("how much ammunition has North Korea shipped to Russia?", "numeric", "munitions", None,
         ["north korea", "ammunition", "shipped", "russia"]),
        ("what does North Korea gain?", "benefit", None, "north korea", []),
        ("What's in it for Pyongyang?", "benefit", None, "pyongyang", []),
        ("what does Russia get from North Korea?", "benefit", None, "russia", ["north korea"]),
        ("what did Putin say about the North Korean troops?", "statements", None, "putin", ["north korean", "troops"]),
        ("where are the North Korean troops being sent?", "general", None, None, ["north korean", "troops", "sent"]),
        ("what will the weather be in Paris tomorrow?", "general", None, None, ["weather", "paris", "tomorrow"]),
    ],
)
def test_analyse(question, intent, measure, subject, concepts):
    q = analyse(question)
    assert (q.intent, q.measure, q.subject.label if q.subject else None, labels(q)) == (
        intent, measure, subject, concepts)


def test_synonyms_come_with_the_concept():
    q = analyse("troop estimates?")
    assert {"soldiers", "personnel", "forces"} <= set(q.concepts[0].terms)
    nk = analyse("what does the DPRK gain?").subject
    assert {"north korea", "pyongyang", "kim"} <= set(nk.terms)


def test_us_is_not_the_pronoun():
    assert labels(analyse("US estimate of troops")) == ["u.s.", "troops"]


@pytest.mark.parametrize("term", ['AND OR NEAR( " *', "'; DROP TABLE claims; --", 'a"b', "x*"])
def test_fts_phrases_are_always_quoted_words(term):
    phrase = fts_phrase(term)
    assert phrase.startswith('"') and phrase.endswith('"') and '"' not in phrase[1:-1]
