"""Logging set-up: one format, and a filter that keeps secrets out of every log line.

Libraries log request bodies in places (Bolt does, for a request with a bad signature);
the filter masks Slack tokens, ``token=`` fields and the configured secret values.
"""
from __future__ import annotations

import logging
import re
from typing import Iterable

TOKENS = re.compile(r"\b(?:xox[abposr]|xapp)-[A-Za-z0-9-]+|(?<=token=)[^&\s\"']+|(?<=\"token\": \")[^\"]+")


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()):
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    def _clean(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, "[redacted]")
        return TOKENS.sub("[redacted]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def setup(level: str | int, secrets: Iterable[str] = ()) -> None:
    """Root logging to stderr at ``level``, with secrets masked on every handler."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    root = logging.getLogger()
    root.setLevel(level)
    redact = RedactSecrets(secrets)
    for handler in root.handlers:
        handler.filters = [f for f in handler.filters if not isinstance(f, RedactSecrets)]
        handler.addFilter(redact)
