"""Build the core service from the settings: the one place that knows both."""
from __future__ import annotations

import os
from pathlib import Path

from briefings.embedding import LazyModel
from briefings.feeds import parse_every
from briefings.following import FeedPolicy
from briefings.service import BriefingService, default_holder
from briefings.store import open_store
from briefings.web.fetch import FetchPolicy

from .clock import clock_from
from .settings import Settings


def display_path(path: Path) -> Path:
    """``path`` relative to the current folder when it is inside it, else absolute.

    The core cites documents by the path they were ingested under, so seeds ingested from the
    project folder are cited as ``seeds/003_...`` rather than by the server's absolute path.
    Which file is read does not depend on it.
    """
    try:
        return Path(os.path.relpath(path)) if path.is_relative_to(Path.cwd()) else path
    except ValueError:  # another drive
        return path


def open_service(settings: Settings) -> BriefingService:
    store = open_store(settings.store_url)
    seeds = settings.seeds_dir if settings.auto_seed and settings.seeds_dir and settings.seeds_dir.is_dir() else None
    model = (LazyModel(settings.model.dir, fetch=settings.model.fetch, runtime=settings.model.runtime)
             if settings.model.enabled else None)
    return BriefingService(store, embedder=model, seeds=display_path(seeds) if seeds else None,
                           max_bytes=settings.max_article_bytes, clock=clock_from(settings),
                           holder=default_holder(settings.scheduler.instance_name),
                           fetch_policy=fetch_policy(settings), feed_policy=feed_policy(settings),
                           retention_days=settings.retention_days)


def fetch_policy(settings: Settings) -> FetchPolicy:
    f = settings.fetch
    return FetchPolicy(timeout=f.timeout_seconds, max_bytes=f.max_bytes, max_redirects=f.max_redirects,
                       allow_private=f.allow_private_addresses, user_agent=f.user_agent)


def feed_policy(settings: Settings) -> FeedPolicy:
    f = settings.feeds
    return FeedPolicy(default_every=parse_every(f.every, 1), min_every=f.min_every_seconds,
                      max_backoff=f.max_backoff_seconds, alert_after=f.alert_after, max_entries=f.max_entries)
