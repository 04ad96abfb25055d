"""Generated news text for benchmarks: a word-bigram model of the real articles we have.

The sentences read like the articles they were learnt from (their words have the same
frequencies and follow each other the same way), which is what a search index's cost depends
on; each generated article also gets a few names of its own, so the vocabulary has the long
tail of a real archive. Deterministic for a given seed.
"""
from __future__ import annotations

import random
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT.parent / "shared" / "seeds", ROOT.parent / "shared" / "eval" / "key-bridge-collapse",
           *sorted((ROOT / "benchmarks" / "eval" / "sets").glob("*"))]
SYLLABLES = ["ka", "lo", "mir", "zan", "tov", "re", "shi", "ul", "bek", "na", "dor", "vi", "ko", "esh", "pra", "gun"]


def _sentences() -> list[list[str]]:
    out = []
    for folder in SOURCES:
        for path in sorted(folder.glob("*.txt")):
            for line in path.read_text(encoding="utf-8").splitlines()[1:]:
                for s in re.split(r"(?<=[.!?])\s+", line):
                    words = s.split()
                    if len(words) >= 6:
                        out.append(words)
    return out


class Generator:
    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.follow: dict[str, list[str]] = defaultdict(list)
        self.starts: list[str] = []
        for words in _sentences():
            self.starts.append(words[0])
            for a, b in zip(["<s>"] + words, words + ["</s>"]):
                self.follow[a].append(b)

    def name(self) -> str:
        r = self.rng
        return " ".join("".join(r.choice(SYLLABLES) for _ in range(r.randint(2, 3))).capitalize() for _ in range(2))

    def sentence(self, names: list[str]) -> str:
        r = self.rng
        words = [r.choice(self.starts)]
        while len(words) < 40:
            nxt = r.choice(self.follow.get(words[-1], ["</s>"]))
            if nxt == "</s>":
                if len(words) >= 8:
                    break
                nxt = r.choice(self.starts)
            words.append(nxt)
        if names and r.random() < 0.3:
            words.insert(r.randrange(len(words)), r.choice(names))
        text = " ".join(words)
        return text if text.endswith((".", "?", "!", "”", '"')) else text + "."

    def articles(self, n_claims: int, per_article: int = 40):
        """(title, [sentences]) pairs adding up to ``n_claims`` sentences."""
        made = 0
        while made < n_claims:
            names = [self.name() for _ in range(3)]
            k = min(per_article, n_claims - made)
            yield self.sentence(names)[:90].rstrip(" .") , [self.sentence(names) for _ in range(k)]
            made += k
