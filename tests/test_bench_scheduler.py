"""The scheduler benchmark's own check: every slot finished exactly once, or it stops loudly."""
from __future__ import annotations

import pytest

from benchmarks import bench_scheduler


def test_three_replicas_finish_every_slot_once_on_sqlite_and_postgres(postgres_server, capsys):
    server, _ = postgres_server
    assert bench_scheduler.main(["--subscriptions", "6", "--slots", "2", "--database-url", server]) == 0
    out = capsys.readouterr().out
    for backend in ("SQLite", "PostgreSQL"):
        assert f"{backend}, 3 replicas, same order: 12 slots in" in out
        assert f"{backend}, 3 replicas, shuffled order: 12 slots in" in out


def test_a_slot_finished_twice_or_never_is_a_failure(tmp_path):
    from briefings.store import open_store

    url = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    store = open_store(url)
    bench_scheduler.subscribe(store, 2)
    slots = [(s, key) for s, key, _ in bench_scheduler.due_slots(store.subscriptions(enabled_only=True), 1)]
    store.close()
    with pytest.raises(SystemExit, match="finished by both a and b"):
        bench_scheduler.verify(url, 1, [{"owner": "a", "won": slots}, {"owner": "b", "won": slots[:1]}])
    with pytest.raises(SystemExit, match="1 slots never finished"):
        bench_scheduler.verify(url, 1, [{"owner": "a", "won": slots[:1]}])
    with pytest.raises(SystemExit, match="the store holds 0 delivery records for 2 slots"):
        bench_scheduler.verify(url, 1, [{"owner": "a", "won": slots}])
