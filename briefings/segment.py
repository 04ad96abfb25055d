"""Split an article's text into paragraphs and sentences, keeping character offsets.

Offsets always point into the document text as stored, so that every claim's text is
``text[start:end]`` verbatim. Page furniture ("Skip advert", share buttons, photo
credits) is cut out of paragraphs before sentences are found.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Page furniture: whole lines, or runs inside a line, that are not the article.
FURNITURE = re.compile(
    r"(?:skip advert(?:isement)?|advertisement|share this (?:post|article|story)|post comment|"
    r"leave a comment|this site uses akismet to reduce spam\.?|"
    r"learn how your comment data is processed\.?|sign up for (?:our|the) [\w ]{0,40}newsletter\.?|"
    r"click here to [\w ]{0,40}\.?|read more:?|related articles?:?|share on (?:facebook|twitter|x)|"
    r"subscribe (?:now|today)\.?|follow us on [\w ]{0,30}\.?)",
    re.I,
)
# A short line in parentheses naming a picture agency is a photo credit.
PHOTO_CREDIT = re.compile(
    r"^\s*[(\[]?[^()\[\]]{0,120}\b(?:getty|afp|reuters|ap photo|associated press|shutterstock|"
    r"epa|photo|image|picture|credit|via)\b[^()\[\]]{0,120}[)\]]?\s*$",
    re.I,
)
_END_PUNCT = tuple(".!?:;…\"”’'")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Paragraph(Span):
    kind: str  # "title" | "heading" | "body" | "furniture"


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraphs(text: str) -> list[Paragraph]:
    """Each non-empty line of ``text`` as a paragraph, with furniture split out."""
    out: list[Paragraph] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        start, end = _strip_span(text, pos, pos + len(line))
        pos += len(line)
        if start >= end:
            continue
        body = text[start:end]
        if len(body) < 200 and PHOTO_CREDIT.match(body) and not body.rstrip().endswith(("." ,"?", "!")):
            out.append(Paragraph(start, end, body, "furniture"))
            continue
        cursor = start
        for m in FURNITURE.finditer(body):
            s, e = _strip_span(text, cursor, start + m.start())
            if s < e:
                out.append(_classify(text, s, e))
            cursor = start + m.end()
        s, e = _strip_span(text, cursor, end)
        if s < e:
            out.append(_classify(text, s, e))
    return out


def _classify(text: str, start: int, end: int) -> Paragraph:
    body = text[start:end]
    words = body.split()
    if len(words) <= 8 and not body.endswith(_END_PUNCT) and not any(c.isdigit() for c in body[:1]):
        return Paragraph(start, end, body, "heading")
    return Paragraph(start, end, body, "body")


@lru_cache(maxsize=1)
def _segmenter():  # building pysbd's rule set is the slow part; do it once
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def sentences(text: str, para: Span) -> list[Span]:
    """Sentences of one paragraph, with offsets into ``text``."""
    out: list[Span] = []
    cursor = para.start
    for piece in _segmenter().segment(para.text):
        piece = piece.strip()
        if not piece:
            continue
        at = text.find(piece, cursor, para.end)
        if at < 0:  # pysbd changed the text; fall back to the rest of the paragraph
            s, e = _strip_span(text, cursor, para.end)
            if s < e:
                out.append(Span(s, e, text[s:e]))
            break
        out.append(Span(at, at + len(piece), piece))
        cursor = at + len(piece)
    return out


_NORM = re.compile(r"[^\w]+")


def normalise(sentence: str) -> str:
    """A sentence reduced for duplicate checks: lower case, words only."""
    return _NORM.sub(" ", sentence.lower()).strip()
