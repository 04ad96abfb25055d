"""Scheduler claim throughput with several replicas, side by side with one process doing the
same work on the same backend in the same run, reported as a ratio.

    python -m benchmarks.bench_scheduler                       # SQLite only
    python -m benchmarks.bench_scheduler --database-url postgresql://postgres@127.0.0.1/test

Workload: S subscriptions (S channels, daily at times and zones of their own) with K slots each
due: S x K deliveries. Every replica is a process of its own with its own store handle (SQLite:
one shared file; PostgreSQL: one schema) and walks every due slot, doing through the store port
what ``BriefingScheduler.deliver`` does around a post: ``claim_slot``; if it won, read the
subscription afresh, post through a no-op sender, ``finish_slot`` with "done". A slot another
replica holds or finished is a lost claim, and the replica moves on. No renewals: a no-op post
ends long before a quarter lease.

The replicas run twice: walking the slots in the same order, as replicas do (the same jobs fire
at the same instants in every process and each sweep walks the subscriptions by id, so all
three contend for each slot at once, and two of every three claims are lost), and each in an
order of its own (they mostly claim different slots: the most three replicas could do).

Baseline: the same S x K slots on a fresh store of the same backend, walked by 1 process.
Throughput is slots finished per second of wall time, from the moment every replica is ready
(store open, subscriptions read) until the last one is through. After each run the benchmark
checks, from what the replicas report and from the delivery records in the store, that every
slot was finished exactly once, by the replica whose claim won, on its first attempt; it stops
with an error otherwise.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import queue
import random
import shutil
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, time as dtime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "America/Los_Angeles"]
LEASE = timedelta(minutes=2)
FIRST_DAY = date(2026, 1, 5)


class NoOpSender:
    """Posts nothing: the benchmark measures claiming, not chat."""

    def post(self, sub) -> None:
        return None


def subscribe(store, n: int) -> None:
    """n subscriptions, one per channel, at times and zones of their own."""
    from briefings.subscriptions import NewSubscription

    now = datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))
    for i in range(n):
        at = f"{6 + i % 12:02d}:{(i * 7) % 60:02d}"
        store.add_subscription(NewSubscription("slack", f"C{i:06d}", "briefing", at, ZONES[i % len(ZONES)],
                                               created_by="bench"), now)


def due_slots(subs, k: int) -> list[tuple[int, str, datetime]]:
    """(subscription id, slot key, due) of each subscription's first k daily slots, day by day."""
    from briefings.schedule import slot_on

    out = []
    for day in range(k):
        for s in subs:
            slot = slot_on(FIRST_DAY + timedelta(days=day), dtime.fromisoformat(s.at_time), ZoneInfo(s.timezone))
            out.append((s.id, slot.key, slot.due))
    return out


def replica(url: str, k: int, order: str, index: int, ready, results) -> None:
    """One replica: claim and finish every due slot it can win, then report what it finished."""
    sys.path.insert(0, str(ROOT))
    from briefings.store import open_store
    from briefings.subscriptions import SlotOutcome

    store = open_store(url)
    owner = f"replica-{index}-{uuid.uuid4().hex[:8]}"
    sender = NoOpSender()
    slots = due_slots(store.subscriptions(enabled_only=True), k)
    if order == "shuffled":
        random.Random(index).shuffle(slots)
    ready.wait()
    started = time.monotonic()
    won, lost = [], 0
    for sub_id, key, due in slots:
        now = due + timedelta(seconds=1)
        if not store.claim_slot(sub_id, key, due, owner, now, LEASE):
            lost += 1
            continue
        sender.post(store.subscription(sub_id))  # read afresh, as deliver() does
        if not store.finish_slot(sub_id, key, owner, SlotOutcome("done", delivered_at=now), now):
            raise RuntimeError(f"{owner} lost its claim on {sub_id} {key} before finishing it")
        won.append((sub_id, key))
    ended = time.monotonic()
    store.close()
    results.put({"owner": owner, "won": won, "lost": lost, "started": started, "ended": ended})


def run(url: str, replicas: int, k: int, order: str) -> dict:
    """The replicas on the store ``url`` (subscribed already): wall seconds, and the checks."""
    ctx = mp.get_context("spawn")
    ready, results = ctx.Barrier(replicas + 1), ctx.Queue()
    procs = [ctx.Process(target=replica, args=(url, k, order, i, ready, results)) for i in range(replicas)]
    for p in procs:
        p.start()
    try:
        ready.wait(timeout=120)
        reports = []
        while len(reports) < len(procs):
            try:
                reports.append(results.get(timeout=1))
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in procs):
                    raise SystemExit("FAILED: a replica died (its traceback is above)")
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
    seconds = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
    return {"seconds": seconds, "reports": reports}


def verify(url: str, k: int, reports: list[dict]) -> int:
    """Every due slot finished exactly once, by the replica that says so, on its first attempt."""
    from briefings.store import open_store

    store = open_store(url)
    try:
        expected = {(s, key) for s, key, _ in due_slots(store.subscriptions(enabled_only=True), k)}
        by: dict[tuple[int, str], str] = {}
        for r in reports:
            for slot in r["won"]:
                if slot in by:
                    raise SystemExit(f"FAILED: slot {slot} finished by both {by[slot]} and {r['owner']}")
                by[slot] = r["owner"]
        if set(by) != expected:
            raise SystemExit(f"FAILED: {len(expected - set(by))} slots never finished,"
                             f" {len(set(by) - expected)} finished that were not due")
        records = {(d.subscription_id, d.slot): d for s in {s for s, _ in expected} for d in store.deliveries(s)}
        if set(records) != expected:
            raise SystemExit(f"FAILED: the store holds {len(records)} delivery records for {len(expected)} slots")
        for slot, d in records.items():
            if d.status != "done" or d.attempts != 1 or d.owner != by[slot]:
                raise SystemExit(f"FAILED: slot {slot} is {d.status} by {d.owner} after {d.attempts} attempts;"
                                 f" {by[slot]} says it finished it")
        return len(expected)
    finally:
        store.close()


class Backend:
    """Fresh stores of one backend, each with the same subscriptions."""

    def __init__(self, name: str, database_url: str | None, tmp: Path):
        self.name, self.database_url, self.tmp, self.made = name, database_url, tmp, []

    def fresh(self, label: str, subscriptions: int) -> str:
        from briefings.store import open_store

        if self.database_url:
            from briefings.store.postgres import create_schema, drop_schema

            schema = f"bench_sched_{label}_{uuid.uuid4().hex[:6]}"
            drop_schema(self.database_url, schema)
            url = create_schema(self.database_url, schema)
            self.made.append(schema)
        else:
            url = f"sqlite:///{self.tmp / f'{label}.sqlite3'}"
        store = open_store(url)
        subscribe(store, subscriptions)
        store.close()
        return url

    def clean(self) -> None:
        if self.database_url:
            from briefings.store.postgres import drop_schema

            for schema in self.made:
                drop_schema(self.database_url, schema)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--subscriptions", type=int, default=500, help="S (default 500)")
    ap.add_argument("--slots", type=int, default=10, help="K due slots per subscription (default 10)")
    ap.add_argument("--replicas", type=int, default=3)
    ap.add_argument("--database-url", help="also run on PostgreSQL, in new schemas of this database (dropped after)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    s, k = args.subscriptions, args.slots
    tmp = Path(tempfile.mkdtemp(prefix="briefbot-bench-sched-"))
    backends = [Backend("SQLite", None, tmp)]
    if args.database_url:
        backends.append(Backend("PostgreSQL", args.database_url, tmp))
    rows = []
    try:
        for b in backends:
            for n, order in ((1, "same"), (args.replicas, "same"), (args.replicas, "shuffled")):
                url = b.fresh(f"{b.name.lower()}_{n}_{order}", s)
                r = run(url, n, k, order)
                slots = verify(url, k, r["reports"])
                lost = sum(x["lost"] for x in r["reports"])
                rows.append((b.name, n, order if n > 1 else "-", slots, r["seconds"], lost))
                print(f"{b.name}, {n} replica{'s' * (n > 1)}{f', {order} order' * (n > 1)}: {slots} slots in"
                      f" {r['seconds']:.2f} s, each finished exactly once ({lost} claims lost to another replica)",
                      flush=True)
    finally:
        for b in backends:
            b.clean()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nscheduler claims: {s} subscriptions x {k} due slots; per slot won: claim + read + no-op post + finish")
    print(f"{'':12} {'replicas':>8} {'order':>9} {'slots':>6} {'seconds':>8} {'slots/s':>8} {'lost claims':>12}"
          f" {'vs 1 process':>13}")
    base = {}
    for name, n, order, slots, seconds, lost in rows:
        rate = slots / seconds
        base.setdefault(name, rate)
        print(f"{name:12} {n:8d} {order:>9} {slots:6d} {seconds:8.2f} {rate:8.0f} {lost:12d}"
              f" {rate / base[name]:12.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
