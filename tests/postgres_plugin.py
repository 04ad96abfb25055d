"""PostgreSQL for tests: each test that asks for ``postgres_url`` gets a schema of its own in
the test server, dropped afterwards (and every schema of the run is swept at its end).

The server is a test setting, ``BRIEFBOT_TEST_POSTGRES_URL`` (default
postgresql://postgres@127.0.0.1:5432/test). When it is unreachable the PostgreSQL tests skip
with the reason, unless ``BRIEFBOT_REQUIRE_POSTGRES=1``: then they fail.
"""
from __future__ import annotations

import itertools
import os
import secrets

import pytest
from pydantic_settings import BaseSettings, SettingsConfigDict

from briefings.store import check_database


class PostgresTestSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BRIEFBOT_", extra="ignore")

    test_postgres_url: str = "postgresql://postgres@127.0.0.1:5432/test"
    require_postgres: bool = False


@pytest.fixture(scope="session")
def postgres_server() -> tuple[str, str]:
    """(the server's URL, this run's schema prefix)."""
    settings = PostgresTestSettings()
    problem = check_database(settings.test_postgres_url, timeout=3)
    if problem:
        if settings.require_postgres:
            pytest.fail(f"BRIEFBOT_REQUIRE_POSTGRES=1 but {problem}")
        pytest.skip(f"PostgreSQL unavailable ({problem}); BRIEFBOT_REQUIRE_POSTGRES=1 makes this a failure")
    prefix = f"briefbot_test_{os.getpid()}_{secrets.token_hex(3)}"
    yield settings.test_postgres_url, prefix
    import psycopg
    from psycopg import sql

    with psycopg.connect(settings.test_postgres_url, autocommit=True) as conn:
        left = conn.execute("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", (prefix,)).fetchall()
        for (name,) in left:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


_numbers = itertools.count()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A database URL whose search_path is a new, empty schema of this test's own."""
    from briefings.store.postgres import create_schema, drop_schema

    server, prefix = postgres_server
    schema = f"{prefix}_{next(_numbers)}"
    yield create_schema(server, schema)
    drop_schema(server, schema)
