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
    many = tuple(f"absent-{n}" for n in range(40_000)) + ("fire",)  # more than SQLite allows as parameters
    assert found(news, any_terms=("redbud",), doc_ids=many) == ["fire:1", "fire:0"]
    assert [r.id for r in news.match(ClaimQuery(any_terms=("redbud",), doc_ids=many))] == ["fire:1", "fire:0"]
    assert found(news, any_terms=("redbud",), since=T0 + timedelta(minutes=5)) == ["quake:0"]
    assert found(news, any_terms=("redbud",), limit=2) == ["quake:0", "fire:1"]
    # every term, newest first, up to the limit (a term in the context counts; order of terms does not)
    assert found(news, all_terms=("redbud", "wildfir"), limit=1) == ["fire:1"]
    assert found(news, all_terms=("redbud", "wildfir", "absent")) == []
    assert found(news, all_terms=("redbud",)) == ["quake:0", "fire:1", "fire:0"]


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
    # among given documents only (a channel's story); ids the store does not hold are no matter
    assert [h.doc_id for h in news.nearest_documents(q, 3, within={"quake", "gone"})] == ["quake"]
    assert [h.doc_id for h in news.nearest_documents(q, 3, within=["quake", "strike"])] == ["strike", "quake"]
    assert news.nearest_documents(q, 3, within=()) == []
    assert [h.doc_id for h in news.nearest_documents(q, 3, since=T0 + timedelta(minutes=5), within={"quake", "fire"})
            ] == ["quake"]


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


# -- subscriptions ---------------------------------------------------------------------------------

from briefings.subscriptions import SlotOutcome, new_subscription  # noqa: E402

LEASE = timedelta(minutes=10)


def subscribe(store, channel="C0123ABCD", at="08:30", tz="Europe/London", now=T0, **kw):
    return store.add_subscription(new_subscription(platform="slack", channel=channel, at_time=at, tz=tz, **kw), now)


def test_a_subscription_comes_back_as_it_went_in(store):
    made = subscribe(store, topic="Port strike", quiet=True, workspace="T1", created_by="U1")
    assert made.created
    sub = made.subscription
    assert (sub.platform, sub.workspace, sub.channel, sub.kind, sub.at_time, sub.timezone, sub.topic, sub.quiet,
            sub.enabled, sub.disabled_reason, sub.created_by, sub.created_at, sub.last_delivered_at,
            sub.last_answer) == ("slack", "T1", "C0123ABCD", "briefing", "08:30", "Europe/London", "Port strike",
                                 True, True, None, "U1", T0, None, None)
    assert store.subscription(sub.id) == sub
    assert store.subscription(sub.id + 100) is None


def test_the_same_subscription_twice_is_one_subscription(store):
    first = subscribe(store, topic="Port strike").subscription
    again = subscribe(store, topic="  port   STRIKE ", now=T0 + timedelta(hours=1), quiet=True)
    assert not again.created and again.subscription == first
    assert subscribe(store, topic="Port strike", at="09:00").created  # another time
    assert subscribe(store, topic="Port strike", tz="Europe/Paris").created  # another zone
    assert subscribe(store, question="port strike?").created  # a standing question is another kind
    assert subscribe(store).created  # no topic
    assert subscribe(store, channel="C0999ZZZZ", topic="Port strike").created  # another channel
    assert len(store.subscriptions()) == 6
    store.disable_subscription(first.id, "channel_not_found")
    renewed = subscribe(store, topic="Port strike")  # a disabled one does not count
    assert renewed.created and renewed.subscription.id != first.id


def test_subscriptions_by_platform_channel_and_state(store):
    a = subscribe(store).subscription
    b = subscribe(store, channel="C0999ZZZZ").subscription
    d = store.add_subscription(new_subscription(platform="discord", channel="1100000000000000004", at_time="07:00",
                                                tz="UTC"), T0).subscription
    assert [s.id for s in store.subscriptions()] == [a.id, b.id, d.id]
    assert [s.id for s in store.subscriptions("slack")] == [a.id, b.id]
    assert [s.id for s in store.subscriptions("slack", "C0999ZZZZ")] == [b.id]
    store.disable_subscription(a.id, "gone")
    assert store.subscription(a.id).disabled_reason == "gone" and not store.subscription(a.id).enabled
    assert [s.id for s in store.subscriptions(enabled_only=True)] == [b.id, d.id]
    assert store.remove_subscription(b.id) is True
    assert store.remove_subscription(b.id) is False
    assert [s.id for s in store.subscriptions()] == [a.id, d.id]


# -- delivery records ------------------------------------------------------------------------------

def test_a_slot_is_claimed_once_and_taken_over_only_after_its_lease(store):
    sub = subscribe(store).subscription
    due = T0
    assert store.claim_slot(sub.id, "2026-03-01T08:30", due, "a", T0, LEASE)
    assert not store.claim_slot(sub.id, "2026-03-01T08:30", due, "b", T0 + timedelta(minutes=9), LEASE)
    assert not store.claim_slot(sub.id, "2026-03-01T08:30", due, "a", T0 + timedelta(minutes=1), LEASE)  # never twice
    assert store.renew_slot(sub.id, "2026-03-01T08:30", "a", T0 + timedelta(minutes=9))
    assert not store.renew_slot(sub.id, "2026-03-01T08:30", "b", T0 + timedelta(minutes=9))
    assert not store.claim_slot(sub.id, "2026-03-01T08:30", due, "b", T0 + timedelta(minutes=18), LEASE)
    assert store.claim_slot(sub.id, "2026-03-01T08:30", due, "b", T0 + timedelta(minutes=20), LEASE)
    d = store.delivery(sub.id, "2026-03-01T08:30")
    assert (d.status, d.owner, d.attempts, d.claimed_at, d.due_at) == ("claimed", "b", 2, T0 + timedelta(minutes=20),
                                                                         due)
    # the owner that lost its claim can no longer finish it
    assert not store.finish_slot(sub.id, "2026-03-01T08:30", "a", SlotOutcome("done"), T0 + timedelta(minutes=21))
    assert not store.renew_slot(sub.id, "2026-03-01T08:30", "a", T0 + timedelta(minutes=21))
    assert store.finish_slot(sub.id, "2026-03-01T08:30", "b", SlotOutcome("done"), T0 + timedelta(minutes=21))
    assert not store.claim_slot(sub.id, "2026-03-01T08:30", due, "c", T0 + timedelta(days=1), LEASE)  # done is done
    d = store.delivery(sub.id, "2026-03-01T08:30")
    assert (d.status, d.owner, d.finished_at) == ("done", "b", T0 + timedelta(minutes=21))


def test_a_failed_slot_is_retried_a_few_times(store):
    sub = subscribe(store).subscription
    for attempt, owner in enumerate("abc", 1):
        assert store.claim_slot(sub.id, "s", T0, owner, T0, LEASE, max_attempts=3)
        assert store.finish_slot(sub.id, "s", owner, SlotOutcome("failed", "HTTP 500"), T0)
        assert store.delivery(sub.id, "s").attempts == attempt
    assert not store.claim_slot(sub.id, "s", T0, "d", T0, LEASE, max_attempts=3)
    assert store.delivery(sub.id, "s").detail == "HTTP 500"


def test_finishing_records_the_last_delivery_with_the_slot(store):
    sub = subscribe(store, question="troop estimates?").subscription
    assert store.claim_slot(sub.id, "s1", T0, "a", T0, LEASE)
    assert store.finish_slot(sub.id, "s1", "a", SlotOutcome("done", delivered_at=T0, answer={"quotes": ["q1"]}), T0)
    assert store.claim_slot(sub.id, "s2", T0 + timedelta(days=1), "b", T0 + timedelta(days=1), LEASE)
    assert store.finish_slot(sub.id, "s2", "b", SlotOutcome("skipped"), T0 + timedelta(days=1))
    got = store.subscription(sub.id)
    assert (got.last_delivered_at, got.last_answer) == (T0, {"quotes": ["q1"]})
    later = T0 + timedelta(days=2)
    assert store.claim_slot(sub.id, "s3", later, "b", later, LEASE)
    assert store.finish_slot(sub.id, "s3", "b", SlotOutcome("done", delivered_at=later), later)
    got = store.subscription(sub.id)
    assert (got.last_delivered_at, got.last_answer) == (later, {"quotes": ["q1"]})  # an answer is kept until replaced
    assert [d.slot for d in store.deliveries(sub.id)] == ["s1", "s2", "s3"]
    assert store.latest_delivery(sub.id).slot == "s3"
    assert store.latest_delivery(subscribe(store, at="10:00").subscription.id) is None


def test_a_missed_slot_is_recorded_once_and_never_over_a_live_claim(store):
    sub = subscribe(store).subscription
    assert store.record_missed(sub.id, "s1", T0, "a", T0 + timedelta(hours=2), LEASE, "late")
    assert not store.record_missed(sub.id, "s1", T0, "b", T0 + timedelta(hours=2), LEASE, "late")
    assert not store.claim_slot(sub.id, "s1", T0, "b", T0 + timedelta(hours=2), LEASE)
    assert store.claim_slot(sub.id, "s2", T0, "a", T0, LEASE)
    assert not store.record_missed(sub.id, "s2", T0, "b", T0 + timedelta(minutes=5), LEASE, "late")
    assert store.record_missed(sub.id, "s2", T0, "b", T0 + timedelta(minutes=11), LEASE, "late")
    assert [(d.slot, d.status, d.detail) for d in store.deliveries(sub.id)] == [("s1", "missed", "late"),
                                                                                 ("s2", "missed", "late")]


def test_no_claims_for_a_removed_or_disabled_subscription(store):
    sub = subscribe(store).subscription
    other = subscribe(store, at="09:00").subscription
    store.disable_subscription(sub.id, "gone")
    assert not store.claim_slot(sub.id, "s", T0, "a", T0, LEASE)
    store.remove_subscription(other.id)
    assert not store.claim_slot(other.id, "s", T0, "a", T0, LEASE)
    assert not store.record_missed(other.id, "s", T0, "a", T0, LEASE, "late")
    assert store.deliveries(other.id) == []


def test_removing_a_subscription_removes_its_deliveries(store):
    sub = subscribe(store).subscription
    assert store.claim_slot(sub.id, "s", T0, "a", T0, LEASE)
    store.remove_subscription(sub.id)
    assert store.deliveries(sub.id) == [] and store.delivery(sub.id, "s") is None


def test_stores_claiming_one_slot_at_once_give_it_to_one(store_url, store):
    sub = subscribe(store).subscription
    stores = [open_store(store_url) for _ in range(4)]
    try:
        for n in range(5):
            slot = f"2026-03-0{n + 1}T08:30"
            got = run_together(*(lambda s=s, i=i: s.claim_slot(sub.id, slot, T0, f"owner{i}", T0, LEASE)
                                 for i, s in enumerate(stores)))
            assert sorted(got) == [False, False, False, True], got
    finally:
        for s in stores:
            s.close()


# -- seen events and leases -------------------------------------------------------------------------

def test_an_event_is_seen_first_once(store):
    keep = timedelta(hours=1)
    assert store.first_sight("slack:event:Ev1", T0, keep)
    assert not store.first_sight("slack:event:Ev1", T0 + timedelta(minutes=5), keep)
    assert store.first_sight("slack:event:Ev2", T0 + timedelta(minutes=5), keep)
    assert store.first_sight("slack:event:Ev1", T0 + timedelta(hours=2), keep)  # forgotten after ``keep``


def test_stores_seeing_one_event_at_once_give_it_to_one(store_url, store):
    stores = [open_store(store_url) for _ in range(4)]
    try:
        for n in range(5):
            got = run_together(*(lambda s=s: s.first_sight(f"Ev{n}", T0, timedelta(hours=1)) for s in stores))
            assert sorted(got) == [False, False, False, True], got
    finally:
        for s in stores:
            s.close()


def test_a_lease_has_one_holder_until_it_expires_or_is_released(store):
    ttl = timedelta(seconds=15)
    assert store.lease_holder("gateway", T0) is None
    assert store.hold_lease("gateway", "a", T0, ttl)
    assert not store.hold_lease("gateway", "b", T0 + timedelta(seconds=14), ttl)
    assert store.hold_lease("gateway", "a", T0 + timedelta(seconds=10), ttl)  # renewed: now until T0 + 25 s
    assert not store.hold_lease("gateway", "b", T0 + timedelta(seconds=20), ttl)
    assert store.lease_holder("gateway", T0 + timedelta(seconds=20)) == "a"
    assert store.lease_holder("gateway", T0 + timedelta(seconds=25)) is None
    assert store.hold_lease("gateway", "b", T0 + timedelta(seconds=25), ttl)  # expired: taken over
    assert not store.hold_lease("gateway", "a", T0 + timedelta(seconds=26), ttl)
    store.release_lease("gateway", "a")  # not the holder: changes nothing
    assert store.lease_holder("gateway", T0 + timedelta(seconds=26)) == "b"
    store.release_lease("gateway", "b")
    assert store.hold_lease("gateway", "a", T0 + timedelta(seconds=27), ttl)
    assert store.hold_lease("other", "b", T0 + timedelta(seconds=27), ttl)  # names are independent


def test_stores_taking_one_lease_at_once_give_it_to_one(store_url, store):
    stores = [open_store(store_url) for _ in range(4)]
    try:
        got = run_together(*(lambda s=s, i=i: s.hold_lease("gateway", f"h{i}", T0, timedelta(seconds=15))
                             for i, s in enumerate(stores)))
        assert sorted(got) == [False, False, False, True], got
    finally:
        for s in stores:
            s.close()


def _store_before_subscriptions_were_unique(store_url: str) -> None:
    """The schema as shipped before subscriptions were unique, holding duplicate subscriptions."""
    rows = [("C1", "08:30", "Ukraine"), ("C1", "08:30", "ukraine "), ("C1", "08:30", "UKRAINE"), ("C1", "09:00", None),
            ("C2", "08:30", "Ukraine")]
    insert = ("INSERT INTO subscriptions (platform, channel, kind, at_time, timezone, topic, created_at)"
              " VALUES ('slack', {p}, 'briefing', {p}, 'Europe/London', {p}, '2026-01-01T00:00:00+00:00')")
    if store_url.startswith("sqlite:"):
        import sqlite3

        from briefings.store.sqlite.schema import MIGRATIONS

        conn = sqlite3.connect(store_url[len("sqlite:///"):])
        for version in (1, 2, 3, 4):
            conn.executescript(";\n".join(MIGRATIONS[version]) + ";")
        conn.execute("PRAGMA user_version=4")
        conn.executemany(insert.format(p="?"), rows)
        conn.commit()
        conn.close()
    else:
        import psycopg

        from briefings.store.postgres.schema import MIGRATIONS

        with psycopg.connect(store_url) as conn:
            for statement in MIGRATIONS[1]:
                conn.execute(statement)
            conn.execute("CREATE TABLE schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL"
                         " DEFAULT now())")
            conn.execute("INSERT INTO schema_version (version) VALUES (1)")
            conn.cursor().executemany(insert.format(p="%s"), rows)


def test_upgrading_keeps_the_first_of_duplicate_subscriptions_and_disables_the_rest(store_url):
    _store_before_subscriptions_were_unique(store_url)
    store = open_store(store_url)
    try:
        subs = store.subscriptions()
        assert [(s.id, s.enabled, s.disabled_reason) for s in subs] == [
            (1, True, None), (2, False, "duplicate of #1"), (3, False, "duplicate of #1"), (4, True, None),
            (5, True, None)]
        assert not subscribe(store, channel="C1", topic="Ukraine").created
    finally:
        store.close()


# -- followed feeds -------------------------------------------------------------------------

def follow(store, url="https://news.example/feed.xml", channel="C0123ABCD", every=900, now=T0):
    from briefings.feeds import new_feed

    return store.add_feed(new_feed(url=url, every_seconds=every, platform="slack" if channel else "",
                                   channel=channel or "", created_by="U1"), now)


def test_a_feed_comes_back_as_it_went_in_and_is_due_at_once(store):
    added = follow(store)
    f = added.feed
    assert added.created and f.id >= 1
    assert (f.url, f.platform, f.channel, f.every_seconds, f.created_by) == (
        "https://news.example/feed.xml", "slack", "C0123ABCD", 900, "U1")
    assert (f.polls, f.failures, f.alerted, f.etag, f.next_poll_at, f.created_at) == (0, 0, False, None, T0, T0)
    assert store.feed(f.id) == f
    assert [x.id for x in store.due_feeds(T0)] == [f.id]
    assert store.due_feeds(T0 - timedelta(seconds=1)) == []


def test_the_same_feed_twice_in_a_channel_is_one_feed(store):
    first = follow(store)
    again = follow(store, every=60)
    other = follow(store, channel="C0999ZZZZ")
    cli = follow(store, channel=None)
    assert not again.created and again.feed.id == first.feed.id and again.feed.every_seconds == 900
    assert other.created and cli.created
    assert [f.id for f in store.feeds("slack", "C0123ABCD")] == [first.feed.id]
    assert [f.id for f in store.feeds()] == [first.feed.id, other.feed.id, cli.feed.id]
    assert [f.id for f in store.feeds("", "")] == [cli.feed.id]
    assert store.remove_feed(other.feed.id) and not store.remove_feed(other.feed.id)
    assert store.feed(other.feed.id) is None


def test_entries_keep_their_latest_version_and_go_with_their_feed(store):
    f = follow(store).feed
    store.record_entry(f.id, "a", "v1", url="https://news.example/a", doc_id="d1", status="added", detail=None, now=T0)
    store.record_entry(f.id, "b", "v1", url=None, doc_id=None, status="failed", detail="404", now=T0)
    store.record_entry(f.id, "a", "v2", url="https://news.example/a", doc_id="d2", status="replaced", detail=None,
                       now=T0)
    assert store.entry_versions(f.id, ["a", "b", "c"]) == {"a": "v2", "b": "v1"}
    store.remove_feed(f.id)
    store.record_entry(f.id, "z", "v1", url=None, doc_id=None, status="added", detail=None, now=T0)  # gone: nothing
    assert store.entry_versions(f.id, ["a", "z"]) == {}


def test_a_channels_documents_are_those_linked_to_it_until_removed(news):
    assert news.channel_documents("slack", "C1") == []
    news.link_documents("slack", "C1", ["quake", "fire", "quake"], T0)
    news.link_documents("slack", "C1", ["fire", "absent"], T0 + timedelta(minutes=1))  # again: kept as first linked
    news.link_documents("discord", "C1", ["strike"], T0)
    assert news.channel_documents("slack", "C1") == ["fire", "quake"]  # in the order linked, then by id
    assert news.channel_documents("discord", "C1") == ["strike"] and news.channel_documents("slack", "C2") == []
    news.remove_document("fire")
    assert news.channel_documents("slack", "C1") == ["quake"]
    # a new version of a document is linked anew by whoever ingests it (it has a new id)


def test_failures_alert_once_and_recovery_is_told_once(store):
    f = follow(store).feed
    later = T0 + timedelta(minutes=15)
    r = [store.finish_poll(f.id, T0, ok=False, error="not found (HTTP 404)", next_poll_at=later, alert_after=3)
         for _ in range(5)]
    assert [x.alert for x in r] == [False, False, True, False, False]
    assert (r[-1].feed.failures, r[-1].feed.last_error, r[-1].feed.alerted) == (5, "not found (HTTP 404)", True)
    assert r[-1].feed.next_poll_at == later and r[-1].feed.polls == 0
    quiet = store.finish_poll(f.id, T0, ok=True, next_poll_at=later, notify=False)  # the command line: not told
    assert not quiet.recovered and quiet.feed.alerted and quiet.feed.failures == 0
    ok = store.finish_poll(f.id, later, ok=True, next_poll_at=later + timedelta(minutes=15), etag='"e1"',
                           last_modified="Mon, 03 Jun 2024 06:00:00 GMT", title="Wire")
    assert ok.recovered and not ok.alert
    assert (ok.feed.alerted, ok.feed.etag, ok.feed.last_modified, ok.feed.title, ok.feed.polls, ok.feed.last_ok_at) == (
        False, '"e1"', "Mon, 03 Jun 2024 06:00:00 GMT", "Wire", 2, later)
    kept = store.finish_poll(f.id, later, ok=True, next_poll_at=later)  # a 304 without validators keeps them
    assert (kept.recovered, kept.feed.etag, kept.feed.title) == (False, '"e1"', "Wire")


def test_stores_failing_one_feed_at_once_alert_once(store_url, store):
    f = follow(store, every=60).feed
    stores = [open_store(store_url) for _ in range(4)]
    try:
        records = run_together(*[
            (lambda s=s: [s.finish_poll(f.id, T0, ok=False, error="timed out", next_poll_at=T0, alert_after=3)
                          for _ in range(3)]) for s in stores])
    finally:
        for s in stores:
            s.close()
    assert sum(r.alert for rs in records for r in rs) == 1
    assert store.feed(f.id).failures == 12


def test_documents_by_ref_and_before(news):
    store = news
    assert [d.id for d in store.documents_by_ref("fire")] == ["fire"]
    assert [d.id for d in store.documents_by_ref("/news/quake.txt")] == ["quake"]
    assert [d.id for d in store.documents_by_ref("https://example.org/strike")] == ["strike"]
    assert store.documents_by_ref("nothing") == []
    assert [d.id for d in store.documents_before(T0 + timedelta(minutes=15))] == ["fire", "quake"]
