"""Parsing a feed: RSS and Atom through feedparser, JSON Feed (https://jsonfeed.org) with json.

Every format becomes the same ``ParsedFeed``: a title and entries, each with a key that
stays the same across polls (its id, else its link), a version that changes when the entry
is edited (its updated date, else a hash of what it says), its link, its dates, and whatever
text the feed carries for it. A feed that is not well-formed is a ``FeedError``.
"""
from __future__ import annotations

import calendar
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from html import unescape

from ..errors import BadInput


class FeedError(BadInput):
    """Not a feed, or a broken one; the message says which."""


@dataclass(frozen=True)
class Entry:
    key: str
    version: str
    link: str | None
    title: str
    published: datetime | None = None
    content: str = ""  # the entry's text in the feed (HTML or plain), often only a summary


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: tuple[Entry, ...]


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def parse_feed(body: bytes, content_type: str = "") -> ParsedFeed:
    """The feed in ``body``: JSON Feed when it is JSON, else RSS or Atom."""
    head = body.lstrip()[:1]
    if "json" in content_type or head == b"{":
        return parse_json_feed(body)
    return parse_xml_feed(body)


def parse_json_feed(body: bytes) -> ParsedFeed:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise FeedError(f"not a valid JSON Feed ({e})") from None
    if not isinstance(data, dict) or "jsonfeed.org/version" not in str(data.get("version", "")):
        raise FeedError("not a JSON Feed (no https://jsonfeed.org/version/… in 'version')")
    entries = []
    for item in data.get("items") or []:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        key = str(item.get("id") or link or "")
        content = item.get("content_html") or item.get("content_text") or item.get("summary") or ""
        if not key:
            continue
        updated = item.get("date_modified") or item.get("date_published")
        entries.append(Entry(key=key, version=updated or _hash(item.get("title") or "", content), link=link,
                             title=item.get("title") or "", published=_iso(item.get("date_published") or updated),
                             content=content))
    return ParsedFeed(title=data.get("title") or "", entries=tuple(entries))


def parse_xml_feed(body: bytes) -> ParsedFeed:
    import feedparser

    parsed = feedparser.parse(body)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if problem is not None and not isinstance(problem, (feedparser.CharacterEncodingOverride,
                                                         feedparser.NonXMLContentType)):
        raise FeedError(f"not a well-formed feed ({_first_line(problem)})")
    if not parsed.get("version"):
        raise FeedError("not a feed (expected RSS, Atom or JSON Feed)")
    entries = []
    for e in parsed.entries:
        link = e.get("link")
        key = e.get("id") or link
        if not key:
            continue
        content = ""
        if e.get("content"):
            content = max((c.get("value") or "" for c in e.content), key=len)
        content = content or e.get("summary") or ""
        # plain dict reads: feedparser's own get() maps a missing "updated" to "published", with a warning
        published = dict.get(e, "published_parsed") or dict.get(e, "updated_parsed")
        stamp = dict.get(e, "updated") or dict.get(e, "published")
        entries.append(Entry(key=key, version=stamp or _hash(e.get("title", ""), content),
                             link=link, title=unescape(e.get("title") or ""),
                             published=datetime.fromtimestamp(calendar.timegm(published), timezone.utc)
                             if published else None, content=content))
    return ParsedFeed(title=parsed.feed.get("title") or "", entries=tuple(entries))


def _first_line(exc: BaseException) -> str:
    text = re.sub(r"^<unknown>:(\d+):(\d+): ", r"line \1, column \2: ", str(exc).strip())
    return re.sub(r"\s+", " ", text.splitlines()[0]) if text else type(exc).__name__
