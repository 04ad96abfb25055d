"""The PostgreSQL claim store: the same port as SQLite, for several processes on one database.

Full text: a stored ``tsvector`` of each claim's terms and context (configuration 'simple':
the core has analysed the terms already) with a GIN index. Vectors are ``bytea`` (float16),
ranked in the process. Term statistics live in tables that every write updates in its own
transaction, so ``term_stats`` gives exactly the SQLite store's numbers.

Concurrent writers never deadlock: a write takes its locks in one order (advisory locks on
the document's source and content, sorted; document rows, sorted; term rows, sorted; topic
rows, sorted; the corpus row last), and the same content put twice at once goes in once.
"""
from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import datetime
from typing import Collection, Iterable, Sequence

import numpy as np
import psycopg
from psycopg.rows import dict_row, tuple_row
from psycopg_pool import ConnectionPool

from ...types import Claim, Document
from ..port import (CLAIM_COLUMNS, REF_COLUMNS, ClaimQuery, ClaimRef, DocumentHit, DocumentVectors, IndexedClaim,
                    TermStats, claim_from_row, claim_values, document_from_row, indexed_from_rows, refs_from_rows, vector_bytes)
from .feeds import PostgresFeeds
from .schedule import PostgresSchedule
from .schema import LOCK, migrate, schema_version

_DOC_COLUMNS = "id, path, title, outlet, author, url, published, opinion, content_hash, ingested_at, extractor_version"
_CLAIM_COLUMNS = ", ".join(CLAIM_COLUMNS)
_LAST = "\U0010ffff"  # sorts after every character: [prefix, prefix + _LAST) holds the words starting with prefix


def tsquery(any_terms: Sequence[str], all_terms: Sequence[str]) -> str:
    """A to_tsquery expression: ('a' | 'b') & 'c' & 'd'. Every term is quoted, so no syntax gets through."""
    def quote(term: str) -> str:
        return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"

    parts = ["(" + " | ".join(quote(t) for t in any_terms) + ")"] if any_terms else []
    return " & ".join(parts + [quote(t) for t in all_terms])


def _word(term: str) -> bool:
    return any(ch.isalnum() for ch in term)


def _plain(term: str) -> bool:
    """A term that is one lexeme, itself, to PostgreSQL's 'simple' parser (letters and digits
    only, lower case): the postings hold it as it is. Others go through to_tsquery."""
    return term.isalnum() and term == term.lower()


def term_count(terms: str) -> int:
    """Terms in a space-separated string, counted as the SQLite store counts them."""
    return terms.count(" ") + (terms != "")


class _Changes:
    """What one transaction adds to (or takes from) the running totals, applied once at its end."""

    def __init__(self) -> None:
        self.claims = self.terms = self.context = 0
        self.df: Counter[str] = Counter()
        self.topics: Counter[str] = Counter()

    def count(self, terms: str, context: str, entities: Iterable[str], sign: int) -> None:
        self.claims += sign
        self.terms += sign * term_count(terms)
        self.context += sign * term_count(context)
        self.df.update({t: sign for t in set(terms.split()) | set(context.split())})
        self.topics.update({e: sign for e in set(entities)})


class PostgresStore(PostgresSchedule, PostgresFeeds):
    """A store in one PostgreSQL schema (the first on the URL's search_path): claims here,
    subscriptions, deliveries, seen events and leases in ``schedule.py``."""

    def __init__(self, url: str, *, max_connections: int = 4):
        with psycopg.connect(url, autocommit=True) as conn:
            self.migrated = migrate(conn)
        self.pool = ConnectionPool(url, min_size=1, max_size=max_connections, kwargs={"row_factory": dict_row},
                                   check=ConnectionPool.check_connection, open=True)
        self._docvecs = DocumentVectors()
        self._docvecs_lock = threading.Lock()

    @property
    def schema_version(self) -> int:
        with self.pool.connection() as c:
            return schema_version(c)

    def close(self) -> None:
        self.pool.close()

    # -- documents ----------------------------------------------------------------------
    def document_by_hash(self, content_hash: str) -> Document | None:
        return self._document("content_hash", content_hash)

    def document_by_key(self, source_key: str) -> Document | None:
        return self._document("source_key", source_key)

    def _document(self, column: str, value: str) -> Document | None:
        with self.pool.connection() as c:
            row = c.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE {column} = %s", (value,)).fetchone()
        return document_from_row(row) if row else None

    def put_document(self, doc: Document, claims: Sequence[IndexedClaim], *, source_key: str,
                     replaces: str | None, vector: np.ndarray | None, extractor_version: int,
                     model: str | None) -> bool:
        """Add a document and its claims (replacing ``replaces``) in one transaction.

        False, with nothing changed, when a document with the same content is already stored
        (another process got there first: the advisory locks make it wait for that one)."""
        with self.pool.connection() as c:
            for name in sorted({f"content:{doc.content_hash}", f"source:{source_key}"}):
                c.execute(LOCK, (name,))
            if c.execute("SELECT 1 FROM documents WHERE content_hash = %s", (doc.content_hash,)).fetchone():
                return False
            changes = _Changes()
            # the same source may have been replaced by another process meanwhile: ours is newer
            old = self._lock_documents(c, "id = %s OR source_key = %s", (replaces, source_key))
            self._delete_claims(c, old, changes)
            c.execute("DELETE FROM documents WHERE id = ANY(%s)", (old,))
            c.execute(
                "INSERT INTO documents (id, source_key, path, title, outlet, author, url, published, opinion,"
                " content_hash, ingested_at, extractor_version, text, embed_model, vector)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (doc.id, source_key, doc.path, doc.title, doc.outlet, doc.author, doc.url, doc.published,
                 doc.opinion, doc.content_hash, doc.ingested_at or datetime.now().astimezone(), extractor_version,
                 doc.text, model, vector_bytes(vector)),
            )
            self._insert_claims(c, claims, changes)
            self._apply(c, changes)
        return True

    def replace_claims(self, doc_id: str, claims: Sequence[IndexedClaim], *, vector: np.ndarray | None,
                       extractor_version: int, model: str | None) -> None:
        """Re-extracted claims for a stored document, in one transaction."""
        with self.pool.connection() as c:
            changes = _Changes()
            self._delete_claims(c, self._lock_documents(c, "id = %s", (doc_id,)), changes)
            self._insert_claims(c, claims, changes)
            c.execute("UPDATE documents SET extractor_version = %s, embed_model = %s, vector = %s WHERE id = %s",
                      (extractor_version, model, vector_bytes(vector), doc_id))
            self._apply(c, changes)

    def remove_document(self, doc_id: str) -> bool:
        with self.pool.connection() as c:
            ids = self._lock_documents(c, "id = %s", (doc_id,))
            if not ids:
                return False
            changes = _Changes()
            self._delete_claims(c, ids, changes)
            c.execute("DELETE FROM documents WHERE id = ANY(%s)", (ids,))
            self._apply(c, changes)
        return True

    def documents_by_ref(self, ref: str) -> list[Document]:
        """Documents a person may name: by id, the path or URL they were read from, or their URL."""
        with self.pool.connection() as c:
            rows = c.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = %s OR source_key = %s"
                             " OR source_key = %s OR path = %s OR url = %s ORDER BY n",
                             (ref, ref, f"url:{ref}", ref, ref)).fetchall()
        return [document_from_row(r) for r in rows]

    def documents_before(self, cutoff: datetime) -> list[Document]:
        with self.pool.connection() as c:
            rows = c.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE ingested_at < %s ORDER BY ingested_at",
                             (cutoff,)).fetchall()
        return [document_from_row(r) for r in rows]

    @staticmethod
    def _lock_documents(c: psycopg.Connection, where: str, args: tuple) -> list[str]:
        """Lock the documents a write changes (in id order), so no two writes count their claims twice."""
        return [r["id"] for r in c.execute(f"SELECT id FROM documents WHERE {where} ORDER BY id FOR UPDATE", args)]

    @staticmethod
    def _delete_claims(c: psycopg.Connection, doc_ids: list[str], changes: _Changes) -> None:
        if not doc_ids:
            return
        for r in c.execute("DELETE FROM claims WHERE doc_id = ANY(%s) RETURNING terms, context_terms, entities",
                           (doc_ids,)):
            changes.count(r["terms"], r["context_terms"], json.loads(r["entities"] or "[]"), -1)

    @staticmethod
    def _insert_claims(c: psycopg.Connection, claims: Sequence[IndexedClaim], changes: _Changes) -> None:
        with c.cursor() as cur, cur.copy(f"COPY claims ({_CLAIM_COLUMNS}, vector) FROM STDIN") as copy:
            for ic in claims:
                copy.write_row((*claim_values(ic.claim).values(), ic.terms, ic.context_terms, vector_bytes(ic.vector)))
                changes.count(ic.terms, ic.context_terms, ic.claim.entities, +1)

    @staticmethod
    def _apply(c: psycopg.Connection, changes: _Changes) -> None:
        """Update the term and topic counts (rows in sorted order: concurrent writers never
        deadlock) and the corpus totals (last: the one row every write waits for)."""
        df = sorted((t, n) for t, n in changes.df.items() if n)
        if df:
            c.execute("INSERT INTO terms (term, df) SELECT t, n FROM unnest(%s::text[], %s::int[]) WITH ORDINALITY"
                      " AS u(t, n, i) ORDER BY i ON CONFLICT (term) DO UPDATE SET df = terms.df + excluded.df",
                      ([t for t, _ in df], [n for _, n in df]))
            c.execute("DELETE FROM terms WHERE term = ANY(%s) AND df <= 0", ([t for t, n in df if n < 0],))
        topics = sorted((name, n) for name, n in changes.topics.items() if n)
        if topics:
            c.execute("INSERT INTO topics (name, lname, claims) SELECT t, l, n FROM unnest(%s::text[], %s::text[],"
                      " %s::int[]) WITH ORDINALITY AS u(t, l, n, i) ORDER BY i"
                      " ON CONFLICT (name) DO UPDATE SET claims = topics.claims + excluded.claims",
                      ([t for t, _ in topics], [t.lower() for t, _ in topics], [n for _, n in topics]))
            c.execute("DELETE FROM topics WHERE name = ANY(%s) AND claims <= 0", ([t for t, n in topics if n < 0],))
        c.execute("UPDATE corpus SET claims = claims + %s, terms = terms + %s, context_terms = context_terms + %s,"
                  " generation = generation + 1", (changes.claims, changes.terms, changes.context))

    def documents(self, since: datetime | None = None) -> list[Document]:
        where, args = ("WHERE d.ingested_at > %s", (since,)) if since else ("", ())
        with self.pool.connection() as c:
            rows = c.execute(
                f"SELECT {', '.join('d.' + x.strip() for x in _DOC_COLUMNS.split(','))},"
                f" (SELECT count(*) FROM claims c WHERE c.doc_id = d.id) AS claim_count FROM documents d {where}"
                " ORDER BY d.published NULLS FIRST, d.ingested_at, d.path", args).fetchall()
        return [document_from_row(r) for r in rows]

    def documents_by_id(self, ids: Iterable[str]) -> dict[str, Document]:
        with self.pool.connection() as c:
            rows = c.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ANY(%s) ORDER BY id",
                             (list(dict.fromkeys(ids)),)).fetchall()
        return {r["id"]: document_from_row(r) for r in rows}

    def stale_documents(self, extractor_version: int, model: str | None) -> list[Document]:
        sql = f"SELECT {_DOC_COLUMNS}, text FROM documents WHERE extractor_version <> %s"
        args: list = [extractor_version]
        if model:
            sql += " OR embed_model IS NULL OR embed_model <> %s"
            args.append(model)
        with self.pool.connection() as c:
            rows = c.execute(sql + " ORDER BY n", args).fetchall()
        return [document_from_row(r, with_text=True) for r in rows]

    # -- claims -------------------------------------------------------------------------
    def claim_count(self) -> int:
        with self.pool.connection() as c:
            return c.execute("SELECT claims FROM corpus").fetchone()["claims"]

    def term_stats(self, terms: Iterable[str]) -> TermStats:
        terms = list(dict.fromkeys(terms))
        with self.pool.connection() as c:  # one statement: totals and counts from one snapshot
            rows = c.execute("SELECT c.claims, c.terms, c.context_terms, t.term, t.df FROM corpus c"
                             " LEFT JOIN terms t ON t.term = ANY(%s)", (terms,)).fetchall()
        n, t, ctx = rows[0]["claims"], rows[0]["terms"], rows[0]["context_terms"]
        df = {term: 0 for term in terms}
        df.update((r["term"], r["df"]) for r in rows if r["term"] is not None)
        return TermStats(claims=n, avg_terms=t / n if n else 0.0, avg_context=ctx / n if n else 0.0, df=df)

    def similar_terms(self, prefix: str, limit: int = 50) -> list[tuple[str, int]]:
        """Index terms starting with ``prefix``, most frequent first (for spelling variants of names)."""
        with self.pool.connection() as c:
            rows = c.execute("SELECT term, df FROM terms WHERE term >= %s AND term < %s ORDER BY df DESC, term"
                             " LIMIT %s", (prefix, prefix + _LAST, limit)).fetchall()
        return [(r["term"], r["df"]) for r in rows]

    def search(self, query: ClaimQuery) -> list[IndexedClaim]:
        rows = self._search(query, ", ".join("c." + x for x in CLAIM_COLUMNS))
        return indexed_from_rows(rows, query.with_vectors)

    def match(self, query: ClaimQuery) -> list[ClaimRef]:
        return refs_from_rows(self._search(query, ", ".join("c." + x for x in REF_COLUMNS)), query.with_vectors)

    def _search(self, query: ClaimQuery, columns: str) -> list:
        # a term without letters or digits is in no claim (and to_tsquery would drop it from an AND)
        any_terms = [t for t in query.any_terms if _word(t)]
        if (not any_terms and (query.any_terms or not query.all_terms)) or not all(map(_word, query.all_terms)):
            return []
        if query.doc_ids is not None and not query.doc_ids:
            return []
        vec = ", c.vector" if query.with_vectors else ", NULL AS vector"
        if any_terms and not query.all_terms and query.doc_ids is None and query.since is None \
                and all(map(_plain, any_terms)):
            # the newest claims holding any term: the newest `limit` of each term's postings, merged
            newest = " UNION ".join(["(SELECT n FROM postings WHERE term = %s ORDER BY n DESC LIMIT %s)"]
                                    * len(any_terms))
            sql = (f"SELECT {columns}{vec} FROM claims c WHERE c.n IN (SELECT n FROM ({newest}) AS p"
                   " ORDER BY n DESC LIMIT %s) ORDER BY c.n DESC")
            args = [x for t in any_terms for x in (t, query.limit)] + [query.limit]
            with self.pool.connection() as c:
                return fetch_until(c, sql, args, query.deadline)
        if query.all_terms and not query.any_terms and query.doc_ids is None and query.since is None \
                and all(map(_plain, query.all_terms)):
            # the newest claims holding every term: the first term's postings read newest first,
            # merged with the others' the same way, until `limit` are found (the GIN index had
            # to find every claim holding them all to sort them: ~45 ms for two common terms at
            # 10^6 claims, against ~3 ms)
            first, *others = query.all_terms
            also = "".join(f" AND EXISTS (SELECT 1 FROM postings p{i} WHERE p{i}.term = %s AND p{i}.n = a.n)"
                           for i in range(len(others)))
            sql = (f"SELECT {columns}{vec} FROM claims c WHERE c.n IN (SELECT a.n FROM postings a"
                   f" WHERE a.term = %s{also} ORDER BY a.n DESC LIMIT %s) ORDER BY c.n DESC")
            args = [first, *others, query.limit]
            with self.pool.connection() as c:
                return fetch_until(c, sql, args, query.deadline)
        sql = f"SELECT {columns}{vec} FROM claims c"
        where, args = ["c.tsv @@ to_tsquery('simple', %s)"], [tsquery(any_terms, query.all_terms)]
        if query.since is not None:
            sql += " JOIN documents d ON d.id = c.doc_id"
            where.append("d.ingested_at > %s")
            args.append(query.since)
        if query.doc_ids is not None:
            where.append("c.doc_id = ANY(%s)")
            args.append(list(query.doc_ids))
        with self.pool.connection() as c:
            postings = self._postings(c, any_terms, query.all_terms)
            # n + 0 hides the primary key's order from the planner: read the postings, then sort
            order = "c.n + 0" if read_postings(postings[1], postings[0], query.limit) else "c.n"
            sql += " WHERE " + " AND ".join(where) + f" ORDER BY {order} DESC LIMIT %s"
            args.append(query.limit)
            return fetch_until(c, sql, args, query.deadline)

    @staticmethod
    def _postings(c: psycopg.Connection, any_terms: Sequence[str], all_terms: Sequence[str]) -> tuple[int, int]:
        """(claims, at most how many match): the any-terms' document frequencies added up, or the
        rarest all-term's, whichever is fewer."""
        rows = c.execute("SELECT c.claims, t.term, t.df FROM corpus c LEFT JOIN terms t ON t.term = ANY(%s)",
                         (list(any_terms) + list(all_terms),)).fetchall()
        df = {r["term"]: r["df"] for r in rows if r["term"] is not None}
        bounds = [sum(df.get(t, 0) for t in any_terms)] if any_terms else []
        bounds += [df.get(t, 0) for t in all_terms]
        return rows[0]["claims"], min(bounds)

    def claims_of(self, doc_ids: Iterable[str], with_vectors: bool = True) -> list[IndexedClaim]:
        return indexed_from_rows(self._rows_of(doc_ids, CLAIM_COLUMNS, with_vectors), with_vectors)

    def refs_of(self, doc_ids: Iterable[str], with_vectors: bool = True) -> list[ClaimRef]:
        return refs_from_rows(self._rows_of(doc_ids, REF_COLUMNS, with_vectors), with_vectors)

    def _rows_of(self, doc_ids: Iterable[str], columns: Sequence[str], with_vectors: bool) -> list:
        """These columns (and the vector, or NULL) of every claim of these documents, in order."""
        select = ", ".join(columns) + (", vector" if with_vectors else ", NULL AS vector")
        with self.pool.connection() as c:
            return c.execute(f"SELECT {select} FROM claims WHERE doc_id = ANY(%s) ORDER BY doc_id, seq",
                             (list(dict.fromkeys(doc_ids)),)).fetchall()

    def claims_by_id(self, ids: Iterable[str]) -> dict[str, Claim]:
        with self.pool.connection() as c:
            rows = c.execute(f"SELECT {_CLAIM_COLUMNS} FROM claims WHERE id = ANY(%s)", (list(dict.fromkeys(ids)),)
                             ).fetchall()
        return {r["id"]: claim_from_row(r) for r in rows}

    def nearest_documents(self, vector: np.ndarray, k: int, since: datetime | None = None,
                          within: Collection[str] | None = None) -> list[DocumentHit]:
        with self.pool.connection() as c, self._docvecs_lock:
            generation = c.execute("SELECT generation FROM corpus").fetchone()["generation"]
            if generation != self._docvecs.generation:
                rows = c.cursor(row_factory=tuple_row).execute(
                    "SELECT id, ingested_at, vector FROM documents WHERE vector IS NOT NULL ORDER BY n").fetchall()
                self._docvecs.load(generation, rows)
            return self._docvecs.nearest(vector, k, since, within)

    def topics(self, prefix: str, limit: int = 25) -> list[str]:
        """Names the claims mention most, starting with ``prefix`` (any case)."""
        like = prefix.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self.pool.connection() as c:
            rows = c.execute("SELECT name FROM topics WHERE lname LIKE %s ESCAPE '\\' ORDER BY claims DESC, name"
                             " LIMIT %s", (like, limit)).fetchall()
        return [r["name"] for r in rows]


def read_postings(matches: int, claims: int, limit: int, cost_ratio: float = 0.4) -> bool:
    """Whether to fetch the (at most) ``matches`` claims from the index and sort them, rather than
    walk all claims newest first until ``limit`` match: the walk reads about claims * limit /
    matches rows, each ``cost_ratio`` of a fetched match (measured at 10^6 claims: 1.6 and 3.8 us).
    The planner prices the walk too low (the tsvector test costs more than it thinks) and took
    it for terms in 0.3% of the claims (100 ms where the postings take 15)."""
    return matches * matches < cost_ratio * claims * limit


def fetch_until(c: psycopg.Connection, sql: str, args: Sequence, deadline: float | None, batch: int = 200) -> list:
    """The rows of a query, or those that came before ``deadline`` (a ``time.monotonic()`` value).

    A server-side cursor fetches in batches, each FETCH limited by statement_timeout to the
    time left; a query that streams gives its first rows, one that must finish first gives none."""
    if deadline is None:
        return c.execute(sql, args).fetchall()
    rows: list = []
    try:
        with c.transaction(), c.cursor(name="fetch_until") as cur:
            cur.execute(sql, args)
            while (left := deadline - time.monotonic()) > 0:
                c.execute("SELECT set_config('statement_timeout', %s, true)", (f"{max(1, int(left * 1000))}ms",))
                more = cur.fetchmany(batch)
                rows += more
                if len(more) < batch:
                    break
    except psycopg.errors.QueryCanceled:
        pass
    return rows
