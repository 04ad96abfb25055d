"""Channel subscriptions: what they are, how a request for one is checked, how they read.

Platform-neutral: a channel is (platform, workspace, channel) as strings; the only thing
known about each platform is what its channel ids look like, so that a name such as
``#general`` is refused with a message saying what to give instead. Subscriptions and their
delivery records live in the store (``briefings/store/port.py``) and are reached through
``BriefingService``; the slot arithmetic is ``briefings/schedule.py``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .errors import BadInput

TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")
KINDS = ("briefing", "question")
MAX_TOPIC_CHARS = 500
# what each platform's channel ids look like, and how to find one
CHANNEL_IDS: dict[str, tuple[re.Pattern[str], str]] = {
    "slack": (re.compile(r"^[CGD](?=[A-Z0-9]*\d)[A-Z0-9]{1,20}$"),
              "a Slack channel id such as C0123ABCD (in Slack, open the channel's details: the id is at the "
              "bottom of the About tab)"),
    "discord": (re.compile(r"^\d{15,21}$"),
                "a Discord channel id, a number such as 1100000000000000004 (with Developer Mode on, "
                "right-click the channel and choose Copy Channel ID)"),
}
STATUS_WORDS = {"done": "posted", "skipped": "nothing to post", "missed": "missed", "failed": "failed",
                "claimed": "posting"}


@dataclass(frozen=True)
class Subscription:
    id: int
    platform: str
    workspace: str
    channel: str
    kind: str  # briefing | question
    at_time: str  # "HH:MM", local
    timezone: str  # IANA name
    topic: str | None = None  # the briefing's topic, or the standing question
    quiet: bool = False  # say nothing when nothing is new
    enabled: bool = True
    disabled_reason: str | None = None
    created_by: str | None = None
    created_at: datetime | None = None
    last_delivered_at: datetime | None = None
    last_answer: dict[str, Any] | None = None

    @property
    def local_time(self) -> time:
        h, m = self.at_time.split(":")
        return time(int(h), int(m))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def what(self) -> str:
        """'a daily briefing at 08:30 Europe/London', and the rest of its description."""
        what = f"the question “{self.topic}”" if self.kind == "question" else (
            f"a briefing on {self.topic}" if self.topic else "a daily briefing")
        state = "" if self.enabled else f" (disabled: {self.disabled_reason})"
        quiet = ", silent when nothing is new" if self.quiet else ""
        return f"{what} at {self.at_time} {self.timezone}{quiet}{state}"

    def describe(self) -> str:
        return f"#{self.id}: {self.what()}"


@dataclass(frozen=True)
class NewSubscription:
    """A checked request for a subscription (see ``new_subscription``)."""

    platform: str
    channel: str
    kind: str
    at_time: str
    timezone: str
    topic: str | None = None
    quiet: bool = False
    workspace: str = ""
    created_by: str | None = None

    @property
    def topic_key(self) -> str:
        """The topic as compared for sameness: case and spacing do not make another subscription."""
        return " ".join((self.topic or "").split()).lower()


@dataclass(frozen=True)
class Subscribed:
    """What subscribing did: ``created`` is False when the same subscription already existed."""

    subscription: Subscription
    created: bool


@dataclass(frozen=True)
class Delivery:
    """One slot of one subscription: claimed before posting, then done, skipped, missed or failed."""

    subscription_id: int
    slot: str
    due_at: datetime
    status: str
    owner: str
    claimed_at: datetime
    attempts: int
    detail: str | None = None
    finished_at: datetime | None = None


@dataclass(frozen=True)
class SlotOutcome:
    """How a claimed slot ended. ``delivered_at`` (with a standing question's ``answer``) is
    recorded on the subscription together with the slot, as what the next briefing is "new since"."""

    status: str  # done | skipped | failed
    detail: str | None = None
    delivered_at: datetime | None = None
    answer: dict[str, Any] | None = None


@dataclass(frozen=True)
class ScheduledSubscription:
    """A subscription with its next run (in its own time zone) and its last delivery."""

    subscription: Subscription
    next_run: datetime | None
    last_delivery: Delivery | None

    def describe(self) -> str:
        sub, bits = self.subscription, []
        if self.next_run is not None:
            bits.append(f"next {local(self.next_run, sub.zone)}")
        last = self.last_delivery
        if last is not None:
            bits.append(f"last {local(last.due_at, sub.zone)} ({STATUS_WORDS.get(last.status, last.status)})")
        return sub.describe() + (" — " + "; ".join(bits) if bits else "")

    def to_json(self) -> dict[str, Any]:
        s, last = self.subscription, self.last_delivery
        return {
            "id": s.id, "platform": s.platform, "workspace": s.workspace, "channel": s.channel, "kind": s.kind,
            "time": s.at_time, "timezone": s.timezone, "topic": s.topic, "quiet": s.quiet, "enabled": s.enabled,
            "disabled_reason": s.disabled_reason, "created_by": s.created_by,
            "created_at": _iso(s.created_at),
            "next_run": self.next_run.astimezone(s.zone).isoformat() if self.next_run else None,
            "last_delivery": None if last is None else {
                "slot": last.slot, "due": last.due_at.astimezone(s.zone).isoformat(), "status": last.status,
                "attempts": last.attempts, "finished_at": _iso(last.finished_at), "detail": last.detail},
        }


def local(when: datetime, zone: ZoneInfo) -> str:
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


def parse_time(value: str) -> str:
    """'8:30', '08:30' or '08.30' -> '08:30'; anything else says what is accepted."""
    m = TIME.match(value.strip())
    if not m:
        raise BadInput(f"time must be HH:MM on a 24-hour clock, e.g. 08:30 (got {value!r})")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


def parse_timezone(value: str) -> str:
    """An IANA time zone name, matched without regard to case; a near miss gets a suggestion."""
    value = value.strip()
    by_lower = {z.lower(): z for z in _zones()}
    if value.lower() in by_lower:
        name = by_lower[value.lower()]
        try:
            ZoneInfo(name)
            return name
        except ZoneInfoNotFoundError:
            pass
    from rapidfuzz import process

    best = process.extractOne(value, _zones(), score_cutoff=70)
    hint = f"; did you mean {best[0]}?" if best else ""
    raise BadInput(f"unknown time zone {value!r}{hint} Use an IANA name such as Europe/London or America/New_York.")


def parse_channel(platform: str, channel: str) -> str:
    """A channel id as the platform writes it; a name or anything else says what to give."""
    if platform not in CHANNEL_IDS:
        raise BadInput(f"platform must be one of {', '.join(CHANNEL_IDS)} (got {platform!r})")
    pattern, expected = CHANNEL_IDS[platform]
    channel = channel.strip()
    if not pattern.match(channel):
        raise BadInput(f"channel must be {expected}; got {channel!r}")
    return channel


def new_subscription(*, platform: str, channel: str, at_time: str, tz: str, topic: str | None = None,
                     question: str | None = None, quiet: bool = False, workspace: str = "",
                     created_by: str | None = None) -> NewSubscription:
    """Check a request for a daily briefing (on ``topic``, if given) or a standing ``question``."""
    if topic and question:
        raise BadInput("give a topic or a question, not both")
    text = " ".join((question or topic or "").split()) or None
    if text and len(text) > MAX_TOPIC_CHARS:
        raise BadInput(f"that {'question' if question else 'topic'} is {len(text):,} characters long; "
                       f"keep it under {MAX_TOPIC_CHARS}")
    if question is not None and not text:
        raise BadInput("a standing question needs the question, e.g. “troop estimates?”")
    return NewSubscription(platform=platform, channel=parse_channel(platform, channel),
                           kind="question" if question else "briefing", at_time=parse_time(at_time),
                           timezone=parse_timezone(tz), topic=text, quiet=quiet, workspace=workspace,
                           created_by=created_by)


def zone_suggestions(prefix: str, limit: int = 25) -> list[str]:
    p = prefix.strip().lower()
    starts = [z for z in _zones() if z.lower().startswith(p)]
    contains = [z for z in _zones() if p and p in z.lower() and z not in starts]
    return (starts + contains)[:limit]
