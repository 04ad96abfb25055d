"""Put article files into the store: read, extract claims, group near-duplicates, commit.

One transaction per document; the same content twice changes nothing; a changed file
replaces its old claims; a bad file is reported and the rest still go in.
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .documents import HTML_SUFFIXES, TEXT_SUFFIXES, RawDocument, from_text, read_document
from .errors import BadInput
from .extract import EXTRACTOR_VERSION, extract_claims
from .lexicon import STOP_WORDS
from .store.base import ClaimStore
from .types import Claim, Document, IngestReport, IngestResult

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
                    yield str(f) if raw not in (".",) else str(f)
        else:
            yield raw


def _similarity_query(claim: Claim) -> str | None:
    words = [w for w in re.findall(r"[A-Za-z]{4,}", claim.text.lower()) if w not in STOP_WORDS]
    words = sorted(set(words), key=len, reverse=True)[:6]
    return " AND ".join(f'"{w}"' for w in words) if len(words) >= 3 else None


def group_claims(store: ClaimStore, claims: list[Claim]) -> list[Claim]:
    """Give each claim the group of a near-identical claim in another document, if any."""
    out = []
    for c in claims:
        q = _similarity_query(c)
        group = store.similar_group(c, q) if q else None
        out.append(replace(c, group_id=group or c.id))
    return out


def to_document(raw: RawDocument, now: datetime) -> Document:
    return Document(
        id=raw.doc_id, path=raw.path, title=raw.title, outlet=raw.outlet, author=raw.author, url=raw.url,
        published=raw.published, opinion=raw.opinion, content_hash=raw.content_hash, ingested_at=now,
        text=raw.text,
    )


def ingest_file(store: ClaimStore, path: str, *, max_bytes: int, now: datetime | None = None) -> IngestResult:
    """Ingest one file. Bad input comes back as a failed result, never an exception."""
    try:
        raw = read_document(path, max_bytes=max_bytes)
        return ingest_raw(store, raw, source_key=str(Path(path).resolve()), now=now)
    except BadInput as e:
        return IngestResult(path=path, status="failed", error=str(e))
    except Exception as e:  # one broken file must not stop the others
        log.exception("ingest of %s failed", path)
        return IngestResult(path=path, status="failed", error=f"{path}: could not be ingested ({type(e).__name__}: {e})")


def ingest_raw(store: ClaimStore, raw: RawDocument, *, source_key: str, now: datetime | None = None) -> IngestResult:
    if store.document_by_hash(raw.content_hash):
        return IngestResult(path=raw.path, status="unchanged", doc_id=raw.doc_id)
    previous = store.document_by_key(source_key)
    claims = group_claims(store, extract_claims(raw))
    doc = to_document(raw, now or datetime.now(timezone.utc))
    store.put_document(doc, claims, source_key=source_key, replaces=previous.id if previous else None,
                       extractor_version=EXTRACTOR_VERSION)
    return IngestResult(path=raw.path, status="replaced" if previous else "added", claims=len(claims), doc_id=doc.id)


def ingest_paths(
    store: ClaimStore,
    paths: Iterable[str],
    *,
    max_bytes: int = 5_000_000,
    now: datetime | None = None,
    progress: Callable[[IngestResult], None] | None = None,
) -> IngestReport:
    report = IngestReport()
    for path in expand(paths):
        result = ingest_file(store, path, max_bytes=max_bytes, now=now)
        report.results.append(result)
        if progress:
            progress(result)
    return report


def refresh_stale(store: ClaimStore) -> int:
    """Re-extract claims of documents stored by an older extractor; returns how many."""
    stale = store.stale_documents(EXTRACTOR_VERSION)
    for doc in stale:
        raw = from_text(doc.path, doc.text)
        raw = replace(raw, title=doc.title, outlet=doc.outlet, author=doc.author, url=doc.url,
                      published=doc.published, opinion=doc.opinion)
        claims = group_claims(store, extract_claims(raw))
        claims = [replace(c, id=f"{doc.id}:{c.seq}", doc_id=doc.id) for c in claims]
        store.replace_claims(doc.id, claims, EXTRACTOR_VERSION)
    return len(stale)
