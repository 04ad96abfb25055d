"""Points from claims: a passage of neighbouring sentences reads as the article wrote it (exact)."""
from datetime import date

from briefings.answering.compose import passage_text, point_text
from briefings.types import Claim, Document

DOC = Document(id="d", path="d.txt", title="T", outlet="Wire", published=date(2025, 3, 1))


def claim(seq, text, who=None):
    return Claim(id=f"d:{seq}", doc_id="d", seq=seq, text=text, start=0, end=len(text), attributed_to=who)


def test_a_passage_names_each_speaker_once_in_the_articles_order():
    a = claim(0, '"We will rebuild," she said.', who="Jane Roe")
    b = claim(1, '"It will take years."', who="Jane Roe")
    c = claim(2, "The bill passed 51-49.", who=None)
    assert passage_text([a, b], DOC) == 'Jane Roe: "We will rebuild," she said. "It will take years."'
    assert passage_text([b, c], DOC) == 'Jane Roe: "It will take years." The bill passed 51-49.'
    assert passage_text([c], DOC) == point_text(c, DOC)


def test_a_dated_passage_carries_its_outlet_and_date_once():
    a = claim(0, "Police counted 24,000.")
    b = claim(1, "Organisers said 100,000.", who="organisers")
    assert passage_text([a, b], DOC, dated=True) == \
        "Police counted 24,000. Organisers said 100,000. (Wire, 2025-03-01)"
