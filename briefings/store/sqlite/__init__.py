"""The SQLite backend of the storage port (the embedded default)."""
from .store import SQLiteStore

__all__ = ["SQLiteStore"]
