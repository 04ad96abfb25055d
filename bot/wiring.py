"""Build the core service from the settings: the one place that knows both."""
from __future__ import annotations

from briefings.embedding import LazyModel
from briefings.service import BriefingService
from briefings.store import open_store

from .settings import Settings


def open_service(settings: Settings) -> BriefingService:
    store = open_store(settings.store_url)
    seeds = settings.seeds_dir if settings.auto_seed and settings.seeds_dir and settings.seeds_dir.is_dir() else None
    model = LazyModel(settings.model.dir, fetch=settings.model.fetch) if settings.model.enabled else None
    return BriefingService(store, embedder=model, seeds=seeds, max_bytes=settings.max_article_bytes)
