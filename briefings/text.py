"""Text analysis shared by ingest and questions: fold, tokenise, drop stop words, stem.

The same function turns an article sentence and a question into index terms, so both sides
always agree. Stemming is Snowball's English stemmer (PyStemmer); the stop words are the
common English function words (the Snowball list plus question words), nothing story-specific.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

STOP_WORDS = frozenset("""
a about above after again against all am an and any are aren't as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here
here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself
let's me more most mustn't my myself no nor not of off on once only or other ought our ours ourselves
out over own same shan't she she'd she'll she's should shouldn't so some such than that that's the their
theirs them themselves then there there's these they they'd they'll they're they've this those through to
too under until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where
where's which while who who's whom why why's with won't would wouldn't you you'd you'll you're you've your
yours yourself yourselves s t d ll m re ve also just will shall may might must does did done get got
tell us much many don doesn didn isn wasn aren weren won wouldn couldn shouldn hasn haven
hadn shan mustn
""".split())

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_APOS = re.compile(r"[’'`]")


def fold(text: str) -> str:
    """Lower case without diacritics: 'Zelenskyy’s Ü' -> "zelenskyy's u"."""
    if text.isascii():  # (nothing to decompose)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _number(token: str) -> str:
    """'12,000' -> '12000'; '1.3' -> '1p3' (index terms are letters and digits only)."""
    if "," in token and re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", token):
        token = token.replace(",", "")
    return token.replace(".", "p").replace(",", "p")


def tokens(text: str) -> list[str]:
    """Folded word and number tokens, apostrophes dropped ("Korea's" -> "koreas" is avoided: "korea")."""
    out = []
    for m in _TOKEN.finditer(_APOS.sub(" ", fold(text))):
        tok = m.group(0)
        out.append(_number(tok) if tok[0].isdigit() else tok)
    return out


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return word if word[0].isdigit() else _stemmer().stemWord(word)


def _spelled_out() -> dict[str, tuple[str, ...]]:
    """Abbreviations as the words they stand for, from the extractor's tables of the language:
    titles ("gov" -> governor; not "sec", which is also the SEC), business titles ("ceo" ->
    chief executive) and months ("oct" -> october)."""
    from .extraction.language import MONTH_ABBREVIATIONS, MONTHS, TITLE_ABBREVIATIONS, TITLES

    out = {k.rstrip("."): (v,) for k, v in TITLES.items() if k.endswith(".") and v and k != "sec."}
    out.update({k: tuple(v.split()) for k, v in TITLE_ABBREVIATIONS.items()})
    out.update({m: (next(full for full in MONTHS if full.startswith(m[:3])),) for m in MONTH_ABBREVIATIONS})
    return out


SPELLED_OUT = _spelled_out()


def terms(text: str) -> list[str]:
    """Index terms of a text: stems of its tokens that are not stop words, in order, an
    abbreviation indexed as the words it stands for ("Gov. Jane Doe" is found by "governor",
    "Oct. 3" by "october", "the CEO" by "chief executive")."""
    return [stem(w) for t in tokens(text) if t not in STOP_WORDS and (len(t) > 1 or t.isdigit())
            for w in SPELLED_OUT.get(t, (t,))]


def term_string(text: str) -> str:
    return " ".join(terms(text))
