"""Claims from an article: each checkable sentence with who asserts it, its hedges,
quantities, dates and named entities, and its verbatim offsets in the document."""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from dataclasses import replace

from .attribution import Attribution, Attributor, speaker_before
from .documents import RawDocument
from .lexicon import HEDGES, MONTHS, WEEKDAYS
from .quantities import find_quantities
from .segment import Span, normalise, paragraphs, sentences
from .types import Claim, Quantity



def _extractor_version() -> int:
    """A fingerprint of the extraction code: stored documents made by other code are re-extracted."""
    import hashlib
    from pathlib import Path

    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("extract.py", "attribution.py", "quantities.py", "segment.py", "documents.py", "lexicon.py"):
        digest.update((here / name).read_bytes())
    return int(digest.hexdigest()[:12], 16)


EXTRACTOR_VERSION = _extractor_version()

_HEDGE = re.compile(r"\b(" + "|".join(re.escape(h) for h in sorted(HEDGES, key=len, reverse=True)) + r")\b", re.I)
_MONTH = "|".join(m.capitalize() for m in MONTHS)
_DATE = re.compile(
    rf"\b(?:(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}\s+(?:{_MONTH})(?:\s+\d{{4}})?|"
    rf"(?:{_MONTH})\s+\d{{4}}|(?:in|since|by|until)\s+(?:{_MONTH}|\d{{4}})|"
    rf"(?:last|this|next|on)\s+(?:{'|'.join(d.capitalize() for d in WEEKDAYS)}|week|month|year|weekend)|"
    rf"(?:{'|'.join(d.capitalize() for d in WEEKDAYS)})|earlier this (?:week|month|year)|yesterday|today)\b"
)
_ENTITY = re.compile(r"(?:[A-Z][\w’'.-]*[\w.](?:\s+(?:of\s+)?[A-Z][\w’'.-]*[\w.])*)")
_NOT_ENTITY = {
    "The", "A", "An", "But", "And", "In", "On", "At", "For", "It", "This", "That", "There", "If", "When",
    "While", "Thus", "However", "Indeed", "So", "As", "Already", "Earlier", "Until", "After", "Before",
    "Perhaps", "Both", "Some", "Other", "Its", "Their", "His", "Her", "He", "She", "They", "We", "I",
    "Precisely", "Beyond", "More", "Now", "Last", "Hence", "Despite", "Ultimately", "Moreover", "Where",
    "What", "Who", "Why", "How", "Initially", "Less", "Huge", "Yet", "Over", "Your", "My", "Our", "You",
}


def hedges(sentence: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.group(1).lower() for m in _HEDGE.finditer(sentence)))


def entities(sentence: str) -> tuple[str, ...]:
    """Capitalised names the sentence mentions (people, places, organisations), possessives dropped."""
    out = []
    for m in _ENTITY.finditer(sentence):
        for piece in re.split(r"(?<=\w{2})\.\s+", m.group(0)):
            words = piece.split()
            while words and words[0] in _NOT_ENTITY:
                words.pop(0)
            name = re.sub(r"[’']s$", "", " ".join(words))
            if not re.search(r"(?:\b[A-Z]\.)+$", name):
                name = name.rstrip(".’'")
            if len(name) > 1 and name.lower() not in MONTHS and name.lower() not in WEEKDAYS:
                out.append(name)
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=4096)
def _resolve_date(phrase: str, base: date | None) -> str:
    """An ISO date for a phrase when the document's date pins it down, else the phrase."""
    if base is None and not re.search(r"\d{4}", phrase):
        return phrase
    import dateparser

    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        from datetime import datetime

        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    cleaned = re.sub(r"^(?:in|since|by|until|on)\s+", "", phrase)
    parsed = dateparser.parse(cleaned, languages=["en"], settings=settings)
    if parsed is None:
        return phrase
    if base is not None and parsed.date() > base + timedelta(days=7):
        return phrase
    return parsed.date().isoformat()


def dates(sentence: str, published: date | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_resolve_date(m.group(0), published) for m in _DATE.finditer(sentence)))


def sourced(quantities: tuple[Quantity, ...], sentence: str, attr: Attribution | None) -> tuple[Quantity, ...]:
    """Give a figure its own source when the sentence quotes another one just before it."""
    if len(quantities) < 2:
        return quantities
    out = []
    for q in quantities:
        who = speaker_before(sentence, q.start)
        out.append(replace(q, source=who) if who and (attr is None or who != attr.who) else q)
    return tuple(out)


def checkable(sentence: str) -> bool:
    """Sentences worth keeping as claims: statements of some length, not questions."""
    words = sentence.split()
    if len(words) < 5:
        return False
    return not sentence.rstrip("”\"’' ").endswith("?")


def _drop_contained(found: list[tuple[Span, Attribution | None, str | None, int]]):
    """Drop sentences repeated inside longer ones (pull quotes, duplicated lines)."""
    norms = [normalise(s.text) for s, *_ in found]
    keep = []
    for i, norm in enumerate(norms):
        if len(norm.split()) >= 6 and any(
            j != i and len(other) > len(norm) and norm in other for j, other in enumerate(norms)
        ):
            continue
        keep.append(found[i])
    return keep


def extract_claims(doc: RawDocument) -> list[Claim]:
    """The claims of one document, in reading order."""
    attributor = Attributor(doc.text)
    heading: str | None = None
    previous: Attribution | None = None
    prev_para = -1
    seen: set[str] = set()
    found: list[tuple[Span, Attribution | None, str | None, int]] = []
    for pi, para in enumerate(paragraphs(doc.text)):
        if para.end <= doc.body_start or para.kind == "furniture":
            continue
        if doc.bio_span and para.start <= doc.bio_span[0] < para.end:
            continue
        if para.kind == "heading":
            heading = para.text
            continue
        for sent in sentences(doc.text, para):
            norm = normalise(sent.text)
            if not norm or norm in seen:
                continue
            seen.add(norm)
            attr = attributor.resolve(sent.text, previous, same_paragraph=pi == prev_para)
            previous, prev_para = attr, pi
            if checkable(sent.text):
                found.append((sent, attr, heading, pi))
    claims = []
    for seq, (sent, attr, head, pi) in enumerate(_drop_contained(found)):
        claims.append(
            Claim(
                id=f"{doc.doc_id}:{seq}",
                doc_id=doc.doc_id,
                seq=seq,
                text=sent.text,
                start=sent.start,
                end=sent.end,
                attributed_to=attr.who if attr else None,
                attribution_how=attr.how if attr else None,
                hedges=hedges(sent.text),
                quantities=sourced(find_quantities(sent.text), sent.text, attr),
                dates=dates(sent.text, doc.published),
                entities=entities(sent.text),
                heading=head,
                paragraph=pi,
            )
        )
    return claims
