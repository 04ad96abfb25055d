"""Reading pages and feed entries into documents: what counts as an article, under which key
a story is stored, and when a back-catalogue entry counts as having arrived.

A page is fetched (``web/fetch.py``), its article extracted by trafilatura, and refused when
what is left is a stub (a paywall, a teaser, a cookie wall): fewer than ``MIN_ARTICLE_CHARS``
characters of body. A story is stored under its canonical URL, so the same story linked from
two feeds (or fetched by hand) is one document, and an edited story replaces its claims.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from html import escape

from .errors import BadInput
from .extraction.documents import RawDocument, from_html
from .web.feeds import Entry
from .web.fetch import FetchError, FetchPolicy, canonical_url, fetch

MIN_ARTICLE_CHARS = 400
# a back-catalogue entry with no date counts as having arrived long ago: never "new"
LONG_AGO = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class FeedPolicy:
    """How feeds are followed (the ``[feeds]`` settings)."""

    default_every: int = 900
    min_every: int = 60
    max_backoff: int = 6 * 3600
    alert_after: int = 3
    max_entries: int = 50


def page_key(url: str) -> str:
    """The store's source key of a web page: its canonical URL."""
    return "url:" + canonical_url(url)


def article(url: str, html: str) -> RawDocument:
    """The article in a page; ``FetchError`` when there is none worth the name."""
    try:
        raw = from_html(url, html)
    except BadInput:
        raise FetchError(url, "no article text found (a paywall or an empty page?)") from None
    body = raw.text[raw.body_start:].strip()
    if len(body) < MIN_ARTICLE_CHARS:
        raise FetchError(url, f"no article text (only {len(body)} characters: a paywall stub or a teaser?)")
    return replace(raw, path=url, url=url)


async def read_page(url: str, policy: FetchPolicy) -> RawDocument:
    fetched = await fetch(url, policy, kind="page")
    return article(url, fetched.text())


async def read_entry(entry: Entry, policy: FetchPolicy) -> RawDocument:
    """The entry's page; when that cannot be read, the entry's own text in the feed, if it is a
    whole article. ``FetchError`` (the page's reason) when neither is."""
    if entry.link:
        try:
            return await read_page(entry.link, policy)
        except FetchError as e:
            failure = e
    else:
        failure = FetchError(entry.key, "the entry has no link")
    if entry.content:
        page = f"<html><head><title>{escape(entry.title)}</title></head><body><article><h1>{escape(entry.title)}" \
               f"</h1>{entry.content}</article></body></html>"
        try:
            return article(entry.link or entry.key, page)
        except FetchError:
            pass
    raise failure


def arrived(entry: Entry, now: datetime, back_catalogue: bool) -> datetime:
    """When a document read from ``entry`` counts as having come in: now, except for the back
    catalogue read on a feed's first poll, which counts from its own date (so the next
    briefing does not announce a feed's whole history as new)."""
    if not back_catalogue:
        return now
    return min(entry.published, now) if entry.published else LONG_AGO
