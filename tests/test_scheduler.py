"""Scheduled briefings with a controlled clock: DST, exactly-once, restarts, misfires, changes."""
from __future__ import annotations

import asyncio
import time as time_module
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from briefings.errors import BadInput
from briefings.schedule import latest_slot, slot_on
from briefings.service import BriefingService
from briefings.store.sqlite import SQLiteStore
from briefings.subscriptions import parse_time, parse_timezone
from bot.scheduler import BriefingScheduler, ChannelGone, Outcome
from bot.scheduler.schedule_time import DailyTrigger

from .fakes import Clock

UTC = timezone.utc
ROOT = Path(__file__).resolve().parents[1]
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


class RecordingSender:
    """A deterministic Sender: keeps what it was asked to post; can play a vanished channel."""

    def __init__(self):
        self.history: list[tuple] = []
        self.gone = False
        self.gate: asyncio.Event | None = None

    async def _post(self, item):
        if self.gate is not None:
            await self.gate.wait()
        if self.gone:
            raise ChannelGone("channel_not_found")
        self.history.append(item)

    async def post_briefing(self, sub, briefing, note):
        await self._post(("briefing", sub.id, briefing, note))

    async def post_answer(self, sub, answer, note):
        await self._post(("answer", sub.id, answer, note))

    async def post_notice(self, sub, text):
        await self._post(("notice", sub.id, text))


@pytest.fixture
def make_scheduler(store):
    """Schedulers on the seeded store's database file, each with its own connection."""
    made = []

    def make(clock, *, owner=None, grace=timedelta(hours=1), lease=timedelta(minutes=10), sender=None):
        service = BriefingService(SQLiteStore(store.path), clock=clock)
        sched = BriefingScheduler(service, grace=grace, lease=lease, owner=owner, clock=clock)
        sched.attach({"slack": sender or RecordingSender()})
        made.append(sched)
        return sched

    yield make


def add(sched, at="08:30", tz="Europe/London", created=datetime(2024, 1, 1, tzinfo=UTC), channel="C1", **kw):
    """A subscription made at ``created`` (by a process whose clock read that)."""
    maker = BriefingService(sched.service.store, clock=lambda: created)
    return maker.subscribe(platform="slack", channel=channel, at_time=at, tz=tz, **kw).subscription


# -- time ------------------------------------------------------------------------------------

def fires(trigger: DailyTrigger, start: datetime, n: int) -> list[datetime]:
    out, prev, now = [], None, start
    for _ in range(n):
        nxt = trigger.get_next_fire_time(prev, now)
        out.append(nxt)
        prev, now = nxt, nxt
    return out


@pytest.mark.parametrize("zone, start, at, expected_local", [
    # spring: London skips 01:00-02:00 on 2024-03-31; the slot is due when the clocks jump
    (LONDON, datetime(2024, 3, 30, 12, tzinfo=UTC), time(1, 30),
     ["2024-03-31 02:00+01:00", "2024-04-01 01:30+01:00"]),
    # autumn: London repeats 01:00-02:00 on 2024-10-27; one slot, at the first 01:30
    (LONDON, datetime(2024, 10, 26, 12, tzinfo=UTC), time(1, 30),
     ["2024-10-27 01:30+01:00", "2024-10-28 01:30+00:00"]),
    (NEW_YORK, datetime(2024, 3, 9, 12, tzinfo=UTC), time(2, 30),
     ["2024-03-10 03:00-04:00", "2024-03-11 02:30-04:00"]),
    (NEW_YORK, datetime(2024, 11, 2, 12, tzinfo=UTC), time(1, 30),
     ["2024-11-03 01:30-04:00", "2024-11-04 01:30-05:00"]),
    # an ordinary morning keeps its wall-clock time across both changes: never an hour late
    (LONDON, datetime(2024, 3, 30, 12, tzinfo=UTC), time(8, 30),
     ["2024-03-31 08:30+01:00", "2024-04-01 08:30+01:00"]),
    (NEW_YORK, datetime(2024, 11, 2, 14, tzinfo=UTC), time(8, 30),
     ["2024-11-03 08:30-05:00", "2024-11-04 08:30-05:00"]),
])
def test_next_fire_times_around_dst(zone, start, at, expected_local):
    got = [f.astimezone(zone).isoformat(timespec="minutes") for f in fires(DailyTrigger(at, zone), start, 2)]
    assert got == [e.replace(" ", "T") for e in expected_local]


def test_one_slot_per_local_day_through_a_whole_year():
    for zone in (LONDON, NEW_YORK):
        for at in (time(1, 30), time(2, 30), time(8, 30)):
            dues = fires(DailyTrigger(at, zone), datetime(2024, 1, 1, tzinfo=UTC), 366)
            days = [d.astimezone(zone).date() for d in dues]
            assert days == [date(2024, 1, 1) + timedelta(days=i) for i in range(366)]


def test_the_repeated_hour_is_one_slot():
    first = slot_on(date(2024, 10, 27), time(1, 30), LONDON)
    later = latest_slot(time(1, 30), LONDON, datetime(2024, 10, 27, 1, 45, tzinfo=UTC))  # inside the second 01:30
    assert first == later and first.key == "2024-10-27T01:30"


def test_times_and_zones_say_what_is_accepted():
    assert parse_time("8:30") == "08:30"
    with pytest.raises(BadInput, match="HH:MM on a 24-hour clock, e.g. 08:30"):
        parse_time("25:00")
    assert parse_timezone("europe/london") == "Europe/London"
    with pytest.raises(BadInput, match="did you mean Europe/London"):
        parse_timezone("Europe/Londn")


# -- delivery --------------------------------------------------------------------------------

async def test_two_schedulers_on_one_database_deliver_each_slot_once(make_scheduler):
    clock = Clock(datetime(2024, 6, 3, 7, 31, tzinfo=UTC))  # 08:31 in London
    a = make_scheduler(clock)
    b = make_scheduler(clock)
    assert a.owner != b.owner  # two processes, or two schedulers, never share an identity
    sub = add(a)
    out = await asyncio.gather(a.catch_up(), b.catch_up(), a.catch_up())
    statuses = [o.status for results in out for _, o in results]
    assert statuses.count("done") == 1 and set(statuses) <= {"done", "taken"}
    posted = a.senders["slack"].history + b.senders["slack"].history
    assert [(kind, sid) for kind, sid, *_ in posted] == [("briefing", sub.id)]
    assert [d.status for d in a.service.deliveries(sub.id)] == ["done"]


async def test_a_retried_job_or_misfire_replay_never_posts_twice(make_scheduler):
    clock = Clock(datetime(2024, 6, 3, 7, 30, tzinfo=UTC))
    s = make_scheduler(clock)
    sub = add(s)
    await s._fire(sub.id)
    clock.now += timedelta(minutes=5)
    await s._fire(sub.id)  # APScheduler replaying the same slot
    await s.catch_up()
    assert len(s.senders["slack"].history) == 1


async def test_a_claim_left_by_a_dead_process_is_taken_over_only_after_its_lease(make_scheduler):
    clock = Clock(datetime(2024, 6, 3, 7, 30, tzinfo=UTC))
    crashed = make_scheduler(clock)
    sub = add(crashed)
    slot = latest_slot(time(8, 30), LONDON, clock.now)
    assert crashed.service.claim_slot(sub.id, slot.key, slot.due, crashed.owner, clock.now, crashed.lease)
    # ... and the process dies before posting. Its restart on the same host is another process:
    clock.now += timedelta(minutes=2)
    restarted = make_scheduler(clock)
    assert [o.status for _, o in await restarted.catch_up()] == []  # a live-looking claim is never taken
    assert await restarted.deliver(sub, slot) == Outcome("taken")
    clock.now += timedelta(minutes=9)  # the claim was not renewed for a whole lease: its owner is gone
    assert [o.status for _, o in await restarted.catch_up()] == ["done"]
    assert len(restarted.senders["slack"].history) == 1
    assert restarted.service.delivery(sub.id, slot.key).attempts == 2


class MovingClock:
    """Real time, from a given instant."""

    def __init__(self, start: datetime):
        self.start, self.t0 = start, time_module.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time_module.monotonic() - self.t0)


async def until(condition, timeout: float = 10):
    async def poll():
        while not condition():
            await asyncio.sleep(0.01)
    await asyncio.wait_for(poll(), timeout)


async def test_a_claim_renewed_while_posting_is_never_taken_over(make_scheduler):
    clock = MovingClock(datetime(2024, 6, 3, 7, 30, tzinfo=UTC))
    lease = timedelta(seconds=0.4)
    sender = RecordingSender()
    sender.gate = asyncio.Event()
    slow = make_scheduler(clock, lease=lease, sender=sender)
    other = make_scheduler(clock, lease=lease)
    sub = add(slow)
    slot = latest_slot(time(8, 30), LONDON, clock())
    posting = asyncio.create_task(slow.catch_up())
    await until(lambda: slow.service.delivery(sub.id, slot.key) is not None)
    for _ in range(6):  # a lease and a half: renewed every quarter lease, never taken
        claimed = slow.service.delivery(sub.id, slot.key).claimed_at
        await until(lambda: slow.service.delivery(sub.id, slot.key).claimed_at > claimed)
        assert await other.deliver(sub, slot) == Outcome("taken")
    sender.gate.set()
    assert [o.status for _, o in await posting] == ["done"]
    assert len(sender.history) == 1 and other.senders["slack"].history == []


async def test_misfire_inside_grace_is_delivered_outside_is_recorded_missed(make_scheduler, caplog):
    clock = Clock(datetime(2024, 6, 3, 7, 30, tzinfo=UTC) + timedelta(minutes=50))
    s = make_scheduler(clock, grace=timedelta(hours=1))
    sub = add(s)
    assert [o.status for _, o in await s.catch_up()] == ["done"]
    clock.now = datetime(2024, 6, 4, 7, 30, tzinfo=UTC) + timedelta(hours=2)  # next day, two hours late
    assert [o.status for _, o in await s.catch_up()] == ["missed"]
    assert "missed its 2024-06-04T08:30 slot" in caplog.text
    assert [d.status for d in s.service.deliveries(sub.id)] == ["done", "missed"]
    assert len(s.senders["slack"].history) == 1
    assert await s.catch_up() == []  # recorded once, not retried


async def test_slots_before_the_subscription_existed_are_not_delivered(make_scheduler):
    clock = Clock(datetime(2024, 6, 3, 7, 45, tzinfo=UTC))
    s = make_scheduler(clock)
    add(s, created=clock.now)  # created at 08:45, after today's 08:30
    assert await s.catch_up() == []


async def test_nothing_new_says_so_in_one_line_or_stays_silent(make_scheduler):
    clock = Clock(datetime(2030, 6, 3, 7, 30, tzinfo=UTC))  # the seeds were ingested long before
    s = make_scheduler(clock)
    loud = add(s)
    quiet = add(s, channel="C2", quiet=True)
    await s.catch_up()  # first briefings: everything is new
    clock.now += timedelta(days=1)
    await s.catch_up()
    kinds = [(item[0], item[1]) for item in s.senders["slack"].history]
    assert kinds == [("briefing", loud.id), ("briefing", quiet.id), ("notice", loud.id)]
    assert s.senders["slack"].history[-1][2].startswith("Nothing new since the last briefing (2030-06-03 08:30 BST)")
    assert s.service.delivery(quiet.id, "2030-06-04T08:30").status == "skipped"


async def test_standing_question_posts_only_when_its_answer_changes(make_scheduler, tmp_path):
    clock = Clock(datetime(2030, 6, 3, 7, 30, tzinfo=UTC))
    s = make_scheduler(clock)
    sub = add(s, question="troop estimates?")
    await s.catch_up()
    clock.now += timedelta(days=1)
    await s.catch_up()
    assert [i[0] for i in s.senders["slack"].history] == ["answer"]
    assert s.service.delivery(sub.id, "2030-06-04T08:30").status == "skipped"
    news = tmp_path / "new.txt"
    news.write_text("New estimate\n\nNATO officials estimated that 14,000 North Korean troops were in Russia.\n")
    s.service.ingest([str(news)])
    clock.now += timedelta(days=1)
    await s.catch_up()
    kind, _, answer, note = s.senders["slack"].history[-1]
    assert kind == "answer" and "14,000" in str(answer.to_json())
    new_n = next(src.n for src in answer.sources if "14,000" in src.claim.text)
    assert note.startswith("Update to “troop estimates?”: new sources") and f"[{new_n}]" in note


async def test_a_vanished_channel_disables_its_subscription(make_scheduler, caplog):
    clock = Clock(datetime(2024, 6, 3, 7, 30, tzinfo=UTC))
    sender = RecordingSender()
    sender.gone = True
    s = make_scheduler(clock, sender=sender)
    sub = add(s)
    assert [o.status for _, o in await s.catch_up()] == ["disabled"]
    assert not s.service.subscription(sub.id).enabled
    assert "channel_not_found" in s.service.subscription(sub.id).disabled_reason
    assert "disabled subscription" in caplog.text
    clock.now += timedelta(days=1)
    assert await s.catch_up() == []  # and it is not tried every day


async def test_apscheduler_jobs_follow_the_table(make_scheduler):
    clock = Clock(datetime(2024, 3, 30, 12, tzinfo=UTC))
    s = make_scheduler(clock)
    sub = add(s, at="01:30")
    await s.sync_jobs()
    s.aps.start(paused=True)
    try:
        assert s.next_run(sub.id) is not None
        assert str(s.aps.get_job(f"sub:{sub.id}").trigger) == "daily at 01:30 Europe/London"
        s.service.unsubscribe(sub.id)
        await s.sync_jobs()
        assert s.aps.get_job(f"sub:{sub.id}") is None
    finally:
        await s.shutdown()


async def test_shutdown_lets_a_delivery_under_way_finish(make_scheduler):
    clock = Clock(datetime(2024, 6, 3, 7, 30, tzinfo=UTC))
    sender = RecordingSender()
    sender.gate = asyncio.Event()
    s = make_scheduler(clock, sender=sender)
    sub = add(s)
    task = asyncio.create_task(s._fire(sub.id))
    while s.service.delivery(sub.id, "2024-06-03T08:30") is None:
        await asyncio.sleep(0)  # let the job claim its slot
    stopping = asyncio.create_task(s.shutdown(timeout=5))
    sender.gate.set()
    await stopping
    await task
    assert s.service.delivery(sub.id, "2024-06-03T08:30").status == "done"


PROCESS = """
import asyncio, sys
from datetime import datetime, timedelta, timezone
from briefings.service import BriefingService
from briefings.store.sqlite import SQLiteStore
from bot.scheduler import BriefingScheduler

class FileSender:
    async def post_briefing(self, sub, briefing, note):
        with open(sys.argv[2], "a") as f:
            f.write(f"{sub.id}\\n")

now = datetime(2024, 6, 3, 7, 31, tzinfo=timezone.utc)
service = BriefingService(SQLiteStore(sys.argv[1]), clock=lambda: now)
s = BriefingScheduler(service, grace=timedelta(hours=1), clock=lambda: now)
s.attach({"slack": FileSender()})
print([o.status for _, o in asyncio.run(s.catch_up())])
"""


def test_two_processes_sharing_the_database_post_once(make_scheduler, store, tmp_path):
    import subprocess
    import sys

    s = make_scheduler(Clock(datetime(2024, 6, 3, 7, 31, tzinfo=UTC)))
    add(s)
    posts = tmp_path / "posts.txt"
    procs = [subprocess.Popen([sys.executable, "-c", PROCESS, str(store.path), str(posts)],
                              stdout=subprocess.PIPE, text=True) for i in range(3)]
    outs = [p.communicate(timeout=60)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert posts.read_text().splitlines() == ["1"]
    assert sum(out.count("'done'") for out in outs) == 1


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_standing_questions_and_new_since_follow_the_store_across_replicas(backend, request, model, tmp_path):
    """Two replicas take turns: each reads what the other delivered last from the store."""
    from briefings.ingest import ingest_paths
    from briefings.store import open_store

    if backend == "postgres":
        url = request.getfixturevalue("postgres_url")
        seeding = open_store(url)
        ingest_paths(seeding, [str(ROOT / "seeds")], embedder=model, now=datetime(2024, 1, 1, tzinfo=UTC))
        seeding.close()
    else:
        url = f"sqlite:///{request.getfixturevalue('store').path}"
    clock = Clock(datetime(2030, 6, 3, 7, 30, tzinfo=UTC))  # 08:30 in London
    replicas = []
    for _ in range(2):
        service = BriefingService(open_store(url), embedder=model, clock=clock)
        replicas.append(BriefingScheduler(service, grace=timedelta(hours=1), clock=clock))
        replicas[-1].attach({"slack": RecordingSender()})
    a, b = replicas
    try:
        briefing = add(a, channel="C1")
        question = add(a, channel="C2", question="troop estimates?")
        assert [o.status for _, o in await a.catch_up()] == ["done", "done"]  # day 1: both first posts
        news = tmp_path / "new.txt"
        news.write_text("New estimate\n\nNATO officials estimated that 14,000 North Korean troops were in Russia.\n")
        clock.now += timedelta(hours=1)
        b.service.ingest([str(news)])
        clock.now += timedelta(hours=23)
        assert [o.status for _, o in await b.catch_up()] == ["done", "done"]  # day 2: the new article, on b
        kinds = [(item[0], item[1]) for item in b.senders["slack"].history]
        assert kinds == [("briefing", briefing.id), ("answer", question.id)]
        assert b.senders["slack"].history[0][3] == "New since the last briefing."
        assert b.senders["slack"].history[1][3].startswith("Update to “troop estimates?”: new sources")
        clock.now += timedelta(days=1)
        # day 3, on a: nothing is new since b's delivery, and the answer is the one b posted
        assert [o.status for _, o in await a.catch_up()] == ["done", "skipped"]
        assert a.senders["slack"].history[-1] == (
            "notice", briefing.id, "Nothing new since the last briefing (2030-06-04 08:30 BST).")
        assert a.service.delivery(question.id, "2030-06-05T08:30").detail == "answer unchanged"
    finally:
        for r in replicas:
            r.service.store.close()
