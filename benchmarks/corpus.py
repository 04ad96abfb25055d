"""Realistic generated news sentences for benchmarks: deterministic for a given seed.

Domain words appear often (some in most sentences, as in a single-story corpus), and a long
tail of rare names and words gives the index a natural vocabulary.
"""
from __future__ import annotations

import random

COUNTRIES = ["Russia", "Ukraine", "North Korea", "South Korea", "China", "Iran", "the United States", "Japan"]
ADJ = ["North Korean", "Russian", "Ukrainian", "South Korean", "Chinese", "Iranian", "American"]
SOURCES = ["South Korean intelligence", "Ukrainian intelligence", "U.S. officials", "the Pentagon",
           "Defense Minister {name}", "analyst {name}", "spokesperson {name}", "the Kremlin", "NATO officials"]
TROOPS = ["troops", "soldiers", "personnel", "forces", "workers", "officers", "engineers"]
THINGS = ["artillery shells", "rounds of ammunition", "missiles", "tanks", "drones", "rockets", "trucks"]
VERBS = ["arrived in", "were sent to", "were deployed to", "entered", "were spotted in", "trained near"]
PLACES = ["Kursk", "Vladivostok", "Belgorod", "Donetsk", "Kharkiv", "the far east", "eastern Russia", "Rostov"]
QUALIFIERS = ["at least", "up to", "roughly", "about", "more than", "nearly", "some", ""]
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "last week", "this month", ""]
GAINS = ["oil", "food aid", "cash", "missile technology", "hard currency", "fertiliser", "diplomatic cover"]
SYLLABLES = ["ka", "lo", "mir", "zan", "tov", "re", "shi", "ul", "bek", "na", "dor", "vi", "ko", "esh", "pra", "gun"]


def _name(rng: random.Random) -> str:
    first = "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
    last = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{first} {last}"


def _rare(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def sentence(rng: random.Random) -> str:
    src = rng.choice(SOURCES).format(name=_name(rng))
    n = rng.choice([rng.randint(2, 99) * 100, rng.randint(1, 40) * 1000, rng.randint(1, 9) * 1_000_000])
    num = f"{n:,}"
    q = rng.choice(QUALIFIERS)
    day = rng.choice(DAYS)
    kind = rng.random()
    tail = " ".join(_rare(rng) for _ in range(rng.randint(0, 3)))
    tail = f", near the {tail} depot" if tail else ""
    if kind < 0.35:
        s = (f"{src.capitalize() if src[0].islower() else src} said {q} {num} {rng.choice(ADJ)} "
             f"{rng.choice(TROOPS)} {rng.choice(VERBS)} {rng.choice(PLACES)} {day}{tail}.")
    elif kind < 0.6:
        s = (f"According to {src}, {q} {num} {rng.choice(THINGS)} were shipped from {rng.choice(COUNTRIES)} "
             f"to {rng.choice(COUNTRIES)} {day}{tail}.")
    elif kind < 0.8:
        s = (f"{rng.choice(COUNTRIES)} stands to gain {rng.choice(GAINS)} and {rng.choice(GAINS)} from the pact "
             f"with {rng.choice(COUNTRIES)}, {src} said{tail}.")
    else:
        s = (f"\u201cThe situation in {rng.choice(PLACES)} is {rng.choice(['serious', 'tense', 'unclear', 'improving'])},\u201d "
             f"{src} told reporters {day}{tail}.")
    return " ".join(s.split()).replace(" ,", ",").replace(" .", ".")


def articles(n_claims: int, per_article: int = 500, seed: int = 7):
    """(title, [sentences]) pairs adding up to ``n_claims`` sentences."""
    rng = random.Random(seed)
    made = 0
    i = 0
    while made < n_claims:
        k = min(per_article, n_claims - made)
        yield f"Generated dispatch {i}", [sentence(rng) for _ in range(k)]
        made += k
        i += 1
