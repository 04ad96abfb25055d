"""Claim stores behind one port. ``open_store(url)`` picks the backend from a SQLAlchemy-style URL."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import BadInput
from .port import ClaimQuery, ClaimStore, DocumentHit, IndexedClaim, TermStats

__all__ = ["ClaimQuery", "ClaimStore", "DocumentHit", "IndexedClaim", "TermStats", "check_database", "is_postgres",
           "open_store", "redact", "sqlite_path"]

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def sqlite_path(url: str) -> str | None:
    """The file a ``sqlite:///...`` URL names (``:memory:`` for an in-memory store)."""
    if url.startswith("sqlite://"):
        rest = url[len("sqlite://"):]
        if rest in ("", "/", "/:memory:"):
            return ":memory:"
        return rest[1:] if rest.startswith("/") else rest
    return None


def is_postgres(url: str) -> bool:
    return url.startswith(POSTGRES_SCHEMES)


def open_store(url: str) -> ClaimStore:
    """Open the store a URL names, bringing its schema up to date: ``sqlite:///relative.db``,
    ``sqlite:////abs/path.db``, ``postgresql://user@host:5432/db`` (or ``postgres://``)."""
    path = sqlite_path(url)
    if path is not None:
        from .sqlite import SQLiteStore

        return SQLiteStore(path if path == ":memory:" else Path(path).expanduser())
    if is_postgres(url):
        from .postgres import PostgresStore

        return PostgresStore(url)
    scheme = urlsplit(url).scheme
    raise BadInput(f"unsupported database URL scheme {scheme!r}: use sqlite:///path/to/briefbot.db "
                   "or postgresql://user@host/db")


def redact(url: str) -> str:
    """The URL with any password replaced by ``***``, for messages and logs."""
    if not is_postgres(url):
        return url
    netloc = urlsplit(url).netloc
    user, at, host = netloc.rpartition("@")
    if at and ":" in user:
        url = url.replace(netloc, f"{user.partition(':')[0]}:***@{host}", 1)
    return re.sub(r"([?&]password=)[^&]*", r"\1***", url)


def check_database(url: str, timeout: int = 5) -> str | None:
    """Why the database ``url`` names cannot be used, in one line without the password; None when it can."""
    if not is_postgres(url):
        return None
    import psycopg

    parts = urlsplit(url)
    secrets = [parts.password] + [v for k, _, v in (q.partition("=") for q in parts.query.split("&")) if k == "password"]
    try:
        with psycopg.connect(url, connect_timeout=timeout) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as e:
        reason = (str(e).strip().splitlines() or [type(e).__name__])[0]
        for secret in filter(None, secrets):
            reason = reason.replace(secret, "***").replace(unquote(secret), "***")
        return f"database_url: cannot connect to {redact(url)}: {reason}"
    return None
