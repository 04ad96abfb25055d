"""Helpers that turn claims into short cited points: who says it, when, the sentence condensed,
and the numbering of sources. Every number a point shows comes from a claim it cites."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from rapidfuzz import fuzz

from .lexicon import REPORTING_VERBS
from .types import Claim, Document, Point, Source

MAX_POINT_CHARS = 320
_SHOWN_HEDGES = ("estimated", "estimate", "reportedly", "allegedly", "likely", "probably", "expected", "unconfirmed")
_LEADING = re.compile(
    r"^(?:indeed|moreover|however|ultimately|but|and|so|also|still|meanwhile|in addition|additionally|"
    r"thus far|for their part|at least|in contrast|that said|perhaps|hence)\s*,?\s+",
    re.I,
)


def short_title(doc: Document, limit: int = 60) -> str:
    t = doc.title.strip()
    return t if len(t) <= limit else t[: limit - 1].rsplit(" ", 1)[0] + "…"


def article_label(doc: Document) -> str:
    """How to name a document that speaks for itself."""
    return doc.outlet or f"“{short_title(doc, 50)}”"


def who(claim: Claim, doc: Document) -> str:
    return claim.attributed_to or article_label(doc)


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def phrase_text(phrase: str, qualifier: str | None) -> str:
    """A quantity phrase inside a line: "About 2,400 workers" -> "about 2,400 workers"."""
    if qualifier and phrase[:1].isupper() and phrase.lower().startswith(qualifier.lower()):
        return phrase[:1].lower() + phrase[1:]
    return phrase


def when(claim: Claim, doc: Document) -> str | None:
    """The date a point shows: a date phrase as the sentence words it, and the article's date."""
    parts = [d for d in claim.dates if d in claim.text][:1]
    if doc.published:
        parts.append(doc.published.isoformat())
    return ", ".join(parts) if parts else None


def hedge(claim: Claim) -> str | None:
    for h in claim.hedges:
        if h in _SHOWN_HEDGES:
            return "estimate" if h.startswith("estimate") else h
    return None


_VERBS = "|".join(sorted(REPORTING_VERBS, key=len, reverse=True))
# verbs whose subject can go without changing what the rest says ("X said the mine would ...");
# not "X estimated the crowd at ...", which needs its subject
_SPEECH = "said|says|told|tells|added|adds|wrote|writes|announced|insisted|confirmed|warned|argued|noted|stated|declared"
_QUOTE_TAIL = re.compile(rf"^(?P<body>.*[”\"])\s*[^”\"“]*\b(?:{_VERBS})\b[^”\"“]*$", re.S)
_INVERTED_TAIL = re.compile(rf",\s*(?:{_VERBS})\s+[^”\"“]+$")
_ACCORDING_HEAD = re.compile(r"^according to [^,]+,\s*", re.I)
_ACCORDING_TAIL = re.compile(r",?\s*according to [^,”\"]+\.?$", re.I)


def strip_attribution(text: str, who: str | None = None) -> str:
    """The sentence without its "X said" or "according to X" part (the point names X)."""
    if who and text.startswith(who):
        m = re.match(rf"{re.escape(who)}(?:,[^,]*,)?\s+(?:{_SPEECH})\s+(?:that\s+)?(?=\S)", text)
        if m:
            return upper_first(text[m.end():])
    m = _QUOTE_TAIL.match(text)
    if m and text.lstrip()[:1] in "“\"":
        body = m.group("body").rstrip()
        return re.sub(r",([”\"])$", r".\1", body)
    for pat in (_INVERTED_TAIL, _ACCORDING_TAIL):
        m = pat.search(text)
        if m and (who is None or who.split()[-1] in m.group(0)):  # only a tail that names the speaker
            return text[:m.start()].rstrip() + "."
    return _ACCORDING_HEAD.sub("", text)


def condense(claim: Claim, limit: int = MAX_POINT_CHARS) -> str:
    """The sentence without its opening connective and attribution, cut at a word boundary if long."""
    text = _LEADING.sub("", claim.text.strip())
    if claim.attributed_to and claim.attribution_how not in ("carried", "pronoun", "description"):
        text = strip_attribution(text, claim.attributed_to) or text
    text = text[:1].upper() + text[1:] if text[:1].islower() else text
    if len(text) > limit:
        cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:—–- ")
        text = cut + " …"
    return text


def similar(a: str, b: str, threshold: int = 82) -> bool:
    return fuzz.token_set_ratio(a, b) >= threshold


@dataclass
class Citer:
    """Numbers sources in the order points first cite them."""

    docs: dict[str, Document]
    sources: list[Source] = field(default_factory=list)
    _by_claim: dict[str, int] = field(default_factory=dict)

    def cite(self, claims: list[Claim]) -> tuple[int, ...]:
        out = []
        for c in claims:
            n = self._by_claim.get(c.id)
            if n is None:
                n = len(self.sources) + 1
                self._by_claim[c.id] = n
                self.sources.append(Source(n=n, claim=c, document=self.docs[c.doc_id]))
            if n not in out:
                out.append(n)
        return tuple(out)

    def point(self, text: str, claims: list[Claim], lead: bool = False) -> Point:
        return Point(text=text, citations=self.cite(claims), lead=lead)

    def claim_point(self, claim: Claim, pool: Sequence[Claim] = (), limit: int = MAX_POINT_CHARS) -> Point:
        """"Who: the sentence", citing it and the near-identical claims of other documents in ``pool``."""
        mates = {c.doc_id: c for c in pool if c.group_id and c.group_id == claim.group_id
                 and c.doc_id != claim.doc_id and c.doc_id in self.docs}
        text = f"{upper_first(who(claim, self.docs[claim.doc_id]))}: {condense(claim, limit)}"
        if mates:
            text += f" ({count_words(len(mates) + 1)} sources agree)"
        return self.point(text, [claim, *mates.values()])


def distinct(claims: list[Claim], limit: int, already: list[Claim] | None = None) -> list[Claim]:
    """Up to ``limit`` claims with no two in one group or near-identical."""
    chosen: list[Claim] = []
    taken = list(already or [])
    for c in claims:
        if any(c.group_id and c.group_id == t.group_id or similar(c.text, t.text) for t in taken):
            continue
        chosen.append(c)
        taken.append(c)
        if len(chosen) >= limit:
            break
    return chosen


_COUNT_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def count_words(n: int) -> str:
    """A count in words ("three"): a digit in a point must come from a quote it cites."""
    return _COUNT_WORDS[n] if 0 <= n < len(_COUNT_WORDS) else "many"


def join_names(names: list[str], more: bool = False) -> str:
    """"A, B and C", or "A, B, C and others" when ``more``."""
    names = list(dict.fromkeys(names))
    if more:
        return ", ".join(names + ["and others"]).replace(", and others", " and others")
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def diverse(ranked: list[tuple[float, Claim]], facets, limit: int, novelty: float = 0.35) -> list[Claim]:
    """Greedy pick by score, with a bonus for claims that bring a facet not yet covered.

    ``facets(claim)`` names what a claim is about (goods gained, places named); a claim
    whose facets are all covered already waits behind one that adds something new.
    """
    pool = [(score, c, set(facets(c))) for score, c in ranked]
    chosen: list[Claim] = []
    covered: set[str] = set()
    while pool and len(chosen) < limit:
        best = max(pool, key=lambda x: x[0] + (novelty if x[2] - covered else 0))
        pool.remove(best)
        _, claim, fs = best
        if distinct([claim], 1, chosen):
            chosen.append(claim)
            covered |= fs
    return chosen
