"""Put articles into the store: read, extract claims, index them, commit.

One transaction per document; the same content twice changes nothing (also when two
processes ingest it at once: the one that loses the race reports it unchanged); a changed
file replaces its old claims; a bad file is reported and the rest still go in.
"""
from __future__ import annotations

import errno
import logging
import os
import stat
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .embedding import Embedder
from .errors import BadInput, shown
from .extraction.claims import EXTRACTOR_VERSION, extract_claims
from .extraction.documents import HTML_SUFFIXES, TEXT_SUFFIXES, RawDocument, file_kind, from_text, read_document
from .extraction.limits import MAX_UNBROKEN_CHARS
from .extraction.segment import longest_unbroken
from .indexing import index_claims
from .store.port import ClaimStore
from .types import Document, IngestReport, IngestResult

log = logging.getLogger(__name__)
ARTICLE_SUFFIXES = HTML_SUFFIXES | (TEXT_SUFFIXES - {""})


@dataclass(frozen=True)
class Found:
    """A file to ingest, or (``problem`` set) something found on the way that cannot be read."""

    path: str
    problem: str | None = None


def walk(paths: Iterable[str]) -> Iterator[Found]:
    """The files named, and the article files (by suffix) inside the folders named, in sorted
    order, hidden names skipped. Symlinks are followed, except one leading back to a folder
    being walked (a loop: found by the folder's device and inode). A folder that cannot be
    listed, a loop, a broken symlink and anything that is not a regular file come back as a
    ``Found`` with its ``problem``; a file named is returned as it is, for reading to judge."""
    for raw in paths:
        try:
            st = os.stat(raw)
        except OSError:
            yield Found(raw)
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk_folder(raw, {(st.st_dev, st.st_ino): raw})
        else:
            yield Found(raw)


def _walk_folder(folder: str, ancestors: dict[tuple[int, int], str]) -> Iterator[Found]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        yield Found(folder, f"cannot read this folder ({e.strerror or e})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        article = Path(entry.name).suffix.lower() in ARTICLE_SUFFIXES
        try:
            st = os.stat(entry.path)
        except OSError as e:
            if article or not Path(entry.name).suffix:  # an article, or maybe a folder
                if e.errno == errno.ELOOP:
                    yield Found(entry.path, f"symlink loop ({e.strerror})")
                elif entry.is_symlink() and e.errno == errno.ENOENT:
                    yield Found(entry.path, f"broken symlink (to {shown(os.readlink(entry.path))})")
                else:
                    yield Found(entry.path, f"cannot read ({e.strerror or e})")
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in ancestors:
                yield Found(entry.path, f"symlink loop (leads back to {shown(ancestors[key])}); not followed")
            else:
                yield from _walk_folder(entry.path, {**ancestors, key: entry.path})
        elif article:
            yield Found(entry.path, None if stat.S_ISREG(st.st_mode) else f"not a regular file ({file_kind(st.st_mode)})")


def expand(paths: Iterable[str]) -> Iterator[str]:
    """The files ``walk`` finds to ingest, without its problems."""
    return (f.path for f in walk(paths) if f.problem is None)


def failed(path: str, reason: str) -> IngestResult:
    return IngestResult(path=path, status="failed", error=f"{shown(path)}: {reason}")


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
        return failed(path, f"could not be ingested ({type(e).__name__}: {e})")


def ingest_raw(store: ClaimStore, raw: RawDocument, *, source_key: str, embedder: Embedder | None,
               now: datetime | None = None) -> IngestResult:
    if store.document_by_hash(raw.content_hash):
        return IngestResult(path=raw.path, status="unchanged", doc_id=raw.doc_id)
    start, length = longest_unbroken(raw.text)
    if length > MAX_UNBROKEN_CHARS:
        line = raw.text.count("\n", 0, start) + 1
        raise BadInput(f"{shown(raw.path)}: not prose: {length:,} characters without a sentence end, on line {line} "
                       f"(at most {MAX_UNBROKEN_CHARS:,})")
    claims = extract_claims(raw)
    if not claims:
        raise BadInput(f"{shown(raw.path)}: no claims: no sentences that could be claims below the title "
                       "(statements of five words or more); is it an article?")
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
    for found in walk(paths):
        if found.problem:
            result = failed(found.path, found.problem)
        else:
            result = ingest_file(store, found.path, embedder=embedder, max_bytes=max_bytes, now=now)
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
