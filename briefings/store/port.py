"""The storage port: what the core asks of any store, in the core's own terms.

Requests and results are small typed values. The core never writes a backend's query
syntax: it names analysed terms (``briefings.text.terms``), documents, a time and a limit,
and gets back claims with their index terms and vectors, which it scores itself, so every
backend answers the same way. Beside the claims, the store keeps what several processes on
one database must agree on (``ScheduleRecords``): channel subscriptions, the delivery record
of each slot, chat events already seen, and named leases. SQLite and PostgreSQL implement
``Store``; one contract test suite (``tests/test_store_contract.py``) runs against both.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from typing import Any, Collection, Iterable, Mapping, Protocol, Sequence

import numpy as np

from ..feeds import Feed, FeedAdded, NewFeed, PollRecord
from ..subscriptions import Delivery, NewSubscription, SlotOutcome, Subscribed, Subscription
from ..types import Claim, Document, Quantity


@dataclass(frozen=True)
class IndexedClaim:
    """A claim as the store keeps it and returns it: with its index terms and its vector.

    ``terms`` are the analysed terms of the claim's own text; ``context_terms`` those of its
    neighbours, its document's title and its speaker, so a search also finds a claim by what
    stands around it. ``vector`` is the claim's sentence embedding (L2-normalised), if any.
    """

    claim: Claim
    terms: str
    context_terms: str = ""
    vector: np.ndarray | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ClaimRef:
    """A claim as far as ranking needs it: where it stands, what it is found by, and its vector.
    Cheap to fetch by the thousand; the claim itself comes later, for the few that rank high
    (``claims_by_id``)."""

    id: str
    doc_id: str
    seq: int
    terms: str
    context_terms: str = ""
    vector: np.ndarray | None = field(default=None, compare=False)

    @cached_property
    def tokens(self) -> tuple[list[str], list[str]]:
        """Its terms and its context's, split once, when first needed (ranking reads them several
        times, but most claims fetched never need them)."""
        return self.terms.split(), self.context_terms.split()

    @classmethod
    def of(cls, item: IndexedClaim) -> "ClaimRef":
        c = item.claim
        return cls(c.id, c.doc_id, c.seq, item.terms, item.context_terms, item.vector)


@dataclass(frozen=True)
class TermStats:
    """Collection statistics for BM25: how many claims, their average lengths, and each term's
    document frequency (claims whose terms or context contain it)."""

    claims: int
    avg_terms: float
    avg_context: float
    df: Mapping[str, int]


@dataclass(frozen=True)
class ClaimQuery:
    """Which claims to fetch. A claim matches when it has any of ``any_terms`` (if given) and
    all of ``all_terms``, in its terms or its context, within ``doc_ids`` and ``since`` if given.
    At most ``limit`` come back, newest first; past ``deadline`` (a ``time.monotonic()``
    value) the store returns what it has found so far."""

    any_terms: tuple[str, ...] = ()
    all_terms: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] | None = None
    since: datetime | None = None
    limit: int = 1000
    deadline: float | None = None
    with_vectors: bool = True


@dataclass(frozen=True)
class DocumentHit:
    """A document close to a vector: cosine similarity of the vector and the document's mean claim vector."""

    doc_id: str
    score: float


class ClaimStore(Protocol):
    """What the core needs from a claim store."""

    # documents
    def document_by_hash(self, content_hash: str) -> Document | None: ...
    def document_by_key(self, source_key: str) -> Document | None: ...
    def put_document(self, doc: Document, claims: Sequence[IndexedClaim], *, source_key: str,
                     replaces: str | None, vector: np.ndarray | None, extractor_version: int,
                     model: str | None) -> bool: ...
    def replace_claims(self, doc_id: str, claims: Sequence[IndexedClaim], *, vector: np.ndarray | None,
                       extractor_version: int, model: str | None) -> None: ...
    def remove_document(self, doc_id: str) -> bool: ...
    def documents_by_ref(self, ref: str) -> list[Document]: ...
    def documents_before(self, cutoff: datetime) -> list[Document]: ...
    def documents(self, since: datetime | None = None) -> list[Document]: ...
    def documents_by_id(self, ids: Iterable[str]) -> dict[str, Document]: ...
    def stale_documents(self, extractor_version: int, model: str | None) -> list[Document]: ...
    # claims
    def claim_count(self) -> int: ...
    def term_stats(self, terms: Iterable[str]) -> TermStats: ...
    def similar_terms(self, prefix: str, limit: int = 50) -> list[tuple[str, int]]: ...
    def search(self, query: ClaimQuery) -> list[IndexedClaim]: ...
    def match(self, query: ClaimQuery) -> list[ClaimRef]: ...
    def claims_of(self, doc_ids: Iterable[str], with_vectors: bool = True) -> list[IndexedClaim]: ...
    def refs_of(self, doc_ids: Iterable[str], with_vectors: bool = True) -> list[ClaimRef]: ...
    def claims_by_id(self, ids: Iterable[str]) -> dict[str, Claim]: ...
    def nearest_documents(self, vector: np.ndarray, k: int, since: datetime | None = None,
                          within: Collection[str] | None = None) -> list[DocumentHit]: ...
    def topics(self, prefix: str, limit: int = 25) -> list[str]: ...
    def close(self) -> None: ...


class ScheduleRecords(Protocol):
    """What several processes on one store agree on. Every method is one transaction; times
    are aware datetimes from the caller's clock (so tests can move it), compared in UTC."""

    # subscriptions: at most one enabled subscription per (platform, channel, kind, time, zone, topic)
    def add_subscription(self, new: NewSubscription, now: datetime) -> Subscribed: ...
    def subscription(self, sub_id: int) -> Subscription | None: ...
    def subscriptions(self, platform: str | None = None, channel: str | None = None,
                      enabled_only: bool = False) -> list[Subscription]: ...
    def remove_subscription(self, sub_id: int) -> bool: ...
    def disable_subscription(self, sub_id: int, reason: str) -> None: ...
    # deliveries: one record per (subscription, slot); whoever inserts or takes it over posts
    def claim_slot(self, sub_id: int, slot: str, due_at: datetime, owner: str, now: datetime, lease: timedelta,
                   max_attempts: int = 3) -> bool: ...
    def renew_slot(self, sub_id: int, slot: str, owner: str, now: datetime) -> bool: ...
    def finish_slot(self, sub_id: int, slot: str, owner: str, outcome: SlotOutcome, now: datetime) -> bool: ...
    def record_missed(self, sub_id: int, slot: str, due_at: datetime, owner: str, now: datetime, lease: timedelta,
                      detail: str) -> bool: ...
    def delivery(self, sub_id: int, slot: str) -> Delivery | None: ...
    def deliveries(self, sub_id: int) -> list[Delivery]: ...
    def latest_delivery(self, sub_id: int) -> Delivery | None: ...
    # chat events: True the first time a key is seen (keys are kept for ``keep``)
    def first_sight(self, key: str, now: datetime, keep: timedelta) -> bool: ...
    # leases: a name held by one holder until it expires or is released
    def hold_lease(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool: ...
    def release_lease(self, name: str, holder: str) -> None: ...
    def lease_holder(self, name: str, now: datetime) -> str | None: ...


class FeedRecords(Protocol):
    """Followed feeds and the entries read from them. Every method is one transaction."""

    # at most one feed per (url, platform, channel); a new one is due at once
    def add_feed(self, new: NewFeed, now: datetime) -> FeedAdded: ...
    def feed(self, feed_id: int) -> Feed | None: ...
    def feeds(self, platform: str | None = None, channel: str | None = None) -> list[Feed]: ...
    def remove_feed(self, feed_id: int) -> bool: ...
    def due_feeds(self, now: datetime) -> list[Feed]: ...
    # entries: the version last read of each key (an edited entry comes with a new version)
    def entry_versions(self, feed_id: int, keys: Sequence[str]) -> dict[str, str]: ...
    def record_entry(self, feed_id: int, key: str, version: str, *, url: str | None, doc_id: str | None,
                     status: str, detail: str | None, now: datetime) -> None: ...
    # the end of a poll: counts, conditional-GET validators, the next poll; whether this
    # caller sends the one alert (``failures`` reached ``alert_after``) or the recovery notice
    def finish_poll(self, feed_id: int, now: datetime, *, ok: bool, next_poll_at: datetime, error: str | None = None,
                    etag: str | None = None, last_modified: str | None = None, title: str | None = None,
                    alert_after: int = 3, notify: bool = True) -> PollRecord: ...
    # the documents read for a channel (its feeds' entries, pages added there): its story
    def link_documents(self, platform: str, channel: str, doc_ids: Sequence[str], now: datetime) -> None: ...
    def channel_documents(self, platform: str, channel: str) -> list[str]: ...


class Store(ClaimStore, ScheduleRecords, FeedRecords, Protocol):
    """The whole port: what ``BriefingService`` is given."""


# -- encodings shared by the backends ----------------------------------------------------

def vector_bytes(vector: np.ndarray | None) -> bytes | None:
    """A vector as little-endian float16 (half the space; cosine changes by < 1e-3)."""
    return None if vector is None else np.asarray(vector, dtype="<f2").tobytes()


def vector_from(raw: bytes | memoryview | None) -> np.ndarray | None:
    return None if raw is None else np.frombuffer(bytes(raw), dtype="<f2").astype(np.float32)


def quantities_json(qs: tuple[Quantity, ...]) -> str:
    return json.dumps([asdict(q) for q in qs], ensure_ascii=False)


def quantities_from(raw: str | None) -> tuple[Quantity, ...]:
    return tuple(Quantity(**q) for q in _list(raw))


def _list(raw: str | None) -> list:
    return json.loads(raw) if raw and raw != "[]" else []  # most claims have none: skip the parser


def claim_values(c: Claim) -> dict[str, Any]:
    """A claim's columns, JSON for the lists."""
    return {
        "id": c.id, "doc_id": c.doc_id, "seq": c.seq, "text": c.text, "start": c.start, "end": c.end,
        "attributed_to": c.attributed_to, "attribution_how": c.attribution_how, "hedges": json.dumps(c.hedges),
        "quantities": quantities_json(c.quantities), "dates": json.dumps(c.dates, ensure_ascii=False),
        "entities": json.dumps(c.entities, ensure_ascii=False), "heading": c.heading, "paragraph": c.paragraph,
    }


def claim_from_row(row: Mapping[str, Any]) -> Claim:
    return Claim(
        id=row["id"], doc_id=row["doc_id"], seq=row["seq"], text=row["text"], start=row["start"], end=row["end"],
        attributed_to=row["attributed_to"], attribution_how=row["attribution_how"],
        hedges=tuple(_list(row["hedges"])), quantities=quantities_from(row["quantities"]),
        dates=tuple(_list(row["dates"])), entities=tuple(_list(row["entities"])),
        heading=row["heading"], paragraph=row["paragraph"],
    )


def indexed_from_row(row: Mapping[str, Any], with_vector: bool) -> IndexedClaim:
    return IndexedClaim(claim_from_row(row), row["terms"], row["context_terms"],
                        vector_from(row["vector"]) if with_vector else None)


REF_COLUMNS = ("id", "doc_id", "seq", "terms", "context_terms")
# every column of a claim row but its vector, in the order both backends store and read them
CLAIM_COLUMNS = ("id", "doc_id", "seq", "text", "start", '"end"', "attributed_to", "attribution_how", "hedges",
                 "quantities", "dates", "entities", "heading", "paragraph", "terms", "context_terms")


def _matrix(blobs: list) -> np.ndarray | None:
    """Many float16 vectors decoded in one go (None when any is missing or they differ in size)."""
    if not blobs or any(b is None for b in blobs) or len({len(b) for b in blobs}) != 1:
        return None
    return np.frombuffer(b"".join(bytes(b) for b in blobs), dtype="<f2").astype(np.float32).reshape(len(blobs), -1)


def refs_from_rows(rows: Sequence[Mapping[str, Any]], with_vectors: bool) -> list[ClaimRef]:
    matrix = _matrix([r["vector"] for r in rows]) if with_vectors else None
    vectors = matrix if matrix is not None else [vector_from(r["vector"]) if with_vectors else None for r in rows]
    return [ClaimRef(r["id"], r["doc_id"], r["seq"], r["terms"], r["context_terms"], v) for r, v in zip(rows, vectors)]


def indexed_from_rows(rows: Sequence[Mapping[str, Any]], with_vectors: bool) -> list[IndexedClaim]:
    """Many rows at once: their vectors decoded in one go, each claim's a row of one matrix."""
    if not with_vectors or not rows:
        return [indexed_from_row(r, False) for r in rows]
    matrix = _matrix([r["vector"] for r in rows])
    if matrix is None:
        return [indexed_from_row(r, True) for r in rows]
    return [IndexedClaim(claim_from_row(r), r["terms"], r["context_terms"], v) for r, v in zip(rows, matrix)]


def document_from_row(row: Mapping[str, Any], with_text: bool = False) -> Document:
    published, ingested = row["published"], row["ingested_at"]
    keys = row.keys()
    return Document(
        id=row["id"], path=row["path"], title=row["title"], outlet=row["outlet"], author=row["author"],
        url=row["url"],
        published=date.fromisoformat(published) if isinstance(published, str) and published else published or None,
        opinion=bool(row["opinion"]), content_hash=row["content_hash"],
        ingested_at=datetime.fromisoformat(ingested) if isinstance(ingested, str) else ingested,
        text=row["text"] if with_text and "text" in keys else "",
        claim_count=row["claim_count"] if "claim_count" in keys else 0,
    )


def utc(when: datetime) -> datetime:
    """An aware datetime in UTC (naive ones are taken as UTC)."""
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)


def _when(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    return utc(datetime.fromisoformat(value) if isinstance(value, str) else value)


def subscription_from_row(row: Mapping[str, Any]) -> Subscription:
    answer = row["last_answer"]
    return Subscription(
        id=int(row["id"]), platform=row["platform"], workspace=row["workspace"], channel=row["channel"],
        kind=row["kind"], at_time=row["at_time"], timezone=row["timezone"], topic=row["topic"],
        quiet=bool(row["quiet"]), enabled=bool(row["enabled"]), disabled_reason=row["disabled_reason"],
        created_by=row["created_by"], created_at=_when(row["created_at"]),
        last_delivered_at=_when(row["last_delivered_at"]), last_answer=json.loads(answer) if answer else None,
    )


def feed_from_row(row: Mapping[str, Any]) -> Feed:
    return Feed(
        id=int(row["id"]), url=row["url"], every_seconds=int(row["every_seconds"]), platform=row["platform"],
        channel=row["channel"], workspace=row["workspace"], title=row["title"], etag=row["etag"],
        last_modified=row["last_modified"], polls=int(row["polls"]), failures=int(row["failures"]),
        last_error=row["last_error"], alerted=bool(row["alerted"]), next_poll_at=_when(row["next_poll_at"]),
        last_polled_at=_when(row["last_polled_at"]), last_ok_at=_when(row["last_ok_at"]),
        created_by=row["created_by"], created_at=_when(row["created_at"]),
    )


def delivery_from_row(row: Mapping[str, Any]) -> Delivery:
    return Delivery(int(row["subscription_id"]), row["slot"], _when(row["due_at"]), row["status"], row["owner"],
                    _when(row["claimed_at"]), row["attempts"], row["detail"], _when(row["finished_at"]))


class DocumentVectors:
    """Every document's mean claim vector, held in memory and reloaded when the store changes.

    Both backends keep their document vectors in their tables and rank them here, in numpy.
    Scoring every row is bound by memory bandwidth (25,000 documents of 384 floats are 38 MB,
    about 4 ms a question here), so from ``EXACT_UP_TO`` documents on the search has two stages:
    every document is scored on the ``REDUCED`` leading principal directions of the vectors
    (found at load, from a sample), and the best ``SHORTLIST`` times ``k`` of those are scored
    in full. Below that, every document is scored in full."""

    EXACT_UP_TO = 4096
    REDUCED = 96
    SHORTLIST = 16
    SAMPLE = 4096

    def __init__(self) -> None:
        self.generation: Any = None
        self.ids: list[str] = []
        self.index: dict[str, int] = {}
        self.stamps = np.zeros(0)  # when each was ingested, as a UTC timestamp (-inf: unknown)
        self.matrix = np.zeros((0, 0), np.float32)
        self.basis: np.ndarray | None = None  # dim x REDUCED, when the search has two stages
        self.reduced: np.ndarray | None = None  # the documents on that basis

    def load(self, generation: Any, rows: Iterable[tuple[str, Any, bytes | None]]) -> None:
        ids, ingested, vecs = [], [], []
        for doc_id, ingested_at, raw in rows:
            v = vector_from(raw)
            if v is None:
                continue
            ids.append(doc_id)
            ingested.append(datetime.fromisoformat(ingested_at) if isinstance(ingested_at, str) else ingested_at)
            vecs.append(v)
        self.ids = ids
        self.index = {d: i for i, d in enumerate(ids)}
        self.stamps = np.array([utc(t).timestamp() if t is not None else -np.inf for t in ingested], dtype=np.float64)
        self.matrix = np.vstack(vecs) if vecs else np.zeros((0, 0), np.float32)
        self.basis = self.reduced = None
        if len(ids) > self.EXACT_UP_TO and self.matrix.shape[1] > self.REDUCED:
            self.basis = principal_directions(self.matrix, self.REDUCED, self.SAMPLE)
            self.reduced = np.ascontiguousarray(self.matrix @ self.basis)
        self.generation = generation

    def nearest(self, vector: np.ndarray, k: int, since: datetime | None = None,
                within: Collection[str] | None = None) -> list[DocumentHit]:
        """The ``k`` documents nearest ``vector``: of those ingested after ``since``, and among
        ``within`` (document ids), when given."""
        if not self.ids or self.matrix.shape[1] != len(vector):
            return []
        vector = vector.astype(np.float32)
        eligible = self.stamps > utc(since).timestamp() if since is not None else None
        if within is not None:
            allowed = np.zeros(len(self.ids), dtype=bool)
            allowed[[i for i in (self.index.get(d) for d in within) if i is not None]] = True
            eligible = allowed if eligible is None else eligible & allowed
        rows = np.arange(len(self.ids))
        if self.reduced is not None and k * self.SHORTLIST < len(rows):
            coarse = self.reduced @ (vector @ self.basis)
            if eligible is not None:
                coarse = np.where(eligible, coarse, -np.inf)
            rows = np.argpartition(-coarse, k * self.SHORTLIST - 1)[:k * self.SHORTLIST]
            scores = self.matrix[rows] @ vector
        else:
            scores = self.matrix @ vector
        if eligible is not None:
            scores = np.where(eligible[rows], scores, -np.inf)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [DocumentHit(self.ids[rows[i]], float(scores[i])) for i in top if np.isfinite(scores[i])]


def principal_directions(matrix: np.ndarray, n: int, sample: int) -> np.ndarray:
    """The ``n`` leading principal directions (uncentred: cosine is about the vectors themselves)
    of ``matrix``'s rows, from an evenly spaced sample of at most ``sample`` of them; dim x n."""
    rows = matrix[np.linspace(0, len(matrix) - 1, min(sample, len(matrix))).astype(np.int64)].astype(np.float64)
    _, vectors = np.linalg.eigh(rows.T @ rows)  # eigenvalues ascending
    return np.ascontiguousarray(vectors[:, ::-1][:, :n].astype(np.float32))
