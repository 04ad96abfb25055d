"""Every length limit on what ingest takes from an article, in one place.

They keep odd input from turning into giant titles or claims. This file is part of the
extractor's fingerprint: changing a limit re-extracts stored documents.
"""
from __future__ import annotations

MAX_TITLE_CHARS = 200
"""A longer title is cut at a word boundary and ends with "…" (the text keeps it whole)."""

MAX_SENTENCE_CHARS = 1200
"""A longer sentence is split: at a clause break ("; ", ": ", " — ", ", ") if there is one in
its second half, else at a space, else hard."""

MAX_CLAIM_CHARS = 2400
"""A quotation over several sentences stops growing at this length."""

MAX_UNBROKEN_CHARS = 5000
"""A run of text longer than this with no sentence end (. ! ? … or a line break) is not prose:
the document is refused, saying where the run is."""
