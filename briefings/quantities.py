"""Numbers a sentence states, with their qualifier, what they count and which measure.

Pure functions: ``find_quantities("at least 1,500 soldiers arrived")`` returns one
``Quantity`` whose phrase is ``"at least 1,500 soldiers"``.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .lexicon import MEASURES, MONTHS, QUALIFIERS, SCALES, STOP_WORDS, WORD_NUMBERS
from .types import Quantity

_SCALE = r"(?:hundred|thousand|million|billion)"
_WORDNUM = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"a\s+dozen|dozens|half\s+a|a)"
)
NUMBER = re.compile(
    rf"""
    (?P<vague>\b(?:hundreds|thousands|millions|billions)(?:\s+of\s+(?:thousands|millions|billions))?\s+of\b)
    | (?P<digits>(?<![\w.,])[$€£¥]?\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?!\d)|(?<![\w.,])[$€£¥]?\d+(?:\.\d+)?(?![\d,]\d))
      (?:\s*(?P<dscale>{_SCALE}|%|per\s?cent|percent)\b)?
    | (?P<words>\b{_WORDNUM}(?:[\s-]{_WORDNUM})?(?:\s+{_SCALE})?\b)
    """,
    re.I | re.X,
)
_TOKEN = re.compile(r"[\w$%’'.-]*\w|[^\w\s]")
_COUNT_STOP = STOP_WORDS | {
    "had", "have", "has", "were", "was", "are", "is", "will", "would", "could", "been", "being",
    "including", "only", "not", "who", "which", "that", "than", "per", "across", "since",
}
_LABEL = re.compile(r"\b(magnitude|temperature|inflation|unemployment|interest rate|growth rate|turnout|index)"
                    r"(?:\s+(?:of|at|was|is|to|reached|hit))?(?:\s+[\w-]+){0,2}?\s+(?:at\s+|of\s+)?$", re.I)
_CASUALTY_VERB = re.compile(r"\b(?:killing|killed|injuring|injured|wounding|wounded|leaving)\s+$", re.I)
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_MONTHS = set(MONTHS)
_QUALIFIERS = sorted(QUALIFIERS, key=len, reverse=True)


def _word_value(text: str) -> float | None:
    total, current = 0.0, 0.0
    text = re.sub(r"\bhalf\s+a\b", "half", text.lower())
    text = re.sub(r"\ba\s+(dozen|hundred|thousand|million|billion)\b", r"\1", text)
    for w in re.split(r"[\s-]+", text):
        if w in ("dozens",):
            current += 24
        elif w in WORD_NUMBERS:
            current += WORD_NUMBERS[w]
        elif w in SCALES:
            current = (current or 1) * SCALES[w]
            if SCALES[w] >= 1000:
                total, current = total + current, 0.0
        else:
            return None
    return total + current


def _digit_value(text: str, scale: str | None) -> float:
    value = float(text.replace(",", "").lstrip("$€£¥"))
    if scale and scale.lower() in SCALES:
        value *= SCALES[scale.lower()]
    return value


def _counted(sentence: str, pos: int) -> tuple[str, int]:
    """The noun phrase a number counts, starting at ``pos``; returns (phrase, end offset)."""
    words: list[tuple[str, int, int]] = []
    for m in _TOKEN.finditer(sentence, pos):
        words.append((m.group(0), m.start(), m.end()))
        if len(words) >= 8:
            break
    taken: list[tuple[str, int, int]] = []
    i = 0
    while i < len(words) and len(taken) < 5:
        w, s, e = words[i]
        low = w.lower()
        if not re.match(r"[\w$%]", w):
            break
        if low == "of" and taken and i + 1 < len(words) and re.match(r"[A-Za-z]", words[i + 1][0]) \
                and words[i + 1][0].lower() not in _COUNT_STOP:
            taken.append(words[i])  # "rounds of ammunition"
            taken.append(words[i + 1])
            break
        if low in _COUNT_STOP:
            break
        if not taken and low.endswith("ed") and i + 1 < len(words) and words[i + 1][0].lower() in _COUNT_STOP:
            break  # "100,000 joined the march": a verb, nothing counted
        if taken and _is_plural(taken[-1][0]) and not (low == "of"):
            break  # the phrase ends with its plural noun: "dock workers" (walked ...), "people" (spent ...)
        taken.append((w, s, e))
        i += 1
    if not taken:
        return "", pos
    return sentence[taken[0][1]:taken[-1][2]], taken[-1][2]


_IRREGULAR_PLURALS = {"people", "personnel", "children", "men", "women", "police", "staff", "troops", "militia"}


def _is_plural(word: str) -> bool:
    w = word.lower()
    return w in _IRREGULAR_PLURALS or (w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3)


def _measure(counted: str, after: str, unit: str | None, number: str = "", before: str = "") -> str:
    if number and number[0] in "$€£¥":
        return "money"
    if unit and unit.strip().lower().replace(" ", "") in ("%", "percent", "percent"):
        return "percent"
    words = set(re.findall(r"[\w$]+", counted.lower()))
    context = set(re.findall(r"\w+", after.lower())[:6]) | set(re.findall(r"\w+", before.lower())[-3:])
    if words & MEASURES["casualties"] or context & MEASURES["casualties"]:
        return "casualties"
    order = ("magnitude", "munitions", "money", "equipment", "personnel")
    head = re.findall(r"[\w$]+", counted.lower())[-1:]  # "artillery pieces" are equipment: the head noun decides
    for candidates in (set(head), words):
        for name in order:
            if candidates & MEASURES[name]:
                return name
    return "count"


def _qualifier(sentence: str, start: int) -> tuple[str | None, int]:
    before = sentence[max(0, start - 30):start]
    low = before.lower()
    for q in _QUALIFIERS:
        if re.search(rf"(?:^|\W){re.escape(q)}\s+$", low):
            at = low.rstrip().rfind(q)
            return q, start - len(before) + at
    return None, start


def find_quantities(sentence: str) -> tuple[Quantity, ...]:
    """Every quantity stated in ``sentence`` (years, days of the month and bare 'one' left out)."""
    out: list[Quantity] = []
    for m in NUMBER.finditer(sentence):
        raw = m.group(0)
        prev_words = re.findall(r"[A-Za-z]+", sentence[max(0, m.start() - 20):m.start()].lower())[-2:]
        if m.group("digits"):
            digits = m.group("digits")
            if _YEAR.match(digits.lstrip("$€£¥")) and not m.group("dscale"):
                continue
            if any(w in _MONTHS for w in prev_words) and not m.group("dscale"):
                continue  # "October 8 and 13"
            value = _digit_value(digits, m.group("dscale"))
            unit = m.group("dscale") if m.group("dscale") and m.group("dscale").lower() not in SCALES else None
        elif m.group("vague"):
            value = float(SCALES[raw.split()[0].lower()])
            unit = None
        else:
            text = raw.lower()
            value = _word_value(text)
            if value is None:
                continue
            has_scale = any(s in text for s in ("hundred", "thousand", "million", "billion"))
            if not has_scale:
                # bare small word numbers count only before a plural noun: "three generals"
                nxt = re.match(r"\s+([A-Za-z-]+)", sentence[m.end():])
                if text in ("a", "one", "half a") or not nxt or not nxt.group(1).endswith("s") \
                        or nxt.group(1).lower() in STOP_WORDS:
                    continue
            unit = None
        label = _LABEL.search(sentence[max(0, m.start() - 40):m.start()])
        if label:  # "a magnitude 6.8 earthquake", "put the magnitude at 7.0": a measurement, not a count
            counted, end = label.group(1), m.end()
        else:
            counted, end = _counted(sentence, m.end())
        if not counted and not unit:
            if m.group("digits") and value < 100:
                continue  # a bare small number with nothing counted is not worth keeping
        qualifier, start = _qualifier(sentence, m.start())
        if label and not qualifier:
            start = max(0, m.start() - 40) + label.start()  # "magnitude 6.8", "magnitude at 7.0"
        if m.group("vague"):
            qualifier = qualifier or raw.split()[0].lower()
        measure = _measure(counted, sentence[end:end + 60], unit, raw.strip(), sentence[max(0, start - 30):start])
        verb = _CASUALTY_VERB.search(sentence[max(0, start - 20):start])
        if measure == "casualties" and verb:
            start = max(0, start - 20) + verb.start()  # "killing at least 43 people", "injuring more than 600"
        phrase = sentence[start:max(end, m.end())].strip()
        out.append(
            Quantity(
                value=value,
                text=raw.strip(),
                phrase=phrase,
                counted=counted,
                qualifier=qualifier,
                measure=measure,
                start=start,
                end=max(end, m.end()),
            )
        )
    return tuple(_parallel(out))


def _parallel(qs: list[Quantity]) -> list[Quantity]:
    """A bare figure after a counted one counts the same thing: "24,000 people, while others said 100,000"."""
    out: list[Quantity] = []
    for q in qs:
        prev = next((p for p in reversed(out) if p.counted), None)
        if not q.counted and prev is not None and q.measure in ("count", prev.measure):
            q = replace(q, counted=prev.counted, measure=prev.measure)
        out.append(q)
    return out
