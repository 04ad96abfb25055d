"""Acronyms a question uses and the articles spell out: "SBF" for Sam Bankman-Fried, "CTO" for
chief technology officer, "ECB" for the European Central Bank.

A question's word written in capitals that no stored claim uses is looked for as the initials
of consecutive index terms (stop words aside, as initials skip them) in the claims already
gathered for the question; the run found most often is the spelling, and the question is
asked again with it written out. Some acronyms keep a small word's initial ("DOC" for the
Department of Corrections, "DOJ"): when the terms' initials are the acronym's letters with
some inside it left out, the spelling counts only where the words as written, small ones
included, have the acronym's initials (``initials``). Nothing here knows a story or a list of
acronyms.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from ..text import terms

_CAPS = re.compile(r"(?<![\w’'])([A-Z]{3,6})s?(?![\w’'])")
_WORD = re.compile(r"[^\W\d_]+")


def candidates(question: str, df: dict[str, int]) -> list[str]:
    """The question's all-capital words of 3-6 letters that no stored claim uses as a term (two
    letters are the initials of some pair of words in almost any article), stop words aside."""
    out = []
    for m in _CAPS.finditer(question):
        word = m.group(1)
        term = terms(word)  # none for a stop word: "WHAT?" is shouting, not initials
        if term and df.get(term[0], 0) == 0:
            out.append(word)
    return list(dict.fromkeys(out))


def runs(acronym: str, term_strings: Iterable[str]) -> Counter:
    """How often each run of consecutive terms has the acronym's letters as its initials."""
    letters = acronym.lower()
    n = len(letters)
    found: Counter = Counter()
    for text in term_strings:
        words = text.split()
        for i in range(len(words) - n + 1):
            if words[i][0] == letters[0] and all(words[i + k][0] == letters[k] for k in range(n)):
                run = tuple(words[i:i + n])
                if not any(w.isdigit() for w in run):
                    found[run] += 1
    return found


def runs_within(acronym: str, term_strings: Iterable[str]) -> Counter:
    """How often each run of consecutive terms has as initials the acronym's letters with one or
    more of those inside it left out (the initials of words that are not index terms: "of" in
    "Department of Corrections" for "DOC"). At least two terms; never a number. A run found
    here is a spelling only if its words as written have the acronym's initials (``initials``)."""
    letters = acronym.lower()
    n = len(letters)
    found: Counter = Counter()
    for text in term_strings:
        words = text.split()
        for i, first in enumerate(words):
            if first[0] != letters[0]:
                continue
            for k in range(2, n):  # the run's length: fewer terms than letters
                run = words[i:i + k]
                if len(run) < k or run[-1][0] != letters[-1] or any(w.isdigit() for w in run):
                    continue
                if _subsequence("".join(w[0] for w in run[1:-1]), letters[1:-1]):
                    found[tuple(run)] += 1
    return found


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def initials(words: str) -> str:
    """The initials of every word as written, small ones included ("Department of Corrections" -> "doc")."""
    return "".join(w[0] for w in _WORD.findall(words)).lower()


def surface(run: tuple[str, ...], text: str) -> str | None:
    """The words of ``text`` whose terms are ``run``, as written there ("chief technology officer")."""
    spans = [(m.start(), m.end(), t[0]) for m in _WORD.finditer(text) if (t := terms(m.group(0)))]
    for i in range(len(spans) - len(run) + 1):
        if tuple(s[2] for s in spans[i:i + len(run)]) == run:
            return text[spans[i][0]:spans[i + len(run) - 1][1]]
    return None


def spell_out(question: str, spelled: dict[str, str]) -> str:
    """The question with each acronym replaced by its spelling: "SBF" -> "Sam Bankman-Fried"."""
    for acronym, words in spelled.items():
        question = re.sub(rf"(?<![\w’']){re.escape(acronym)}s?(?![\w’'])", words, question)
    return question
