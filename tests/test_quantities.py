from briefings.quantities import find_quantities


def phrases(sentence):
    return [(q.phrase, q.value, q.qualifier, q.measure) for q in find_quantities(sentence)]


def test_qualifier_number_and_what_is_counted():
    assert phrases("South Korea estimated that at least 1,500 North Korean soldiers had arrived.") == [
        ("at least 1,500 North Korean soldiers", 1500.0, "at least", "personnel")
    ]


def test_several_quantities_in_one_sentence():
    got = phrases("Ukraine estimated that roughly 12,000 North Korean troops have entered Russia, "
                  "including 500 officers and three generals.")
    assert got == [
        ("roughly 12,000 North Korean troops", 12000.0, "roughly", "personnel"),
        ("500 officers", 500.0, None, "personnel"),
        ("three generals", 3.0, None, "personnel"),
    ]


def test_decimal_scales_and_word_numbers():
    assert phrases("with nearly 1.3 million soldiers, not counting another 5.9 million reserves.") == [
        ("nearly 1.3 million soldiers", 1_300_000.0, "nearly", "personnel"),
        ("5.9 million reserves", 5_900_000.0, None, "personnel"),
    ]
    assert phrases("the North had shipped more than four million rounds of ammunition") == [
        ("more than four million rounds of ammunition", 4_000_000.0, "more than", "munitions")
    ]
    assert phrases("Twelve thousand troops could be only the beginning.")[0][:2] == ("Twelve thousand troops", 12000.0)


def test_casualty_context_changes_the_measure():
    got = phrases("U.S. estimates suggest more than 115,000 Russian soldiers have been killed, "
                  "with as many as half a million injured.")
    assert got == [
        ("more than 115,000 Russian soldiers", 115000.0, "more than", "casualties"),
        ("as many as half a million injured", 500000.0, "as many as", "casualties"),
    ]


def test_vague_plurals_money_and_percent():
    assert phrases("Already millions of shells and rockets have been shipped")[0][:2] == ("millions of shells", 1e6)
    assert phrases("They are making hundreds of millions of dollars")[0][3] == "money"
    assert phrases("It costs $4.5 billion a year")[0][:2] == ("$4.5 billion", 4.5e9)
    assert phrases("Russians are only 3 per cent of the total")[0][3] == "percent"


def test_years_days_and_bare_words_are_not_quantities():
    assert phrases("Russia launched a full-scale invasion of Ukraine in February 2022.") == []
    assert phrases("They arrived in Vladivostok between October 8 and 13.") == []
    assert phrases("One thing seems clear, and one of them left.") == []


def test_a_verb_after_the_plural_noun_ends_what_is_counted():
    assert phrases("The authority said 2,400 dock workers walked out.")[0][0] == "2,400 dock workers"
    assert phrases("Some 1,000 armed soldiers crossed.")[0][0] == "Some 1,000 armed soldiers"


def test_the_head_noun_decides_the_measure():
    assert [m for *_, m in phrases("South Korea estimates 4,300 tanks and 8,800 artillery pieces.")] == [
        "equipment", "equipment"]
