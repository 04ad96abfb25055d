"""Logging, configured in one place: one handler on the root logger, every line timestamped,
as text or as one JSON object a line, with secrets masked in every part of every record.

Masking happens where a record is made (a log-record factory), so every handler sees a clean
record, including handlers that libraries or tests add: the message and its arguments are
merged and masked, an exception is rendered to masked text and the exception object dropped
(an upstream error body can echo the ``Authorization`` header), and the stack is masked. The
formatters mask their output once more, for records made some other way.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from datetime import datetime
from typing import Iterable, Literal

Format = Literal["text", "json"]

# Slack tokens, ``token=`` form fields, JSON "token" values, bearer credentials
TOKENS = re.compile(
    r"\b(?:xox[abposre]|xapp)-[A-Za-z0-9-]+"
    r"|(?<=token=)[^&\s\"']+"
    r"|(?<=\"token\": \")[^\"]+"
    r"|(?<=Bearer )[A-Za-z0-9._~+/=-]+|(?<=Bot )[A-Za-z0-9._~+/=-]{20,}"
)
MASK = "[redacted]"


class Redactor:
    """Masks the configured secret values and anything shaped like a token."""

    def __init__(self, secrets: Iterable[str] = ()):
        self.secrets: list[str] = []
        self.set_secrets(secrets)

    def set_secrets(self, secrets: Iterable[str]) -> None:
        # longest first, so a secret that contains another is masked whole
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def clean(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, MASK)
        return TOKENS.sub(MASK, text)

    def scrub(self, record: logging.LogRecord) -> logging.LogRecord:
        """Mask a record in place: message with its arguments, exception, stack."""
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, masked
            message = f"{record.msg!s} {record.args!r}"
        record.msg, record.args = self.clean(message), None
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_info = None  # nothing downstream may render the exception object again
        if record.exc_text:
            record.exc_text = self.clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self.clean(record.stack_info)
        return record


REDACTOR = Redactor()
_BASE_FACTORY = logging.getLogRecordFactory()


def _make_record(*args, **kwargs) -> logging.LogRecord:
    return REDACTOR.scrub(_BASE_FACTORY(*args, **kwargs))


class RedactSecrets(logging.Filter):
    """The same masking as a handler filter (for records made without the factory)."""

    def __init__(self, redactor: Redactor = REDACTOR):
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        self.redactor.scrub(record)
        return True


def timestamp(record: logging.LogRecord) -> str:
    """Local time with its UTC offset, to the millisecond: 2026-03-01T08:30:00.123+00:00."""
    return datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    def __init__(self, redactor: Redactor = REDACTOR):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.redactor = redactor

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return timestamp(record)

    def format(self, record: logging.LogRecord) -> str:
        return self.redactor.clean(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message (and exc, stack when there are any)."""

    def __init__(self, redactor: Redactor = REDACTOR):
        super().__init__()
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        out = {"time": timestamp(record), "level": record.levelname, "logger": record.name,
               "message": self.redactor.clean(record.getMessage())}
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            out["exc"] = self.redactor.clean(record.exc_text)
        if record.stack_info:
            out["stack"] = self.redactor.clean(self.formatStack(record.stack_info))
        return json.dumps(out, ensure_ascii=False)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def setup(level: str | int, fmt: Format = "text", secrets: Iterable[str] = (), stream=None) -> logging.Handler:
    """Configure the root logger: one handler (replacing the one set up before), the format,
    the level, and the secrets to mask. Called again once the settings are known."""
    REDACTOR.set_secrets(secrets)
    logging.setLogRecordFactory(_make_record)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "briefbot", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream) if stream is not None else StderrHandler()
    handler.briefbot = True
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(RedactSecrets())
    root.addHandler(handler)
    root.setLevel(level)
    # APScheduler reports every job it runs at INFO (each minute's sweep); keep that for DEBUG
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if root.level <= logging.DEBUG else logging.WARNING)
    return handler
