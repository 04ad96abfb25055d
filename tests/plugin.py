"""briefbot's pytest plugin: a seeded store, the service, and settings built from values.

Loaded with ``-p tests.plugin`` (pyproject's addopts). Platform harnesses (Slack, Discord)
live in their own modules and are registered here too, so a test just asks for them.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefings.ingest import ingest_paths
from briefings.service import BriefingService
from briefings.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """A store file built once from the seeds; tests get copies of it."""
    path = tmp_path_factory.mktemp("seeded") / "seeds.sqlite3"
    store = SQLiteStore(path)
    report = ingest_paths(store, [str(SEEDS)])
    assert not report.failed, report.failed
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


@pytest.fixture
def store(seeded_db, tmp_path) -> SQLiteStore:
    """A private copy of the seeded store."""
    path = tmp_path / "store.sqlite3"
    shutil.copy(seeded_db, path)
    s = SQLiteStore(path)
    yield s
    s.close()


@pytest.fixture
def empty_store(tmp_path) -> SQLiteStore:
    s = SQLiteStore(tmp_path / "empty.sqlite3")
    yield s
    s.close()


@pytest.fixture
def service(store) -> BriefingService:
    return BriefingService(store)


@pytest.fixture
def settings_factory(tmp_path):
    """Settings from explicit values only: no settings file, data under tmp_path."""
    from bot.settings import load_settings

    def make(**values):
        values.setdefault("data_dir", tmp_path / "data")
        return load_settings(None, **values)

    return make
