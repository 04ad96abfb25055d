"""Who a question means when it describes a speaker instead of naming one."""
from dataclasses import replace

from briefings.answering.analyse import analyse
from briefings.answering.select import speaker_fit
from briefings.answering.speakers import (abbreviated, described_by, holder, opinion_writer, resolve, role_words,
                                          speaks, votes)
from briefings.types import Claim


def claim(text, who=None, doc="d", seq=0):
    return Claim(id=f"{doc}:{seq}", doc_id=doc, seq=seq, text=text, start=0, end=len(text), attributed_to=who)


def test_role_words_are_the_descriptions_content_words_stemmed():
    assert role_words("former deputy governor") == {"former", "deputi", "governor"}
    assert role_words("the ex-CTO") == {"cto"}  # "ex" is too short to tell anything
    assert role_words("the") == frozenset()


def test_a_titles_abbreviation_and_its_spelling_are_one_word():
    assert abbreviated(["chief", "execut", "holler"]) == ["ceo", "ceo", "holler"]
    assert abbreviated(["chief", "of", "staff"]) == ["chief", "of", "staff"]
    assert role_words("veltheim's ceo") == role_words("Veltheim's chief executive") == {"veltheim", "ceo"}
    assert role_words("the vp") == {"vp"}
    people = ["Matthias Holler", "Harold Brandt"]
    texts = ["Matthias Holler, Veltheim's chief executive, said in a statement.", "Gov. Harold Brandt was angry."]
    assert holder("veltheim's ceo", texts, people) == "Matthias Holler"
    assert holder("the chief executive", ["CEO Jane Roe said it was over."], ["Jane Roe"]) == "Jane Roe"
    assert holder("the ceo", ["Harold Brandt, the chief of staff, said no."], ["Harold Brandt"]) is None


def test_the_name_written_nearest_the_role_gets_the_vote():
    texts = ["ex-CTO Anika Loft says Rask ordered the sweep",
             "Anika Loft, 34, Quillfund's former chief technology officer, told jurors"]
    # the second writes the title out ("chief technology officer"): a vote too
    assert votes("ex-CTO", texts, ["Anika Loft", "Gideon Rask"]) == {"Anika Loft": 2}
    assert votes("ex-CTO", texts[:1], ["Anika Loft", "Gideon Rask"]) == {"Anika Loft": 1}
    assert holder("ex-CTO", texts, ["Anika Loft", "Gideon Rask"]) == "Anika Loft"


def test_a_sentence_needs_most_of_the_roles_words_and_the_name_close_by():
    people = ["Nikola Stransky", "Teodora Halvik"]
    assert votes("former deputy governor", ["Governor Teodora Halvik spoke."], people) == {}  # 1 of 3 words
    assert votes("former deputy governor", ["Nikola Stransky was a deputy governor from 2008."], people) == \
        {"Nikola Stransky": 1}
    far = "The deputy governor spoke first, and after a long and winding and tedious debate Halvik replied."
    assert votes("deputy governor", [far], people) == {}


def test_a_persons_words_that_are_the_roles_own_do_not_find_them():
    text = "Finance Minister Pavel Drenic said the Finance Ministry would publish the budget."
    assert votes("finance minister", [text], ["Pavel Drenic", "Finance Ministry"]) == {"Pavel Drenic": 1}


def test_no_one_stands_out_for_a_plural_or_a_tie():
    texts = ["Senator Ann Lee objected.", "So did Senator Bo Park."]
    assert votes("senator", texts, ["Ann Lee", "Bo Park"]) == {"Ann Lee": 1, "Bo Park": 1}
    assert holder("senator", texts, ["Ann Lee", "Bo Park"]) is None
    assert holder("senator", [], ["Ann Lee"]) is None


def test_resolve_names_the_described_speaker_from_the_candidates_and_titles():
    claims = [claim("Loft said the money came back every morning.", who="Loft", seq=0),
              claim("Rask denied it.", who="Gideon Rask", seq=1),
              claim("Anika Loft, the former chief technology officer, testified for two days.", seq=2)]
    q = analyse("what did the ex-CTO tell jurors?")
    assert resolve(q, claims, {}, titles=["ex-CTO Anika Loft testifies"]) == "Loft"  # as the speakers go
    q = analyse("what did the former chief technology officer tell jurors?")
    assert q.role == "former chief technology officer" and q.speaker is None
    assert resolve(q, claims, {}) == "Loft"


def test_resolve_leaves_a_name_the_speakers_go_by_and_a_role_no_one_holds():
    claims = [claim("We will rebuild.", who="Wes Moore"), claim("The governor spoke.", seq=1)]
    assert resolve(analyse("what did Moore promise?"), claims, {}) is None
    assert resolve(analyse("how did politicians react?"), claims, {}) is None


def test_an_opinion_pieces_unattributed_sentences_are_its_authors_words():
    q = analyse("what is Nikola Stransky arguing?")
    assert speaker_fit(q, claim("The bank waited too long."), author="Nikola Stransky") == 1.0
    assert speaker_fit(q, claim("The bank waited too long.", who="Teodora Halvik"), author="Nikola Stransky") == 0.0


def test_the_opinion_piece_asked_about_is_the_one_its_outlet_or_writer_names_else_the_only_one():
    pieces = {"d1": ("Hal Brekke", "Oshanee County Courier"), "d2": ("Nora Lind", "Harlan Falls Ledger")}
    assert opinion_writer(analyse("what's the courier columnist arguing?"), pieces) == "Hal Brekke"
    assert opinion_writer(analyse("what's Lind's op-ed about?"), pieces) == "Nora Lind"
    assert opinion_writer(analyse("what's the columnist's take?"), pieces) is None  # two: no guess
    assert opinion_writer(analyse("what's the columnist's take?"), {"d1": pieces["d1"]}) == "Hal Brekke"
    assert opinion_writer(analyse("what's the columnist's take?"), {}) is None


def test_a_body_or_group_is_described_by_the_words_it_is_credited_under():
    assert described_by("lake association", "Lake Oshanee Association")
    assert described_by("lake association", "The lake association")
    assert not described_by("lake association", "Oshanee Basin Farmers Coalition")  # one word of two is not enough
    assert described_by("millbrook sanitary district", "Millbrook Sanitary District")
    assert not described_by("millbrook sanitary district", "The district")
    assert described_by("tenants", "tenants") and described_by("the ceo", "Veltheim's chief executive")
    assert not described_by("the", "the union")  # no words, no match


def test_a_described_speaker_speaks_through_the_person_found_and_the_description_itself():
    q = analyse("what's the lake association been saying")
    assert q.role == "lake association" and q.speaker is None
    assert speaks(q, "The lake association") and not speaks(q, "Joan Ekdahl") and not speaks(q, None)
    found = replace(q, speaker="Joan Ekdahl")  # resolved by ``resolve``: both count
    assert speaks(found, "Ekdahl") and speaks(found, "Lake Oshanee Association")
    assert not speaks(found, "Pike Bay Area Chamber")
    assert speaker_fit(q, claim("We want answers.", who="Lake Oshanee Association")) == 1.0

