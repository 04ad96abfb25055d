"""The one seam every adapter calls: ask, brief, ingest, sources; subscriptions, the delivery
records of their slots, chat events already seen, and leases.

Slash commands, mentions, DMs, the CLI and the scheduler all go through this object,
so they all get the same answers and nothing outside the core touches the store. The async
methods run the (SQLite, CPU-bound) work in a worker thread so that a chat adapter's event
loop never blocks on it; adapters call the synchronous ones through ``asyncio.to_thread``.
Every call on the store holds one lock: the SQLite store has one connection.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable, Protocol

from .answering.answer import answer_question, names_elsewhere
from .answering.briefing import build_briefing
from .embedding import Embedder, LazyModel
from .errors import BadInput, NotFound
from .feeds import Feed, FeedAdded, FeedPoll, backoff, new_feed, parse_every
from .following import FeedPolicy, arrived, page_key, read_entry, read_page
from .ingest import ingest_paths, ingest_raw, refresh_stale
from .schedule import next_slot
from .store.port import Store
from .subscriptions import (Delivery, ScheduledSubscription, SlotOutcome, Subscribed, Subscription,
                            new_subscription)
from .types import Answer, Briefing, Document, IngestReport, IngestResult
from .web.feeds import parse_feed
from .web.fetch import FetchError, FetchPolicy, canonical_url, check_url, fetch

log = logging.getLogger(__name__)
MAX_QUESTION_CHARS = 10_000
EVENT_MEMORY = timedelta(hours=1)  # how long a chat event id is remembered (Slack retries within minutes)
SEED_LEASE = timedelta(minutes=5)  # how long one process may seed an empty store before another may
SEED_POLL = 0.2  # seconds between looks while another process seeds
POLL_LEASE = timedelta(minutes=5)  # how long one process may poll a feed before another may


class Observer(Protocol):
    """Told what the service did, as it happens: metrics hang here (``bot/metrics.py``), so the
    core knows nothing of how they are kept. A failing observer never fails the use case."""

    def answered(self, platform: str, answer: Answer, seconds: float) -> None:
        """A question was answered or abstained from (``answer.answered``), taking ``seconds``."""

    def ingested(self, report: IngestReport) -> None:
        """Files were ingested (each result's status: added, replaced, unchanged or failed)."""

    def delivered(self, outcome: str) -> None:
        """This process recorded a slot's outcome: done, skipped, failed or missed."""


class NoObserver(Observer):
    """Observes nothing: the default."""


def default_holder(label: str = "") -> str:
    """This process, unique while it lives: host, pid and a random start nonce (after an
    optional ``label@``). Leases and slot claims are held under it."""
    me = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    return f"{label}@{me}" if label else me


class BriefingService:
    def __init__(
        self,
        store: Store,
        *,
        embedder: Embedder | LazyModel | None = None,
        seeds: str | Path | None = None,
        max_bytes: int = 5_000_000,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        holder: str | None = None,
        fetch_policy: FetchPolicy | None = None,
        feed_policy: FeedPolicy | None = None,
        retention_days: int = 0,
        observer: Observer | None = None,
    ):
        self.store = store
        self.seeds = seeds
        self.max_bytes = max_bytes
        self.clock = clock
        self._lock = threading.RLock()
        self._ready = False
        self.holder = holder or default_holder()  # this process, in leases and slot claims
        self.model = embedder  # a LazyModel loads on first use: commands that never embed never pay for it
        self.fetch_policy = fetch_policy or FetchPolicy()
        self.feed_policy = feed_policy or FeedPolicy()
        self.retention_days = retention_days
        self.observer: Observer = observer or NoObserver()

    def _tell(self, event: str, *args) -> None:
        try:
            getattr(self.observer, event)(*args)
        except Exception:  # metrics must never cost an answer or a delivery
            log.exception("the observer failed on %s", event)

    @property
    def embedder(self) -> Embedder | None:
        return self.model.get() if isinstance(self.model, LazyModel) else self.model

    # -- set-up -------------------------------------------------------------------------
    @property
    def prepared(self) -> bool:
        """``ensure_ready`` has run: the store is up to date and seeded."""
        return self._ready

    def ensure_ready(self) -> None:
        """Bring old extractions up to date, and build the store from the seeds if it is empty."""
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            refreshed = refresh_stale(self.store, self.model.name if self.model else None, lambda: self.embedder)
            if refreshed:
                log.info("re-extracted claims of %d documents", refreshed)
            if self.seeds:
                self._seed_once()
            self._ready = True

    def _empty(self) -> bool:
        return self.store.claim_count() == 0 and not self.store.documents()

    def _seed_once(self) -> None:
        """Build an empty store from the seeds, in one process only: the one holding the "seed"
        lease. The others wait until it is done: a store with documents and no seeder is ready
        (the seeder takes the lease before its first document and releases it after its last)."""
        while True:
            if not self._empty() and self.store.lease_holder("seed", _utcnow()) is None:
                return
            if self.store.hold_lease("seed", self.holder, _utcnow(), SEED_LEASE):
                try:
                    if self._empty():
                        report = self.ingest([str(self.seeds)])
                        log.info("built the store from %s: %d documents", self.seeds, len(report.results))
                finally:
                    self.store.release_lease("seed", self.holder)
                return
            time.sleep(SEED_POLL)

    # -- use cases ----------------------------------------------------------------------
    def ask(self, question: str, platform: str = "cli", channel: str | None = None) -> Answer:
        """Answer ``question``; ``platform`` (slack, discord, cli) labels the metrics. Asked in a
        ``channel`` that has documents of its own (its feeds' entries, pages added there), the
        answer comes from those: the story the channel follows; from the whole store when the
        question names something the store mentions but the channel's documents never do."""
        if len(question) > MAX_QUESTION_CHARS:
            raise BadInput(f"That question is {len(question):,} characters long; keep it under {MAX_QUESTION_CHARS:,}.")
        self.ensure_ready()
        started = time.perf_counter()
        with self._lock:
            story = self.store.channel_documents(platform, channel) if channel else []
            if story and not names_elsewhere(self.store, question, story):
                answer = answer_question(self.store, self.embedder, question, doc_ids=story,
                                         where="the articles this channel follows")
            else:
                answer = answer_question(self.store, self.embedder, question)
        self._tell("answered", platform, answer, time.perf_counter() - started)
        return answer

    def brief(self, topic: str | None = None, since: datetime | None = None, platform: str = "cli",
              channel: str | None = None) -> Briefing:
        """A briefing; in a ``channel`` that has articles of its own (see ``ask``), on them only."""
        self.ensure_ready()
        if topic is not None and len(topic) > MAX_QUESTION_CHARS:
            raise BadInput(f"That topic is too long; keep it under {MAX_QUESTION_CHARS:,} characters.")
        with self._lock:
            story = self.store.channel_documents(platform, channel) if channel else []
            return build_briefing(self.store, self.embedder, topic=topic or None, since=since, now=self.clock(),
                                  doc_ids=story or None)

    def ingest(self, paths: Iterable[str], progress: Callable[[IngestResult], None] | None = None) -> IngestReport:
        with self._lock:
            report = ingest_paths(self.store, paths, embedder=self.embedder, max_bytes=self.max_bytes,
                                  now=self.clock(), progress=progress)
        self._tell("ingested", report)
        return report

    def sources(self) -> list[Document]:
        self.ensure_ready()
        with self._lock:
            return self.store.documents()

    def topics(self, prefix: str = "", limit: int = 25) -> list[str]:
        """Topic suggestions: names the stored claims mention most, starting with ``prefix``."""
        self.ensure_ready()
        with self._lock:
            return self.store.topics(prefix[:100], limit)

    # -- pages, removal, retention -------------------------------------------------------
    async def ingest_url(self, url: str, *, platform: str = "", channel: str = "") -> IngestResult:
        """Fetch a web page and ingest its article; a failure comes back as a failed result
        whose error is one line (404, timeout, not HTML, too large, no article, refused address).
        Added in a ``channel``, the article joins that channel's story (see ``ask``)."""
        url = check_url(url)
        try:
            raw = await read_page(url, self.fetch_policy)
        except BadInput as e:
            result = IngestResult(path=url, status="failed", error=str(e))
            self._tell("ingested", IngestReport([result]))
            return result
        return await asyncio.to_thread(self._ingest_raw, raw, page_key(url), self.clock(), platform, channel)

    def _ingest_raw(self, raw, key: str, when: datetime, platform: str = "", channel: str = "") -> IngestResult:
        """Ingest one fetched page (from ``ingest_url`` or a feed's entry), linked to the
        channel it was read for, if any; the observer is told."""
        with self._lock:
            try:
                result = ingest_raw(self.store, raw, source_key=key, embedder=self.embedder, now=when)
            except BadInput as e:
                result = IngestResult(path=raw.path, status="failed", error=str(e))
            if channel and result.doc_id and result.status != "failed":
                self.store.link_documents(platform, channel, [result.doc_id], when)
        self._tell("ingested", IngestReport([result]))
        return result

    def find_documents(self, ref: str) -> list[Document]:
        """The documents ``ref`` names: a document id, the file or URL it was read from, its URL."""
        refs = [ref]
        if ref.startswith(("http://", "https://")):
            refs.append(canonical_url(ref))
        else:
            refs.append(str(Path(ref).expanduser().resolve()))
        with self._lock:
            found = {d.id: d for r in dict.fromkeys(refs) for d in self.store.documents_by_ref(r)}
        return list(found.values())

    def remove(self, ref: str) -> list[Document]:
        """Remove the documents ``ref`` names, claims and all: no answer or briefing cites them again."""
        docs = self.find_documents(ref)
        if not docs:
            raise NotFound(f"no document {ref!r}: give a document id, or the path or URL it was read from "
                           "(see `briefbot sources --json`)")
        with self._lock:
            return [d for d in docs if self.store.remove_document(d.id)]

    def expire(self, now: datetime | None = None) -> list[Document]:
        """Remove documents ingested more than ``retention_days`` ago (nothing when it is 0)."""
        if not self.retention_days:
            return []
        cutoff = (now or self.clock()) - timedelta(days=self.retention_days)
        with self._lock:
            old = self.store.documents_before(cutoff)
            return [d for d in old if self.store.remove_document(d.id)]

    # -- feeds --------------------------------------------------------------------------
    def add_feed(self, url: str, *, every: str | None = None, platform: str = "", channel: str = "",
                 workspace: str = "", created_by: str | None = None) -> FeedAdded:
        """Follow a feed (for a channel, or for none). Idempotent per URL and channel. The first
        poll reads its back catalogue without announcing it as new."""
        p = self.feed_policy
        seconds = parse_every(every, p.min_every) if every else p.default_every
        new = new_feed(url=url, every_seconds=seconds, platform=platform, channel=channel, workspace=workspace,
                       created_by=created_by)
        with self._lock:
            return self.store.add_feed(new, self.clock())

    def feeds(self, platform: str | None = None, channel: str | None = None) -> list[Feed]:
        with self._lock:
            return self.store.feeds(platform, channel)

    def feed(self, feed_id: int) -> Feed | None:
        with self._lock:
            return self.store.feed(feed_id)

    def remove_feed(self, feed_id: int, *, platform: str | None = None, channel: str | None = None) -> Feed:
        """Stop following a feed (only one of ``platform`` and ``channel``, when given). Its
        documents stay; ``remove`` them by URL if they should go too."""
        feed = self.feed(feed_id)
        if feed is None or (platform is not None and feed.platform != platform) or (
                channel is not None and feed.channel != channel):
            raise NotFound(f"no feed #{feed_id}" + (" in this channel" if channel is not None else ""))
        with self._lock:
            self.store.remove_feed(feed_id)
        return feed

    async def poll_feeds(self, *, due_only: bool = True, notify: bool = True,
                         now: datetime | None = None) -> list[FeedPoll]:
        """Poll the feeds due at ``now`` (or all of them), each by one process at a time. With
        ``notify``, a poll's result says whether this caller must send the feed's one alert or its
        recovery notice (the scheduler does; the command line leaves them to it)."""
        now = now or self.clock()
        with self._lock:
            feeds = self.store.due_feeds(now) if due_only else self.store.feeds()
        out = []
        for feed in feeds:
            poll = await self.poll_feed(feed.id, now=now, notify=notify, due_only=due_only)
            if poll is not None:
                out.append(poll)
        return out

    async def poll_feed(self, feed_id: int, *, now: datetime | None = None, notify: bool = True,
                        due_only: bool = False) -> FeedPoll | None:
        now = now or self.clock()
        lease = f"feed:{feed_id}"
        if not await asyncio.to_thread(self.hold_lease, lease, self.holder, POLL_LEASE):
            feed = await asyncio.to_thread(self.feed, feed_id)
            return FeedPoll(feed, "skipped") if feed is not None and not due_only else None
        try:
            # read afresh under the lease: another process may have polled it meanwhile
            with self._lock:
                feed = self.store.feed(feed_id)
            if feed is None or (due_only and feed.next_poll_at and feed.next_poll_at > now):
                return None
            return await self._poll(feed, now, notify)
        finally:
            await asyncio.to_thread(self.release_lease, lease, self.holder)

    async def _poll(self, feed: Feed, now: datetime, notify: bool) -> FeedPoll:
        p = self.feed_policy
        try:
            fetched = await fetch(feed.url, self.fetch_policy, kind="feed", etag=feed.etag,
                                  last_modified=feed.last_modified)
            parsed = None if fetched.status == 304 else parse_feed(fetched.body, fetched.content_type)
        except BadInput as e:
            reason = e.reason if isinstance(e, FetchError) else str(e)
            wait = backoff(feed.every_seconds, feed.failures + 1, p.max_backoff)
            with self._lock:
                rec = self.store.finish_poll(feed.id, now, ok=False, error=reason, next_poll_at=now + wait,
                                             alert_after=p.alert_after, notify=notify)
            log.info("feed #%s %s failed: %s", feed.id, feed.url, reason)
            return FeedPoll(rec.feed, "failed", error=reason, alert=rec.alert, retry_in=wait)
        poll = FeedPoll(feed, "unchanged", not_modified=parsed is None, back_catalogue=feed.polls == 0)
        if parsed is not None:
            with self._lock:
                known = self.store.entry_versions(feed.id, [e.key for e in parsed.entries])
            fresh = [e for e in parsed.entries if known.get(e.key) != e.version][:p.max_entries]
            fresh.sort(key=lambda e: e.published or datetime.min.replace(tzinfo=timezone.utc))  # oldest first
            for entry in fresh:
                await self._read(feed, entry, poll, now)
        with self._lock:
            rec = self.store.finish_poll(
                feed.id, now, ok=True, next_poll_at=now + feed.every, alert_after=p.alert_after, notify=notify,
                etag=fetched.etag,
                last_modified=fetched.last_modified, title=parsed.title or None if parsed else None)
        poll.feed, poll.recovered = rec.feed, rec.recovered
        poll.status = "ingested" if poll.added or poll.replaced else "unchanged"
        return poll

    async def _read(self, feed: Feed, entry, poll: FeedPoll, now: datetime) -> None:
        """Read one new or edited entry into the store and record what became of it."""
        link = entry.link or f"{feed.url}#{entry.key}"
        try:
            raw = await read_entry(entry, self.fetch_policy)
            result = await asyncio.to_thread(self._ingest_raw, raw, page_key(link),
                                             arrived(entry, now, poll.back_catalogue), feed.platform, feed.channel)
        except BadInput as e:
            result = IngestResult(path=link, status="failed", error=str(e))
        if result.status == "added":
            poll.added += 1
        elif result.status == "replaced":
            poll.replaced += 1
        elif result.status == "failed":
            poll.entry_failures.append(result.error or link)
        with self._lock:
            self.store.record_entry(feed.id, entry.key, entry.version, url=entry.link, doc_id=result.doc_id,
                                    status=result.status, detail=result.error, now=now)

    # -- subscriptions ------------------------------------------------------------------
    def subscribe(self, *, platform: str, channel: str, at_time: str, tz: str, topic: str | None = None,
                  question: str | None = None, quiet: bool = False, workspace: str = "",
                  created_by: str | None = None) -> Subscribed:
        """Subscribe a channel to a daily briefing (on ``topic``) or a standing ``question``.

        Idempotent: the same channel, time, zone and topic (or question) again answers with the
        subscription that exists (``created`` False) instead of making a second one."""
        new = new_subscription(platform=platform, channel=channel, at_time=at_time, tz=tz, topic=topic,
                               question=question, quiet=quiet, workspace=workspace, created_by=created_by)
        with self._lock:
            return self.store.add_subscription(new, self.clock())

    def subscription(self, sub_id: int) -> Subscription:
        with self._lock:
            sub = self.store.subscription(sub_id)
        if sub is None:
            raise NotFound(f"no subscription #{sub_id}")
        return sub

    def subscriptions(self, platform: str | None = None, channel: str | None = None,
                      enabled_only: bool = False) -> list[Subscription]:
        with self._lock:
            return self.store.subscriptions(platform, channel, enabled_only)

    def schedule(self, platform: str | None = None, channel: str | None = None,
                 now: datetime | None = None) -> list[ScheduledSubscription]:
        """The subscriptions with their next run and last delivery, for listings."""
        now = now or self.clock()
        out = []
        for sub in self.subscriptions(platform, channel):
            with self._lock:
                last = self.store.latest_delivery(sub.id)
            upcoming = next_slot(sub.local_time, sub.zone, now).due if sub.enabled else None
            out.append(ScheduledSubscription(sub, upcoming and upcoming.astimezone(sub.zone), last))
        return out

    def unsubscribe(self, sub_id: int, *, platform: str | None = None, channel: str | None = None) -> Subscription:
        """Remove one subscription (only from ``platform`` and ``channel``, when given)."""
        sub = self.subscription(sub_id)
        if (platform and sub.platform != platform) or (channel and sub.channel != channel):
            raise NotFound(f"no subscription #{sub_id} in this channel")
        with self._lock:
            self.store.remove_subscription(sub_id)
        return sub

    def unsubscribe_channel(self, platform: str, channel: str) -> list[Subscription]:
        """Remove every subscription of one channel."""
        subs = self.subscriptions(platform, channel)
        with self._lock:
            return [s for s in subs if self.store.remove_subscription(s.id)]

    def disable_subscription(self, sub_id: int, reason: str) -> None:
        with self._lock:
            self.store.disable_subscription(sub_id, reason)

    # -- delivery records: each slot posted once across processes ------------------------
    def claim_slot(self, sub_id: int, slot: str, due_at: datetime, owner: str, now: datetime, lease: timedelta,
                   max_attempts: int = 3) -> bool:
        with self._lock:
            return self.store.claim_slot(sub_id, slot, due_at, owner, now, lease, max_attempts)

    def renew_slot(self, sub_id: int, slot: str, owner: str, now: datetime) -> bool:
        with self._lock:
            return self.store.renew_slot(sub_id, slot, owner, now)

    def finish_slot(self, sub_id: int, slot: str, owner: str, outcome: SlotOutcome, now: datetime) -> bool:
        with self._lock:
            recorded = self.store.finish_slot(sub_id, slot, owner, outcome, now)
        if recorded:
            self._tell("delivered", outcome.status)
        return recorded

    def record_missed(self, sub_id: int, slot: str, due_at: datetime, owner: str, now: datetime, lease: timedelta,
                      detail: str) -> bool:
        with self._lock:
            recorded = self.store.record_missed(sub_id, slot, due_at, owner, now, lease, detail)
        if recorded:
            self._tell("delivered", "missed")
        return recorded

    def delivery(self, sub_id: int, slot: str) -> Delivery | None:
        with self._lock:
            return self.store.delivery(sub_id, slot)

    def deliveries(self, sub_id: int) -> list[Delivery]:
        with self._lock:
            return self.store.deliveries(sub_id)

    # -- chat events and leases ----------------------------------------------------------
    def seen_event(self, key: str) -> bool:
        """True when ``key`` (a chat event id, a slash command's trigger id) was seen before, by
        this process or any other on the same store; the first time, it is remembered and False."""
        with self._lock:
            return not self.store.first_sight(key, _utcnow(), EVENT_MEMORY)

    def hold_lease(self, name: str, holder: str, ttl: timedelta) -> bool:
        """Take or extend the lease ``name`` for ``holder``; False while another holds it."""
        with self._lock:
            return self.store.hold_lease(name, holder, _utcnow(), ttl)

    def release_lease(self, name: str, holder: str) -> None:
        with self._lock:
            self.store.release_lease(name, holder)

    def lease_holder(self, name: str) -> str | None:
        with self._lock:
            return self.store.lease_holder(name, _utcnow())

    # -- async seams for chat adapters and the scheduler --------------------------------
    async def answer(self, question: str, platform: str = "cli", channel: str | None = None) -> Answer:
        return await asyncio.to_thread(self.ask, question, platform, channel)

    async def build_briefing(self, topic: str | None = None, since: datetime | None = None, platform: str = "cli",
                             channel: str | None = None) -> Briefing:
        return await asyncio.to_thread(self.brief, topic, since, platform, channel)

    async def list_sources(self) -> list[Document]:
        return await asyncio.to_thread(self.sources)

    async def suggest_topics(self, prefix: str = "", limit: int = 25) -> list[str]:
        return await asyncio.to_thread(self.topics, prefix, limit)


def _utcnow() -> datetime:
    # leases and seen events run on the real clock, whatever clock briefings are built with
    return datetime.now(timezone.utc)
