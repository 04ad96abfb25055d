"""A daily briefing from the store: headline figures as who-says-what, key developments,
what each side gains, reactions. Every point cited, nothing repeated across sections."""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

from .cite import Citer, distinct
from .compose import benefit, numeric
from .lexicon import synonyms_of
from .query import Concept, Query, analyse
from .retrieval import Scored, concept_stats, retrieval_concepts, retrieve, score_hits
from .types import Briefing, Claim, ClaimHit, Point, Section

RECENT_DOCUMENTS = 40
TOPIC_CANDIDATES = 400
MEASURE_ORDER = ("personnel", "casualties", "munitions", "money", "equipment")
_REACTION = re.compile(
    r"\b(?:condemn\w*|concern\w*|respon\w*|react\w*|warn\w*|red line|sanction\w*|alarm\w*|call(?:ed|s)? for|"
    r"urg\w+|must|demand\w*|protest\w*|escalation|pressure)\b",
    re.I,
)
_DEVELOPMENT = re.compile(
    r"\b(?:arrived|entered|deployed|sent|spotted|signed|ratified|launched|announced|confirmed|captured|"
    r"killed|shipped|moved|began|started|agreed|met|visited|attacked|struck|receiving|training)\b",
    re.I,
)


def _as_scored(claims: list[Claim]) -> list[Scored]:
    """Claims without a question: rank by how much they share with the other claims."""
    entity_counts = Counter(e for c in claims for e in set(c.entities))
    out = []
    for c in claims:
        centrality = sum(min(entity_counts[e], 5) for e in set(c.entities)) / 10
        score = centrality + (0.5 if c.attributed_to else 0) + (0.3 if c.quantities else 0)
        out.append(Scored(ClaimHit(c, score), 1.0, frozenset(), score))
    out.sort(key=lambda s: s.score, reverse=True)
    return out


def _actors(claims: list[Claim], limit: int) -> list[Concept]:
    """The most named actors (countries, leaders), synonyms folded together."""
    counts: Counter[frozenset[str]] = Counter()
    labels: dict[frozenset[str], Counter[str]] = {}
    for c in claims:
        for e in set(c.entities):
            terms = synonyms_of(e.lower())
            if len(terms) == 1:
                continue  # only actors the lexicon knows aliases for (countries, capitals, leaders)
            counts[terms] += 1
            labels.setdefault(terms, Counter())[e] += 1
    return [Concept(labels[t].most_common(1)[0][0], tuple(sorted(t))) for t, _ in counts.most_common(limit)]


def _unused(scored: list[Scored], used: set[str]) -> list[Scored]:
    return [s for s in scored if s.claim.id not in used and (s.claim.group_id or s.claim.id) not in used]


def _mark(points: list[Point], citer: Citer, used: set[str]) -> None:
    for p in points:
        for n in p.citations:
            c = citer.sources[n - 1].claim
            used.update({c.id, c.group_id or c.id})


def _gather(make_points, items, cap: int, citer: Citer, used: set[str]) -> list[Point]:
    """Points from ``make_points(item)`` for item after item, until ``cap``; each marks its claims used."""
    out: list[Point] = []
    for item in items:
        points = make_points(item)
        _mark(points, citer, used)
        out += points
        if len(out) >= cap:
            break
    return out


def candidates(store, topic: str | None, since: datetime | None) -> list[Claim]:
    if since is not None:
        docs = store.documents_since(since.isoformat())
    else:
        docs = store.documents()[-RECENT_DOCUMENTS:]
    doc_ids = {d.id for d in docs}
    if topic:
        query = analyse(topic)
        n = store.approx_claim_count()
        stats = concept_stats(store, retrieval_concepts(query), n)
        hits = score_hits(query, retrieve(store, query, stats, n, k=TOPIC_CANDIDATES), stats)
        return [s.claim for s in hits if s.coverage >= 0.5 and (since is None or s.claim.doc_id in doc_ids)]
    return store.claims_of(doc_ids)


def build_briefing(store, topic: str | None = None, since: datetime | None = None,
                   now: datetime | None = None) -> Briefing:
    """The briefing over recent documents (or those ingested after ``since``), optionally on a topic."""
    claims = candidates(store, topic, since)
    title = "Briefing" + (f": {topic}" if topic else "")
    if not claims:
        return Briefing(title=title, sections=(), sources=(), since=since, topic=topic, generated_at=now)
    docs = store.documents_by_id({c.doc_id for c in claims})
    citer = Citer(docs)
    scored = _as_scored(claims)
    used: set[str] = set()
    sections: list[Section] = []

    def figures_of(measure: str) -> list[Point]:
        pool = [s for s in _unused(scored, used)
                if s.claim.attributed_to and any(q.measure == measure for q in s.claim.quantities)]
        query = Query(text="", intent="numeric", concepts=(), measure=measure)
        return numeric(query, pool, citer, lead=False, limit=3) if pool else []

    figures = _gather(figures_of, MEASURE_ORDER, 6, citer, used)
    if figures:
        sections.append(Section("Headline figures", tuple(figures)))

    developments = [s.claim for s in _unused(scored, used) if _DEVELOPMENT.search(s.claim.text)]
    dev_claims = distinct(developments, 5)
    dev_points = [citer.claim_point(c, claims, 240) for c in dev_claims]
    _mark(dev_points, citer, used)
    if dev_points:
        sections.append(Section("Key developments", tuple(dev_points)))

    def gains_of(actor: Concept) -> list[Point]:
        query = Query(text="", intent="benefit", concepts=(), subject=actor)
        return benefit(query, _unused(scored, used), citer, lead=False, limit=2)

    gains = _gather(gains_of, _actors(claims, 4), 4, citer, used)
    if gains:
        sections.append(Section("What each side gains", tuple(gains)))

    reactions = [s.claim for s in _unused(scored, used) if s.claim.attributed_to and _REACTION.search(s.claim.text)]
    react_points = [citer.claim_point(c, claims, 240) for c in distinct(reactions, 4)]
    if react_points:
        sections.append(Section("Reactions", tuple(react_points)))
    return Briefing(title=title, sections=tuple(sections), sources=tuple(citer.sources), since=since, topic=topic,
                    generated_at=now)
