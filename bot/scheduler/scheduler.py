"""Scheduled briefings: APScheduler (AsyncIOScheduler) jobs rebuilt from the subscriptions in
the store, and deliveries that go out once per subscription and local slot, across processes.

Delivery: claim (subscription, slot) through the service -> build the briefing or answer
through the same service calls as chat -> post through the platform's sender -> record the
outcome (with what the next briefing is "new since") in one transaction. While posting, the
claim is renewed every quarter lease; a claim not renewed for a whole lease (its process died
or hangs) is taken over by any process. A slot missed while the bot was down is delivered by
the sweep if it is still within the grace period, and recorded as missed (and logged) if not.

Every process runs the same jobs and the same sweep: which one posts a slot is decided by the
claim in the store, never by which process is "the scheduler".
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from briefings.errors import NotFound
from briefings.schedule import Slot, latest_slot
from briefings.service import BriefingService
from briefings.subscriptions import SlotOutcome, Subscription
from briefings.types import Answer, Briefing

from ..clock import speed_of, utcnow
from .schedule_time import DailyTrigger

log = logging.getLogger(__name__)
FINISHED = ("done", "skipped", "missed")


class ChannelGone(Exception):
    """The channel no longer exists or the bot was removed from it: stop posting there."""


class Sender(Protocol):
    async def post_briefing(self, sub: Subscription, briefing: Briefing, note: str | None) -> None: ...
    async def post_answer(self, sub: Subscription, answer: Answer, note: str | None) -> None: ...
    async def post_notice(self, sub: Subscription, text: str) -> None: ...
    async def post_channel_notice(self, channel: str, text: str) -> None: ...


@dataclass
class Outcome:
    status: str  # done | skipped | taken | missed | failed | disabled
    detail: str = ""


def answer_fingerprint(answer: Answer) -> dict[str, Any]:
    """What a standing question's answer rests on: the quoted sentences, in order of first citation."""
    quotes = list(dict.fromkeys(s.claim.text for s in answer.sources))
    return {"quotes": [hashlib.sha256(q.encode()).hexdigest()[:16] for q in quotes]}


class BriefingScheduler:
    def __init__(self, service: BriefingService, *, grace: timedelta, lease: timedelta = timedelta(minutes=2),
                 owner: str | None = None, clock: Callable[[], datetime] = utcnow, sweep_seconds: float = 60,
                 feed_seconds: float = 30):
        self.service = service
        self.grace = grace
        self.lease = lease
        self.owner = owner or service.holder  # unique while this process lives
        self.clock = clock
        self.sweep_seconds = sweep_seconds
        self.feed_seconds = feed_seconds
        self.senders: dict[str, Sender] = {}
        self.aps = AsyncIOScheduler(timezone=timezone.utc)
        self._inflight: set[asyncio.Task] = set()
        self._sweeping = asyncio.Lock()
        self._polling = asyncio.Lock()
        self._expired_at: datetime | None = None

    @classmethod
    def from_settings(cls, service: BriefingService, settings) -> "BriefingScheduler":
        s = settings.scheduler
        return cls(service, grace=timedelta(seconds=s.grace_seconds), lease=timedelta(seconds=s.lease_seconds),
                   clock=service.clock, sweep_seconds=s.sweep_seconds, feed_seconds=settings.feeds.tick_seconds)

    @property
    def commands(self):
        from .commands import SubscriptionCommands

        return SubscriptionCommands(self)

    def attach(self, senders: dict[str, Sender]) -> None:
        self.senders.update(senders)

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self) -> None:
        """Start firing. Nothing here waits on a platform: slots missed while the bot was down are
        caught up by the first sweep, which runs at once as a job of its own."""
        await self.sync_jobs()
        # a sweep still under way when the next is due lets it return at once (APScheduler's own
        # max_instances would log a warning each time)
        self.aps.add_job(self._sweep, IntervalTrigger(seconds=self.sweep_seconds), id="sweep", replace_existing=True,
                         coalesce=True, max_instances=3, next_run_time=datetime.now(timezone.utc))
        self.aps.add_job(self._feeds_tick, IntervalTrigger(seconds=self.feed_seconds), id="feeds",
                         replace_existing=True, coalesce=True, max_instances=3, next_run_time=datetime.now(timezone.utc))
        self.aps.start()
        log.info("scheduler started with %d subscriptions (as %s)", len(self.aps.get_jobs()) - 2, self.owner)

    async def shutdown(self, timeout: float = 5) -> None:
        """Stop firing; let deliveries under way finish for up to ``timeout`` seconds (those cut
        off stay claimed, and are retried once their lease runs out)."""
        if self.aps.running:
            self.aps.pause()  # (shutting APScheduler down would cancel the jobs under way at once)
        if self._inflight:
            done, pending = await asyncio.wait(self._inflight, timeout=timeout)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=1)
            log.info("scheduler stopped: %d deliveries finished, %d left claimed for retry", len(done), len(pending))
        if self.aps.running:
            self.aps.shutdown(wait=False)

    def _track(self) -> None:
        """Count the running job as under way, so shutdown can wait for it."""
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)

    async def sync_jobs(self) -> None:
        """Make the in-memory jobs match the subscriptions in the store (the source of truth)."""
        subs = await asyncio.to_thread(self.service.subscriptions, None, None, True)
        wanted = {f"sub:{s.id}": s for s in subs if s.platform in self.senders}
        for job in self.aps.get_jobs():
            if job.id.startswith("sub:") and job.id not in wanted:
                job.remove()
        for job_id, sub in wanted.items():
            job = self.aps.get_job(job_id)
            trigger = DailyTrigger(sub.local_time, sub.zone)
            if job is None or str(job.trigger) != str(trigger):
                self.aps.add_job(self._fire, trigger, args=[sub.id], id=job_id, replace_existing=True,
                                 misfire_grace_time=int(self.grace.total_seconds()) or 1, coalesce=True,
                                 max_instances=1)

    def next_run(self, sub_id: int) -> datetime | None:
        job = self.aps.get_job(f"sub:{sub_id}")
        return getattr(job, "next_run_time", None) if job else None

    # -- firing ---------------------------------------------------------------------------
    async def _fire(self, sub_id: int) -> None:
        self._track()
        try:
            sub = await asyncio.to_thread(self.service.subscription, sub_id)
        except NotFound:
            log.info("subscription %s is gone; dropping its job", sub_id)
            await self.sync_jobs()
            return
        now = self.clock()
        with _cut_off_quietly():
            await self.deliver(sub, latest_slot(sub.local_time, sub.zone, now), now)

    async def _sweep(self) -> None:
        if self._sweeping.locked():
            return
        self._track()
        async with self._sweeping:
            with _cut_off_quietly():
                await self.catch_up()
                await self.sync_jobs()

    async def _feeds_tick(self) -> None:
        if self._polling.locked():
            return
        self._track()
        async with self._polling:
            with _cut_off_quietly():
                try:
                    await self.poll_feeds()
                except Exception:  # the store is unreachable: the next tick tries again
                    log.exception("polling feeds failed")

    async def poll_feeds(self, now: datetime | None = None) -> list:
        """Poll the feeds due now (each by one process), tell a feed's channel once when it keeps
        failing and once when it works again, and drop expired documents (once an hour)."""
        now = now or self.clock()
        polls = await self.service.poll_feeds(now=now)
        for p in polls:
            if p.status != "skipped":
                log.log(logging.WARNING if p.status == "failed" else logging.INFO, "feed %s", p.line())
            if p.alert or p.recovered:
                await self._tell(p.feed, p.alert_text() if p.alert else p.recovery_text())
        if self.service.retention_days and (self._expired_at is None or now - self._expired_at >= timedelta(hours=1)):
            self._expired_at = now
            gone = await asyncio.to_thread(self.service.expire, now)
            if gone:
                log.info("retention: removed %d documents older than %d days", len(gone), self.service.retention_days)
        return polls

    async def _tell(self, feed, text: str) -> None:
        sender = self.senders.get(feed.platform)
        if sender is None:
            log.warning("%s (feed #%s has no channel to tell)", text, feed.id)
            return
        try:
            await sender.post_channel_notice(feed.channel, text)
        except Exception:
            log.exception("could not tell %s about feed #%s", feed.where(), feed.id)

    async def catch_up(self, now: datetime | None = None) -> list[tuple[int, Outcome]]:
        """Deliver each subscription's latest slot if it was not delivered and is within grace."""
        now = now or self.clock()
        out = []
        for sub in await asyncio.to_thread(self.service.subscriptions, None, None, True):
            if sub.platform not in self.senders:
                continue
            slot = latest_slot(sub.local_time, sub.zone, now)
            if sub.created_at and slot.due < sub.created_at:
                continue  # the subscription did not exist yet
            d = await asyncio.to_thread(self.service.delivery, sub.id, slot.key)
            if d is not None and (d.status in FINISHED or (d.status == "claimed" and d.claimed_at > now - self.lease)):
                continue  # delivered, or being posted by a live process
            out.append((sub.id, await self.deliver(sub, slot, now)))
        return out

    async def deliver(self, sub: Subscription, slot: Slot, now: datetime | None = None) -> Outcome:
        """Post one slot of one subscription, once across processes and restarts."""
        now = now or self.clock()
        if now - slot.due > self.grace:
            if await asyncio.to_thread(self.service.record_missed, sub.id, slot.key, slot.due, self.owner, now,
                                       self.lease, "outside the grace period"):
                log.warning("subscription %s missed its %s slot (%s late; grace %s)", sub.id, slot.key,
                            now - slot.due, self.grace)
            return Outcome("missed")
        if not await asyncio.to_thread(self.service.claim_slot, sub.id, slot.key, slot.due, self.owner, now,
                                       self.lease):
            return Outcome("taken")
        renewing = asyncio.create_task(self._renew(sub.id, slot.key))
        try:
            # read afresh: the last delivery (by any process) is what this one is "new since"
            sub = await asyncio.to_thread(self.service.subscription, sub.id)
            sender = self.senders.get(sub.platform)
            if sender is None:
                raise RuntimeError(f"no sender for {sub.platform}")
            outcome = await self._post(sub, sender, now)
            await self._finish(sub.id, slot.key, outcome)
            log.info("subscription %s slot %s: %s%s", sub.id, slot.key, outcome.status,
                     f" ({outcome.detail})" if outcome.detail else "")
            return Outcome(outcome.status, outcome.detail or "")
        except ChannelGone as e:
            await self._finish(sub.id, slot.key, SlotOutcome("failed", f"channel gone: {e}"))
            await asyncio.to_thread(self.service.disable_subscription, sub.id, f"channel unavailable ({e})")
            log.warning("disabled subscription %s: %s channel %s is gone (%s)", sub.id, sub.platform, sub.channel, e)
            await self.sync_jobs()
            return Outcome("disabled", str(e))
        except asyncio.CancelledError:
            raise  # shutting down: the slot stays claimed and is taken over once its lease runs out
        except Exception as e:
            await self._finish(sub.id, slot.key, SlotOutcome("failed", f"{type(e).__name__}: {e}"[:500]))
            log.exception("delivery of subscription %s slot %s failed; it will be retried within grace", sub.id,
                          slot.key)
            return Outcome("failed", str(e))
        finally:
            renewing.cancel()

    async def _finish(self, sub_id: int, slot: str, outcome: SlotOutcome) -> None:
        if not await asyncio.to_thread(self.service.finish_slot, sub_id, slot, self.owner, outcome, self.clock()):
            log.warning("subscription %s slot %s was taken over by another process while this one posted it",
                        sub_id, slot)

    async def _renew(self, sub_id: int, slot: str) -> None:
        """Keep the claim alive while posting: renewed every quarter lease (in real seconds)."""
        every = self.lease.total_seconds() / 4 / speed_of(self.clock)
        while True:
            await asyncio.sleep(every)
            try:
                if not await asyncio.to_thread(self.service.renew_slot, sub_id, slot, self.owner, self.clock()):
                    log.warning("lost the claim on subscription %s slot %s while posting it", sub_id, slot)
                    return
            except Exception as e:  # the store is unreachable: the next renewal may get through
                log.warning("could not renew the claim on subscription %s slot %s (%s)", sub_id, slot,
                            type(e).__name__)

    async def _post(self, sub: Subscription, sender: Sender, now: datetime) -> SlotOutcome:
        if sub.kind == "question":
            answer = await self.service.answer(sub.topic or "", sub.platform, sub.channel)
            if not answer.answered:
                return SlotOutcome("skipped", "no answer")
            fingerprint = answer_fingerprint(answer)
            previous = (sub.last_answer or {}).get("quotes")
            if previous == fingerprint["quotes"]:
                return SlotOutcome("skipped", "answer unchanged")
            await sender.post_answer(sub, answer, _what_changed(answer, previous))
            return SlotOutcome("done", delivered_at=now, answer=fingerprint)
        since = sub.last_delivered_at
        briefing = await self.service.build_briefing(topic=sub.topic, since=since, platform=sub.platform,
                                                     channel=sub.channel)
        if briefing.empty:
            if sub.quiet:
                return SlotOutcome("skipped", "nothing new")
            when = since.astimezone(sub.zone).strftime("%Y-%m-%d %H:%M %Z") if since else None
            await sender.post_notice(sub, f"Nothing new since the last briefing ({when})." if when
                                     else "Nothing to brief on yet: the store holds no articles.")
        else:
            note = "New since the last briefing." if since else None
            await sender.post_briefing(sub, briefing, note)
        return SlotOutcome("done", delivered_at=now)


@contextlib.contextmanager
def _cut_off_quietly():
    """A job cancelled by shutdown ends here, without the traceback APScheduler would log."""
    try:
        yield
    except asyncio.CancelledError:
        log.info("a delivery was cut off by the shutdown; its slot stays claimed and is retried after its lease")


def _what_changed(answer: Answer, previous: list[str] | None) -> str:
    if previous is None:
        return f"Standing question: {answer.question}"
    old = set(previous)
    new = [s.n for s in answer.sources if hashlib.sha256(s.claim.text.encode()).hexdigest()[:16] not in old]
    gone = len(old - set(answer_fingerprint(answer)["quotes"]))
    parts = []
    if new:
        parts.append("new sources " + "".join(f"[{n}]" for n in new))
    if gone:
        parts.append(f"{gone} earlier source{'s' if gone > 1 else ''} no longer cited")
    return f"Update to “{answer.question}”: " + ("; ".join(parts) or "the answer changed") + "."
