"""Who a question means when it describes a speaker instead of naming one.

"What did the ex-CTO tell jurors?", "what's the former deputy governor arguing?", "the judge's
view?": the articles say who holds such a role where they introduce the person ("Anika Loft,
Quillfund's former chief technology officer, told jurors..."). The person meant is the speaker
whose name the candidate sentences write next to the role's words most often; when no one
stands out (a plural, "politicians"; a role no sentence spells out), nobody is. Nothing here
knows a story.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from typing import Iterable, Mapping

from ..extraction.attribution import looks_like_person
from ..extraction.language import TITLE_ABBREVIATIONS
from ..text import STOP_WORDS, fold, stem, terms, tokens
from ..types import Claim
from .analyse import Question

NEAR = 6  # tokens between a role's word and a name for the two to be read together
COVER = 2 / 3  # share of the role's words a sentence must write together, as one run ...
GAP = 3  # ... whose next word comes at most this many tokens on


# English's common abbreviations of titles, which people type for what news style writes out
# ("the ceo" is the "chief executive" of the articles; the table is in extraction/language.py,
# which index terms read too): general usage, nothing of any story
_SHORT = frozenset(TITLE_ABBREVIATIONS)
_SPELLED = {tuple(stem(t) for t in tokens(full)): short for short, full in TITLE_ABBREVIATIONS.items()}


def abbreviated(stems: list[str]) -> list[str]:
    """``stems`` with each title written out standing as its abbreviation, at each of its
    positions: ["chief", "execut", "holler"] -> ["ceo", "ceo", "holler"]."""
    out = list(stems)
    for spelled, short in _SPELLED.items():
        n = len(spelled)
        for i in range(len(stems) - n + 1):
            if tuple(stems[i:i + n]) == spelled:
                out[i:i + n] = [short] * n
    return out


@lru_cache(maxsize=256)  # asked of every candidate's speaker (``speaks``)
def role_words(role: str) -> frozenset[str]:
    """The role's content words, stemmed ("the ex-CTO" -> {"cto"}; "former deputy governor" ->
    {"former", "deputi", "governor"})."""
    words = abbreviated([stem(t) for t in tokens(role) if t not in STOP_WORDS])
    return frozenset(w for w in words if len(w) > 2 or w in _SHORT)


def needed(words: frozenset[str]) -> int:
    """How many of a description's words a sentence or a speaker's name must write: ``COVER`` of them."""
    return max(1, math.ceil(COVER * len(words)))


def surnames(name: str) -> frozenset[str]:
    """The words a person is found by ("Anika Loft" -> {"anika", "loft"})."""
    return frozenset(w for w in tokens(fold(name)) if len(w) > 2)


def votes(role: str, texts: Iterable[str], people: Iterable[str]) -> Counter:
    """For each person, the sentences (or headlines) that write their name nearest the role's
    words, within ``NEAR`` tokens ("ex-CTO Anika Loft says Rask ordered..." is Loft's), where
    they write at least ``COVER`` of the role's words together. A person's words that are the role's
    own ("Finance" of "Finance Ministry" for "finance minister") do not find them."""
    words = role_words(role)
    out: Counter = Counter()
    if not words:
        return out
    need = needed(words)
    found_by = {p: frozenset(n for n in surnames(p) if stem(n) not in words) for p in people}
    for text in texts:
        toks = tokens(text)
        stems = abbreviated([stem(t) for t in toks])
        at = [i for run in _runs([i for i, s in enumerate(stems) if s in words])
              if len({stems[i] for i in run}) >= need for i in run]
        if not at:
            continue
        distance = {}
        for person, names in found_by.items():
            gaps = [abs(i - j) for i, t in enumerate(toks) if t in names for j in at]
            if gaps and min(gaps) <= NEAR:
                distance[person] = min(gaps)
        if distance:
            nearest = min(distance.values())
            out.update(p for p, d in distance.items() if d == nearest)
    return out


def _runs(positions: list[int]) -> list[list[int]]:
    """Positions in runs, a run's next at most ``GAP`` tokens on ("deputy governor of the bank")."""
    out: list[list[int]] = []
    for i in positions:
        if out and i - out[-1][-1] <= GAP:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def holder(role: str, texts: Iterable[str], people: Iterable[str]) -> str | None:
    """The one person the role describes, or None when no one, or more than one, stands out."""
    ranked = votes(role, texts, people).most_common(2)
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def _people(names: Iterable[str]) -> set[str]:
    """The speakers that are people ("Anika Loft"; "Loft" alone when no fuller name has it),
    each once, by their fullest name."""
    found = {n for n in names if looks_like_person(n) or re.fullmatch(r"[A-Z][a-z’'-]+", n)}
    found = {n for n in found if n.lower() not in STOP_WORDS}
    fullest = sorted(found, key=len, reverse=True)
    return {next(f for f in fullest if surnames(n) <= surnames(f)) for n in found}


def described_by(role: str, speaker: str) -> bool:
    """The speaker's own name is the description's words, or most of them ("the lake
    association" / "Lake Oshanee Association", "tenants" / "Tenants", "the union" / "the union"):
    a body or a group is credited by the words that describe it."""
    words = role_words(role)
    if not words:
        return False
    own = set(abbreviated([stem(t) for t in tokens(speaker)]))
    return len(words & own) >= needed(words)


def speaks(question: Question, speaker: str | None) -> bool:
    """The question names this speaker (by any of their names), or describes them by the
    words they are credited under (``described_by``)."""
    if not speaker:
        return False
    wanted = [question.speaker] if question.speaker else list(question.names)
    return (any(surnames(n) & surnames(speaker) for n in wanted if n)
            or bool(question.role) and described_by(question.role, speaker))


def resolve(question: Question, claims: list[Claim], authors: Mapping[str, str], titles: Iterable[str] = ()
            ) -> str | None:
    """The person a question's described speaker is, when the candidates (and their articles'
    ``titles``) make clear who that is: None for a named speaker the articles' speakers go by,
    and when no one stands out. ``authors``: the writers of opinion pieces (document id ->
    name), whose unattributed sentences are their own words."""
    described = question.role or question.speaker
    if not described:
        return None
    people = _people([c.attributed_to for c in claims if c.attributed_to] + list(authors.values()))
    if question.speaker and any(speaks(question, p) for p in people):
        return None
    return holder(described, [c.text for c in claims] + list(titles), people)


def opinion_writer(question: Question, pieces: Mapping[str, tuple[str, str]]) -> str | None:
    """Whose opinion piece a question asks about (``Question.opinion``): of ``pieces`` (document
    id -> (writer, outlet)), the one whose writer or outlet the question names ("the Courier
    columnist"), else the only writer there is; None when that leaves more than one."""
    asked = set(question.terms)
    named = {writer for writer, outlet in pieces.values() if asked & set(terms(f"{writer} {outlet}"))}
    writers = named or {writer for writer, _ in pieces.values()}
    return next(iter(writers)) if len(writers) == 1 else None
