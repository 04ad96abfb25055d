"""What both platforms' markup converters share: mentions that only address someone are
dropped, the text is tidied where a mention was taken out, and looked-up names are cached."""
from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Awaitable, Callable, Hashable

log = logging.getLogger(__name__)
ADDRESSING = re.compile(r"^[\s,:;]+")  # what may follow a mention that only addresses someone
SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([?!.,;:])(?=\s|$)")


@dataclass(frozen=True)
class Mention:
    """Someone (or a group) mentioned. ``user`` is a person's id, still to be named; ``label``
    is the text to show when there is one."""

    user: str | None = None
    label: str | None = None


Part = str | Mention


def drop_addressing(parts: list[Part]) -> list[Part]:
    """Mentions at the start (with the spaces, commas or colons after them) only address someone."""
    i = 0
    while i < len(parts) and (isinstance(parts[i], Mention) or not ADDRESSING.sub("", parts[i])):
        i += 1
    rest = parts[i:]
    if i and rest:
        rest[0] = ADDRESSING.sub("", rest[0])
    return rest


def tidy(text: str) -> str:
    """One space between words, none before punctuation (where a dropped mention was)."""
    return SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(text.split()))


class NameCache:
    """Names looked up from a platform, remembered for ``ttl`` seconds (the last ``size`` of them).
    Concurrent lookups of one id share one call. ``fetch`` returns None for "no such person"
    (remembered); when it raises, the lookup gives None and is tried again next time."""

    def __init__(self, fetch: Callable[[Hashable], Awaitable[str | None]], ttl: float = 3600, size: int = 1000):
        self.fetch = fetch
        self.ttl, self.size = ttl, size
        self._entries: OrderedDict[Hashable, tuple[float, asyncio.Future]] = OrderedDict()

    async def __call__(self, key: Hashable) -> str | None:
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is None or entry[0] <= now - self.ttl:
            entry = (now, asyncio.ensure_future(self.fetch(key)))
            self._entries[key] = entry
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        self._entries.move_to_end(key)
        try:
            return await asyncio.shield(entry[1])
        except Exception as e:
            if self._entries.get(key) is entry:
                del self._entries[key]
            log.info("could not look up a mentioned user (%s)", type(e).__name__)
            return None
