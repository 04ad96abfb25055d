"""Sentences and claim units: verbatim offsets, clock times, quotations over several sentences."""
from briefings.extraction.segment import MAX_SENTENCE_CHARS, paragraphs, sentences, units


def split(text):
    return [[u.text for u in units(text, sentences(text, p))] for p in paragraphs(text)]


def test_a_clock_time_followed_by_its_day_does_not_end_the_sentence():
    assert split("The ship hit at 1:28 a.m. Tuesday, officials said. It sank.") == [
        ["The ship hit at 1:28 a.m. Tuesday, officials said.", "It sank."]]
    assert split("He left at 10 a.m. Officials then met.") == [["He left at 10 a.m.", "Officials then met."]]


def test_a_time_zone_after_a_clock_time_does_not_end_the_sentence():
    assert split("At 6 a.m. EST the plant shut. At 9 p.m. GMT it opened. It ran until 4 p.m. UTC on Friday.") == [
        ["At 6 a.m. EST the plant shut.", "At 9 p.m. GMT it opened.", "It ran until 4 p.m. UTC on Friday."]]


def test_a_live_blog_time_stamp_is_read_with_its_entry():
    assert split("5:48 p.m. ET — The union welcomed the deal. It will meet Ashcombe.") == [
        ["5:48 p.m. ET — The union welcomed the deal.", "It will meet Ashcombe."]]
    assert split("7:10 a.m. Officials met at the plant.") == [["7:10 a.m. Officials met at the plant."]]
    assert split("He left at 9 a.m. He came back.") == [["He left at 9 a.m.", "He came back."]]


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


def test_a_long_sentence_is_split_after_its_last_clause_break_in_the_second_half():
    from briefings.extraction.segment import split_long

    assert split_long("aaaaaa; b cc dd", 12) == ["aaaaaa;", " b cc dd"]  # "; " beats the later space
    assert split_long("aaaaaa b cc dd", 12) == ["aaaaaa b cc", " dd"]  # no clause break: the last space
    assert split_long("aa; bbb cc dd", 12) == ["aa; bbb cc", " dd"]  # a break in the first half is too early
    assert split_long("a; bbbbbbbbbbbbbbbbbbbb", 12) == ["a; bbbbbbbbb", "bbbbbbbbbbb"]  # only a break in the first half: hard
    assert split_long("short", 12) == ["short"]
    parts = split_long("one two, three; four five six seven, eight nine ten eleven", 16)
    assert "".join(parts) == "one two, three; four five six seven, eight nine ten eleven"
    assert all(len(p) <= 16 for p in parts)


def test_the_longest_run_without_a_sentence_end():
    from briefings.extraction.segment import longest_unbroken

    assert longest_unbroken("Ab. Cdefg hij\nkl") == (4, 9)  # "Cdefg hij", ended by the line break
    assert longest_unbroken("No end at all") == (0, 13)
    assert longest_unbroken("“Quoted.” Then xyzab") == (10, 10)  # a full stop before a closing quote ends a sentence
    assert longest_unbroken("Pi is 3.14 or so") == (0, 16)  # a point inside a number does not
    assert longest_unbroken("") == (0, 0)


def test_a_quotation_stops_growing_at_the_claim_cap(monkeypatch):
    from briefings.extraction import segment
    from briefings.extraction.segment import Span

    text = '"Aa bb. Cc dd. Ee ff." Gg hh.'
    spans = [Span(0, 7, '"Aa bb.'), Span(8, 14, "Cc dd."), Span(15, 22, 'Ee ff."'), Span(23, 29, "Gg hh.")]
    assert [u.text for u in units(text, spans)] == ['"Aa bb. Cc dd. Ee ff."', "Gg hh."]
    monkeypatch.setattr(segment, "MAX_CLAIM_CHARS", 14)
    assert [u.text for u in units(text, spans)] == ['"Aa bb. Cc dd.', 'Ee ff."', "Gg hh."]  # still closes the quote


def test_a_huge_paragraph_of_sentences_is_cut_only_at_sentence_ends():
    text = " ".join(f"Officials said {i} workers joined strike number {i} in town." for i in range(2000))
    assert len(text) > MAX_SENTENCE_CHARS * 50
    got = [s.text for p in paragraphs(text) for s in sentences(text, p)]
    assert len(got) == 2000 and all(s.startswith("Officials said ") and s.endswith(" in town.") for s in got)


def test_a_sentence_does_not_begin_with_a_dash():
    assert split("HALDANE, Mo. — When the lights went out, the farm went dark. Then it rained.") == [
        ["HALDANE, Mo. — When the lights went out, the farm went dark.", "Then it rained."]]
    assert split("The grid failed at 4:12 p.m. Central time. Crews came.") == [
        ["The grid failed at 4:12 p.m. Central time.", "Crews came."]]
