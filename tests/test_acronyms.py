"""Acronyms in a question, spelled out from the articles' own words (exact, on tiny inputs)."""
from briefings.answering.acronyms import candidates, runs, spell_out, surface
from briefings.text import term_string


def test_candidates_are_unknown_capitalised_words():
    df = {"sec": 3, "holm": 2}
    assert candidates("How does it compare with SBF and the SEC? Holmes?", df) == ["SBF"]
    assert candidates("what did the CTOs say? and CTO?", {}) == ["CTO"]
    assert candidates("what did Rask say about it?", {}) == []  # not in capitals
    # two letters match the initials of some pair of words in almost any article
    assert candidates("is the EU ready? and the UK?", {}) == []
    assert candidates("WHAT HAPPENS NOW?", {"happen": 4, "now": 9}) == []  # shouting, not initials


def test_runs_count_consecutive_terms_with_those_initials():
    texts = [term_string("Sam Bankman-Fried was sentenced."), term_string("Bankman-Fried, or Sam Bankman-Fried, spoke."),
             term_string("The Securities and Exchange Commission sued.")]
    assert runs("SBF", texts) == {("sam", "bankman", "fri"): 2}
    assert runs("SEC", texts) == {("secur", "exchang", "commiss"): 1}  # "and" is a stop word, as in initials
    assert runs("XYZ", texts) == {}
    assert runs("NY", [term_string("the 12 yards")]) == {}  # never a number


def test_surface_gives_the_words_as_the_article_writes_them():
    run = tuple(term_string("Sam Bankman-Fried").split())
    assert surface(run, "By contrast, Sam Bankman-Fried, the FTX founder, got 25 years.") == "Sam Bankman-Fried"
    run = tuple(term_string("chief technology officer").split())
    assert surface(run, "Loft, Quillfund's former chief technology officer, testified.") == "chief technology officer"
    assert surface(run, "Nothing like it here.") is None


def test_spell_out_replaces_the_acronym_everywhere_it_stands_alone():
    assert spell_out("SBF vs SBFs vs SBFX?", {"SBF": "Sam Bankman-Fried"}) == \
        "Sam Bankman-Fried vs Sam Bankman-Fried vs SBFX?"


def test_an_acronym_may_keep_a_small_words_initial():
    from briefings.answering.acronyms import initials, runs_within
    texts = [term_string("The Missouri Department of Corrections said two inmates were missing."),
             term_string("The department counted again.")]
    # "doc" is "department correct" with the "o" of "of" (no index term) left out; so is "depart count"
    assert runs_within("DOC", texts) == {("depart", "correct"): 1, ("depart", "count"): 1}
    # ... which the words as written tell apart
    assert initials("Department of Corrections") == "doc" and initials("department counted") == "dc"
    assert runs_within("DOC", [term_string("Department Corrections 12")]) == {("depart", "correct"): 1}
    assert runs_within("DOJ", texts) == {}
    assert runs_within("SEC", [term_string("The Securities and Exchange Commission sued.")]) == {}  # all three are terms
