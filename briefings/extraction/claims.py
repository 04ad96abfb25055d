"""Claims from an article: each checkable sentence (or multi-sentence quotation) with who
asserts it, its hedges, quantities, date and time phrases and named entities, and its
verbatim offsets in the document."""
from __future__ import annotations

import re
from dataclasses import replace

from ..types import Claim, Quantity
from .attribution import Attribution, Attributor
from .documents import RawDocument
from .language import HEDGES, MONTH_ABBREVIATIONS, MONTHS, WEEKDAYS
from .limits import MAX_CLAIM_CHARS
from .quantities import find_quantities
from .segment import Span, join, normalise, paragraphs, sentences, units


def _extractor_version() -> int:
    """A fingerprint of the extraction code: stored documents made by other code are re-extracted."""
    import hashlib
    from pathlib import Path

    here = Path(__file__).parent
    digest = hashlib.sha256()
    # the extractor, and the text analysis that makes a claim's index terms
    for path in sorted(here.glob("*.py")) + [here.parent / "text.py", here.parent / "indexing.py"]:
        digest.update(path.read_bytes())
    return int(digest.hexdigest()[:12], 16)


EXTRACTOR_VERSION = _extractor_version()

_HEDGE = re.compile(r"\b(" + "|".join(re.escape(h) for h in sorted(HEDGES, key=len, reverse=True)) + r")\b", re.I)
_MONTH = "|".join(m.capitalize() for m in MONTHS) + "|" + "|".join(m.capitalize() for m in MONTH_ABBREVIATIONS)
_DAY = "|".join(d.capitalize() for d in WEEKDAYS)
# a time of day: "1:28 a.m.", "10 a.m.", "2.52am", "10pm"
_CLOCK = r"\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.m\.|\d{1,2}(?:\.\d{2})?\s*[ap]m\b"
_CLOCK_TIME = re.compile(_CLOCK)
_DATE = re.compile(
    rf"\b(?:(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}\s+(?:{_MONTH})(?:\s+\d{{4}})?"
    rf"|(?:{_MONTH})\s+\d{{4}}|(?:early|mid|late)[\s-](?:{_MONTH}|\d{{4}})|(?:in|since|by|until|from)\s+(?:{_MONTH}|\d{{4}})"
    rf"|(?:last|this|next|on|early|late)\s+(?:{_DAY}|week|month|year|weekend|spring|summer|fall|autumn|winter)"
    rf"|(?:{_DAY})|{_CLOCK}|earlier this (?:week|month|year)"
    rf"|yesterday|today|tonight|overnight|(?:spring|summer|fall|autumn|winter)\s+(?:of\s+)?\d{{4}}|\b(?:19|20)\d\d\b)"
)
_ENTITY = re.compile(r"(?:[A-Z][\w’'.&-]*[\w.](?:\s+(?:of\s+|the\s+|for\s+)?[A-Z][\w’'.&-]*[\w.])*)")
_FUNCTION = {
    "the", "a", "an", "but", "and", "in", "on", "at", "for", "it", "this", "that", "there", "if", "when", "while",
    "as", "so", "he", "she", "they", "we", "i", "you", "his", "her", "their", "its", "our", "my", "your", "after",
    "before", "since", "until", "what", "who", "why", "how", "where", "yet", "still", "now", "then", "also", "by",
    "with", "from", "to", "of", "or", "nor", "not", "no", "some", "many", "most", "more", "all", "both", "each",
}
_ATTRIBUTION_ONLY = re.compile(r"^[\w’'.,\s-]{1,60}\b(?:said|says|added|told|wrote|asked|explained|noted|continued)"
                               r"(?:\s+[\w’'.,-]+){0,4}\.?$")


def hedges(sentence: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.group(1).lower() for m in _HEDGE.finditer(sentence)))


def dates(sentence: str) -> tuple[str, ...]:
    """Date and time phrases as the sentence writes them: 'March 26', '1:28 a.m.', '2.52am', 'last week'."""
    return tuple(dict.fromkeys(m.group(0) for m in _DATE.finditer(sentence)))


def clock_time(phrase: str) -> bool:
    """Whether a phrase of ``dates`` gives a time of day ("2.52am"), not just a day."""
    return bool(_CLOCK_TIME.search(phrase))


def entities(sentence: str) -> tuple[str, ...]:
    """Capitalised names the sentence mentions (people, places, organisations), possessives dropped."""
    out = []
    for m in _ENTITY.finditer(sentence):
        words = m.group(0).split()
        while words and words[0].lower() in _FUNCTION:
            words.pop(0)
        name = re.sub(r"[’']s$", "", " ".join(words)).rstrip(".’'")
        if len(name) > 1 and name.lower() not in MONTHS and name.lower() not in WEEKDAYS:
            out.append(name)
    return tuple(dict.fromkeys(out))


def checkable(text: str) -> bool:
    """Statements of some length; not questions, not bare attributions."""
    return len(text.split()) >= 5 and not _is_question(text)


def _is_question(text: str) -> bool:
    return text.rstrip("”\"’' ").endswith("?")


def sourced(quantities: tuple[Quantity, ...], speakers: list[tuple[int, str]], attr: Attribution | None
            ) -> tuple[Quantity, ...]:
    """When one sentence quotes several sources, give each number the source whose verb governs it:
    the nearest one before it, or else the first one after it."""
    if len({name for _, name in speakers}) < 2:
        return quantities
    out = []
    for q in quantities:
        before = [name for pos, name in speakers if pos <= q.start]
        after = [name for pos, name in speakers if pos > q.start]
        who = before[-1] if before else (after[0] if after else None)
        out.append(replace(q, source=who) if who and (attr is None or who != attr.who) else q)
    return tuple(out)


def _claim_units(text: str, para: Span) -> list[Span]:
    """The paragraph's units, with a short attribution-only sentence ("Moore said.") joined to the
    one before, and each sentence too short or too open to stand alone read with its neighbour
    (``_with_neighbours``)."""
    merged: list[Span] = []
    for u in units(text, sentences(text, para)):
        if merged and _ATTRIBUTION_ONLY.match(u.text) and len(u.text.split()) <= 8 \
                and merged[-1].text.rstrip().endswith(("”", '"', "’", "'")):
            merged.append(join(text, merged.pop(), u))
        else:
            merged.append(u)
    return _with_neighbours(text, merged)


def _with_neighbours(text: str, spans: list[Span]) -> list[Span]:
    """A sentence that cannot stand alone as a claim (``checkable``) is read with its neighbour
    in the paragraph rather than dropped: a question with the sentence after it, which answers
    it ("Is this another East Palestine? Not quite."); a short statement with the one before
    it ("I thought somebody was burning toast. There was no alarm."), or after it when it opens
    the paragraph. Questions in a row ask rather than answer ("Who will be held responsible?
    Who gives the orders?"): none of them is joined, and the statement after them stands alone.
    The text stays the article's own, one stretch of it."""
    out: list[Span] = []
    pending: Span | None = None  # waiting for the sentence after it
    asking = False  # the sentence before was a question in a row of them
    for span in spans:
        if _is_question(span.text) and (asking or pending is not None and _is_question(pending.text)):
            pending, asking = None, True
            continue
        after_questions, asking = asking, False
        if pending is not None and span.end - pending.start <= MAX_CLAIM_CHARS:
            span = join(text, pending, span)
        elif pending is not None:
            out.append(pending)
        pending = None
        if checkable(span.text) or after_questions:
            out.append(span)
        elif _is_question(span.text) or not out:
            pending = span
        elif span.end - out[-1].start <= MAX_CLAIM_CHARS:
            out.append(join(text, out.pop(), span))
        else:
            out.append(span)
    if pending is not None:  # a question nothing follows, or a paragraph of short sentences only
        out.append(pending)
    return out


def extract_claims(doc: RawDocument) -> list[Claim]:
    """The claims of one document, in reading order."""
    attributor = Attributor()
    heading: str | None = None
    seen: set[str] = set()
    claims: list[Claim] = []
    for pi, para in enumerate(paragraphs(doc.text)):
        if para.end <= doc.body_start or para.kind == "furniture":
            continue
        if doc.bio_span and para.start <= doc.bio_span[0] < para.end:
            continue
        if para.kind == "heading":
            heading = para.text
            continue
        previous_in_para: Attribution | None = None
        turn: Attribution | None = None  # a transcript turn's speaker, named by its label
        for unit in _claim_units(doc.text, para):
            norm = normalise(unit.text)
            # a sentence carries the voice before it inside a transcript turn or a running quotation;
            # in a turn, that is the speaker's even after a sentence reporting another source
            before = previous_in_para if turn is None or (previous_in_para and previous_in_para.how == "carried") \
                else turn
            continues = before is not None and (before.how in ("label", "carried") or unit.text.lstrip()[:1] in "“\"")
            attr = attributor.attribute(unit.text, before, continues=continues)
            if turn is None and previous_in_para is None and attributor.label:
                turn = Attribution(attributor.label, "label")
            previous_in_para = attr
            if not norm or norm in seen or not checkable(unit.text):
                continue
            seen.add(norm)
            seq = len(claims)
            claims.append(Claim(
                id=f"{doc.doc_id}:{seq}", doc_id=doc.doc_id, seq=seq, text=unit.text, start=unit.start,
                end=unit.end, attributed_to=attr.who if attr else None, attribution_how=attr.how if attr else None,
                hedges=hedges(unit.text),
                quantities=sourced(find_quantities(unit.text), attributor.sources_by_position(unit.text), attr),
                dates=dates(unit.text), entities=entities(unit.text), heading=heading, paragraph=pi,
            ))
    return _drop_contained(claims)


def _drop_contained(claims: list[Claim]) -> list[Claim]:
    """Drop sentences repeated inside longer ones (pull quotes, duplicated lines), renumbering the rest."""
    norms = [normalise(c.text) for c in claims]
    keep = [c for i, c in enumerate(claims)
            if not (len(norms[i].split()) >= 6 and any(j != i and len(o) > len(norms[i]) and norms[i] in o
                                                        for j, o in enumerate(norms)))]
    return [replace(c, id=f"{c.doc_id}:{seq}", seq=seq) for seq, c in enumerate(keep)]
