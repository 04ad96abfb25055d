"""The claim store's interface. SQLite implements it; a PostgreSQL backend can sit beside it."""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Iterable, Protocol

from ..lexicon import BENEFIT_CUES, BENEFIT_TAG, group_tags
from ..types import Claim, ClaimHit, Document, Quantity


class ClaimStore(Protocol):
    """What the core needs from a claim store (ingest, answers, briefings, topic suggestions)."""

    def document_by_hash(self, content_hash: str) -> Document | None: ...
    def document_by_key(self, source_key: str) -> Document | None: ...
    def put_document(self, doc: Document, claims: list[Claim], source_key: str, replaces: str | None,
                     extractor_version: int = 0) -> None: ...
    def replace_claims(self, doc_id: str, claims: list[Claim], extractor_version: int) -> None: ...
    def stale_documents(self, version: int) -> list[Document]: ...
    def documents(self) -> list[Document]: ...
    def documents_by_id(self, ids: Iterable[str]) -> dict[str, Document]: ...
    def documents_since(self, since_iso: str) -> list[Document]: ...
    def search(self, match: str, k: int, order: str = "rank", budget_ms: float | None = None) -> list[ClaimHit]: ...
    def count_matches(self, match: str, cap: int) -> int: ...
    def approx_claim_count(self) -> int: ...
    def claims_of(self, doc_ids: Iterable[str]) -> list[Claim]: ...
    def similar_group(self, claim: Claim, match: str) -> str | None: ...
    def topics(self, prefix: str, limit: int = 25) -> list[str]: ...
    def close(self) -> None: ...


def quantities_json(qs: tuple[Quantity, ...]) -> str:
    return json.dumps([asdict(q) for q in qs], ensure_ascii=False)


def quantities_from(raw: str | None) -> tuple[Quantity, ...]:
    return tuple(Quantity(**q) for q in json.loads(raw or "[]"))


def claim_tags(claim: Claim) -> str:
    """Hidden search words: the measures of the claim's numbers, the synonym groups it names, gain cues."""
    tags = {f"qty{q.measure}" for q in claim.quantities} | set(group_tags(claim.text))
    if BENEFIT_CUES.search(claim.text):
        tags.add(BENEFIT_TAG)
    if claim.quantities:
        tags.add("qtyany")
    if claim.attributed_to:
        tags.add("hassource")
    return " ".join(sorted(tags))


def claim_from_row(row: Any) -> Claim:
    return Claim(
        id=row["id"],
        doc_id=row["doc_id"],
        seq=row["seq"],
        text=row["text"],
        start=row["start"],
        end=row["end"],
        attributed_to=row["attributed_to"],
        attribution_how=row["attribution_how"],
        hedges=tuple(json.loads(row["hedges"] or "[]")),
        quantities=quantities_from(row["quantities"]),
        dates=tuple(json.loads(row["dates"] or "[]")),
        entities=tuple(json.loads(row["entities"] or "[]")),
        heading=row["heading"],
        paragraph=row["paragraph"],
        group_id=row["group_id"],
    )


def document_from_row(row: Any, with_text: bool = False) -> Document:
    keys = row.keys()
    published = row["published"]
    ingested = row["ingested_at"]
    return Document(
        id=row["id"],
        path=row["path"],
        title=row["title"],
        outlet=row["outlet"],
        author=row["author"],
        url=row["url"],
        published=date.fromisoformat(published) if isinstance(published, str) and published else published,
        opinion=bool(row["opinion"]),
        content_hash=row["content_hash"],
        ingested_at=datetime.fromisoformat(ingested) if isinstance(ingested, str) else ingested,
        text=row["text"] if with_text and "text" in keys else "",
        claim_count=row["claim_count"] if "claim_count" in keys else 0,
    )
