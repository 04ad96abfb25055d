"""Small builders for test data."""
from __future__ import annotations

from briefings.types import Answer, Claim, Document, Point, Source


def long_answer(n: int, sentence_words: int, point_words: int) -> Answer:
    """A numeric answer with a lead and ``n`` points, each citing its own long sentence."""
    doc = Document(id="d", path="p.txt", title="T", content_hash="h")
    sources, points = [], [Point("Lead line", (1,), lead=True)]
    for i in range(1, n + 1):
        claim = Claim(id=f"d:{i}", doc_id="d", seq=i, text=f"Sentence {i} " + "word " * sentence_words, start=0, end=1)
        sources.append(Source(n=i, claim=claim, document=doc))
        points.append(Point(f"Point {i} " + "detail " * point_words, (i,)))
    return Answer("q?", True, tuple(points), tuple(sources), kind="numeric")
