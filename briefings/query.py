"""Question analysis: what kind of answer is wanted, and which concepts it is about.

``analyse("troop estimates?")`` gives intent ``numeric``, measure ``personnel`` and one
concept (troops, with its synonyms). Pure functions, no store.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import (
    MEASURES,
    QUESTION_WORDS,
    STOP_WORDS,
    SYNONYM_GROUPS,
    fold,
    group_tag,
    groups_of,
    synonyms_of,
    term_pattern,
)

ANALYSED_CHARS = 2_000  # a longer question is analysed from its start (the service caps length)
MAX_CONCEPTS = 8

_NUMERIC = re.compile(
    r"\bhow (?:many|much|big|large|strong)\b|\b(?:estimates?|figures?|numbers?|tally|toll|count|size|"
    r"casualt\w*|strength|total)\b",
    re.I,
)
_BENEFIT = re.compile(
    r"\bwhat (?:does|do|did|will|would|could|can|might|is|are)\s+(?P<x>.+?)\s+"
    r"(?:gain|gaining|get|getting|want|wanting|receive|benefit|win|earn|need|obtain|stand to gain|hope to gain|"
    r"seek|seeking|expect)\b"
    r"|\bwhat(?:'s|’s| is) in it for (?P<x2>.+)"
    r"|\b(?:benefits?|gains?) (?:for|to|of) (?P<x3>.+)"
    r"|\bhow (?:does|do|did|will|would|could) (?P<x4>.+?) benefit\b",
    re.I,
)
_STATEMENTS = re.compile(
    r"\bwhat (?:did|does|do|has|have|had|is|was) (?P<x>.+?) (?:say|said|saying|claim|claimed|tell|told|think|"
    r"argue|state|stated|announce|announced|mean|comment)\b"
    r"|\b(?P<x2>[\w .’'-]+?)(?:’s|'s) (?:statements?|comments?|remarks?|words|position|view)\b"
    r"|\bhow did (?P<x3>.+?) (?:respond|react|reply)\b",
    re.I,
)
_WHY = re.compile(r"^\s*(?:why|for what reason)\b|\bwhat (?:is|are) (?:the )?(?:reasons?|causes?) (?:for|of)\b", re.I)
_WHERE = re.compile(r"^\s*where\b|\bwhich (?:region|place|city|country|area)s?\b", re.I)
_WORD = re.compile(r"[^\W_][\w’'.-]*[^\W_]|[^\W_]")
_PHRASES = sorted({p for g in SYNONYM_GROUPS for p in g if " " in p or "." in p or "-" in p}, key=len, reverse=True)
_MEASURE_WORDS = {w: m for m, ws in MEASURES.items() for w in ws}


@dataclass(frozen=True)
class Concept:
    """One idea of the question: the word asked, and the words that count as it."""

    label: str
    terms: tuple[str, ...]

    def fts(self) -> str:
        """This concept as an FTS5 expression.

        A word of a synonym group is looked up by the group's hidden tag (one short doclist,
        indexed with each claim) rather than as an OR of every synonym and phrase.
        """
        groups = groups_of(self.label) if set(self.terms) == set(synonyms_of(self.label)) else ()
        if groups:
            return "(" + " OR ".join(f'"{group_tag(g)}"' for g in groups) + ")"
        return "(" + " OR ".join(fts_phrase(t) for t in self.terms) + ")"

    def pattern(self) -> re.Pattern[str]:
        """Matches any of the terms as whole words, allowing simple inflections."""
        return term_pattern(self.terms)

    def search(self, text: str | None) -> re.Match[str] | None:
        """Where ``text`` names this concept (diacritics ignored), or None."""
        return self.pattern().search(fold(text)) if text else None


@dataclass(frozen=True)
class Query:
    text: str
    intent: str  # numeric | benefit | statements | general
    concepts: tuple[Concept, ...]
    subject: Concept | None = None  # who gains (benefit) or who spoke (statements)
    measure: str | None = None  # numeric: personnel | casualties | munitions | money | equipment
    where: bool = False
    why: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.concepts and self.subject is None


def fts_phrase(term: str) -> str:
    """A term as a quoted FTS5 phrase; punctuation becomes a token break, quotes cannot escape."""
    words = re.findall(r"\w+", term.lower())
    return '"' + " ".join(words) + '"'


def _normalise(question: str) -> str:
    q = fold(question[:ANALYSED_CHARS])
    q = re.sub(r"\bU\.?S\.?A?\b|\bUS\b", " u.s. ", q)  # before lower-casing: "US" is not "us"
    q = q.lower().replace("’", "'")
    q = re.sub(r"\bkim jong[ -]un\b", "kim jong un", q)
    return re.sub(r"\s+", " ", q).strip()


def _concepts(text: str, skip: set[str]) -> list[Concept]:
    out: list[Concept] = []
    seen: set[str] = set()
    rest = f" {text} "
    for phrase in _PHRASES:
        pat = re.compile(rf"(?<![\w.]){re.escape(phrase)}(?:'s|s)?(?![\w])")
        if pat.search(rest):
            rest = pat.sub(" ", rest)
            if phrase not in seen:
                seen.add(phrase)
                out.append(Concept(phrase, tuple(sorted(synonyms_of(phrase)))))
    for w in _WORD.findall(rest):
        w = re.sub(r"'s$", "", w).strip("'.")
        if not w or w in STOP_WORDS or w in skip or w in seen or len(w) < 2:
            continue
        seen.add(w)
        out.append(Concept(w, tuple(sorted(synonyms_of(w)))))
    # a word whose synonyms another concept already covers adds nothing
    merged: list[Concept] = []
    for c in out:
        if any(c.label in m.terms for m in merged):
            continue
        merged.append(c)
    return merged[:MAX_CONCEPTS]


def _measure(text: str) -> str | None:
    found = []
    for w in _WORD.findall(text):
        w = w.rstrip("s") if w not in _MEASURE_WORDS else w
        for cand in (w, w + "s"):
            if cand in _MEASURE_WORDS:
                found.append(_MEASURE_WORDS[cand])
    if found:  # "how many soldiers were killed": the casualty word wins, as it does for quantities
        return "casualties" if "casualties" in found else found[0]
    if re.search(r"\bhow (?:big|large|strong)\b", text) and re.search(r"\b(?:army|military|forces?)\b", text):
        return "personnel"
    if re.search(r"\bhow much\b", text) and re.search(r"\b(?:cost|paid|pay|money|worth)\b", text):
        return "money"
    return None


def analyse(question: str) -> Query:
    """Intent, concepts and (where it applies) subject and measure of a question."""
    text = _normalise(question)
    intent, subject_text = "general", None
    m = _BENEFIT.search(text)
    if m:
        intent, subject_text = "benefit", next(g for g in m.groups() if g)
    else:
        m = _STATEMENTS.search(text)
        if m:
            intent, subject_text = "statements", next(g for g in m.groups() if g)
        elif _NUMERIC.search(text):
            intent = "numeric"
    subject = None
    rest = text
    if subject_text:
        subject_text = re.split(r"\b(?:from|about|on|in|regarding|over|with|for)\b", subject_text)[0].strip(" ?.!")
        subject_concepts = _concepts(subject_text, set())
        if subject_concepts:
            subject = subject_concepts[0]
        rest = text.replace(subject_text, " ", 1) if subject_text else text
        rest = re.sub(r"\b(?:gain|gaining|get|getting|want|receive|benefit|win|earn|need|obtain|say|said|saying|"
                      r"claim|claimed|tell|told|think|statements?|comments?|remarks?|in it for)\b", " ", rest)
    skip = set(QUESTION_WORDS)
    concepts = _concepts(rest, skip)
    if subject is not None:
        concepts = [c for c in concepts if c.label not in subject.terms]
    measure = _measure(text) if intent == "numeric" else None
    return Query(text=question, intent=intent, concepts=tuple(concepts), subject=subject, measure=measure,
                 where=bool(_WHERE.search(text)), why=bool(_WHY.search(text)))
