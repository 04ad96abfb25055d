"""What a question asks for, from the general shape of English questions."""
import pytest

from briefings.answering.analyse import analyse


@pytest.mark.parametrize("question, kind", [
    ("troop estimates?", "quantity"),
    ("death toll?", "quantity"),
    ("how many people ended up in the river?", "quantity"),
    ("how much in dollars did the port lose?", "quantity"),
    ("how long is the Dali?", "quantity"),
    ("new bridge price tag?", "quantity"),
    ("when did it happen?", "time"),
    ("where exactly did this happen?", "place"),
    ("why did the rebuild estimate jump?", "reason"),
    ("what caused the collapse?", "reason"),
    ("who owns the ship?", "person"),
    ("what did Moore promise the families?", "statement"),
    ("how did politicians react?", "statement"),
    ("what does North Korea gain?", "general"),
])
def test_kinds(question, kind):
    assert analyse(question).kind == kind


def test_a_time_question_asks_the_time_of_day_only_when_it_says_so():
    assert analyse("what time did it actually flip").clock
    assert analyse("what time exactly did they announce it?").clock
    assert not analyse("when did it flip?").clock
    assert not analyse("how much time did they have?").clock  # a duration, not a time of day


def test_a_why_question_about_a_figure_asks_for_a_reason_not_figures():
    assert analyse("why did the estimate of troops change from 12,000 to 11,000?").kind == "reason"


def test_measures_and_what_is_counted():
    q = analyse("how many dockers are out?")
    assert (q.measures, q.focus, q.focus_text) == (("count",), ("docker",), "dockers")
    assert analyse("how much did the repairs cost in dollars?").measures == ("money", "percent")
    assert analyse("how long was the port shut?").measures == ("duration", "length")
    assert analyse("how long is the Dali?").focus == ()  # any length will do
    assert analyse("troop estimates?").focus == ("troop",)


def test_names_and_speakers():
    q = analyse("what did Putin say about the North Korean troops?")
    assert (q.speaker, q.names) == ("Putin", ("Putin", "North Korean"))
    assert analyse("what's Homendy looking at?").names == ("Homendy",)
    assert analyse("What caused it?").names == ()
    assert analyse("how long is the Dali?").terms == ("dali",)


def test_speakers_described_by_role_and_in_the_progressive():
    q = analyse("what's the former deputy governor arguing?")
    assert (q.kind, q.speaker, q.role) == ("statement", None, "former deputy governor")
    q = analyse("what's the IMF's take?")
    assert (q.kind, q.speaker) == ("statement", "IMF")  # not "what's the IMF"
    q = analyse("what's the finance minister's line?")
    assert (q.kind, q.role) == ("statement", "finance minister")
    assert analyse("what is the union saying?").role == "union"
    assert analyse("what is the plan for the bridge?").kind == "general"  # "plan" is a noun here


def test_how_big_or_how_far_a_change_is_may_be_a_percentage():
    assert "percent" in analyse("how big was the hike?").measures
    assert "percent" in analyse("how far has the currency dropped?").measures
    assert analyse("how far is the bridge from the port?").measures[0] == "length"


@pytest.mark.parametrize("question, written_out", [
    ("whats the govt saying", "what's the government saying"),
    ("wht did the ceo say w/ ppl there", "what did the ceo say with people there"),
    ("r the miners ok?", "are the miners ok?"),
    ("whos  investigating?", "who's investigating?"),
    ("how many R&D jobs in the U.S.?", "how many R&D jobs in the U.S.?"),  # upper case is left alone
    ("is the rbi's stance known? r u sure", "is the rbi's stance known? are you sure"),
    ("whatsoever; Wat Tyler; wrote", "whatsoever; Wat Tyler; wrote"),  # only whole lower-case words
])
def test_chat_shorthand_is_written_out(question, written_out):
    assert analyse(question).text == written_out


def test_chat_spellings_of_question_words_keep_the_questions_kind():
    assert analyse("wht did the tamarack ceo say").kind == "statement"
    assert analyse("whos investigating this? feds or state").kind == "person"
    assert "what" not in analyse("whats next for the probe").terms


def test_been_is_not_part_of_the_speaker():
    assert analyse("what's the ashcombe boss been saying").role == "ashcombe boss"
    assert analyse("what has Greaves been saying?").speaker == "Greaves"


def test_a_pronoun_is_no_speaker():
    for text in ("who was the guard on duty and what did he say?", "who voted no, and what did they want instead?",
                 "what did he actually say?"):
        q = analyse(text)
        assert (q.kind, q.speaker, q.role) == ("statement", None, None)


def test_an_adverb_before_the_verb_is_not_part_of_the_speaker():
    assert analyse("what has Ann Kelly really said?").speaker == "Ann Kelly"
    assert analyse("what did veltheim's ceo actually say").role == "veltheim's ceo"
    assert analyse("what has the mayor publicly said").role == "mayor"
    assert analyse("what did kelly say").role == "kelly"
    assert analyse("what did Ann Kelly say").speaker == "Ann Kelly"


def test_a_figure_noun_heading_any_part_of_the_question_asks_for_figures():
    q = analyse("final death toll? direct vs indirect")
    assert (q.kind, q.measures, q.focus_text) == ("quantity", ("count",), "final death")
    q = analyse("whats the vote count? who voted against")
    assert (q.kind, q.focus_text) == ("quantity", "vote")
    assert analyse("what happened? any updates").kind == "general"


@pytest.mark.parametrize("question", [
    "what's the courier columnist arguing?",
    "that teacher's opinion piece, what was his argument?",
    "saw some retired doc wrote an op-ed, what was his point",
    "what does the editorial say about the mayor?",
])
def test_a_question_about_an_opinion_piece_asks_for_its_writers_words(question):
    q = analyse(question)
    assert q.kind == "statement" and q.opinion
    assert not {"column", "columnist", "op", "ed", "opinion", "piec", "editori"} & set(q.terms)


@pytest.mark.parametrize("question, kind", [
    ("how high was the ash column?", "quantity"),
    ("when did the column of trucks reach the border?", "time"),
    ("what did the mayor say?", "statement"),
])
def test_a_column_that_is_no_opinion_piece_or_a_question_without_one_is_left_alone(question, kind):
    q = analyse(question)
    assert q.kind == kind and not q.opinion
