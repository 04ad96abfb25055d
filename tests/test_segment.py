"""Sentences and claim units: verbatim offsets, clock times, quotations over several sentences."""
from briefings.extraction.segment import MAX_SENTENCE_CHARS, paragraphs, sentences, units


def split(text):
    return [[u.text for u in units(text, sentences(text, p))] for p in paragraphs(text)]


def test_a_clock_time_followed_by_its_day_does_not_end_the_sentence():
    assert split("The ship hit at 1:28 a.m. Tuesday, officials said. It sank.") == [
        ["The ship hit at 1:28 a.m. Tuesday, officials said.", "It sank."]]
    assert split("He left at 10 a.m. Officials then met.") == [["He left at 10 a.m.", "Officials then met."]]


def test_titles_do_not_end_a_sentence():
    assert split("State Gov. Jane Doe and Adm. Linda Fagan spoke. Then they left.") == [
        ["State Gov. Jane Doe and Adm. Linda Fagan spoke.", "Then they left."]]


def test_a_quotation_over_several_sentences_is_one_unit():
    text = "“We will rebuild. We will not stop. Ever.” Moore said. Then he left.\nSmith said: \"It is bad. Really bad.\" Others agreed."
    assert split(text) == [["“We will rebuild. We will not stop. Ever.”", "Moore said.", "Then he left."],
                           ['Smith said: "It is bad. Really bad."', "Others agreed."]]


def test_offsets_are_verbatim():
    text = "Title\n\nFirst  sentence here. Second one “quoted. still” ends."
    for p in paragraphs(text):
        for u in units(text, sentences(text, p)):
            assert text[u.start:u.end] == u.text


def test_a_run_without_full_stops_is_cut_into_bounded_sentences():
    text = ("word " * 3000).strip()
    got = [s.text for p in paragraphs(text) for s in sentences(text, p)]
    assert len(got) > 1 and all(len(s) <= MAX_SENTENCE_CHARS for s in got)
    assert " ".join(got).split() == text.split()
