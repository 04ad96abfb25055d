"""Split an article's text into paragraphs and sentences, keeping character offsets.

Offsets always point into the document text as stored, so that every claim's text is
``text[start:end]`` verbatim. Page furniture ("Skip advert", share buttons, photo
credits) is cut out of paragraphs before sentences are found.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .limits import MAX_CLAIM_CHARS, MAX_SENTENCE_CHARS

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


_CLOCK = re.compile(r"\b[ap]\.m\.$", re.I)
# what may follow a clock time in the same sentence: lower case, a digit, a day, a month, or a
# time zone (capitals ending in T, or UTC: "ET", "EST", "GMT", "CEST"; "Central time")
_CONTINUES = re.compile(
    r"^(?:[a-z0-9(]|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\w*\b"
    r"|(?:[A-Z]{0,3}T|UTC)\b|[A-Z][a-z]+ time\b)"
)
# a piece that is nothing but a clock time (a live blog's entry stamp, "5:48 p.m.") is never a sentence
_ONLY_CLOCK = re.compile(r"^\d{1,2}(?::\d\d)?\s*[ap]\.m\.$", re.I)
# nor does a sentence begin with a dash: "HALDANE, Mo. — When the lights went out" is one
_DASH = re.compile(r"^[—–]\s")
_CLAUSE_BREAKS = ("; ", ": ", " — ", " – ", ", ")
# Where a sentence may end: . ! ? … (and closing quotes or brackets) before a space, or a line break.
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*(?:\s+|$)|\n")


def split_long(piece: str, limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """``piece`` in parts of at most ``limit`` characters, each cut after the last clause break
    ("; ", ": ", " — ", ", ") in the second half of the part, else at the last space there, else
    hard at the limit. Concatenated, the parts are ``piece`` again."""
    out = []
    while len(piece) > limit:
        window = piece[:limit]
        cut = max((window.rfind(b) + len(b) - 1 for b in _CLAUSE_BREAKS), default=-1)
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        out.append(piece[:cut])
        piece = piece[cut:]
    out.append(piece)
    return out


def longest_unbroken(text: str) -> tuple[int, int]:
    """(start, length) of the longest run of ``text`` with no sentence end and no line break."""
    best, pos = (0, 0), 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() - pos > best[1]:
            best = (pos, m.start() - pos)
        pos = m.end()
    if len(text) - pos > best[1]:
        best = (pos, len(text) - pos)
    return best


def _blocks(body: str, size: int) -> list[str]:
    """A huge paragraph in blocks of about ``size`` characters, cut only at sentence ends, so
    that pysbd (slow on huge runs) gets each block on its own."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(body):
        if m.end() - start >= size:
            out.append(body[start:m.end()])
            start = m.end()
    out.append(body[start:])
    return out


def _pieces(text: str) -> list[str]:
    """pysbd's sentences, each longer than ``MAX_SENTENCE_CHARS`` split by ``split_long``."""
    return [part for piece in _segmenter().segment(text) for part in split_long(piece)]


def sentences(text: str, para: Span) -> list[Span]:
    """Sentences of one paragraph, with offsets into ``text``.

    A clock time ("1:28 a.m. Tuesday") does not end a sentence when what follows continues it.
    """
    out: list[Span] = []
    cursor = para.start
    body = text[para.start:para.end]
    blocks = _blocks(body, MAX_SENTENCE_CHARS * 50) if len(body) > MAX_SENTENCE_CHARS * 50 else [body]
    pieces = [piece for block in blocks for piece in _pieces(block)]
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        at = text.find(piece, cursor, para.end)
        if at < 0:  # pysbd changed the text; fall back to the rest of the paragraph
            s, e = _strip_span(text, cursor, para.end)
            if s < e:
                out.append(Span(s, e, text[s:e]))
            break
        if out and (_DASH.match(piece) or (_CLOCK.search(out[-1].text) and (
                _CONTINUES.match(piece) or _ONLY_CLOCK.match(out[-1].text)))):
            prev = out.pop()
            out.append(Span(prev.start, at + len(piece), text[prev.start:at + len(piece)]))
        else:
            out.append(Span(at, at + len(piece), piece))
        cursor = at + len(piece)
    return out


_OPEN, _CLOSE = "“", "”"
MAX_QUOTE_SENTENCES = 5


def _quote_depth(text: str, depth: int) -> int:
    """Open-quotation depth after ``text``: curly quotes nest; a straight double quote toggles."""
    for c in text:
        if c == _OPEN:
            depth += 1
        elif c == _CLOSE:
            depth = max(0, depth - 1)
        elif c == '"':
            depth = 0 if depth else 1
    return depth


def join(text: str, a: Span, b: Span) -> Span:
    """One span from the start of ``a`` to the end of ``b``, with the text between as written."""
    return Span(a.start, b.end, text[a.start:b.end])


def units(text: str, spans: list[Span]) -> list[Span]:
    """Sentences of one paragraph, with a quotation that runs over several sentences kept as one unit."""
    out: list[Span] = []
    depth, run = 0, 0
    for span in spans:
        open_quote = depth and out and run < MAX_QUOTE_SENTENCES
        if open_quote and span.end - out[-1].start <= MAX_CLAIM_CHARS:
            out.append(join(text, out.pop(), span))
            run += 1
        else:
            out.append(span)
            run = 1
            if not open_quote:  # a quotation only cut by the length cap is still open
                depth = 0
        depth = _quote_depth(span.text, depth)
    return out


_NORM = re.compile(r"[^\w]+")


def normalise(sentence: str) -> str:
    """A sentence reduced for duplicate checks: lower case, words only."""
    return _NORM.sub(" ", sentence.lower()).strip()
