from datetime import date
from pathlib import Path

import pytest

from briefings.extraction.documents import from_text, read_document
from briefings.errors import BadInput
from briefings.extraction.claims import extract_claims
from briefings.extraction.segment import paragraphs, sentences

DATA = Path(__file__).parent / "data"


def split(text):
    return [s.text for p in paragraphs(text) if p.kind == "body" for s in sentences(text, p)]


def test_sentences_survive_abbreviations_initials_quotes_and_ellipses():
    text = ("U.S. officials met on Tuesday. Daniel R. DePetris wrote for Newsweek. "
            "“An immediate briefing … concerning the troops,” he said. It was the U.S. estimate.\n")
    assert split(text) == [
        "U.S. officials met on Tuesday.",
        "Daniel R. DePetris wrote for Newsweek.",
        "“An immediate briefing … concerning the troops,” he said.",
        "It was the U.S. estimate.",
    ]


def test_furniture_is_cut_out_and_headings_are_not_claims():
    text = ("Title line\n\nWhere Russia benefits\nReal sentence about the war goes here. Skip advertSkip advert\n"
            "Share This Post\nPost Comment\n(KCNA VIA KNS/AFP via Getty Image)\n")
    kinds = [(p.kind, p.text) for p in paragraphs(text)]
    assert ("heading", "Where Russia benefits") in kinds
    assert ("body", "Real sentence about the war goes here.") in kinds
    assert ("furniture", "(KCNA VIA KNS/AFP via Getty Image)") in kinds
    assert not any("Skip advert" in t or "Share This" in t or "Post Comment" in t for _, t in kinds)


def test_header_lines_opinion_and_author_line():
    text = ("OPINION - Why the strike matters\nSource: The Coastal Herald\nURL: https://herald.example/a\n"
            "By Maria Jensen\nOct 31, 2024\n\nThe strike entered its second week on Monday, officials said.\n"
            "Maria Jensen is the Coastal Herald’s labour editor\n")
    doc = from_text("a.txt", text)
    assert doc.title == "Why the strike matters"
    assert doc.opinion is True
    assert (doc.outlet, doc.url, doc.author, doc.published) == (
        "The Coastal Herald", "https://herald.example/a", "Maria Jensen", date(2024, 10, 31))
    claims = extract_claims(doc)
    assert [c.text for c in claims] == ["The strike entered its second week on Monday, officials said."]


def test_repeated_and_pull_quote_sentences_are_dropped():
    text = ("Title\n\nThe signs are growing that the port has a major manpower problem\n"
            "The signs are growing that the port has a major manpower problem and a security problem. "
            "The union is angry about it.\nThe union is angry about it.\n")
    claims = extract_claims(from_text("a.txt", text))
    assert [c.text for c in claims] == [
        "The signs are growing that the port has a major manpower problem and a security problem.",
        "The union is angry about it.",
    ]


def test_claims_keep_verbatim_offsets_on_every_seed():
    for path in sorted((Path(__file__).parents[1] / "seeds").glob("*.txt")):
        doc = read_document(path)
        for c in extract_claims(doc):
            assert doc.text[c.start:c.end] == c.text


def test_html_article_main_text_and_metadata():
    doc = read_document(DATA / "article.html")
    assert doc.title == "Harbour strike enters its second week"
    assert doc.outlet == "The Coastal Herald"
    assert doc.published == date(2025, 3, 14)
    claims = extract_claims(doc)
    texts = " ".join(c.text for c in claims)
    assert "2,400 dock workers" in texts and "Home" not in texts and "Copyright" not in texts
    berg = next(c for c in claims if "safety rules" in c.text)
    assert berg.attributed_to == "Tomas Berg"


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty file"),
        (b"   \n\t\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("Caf\u00e9 news\n\nThe caf\u00e9 opened.".encode("latin-1"), "not UTF-8"),
    ],
)
def test_bad_input_says_why(tmp_path, content, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(BadInput, match=reason) as e:
        read_document(p)
    assert str(p) in str(e.value)


def test_too_large_and_unreadable(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("Title\n\n" + "A sentence about things. " * 100)
    with pytest.raises(BadInput, match="too large"):
        read_document(p, max_bytes=100)
    with pytest.raises(BadInput, match="cannot read"):
        read_document(tmp_path / "missing.txt")
