"""What a question asks for, from the general shape of English questions.

``analyse("how many jobs depend on the port?")`` gives the question's index terms, the kind
of answer it wants (a quantity, a time, a place, a person, a reason, someone's statements,
or anything relevant), the measure of a quantity question (money, percent, a duration, a
length...), the words naming what is counted, the names it writes with capitals, and the
speaker of a "what did X say" question. Nothing here knows a story.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..text import STOP_WORDS, terms, tokens

KINDS = ("quantity", "time", "place", "person", "reason", "statement", "general")

_HOW = re.compile(r"\bhow\s+(?P<adj>many|much|long|big|large|far|tall|high|old|wide|deep|heavy|fast|often|severe|bad)\b",
                  re.I)
_HOW_MEASURE = {
    # a change is measured in percent too: "how big was the hike?", "how far has the currency dropped?"
    "long": ("duration", "length"), "far": ("length", "percent"), "tall": ("length",),
    "high": ("length", "count", "percent"), "wide": ("length",), "deep": ("length",), "old": ("duration",),
    "heavy": ("weight",), "fast": ("speed",),
    "big": ("count", "length", "area", "money", "percent"), "large": ("count", "length", "area", "money", "percent"),
}
# nouns that ask for a figure when a question is about them: "troop estimates?", "death toll?"
_FIGURE_NOUNS = re.compile(
    r"\b(?:estimates?|figures?|numbers?|totals?|counts?|tally|toll|costs?|costing|price|prices|amount|rate|rates|"
    r"percentage|share|size|budget|salar(?:y|ies)|wages?|turnout|margin|tag|bill|losses|damages?|fine|fines|"
    r"sum|value|worth|capacity|population|casualties|score)\b", re.I)
_MONEY = re.compile(r"\b(?:cost|costs|costing|price|prices|pay|paid|paying|spend|spent|worth|money|dollars?|euros?|"
                    r"pounds?|budget|fund|funds|funding|bill|fine|fines|salar(?:y|ies)|wages?|losses|lose|lost|"
                    r"revenue|damages?|tag|\$|€|£)\b|[$€£]", re.I)
_PERCENT = re.compile(r"\b(?:percent|percentage|per cent|share|proportion|rate)\b|%", re.I)
_CLOCK_ASKED = re.compile(r"\bwhat\s+time\b", re.I)
_TIME = re.compile(r"^\s*(?:and\s+|so\s+)?when\b|\bwhat\s+(?:time|day|date|year|month)\b|\bby\s+when\b|\bhow\s+soon\b"
                   r"|\bhow\s+long\s+ago\b|\btimeline\b|\bschedule\b", re.I)
_PLACE = re.compile(r"^\s*(?:and\s+|so\s+)?where\b|\bwhereabouts\b|\bwhat\s+(?:place|location|city|town|country|"
                    r"state|region|area|site|port|river)\b", re.I)
_PERSON = re.compile(r"^\s*(?:and\s+|so\s+)?(?:who|whom|whose)\b|\bwhich\s+(?:person|people|official|officials|"
                     r"company|companies|group|agency|firm)\b", re.I)
_REASON = re.compile(r"^\s*(?:and\s+|so\s+)?why\b|\bhow\s+come\b|\bwhat\s+(?:caused|causes|cause|led\s+to|leads\s+to|"
                     r"triggered|prompted|drove|drives|is\s+behind|was\s+behind|explains)\b|\breasons?\b|\bcauses?\b"
                     r"|\bwhat(?:'s| is| was)\s+behind\b|\bblame\b", re.I)
_SPEECH = (r"say|said|says|tell|told|think|thinks|believe|believes|claim|claims|argue|argued|promise|promised|"
           r"warn|warned|want|wants|announce|announced|expect|expects|predict|predicted|testify|testified|"
           r"write|wrote|report|reported|insist|insisted|suggest|suggested|propose|proposed|plan|planned|"
           r"demand|demanded|pledge|pledged|vow|vowed|admit|admitted|deny|denied|concede|conceded")
# the same verbs in the progressive: "what is the union saying?"
_SPEECH_ING = ("saying|telling|thinking|believing|claiming|arguing|promising|warning|wanting|announcing|expecting|"
               "predicting|testifying|writing|reporting|insisting|suggesting|proposing|planning|demanding|pledging|"
               "vowing|admitting|denying|conceding")
_STATEMENT = re.compile(
    rf"\bwhat\s+(?:did|does|do|has|have|is|was|are|were|will|would)\s+(?P<who>.+?)\s+(?:been\s+)?(?:{_SPEECH}|{_SPEECH_ING})\b"
    rf"|\bwhat(?:[’']s|[’']re)\s+(?P<who4>.+?)\s+(?:been\s+)?(?:{_SPEECH_ING})\b"
    rf"|\bhow\s+(?:did|does|do|has|have)\s+(?P<who2>.+?)\s+(?:react|respond|reply|answer|feel)\b"
    rf"|^\s*(?:what(?:[’']s|\s+is|\s+was)\s+)?(?!(?:what|how|who)\b)(?P<who3>[\w’'.-]+(?:\s+[\w’'.-]+){{0,4}}?)[’']s\s+"
    rf"(?:view|views|position|take|line|reaction|response|comments?|statement|remarks|argument|stance)\b",
    re.I,
)
_PRONOUNS = frozenset("he she they it we you i his her their them its".split())
_NAME = re.compile(r"(?<![\w’'])[A-Z][\w’'.&-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w’'.&-]*)*")


@dataclass(frozen=True)
class Question:
    text: str
    terms: tuple[str, ...]  # index terms, in order, without repeats
    kind: str = "general"  # one of KINDS
    measures: tuple[str, ...] = ()  # for a quantity question: the measures that answer it
    focus: tuple[str, ...] = ()  # for a quantity question: terms naming what is counted
    focus_text: str = ""  # the same words as written ("dockers"), for the model
    names: tuple[str, ...] = ()  # names written with capitals ("Homendy", "Key Bridge")
    speaker: str | None = None  # "what did X say": X
    role: str | None = None  # "what did the judge say": the description ("judge"), when it is not a name
    opinion: bool = False  # asks what an opinion piece argues ("what's the columnist's take?")

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def clock(self) -> bool:
        """A time question that asks the time of day ("what time did it flip?"), not just when."""
        return self.kind == "time" and bool(_CLOCK_ASKED.search(self.text))


def _names(text: str) -> tuple[str, ...]:
    """Capitalised words and runs, except a question's ordinary first word ("What", "Who")."""
    out = []
    for m in _NAME.finditer(text):
        name = re.sub(r"[’']s$", "", m.group(0)).strip(".")
        words = name.split()
        if m.start() == len(text) - len(text.lstrip()) and words and words[0].lower() in STOP_WORDS | {"walk", "give",
                                                                                                      "list", "show"}:
            words = words[1:]
        name = " ".join(words)
        if name and not (len(words) == 1 and name.lower() in STOP_WORDS) and name != "I":
            out.append(name)
    return tuple(dict.fromkeys(out))


def _counted_words(text: str) -> str:
    """The noun phrase after "how many": up to three words, ending before a function word or a verb
    form ("how many people ended up..." -> "people")."""
    words = []
    for t in tokens(text):
        if t in STOP_WORDS or (words and t.endswith(("ed", "ing"))) or len(words) == 3:
            break
        words.append(t)
    return " ".join(words)


def _measures(text: str, adj: str | None) -> tuple[str, ...]:
    if _MONEY.search(text) and adj in (None, "much", "big", "large", "high"):
        return ("money", "percent")
    if _PERCENT.search(text):
        return ("percent", "count")
    if adj in _HOW_MEASURE:
        return _HOW_MEASURE[adj]
    return ("count", "money", "percent", "length", "area", "weight", "volume", "speed", "temperature") \
        if adj == "much" else ("count",)


# words that say what kind of answer is wanted, not what it is about: "what caused the collapse"
# is about the collapse, and a sentence saying "caused" about something else is no answer
_CUES = {
    "reason": set(terms("why cause caused causes causing reason reasons blame blamed behind explain explains led")),
    "time": set(terms("time date day year month happen happened")),
    "statement": set(terms(_SPEECH.replace("|", " ") + " react reacted respond responded reply feel comment")),
}


def _without_cues(q_terms: tuple[str, ...], kind: str) -> tuple[str, ...]:
    kept = tuple(t for t in q_terms if t not in _CUES.get(kind, ()))
    return kept or q_terms


# how people write in chat, in the words the articles use ("whats", "ppl", "govt"): general
# English shorthand, nothing of any story, and none with a second common sense ("mil" may be
# million or military, "bn" billion or battalion)
_CHAT = {
    "whats": "what's", "whos": "who's", "wheres": "where's", "whens": "when's", "hows": "how's", "whys": "why's",
    "wht": "what", "wat": "what", "wut": "what", "r": "are", "u": "you", "ur": "your", "ppl": "people",
    "govt": "government", "gov't": "government", "abt": "about", "thru": "through", "tho": "though",
    "rn": "right now", "gonna": "going to", "wanna": "want to",
    "bc": "because", "b/c": "because", "w/": "with", "w/o": "without",
    "yrs": "years", "info": "information", "dept": "department", "tldr": "summary", "tl;dr": "summary",
}
_CHAT_WORD = re.compile(r"(?<![\w’'/])(" + "|".join(re.escape(k) for k in sorted(_CHAT, key=len, reverse=True))
                        + r")(?![\w’'/])")


def normalise(text: str) -> str:
    """One space between words, and chat shorthand written out, in lower case only ("R" or
    "U" may be a name): "whats the govt saying" -> "what's the government saying"."""
    return _CHAT_WORD.sub(lambda m: _CHAT[m.group(1)], " ".join(text.split()))


def analyse(text: str) -> Question:
    q = _about_opinion(_analyse(normalise(text)))
    return replace(q, terms=_without_cues(q.terms, q.kind))


# the kinds of article that argue rather than report, as a question names them
_OPINION_PIECE = re.compile(r"\b(?:columns?|columnists?|op-?eds?|opinion\s+(?:pieces?|columns?|articles?|essays?)|"
                            r"editorials?|commentary|commentators?)\b", re.I)


def _about_opinion(q: Question) -> Question:
    """A question about what an opinion piece argues asks for its writer's words: the words
    that name the piece are no topic to search for. Only a question asking for words or for
    nothing in particular ("how high was the ash column?" asks a figure)."""
    m = _OPINION_PIECE.search(q.text)
    if not m or q.kind not in ("general", "statement"):
        return q
    genre = set(terms(m.group(0)))
    topic = tuple(t for t in q.terms if t not in genre) or q.terms
    return replace(q, kind="statement", opinion=True, terms=topic)


def _analyse(text: str) -> Question:
    q_terms = tuple(dict.fromkeys(terms(text)))
    names = _names(text)
    how = _HOW.search(text)
    stm = _STATEMENT.search(text)
    speaker, unnamed = None, False
    if stm:
        speaker = next(g for g in stm.group("who", "who4", "who2", "who3") if g is not None).strip()
        # "what is the plan": no one is named ("plan" is a noun here)
        speaker = re.sub(r"^(?:the|a|an)(?:\s+|$)", "", speaker, flags=re.I) or None
        # "what has the minister actually said": an adverb before the verb is not part of who
        # (a word in lower case ending in -ly after another word: "Ann Kelly" and "kelly" stay)
        if speaker:
            words = speaker.split()
            while len(words) > 1 and words[-1].islower() and words[-1].endswith("ly"):
                words.pop()
            speaker = " ".join(words)
        # "what did he say", "what did he actually say": someone's words, but not whose
        if speaker and speaker.lower() in _PRONOUNS:
            speaker, unnamed = None, True
    # "how did politicians react", "what is the judge saying": anyone's words, unless the
    # description is found to be one person's (``speakers.resolve``)
    kind_only = speaker is not None and not re.search(r"[A-Z]", speaker)
    if how and how.group("adj").lower() not in ("often",):
        adj = how.group("adj").lower()
        q_terms = tuple(t for t in q_terms if t not in terms(adj))  # "how long": "long" is not the topic
        measures = _measures(text, adj)
        # "how many dockers": what is counted; "how long is the Dali", "how much did it cost": any will do
        focus = _counted_words(text[how.end():]) if adj in ("many", "much") and measures[0] != "money" else ""
        return Question(text, q_terms, "quantity", measures, tuple(terms(focus)), focus, names, speaker)
    if _REASON.search(text):
        return Question(text, q_terms, "reason", names=names, speaker=speaker)
    if _TIME.search(text):
        return Question(text, q_terms, "time", names=names, speaker=speaker)
    if _PLACE.search(text):
        return Question(text, q_terms, "place", names=names, speaker=speaker)
    if speaker or unnamed:
        return Question(text, q_terms, "statement", names=names, speaker=None if kind_only else speaker,
                        role=speaker if kind_only else None)
    if _PERSON.search(text):
        return Question(text, q_terms, "person", names=names)
    # a figure noun heading the question, or one of its parts ("troop estimates?", "what's the
    # shutdown costing per day?", "final death toll? direct vs indirect")
    figure, asked = None, text
    for part in re.finditer(r"[^?]+", text):
        figure = _FIGURE_NOUNS.search(" ".join(re.findall(r"[\w’'$%-]+", part.group(0))[-3:]))
        if figure:
            asked = text[:part.end()]  # what is counted is said up to there
            break
    if figure:
        measures = _measures(text, None)
        words = [t for t in tokens(asked) if t not in STOP_WORDS and t not in terms(figure.group(0))
                 and not _FIGURE_NOUNS.fullmatch(t)] if measures[0] != "money" else []
        return Question(text, q_terms, "quantity", measures, tuple(terms(" ".join(words))), " ".join(words), names)
    return Question(text, q_terms, "general", names=names)
