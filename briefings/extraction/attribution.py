"""Who asserts a sentence, found from the structure of reported speech.

``mentions(sentence)`` finds the speaker mentions one sentence makes, each tied to a
reporting verb: "according to X", "X said", "X, the union's president, said", “…,” said X,
“…,” X said, "X's estimate", and a transcript's speaker label ("COWAN: …"). It knows no
names: a speaker is whatever noun phrase stands in the subject position of a reporting verb.

``Attributor`` walks a document in order and resolves what one sentence cannot: "he"/"she"
to the last person named whom the text does not show to be the other (by a title such as
"Mrs.", a role such as "spokeswoman", or "Roe said she would"), "the governor" to the person
introduced with that title, a bare surname to the full name, and a quotation's continuation to
its speaker. A transcript turn ("WHITLOCK: The pension boards say …") is its speaker's words
unless it reports another source's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .language import (GENDERED_TITLES, INVERTIBLE_VERBS, ORGANISATION_HEADS, PERSONAL_PRONOUNS, REPORTING_VERBS,
                       TITLE_MODIFIERS, TITLES, role_gender)

# "called" reports speech when a quotation follows it: "Haskett called the suit “a temper tantrum”"
_VERB = "|".join(sorted(REPORTING_VERBS, key=len, reverse=True)) + r"|call(?:ed|s)(?=\s[^.“”\"]{0,60}[“\"])"
_INV = "|".join(sorted(INVERTIBLE_VERBS, key=len, reverse=True))
# a subject never begins with one ("In her remarks, …"), nor has one before an article unless it
# names a body ("a spokesperson for the port")
_PREPOSITIONS = {"in", "on", "at", "for", "with", "from", "by", "after", "before", "during", "since", "under",
                 "over", "into", "to", "of", "about", "against", "among", "through", "without", "within"}
_PREPOSITION = "(?:" + "|".join(sorted(_PREPOSITIONS)) + ")"
# a capitalised word: Jane, O’Brien, U.S., AT&T, McDonald, and a plural possessive before a
# name ("the Nurses' Association")
_TOKEN = r"(?:[A-Z][\w’'&.-]*[\w.]|[A-Z][\w&.-]*s[’'](?=[ \t]+[A-Z])|[A-Z])"
_JOIN = r"(?:of|for|the|and|de|del|da|van|von|der|bin|al|la|le)"
NAME = rf"{_TOKEN}(?:[ \t]+(?:{_JOIN}[ \t]+){{0,2}}{_TOKEN}){{0,8}}"
# between the subject and its verb: auxiliaries and adverbs ("has also said", "later told")
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
# adverbs, and the auxiliaries of the perfect, that stand between a subject and its verb; never
# part of the subject ("The unit now says", "The airline has said")
_ADVERBS = r"(?:has|have|had|also|later|then|earlier|once|again|previously|still|already|now|further|first|" \
           r"separately|long|since)"
_AUX = rf"(?:\s+(?:{_ADVERBS}|was|were|is|are|would|will|[a-z]+ly|(?:on\s+)?{_WEEKDAY}))*"
_OPENERS = r"(?:^|(?<=[,;:(—–])\s*|(?<=\s-)\s+|(?<=[”\"])\s*|\b(?:and|but|while|whereas|as|although|though|because|that)\s+)"
# a word inside a lowercase subject: no adverb ("The unit now says"), and an article only after a
# preposition, a participle or "and" ("a spokesperson for the port", "lawyers suing the company",
# "the city and the hospital"), never after a noun, where it begins a clause ("a figure the city
# has called"), nor after "and" that follows a verb ("the margin narrowed and the company")
_ARTICLE_AFTER = rf"(?:(?:{_PREPOSITION}|near|across|around|[a-z]+ing|(?<!ed\s)(?:and|or))\s+(?:the|an?)\s+)"
_NP_WORD = rf"{_ARTICLE_AFTER}?(?!(?:{_ADVERBS}|the|an?)\b)[a-z][a-z-]+"
_LOWER_NP = r"(?!(?:and|but|while|whereas|as|although|though|because|that|when|if|so)\b)(?:(?:[Tt]he|[Aa]n?|[Ss]ome|[Mm]any|[Ss]everal|[Tt]wo|[Tt]hree|[Mm]ost|[Oo]ther)\s+)?"\
            rf"(?:[A-Z][\w’'.-]*\s+{_ARTICLE_AFTER}?)?[a-z][a-z-]+(?:\s+{_NP_WORD}){{0,3}}"

ACCORDING = re.compile(r"\b[Aa]ccording to\s+(?P<who>(?:[^,.;:()—–“”\"]|(?<=[A-Z])\.){2,90}?)"
                       r"(?=[,;:()—–“”\"]|(?<![A-Z])\.|\s+(?:that|which|who|in\s+a|on\s+\w+day|as\s+of)\b|$)")
_ROLE = "|".join(sorted((t for t in TITLES if "." not in t), key=len, reverse=True))
_THE_ROLE = rf"the\s+{_TOKEN}\s+(?:{_ROLE})\b"  # "the Russian president"
# “…,” said Jane Roe  /  “…,” said the governor  /  “…,” said the Russian president
INVERTED = re.compile(rf"(?:[,.!?]?[”\"]|[”\"],)\s*(?:{_INV})\s+(?P<who>{_THE_ROLE}"
                      rf"|(?:the\s+|a\s+)?(?:[a-z][\w-]*\s+){{0,3}}?{NAME}"
                      rf"|the\s+[a-z][\w-]*(?:\s+[a-z][\w-]*){{0,3}}|he|she|they)")
# a role ("spokesman") or a body ("ministry"): a speaker in "…, said the ministry."
_HEADS = "|".join(sorted({*(r for r in TITLES.values() if r), *ORGANISATION_HEADS}, key=len, reverse=True))
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# …, said Tomas Ruud, a spokesman for the ministry.  /  …, added the ministry.  (no quotation)
INVERTED_PLAIN = re.compile(rf",\s*(?:{_INV})\s+(?!(?:{_WEEKDAY}|{_MONTH}|Today|Tomorrow|Yesterday)\b)"
                            rf"(?P<who>{_THE_ROLE}|(?:the\s+|a\s+)?(?:(?!(?:{_PREPOSITION}|he|she|they|it|we|you|i)\b)[a-z][\w-]*\s+){{0,3}}?{NAME}"
                            rf"|(?:the|a|an)\s+(?:[a-z][\w-]*\s+){{0,2}}(?:{_HEADS})s?\b"
                            rf"(?:\s+(?:of|for|at)\s+(?:the\s+)?(?:[a-z][\w-]*\s+){{0,2}}(?:{_HEADS}|{NAME}))?)"
                            rf"(?=\s*(?:[,.;:!?]|$)|\s+(?:in|on|at|during|after|before|told)\s)")
# Jane Roe said / Gov. Jane Roe told / Ukraine's main intelligence service estimated / officials said
SUBJECT = re.compile(
    rf"{_OPENERS}(?P<who>(?:{NAME})(?:[’']s(?:\s+[a-z][\w-]*){{1,4}})?|(?:[Hh]e|[Ss]he|[Tt]hey)|{_LOWER_NP}"
    rf"|(?:[A-Z][\w’'.-]*\s+){{0,3}}(?:[a-z][\w-]*\s+){{1,3}}{NAME})"
    rf"(?P<appos>,\s[^,“”\"]{{2,90}},)?{_AUX}\s+(?P<verb>{_VERB})\b"
)
ESTIMATION = re.compile(rf"\b(?:[Bb]y|[Ii]n)\s+(?P<who>{NAME})[’']s?\s+(?:estimation|estimate|estimates|assessment|count|tally|view|account)\b")
# "SEN. JANE ROE (D-MINN.): …": a party and state after the name are no part of it
LABEL = re.compile(r"^(?P<label>[A-Z][A-Z’'.-]+(?:\s+[A-Z][A-Z’'.-]+){0,3})(?:,\s*[A-Z][A-Z ]+)?(?:\s*\([^()]{1,24}\))?:\s")
# a live update's entry: "3:15 p.m. — Riverline: “We accept the findings”" (a name, a colon, a quotation)
LIVE_LABEL = re.compile(rf"^(?:\d{{1,2}}(?::\d\d)?\s*(?:[ap]\.m\.)?\s*[—–-]\s*)?(?P<label>{NAME}):\s*[“\"]")
# "Jane Roe, the union's president," / "Jane Roe, president of the union," -> role "president"
APPOSITIVE_ROLE = re.compile(rf"(?P<name>{NAME}),\s+(?:the\s+|a\s+|an\s+)?(?:[\w’'.-]+\s+){{0,4}}?(?P<role>[a-z]+)"
                             rf"(?:\s+(?:of|for|at|with)\s+[^,]{{1,60}})?,")
# a title in lower case before a name, as some styles write it: "mayor Jonas Verity is pushing for …"
_TITLE_WORDS = "|".join(sorted((t for t, role in TITLES.items() if role and t.isalpha()), key=len, reverse=True))
LOWER_TITLE = re.compile(rf"(?<![\w’'-])(?P<role>{_TITLE_WORDS})\s+(?P<name>{NAME})")
# a sentence opening on a description and then the name it describes: "That skipper, Conall Breck,
# has …", "The island's only GP, Niamh Carrow, says …" -> role "skipper", "gp"
ROLE_APPOSITIVE = re.compile(rf"^(?:[Tt]he|[Tt]hat|[Tt]his|[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|{NAME}[’']s)\s+"
                             rf"(?:[\w’'-]+\s+){{0,3}}?(?P<role>[A-Za-z][\w-]+),\s+(?P<name>{NAME}),\s+[a-z]")
_NOT_SUBJECT = {
    "it", "this", "that", "there", "which", "what", "who", "if", "when", "while", "as", "and", "but", "so",
    "because", "although", "though", "these", "those", "we", "i", "you", "one", "he", "she", "they", "report",
    "reports", "data", "study", "figures", "statement", "documents", "records", "article", "analysis",
    "our", "my", "your",  # "our teams have confirmed": the speaker's own side, in the speaker's voice
}
# a subject never ends in one of these: "…, is expected to" is not a statement by "is"
_BE = ("is", "are", "was", "were", "be", "been", "being")
_AUXILIARIES = {*_BE, "has", "have", "had", "do", "does", "did", "will", "would", "can", "could", "may", "might",
                "must", "should", "shall"}
# before a verb: "is expected", "was told", "is now expected", "was later told"
_PASSIVE = re.compile(rf"\b(?:{'|'.join(_BE)})(?:\s+(?:[a-z]+ly|{_ADVERBS}))*\s+$")
# nor does it end in one of these
_FUNCTION_WORDS = {"to", "and", "or", "but", "nor", "the", "a", "an", "of", "not", "its", "his", "their", "our",
                   "my", "your"}
# nor is it a span of time ("three days later admits"): a time never speaks
_SPANS = {"minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years"}
_LEAD_WORDS = {"the", "a", "an", "in", "on", "at", "but", "and", "as", "so", "yet", "still", "then", "now", "also"}


@dataclass(frozen=True)
class Mention:
    """A speaker as a sentence names it, and where its reporting verb (or the mention) stands."""

    text: str
    kind: str  # according_to | said | quote_said | estimation | label
    pos: int
    start: int = 0  # where the mention's match begins (the subject, for "X said")
    role: str | None = None  # the role written before the name ("leader" in "union leader Tomas Berg")


@dataclass(frozen=True)
class Attribution:
    who: str
    how: str  # according_to | said | quote_said | estimation | label | pronoun | role | surname | carried


def _clean(who: str) -> str:
    who = re.sub(r"\s+", " ", who).strip(" ,;:’'\"")
    if who.endswith(".") and not re.search(r"\b[A-Z]\.$", who):  # keep the dot of "U.S."
        who = who.rstrip(".")
    who = re.sub(r"^(?:The|A|An)\s+(?=[A-Z])", "", who)
    return _person_of_body(who) or who


def _person_of_body(who: str) -> str | None:
    """The person in "Det. Insp. Maria Kessler of the Regional Fraud Unit": a name shaped like a
    person's (with any title), then "of", "from" or "at" and the body they speak for."""
    m = re.fullmatch(r"(?P<person>.+?)\s+(?:of|from|at)\s+(?:the\s+)?[A-Z].*", who)
    if m and looks_like_person(strip_title(m.group("person"))[0]):
        return m.group("person")
    return None


def strip_title(name: str) -> tuple[str, str | None]:
    """'State Gov. Jane Doe' -> ('Jane Doe', 'governor'); a name without a title is unchanged."""
    words = name.split()
    role, cut = None, 0
    for i, w in enumerate(words[:-1]):
        low = w.lower()
        if low in TITLES:
            role, cut = TITLES[low] or role, i + 1
        elif low in TITLE_MODIFIERS or (i < cut + 2 and not w[:1].isupper()):
            continue
        elif cut:
            break
    rest = words[cut:]
    if cut and rest and all(w[:1].isupper() for w in rest):
        return " ".join(rest), role
    return name, None



def looks_like_name(name: str) -> bool:
    """Two to four capitalised words, none an acronym: a person's or a body's name ('Jane Roe',
    'Civic Union')."""
    words = name.split()
    return 2 <= len(words) <= 4 and all(re.fullmatch(r"[A-Z][a-z’'-]+(?:-[A-Z][a-z]+)?", w) for w in words)


def looks_like_person(name: str) -> bool:
    """A name whose last word is not an organisation's head noun: 'Jane Roe', 'Rachel Minyoung
    Lee', not 'Civic Union' or 'World Health Organization'."""
    return looks_like_name(name) and name.split()[-1].lower() not in ORGANISATION_HEADS


def _appositive_name(who: str, appositive: str | None) -> str | None:
    """The name set off after a description of its bearer ("Its spokeswoman, Priya Natarajan,",
    "The broker in this case, Sunhaven Chemical Trading,"): the description ends in a common noun
    and the appositive is a name and nothing else."""
    if not appositive or not who or not who.split()[-1].islower():
        return None
    inner = re.sub(r"^the\s+(?=[A-Z])", "", appositive.strip(" ,"))  # "An advocacy group, the Heat Justice Coalition,"
    return _clean(inner) if re.fullmatch(NAME, inner) else None


def mentions(sentence: str) -> list[Mention]:
    """Speaker mentions in one sentence, in order of position."""
    found: list[Mention] = []
    m = LABEL.match(sentence)
    if m and len(m.group("label")) > 2:
        found.append(Mention(m.group("label").title(), "label", 0))
    elif (m := LIVE_LABEL.match(sentence)) and len(m.group("label")) > 2:
        found.append(Mention(_clean(m.group("label")), "label", 0))
    for m in ACCORDING.finditer(sentence):
        who = " ".join(_clean(m.group("who")).split()[:8])
        if who:
            found.append(Mention(who, "according_to", m.start()))
    inverted_plain = list(INVERTED_PLAIN.finditer(sentence))
    plain = {m.start(): m.start("who") for m in inverted_plain}  # where each begins, and its name
    for m in [*INVERTED.finditer(sentence), *inverted_plain]:
        if re.fullmatch(_THE_ROLE, m.group("who")):  # "the Russian president": a role
            found.append(Mention(m.group("who"), "quote_said", m.start(), m.start()))
            continue
        role = re.match(r"^(?:[a-z][\w’'-]*\s+)+(?=[A-Z])", m.group("who"))  # "union leader Tomas Berg"
        who = m.group("who")[role.end():] if role else m.group("who")
        found.append(Mention(_clean(who), "quote_said", m.start(), m.start(),
                             role.group(0).split()[-1] if role and not role.group(0).startswith(("the ", "a ")) else None))
    for m in SUBJECT.finditer(sentence):
        who = _clean(m.group("who"))
        words = who.split()
        if len(words) > 2 and words[-1] == "to" and words[-2].islower():
            words = words[:-2]  # "Birdsong declined to (say)": the verb taking "to say" is not who
            who = " ".join(words)
        first = words[0].lower() if words else ""
        head = words[-1].lower() if words else ""
        if head in _FUNCTION_WORDS or (head in _SPANS and len(words) <= 2):
            continue  # a subject never ends in one: "Come in and (tell)", "I'm not going to (say)"
        if not who or first in _NOT_SUBJECT - set(PERSONAL_PRONOUNS) or (who.islower() and first in _LEAD_WORDS - {"the", "a", "an"}):
            continue
        if (first in PERSONAL_PRONOUNS and len(who.split()) > 1) or head in _AUXILIARIES or first in _PREPOSITIONS:
            continue  # a clause, not a speaker: "She repeated her campaign (pledges)", "…, is (expected)"
        contracted = re.match(r"([^’']*)[’']", first)  # "we're": "we"
        if len(words) > 1 and contracted and contracted.group(1) in _NOT_SUBJECT | set(PERSONAL_PRONOUNS):
            continue  # a pronoun and its verb: "We're following (reports)", "They'd seen (reports)"
        if _PASSIVE.search(sentence[:m.start("verb")]):
            continue  # passive: "the fund is expected to", "he was told"
        if head in _NOT_SUBJECT - set(PERSONAL_PRONOUNS) and (not who[:1].isupper() or first in ("the", "a", "an")):
            continue
        if who.islower() and who not in PERSONAL_PRONOUNS and not re.match(r"(?:the|a|an)\s", who) \
                and not who.endswith("s"):
            continue  # a bare lowercase singular ("report said") is rarely a speaker; plurals are ("officials")
        named = _appositive_name(who, m.group("appos"))
        if named:  # "Its spokeswoman, Priya Natarajan, said": the name the description introduces
            found.append(Mention(named, "said", m.start("verb"), m.start("who"), head))
            continue
        role = re.match(rf"(?:[A-Z][\w’'.-]*\s+){{0,3}}(?P<role>(?:(?!(?:of|for|and)\s)[a-z][\w-]*\s+){{1,3}})"
                        rf"(?P<name>{NAME})$", who)
        if role and role.group("role").split()[-1] in _PREPOSITIONS:
            if who[:1].islower():
                continue  # a phrase, not a role: "(Veltheim,) based in Hanover, (Germany,) announced"
            role = None  # "Officials in Seoul": who they are, whole
        if role:  # "Russian leader Vladimir Putin": the person, introduced by a role
            found.append(Mention(_person_of_body(role.group("name")) or role.group("name"), "said",
                                 m.start("verb"), m.start("who"), role.group("role").split()[-1]))
            continue
        found.append(Mention(who, "said", m.start("verb"), m.start("who")))
    # "Dugan, meanwhile, said a crew …": a subject before the verb outranks a name after it
    verbs = {x.pos for x in found if x.kind == "said"}
    found = [x for x in found if not (x.pos in plain and any(plain[x.pos] > v > x.pos for v in verbs))]
    for m in ESTIMATION.finditer(sentence):
        found.append(Mention(_clean(m.group("who")), "estimation", m.start()))
    found.sort(key=lambda x: x.pos)
    out: list[Mention] = []
    for x in found:  # one mention per position (INVERTED and SUBJECT can both see "…,” Roe said")
        if not any(abs(x.pos - y.pos) < 3 or x.text == y.text for y in out):
            out.append(x)
    return out


def _self_report(sentence: str, x: Mention) -> str | None:
    """'he' or 'she' when the speaker reports themself right after the verb: "Roe said she would"."""
    if x.kind != "said":
        return None
    m = re.match(r"[a-z]+\s+(?:[a-z]+ly\s+)?(?:that\s+)?(he|she)\b", sentence[x.pos:])
    return m.group(1) if m else None


@dataclass
class Attributor:
    """Resolves speakers across one document, sentence by sentence, in order."""

    people: dict[str, str] = field(default_factory=dict)  # surname (lower) -> full name
    roles: dict[str, str] = field(default_factory=dict)  # role word -> full name
    recent: list[str] = field(default_factory=list)  # people in the order last met, latest last
    candidates: dict[str, str] = field(default_factory=dict)  # surname -> a full name not yet known as a person
    pronoun: dict[str, str] = field(default_factory=dict)  # person -> "he" or "she", once seen resolved
    # surname (lower) -> "he" or "she", as the text says it: a title ("Mrs."), a role ("spokeswoman"),
    # or the person's own report of themself ("Roe said she would")
    gender: dict[str, str] = field(default_factory=dict)
    label: str | None = None  # the transcript label of the sentence last attributed, resolved

    @property
    def last_person(self) -> str | None:
        return self.recent[-1] if self.recent else None

    def _referent(self, pronoun: str) -> str | None:
        """The latest person this pronoun can mean: not one the text shows to be the other (``sex``)."""
        for name in reversed(self.recent):
            if self.sex(name) in (None, pronoun):
                return name
        return None

    def sex(self, name: str) -> str | None:
        """'he' or 'she': what the text says of this person, else how a pronoun was last resolved to them."""
        return self.gender.get(name.split()[-1].lower()) or self.pronoun.get(name)

    def _note_gender(self, name: str, gender: str | None) -> None:
        if gender and name:
            self.gender.setdefault(name.split()[-1].lower(), gender)

    def learn(self, sentence: str) -> None:
        """Remember the people a sentence introduces as people: with a title ("Gov. Wes Moore") or
        an appositive ("Jane Roe, the union's president,"). Any two capitalised words are not
        enough ("North Korean", "Key Bridge")."""
        for m in re.finditer(NAME, sentence):
            name, role = strip_title(m.group(0))
            name = re.sub(r"[’']s$", "", name)
            if role and looks_like_person(name):
                self._meet(name)
                self.roles[role] = name
            titles = m.group(0).lower().split()[:-len(name.split())]  # "Mrs. Okafor", "Congresswoman Jane Roe"
            self._note_gender(name, next((GENDERED_TITLES[t] for t in titles if t in GENDERED_TITLES),
                                         role_gender(role)))
        # "Jane Roe, the union's president,", "mayor Jane Roe is …", "That skipper, Jane Roe, has …"
        for m in [*APPOSITIVE_ROLE.finditer(sentence), *LOWER_TITLE.finditer(sentence),
                  *filter(None, [ROLE_APPOSITIVE.match(sentence)])]:
            self._introduce(m.group("name"), m.group("role").lower())
        # people already known, mentioned again by name: the first mentioned (most often the
        # subject) becomes the likeliest referent of the next "he" or "she"
        again = []
        for m in re.finditer(NAME, sentence):
            words = re.sub(r"[’']s$", "", m.group(0)).split()
            key = words[-1].lower() if words else ""
            name = self._by_surname(key) if len(words) == 1 else self.people.get(key)
            if name and (len(words) == 1 or " ".join(words).endswith(name)) and name not in again:
                again.append(name)
        for name in reversed(again):
            self._meet(name)

    def _introduce(self, mention: str, role: str) -> None:
        """A person named with their role ("skipper", "mayor"): met, and who the role means."""
        name, _ = strip_title(mention)
        if looks_like_person(name):
            self._meet(name)
            self.roles[role] = name
            self._note_gender(name, role_gender(role))

    def _by_surname(self, surname: str) -> str | None:
        """The person called by this surname alone; a candidate called so becomes a person."""
        if surname in self.candidates and surname not in self.people:
            self._meet(self.candidates.pop(surname))
        return self.people.get(surname)

    def _meet(self, name: str) -> None:
        self.people.setdefault(name.split()[-1].lower(), name)
        self._latest(name)

    def _latest(self, name: str) -> None:
        """``name`` becomes the likeliest referent of the next "he" or "she"."""
        if name in self.recent:
            self.recent.remove(name)
        self.recent.append(name)

    def resolve(self, who: str) -> tuple[str, str | None]:
        """A mention as a full name where the document allows: (name, how it was resolved)."""
        low = who.lower()
        if low in PERSONAL_PRONOUNS:
            person = self._referent(low) if low != "they" else None
            if person:
                self.pronoun[person] = low
                return person, "pronoun"
            return who, None
        m = re.fullmatch(r"(?:the|a|an)\s+(?:[a-z][\w-]*\s+){0,3}?(?P<role>[a-z]+)", low)
        if m and m.group("role") in self.roles:
            return self.roles[m.group("role")], "role"
        name, _ = strip_title(who)
        if " " not in name:
            self._by_surname(name.lower())
        if " " not in name and name.lower() in self.people:
            return self.people[name.lower()], "surname"
        if name.isupper() and name.lower() in self.people:
            return self.people[name.lower()], "surname"
        if name.istitle() and len(name.split()) == 1 and name.lower() in self.people:
            return self.people[name.lower()], "surname"
        return name, None

    def attribute(self, sentence: str, previous: Attribution | None = None, continues: bool = False
                  ) -> Attribution | None:
        """The speaker of ``sentence``. ``continues``: it carries on the previous sentence's voice
        (a transcript paragraph, or the same quotation)."""
        found = mentions(sentence)
        label = next((x for x in found if x.kind == "label"), None)
        self.label = self.resolve(label.text)[0] if label else None
        # news style puts the governing attribution last: "…, Gilreath told reporters."
        trailing = [x for x in found if x.kind in ("said", "quote_said") and x.pos > len(sentence) / 2
                    and len(sentence[x.pos:].split()) <= 9
                    and (sentence[x.start] in ',”"' or re.search(r"[,”\"]\s*$", sentence[:x.start]))]
        if trailing:
            found = trailing[-1:] + [x for x in found if x is not trailing[-1]]
        if found and found[0].kind == "label":  # a turn that reports another's words is theirs
            found = found[1:] + found[:1]
        result: Attribution | None = None
        for x in found:
            if x.kind == "label":
                name = self.label  # resolved above
                if " " in name:  # a transcript label with a full name introduces that person
                    self.people.setdefault(name.split()[-1].lower(), name)
                result = Attribution(name, "label")
                break
            if x.text.lower() in PERSONAL_PRONOUNS and not self.last_person:
                continue
            name, how = self.resolve(x.text)
            if name.lower() in PERSONAL_PRONOUNS:
                continue
            result = Attribution(name, how or x.kind)
            if how != "pronoun" and looks_like_person(name):
                self._note_gender(name, role_gender(x.role) or _self_report(sentence, x))
            if x.role and looks_like_person(name):
                self._meet(name)
                self.roles[x.role.lower()] = name
            elif how in ("surname", "role", "pronoun") or (how is None and x.kind != "label"
                                                         and strip_title(x.text)[1]):
                self._meet(name)  # a person: resolved as one, or titled ("Gov. Wes Moore")
            elif looks_like_person(name):
                # a name shaped like a person's, as a speaker: a person for a later "he" or "she",
                # not yet for the surname alone (it may be a place: "South Korea said")
                self.candidates.setdefault(name.split()[-1].lower(), name)
                self._latest(name)
            break
        self.learn(sentence)
        if result is None and previous is not None and continues:
            result = Attribution(previous.who, "carried")
        return result

    def sources_by_position(self, sentence: str) -> list[tuple[int, str]]:
        """Each speaker mention with the position of its verb, resolved (for sentences quoting two sources)."""
        out = []
        for x in mentions(sentence):
            name, _ = self.resolve(x.text)
            if name.lower() not in PERSONAL_PRONOUNS:
                out.append((x.pos, name))
        return out
