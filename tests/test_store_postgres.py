"""What only the PostgreSQL store has: migrations shared by processes, deadlines on the server,
URLs with passwords. The port's behaviour itself is pinned in test_store_contract.py."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from briefings.store import check_database, open_store, redact
from briefings.store.postgres import PostgresStore
from briefings.store.postgres.schema import SCHEMA_VERSION
from briefings.store.postgres.store import fetch_until, tsquery

ROOT = Path(__file__).resolve().parents[1]


def versions(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [v for (v,) in conn.execute("SELECT version FROM schema_version ORDER BY version")]


def test_stores_opened_at_once_apply_each_migration_once(postgres_url):
    barrier, opened, errors = threading.Barrier(6), [], []

    def open_one():
        barrier.wait()
        try:
            store = PostgresStore(postgres_url)
            opened.append(store.migrated)
            store.close()
        except Exception as e:
            errors.append(e)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # (before, after) of each: one started from nothing, all ended up to date; with several
    # migrations, another process may apply the later ones (each in its own transaction)
    assert [before for before, _ in opened].count(0) == 1
    assert all(after == SCHEMA_VERSION for _, after in opened)
    assert versions(postgres_url) == list(range(1, SCHEMA_VERSION + 1))


def test_db_upgrade_from_several_processes(postgres_url):
    env = {**os.environ, "BRIEFBOT_DATABASE_URL": postgres_url}
    procs = [subprocess.Popen([sys.executable, "-m", "bot.cli", "db", "upgrade"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    assert all(out.strip().endswith(f": schema version {SCHEMA_VERSION}") for out, _ in outputs)
    assert versions(postgres_url) == list(range(1, SCHEMA_VERSION + 1))


def test_a_database_newer_than_the_code_is_refused(postgres_url):
    PostgresStore(postgres_url).close()
    with psycopg.connect(postgres_url) as conn:
        conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (SCHEMA_VERSION + 1,))
    with pytest.raises(RuntimeError, match=f"schema {SCHEMA_VERSION + 1}, newer than this briefbot"):
        PostgresStore(postgres_url)


def test_a_search_path_naming_no_schema_is_explained(postgres_server):
    server, prefix = postgres_server
    from briefings.store.postgres import schema_url

    with pytest.raises(RuntimeError, match="search_path names no existing schema"):
        PostgresStore(schema_url(server, f"{prefix}_missing"))


def test_both_url_schemes_open_the_store(postgres_url):
    for url in (postgres_url, postgres_url.replace("postgresql://", "postgres://", 1)):
        store = open_store(url)
        assert isinstance(store, PostgresStore) and store.schema_version == SCHEMA_VERSION
        store.close()


def test_a_slow_streaming_query_gives_what_it_found_by_its_deadline(postgres_url):
    with psycopg.connect(postgres_url) as conn:
        started = time.monotonic()
        rows = fetch_until(conn, "SELECT g, pg_sleep(0.01) FROM generate_series(1, 1000) g", [],
                           deadline=started + 0.5, batch=5)
        elapsed = time.monotonic() - started
        assert 0 < len(rows) < 1000
        assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
        assert elapsed < 0.8
        assert conn.execute("SELECT 1").fetchone() == (1,)  # the connection is still good


def test_a_slow_query_that_must_finish_first_gives_nothing_by_its_deadline(postgres_url):
    with psycopg.connect(postgres_url) as conn:
        started = time.monotonic()
        rows = fetch_until(conn, "SELECT g FROM (SELECT g, pg_sleep(0.01) FROM generate_series(1, 1000) g) s"
                                 " ORDER BY g DESC", [], deadline=started + 0.3)
        assert rows == [] and time.monotonic() - started < 0.6


def test_tsquery_quotes_every_term():
    assert tsquery(["a", "b"], ["c", "d"]) == "('a' | 'b') & 'c' & 'd'"
    assert tsquery([], ["o'neil", "back\\slash"]) == "'o''neil' & 'back\\\\slash'"
    assert tsquery(["x"], []) == "('x')"


def test_messages_never_show_the_password():
    url = "postgresql://bot:hunter2@127.0.0.1:1/briefbot?sslmode=disable&password=hunter3"
    assert redact(url) == "postgresql://bot:***@127.0.0.1:1/briefbot?sslmode=disable&password=***"
    problem = check_database(url, timeout=2)
    assert problem.startswith("database_url: cannot connect to postgresql://bot:***@127.0.0.1:1/briefbot")
    assert "\n" not in problem and "hunter" not in problem
    assert redact("sqlite:////abs/briefbot.sqlite3") == "sqlite:////abs/briefbot.sqlite3"


def test_config_check_tries_the_connection(postgres_url, tmp_path):
    def check(url: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "BRIEFBOT_DATABASE_URL": url, "BRIEFBOT_AUTO_SEED": "false",
               "BRIEFBOT_DATA_DIR": str(tmp_path)}
        return subprocess.run([sys.executable, "-m", "bot.cli", "config", "check"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)

    ok = check(postgres_url)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith(f"settings ok: store {postgres_url};")
    bad = check("postgresql://bot:hunter2@127.0.0.1:1/briefbot")
    assert bad.returncode == 1
    assert bad.stderr.startswith("database_url: cannot connect to postgresql://bot:***@127.0.0.1:1/briefbot: ")
    assert bad.stderr.count("\n") == 1 and "hunter2" not in bad.stderr + bad.stdout


def test_a_replica_finishing_a_slot_while_another_claims_it_does_not_deadlock(postgres_url):
    """Replica b is inside claim_slot (the subscription row locked FOR SHARE) when replica a,
    which won the slot, finishes it; b's insert then meets a's update of the slot. Both must
    go through (found by benchmarks/bench_scheduler.py with 3 replicas: 'deadlock detected')."""
    from datetime import datetime, timedelta, timezone

    from briefings.subscriptions import NewSubscription, SlotOutcome

    now = datetime(2026, 1, 5, 8, 0, 1, tzinfo=timezone.utc)
    store = PostgresStore(postgres_url)
    try:
        sub = store.add_subscription(NewSubscription("slack", "C1", "briefing", "08:00", "UTC"), now).subscription
        slot, due, lease = "2026-01-05T08:00", now - timedelta(seconds=1), timedelta(minutes=2)
        assert store.claim_slot(sub.id, slot, due, "a", now, lease)
        outcome: dict = {}

        def finish():
            try:
                outcome["finished"] = store.finish_slot(sub.id, slot, "a", SlotOutcome("done", delivered_at=now), now)
            except Exception as e:  # noqa: BLE001 - reported by the assertion below
                outcome["error"] = e

        with psycopg.connect(postgres_url) as b:  # claim_slot's statements, one at a time
            b_pid = b.info.backend_pid
            b.execute("SELECT 1 FROM subscriptions WHERE id = %s AND enabled FOR SHARE", (sub.id,))
            finishing = threading.Thread(target=finish)
            finishing.start()
            deadline = time.monotonic() + 10
            with psycopg.connect(postgres_url, autocommit=True) as watch:
                while not watch.execute("SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                                        (b_pid,)).fetchone()[0]:
                    assert time.monotonic() < deadline, "finish_slot never waited for the claiming replica"
                    assert finishing.is_alive(), f"finish_slot did not wait for the claiming replica: {outcome}"
            inserted = b.execute(
                "INSERT INTO deliveries (subscription_id, slot, due_at, status, owner, claimed_at)"
                " VALUES (%s, %s, %s, 'claimed', 'b', %s) ON CONFLICT DO NOTHING", (sub.id, slot, due, now)).rowcount
            taken = b.execute(
                "UPDATE deliveries SET status = 'claimed', owner = 'b', claimed_at = %s, attempts = attempts + 1"
                " WHERE subscription_id = %s AND slot = %s AND attempts < 3"
                " AND (status = 'failed' OR (status = 'claimed' AND claimed_at < %s))",
                (now, sub.id, slot, now - lease)).rowcount
            b.commit()
        finishing.join(timeout=10)
        assert outcome == {"finished": True}
        assert (inserted, taken) == (0, 0)
        d = store.delivery(sub.id, slot)
        assert (d.status, d.owner, d.attempts) == ("done", "a", 1)
    finally:
        store.close()


def test_the_planner_knows_rare_terms_from_common_ones(postgres_url):
    """With the default statistics every lexeme outside the ~1,000 commonest is guessed at 0.5%
    of the claims, and a rare term, newest first, walked the whole table (2.5 s at 10^6 claims)."""
    PostgresStore(postgres_url).close()
    with psycopg.connect(postgres_url) as conn:
        target = conn.execute("SELECT attstattarget FROM pg_attribute WHERE attrelid = 'claims'::regclass"
                              " AND attname = 'tsv'").fetchone()[0]
    assert target == 1000


def test_few_matches_are_read_from_the_postings_and_many_by_walking_newest_first():
    from briefings.store.postgres.store import read_postings

    # 10^6 claims, 150 wanted: the walk reads 10^6 * 150 / matches rows at 0.4 the cost of each match
    assert read_postings(3_000, 1_000_000, 150)  # the walk: 50,000 rows; the postings: 3,000
    assert not read_postings(20_000, 1_000_000, 150)  # the walk: 7,500 rows
    assert read_postings(40, 1_000_000, 150)


def test_the_postings_follow_every_write_and_answer_like_the_full_text_index(postgres_url):
    """Migration 5's postings table holds exactly each claim's lexemes, through inserts,
    replacements and removals (a trigger keeps it), and "newest claims with any of these terms"
    read from it equals the same query over the GIN index."""
    from datetime import datetime, timezone

    from briefings.store.port import ClaimQuery, IndexedClaim
    from briefings.types import Claim, Document

    def doc(name: str, minute: int) -> Document:
        return Document(id=name, path=f"/n/{name}.txt", title=name, content_hash=f"h-{name}",
                        ingested_at=datetime(2026, 3, 1, 12, minute, tzinfo=timezone.utc), text=name)

    def claims(name: str, rows: list[tuple[str, str]]) -> list[IndexedClaim]:
        return [IndexedClaim(Claim(id=f"{name}:{i}", doc_id=name, seq=i, text=f"S{i}.", start=0, end=3), t, ctx)
                for i, (t, ctx) in enumerate(rows)]

    def mismatch(conn) -> int:
        return conn.execute("SELECT count(*) FROM ((SELECT term, n FROM postings EXCEPT"
                            " SELECT unnest(tsvector_to_array(tsv)), n FROM claims) UNION ALL"
                            " (SELECT unnest(tsvector_to_array(tsv)), n FROM claims EXCEPT"
                            " SELECT term, n FROM postings)) AS d").fetchone()[0]

    store = PostgresStore(postgres_url)
    try:
        def put(d: Document, cs: list[IndexedClaim], replaces: str | None = None) -> None:
            store.put_document(d, cs, source_key=d.path, replaces=replaces, vector=None, extractor_version=1,
                               model=None)

        put(doc("a", 0), claims("a", [("troop kursk", "russia"), ("troop estim", ""), ("u.s offici said", "kursk")]))
        put(doc("b", 1), claims("b", [("kursk offens", "troop"), ("strike port", "")]))
        with psycopg.connect(postgres_url) as conn:
            assert mismatch(conn) == 0 and conn.execute("SELECT count(*) FROM postings").fetchone()[0] > 0
        put(doc("b2", 2), claims("b2", [("kursk again", "")]), replaces="b")  # a new version of b
        store.remove_document("a")
        with psycopg.connect(postgres_url) as conn:
            assert mismatch(conn) == 0
            for terms in (["kursk"], ["troop", "port"], ["kursk", "absent"], ["u.s"]):
                gin = [r[0] for r in conn.execute(
                    "SELECT id FROM claims WHERE tsv @@ to_tsquery('simple', %s) ORDER BY n DESC LIMIT 150",
                    (tsquery(terms, []),)).fetchall()]
                assert [r.id for r in store.match(ClaimQuery(any_terms=tuple(terms)))] == gin, terms
    finally:
        store.close()
