"""The embedded claim store: SQLite tables plus an FTS5 index of the core's analysed terms.

Every document goes in under one transaction (WAL journal), so a store killed mid-ingest
holds each document whole or not at all. Migrations run under the write lock, so several
processes opening a new store at once apply each one exactly once.
"""
from __future__ import annotations

import json
import sqlite3
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Collection, Iterable, Sequence

import numpy as np

from ...types import Claim, Document
from ..port import (CLAIM_COLUMNS, REF_COLUMNS, ClaimQuery, ClaimRef, DocumentHit, DocumentVectors, IndexedClaim,
                    TermStats, claim_from_row, claim_values, document_from_row, indexed_from_rows, refs_from_rows, vector_bytes)
from .feeds import SQLiteFeeds
from .schedule import SQLiteSchedule
from .schema import MIGRATIONS, SCHEMA_VERSION

_DOC_COLUMNS = "id, path, title, outlet, author, url, published, opinion, content_hash, ingested_at, extractor_version"
_CLAIM_COLUMNS = ", ".join(CLAIM_COLUMNS)


def _fts_term(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def match_expression(any_terms: Sequence[str], all_terms: Sequence[str]) -> str:
    """An FTS5 MATCH expression: (a OR b) AND c AND d. Terms are quoted, so no syntax gets through."""
    parts = []
    if any_terms:
        parts.append("(" + " OR ".join(_fts_term(t) for t in any_terms) + ")")
    parts += [_fts_term(t) for t in all_terms]
    return " AND ".join(parts)


BUSY_SECONDS = 30  # how long a connection waits for another's lock


def _write_ahead_log(conn: sqlite3.Connection, wait: float) -> None:
    """Put the database in WAL mode. While another process is setting up the same new file,
    the switch fails at once with "database is locked" (SQLite does not wait on the busy
    timeout for it), so it is tried again, for up to ``wait`` seconds."""
    deadline = time.monotonic() + wait
    delay = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(2 * delay, 0.25)


CACHE_KIB = 64 * 1024  # SQLite's page cache for the store's connection, in KiB


class SQLiteStore(SQLiteSchedule, SQLiteFeeds):
    """The default store, in one file (or ``:memory:``): claims here, subscriptions, deliveries,
    seen events and leases in ``schedule.py``."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                    timeout=BUSY_SECONDS)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
        if self.path != ":memory:":
            _write_ahead_log(self.conn, BUSY_SECONDS)
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        # pages read stay in the process (SQLite's default keeps 2 MB): the claims a question
        # reads are not read from disk again when the kernel has reclaimed idle page cache
        self.conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        self._migrate()
        self._docvecs = DocumentVectors()

    # -- schema -------------------------------------------------------------------------
    def _migrate(self) -> None:
        """Apply missing migrations, each in its own write transaction, reading the version
        under the lock: a process that waited finds the work done and applies nothing."""
        if self.schema_version == SCHEMA_VERSION:
            return
        while True:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                current = self.schema_version
                if current > SCHEMA_VERSION:
                    raise RuntimeError(f"store {self.path} has schema {current}, newer than this briefbot ({SCHEMA_VERSION})")
                if current == SCHEMA_VERSION:
                    self.conn.execute("COMMIT")
                    return
                for statement in MIGRATIONS[current + 1]:
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version={current + 1}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        self.conn.close()

    def _tx(self):
        return _Tx(self.conn)

    # -- documents ----------------------------------------------------------------------
    def document_by_hash(self, content_hash: str) -> Document | None:
        row = self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE content_hash=?", (content_hash,)).fetchone()
        return document_from_row(row) if row else None

    def document_by_key(self, source_key: str) -> Document | None:
        row = self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE source_key=?", (source_key,)).fetchone()
        return document_from_row(row) if row else None

    def put_document(self, doc: Document, claims: Sequence[IndexedClaim], *, source_key: str,
                     replaces: str | None, vector: np.ndarray | None, extractor_version: int,
                     model: str | None) -> bool:
        """Add a document and its claims (replacing ``replaces``) in one transaction.

        False, with nothing changed, when a document with the same content is already stored
        (another process got there first)."""
        with self._tx() as c:
            if c.execute("SELECT 1 FROM documents WHERE content_hash=?", (doc.content_hash,)).fetchone():
                return False
            if replaces:
                self._delete(replaces)
            # the same source may have been replaced by another process meanwhile: ours is newer
            old = c.execute("SELECT id FROM documents WHERE source_key=?", (source_key,)).fetchone()
            if old:
                self._delete(old["id"])
            c.execute(
                "INSERT INTO documents (id, source_key, path, title, outlet, author, url, published, opinion,"
                " content_hash, ingested_at, extractor_version, text, embed_model, vector)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc.id, source_key, doc.path, doc.title, doc.outlet, doc.author, doc.url,
                 doc.published.isoformat() if doc.published else None, int(doc.opinion), doc.content_hash,
                 (doc.ingested_at or datetime.now().astimezone()).isoformat(), extractor_version, doc.text,
                 model, vector_bytes(vector)),
            )
            self._insert_claims(claims)
            self._bump()
        return True

    def replace_claims(self, doc_id: str, claims: Sequence[IndexedClaim], *, vector: np.ndarray | None,
                       extractor_version: int, model: str | None) -> None:
        """Re-extracted claims for a stored document, in one transaction."""
        with self._tx() as c:
            self._delete_claims(doc_id)
            self._insert_claims(claims)
            c.execute("UPDATE documents SET extractor_version=?, embed_model=?, vector=? WHERE id=?",
                      (extractor_version, model, vector_bytes(vector), doc_id))
            self._bump()

    def remove_document(self, doc_id: str) -> bool:
        with self._tx() as c:
            if not c.execute("SELECT 1 FROM documents WHERE id=?", (doc_id,)).fetchone():
                return False
            self._delete(doc_id)
            self._bump()
        return True

    def documents_by_ref(self, ref: str) -> list[Document]:
        """Documents a person may name: by id, the path or URL they were read from, or their URL."""
        rows = self.conn.execute(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ? OR source_key = ? OR source_key = ? OR path = ?"
            " OR url = ? ORDER BY rowid", (ref, ref, f"url:{ref}", ref, ref)).fetchall()
        return [document_from_row(r) for r in rows]

    def documents_before(self, cutoff: datetime) -> list[Document]:
        rows = self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE ingested_at < ? ORDER BY ingested_at",
                                 (cutoff.isoformat(),)).fetchall()
        return [document_from_row(r) for r in rows]

    def _bump(self) -> None:
        self.conn.execute("UPDATE corpus SET generation = generation + 1")

    def _count_terms(self, rows: Iterable[tuple[str, str]], sign: int) -> None:
        """Add (or take away) the claims' terms to the document frequencies."""
        df: Counter[str] = Counter()
        for terms, context in rows:
            df.update(set(terms.split()) | set(context.split()))
        self.conn.executemany(
            "INSERT INTO terms (term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
            [(t, sign * n) for t, n in sorted(df.items())])
        if sign < 0:
            self.conn.execute("DELETE FROM terms WHERE df <= 0")

    def _insert_claims(self, claims: Sequence[IndexedClaim]) -> None:
        c = self.conn
        self._count_terms(((ic.terms, ic.context_terms) for ic in claims), +1)
        c.executemany(
            f"INSERT INTO claims ({_CLAIM_COLUMNS}, vector) VALUES ({','.join('?' * (len(CLAIM_COLUMNS) + 1))})",
            [(*claim_values(ic.claim).values(), ic.terms, ic.context_terms, vector_bytes(ic.vector)) for ic in claims],
        )
        names = [e for ic in claims for e in set(ic.claim.entities)]
        c.executemany(
            "INSERT INTO topics(name, lname, claims) VALUES (?, ?, 1)"
            " ON CONFLICT(name) DO UPDATE SET claims = claims + 1",
            [(e, e.lower()) for e in names],  # Python's lower(): SQLite's folds ASCII only
        )

    def _forget_topics(self, doc_id: str) -> None:
        self.conn.execute(
            "UPDATE topics SET claims = claims - (SELECT count(*) FROM claims c, json_each(c.entities) j"
            " WHERE c.doc_id = ? AND j.value = topics.name)"
            " WHERE name IN (SELECT j.value FROM claims c, json_each(c.entities) j WHERE c.doc_id = ?)",
            (doc_id, doc_id),
        )
        self.conn.execute("DELETE FROM topics WHERE claims <= 0")

    def _delete_claims(self, doc_id: str) -> None:
        self._forget_topics(doc_id)
        self._count_terms(self.conn.execute("SELECT terms, context_terms FROM claims WHERE doc_id=?", (doc_id,)), -1)
        self.conn.execute("DELETE FROM claims WHERE doc_id=?", (doc_id,))

    def _delete(self, doc_id: str) -> None:
        self._delete_claims(doc_id)
        self.conn.execute("DELETE FROM documents WHERE id=?", (doc_id,))

    def documents(self, since: datetime | None = None) -> list[Document]:
        where, args = ("WHERE d.ingested_at > ?", [since.isoformat()]) if since else ("", [])
        rows = self.conn.execute(
            f"SELECT {', '.join('d.' + c.strip() for c in _DOC_COLUMNS.split(','))},"
            f" (SELECT count(*) FROM claims c WHERE c.doc_id=d.id) AS claim_count FROM documents d {where}"
            " ORDER BY coalesce(d.published, ''), d.ingested_at, d.path", args
        ).fetchall()
        return [document_from_row(r) for r in rows]

    def documents_by_id(self, ids: Iterable[str]) -> dict[str, Document]:
        out: dict[str, Document] = {}
        for chunk in _chunks(list(dict.fromkeys(ids))):
            rows = self.conn.execute(
                f"SELECT {_DOC_COLUMNS} FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk
            ).fetchall()
            out.update((r["id"], document_from_row(r)) for r in rows)
        return out

    def stale_documents(self, extractor_version: int, model: str | None) -> list[Document]:
        sql = f"SELECT {_DOC_COLUMNS}, text FROM documents WHERE extractor_version != ?"
        args: list = [extractor_version]
        if model:
            sql += " OR embed_model IS NULL OR embed_model != ?"
            args.append(model)
        return [document_from_row(r, with_text=True) for r in self.conn.execute(sql + " ORDER BY rowid", args).fetchall()]

    # -- claims -------------------------------------------------------------------------
    def claim_count(self) -> int:
        return self.conn.execute("SELECT claims FROM corpus").fetchone()[0]

    def term_stats(self, terms: Iterable[str]) -> TermStats:
        terms = list(dict.fromkeys(terms))
        n, t, ctx = self.conn.execute("SELECT claims, terms, context_terms FROM corpus").fetchone()
        df: dict[str, int] = {term: 0 for term in terms}
        for chunk in _chunks(terms):
            for row in self.conn.execute(
                f"SELECT term, df FROM terms WHERE term IN ({','.join('?' * len(chunk))})", chunk
            ):
                df[row["term"]] = row["df"]
        return TermStats(claims=n, avg_terms=t / n if n else 0.0, avg_context=ctx / n if n else 0.0, df=df)

    def similar_terms(self, prefix: str, limit: int = 50) -> list[tuple[str, int]]:
        """Index terms starting with ``prefix``, most frequent first (for spelling variants of names)."""
        rows = self.conn.execute(
            "SELECT term, df FROM terms WHERE term >= ? AND term < ? ORDER BY df DESC, term LIMIT ?",
            (prefix, prefix + "\U0010ffff", limit)).fetchall()
        return [(r["term"], r["df"]) for r in rows]

    def search(self, query: ClaimQuery) -> list[IndexedClaim]:
        rows = self._search(query, ", ".join("c." + x for x in CLAIM_COLUMNS))
        return indexed_from_rows(rows, query.with_vectors)

    def match(self, query: ClaimQuery) -> list[ClaimRef]:
        return refs_from_rows(self._search(query, ", ".join("c." + x for x in REF_COLUMNS)), query.with_vectors)

    def _search(self, query: ClaimQuery, columns: str) -> list[sqlite3.Row]:
        if not query.any_terms and not query.all_terms:
            return []
        vec = ", c.vector" if query.with_vectors else ", NULL AS vector"
        sql = (f"SELECT {columns}{vec}"
               " FROM claims_fts JOIN claims c ON c.rowid = claims_fts.rowid")
        args: list = [match_expression(query.any_terms, query.all_terms)]
        where = ["claims_fts MATCH ?"]
        if query.since is not None:
            sql += " JOIN documents d ON d.id = c.doc_id"
            where.append("d.ingested_at > ?")
            args.append(query.since.isoformat())
        if query.doc_ids is not None:
            if not query.doc_ids:
                return []
            where.append("c.doc_id IN (SELECT value FROM json_each(?))")  # one parameter, however many
            args.append(json.dumps(list(query.doc_ids)))
        sql += " WHERE " + " AND ".join(where) + " ORDER BY claims_fts.rowid DESC LIMIT ?"
        args.append(query.limit)
        return self._fetch(sql, args, query.deadline)

    def _fetch(self, sql: str, args: list, deadline: float | None) -> list[sqlite3.Row]:
        if deadline is None:
            return self.conn.execute(sql, args).fetchall()
        rows: list[sqlite3.Row] = []
        self.conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 2000)
        try:
            for row in self.conn.execute(sql, args):
                rows.append(row)
        except sqlite3.OperationalError as e:
            if "interrupt" not in str(e):
                raise
        finally:
            self.conn.set_progress_handler(None, 0)
        return rows

    def claims_of(self, doc_ids: Iterable[str], with_vectors: bool = True) -> list[IndexedClaim]:
        return indexed_from_rows(self._rows_of(doc_ids, CLAIM_COLUMNS, with_vectors), with_vectors)

    def refs_of(self, doc_ids: Iterable[str], with_vectors: bool = True) -> list[ClaimRef]:
        return refs_from_rows(self._rows_of(doc_ids, REF_COLUMNS, with_vectors), with_vectors)

    def _rows_of(self, doc_ids: Iterable[str], columns: Sequence[str], with_vectors: bool) -> list[sqlite3.Row]:
        """These columns (and the vector, or NULL) of every claim of these documents, in order."""
        select = ", ".join(columns) + (", vector" if with_vectors else ", NULL AS vector")
        rows: list[sqlite3.Row] = []
        for chunk in _chunks(list(dict.fromkeys(doc_ids))):
            rows += self.conn.execute(f"SELECT {select} FROM claims WHERE doc_id IN ({','.join('?' * len(chunk))})"
                                      " ORDER BY doc_id, seq", chunk).fetchall()
        return rows

    def claims_by_id(self, ids: Iterable[str]) -> dict[str, Claim]:
        out: dict[str, Claim] = {}
        for chunk in _chunks(list(dict.fromkeys(ids))):
            rows = self.conn.execute(
                f"SELECT {_CLAIM_COLUMNS} FROM claims WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
            out.update((r["id"], claim_from_row(r)) for r in rows)
        return out

    def nearest_documents(self, vector: np.ndarray, k: int, since: datetime | None = None,
                          within: Collection[str] | None = None) -> list[DocumentHit]:
        generation = self.conn.execute("SELECT generation FROM corpus").fetchone()[0]
        if generation != self._docvecs.generation:
            self._docvecs.load(generation, self.conn.execute(
                "SELECT id, ingested_at, vector FROM documents WHERE vector IS NOT NULL").fetchall())
        return self._docvecs.nearest(vector, k, since, within)

    def topics(self, prefix: str, limit: int = 25) -> list[str]:
        """Names the claims mention most, starting with ``prefix`` (any case)."""
        like = prefix.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.conn.execute(
            "SELECT name FROM topics WHERE lname LIKE ? ESCAPE '\\' ORDER BY claims DESC, name LIMIT ?", (like, limit)
        ).fetchall()
        return [r["name"] for r in rows]


def _chunks(items: list, size: int = 500):
    for i in range(0, len(items), size):
        yield items[i:i + size]


class _Tx:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error (the connection is in autocommit mode)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")
        return False
