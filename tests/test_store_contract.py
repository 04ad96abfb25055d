"""The storage port's contract, run against every backend with exact expected values.

A tiny news store: three documents, six claims, hand-counted statistics. Whatever a backend
does inside, the core must see the same documents, claims, counts and orders from each.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from briefings.store import open_store
from briefings.store.port import ClaimRef, ClaimQuery, DocumentHit, IndexedClaim
from briefings.types import Claim, Document, Quantity

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
V1, V2, V3 = (46789745616352 + n for n in range(3))  # extractor versions are hashes: 64-bit integers


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.close()


def document(name: str, minutes: int, published: date | None = None) -> Document:
    return Document(id=name, path=f"/news/{name}.txt", title=f"{name.title()} story", outlet="Wire",
                    author="A. Writer", url=f"https://example.org/{name}", published=published,
                    opinion=name == "strike", content_hash=f"hash-{name}", ingested_at=T0 + timedelta(minutes=minutes),
                    text=f"The text of {name}.")


def claim(doc_id: str, seq: int, terms: str, context: str = "", entities: tuple[str, ...] = (),
          vector: list[float] | None = None) -> IndexedClaim:
    c = Claim(id=f"{doc_id}:{seq}", doc_id=doc_id, seq=seq, text=f"Sentence {seq} of {doc_id}.", start=20 * seq,
              end=20 * seq + 18, attributed_to="officials" if seq == 0 else None,
              attribution_how="said" if seq == 0 else None, hedges=("about",) if seq == 1 else (),
              quantities=(Quantity(value=12000.0, text="12,000", phrase="about 12,000 acres", counted="acres",
                                   qualifier="about", start=2, end=19),) if seq == 1 else (),
              dates=("March 1",), entities=entities, heading="Latest" if seq else None, paragraph=seq)
    return IndexedClaim(c, terms, context, None if vector is None else np.array(vector, np.float32))


def put(store, doc: Document, claims: list[IndexedClaim], *, key: str | None = None, replaces: str | None = None,
        vector: list[float] | None = None, version: int = V1, model: str | None = None) -> bool:
    return store.put_document(doc, claims, source_key=key or doc.path, replaces=replaces,
                              vector=None if vector is None else np.array(vector, np.float32),
                              extractor_version=version, model=model)


FIRE = [claim("fire", 0, "wildfir spread redbud", "wind", ("Redbud",), [0.1, 0.2, 0.3]),
        claim("fire", 1, "evacu order redbud", "wildfir spread", ("Redbud", "Cal Fire")),
        claim("fire", 2, "wind gust mph")]
QUAKE = [claim("quake", 0, "quake magnitud", "redbud", ("USGS",)),
         claim("quake", 1, "aftershock quake quake", "magnitud")]
STRIKE = [claim("strike", 0, "port strike union", "", ("Port of Mobile", "Élysée"))]


@pytest.fixture
def news(store):
    """fire (published 27 Feb), quake (28 Feb, 10 minutes later), strike (undated, 20 minutes later)."""
    assert put(store, document("fire", 0, date(2026, 2, 27)), FIRE, vector=[1, 0, 0])
    assert put(store, document("quake", 10, date(2026, 2, 28)), QUAKE, vector=[0, 1, 0], version=V2, model="m")
    assert put(store, document("strike", 20), STRIKE, vector=[0.6, 0.8, 0], version=V2)
    return store


def ids(items) -> list[str]:
    return [i.claim.id for i in items]


def found(store, **query) -> list[str]:
    return ids(store.search(ClaimQuery(**query)))


# -- documents ------------------------------------------------------------------------------

def test_documents_come_back_as_they_went_in_ordered_by_date_then_ingest_time(news):
    docs = news.documents()
    assert [d.id for d in docs] == ["strike", "fire", "quake"]  # undated first
    assert [d.claim_count for d in docs] == [1, 3, 2]
    fire = docs[1]
    assert (fire.path, fire.title, fire.outlet, fire.author, fire.url, fire.published, fire.opinion,
            fire.content_hash, fire.ingested_at, fire.text) == (
        "/news/fire.txt", "Fire story", "Wire", "A. Writer", "https://example.org/fire", date(2026, 2, 27), False,
        "hash-fire", T0, "")
    assert docs[0].opinion is True
    assert [d.id for d in news.documents(since=T0 + timedelta(minutes=5))] == ["strike", "quake"]
    assert [d.id for d in news.documents(since=T0 + timedelta(minutes=10))] == ["strike"]


def test_documents_by_id_hash_and_key(news):
    by_id = news.documents_by_id(["quake", "nope", "fire", "quake"])
    assert sorted(by_id) == ["fire", "quake"]
    assert by_id["quake"].ingested_at == T0 + timedelta(minutes=10)
    assert news.document_by_hash("hash-quake").id == "quake"
    assert news.document_by_hash("hash-none") is None
    assert news.document_by_key("/news/strike.txt").id == "strike"
    assert news.document_by_key("/news/none.txt") is None


def test_the_same_content_twice_changes_nothing(news):
    assert put(news, document("fire", 30), FIRE, key="/elsewhere/fire.txt") is False
    assert news.claim_count() == 6
    assert [d.id for d in news.documents()] == ["strike", "fire", "quake"]
    assert news.document_by_key("/elsewhere/fire.txt") is None


def test_a_new_version_replaces_the_old_one_everywhere(news):
    new = document("fire2", 30, date(2026, 2, 27))
    assert put(news, new, [claim("fire2", 0, "wildfir contain", "redbud")], key="/news/fire.txt", replaces="fire")
    assert [d.id for d in news.documents()] == ["strike", "fire2", "quake"]
    assert news.document_by_key("/news/fire.txt").id == "fire2"
    stats = news.term_stats(["redbud", "evacu", "contain"])
    assert (stats.claims, stats.df) == (4, {"redbud": 2, "evacu": 0, "contain": 1})
    assert found(news, any_terms=("redbud",)) == ["fire2:0", "quake:0"]
    assert news.topics("red") == []
    assert news.claims_of(["fire"]) == []


def test_a_source_replaced_meanwhile_by_another_process_is_replaced_again(news):
    # this process read no previous version, but another one stored one meanwhile: ours is newer
    assert put(news, document("fire3", 30), [claim("fire3", 0, "contain")], key="/news/fire.txt", replaces=None)
    assert sorted(d.id for d in news.documents()) == ["fire3", "quake", "strike"]
    assert news.claim_count() == 4


def test_remove_document(news):
    assert news.remove_document("quake") is True
    assert news.remove_document("quake") is False
    stats = news.term_stats(["quake", "magnitud", "redbud"])
    assert (stats.claims, stats.avg_terms, stats.avg_context) == (4, 12 / 4, 3 / 4)
    assert stats.df == {"quake": 0, "magnitud": 0, "redbud": 2}
    assert news.topics("u") == []
    assert news.similar_terms("q") == []
    assert [d.id for d in news.documents()] == ["strike", "fire"]


def test_stale_documents_in_insertion_order_with_their_text(news):
    assert [d.id for d in news.stale_documents(V2, None)] == ["fire"]
    assert [d.id for d in news.stale_documents(V2, "m")] == ["fire", "strike"]
    assert [d.id for d in news.stale_documents(V1, "m")] == ["fire", "quake", "strike"]
    assert news.stale_documents(V1, "m")[1].text == "The text of quake."


def test_replace_claims_re_indexes_a_document(news):
    news.replace_claims("quake", [claim("quake", 0, "tremor magnitud"), claim("quake", 1, "tremor")],
                        vector=[0, 0, 1], extractor_version=V3, model="m2")
    assert [d.id for d in news.stale_documents(V3, "m2")] == ["fire", "strike"]
    stats = news.term_stats(["quake", "tremor", "magnitud"])
    assert (stats.claims, stats.df) == (6, {"quake": 0, "tremor": 2, "magnitud": 1})
    assert found(news, any_terms=("tremor", "redbud")) == ["quake:1", "quake:0", "fire:1", "fire:0"]
    assert news.nearest_documents(np.array([0, 0, 1], np.float32), 1) == [DocumentHit("quake", 1.0)]


# -- statistics -----------------------------------------------------------------------------

def test_term_stats_exact(news):
    stats = news.term_stats(["redbud", "wildfir", "quake", "magnitud", "wind", "union", "absent", "redbud"])
    assert stats.claims == 6 == news.claim_count()
    assert stats.avg_terms == 17 / 6
    assert stats.avg_context == 5 / 6
    assert stats.df == {"redbud": 3, "wildfir": 2, "quake": 2, "magnitud": 2, "wind": 2, "union": 1, "absent": 0}


def test_term_stats_of_an_empty_store(store):
    stats = store.term_stats(["fire"])
    assert (stats.claims, stats.avg_terms, stats.avg_context, stats.df) == (0, 0.0, 0.0, {"fire": 0})
    assert store.claim_count() == 0


def test_document_frequency_is_what_search_finds(news):
    vocabulary = {t for ic in FIRE + QUAKE + STRIKE for t in (ic.terms + " " + ic.context_terms).split()}
    df = news.term_stats(vocabulary).df
    assert df == {t: len(found(news, any_terms=(t,))) for t in vocabulary}


def test_similar_terms_most_frequent_first_then_alphabetical(news):
    assert news.similar_terms("w") == [("wildfir", 2), ("wind", 2)]
    assert news.similar_terms("wi", 1) == [("wildfir", 2)]
    assert news.similar_terms("", 3) == [("redbud", 3), ("magnitud", 2), ("quake", 2)]
    assert news.similar_terms("x") == []


def test_topics_by_mentions_any_case(news):
    assert news.topics("") == ["Redbud", "Cal Fire", "Port of Mobile", "USGS", "Élysée"]
    assert news.topics("RED") == ["Redbud"]
    assert news.topics("p") == ["Port of Mobile"]
    assert news.topics("él") == ["Élysée"]
    assert news.topics("", limit=2) == ["Redbud", "Cal Fire"]
    assert news.topics("%") == [] and news.topics("_") == []


# -- search -----------------------------------------------------------------------------------

def test_search_any_all_newest_first(news):
    assert found(news, any_terms=("redbud",)) == ["quake:0", "fire:1", "fire:0"]  # in terms or context
    assert found(news, any_terms=("order", "union")) == ["strike:0", "fire:1"]
    assert found(news, all_terms=("wildfir", "redbud")) == ["fire:1", "fire:0"]
    assert found(news, any_terms=("quake", "wind"), all_terms=("magnitud",)) == ["quake:1", "quake:0"]
    assert found(news, any_terms=("absent",)) == []
    assert found(news) == []


def test_search_within_documents_since_and_limit(news):
    assert found(news, any_terms=("redbud",), doc_ids=("fire",)) == ["fire:1", "fire:0"]
    assert found(news, any_terms=("redbud",), doc_ids=()) == []
    assert found(news, any_terms=("redbud",), since=T0 + timedelta(minutes=5)) == ["quake:0"]
    assert found(news, any_terms=("redbud",), limit=2) == ["quake:0", "fire:1"]


def test_search_returns_whole_claims_with_or_without_vectors(news):
    hit = news.search(ClaimQuery(any_terms=("spread",), all_terms=("wind",)))
    assert ids(hit) == ["fire:0"]
    assert hit[0] == FIRE[0]  # claim, terms and context (vectors are not compared)
    assert hit[0].claim == FIRE[0].claim
    assert hit[0].vector.dtype == np.float32
    assert news.search(ClaimQuery(any_terms=("spread",), with_vectors=False))[0].vector is None


def test_match_gives_the_same_claims_as_references(news):
    query = ClaimQuery(any_terms=("redbud",))
    refs = news.match(query)
    assert [r.id for r in refs] == ids(news.search(query)) == ["quake:0", "fire:1", "fire:0"]
    assert refs[1] == ClaimRef.of(FIRE[1])  # id, document, position, terms and context
    assert np.array_equal(refs[1].vector, news.search(query)[1].vector)
    assert news.match(ClaimQuery(any_terms=("redbud",), with_vectors=False))[0].vector is None


def test_refs_of_and_claims_by_id(news):
    assert [r.id for r in news.refs_of(["quake", "fire"])] == ids(news.claims_of(["quake", "fire"]))
    assert news.refs_of(["fire"], with_vectors=False)[0].vector is None
    got = news.claims_by_id(["fire:1", "quake:0", "nope"])
    assert set(got) == {"fire:1", "quake:0"} and got["fire:1"] == FIRE[1].claim
    assert news.claims_by_id([]) == {}


def test_search_with_a_generous_deadline_finds_everything(news):
    assert found(news, any_terms=("redbud",), deadline=time.monotonic() + 30) == ["quake:0", "fire:1", "fire:0"]


def test_search_past_its_deadline_returns_without_error(news):
    started = time.monotonic()
    hits = found(news, any_terms=("redbud",), deadline=started - 1)
    assert set(hits) <= {"quake:0", "fire:1", "fire:0"}
    assert time.monotonic() - started < 1


def test_search_terms_are_never_query_syntax(news):
    """Terms are words: one holding punctuation matches as the words in it, never as an operator;
    one with no letters or digits matches nothing."""
    redbud = ["quake:0", "fire:1", "fire:0"]
    for odd in ["!redbud", "redbud:*", "Redbud"]:
        assert found(news, any_terms=(odd,)) == redbud
    for odd in ["'", "\\", "(", "&", "\"", "*", "", "redbud OR wind", "a' | 'redbud", "redb:*", "red bud"]:
        assert found(news, any_terms=(odd,)) == []
        assert found(news, all_terms=(odd, "redbud")) == []
        assert found(news, any_terms=(odd, "wind")) == ["fire:2", "fire:0"]


# -- claims and vectors -------------------------------------------------------------------------

def test_claims_of_in_document_then_sequence_order(news):
    assert ids(news.claims_of(["quake", "fire", "quake"])) == ["fire:0", "fire:1", "fire:2", "quake:0", "quake:1"]
    assert news.claims_of(["fire"])[1] == FIRE[1]  # with its quantities, hedges, dates, entities
    assert news.claims_of(["quake"], with_vectors=False)[0].vector is None
    assert news.claims_of([]) == []


def test_vectors_round_trip_as_float16(news):
    (first, *_) = news.claims_of(["fire"])
    expected = np.array([0.1, 0.2, 0.3], np.float16).astype(np.float32)
    assert first.vector.dtype == np.float32
    assert np.array_equal(first.vector, expected)
    assert news.claims_of(["fire"])[1].vector is None


def test_nearest_documents_by_mean_vector(news):
    q = np.array([1, 0, 0], np.float32)
    hits = news.nearest_documents(q, 3)
    assert [h.doc_id for h in hits] == ["fire", "strike", "quake"]
    assert [h.score for h in hits] == [1.0, float(np.float16(0.6)), 0.0]
    assert [h.doc_id for h in news.nearest_documents(q, 1)] == ["fire"]
    assert [h.doc_id for h in news.nearest_documents(q, 3, since=T0 + timedelta(minutes=5))] == ["strike", "quake"]
    assert news.nearest_documents(np.array([1, 0], np.float32), 3) == []  # another model's width


def test_nearest_documents_sees_new_documents(news):
    q = np.array([0, 0, 1], np.float32)
    assert news.nearest_documents(q, 1)[0].score == 0.0
    put(news, document("flood", 40), [claim("flood", 0, "flood")], vector=[0, 0, 1])
    assert news.nearest_documents(q, 1) == [DocumentHit("flood", 1.0)]
    news.remove_document("flood")
    assert [h.doc_id for h in news.nearest_documents(q, 5)] == ["fire", "quake", "strike"]


# -- concurrency ----------------------------------------------------------------------------------

def run_together(*calls):
    """Run the calls in threads started at once; their results (or exceptions), in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as e:  # reported, not swallowed: the test asserts there are none
            results[i] = e

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_stores_putting_the_same_document_at_once(store_url):
    stores = [open_store(store_url), open_store(store_url)]
    try:
        for n in range(3):
            doc = document(f"doc{n}", n)
            claims = [claim(doc.id, 0, f"same term{n}", "", ("Same",))]
            results = run_together(*(lambda s=s: put(s, doc, claims) for s in stores))
            assert sorted(results, key=str) == [False, True], results
        stats = stores[0].term_stats(["same"])
        assert (stats.claims, stats.df) == (3, {"same": 3})
        assert stores[1].topics("s") == ["Same"]
    finally:
        for s in stores:
            s.close()


def test_concurrent_writers_keep_exact_counts(store_url):
    """Four writers put, replace and remove documents whose terms overlap in every order."""
    words = ["alpha", "bravo", "charlie", "delta", "echo"]
    stores = [open_store(store_url) for _ in range(4)]

    def writer(w: int, s) -> None:
        for n in range(6):
            name = f"w{w}d{n}"
            order = words[w % 5:] + words[:w % 5]
            claims = [claim(name, i, " ".join(order[i:] if (w + n) % 2 else reversed(order[i:])), order[n % 5],
                            (order[i].title(),)) for i in range(3)]
            put(s, document(name, n), claims)
            if n % 3 == 2:
                assert s.remove_document(name)
    try:
        assert run_together(*(lambda w=w, s=s: writer(w, s) for w, s in enumerate(stores))) == [None] * 4
        # what must be left: every writer's documents 0, 1, 3, 4
        df: Counter[str] = Counter()
        terms = context = claims = 0
        for w in range(4):
            order = words[w % 5:] + words[:w % 5]
            for n in (0, 1, 3, 4):
                for i in range(3):
                    own = order[i:]
                    df.update(set(own) | {order[n % 5]})
                    terms, context, claims = terms + len(own), context + 1, claims + 1
        stats = stores[0].term_stats(words)
        assert (stats.claims, stats.avg_terms, stats.avg_context) == (claims, terms / claims, context / claims)
        assert stats.df == {w: df[w] for w in words}
    finally:
        for s in stores:
            s.close()


def test_two_processes_ingesting_the_same_files(store_url, tmp_path):
    """`briefbot ingest` run twice at once: no errors, every article stored once."""
    articles = ROOT / "tests" / "data" / "unseen"
    env = {**os.environ, "BRIEFBOT_DATABASE_URL": store_url, "BRIEFBOT_AUTO_SEED": "false",
           "BRIEFBOT_MODEL__ENABLED": "false", "BRIEFBOT_DATA_DIR": str(tmp_path)}
    procs = [subprocess.Popen([sys.executable, "-m", "bot.cli", "ingest", str(articles)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    added = sum(int(m) for out, _ in outputs for m in re.findall(r"(\d+) added", out))
    assert added == 3, outputs
    store = open_store(store_url)
    try:
        assert len(store.documents()) == 3
    finally:
        store.close()
