import codecs
import os
from datetime import date
from pathlib import Path

import pytest

from briefings.extraction.documents import cap_title, from_text, read_document
from briefings.extraction.limits import MAX_TITLE_CHARS
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


@pytest.mark.parametrize("url, opinion", [
    ("https://herald.example/opinion/2026/03/03/why-the-strike-matters", True),
    ("https://www.herald.example/news/op-ed/why", True),
    ("https://herald.example/opinion/columns/2025/04/14/why", True),
    ("https://www.theguardian.example/commentisfree/2026/apr/07/why", True),
    ("https://herald.example/Editorials/why", True),
    ("https://herald.example/news/2026/03/03/opinion-poll-shows-support", False),  # a word in the slug
    ("https://opinion.example/news/2026/03/03/strike", False),  # the host is no section
    ("https://herald.example/news/local/columnists-union-strikes", False),
])
def test_an_article_filed_in_an_opinion_section_is_an_opinion_piece(url, opinion):
    from briefings.extraction.documents import is_opinion

    text = f"Why the strike matters\nSource: The Coastal Herald\nURL: {url}\nBy Maria Jensen\n\nThe strike went on.\n"
    doc = from_text("a.txt", text)
    assert doc.opinion is opinion and doc.title == "Why the strike matters"
    assert is_opinion("Opinion: Why the strike matters", None) and not is_opinion("Why the strike matters", None)


def test_repeated_and_pull_quote_sentences_are_dropped():
    text = ("Title\n\nThe signs are growing that the port has a major manpower problem\n"
            "The signs are growing that the port has a major manpower problem and a security problem. "
            "The union is angry about it.\nThe union is angry about it.\n")
    claims = extract_claims(from_text("a.txt", text))
    assert [c.text for c in claims] == [
        "The signs are growing that the port has a major manpower problem and a security problem.",
        "The union is angry about it.",
    ]


def test_a_sentence_too_short_or_open_to_stand_alone_is_read_with_its_neighbour():
    text = ("Title\n\n"
            "Is this another East Palestine? Not quite. In 2023, 38 cars of a train derailed in Ohio.\n"
            "I smelt smoke at about one. I thought somebody was burning toast, honestly. There was no alarm. Nothing.\n"
            "We're staying. The owner said so twice on Monday night.\n"
            "Nothing.\n"
            "The mayor spoke at length on Monday night. Why?\n"
            "Who will be held responsible? Who gives the orders? This is a dangerous game for everyone. Why?\n")
    doc = from_text("a.txt", text)
    claims = extract_claims(doc)
    assert [c.text for c in claims] == [
        "Is this another East Palestine? Not quite.",  # a question, with what answers it
        "In 2023, 38 cars of a train derailed in Ohio.",
        "I smelt smoke at about one.",
        "I thought somebody was burning toast, honestly. There was no alarm. Nothing.",  # with the one before
        "We're staying. The owner said so twice on Monday night.",  # opening its paragraph: with the one after
        "The mayor spoke at length on Monday night.",  # a question left open stays out
        "This is a dangerous game for everyone.",  # questions in a row ask: they join nothing
    ]
    assert all(doc.text[c.start:c.end] == c.text for c in claims)  # one stretch of the article, verbatim


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
        (b"Title\n\n" + bytes(range(0x80, 0x100)), "not text in UTF-8"),
        ("Bridge news\n\nThe bridge reopened.".encode("utf-16-le"), "binary file"),  # UTF-16 needs its mark
        (codecs.BOM_UTF16_LE + b"T\x00i\x00\x00", "starts with a UTF-16 byte-order mark but is not UTF-16"),
    ],
)
def test_bad_input_says_why(tmp_path, content, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(BadInput, match=reason) as e:
        read_document(p)
    assert str(e.value).startswith(f"{str(p)!r}: ")


ARTICLE = "Café news\n\nThe café on the square reopened on Monday, its owner said.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32", "cp1252"])
def test_text_is_decoded_by_its_byte_order_mark_else_utf8_else_the_detected_encoding(tmp_path, encoding):
    p = tmp_path / "a.txt"
    data = ARTICLE.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    p.write_bytes(data)
    doc = read_document(p)
    assert doc.text == ARTICLE and doc.title == "Café news"
    assert [c.text for c in extract_claims(doc)] == ["The café on the square reopened on Monday, its owner said."]


def test_a_fifo_or_a_symlink_loop_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(BadInput, match=r"not a regular file \(a FIFO\)"):
        read_document(fifo)  # opened without blocking: no writer needed
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    with pytest.raises(BadInput, match="symlink loop"):
        read_document(loop)


def test_a_name_with_a_newline_is_quoted_on_one_line(tmp_path):
    p = tmp_path / "two\nlines.txt"
    p.write_bytes(b"\x00binary")
    with pytest.raises(BadInput) as e:
        read_document(p)
    assert str(e.value) == repr(str(p)) + ": binary file, not an article (expected text, Markdown or HTML)"
    assert "\n" not in str(e.value) and "two\\nlines.txt" in str(e.value)


def test_titles_are_capped_at_a_word_boundary():
    assert cap_title("one two three four", 12) == "one two…"
    assert cap_title("one two three", 13) == "one two three"
    assert cap_title("onetwothreefour five", 12) == "onetwothree…"  # no space in the second half: hard cut
    assert cap_title("one two, three", 10) == "one two…"  # no dangling comma
    long = "word " * 1000 + "\n\nThe council said the bridge would reopen in May.\n"
    doc = from_text("a.txt", long)
    assert len(doc.title) == MAX_TITLE_CHARS == 200 and doc.title.endswith("word…")
    assert doc.text == long  # the text keeps the whole line


def test_too_large_and_unreadable(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("Title\n\n" + "A sentence about things. " * 100)
    with pytest.raises(BadInput, match="too large"):
        read_document(p, max_bytes=100)
    with pytest.raises(BadInput, match="cannot read"):
        read_document(tmp_path / "missing.txt")


def test_names_are_shown_quoted_and_web_addresses_as_they_are():
    from briefings.errors import shown

    assert shown("/tmp/a\nb.txt") == "'/tmp/a\\nb.txt'"
    assert shown("it's.txt") == '"it\'s.txt"'
    assert shown(b"\xff.txt".decode("utf-8", "surrogateescape")) == "'\\udcff.txt'"
    assert shown("https://example.com/a?b=1") == "https://example.com/a?b=1"
    assert shown("https://example.com/a b") == "'https://example.com/a b'"


def test_a_transcript_turn_is_its_speakers_after_a_sentence_reporting_another_source():
    text = ("Title: Briefing\n\nThe following is a transcript of a briefing.\n\n"
            "MARA VENN: The ministry says 40 schools are shut across the valley. "
            "Our crews cleared six of the eleven blocked roads overnight. "
            "We expect to reopen the rest of them by tomorrow evening.\n\nVENN: Thank you.")
    who = [(c.text, c.attributed_to, c.attribution_how) for c in extract_claims(from_text("t.txt", text))]
    assert who[1:] == [
        ("MARA VENN: The ministry says 40 schools are shut across the valley.", "The ministry", "said"),
        # "our crews" are the speaker's own side, in her voice; the turn goes on being hers
        ("Our crews cleared six of the eleven blocked roads overnight.", "Mara Venn", "carried"),
        ("We expect to reopen the rest of them by tomorrow evening.", "Mara Venn", "carried"),
    ]
