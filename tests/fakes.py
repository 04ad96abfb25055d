"""Deterministic stand-ins for the slow or external parts, installed by fixtures."""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Sequence

import numpy as np

from briefings.text import terms, tokens


class HashEmbedder:
    """A stand-in for the sentence model: each text's index terms hashed (with a sign) into 384
    dimensions, L2-normalised. Texts sharing terms are alike, others are not; same input, same
    vector. ``history`` records every batch it was asked to embed."""

    name = "fake-hash-384"
    dim = 384

    def __init__(self) -> None:
        self.history: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.history.append(list(texts))
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, text in enumerate(texts):
            for term in terms(text) or tokens(text):
                h = int(hashlib.blake2b(term.encode(), digest_size=8).hexdigest(), 16)
                out[i, h % self.dim] += 1.0 if (h >> 20) & 1 else -1.0
            norm = np.linalg.norm(out[i])
            if norm:
                out[i] /= norm
        return out


class Clock:
    """A clock that reads ``now`` until a test moves it."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now
