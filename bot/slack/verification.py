"""Request signatures, refused with a 401 whatever is wrong with them.

Bolt's verifier reads ``X-Slack-Request-Timestamp`` with ``int()``, so a timestamp that is
not a number raised and became a 500. This verifier treats every malformed header as a bad
signature; it takes the place of Bolt's built-in middleware (same position: before
authorisation, so a forged request never reaches ``auth.test`` or a listener).
"""
from __future__ import annotations

import re
from typing import Union

from slack_bolt.middleware.request_verification.async_request_verification import (
    AsyncRequestVerification,
)
from slack_sdk.signature import SignatureVerifier

TIMESTAMP = re.compile(r"[0-9]{1,12}")  # seconds since 1970, ASCII digits only


class StrictSignatureVerifier(SignatureVerifier):
    def is_valid(self, body: Union[str, bytes], timestamp: str | None, signature: str | None) -> bool:
        if timestamp is None or signature is None or not TIMESTAMP.fullmatch(timestamp):
            return False
        try:
            return super().is_valid(body, timestamp, signature)
        except (ValueError, TypeError, UnicodeError):
            return False


class StrictRequestVerification(AsyncRequestVerification):
    def __init__(self, signing_secret: str):
        super().__init__(signing_secret)
        self._strict = StrictSignatureVerifier(signing_secret)

    @property
    def verifier(self) -> SignatureVerifier:
        return self._strict
