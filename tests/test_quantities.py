"""Numbers with qualifier, what they count and their measure; identifiers, dates and years are not counts."""
import pytest

from briefings.extraction.quantities import find_quantities


def found(sentence):
    return [(q.phrase, q.value, q.qualifier, q.measure) for q in find_quantities(sentence)]


def test_counts_with_qualifiers_and_what_they_count():
    assert found("Ukraine estimated that roughly 12,000 North Korean troops have entered Russia, "
                 "including 500 officers and three generals.") == [
        ("roughly 12,000 North Korean troops", 12000.0, "roughly", "count"),
        ("500 officers", 500.0, None, "count"),
        ("three generals", 3.0, None, "count"),
    ]
    assert found("Kim has nearly 1.3 million soldiers.") == [("nearly 1.3 million soldiers", 1_300_000.0, "nearly", "count")]


def test_money_in_every_common_form():
    assert [(p, v, m) for p, v, _, m in found("It costs $15 million a day; Irani put it at about $50m, "
                                               "others at $1.7 billion.")] == [
        ("$15 million", 15e6, "money"), ("about $50m", 50e6, "money"), ("$1.7 billion", 1.7e9, "money")]


def test_percentages_and_durations_are_their_own_measures():
    assert [(p, m) for p, _, _, m in found("Turnout was 62.4% after two weeks, up 5 percent.")] == [
        ("62.4%", "percent"), ("two weeks", "duration"), ("5 percent", "percent")]


@pytest.mark.parametrize("sentence", [
    "Traffic on Interstate 895 was diverted.",
    "Members of Local 333 met on March 26, 2024.",
    "The ship hit the bridge at 1:28 a.m.",
    "The bridge opened in 1977.",
    "She finished 2nd in the race.",
])
def test_not_counts(sentence):
    assert [m for *_, m in found(sentence) if m == "count"] == []


def test_lengths():
    assert [(p, m) for p, _, _, m in found("The 985-foot ship and a bridge 1.6 miles long.")] == [
        ("985-foot ship", "length"), ("1.6 miles", "length")]


def test_basis_points_and_percentage_points_measure_a_rate():
    found = find_quantities("It raised the rate by 650 basis points, or 6.5 percentage points; a 650bp rise.")
    assert [(q.value, q.measure) for q in found] == [(650.0, "percent"), (6.5, "percent"), (650.0, "percent")]
