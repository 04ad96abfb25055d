"""Claim stores behind one port. ``open_store(url)`` picks the backend from a SQLAlchemy-style URL."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from ..errors import BadInput
from .port import ClaimQuery, ClaimStore, DocumentHit, IndexedClaim, TermStats

__all__ = ["ClaimQuery", "ClaimStore", "DocumentHit", "IndexedClaim", "TermStats", "open_store", "sqlite_path"]


def sqlite_path(url: str) -> str | None:
    """The file a ``sqlite:///...`` URL names (``:memory:`` for an in-memory store)."""
    if url.startswith("sqlite://"):
        rest = url[len("sqlite://"):]
        if rest in ("", "/", "/:memory:"):
            return ":memory:"
        return rest[1:] if rest.startswith("/") else rest
    return None


def open_store(url: str) -> ClaimStore:
    """Open the store a URL names: ``sqlite:///relative.db``, ``sqlite:////abs/path.db``."""
    path = sqlite_path(url)
    if path is not None:
        from .sqlite import SQLiteStore

        return SQLiteStore(path if path == ":memory:" else Path(path).expanduser())
    scheme = urlparse(url).scheme
    raise BadInput(f"unsupported database URL scheme {scheme!r}: use sqlite:///path/to/briefbot.db")
