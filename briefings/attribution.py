"""Who asserts a sentence: "according to X", "X said", a quote followed by "said X".

``find_attribution`` looks at one sentence; ``Attributor`` walks a document in order and
resolves what one sentence cannot: pronouns ("she told CBC News"), descriptions ("said
the Russian president"), bare surnames ("Greene said"), and quotes that continue the
previous speaker.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import REPORTING_VERBS

_QUOTE_PAIRS = (("“", "”"), ('"', '"'), ("‘", "’"))
_VERBS = "|".join(sorted(REPORTING_VERBS, key=len, reverse=True))
_NAMEWORD = r"[A-Z][\w’'.&-]*"
_SKIP_BEFORE = {
    "also", "then", "first", "later", "previously", "has", "have", "had", "is", "was", "were",
    "are", "will", "would", "did", "does", "do", "not", "reportedly", "recently", "publicly",
    "repeatedly", "already", "now", "further", "once", "again", "just", "openly", "merely",
    "coyly", "quietly", "flatly", "however", "originally", "initially", "separately",
}
_BAD_SUBJECT_START = {
    "it", "this", "that", "there", "which", "what", "who", "if", "when", "while", "as", "and",
    "but", "so", "because", "although", "though", "these", "those", "we", "i", "you", "one",
}
_PRONOUNS = {"he", "she"}
_ORG_WORDS = {
    "intelligence", "ministry", "military", "government", "service", "officials", "agency", "media",
    "committee", "department", "office", "news", "journal", "times", "post", "estimates",
    "estimate", "reports", "report", "sources", "statement", "analysts", "experts", "observers",
    "council", "command", "forces", "army", "administration", "kremlin", "nato", "un", "press",
    "korea", "russia", "ukraine", "states", "china", "iran", "canada", "affairs", "center", "centre",
    "institute", "university", "college", "today", "cnn", "bbc", "cbc", "reuters", "npr",
}
_TITLE_WORDS = {
    "president", "minister", "secretary", "adviser", "advisor", "spokesperson", "spokesman",
    "spokeswoman", "chairman", "chair", "director", "general", "leader", "analyst", "senator",
    "defense", "defence", "foreign", "prime", "deputy", "former", "national", "security", "chief",
    "ambassador", "commander", "official", "head", "russian", "ukrainian", "south", "north", "editor",
    "writer", "correspondent", "reporter", "professor", "researcher", "chairwoman", "governor",
    "korean", "american", "dutch", "u.s.", "us", "the", "a", "an", "senior", "fellow", "expert",
}

_INVERTIBLE = (
    "said|says|added|adds|wrote|writes|insisted|insists|explained|noted|warned|argued|stated|"
    "continued|asked|concluded|answered|declared|observed|surmised|estimated|predicted"
)
_TIME_WORD = re.compile(
    r"^(?:on\s+|last\s+|this\s+|earlier\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"today|yesterday|week|month|year|recently|earlier|later)\b", re.I
)
ACCORDING = re.compile(r"\baccording to\s+(?P<who>[^,.;:()—–”\"]+)", re.I)
PER = re.compile(r"(?:^|[,(]\s*)\bper\s+(?P<who>(?:the |former )?[A-Z][^,.;:()—–]*)")
BY_ESTIMATION = re.compile(
    r"\b(?:by|in)\s+(?P<who>[^,;]{2,60}?)[’']s?\s+(?:estimation|estimate|assessment|view|account)\b", re.I
)
INVERTED = re.compile(
    rf"[,”\"]\s*(?P<verb>{_INVERTIBLE})\s+(?P<who>(?:the |a |an )?(?:(?!(?:in|on|at|to|for|from|by|with|of|during|after|before|last|this|"
    rf"that|who|which)\b)[a-z]+ ){{0,3}}?(?:{_NAMEWORD}|former |senior |top )"
    rf"[^,.;:!?”\"()]*)"
)
# After a closing quote: “...,” Victor Cha, senior vice president ..., told the Journal.
QUOTE_TAIL = re.compile(
    rf"[”\"]\s*,?\s*(?P<who>(?:[a-z]+\s+)?(?:{_NAMEWORD}\s+){{0,5}}{_NAMEWORD}|he|she)"
    rf"(?=\s*,\s|\s+(?:also\s+|then\s+|later\s+)?(?:{_VERBS})\b)"
)
FORWARD = re.compile(rf"\b(?P<verb>{_VERBS}|puts?(?= (?:the|its|their|his|her) (?:[\w-]+ ){{0,3}}at\b))\b")
_BE = {"is", "are", "was", "were", "be", "been", "being"}


@dataclass(frozen=True)
class Attribution:
    who: str
    how: str  # according_to | per | said | said_inverted | carried | pronoun | description


def quoted_ranges(sentence: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks (an unclosed quote runs to the end)."""
    out = []
    for open_, close in _QUOTE_PAIRS[:2]:
        i = 0
        while True:
            s = sentence.find(open_, i)
            if s < 0:
                break
            e = sentence.find(close, s + 1)
            if e < 0:
                e = len(sentence)
            out.append((s, e + 1))
            i = e + 1
    return out


def _inside(pos: int, ranges: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in ranges)


def _tidy(who: str) -> str | None:
    who = re.sub(r"\s+", " ", who).strip(" ,’'\"“”-—")
    who = re.sub(r"^(?:and|but|that|as|so|while)\s+", "", who, flags=re.I)
    # cut trailing clauses: "Samuel Greene, a Russia expert" is cut before this is called;
    # here drop time words and channels: "Austin confirmed Wednesday", "told NPR last week"
    who = re.sub(
        r"\s+(?:on|last|this|earlier|during)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
        r"week|month|year|weekend|the\s+\w+day)\b.*$", "", who, flags=re.I)
    who = re.sub(r"\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday)$", "", who,
                 flags=re.I)
    if who.endswith(".") and not re.search(r"(?:\b\w\.)+$", who):
        who = who[:-1]
    words = who.split()
    if not words or len(words) > 12:
        return None
    if words[0].lower() in _BAD_SUBJECT_START or _TIME_WORD.match(who):
        return None
    return who


_GROUP_SPEAKERS = re.compile(
    r"\b(?:officials|analysts|experts|observers|sources|intelligence|estimates|reports|officers|diplomats|police|"
    r"organi[sz]ers|residents|witnesses|protesters|demonstrators|critics|authorities|economists|researchers|"
    r"scientists|doctors|activists|lawmakers|investors|prosecutors|officers|rescuers|survivors)\b", re.I)
# ", who attended the signing," / ", the company behind the project," between a subject and its verb
_PARENTHETICAL = re.compile(r",\s*(?:who|which|whose|a|an|the|now|then|also|himself|herself|itself)\b[^,]*,\s*$")


def _subject_before(sentence: str, verb_at: int) -> str | None:
    """The subject that stands right before a reporting verb, back to the clause start."""
    left = sentence[:verb_at]
    left = _PARENTHETICAL.sub(" ", left)
    cut = max(left.rfind(c) for c in (",", "”", '"', ";", ":", "—", "–", "(", ")"))
    m_that = list(re.finditer(r"\b(?:that|who|which|and|but|when|because|if|while)\s", left))
    if m_that and m_that[-1].end() > cut:
        cut = m_that[-1].end() - 1
    subject = left[cut + 1:].strip()
    words = subject.split()
    if words and words[-1].lower() in _BE:
        return None  # passive: "is estimated to have" names nobody
    if words and re.search(r"[’']s$|s[’']$", words[-1]):
        return None  # "AFAD's estimate": a noun, not a verb
    if not words and m_that and m_that[-1].group(0).startswith("who") and m_that[-1].end() - 1 == cut:
        rel = re.search(rf"((?:{_NAMEWORD}\s+)*{_NAMEWORD}),\s*$", left[:m_that[-1].start()])
        return _tidy(rel.group(1)) if rel else None
    while words and words[-1].lower().strip(",") in _SKIP_BEFORE | {"long"}:
        words.pop()
    while words and words[-1].lower().endswith("ly") and words[-1][0].islower():
        words.pop()
    if not words:
        return None
    subject = " ".join(words)
    if subject.lower() in _PRONOUNS:
        return subject.lower()
    if not any(w[0].isupper() for w in words) and not _GROUP_SPEAKERS.search(subject):
        return None
    return _tidy(subject)


def find_attribution(sentence: str) -> Attribution | None:
    """Who the sentence says asserts it, from the sentence alone."""
    quotes = quoted_ranges(sentence)
    for m in ACCORDING.finditer(sentence):
        if not _inside(m.start(), quotes):
            who = _tidy(m.group("who"))
            if who:
                return Attribution(who, "according_to")
    m = BY_ESTIMATION.search(sentence)
    if m and not _inside(m.start(), quotes):
        who = _tidy(m.group("who"))
        if who:
            return Attribution(who, "according_to")
    for m in INVERTED.finditer(sentence):
        if _inside(m.start("verb"), quotes):
            continue
        who = _tidy(m.group("who"))
        if who and len(who.split()) <= 10:
            return Attribution(who, "said_inverted")
    for m in QUOTE_TAIL.finditer(sentence):
        who = _tidy(m.group("who"))
        if who:
            return Attribution(who, "said")
    for m in FORWARD.finditer(sentence):
        if _inside(m.start(), quotes):
            continue
        who = _subject_before(sentence, m.start())
        if who:
            return Attribution(who, "said")
    for m in PER.finditer(sentence):
        if not _inside(m.start("who"), quotes):
            who = _tidy(m.group("who"))
            if who:
                return Attribution(who, "per")
    return None


def speaker_before(sentence: str, pos: int) -> str | None:
    """Who the clause leading up to ``pos`` quotes: "..., while organisers said more than 100,000"."""
    quotes = quoted_ranges(sentence)
    found = None
    for m in FORWARD.finditer(sentence, 0, pos):
        if not _inside(m.start(), quotes):
            found = _subject_before(sentence, m.start()) or found
    return found


def is_person(who: str) -> bool:
    words = [w.strip(",.’'") for w in who.split()]
    if not words or any(w.lower() in _ORG_WORDS for w in words):
        return False
    caps = [w for w in words if w[:1].isupper()]
    return bool(caps) and words[-1][:1].isupper()


_FUNCTION_WORDS = {
    "The", "But", "And", "In", "On", "At", "For", "If", "When", "While", "As", "So", "Yet", "By", "With",
    "From", "To", "Of", "After", "Before", "Until", "Since", "Then", "Now", "That", "This", "There",
    "It", "Its", "These", "Those", "Thus", "However", "Indeed", "Perhaps", "Both", "Some", "Other",
    "Already", "Earlier", "Precisely", "Beyond", "More", "Last", "Hence", "Despite", "Ultimately",
    "Moreover", "Where", "What", "Who", "Why", "How", "Initially", "Less", "Many", "Most", "Few", "Such",
    "He", "She", "They", "We", "I", "His", "Her", "Their", "Our", "A", "An",
}
_CONTINUATION = re.compile(r"^(?:(?:there|here|also|and|but|so|yet|still|moreover|instead)\b,?\s*)*"
                           r"(?:he|she|they|it|this|these|his|her|their|its)\b", re.I)


def _continues(sentence: str, same_paragraph: bool) -> bool:
    """Whether a sentence with no speaker of its own goes on with the previous one's."""
    stripped = sentence.lstrip()
    if stripped[:1] in "“\"":
        return True  # a quotation goes on
    if not same_paragraph:
        return False
    return bool(_CONTINUATION.match(stripped)) or bool(quoted_ranges(sentence))


_PERSON_ROLES = {
    "president", "minister", "secretary", "leader", "spokesman", "spokeswoman", "spokesperson", "chief", "commander",
    "ambassador", "general", "premier", "chancellor", "dictator", "despot", "king", "queen", "governor", "mayor",
    "senator", "envoy", "adviser", "advisor", "director", "chairman", "chairwoman", "official", "analyst", "expert",
    "counterpart", "pope", "prince", "emperor", "monarch", "ruler", "head",
}


def _is_description(who: str) -> bool:
    """"the Russian president": a role that stands for the person named just before."""
    words = who.split()
    return words[0].lower() == "the" and len(words) <= 5 and words[-1].lower() in _PERSON_ROLES


def bare_name(who: str) -> str:
    """A person's name without titles: "Defense Secretary Lloyd Austin" -> "Lloyd Austin".

    Phrases that do not end in a name ("South Korea's military") come back unchanged.
    """
    words = who.split()
    name: list[str] = []
    for w in reversed(words):
        bare = re.sub(r"[’']s$", "", w)
        if not w[:1].isupper() or bare.lower() in _TITLE_WORDS or bare != w:
            break
        name.insert(0, w)
    if not name or name == words:
        return who
    before = re.sub(r"[’']s$", "", words[len(words) - len(name) - 1]).lower()
    if is_person(who) or (len(name) >= 2 and before in _TITLE_WORDS - {"the", "a", "an"}):
        return " ".join(name)
    return who


@dataclass
class Attributor:
    """Resolves attributions sentence by sentence through one document."""

    text: str
    last_person: str | None = None
    last_person_at: int = -10
    full_names: dict[str, str] = field(default_factory=dict)
    index: int = 0

    def _full(self, who: str) -> str:
        """A bare surname becomes the full name the document used elsewhere."""
        if not who[:1].isupper() or len(who.split()) > 2 or not is_person(who):
            return who
        if who not in self.full_names:
            self.full_names[who] = who
            for m in re.finditer(rf"\b([A-Z][a-z]+) {re.escape(who)}\b", self.text):
                first = m.group(1)
                if first.lower() not in _TITLE_WORDS and first not in _FUNCTION_WORDS:
                    self.full_names[who] = f"{first} {who}"
                    break
        return self.full_names[who]

    def _remember(self, who: str) -> None:
        if is_person(who):
            name = bare_name(who)
            self.last_person, self.last_person_at = name, self.index
            parts = name.split()
            if len(parts) >= 2:
                self.full_names.setdefault(parts[-1], name)

    def resolve(self, sentence: str, previous: Attribution | None, same_paragraph: bool) -> Attribution | None:
        """The attribution of ``sentence``, using what came before in the document."""
        self.index += 1
        found = find_attribution(sentence)
        if found is None:
            if previous is not None and _continues(sentence, same_paragraph):
                found = Attribution(previous.who, "carried")
            else:
                self._note_subject(sentence)
                return None
        elif found.who.lower() in _PRONOUNS:
            if not (self.last_person and self.index - self.last_person_at <= 6):
                return None
            found = Attribution(self.last_person, "pronoun")
        elif _is_description(found.who):
            if self.last_person and self.index - self.last_person_at <= 3:
                found = Attribution(self.last_person, "description")
        else:
            found = Attribution(self._full(found.who), found.how)
        self._remember(found.who)
        return found

    def _note_subject(self, sentence: str) -> None:
        """A sentence that starts with a person's name makes that person the one 'he' means."""
        m = re.match(rf"(?:(?:But|And|So|Yet|Still) )?({_NAMEWORD}(?: {_NAMEWORD}){{0,2}})\s+[a-z]", sentence)
        if m and is_person(m.group(1)) and len(m.group(1)) > 3 and m.group(1).split()[0] not in _FUNCTION_WORDS:
            self.last_person, self.last_person_at = self._full(m.group(1)), self.index
