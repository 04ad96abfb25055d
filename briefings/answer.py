"""Answer a question from the store: analyse, retrieve, score, compose, cite — or abstain."""
from __future__ import annotations

import re

from .cite import Citer
from .compose import compose
from .query import analyse
from .retrieval import concept_stats, retrieval_concepts, retrieve, score_hits, unknown_share
from .types import Answer

EXAMPLE = "e.g. “troop estimates?” or “what does North Korea gain?”"
MIN_COVERAGE = 0.5  # the best claim must cover at least this share of the question (by IDF)
MAX_UNKNOWN = 0.5  # abstain when more of the question than this is unknown to the store


def is_name(label: str, question: str) -> bool:
    """Whether the question writes ``label`` as a name (capitalised, not just first) or a number."""
    if any(c.isdigit() for c in label):
        return True
    for m in re.finditer(rf"(?<!\w){re.escape(label)}(?!\w)", question, re.I):
        if m.start() > 0 and question[m.start()].isupper() and question[:m.start()].strip():
            return True
    return False


def abstain(question: str, message: str) -> Answer:
    return Answer(question=question, answered=False, message=message, kind="none")


def answer_question(store, question: str) -> Answer:
    """A cited answer, or ``answered=False`` with a message saying why not."""
    question = question if isinstance(question, str) else str(question)
    query = analyse(question)
    if query.empty:
        return abstain(question, f"Ask a question about the articles, {EXAMPLE}")
    n = store.approx_claim_count()
    if n == 0:
        return abstain(question, "The store holds no articles yet: add some with `briefbot ingest PATH`.")
    stats = concept_stats(store, retrieval_concepts(query), n)
    unknown = [s for s in stats if s.df == 0]
    critical = [s for s in unknown if is_name(s.concept.label, question)]
    if critical or (unknown_share(stats) > MAX_UNKNOWN and (len(unknown) > 1 or len(unknown) == len(stats))):
        missing = ", ".join(s.concept.label for s in (critical or unknown))
        return abstain(question, f"The articles say nothing about {missing}. I won't guess.")
    # one ordinary word the articles never use ("died", "hit") is not the point of the question
    stats = [s for s in stats if s.df > 0]
    hits = retrieve(store, query, stats, n)
    docs = store.documents_by_id({h.claim.doc_id for h in hits})
    scored = score_hits(query, hits, stats, {d.id: d.title for d in docs.values()})
    if not scored or scored[0].coverage < MIN_COVERAGE:
        return abstain(question, "Nothing in the articles answers this closely enough. I won't guess.")
    citer = Citer(docs)
    kind, points = compose(query, scored, citer)
    if not points:
        return abstain(question, "Nothing in the articles answers this closely enough. I won't guess.")
    return Answer(question=question, answered=True, points=tuple(points), sources=tuple(citer.sources), kind=kind)
