"""Put articles into the store: read, extract claims, index them, commit.

One transaction per document; the same content twice changes nothing (also when two
processes ingest it at once: the one that loses the race reports it unchanged); a changed
file replaces its old claims; a bad file is reported and the rest still go in.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .embedding import Embedder
from .errors import BadInput
from .extraction.claims import EXTRACTOR_VERSION, extract_claims
from .extraction.documents import HTML_SUFFIXES, TEXT_SUFFIXES, RawDocument, from_text, read_document
from .indexing import index_claims
from .store.port import ClaimStore
from .types import Document, IngestReport, IngestResult

log = logging.getLogger(__name__)
ARTICLE_SUFFIXES = HTML_SUFFIXES | (TEXT_SUFFIXES - {""})


def expand(paths: Iterable[str]) -> Iterator[str]:
    """Files named, and article files (by suffix) inside folders named, in sorted order."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES and not any(
                    part.startswith(".") for part in f.relative_to(p).parts
                ):
                    yield str(f)
        else:
            yield raw


def to_document(raw: RawDocument, now: datetime) -> Document:
    return Document(
        id=raw.doc_id, path=raw.path, title=raw.title, outlet=raw.outlet, author=raw.author, url=raw.url,
        published=raw.published, opinion=raw.opinion, content_hash=raw.content_hash, ingested_at=now,
        text=raw.text,
    )


def model_name(embedder: Embedder | None) -> str | None:
    return embedder.name if embedder is not None else None


def ingest_file(store: ClaimStore, path: str, *, embedder: Embedder | None, max_bytes: int,
                now: datetime | None = None) -> IngestResult:
    """Ingest one file. Bad input comes back as a failed result, never an exception."""
    try:
        raw = read_document(path, max_bytes=max_bytes)
        return ingest_raw(store, raw, source_key=str(Path(path).resolve()), embedder=embedder, now=now)
    except BadInput as e:
        return IngestResult(path=path, status="failed", error=str(e))
    except Exception as e:  # one broken file must not stop the others
        log.exception("ingest of %s failed", path)
        return IngestResult(path=path, status="failed", error=f"{path}: could not be ingested ({type(e).__name__}: {e})")


def ingest_raw(store: ClaimStore, raw: RawDocument, *, source_key: str, embedder: Embedder | None,
               now: datetime | None = None) -> IngestResult:
    if store.document_by_hash(raw.content_hash):
        return IngestResult(path=raw.path, status="unchanged", doc_id=raw.doc_id)
    claims = extract_claims(raw)
    if not claims:
        raise BadInput(f"{raw.path}: no sentences that could be claims (is it an article?)")
    previous = store.document_by_key(source_key)
    indexed, vector = index_claims(claims, raw.title, raw.text, embedder)
    doc = to_document(raw, now or datetime.now(timezone.utc))
    added = store.put_document(doc, indexed, source_key=source_key, replaces=previous.id if previous else None,
                               vector=vector, extractor_version=EXTRACTOR_VERSION, model=model_name(embedder))
    if not added:
        return IngestResult(path=raw.path, status="unchanged", doc_id=raw.doc_id)
    return IngestResult(path=raw.path, status="replaced" if previous else "added", claims=len(claims), doc_id=doc.id)


def ingest_paths(
    store: ClaimStore,
    paths: Iterable[str],
    *,
    embedder: Embedder | None,
    max_bytes: int = 5_000_000,
    now: datetime | None = None,
    progress: Callable[[IngestResult], None] | None = None,
) -> IngestReport:
    report = IngestReport()
    for path in expand(paths):
        result = ingest_file(store, path, embedder=embedder, max_bytes=max_bytes, now=now)
        report.results.append(result)
        if progress:
            progress(result)
    return report


def refresh_stale(store: ClaimStore, model: str | None, get_embedder: Callable[[], Embedder | None]) -> int:
    """Re-extract (and re-embed) documents stored by other extraction code or without ``model``'s
    vectors. The model is loaded only when some document needs it."""
    stale = store.stale_documents(EXTRACTOR_VERSION, model)
    if not stale:
        return 0
    embedder = get_embedder()
    if embedder is None and model is not None:  # cannot embed now: bring only the extraction up to date
        stale = store.stale_documents(EXTRACTOR_VERSION, None)
    for doc in stale:
        raw = replace(from_text(doc.path, doc.text), title=doc.title, outlet=doc.outlet, author=doc.author,
                      url=doc.url, published=doc.published, opinion=doc.opinion)
        claims = [replace(c, id=f"{doc.id}:{c.seq}", doc_id=doc.id) for c in extract_claims(raw)]
        indexed, vector = index_claims(claims, doc.title, doc.text, embedder)
        store.replace_claims(doc.id, indexed, vector=vector, extractor_version=EXTRACTOR_VERSION,
                             model=model_name(embedder))
    return len(stale)
