"""The one seam every adapter calls: ask, brief, ingest, sources.

Slash commands, mentions, DMs, the CLI and the scheduler all go through this object,
so they all get the same answers. The async methods run the (SQLite, CPU-bound) work in
a worker thread so that a chat adapter's event loop never blocks on it.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from .answering.answer import answer_question
from .answering.briefing import build_briefing
from .embedding import Embedder, LazyModel
from .errors import BadInput
from .ingest import ingest_paths, refresh_stale
from .store.port import ClaimStore
from .types import Answer, Briefing, Document, IngestReport, IngestResult

log = logging.getLogger(__name__)
MAX_QUESTION_CHARS = 10_000


class BriefingService:
    def __init__(
        self,
        store: ClaimStore,
        *,
        embedder: Embedder | LazyModel | None = None,
        seeds: str | Path | None = None,
        max_bytes: int = 5_000_000,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ):
        self.store = store
        self.seeds = seeds
        self.max_bytes = max_bytes
        self.clock = clock
        self._lock = threading.RLock()
        self._ready = False
        self.model = embedder  # a LazyModel loads on first use: commands that never embed never pay for it

    @property
    def embedder(self) -> Embedder | None:
        return self.model.get() if isinstance(self.model, LazyModel) else self.model

    # -- set-up -------------------------------------------------------------------------
    def ensure_ready(self) -> None:
        """Bring old extractions up to date, and build the store from the seeds if it is empty."""
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            refreshed = refresh_stale(self.store, self.model.name if self.model else None, lambda: self.embedder)
            if refreshed:
                log.info("re-extracted claims of %d documents", refreshed)
            if self.seeds and self.store.claim_count() == 0 and not self.store.documents():
                report = self.ingest([str(self.seeds)])
                log.info("built the store from %s: %d documents", self.seeds, len(report.results))
            self._ready = True

    # -- use cases ----------------------------------------------------------------------
    def ask(self, question: str) -> Answer:
        if len(question) > MAX_QUESTION_CHARS:
            raise BadInput(f"That question is {len(question):,} characters long; keep it under {MAX_QUESTION_CHARS:,}.")
        self.ensure_ready()
        with self._lock:
            return answer_question(self.store, self.embedder, question)

    def brief(self, topic: str | None = None, since: datetime | None = None) -> Briefing:
        self.ensure_ready()
        if topic is not None and len(topic) > MAX_QUESTION_CHARS:
            raise BadInput(f"That topic is too long; keep it under {MAX_QUESTION_CHARS:,} characters.")
        with self._lock:
            return build_briefing(self.store, self.embedder, topic=topic or None, since=since, now=self.clock())

    def ingest(self, paths: Iterable[str], progress: Callable[[IngestResult], None] | None = None) -> IngestReport:
        with self._lock:
            return ingest_paths(self.store, paths, embedder=self.embedder, max_bytes=self.max_bytes, now=self.clock(),
                                progress=progress)

    def sources(self) -> list[Document]:
        self.ensure_ready()
        with self._lock:
            return self.store.documents()

    def topics(self, prefix: str = "", limit: int = 25) -> list[str]:
        """Topic suggestions: names the stored claims mention most, starting with ``prefix``."""
        self.ensure_ready()
        with self._lock:
            return self.store.topics(prefix[:100], limit)

    # -- async seams for chat adapters and the scheduler --------------------------------
    async def answer(self, question: str) -> Answer:
        return await asyncio.to_thread(self.ask, question)

    async def build_briefing(self, topic: str | None = None, since: datetime | None = None) -> Briefing:
        return await asyncio.to_thread(self.brief, topic, since)

    async def list_sources(self) -> list[Document]:
        return await asyncio.to_thread(self.sources)

    async def suggest_topics(self, prefix: str = "", limit: int = 25) -> list[str]:
        return await asyncio.to_thread(self.topics, prefix, limit)
