"""Index terms: the one analysis both articles and questions go through."""
from briefings.text import fold, term_string, terms, tokens


def test_fold_drops_diacritics_and_case():
    assert fold("Zelenskyy’s Ünïcødé") == "zelenskyy’s unicøde"
    assert fold("Key Bridge's I-695") == "key bridge's i-695"  # plain ASCII: lower case only


def test_tokens_keep_numbers_whole_and_split_apostrophes():
    assert tokens("Korea’s 12,000 troops; 1.3 million") == ["korea", "s", "12000", "troops", "1p3", "million"]


def test_terms_stem_and_drop_stop_words():
    assert terms("Who said they don't expect to find anyone alive?") == ["said", "expect", "find", "anyon", "aliv"]
    assert terms("troop estimates?") == ["troop", "estim"]


def test_articles_and_questions_meet_on_the_same_terms():
    assert set(terms("how many soldiers were estimated")) <= set(terms("Ukraine estimated 12,000 soldiers"))
    assert term_string("The Dali struck the pier") == "dali struck pier"


def test_an_abbreviated_title_is_indexed_as_the_word_it_stands_for():
    assert terms("Gov. Ellen Marchetti declared an emergency.")[:1] == terms("the governor")
    assert terms("Sen. Dale Pruzinski") == terms("senator Dale Pruzinski")
    assert terms("Dr. Lena Sorokin")[0] == terms("doctor")[0]
    assert terms("the SEC said")[0] == "sec"  # not a secretary


def test_a_month_or_a_business_title_abbreviated_is_indexed_as_its_words():
    assert terms("on Oct. 3") == terms("on October 3")
    assert terms("Sept. 30") == terms("September 30") == terms("Sep 30")
    assert terms("CEO Jane Roe") == terms("chief executive Jane Roe")
