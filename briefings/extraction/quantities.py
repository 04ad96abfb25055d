"""Numbers a sentence states, with their qualifier, what they count and their kind of measure.

``find_quantities("at least 1,500 soldiers arrived")`` returns one ``Quantity`` whose phrase
is "at least 1,500 soldiers". What is not a quantity is left out by general rules, not by
lists of names: a number right after a capitalised word is an identifier ("Interstate 895",
"Local 333"), a clock time or a date is a time, a bare four-digit year is a year. Durations
("two weeks") are kept, with measure "duration", so they are never taken for counts.
"""
from __future__ import annotations

import re

from ..text import STOP_WORDS
from ..types import Quantity
from .language import CURRENCY_SYMBOLS, CURRENCY_WORDS, MONTHS, MONTH_ABBREVIATIONS, NUMBER_WORDS, QUALIFIERS, \
    SCALES, UNITS, WEEKDAYS

_WORD = "|".join(sorted((w for w in NUMBER_WORDS if w != "zero"), key=len, reverse=True))
_SCALE_WORDS = r"(?:hundred|thousand|million|billion|trillion)"
NUMBER = re.compile(
    rf"""
    (?P<cur>[{CURRENCY_SYMBOLS}]\s?)?
    (?:
      (?P<digits>(?<![\w.,:/-])\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|(?<![\w.,:/-])\d+(?:\.\d+)?)
      (?:(?P<suffix>m|bn|mn|k)\b|\s?-?(?P<dscale>{_SCALE_WORDS})\b)?
    | (?P<words>\b(?:{_WORD}|a\s+dozen|a\s+hundred|a\s+thousand)(?:[\s-](?:{_WORD}))*(?:\s+{_SCALE_WORDS})*\b)
    | (?P<vague>\b(?:dozens|hundreds|thousands|millions|billions|tens\s+of\s+(?:thousands|millions|billions))\b)
    )
    (?P<pct>\s?(?:%|per\s?cent\b|percent\b))?
    """,
    re.X | re.I,
)
_QUAL = re.compile(r"(?:^|\s)(" + "|".join(re.escape(q) for q in sorted(QUALIFIERS, key=len, reverse=True)) + r")\s+$",
                   re.I)
_MONTH = re.compile(r"\b(?:" + "|".join(MONTHS + MONTH_ABBREVIATIONS) + r")\.?\s*$", re.I)
_STOP_COUNTED = {
    "in", "on", "at", "to", "from", "by", "with", "for", "into", "over", "under", "across", "since", "during",
    "after", "before", "than", "that", "who", "which", "were", "was", "are", "is", "have", "had", "has", "will",
    "would", "could", "and", "or", "but", "as", "per", "a", "an", "the", "of", "this", "its", "their", "his",
    "her", "said", "say", "says", "according", "while", "when", "where", "if", "so", "be", "been", "being",
}
_QUALIFIER_WORDS = {w for q in QUALIFIERS for w in q.split()}
_PLURALS = {"people", "men", "women", "children", "personnel", "staff", "police", "crew", "feet", "cattle"}
_UNIT_OF = {u: kind for kind, units in UNITS.items() for u in units}


def _word_value(text: str) -> float | None:
    total, current = 0.0, 0.0
    for w in re.split(r"[\s-]+", text.lower()):
        if w == "a":
            current = current or 1
        elif w in NUMBER_WORDS:
            current += NUMBER_WORDS[w]
        elif w in SCALES:
            current = (current or 1) * SCALES[w]
            if SCALES[w] >= 1000:
                total, current = total + current, 0.0
        else:
            return None
    return total + current


def _counted(sentence: str, pos: int) -> tuple[str, int]:
    """The words a number counts, from ``pos``: up to four words, stopping at function words."""
    words = []
    end = pos
    for m in re.finditer(r"[A-Za-z][\w’'/-]*|[^\w\s]", sentence[pos:pos + 80]):
        w = m.group(0)
        low = w.lower()
        if not w[0].isalpha() or low in _STOP_COUNTED or len(words) >= 4 or (words and low.endswith("ed")):
            break
        words.append(w)
        end = pos + m.end()
        if (low.endswith("s") and not low.endswith("ss")) or low in _PLURALS:
            break  # the head noun of the phrase
    return " ".join(words), end


def _measure(cur: str | None, pct: str | None, counted: str) -> str:
    first = counted.split()[0].lower().rstrip(".") if counted else ""
    if cur or any(counted.lower().startswith(w) for w in CURRENCY_WORDS):
        return "money"
    if pct:
        return "percent"
    if first in _UNIT_OF:
        return _UNIT_OF[first]
    return "count"


def is_identifier(sentence: str, start: int) -> bool:
    """'Interstate 895', 'Local 333', 'Flight 17': a number right after a capitalised word that is
    not a function word ("The 985-foot ship") or a month ("March 26")."""
    m = re.search(r"([A-Z][\w’'.&-]*) $", sentence[:start])
    if not m:
        return False
    word = m.group(1).rstrip(".").lower()
    return word not in STOP_WORDS and word not in _QUALIFIER_WORDS and word not in MONTHS \
        and word not in MONTH_ABBREVIATIONS and word not in WEEKDAYS


def find_quantities(sentence: str) -> tuple[Quantity, ...]:
    out: list[Quantity] = []
    for m in NUMBER.finditer(sentence):
        text = m.group(0).strip()
        if not text or text.lower() in ("a", "one") and not m.group("pct"):
            continue
        start, end = m.start(), m.end()
        after = sentence[end:end + 12]
        if m.group("digits"):
            digits = m.group("digits")
            if re.match(r"\s*(?::\d|[ap]\.?m\b|o'clock)", after, re.I) or re.match(r"(?:st|nd|rd|th)\b", after):
                continue  # a clock time or an ordinal
            if _MONTH.search(sentence[:start]) or re.match(r"\s*(?:" + "|".join(MONTHS) + r")\b", after, re.I):
                continue  # a date: "March 26", "26 March"
            bare = not (m.group("cur") or m.group("suffix") or m.group("dscale") or m.group("pct"))
            if bare and re.fullmatch(r"(?:1[6-9]|20|21)\d\d", digits) and not re.match(r"\s+[a-z]+s\b", after):
                continue  # a year
            if bare and is_identifier(sentence, start):
                continue
            value = float(digits.replace(",", ""))
            scale = (m.group("suffix") or m.group("dscale") or "").lower()
            if scale == "m" and not m.group("cur"):
                value, scale = value, ""  # "50m" without a currency is most often metres
            value *= SCALES.get(scale, 1)
        elif m.group("words"):
            value = _word_value(m.group("words"))
            if value is None or value == 0:
                continue
        else:
            value = {"dozens": 24, "hundreds": 200, "thousands": 2_000, "millions": 2_000_000,
                     "billions": 2_000_000_000}.get(m.group("vague").lower().split()[-1], 0.0)
        counted, cend = _counted(sentence, end + (1 if sentence[end:end + 1] in (" ", "-") else 0))
        if m.group("vague") and counted.lower().startswith("of "):
            counted = counted[3:]
        qm = _QUAL.search(sentence[max(0, start - 24):start])
        qualifier = qm.group(1).lower() if qm else None
        pstart = start - (len(sentence[max(0, start - 24):start]) - qm.start(1)) if qm else start
        measure = _measure(m.group("cur"), m.group("pct"), counted)
        phrase_end = max(end, cend) if counted else end
        out.append(Quantity(
            value=value, text=text, phrase=sentence[pstart:phrase_end].strip(), counted=counted,
            qualifier=qualifier, measure=measure, start=pstart, end=phrase_end,
        ))
    return tuple(out)
