"""Errors a user may see. Each adapter turns these into a message in one place.

Anything else that escapes the core is a bug: adapters log it and show a short apology.
"""
from __future__ import annotations


class BriefingError(Exception):
    """Base for errors whose message is meant for the user, as it stands."""


class BadInput(BriefingError):
    """The user gave something we cannot use (a bad file, time, time zone, question)."""


class NoEvidence(BriefingError):
    """The store holds nothing that answers."""


class NotAllowed(BriefingError):
    """The user may not do this (e.g. change a channel's subscriptions)."""


class NotFound(BriefingError):
    """What the user named does not exist (a subscription, a document)."""


def shown(path: object) -> str:
    """A file name as every message shows it: quoted and escaped like a Python string literal,
    so a name holding a newline, a tab, a quote or bytes that are not UTF-8 stays on one line
    and reads back unambiguously: ``'/tmp/a\\nb.txt'``. A web address with nothing to escape
    (no space, no control character) is shown as it is, as the fetch errors show it."""
    text = str(path)
    if text.startswith(("http://", "https://")) and text.isprintable() and not any(c.isspace() for c in text):
        return text
    return repr(text)
