"""Word lists the extractor and the answerer share.

Kept as data in one place so that widening a synonym set or a cue list is a one-line
change with a test, not a hunt through code.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves
    s t don may might must shall also still yet ever much many tell me us please
    whats what's hows who's know think say says said saying
    """.split()
)

# Words that shape the kind of answer rather than what it is about.
QUESTION_WORDS = frozenset(
    """
    how many much big large size number numbers figure figures estimate estimates estimated
    estimation count total amount latest current new news update updates anything something
    give list show summary summarise summarize tell explain describe happening going people
    """.split()
)

# Concept groups: a question word pulls in its whole group. Multi-word entries are phrases.
SYNONYM_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(g)
    for g in (
        {"troops", "troop", "soldiers", "soldier", "personnel", "forces", "servicemen", "military", "army", "fighters"},
        {"army", "military", "armed forces", "militaries", "troops", "soldiers"},
        {"north korea", "pyongyang", "dprk", "kim", "north korean", "north koreans", "the north", "kim jong un", "kim jong-un"},
        {"russia", "moscow", "kremlin", "russian", "russians", "putin"},
        {"ukraine", "kyiv", "kiev", "ukrainian", "ukrainians", "zelenskyy", "zelensky"},
        {"south korea", "seoul", "south korean"},
        {"united states", "u.s.", "us", "america", "american", "washington", "pentagon"},
        {"casualties", "casualty", "killed", "killing", "kill", "dead", "death", "deaths", "died", "die", "dying",
         "fatalities", "death toll", "toll", "wounded", "injured", "losses", "lives"},
        {"hit", "hits", "struck", "strike", "strikes", "attacked", "attack"},
        {"damage", "damaged", "destruction", "destroyed", "cost", "costs"},
        {"strong", "powerful", "magnitude", "strength", "intensity", "size"},
        {"won", "win", "wins", "victory", "winner", "elected"},
        {"eu", "european union", "brussels", "european commission"},
        {"protest", "protests", "protesting", "protested", "protesters", "protestors", "demonstrators",
         "demonstration", "march", "marched", "marchers", "rally", "crowd", "turnout"},
        {"pact", "deal", "agreement", "treaty", "partnership", "accord"},
        {"jobs", "job", "employment", "positions", "workers"},
        {"said", "say", "says", "told", "stated", "announced"},
        {"ammunition", "munitions", "shells", "rounds", "artillery", "rockets", "weapons", "arms"},
        {"sent", "send", "sending", "deployed", "deploy", "deployment", "dispatched", "arrived", "entered", "moved"},
        {"money", "cash", "dollars", "wages", "payment", "paid", "revenue", "income"},
        {"technology", "technological", "know-how", "tech", "technologies"},
        {"help", "aid", "assistance", "support"},
        {"reaction", "reactions", "response", "responses", "respond", "reacted", "condemnation", "condemn"},
        {"shipped", "shipments", "supplied", "supply", "sent", "delivered", "provided"},
        {"manpower", "labor", "labour", "workers", "bodies", "recruits", "conscripts"},
    )
)

BENEFIT_VERBS = frozenset(
    """gain gains gained get gets getting receive receives benefit benefits benefiting want wants
    need needs win wins earn earns obtain gaining""".split()
)
# Phrases that mark a sentence as saying what somebody gains, wants or receives.
BENEFIT_CUES = re.compile(
    r"\b(gain|gains|benefit|benefits|get|gets|receiv\w*|access to|assistance|help|aid|"
    r"need|needs|needed|wants?|seek\w*|count on|in exchange|in return|boost|"
    r"making|earn\w*|cash|dollars|money|wages|oil|food|technolog\w*|know-how|interests?|"
    r"supply|supplied|shipped|shipments?|manpower|labou?r|workers|bolster|replenish\w*)\b",
    re.I,
)

BENEFIT_TAG = "cuebenefit"  # hidden search word on claims that match BENEFIT_CUES

REPORTING_VERBS = frozenset(
    """
    said says say told tells tell estimated estimates estimate wrote writes added adds insisted insists
    announced announces confirmed confirms predicted predicts indicated indicates believe believes
    believed suggest suggests suggested reported claimed assessed assesses stated
    noted warned warns argued argues surmised explained explains acknowledged acknowledges
    denied denies answered answers urged urges concluded concludes revealed reveals alleged alleges
    asserted asserts insisted testified declared declares observed observes
    """.split()
)

HEDGES = (
    "reportedly", "allegedly", "purportedly", "apparently", "likely", "unlikely", "probably",
    "possibly", "perhaps", "may", "might", "could", "estimated", "estimate", "estimates",
    "believed", "suggest", "suggests", "expected", "appear", "appears", "appeared", "seems",
    "speculation", "unconfirmed", "if true", "said to",
)

QUALIFIERS = (
    "at least", "at most", "up to", "as many as", "as much as", "as few as", "more than", "less than",
    "fewer than", "over", "under", "nearly", "almost", "roughly", "around", "about", "approximately",
    "some", "an estimated", "estimated", "close to", "just over", "just under", "upwards of",
)

# What a quantity counts decides which measure it belongs to.
MEASURES: dict[str, frozenset[str]] = {
    "casualties": frozenset(
        """casualties casualty killed killing dead death deaths died fatalities wounded wounding injured injuring
        losses lives toll""".split()
    ),
    "magnitude": frozenset("magnitude strength intensity strong powerful".split()),
    "munitions": frozenset(
        "shells rounds ammunition munitions rockets missiles artillery drones bombs weapons".split()
    ),
    "money": frozenset("""dollars $ usd euros pounds rubles wages cash money budget investment investments funding
        cost costs price worth spending revenue""".split()),
    "equipment": frozenset("tanks planes aircraft submarines ships vehicles pieces jets".split()),
    "personnel": frozenset(
        """troops troop soldiers soldier personnel forces servicemen officers generals reserves
        reservists fighters men workers labourers laborers conscripts mercenaries recruits military
        army people""".split()
    ),
}

MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "dozen": 12, "half": 0.5, "a": 1,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "hundreds": 100, "thousands": 1_000, "millions": 1_000_000, "billions": 1_000_000_000}


def fold(text: str) -> str:
    """Text without diacritics ("Vučić" -> "Vucic"), so questions typed without them still match."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=2048)
def term_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """Any of ``terms`` as whole words (phrases across spaces or hyphens), with simple inflections."""
    alts = sorted({re.escape(t).replace(r"\ ", r"[\s-]+") for t in terms}, key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?:s|es|ed|ing|n|ns|’s|'s)?(?![\w])", re.I)


def group_tag(index: int) -> str:
    """The hidden search word that marks a claim as naming synonym group ``index``.

    Named after the group's words, not its position, so adding a group leaves the others' tags alone.
    """
    return "syn" + hashlib.sha1("|".join(sorted(SYNONYM_GROUPS[index])).encode()).hexdigest()[:10]


def group_tags(text: str) -> list[str]:
    """The synonym groups a text names, as hidden search words (indexed with each claim)."""
    text = fold(text)
    return [group_tag(i) for i, g in enumerate(SYNONYM_GROUPS) if term_pattern(tuple(sorted(g))).search(text)]


def groups_of(term: str) -> tuple[int, ...]:
    return tuple(i for i, g in enumerate(SYNONYM_GROUPS) if term in g)


def synonyms_of(term: str) -> frozenset[str]:
    """All words and phrases grouped with ``term`` (including itself)."""
    out = {term}
    for group in SYNONYM_GROUPS:
        if term in group:
            out |= group
    return frozenset(out)
