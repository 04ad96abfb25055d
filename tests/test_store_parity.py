"""The whole engine on both backends: the same articles in, the same answers and briefings out."""
from __future__ import annotations

import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from briefings.answering.answer import answer_question
from briefings.answering.briefing import build_briefing
from briefings.ingest import expand, ingest_paths
from briefings.store import open_store

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = [str(ROOT / "seeds"), str(ROOT / "tests" / "data" / "unseen")]
NOW = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)
QUESTIONS = [
    "troop estimates?", "what does North Korea gain?", "what does Russia get from North Korea?",
    "how big is North Korea's army?", "where are the North Korean troops being sent?",
    "what did Putin say about the North Korean troops?", "how much ammunition has North Korea shipped to Russia?",
    "what will the weather be in Paris tomorrow?", "how strong was the earthquake?", "who protested and why?",
    "what is in the deal?", "Zelenskyy troops", "what did Kim Jong Un say?",
]


class HashedWords:
    """A deterministic stand-in for the model: each word adds to one of 64 dimensions."""

    name = "hashed-words-64"
    dim = 64

    def embed(self, texts) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, zlib.crc32(word.encode()) % self.dim] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


@pytest.fixture
def both(tmp_path, postgres_url):
    stores = [open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}"), open_store(postgres_url)]
    for store in stores:
        for i, path in enumerate(expand(ARTICLES)):  # a minute apart, as the same times on both
            report = ingest_paths(store, [path], embedder=HashedWords(), now=NOW - timedelta(minutes=60 - i))
            assert [r.status for r in report.results] == ["added"]
    yield stores
    for store in stores:
        store.close()


def test_same_answers_and_briefings_on_sqlite_and_postgresql(both):
    sqlite, postgres = both
    vocabulary = sorted({t for ic in sqlite.claims_of(d.id for d in sqlite.documents()) for t in ic.terms.split()})
    assert sqlite.term_stats(vocabulary) == postgres.term_stats(vocabulary)
    for prefix in ["", "k", "ko", "zel", "1"]:
        assert sqlite.similar_terms(prefix, 200) == postgres.similar_terms(prefix, 200)
        assert sqlite.topics(prefix) == postgres.topics(prefix)
    for question in QUESTIONS:
        answers = [answer_question(s, HashedWords(), question).to_json() for s in both]
        assert answers[0] == answers[1], question
    for topic in [None, "North Korea", "earthquake"]:
        briefings = [build_briefing(s, HashedWords(), topic=topic, now=NOW).to_json() for s in both]
        assert briefings[0] == briefings[1], topic
