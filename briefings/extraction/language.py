"""General English word classes the extractor relies on. Nothing here names a story, a
country, an outlet or a person: these are closed classes of the language (reporting verbs,
honorifics, number words, months) that any news article uses."""
from __future__ import annotations

# verbs that report speech, writing or judgement (the "say" and "estimate" classes)
REPORTING_VERBS = frozenset("""
said says say told tells tell added adds stated states claimed claims argued argues warned warns noted notes
explained explains insisted insists estimated estimates reported reports announced announces confirmed confirms
denied denies wrote writes believes believed thinks thought predicted predicts acknowledged acknowledges admitted
admits asserted asserts contended contends suggested suggests indicated indicates maintained maintains testified
testifies emphasized emphasised emphasizes emphasises stressed stresses cautioned cautions recalled recalls
continued continues concluded concludes observed observes replied replies responded responds answered answers
declared declares promised promises pledged pledges vowed vows urged urges projected projects expects expected
forecast forecasts calculated calculates counted counts tallied described describes posted tweeted alleged alleges
mentioned mentions revealed reveals disclosed discloses conceded concedes remarked remarks agreed agrees
countered counters complained complains charged charges acknowledged informed informs briefed assessed assesses
judged judges figured figures reckoned reckons put puts accused accuses blamed blames criticized criticised
criticizes criticises disputed disputes
""".split())

# verbs that may follow a quotation with the speaker after them: “…,” said Jane Roe
INVERTIBLE_VERBS = frozenset("""
said says added adds wrote writes insisted insists explained noted warned argued stated continued asked
concluded answered declared observed estimated predicted replied responded recalled remarked countered
""".split())

# honorifics and titles written before a name; the value is the role a later "the …" may use
TITLES = {
    "gov.": "governor", "sen.": "senator", "rep.": "representative", "dr.": "doctor", "gen.": "general",
    "lt.": "lieutenant", "col.": "colonel", "adm.": "admiral", "capt.": "captain", "sgt.": "sergeant",
    "maj.": "major", "cmdr.": "commander", "mr.": "", "mrs.": "", "ms.": "", "mx.": "", "prof.": "professor",
    "rev.": "reverend", "hon.": "", "supt.": "superintendent", "insp.": "inspector", "det.": "detective",
    "atty.": "attorney", "sec.": "secretary", "pres.": "president", "amb.": "ambassador", "cpl.": "corporal",
    "pvt.": "private", "fr.": "father", "sr.": "", "jr.": "",
    "governor": "governor", "senator": "senator", "representative": "representative", "president": "president",
    "mayor": "mayor", "secretary": "secretary", "minister": "minister", "chancellor": "chancellor",
    "judge": "judge", "justice": "justice", "commissioner": "commissioner", "director": "director",
    "superintendent": "superintendent", "sheriff": "sheriff", "chairman": "chairman", "chairwoman": "chairwoman",
    "chair": "chair", "chief": "chief", "admiral": "admiral", "general": "general", "colonel": "colonel",
    "captain": "captain", "professor": "professor", "doctor": "doctor", "ambassador": "ambassador",
    "spokesman": "spokesman", "spokeswoman": "spokeswoman", "spokesperson": "spokesperson",
    "councilman": "councilman", "councilwoman": "councilwoman", "councillor": "councillor",
    "councilmember": "councilmember", "congressman": "congressman", "congresswoman": "congresswoman",
    "prosecutor": "prosecutor", "inspector": "inspector", "officer": "officer", "clerk": "clerk",
    "premier": "premier", "king": "king", "queen": "queen", "prince": "prince", "pope": "pope",
    "lieutenant": "lieutenant", "sergeant": "sergeant", "commander": "commander", "marshal": "marshal",
    "coach": "coach", "bishop": "bishop", "archbishop": "archbishop", "dean": "dean", "provost": "provost",
}
# the common abbreviations of business titles, which people type for what news style writes out
TITLE_ABBREVIATIONS = {"ceo": "chief executive", "cfo": "chief financial", "coo": "chief operating",
                       "cto": "chief technology", "vp": "vice president"}

# words that modify a title without being part of the name: "State Gov.", "former President"
TITLE_MODIFIERS = frozenset("""
state former acting deputy vice interim assistant associate senior junior lead chief executive general
then new outgoing incoming federal county city regional national
""".split())

PERSONAL_PRONOUNS = {"he": "m", "she": "f", "they": "p"}

# what a title or a role says of whom "he" or "she" may mean: "Mrs. Okafor", "spokeswoman Lena Okafor",
# "her lawyer"; a role ending in -man/-woman says it by its form ("chairwoman", "congressman")
GENDERED_TITLES = {"mr.": "he", "mrs.": "she", "ms.": "she", "miss": "she", "sir": "he", "dame": "she",
                   "lady": "she", "lord": "he", "fr.": "he"}
GENDERED_NOUNS = {
    "mother": "she", "father": "he", "wife": "she", "husband": "he", "daughter": "she", "son": "he",
    "sister": "she", "brother": "he", "widow": "she", "widower": "he", "grandmother": "she",
    "grandfather": "he", "aunt": "she", "uncle": "he", "niece": "she", "nephew": "he", "girlfriend": "she",
    "boyfriend": "he", "king": "he", "queen": "she", "prince": "he", "princess": "she", "actress": "she",
    "actor": "he", "girl": "she", "boy": "he", "nun": "she", "priest": "he",
}

# the head nouns of organisations' names, which no person's name ends in: "Civic Union",
# "World Health Organization", "Ohio Environmental Protection Agency" (a closed class of English)
ORGANISATION_HEADS = frozenset("""
organization organisation union agency department ministry council committee commission company corporation
corp inc ltd llc plc group association authority board bureau office service services institute university
college school police party bank fund foundation society court administration center centre network coalition
alliance federation trust partners holdings airlines airways industries systems software technologies
laboratories labs hospital clinic church army navy force forces guard government parliament congress senate
assembly league club team project campaign press news times post journal herald tribune gazette
""".split())


def role_gender(role: str | None) -> str | None:
    """'he' or 'she' when a role word says which ("spokeswoman", "chairman", "widow", "mother-in-law"),
    else None."""
    if not role or not role[:1].islower():
        return None
    word = role if role.endswith(("man", "men")) else role.split("-")[0]
    if word in GENDERED_NOUNS:
        return GENDERED_NOUNS[word]
    if word.endswith(("woman", "women")):
        return "she"
    if word.endswith(("man", "men")) and word not in ("human", "humans"):
        return "he"
    return None

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000, "m": 1_000_000, "bn": 1_000_000_000, "k": 1_000, "mn": 1_000_000}

# words before a number that qualify it
QUALIFIERS = (
    "at least", "at most", "up to", "more than", "less than", "fewer than", "over", "under", "nearly", "almost",
    "about", "around", "roughly", "approximately", "some", "an estimated", "estimated", "as many as",
    "as much as", "as few as", "no more than", "no fewer than", "close to", "upwards of", "well over",
    "just over", "just under", "more than", "between", "an additional", "another", "only", "just",
)

# words that make a sentence less than a flat assertion
HEDGES = (
    "reportedly", "allegedly", "estimated", "estimates", "estimate", "likely", "probably", "possibly", "perhaps",
    "may", "might", "could", "appears", "appeared", "apparently", "believed", "expected", "unconfirmed",
    "preliminary", "so far", "at least", "according to", "suggests", "suspected", "purportedly", "unclear",
)

# units by what they measure: the general kinds a "how much/long/far/big" question asks for
UNITS = {
    "duration": ("second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks",
                 "month", "months", "year", "years", "decade", "decades", "night", "nights"),
    "length": ("foot", "feet", "ft", "metre", "metres", "meter", "meters", "m", "km", "kilometre", "kilometres",
               "kilometer", "kilometers", "mile", "miles", "yard", "yards", "inch", "inches", "cm", "mm"),
    "area": ("acre", "acres", "hectare", "hectares", "square"),
    "weight": ("ton", "tons", "tonne", "tonnes", "pound", "pounds", "lb", "lbs", "kg", "kilogram", "kilograms",
               "gram", "grams", "ounce", "ounces"),
    "speed": ("mph", "knots", "km/h", "kph"),
    "temperature": ("degree", "degrees"),
    "volume": ("gallon", "gallons", "litre", "litres", "liter", "liters", "barrel", "barrels"),
    # a change in a rate or a share: "650 basis points", "650bp", "6.5 percentage points"
    "percent": ("basis", "bp", "bps", "percentage"),
}
CURRENCY_SYMBOLS = "$€£¥₹"
CURRENCY_WORDS = ("dollars", "dollar", "euros", "euro", "pounds sterling", "yen", "rupees", "yuan", "francs")

# connectives that introduce a cause or a reason
CAUSAL = (
    "because", "because of", "due to", "caused", "causing", "cause", "led to", "leading to", "as a result",
    "result of", "resulted", "after", "blamed", "blame", "owing to", "thanks to", "since", "reason", "why",
    "so that", "in order to", "triggered", "prompted", "driven by", "stemmed from", "attributed to", "amid",
)
