"""The PostgreSQL backend of the storage port (several processes on one database)."""
from .schema import create_schema, drop_schema, schema_url
from .store import PostgresStore

__all__ = ["PostgresStore", "create_schema", "drop_schema", "schema_url"]
