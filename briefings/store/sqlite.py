"""Embedded claim store: SQLite tables plus an FTS5 index with Porter stemming.

Every document goes in under one transaction (WAL journal), so a store killed mid-ingest
holds each document whole or not at all.
"""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Iterable

from ..types import Claim, ClaimHit, Document
from .base import claim_from_row, claim_tags, document_from_row, quantities_json
from .schema import MIGRATIONS, SCHEMA_VERSION

_DOC_COLUMNS = (
    "id, path, title, outlet, author, url, published, opinion, content_hash, ingested_at, extractor_version"
)


class SQLiteStore:
    """The default claim store, in one file (or ``:memory:``)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA busy_timeout=10000")
        self._migrate()

    # -- schema -------------------------------------------------------------------------
    def _migrate(self) -> None:
        cur = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if cur > SCHEMA_VERSION:
            raise RuntimeError(f"store {self.path} has schema {cur}, newer than this briefbot ({SCHEMA_VERSION})")
        for version in range(cur + 1, SCHEMA_VERSION + 1):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[version]:
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version={version}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        self.conn.close()

    # -- documents ----------------------------------------------------------------------
    def document_by_hash(self, content_hash: str) -> Document | None:
        row = self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE content_hash=?", (content_hash,)).fetchone()
        return document_from_row(row) if row else None

    def document_by_key(self, source_key: str) -> Document | None:
        row = self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE source_key=?", (source_key,)).fetchone()
        return document_from_row(row) if row else None

    def put_document(self, doc: Document, claims: list[Claim], source_key: str, replaces: str | None,
                     extractor_version: int = 0) -> None:
        """Add a document and its claims (replacing ``replaces``) in one transaction."""
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            if replaces:
                self._delete(replaces)
            c.execute(
                "INSERT INTO documents (id, source_key, path, title, outlet, author, url, published, opinion,"
                " content_hash, ingested_at, extractor_version, text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc.id, source_key, doc.path, doc.title, doc.outlet, doc.author, doc.url,
                 doc.published.isoformat() if doc.published else None, int(doc.opinion), doc.content_hash,
                 doc.ingested_at.isoformat() if doc.ingested_at else None, extractor_version, doc.text),
            )
            self._insert_claims(claims)
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    def replace_claims(self, doc_id: str, claims: list[Claim], extractor_version: int) -> None:
        """Re-extracted claims for a stored document, in one transaction."""
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            self._forget_topics(doc_id)
            c.execute("DELETE FROM claims WHERE doc_id=?", (doc_id,))
            self._insert_claims(claims)
            c.execute("UPDATE documents SET extractor_version=? WHERE id=?", (extractor_version, doc_id))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    def _insert_claims(self, claims: list[Claim]) -> None:
        c = self.conn
        for cl in claims:
            cur = c.execute(
                "INSERT INTO claims (id, doc_id, seq, text, start, \"end\", attributed_to, attribution_how, hedges,"
                " quantities, dates, entities, heading, paragraph, group_id, tags)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (cl.id, cl.doc_id, cl.seq, cl.text, cl.start, cl.end, cl.attributed_to, cl.attribution_how,
                 json.dumps(cl.hedges), quantities_json(cl.quantities), json.dumps(cl.dates),
                 json.dumps(cl.entities, ensure_ascii=False), cl.heading, cl.paragraph, cl.group_id or cl.id,
                 claim_tags(cl)),
            )
            rowid = cur.lastrowid
            c.executemany(
                "INSERT INTO topics(name, lname, claims) VALUES (?, lower(?), 1)"
                " ON CONFLICT(name) DO UPDATE SET claims = claims + 1",
                [(e, e) for e in set(cl.entities)],
            )
            c.executemany(
                "INSERT INTO quantities (claim_rowid, value, measure, qualifier, phrase) VALUES (?,?,?,?,?)",
                [(rowid, q.value, q.measure, q.qualifier, q.phrase) for q in cl.quantities],
            )

    def _forget_topics(self, doc_id: str) -> None:
        self.conn.execute(
            "UPDATE topics SET claims = claims - (SELECT count(*) FROM claims c, json_each(c.entities) j"
            " WHERE c.doc_id = ? AND j.value = topics.name)"
            " WHERE name IN (SELECT j.value FROM claims c, json_each(c.entities) j WHERE c.doc_id = ?)",
            (doc_id, doc_id),
        )
        self.conn.execute("DELETE FROM topics WHERE claims <= 0")

    def _delete(self, doc_id: str) -> None:
        self._forget_topics(doc_id)
        self.conn.execute("DELETE FROM claims WHERE doc_id=?", (doc_id,))
        self.conn.execute("DELETE FROM documents WHERE id=?", (doc_id,))

    def documents(self) -> list[Document]:
        rows = self.conn.execute(
            f"SELECT {', '.join('d.' + c.strip() for c in _DOC_COLUMNS.split(','))},"
            " (SELECT count(*) FROM claims c WHERE c.doc_id=d.id) AS claim_count"
            " FROM documents d ORDER BY coalesce(d.published, ''), d.ingested_at, d.path"
        ).fetchall()
        return [document_from_row(r) for r in rows]

    def documents_by_id(self, ids: Iterable[str]) -> dict[str, Document]:
        ids = list(dict.fromkeys(ids))
        out: dict[str, Document] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rows = self.conn.execute(
                f"SELECT {_DOC_COLUMNS} FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk
            ).fetchall()
            out.update((r["id"], document_from_row(r)) for r in rows)
        return out

    def stale_documents(self, version: int) -> list[Document]:
        rows = self.conn.execute(
            f"SELECT {_DOC_COLUMNS}, text FROM documents WHERE extractor_version != ?", (version,)
        ).fetchall()
        return [document_from_row(r, with_text=True) for r in rows]

    # -- claims -------------------------------------------------------------------------
    def search(self, match: str, k: int, order: str = "rank", budget_ms: float | None = None) -> list[ClaimHit]:
        """Claims matching an FTS5 expression: best ``k`` by BM25, or the ``k`` newest.

        With ``budget_ms``, stop when the time is up and return what was found by then
        (only meaningful for ``order="recent"``, which streams newest first).
        """
        # bm25() counts every phrase's matches over the whole table: worth it only when ranking
        if order == "rank":
            order_by, score = "rank", "bm25(claims_fts, 1.0, 0.6, 0.3, 0.5)"
        else:
            order_by, score = "claims_fts.rowid DESC", "0.0"
        sql = (f"SELECT c.*, {score} AS score FROM claims_fts"
               " JOIN claims c ON c.rowid = claims_fts.rowid"
               f" WHERE claims_fts MATCH ? ORDER BY {order_by} LIMIT ?")
        if budget_ms is None:
            rows = self.conn.execute(sql, (match, k)).fetchall()
        else:
            rows = self._fetch_within(sql, (match, k), budget_ms)
        return [ClaimHit(claim_from_row(r), -float(r["score"])) for r in rows]

    def _fetch_within(self, sql: str, params: tuple, budget_ms: float) -> list[sqlite3.Row]:
        deadline = time.perf_counter() + budget_ms / 1000
        rows: list[sqlite3.Row] = []
        self.conn.set_progress_handler(lambda: int(time.perf_counter() > deadline), 2000)
        try:
            for row in self.conn.execute(sql, params):
                rows.append(row)
        except sqlite3.OperationalError as e:
            if "interrupt" not in str(e):
                raise
        finally:
            self.conn.set_progress_handler(None, 0)
        return rows

    def count_matches(self, match: str, cap: int) -> int:
        return self.conn.execute(
            "SELECT count(*) FROM (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ? LIMIT ?)", (match, cap)
        ).fetchone()[0]

    def topics(self, prefix: str, limit: int = 25) -> list[str]:
        """Names the claims mention most, starting with ``prefix`` (any case)."""
        like = prefix.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.conn.execute(
            "SELECT name FROM topics WHERE lname LIKE ? ESCAPE '\\' ORDER BY claims DESC, name LIMIT ?", (like, limit)
        ).fetchall()
        return [r["name"] for r in rows]

    def approx_claim_count(self) -> int:
        """Cheap upper bound on the number of claims (the highest row id)."""
        return self.conn.execute("SELECT coalesce(max(rowid), 0) FROM claims").fetchone()[0]

    def claim_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM claims").fetchone()[0]

    def claims_of(self, doc_ids: Iterable[str]) -> list[Claim]:
        ids = list(dict.fromkeys(doc_ids))
        out: list[Claim] = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rows = self.conn.execute(
                f"SELECT * FROM claims WHERE doc_id IN ({','.join('?' * len(chunk))}) ORDER BY doc_id, seq", chunk
            ).fetchall()
            out.extend(claim_from_row(r) for r in rows)
        return out

    def documents_since(self, since_iso: str) -> list[Document]:
        rows = self.conn.execute(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE ingested_at > ? ORDER BY ingested_at", (since_iso,)
        ).fetchall()
        return [document_from_row(r) for r in rows]

    def similar_group(self, claim: Claim, match: str) -> str | None:
        """The group of a near-identical claim already stored (other documents only)."""
        from rapidfuzz import fuzz

        rows = self.conn.execute(
            "SELECT c.text, c.group_id, c.doc_id FROM claims_fts JOIN claims c ON c.rowid = claims_fts.rowid"
            " WHERE claims_fts MATCH ? ORDER BY rank LIMIT 20",
            (match,),
        ).fetchall()
        for r in rows:
            if r["doc_id"] != claim.doc_id and fuzz.token_sort_ratio(r["text"], claim.text) >= 90:
                return r["group_id"]
        return None
