"""Scheduled briefings: APScheduler (AsyncIOScheduler) jobs rebuilt from the subscriptions table,
and deliveries that go out at most once per subscription and local slot.

Delivery: claim (subscription, slot) in the database -> build the briefing or answer through
the same service calls as chat -> post through the platform's sender -> mark done. A slot
missed while the bot was down is delivered on start-up if it is still within the grace
period, and recorded as missed (and logged) if not. A claim left by a process that died is
taken over when its lease runs out (at once by a restart of the same instance).
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from briefings.service import BriefingService
from briefings.subscriptions import Subscription, SubscriptionStore
from briefings.types import Answer, Briefing

from .schedule_time import DailyTrigger, Slot, latest_slot

log = logging.getLogger(__name__)


class ChannelGone(Exception):
    """The channel no longer exists or the bot was removed from it: stop posting there."""


class Sender(Protocol):
    async def post_briefing(self, sub: Subscription, briefing: Briefing, note: str | None) -> None: ...
    async def post_answer(self, sub: Subscription, answer: Answer, note: str | None) -> None: ...
    async def post_notice(self, sub: Subscription, text: str) -> None: ...


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Outcome:
    status: str  # done | skipped | taken | missed | failed | disabled
    detail: str = ""


def answer_fingerprint(answer: Answer) -> dict[str, Any]:
    """What a standing question's answer rests on: the quoted sentences, in order of first citation."""
    quotes = list(dict.fromkeys(s.claim.text for s in answer.sources))
    return {"quotes": [hashlib.sha256(q.encode()).hexdigest()[:16] for q in quotes]}


class BriefingScheduler:
    def __init__(self, service: BriefingService, subscriptions: SubscriptionStore, *, grace: timedelta,
                 lease: timedelta = timedelta(minutes=10), instance: str | None = None,
                 clock: Callable[[], datetime] = utcnow, sweep_seconds: int = 60):
        self.service = service
        self.subs = subscriptions
        self.grace = grace
        self.lease = lease
        self.instance = instance or socket.gethostname()
        self.owner = f"{self.instance}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.clock = clock
        self.sweep_seconds = sweep_seconds
        self.senders: dict[str, Sender] = {}
        self.aps = AsyncIOScheduler(timezone=timezone.utc)
        self._inflight: set[asyncio.Task] = set()
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, service: BriefingService, settings) -> "BriefingScheduler":
        from briefings.store.sqlite import SQLiteStore

        # its own connection: the service's is used from worker threads
        return cls(service, SubscriptionStore(SQLiteStore(service.store.path).conn),
                   grace=timedelta(seconds=settings.scheduler.grace_seconds),
                   lease=timedelta(seconds=settings.scheduler.lease_seconds),
                   instance=settings.scheduler.instance_name or None)

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
        self.sync_jobs()
        self.aps.add_job(self._sweep, IntervalTrigger(seconds=self.sweep_seconds), id="sweep", replace_existing=True,
                         coalesce=True, max_instances=1, next_run_time=datetime.now(timezone.utc))
        self.aps.start()
        log.info("scheduler started with %d subscriptions (instance %s)", len(self.aps.get_jobs()) - 1, self.instance)

    async def shutdown(self, timeout: float = 5) -> None:
        """Stop firing; let deliveries under way finish for up to ``timeout`` seconds (those cut
        off stay claimed, and are retried after a restart)."""
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

    def sync_jobs(self) -> None:
        """Make the in-memory jobs match the subscriptions table (the source of truth)."""
        wanted = {f"sub:{s.id}": s for s in self.subs.list(enabled_only=True) if s.platform in self.senders}
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
            sub = self.subs.get(sub_id)
        except Exception:
            log.info("subscription %s is gone; dropping its job", sub_id)
            self.sync_jobs()
            return
        now = self.clock()
        with _cut_off_quietly():
            await self.deliver(sub, latest_slot(sub.local_time, sub.zone, now), now)

    async def _sweep(self) -> None:
        self._track()
        with _cut_off_quietly():
            await self.catch_up()
            self.sync_jobs()

    async def catch_up(self, now: datetime | None = None) -> list[tuple[int, Outcome]]:
        """Deliver each subscription's latest slot if it was not delivered and is within grace."""
        now = now or self.clock()
        out = []
        for sub in self.subs.list(enabled_only=True):
            if sub.platform not in self.senders:
                continue
            slot = latest_slot(sub.local_time, sub.zone, now)
            if sub.created_at and slot.due < sub.created_at:
                continue  # the subscription did not exist yet
            d = self.subs.delivery(sub.id, slot.key)
            if d is not None and d.status not in ("claimed", "failed"):
                continue
            if d is not None and d.status == "claimed" and d.claimed_at > now - self.lease \
                    and not d.owner.startswith(f"{self.instance}:"):
                continue  # another process is posting it right now
            out.append((sub.id, await self.deliver(sub, slot, now)))
        return out

    async def deliver(self, sub: Subscription, slot: Slot, now: datetime | None = None) -> Outcome:
        """Post one slot of one subscription, at most once across processes and restarts."""
        now = now or self.clock()
        if now - slot.due > self.grace:
            if self.subs.record_missed(sub.id, slot.key, slot.due, self.owner, now, "outside the grace period"):
                log.warning("subscription %s missed its %s slot (%s late; grace %s)", sub.id, slot.key,
                            now - slot.due, self.grace)
            return Outcome("missed")
        async with self._lock:
            if not self.subs.claim(sub.id, slot.key, slot.due, self.owner, now, self.lease, instance=self.instance):
                return Outcome("taken")
        sender = self.senders.get(sub.platform)
        try:
            if sender is None:
                raise RuntimeError(f"no sender for {sub.platform}")
            status = await self._post(sub, sender, now)
            self.subs.finish(sub.id, slot.key, status, self.clock())
            return Outcome(status)
        except ChannelGone as e:
            self.subs.finish(sub.id, slot.key, "failed", self.clock(), f"channel gone: {e}")
            self.subs.disable(sub.id, f"channel unavailable ({e})")
            log.warning("disabled subscription %s: %s channel %s is gone (%s)", sub.id, sub.platform, sub.channel, e)
            self.sync_jobs()
            return Outcome("disabled", str(e))
        except asyncio.CancelledError:
            raise  # shutting down: the slot stays claimed and is retried after a restart
        except Exception as e:
            self.subs.finish(sub.id, slot.key, "failed", self.clock(), f"{type(e).__name__}: {e}"[:500])
            log.exception("delivery of subscription %s slot %s failed; it will be retried within grace", sub.id,
                          slot.key)
            return Outcome("failed", str(e))

    async def _post(self, sub: Subscription, sender: Sender, now: datetime) -> str:
        if sub.kind == "question":
            answer = await self.service.answer(sub.topic or "")
            if not answer.answered:
                return "skipped"
            fingerprint = answer_fingerprint(answer)
            previous = (sub.last_answer or {}).get("quotes")
            if previous == fingerprint["quotes"]:
                return "skipped"
            await sender.post_answer(sub, answer, _what_changed(answer, previous))
            self.subs.delivered(sub.id, now, fingerprint)
            return "done"
        since = sub.last_delivered_at
        briefing = await self.service.build_briefing(topic=sub.topic, since=since)
        if briefing.empty:
            if sub.quiet:
                return "skipped"
            when = since.astimezone(sub.zone).strftime("%Y-%m-%d %H:%M %Z") if since else None
            await sender.post_notice(sub, f"Nothing new since the last briefing ({when})." if when
                                     else "Nothing to brief on yet: the store holds no articles.")
        else:
            note = "New since the last briefing." if since else None
            await sender.post_briefing(sub, briefing, note)
        self.subs.delivered(sub.id, now)
        return "done"


@contextlib.contextmanager
def _cut_off_quietly():
    """A job cancelled by shutdown ends here, without the traceback APScheduler would log."""
    try:
        yield
    except asyncio.CancelledError:
        log.info("a delivery was cut off by the shutdown; its slot stays claimed and is retried after a restart")


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
