"""Rank candidates by relevance to the question, stay within its story, keep distinct points.

A claim's score is its semantic and lexical fit, a little of its neighbours' fit, and a
generic answer-type fit: a figure of the measure asked for a how-many question, a date for
when, a place for where, a cause for why, a named person for who, and the named speaker's
own words for "what did X say". Near-repeats are cited together as one point.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ..extraction.attribution import looks_like_name
from ..extraction.claims import clock_time
from ..extraction.language import CAUSAL, MONTH_ABBREVIATIONS, MONTHS, WEEKDAYS
from ..extraction.quantities import is_identifier
from ..text import terms
from ..types import Claim, Quantity
from .analyse import Question
from .expand import centred_cosines
from .retrieve import BM25, Candidate, Pool, names_stand_whole
from .speakers import speaks
from .stories import stories
from .weights import WEIGHTS, Weights

_CAUSE = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in sorted(CAUSAL, key=len, reverse=True)) + r")\b", re.I)
_PLACE = re.compile(r"\b(?:in|at|near|on|off|outside|inside|across|into|from|toward|towards|along|over|under|"
                    r"between|beneath|through|to)\s+(?:the\s+)?(?P<name>[A-Z][\w’'.-]+)")
_NOT_PLACES = frozenset(MONTHS + MONTH_ABBREVIATIONS + WEEKDAYS)  # "on July 31", "by Tuesday": a time, not a place
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def names_place(text: str) -> bool:
    """The sentence says where: a preposition of place before a name that is not a month or a day."""
    return any(m.group("name").lower().rstrip(".") not in _NOT_PLACES for m in _PLACE.finditer(text))


@dataclass
class Ranked:
    cand: Candidate
    score: float
    fit: float = 0.0
    also: list[Candidate] = field(default_factory=list)  # the same thing said in other documents
    joined: list["Ranked"] = field(default_factory=list)  # relevant sentences beside it, read with it

    def passage(self) -> list[Claim]:
        """Its sentence and those joined to it, in the article's order."""
        return sorted([self.claim] + [j.claim for j in self.joined], key=lambda c: c.seq)

    @property
    def claim(self) -> Claim:
        return self.cand.claim


HISTORY_YEARS = 3  # a year this much older than the article is another event's (a comparison)


_SEASON = re.compile(r"(?:spring|summer|fall|autumn|winter)\s+$", re.I)


def historical(claim: Claim, published: date | None) -> bool:
    """The claim dates itself to a year well before its article: a comparison, not today's news.
    A number that names something ("Local 1847", "Flight 1549") is no year; "Summer 2019" is."""
    if published is None:
        return False
    text = claim.text
    return any(int(m.group(1)) <= published.year - HISTORY_YEARS
               and (not is_identifier(text, m.start()) or _SEASON.search(text[:m.start()]))
               for m in _YEAR.finditer(text))


def figures(question: Question, claim: Claim) -> list[Quantity]:
    """The claim's numbers of the measure the question asks for."""
    return [q for q in claim.quantities if q.measure in question.measures]


FigureMatch = dict  # (claim id, index of the quantity) -> how well what it counts matches the question


def figure_matches(question: Question, claims: list[Claim], embed, w: Weights = WEIGHTS) -> FigureMatch:
    """How well each figure of the measure asked counts what the question asks about: 1.0 when
    they share a term ("troops" / "North Korean troops"), else the model's cosine of the
    question's focus and the counted noun ("dockers" / "dockworkers"). Each distinct noun is
    embedded once, at most ``figure_phrases`` of them, of the best claims first (~1.3 ms a phrase).
    Without a model, shared terms only."""
    out: FigureMatch = {}
    nouns: dict[str, list[tuple[str, int]]] = {}
    focus = set(question.focus)
    for claim in claims:
        for i, q in enumerate(claim.quantities):
            if q.measure not in question.measures:
                continue
            if not focus or focus & set(terms(q.phrase)):
                out[(claim.id, i)] = 1.0
            elif q.counted:
                nouns.setdefault(q.counted.split()[-1].lower(), []).append((claim.id, i))
    if nouns and embed is not None and question.focus_text:
        todo = list(nouns)[:w.figure_phrases]
        vecs = embed([question.focus_text] + todo)
        for noun, sim in zip(todo, vecs[1:] @ vecs[0]):
            for key in nouns[noun]:
                out[key] = float(sim)
    return out


def matching_figures(question: Question, claim: Claim, match: FigureMatch | None, w: Weights = WEIGHTS
                     ) -> list[Quantity]:
    """The claim's figures that answer the question: the measure asked, counting what is asked about."""
    return [q for i, q in enumerate(claim.quantities) if q.measure in question.measures
            and (match is None or match.get((claim.id, i), 0.0) >= w.figure_similarity)]


def answer_fit(question: Question, claim: Claim, published: date | None = None, match: FigureMatch | None = None
               ) -> float:
    """How well the claim has the kind of thing the question asks for, 0..1."""
    kind = question.kind
    if kind == "quantity":
        if not figures(question, claim):
            return 0.0
        if historical(claim, published):
            return 0.2
        return 1.0 if matching_figures(question, claim, match) else 0.5
    if kind == "time":  # a date or time; a clock time when the question asks "what time"
        if not claim.dates:
            return 0.0
        return 0.5 if question.clock and not any(clock_time(d) for d in claim.dates) else 1.0
    if kind == "place":
        return 1.0 if names_place(claim.text) else 0.0
    if kind == "reason":
        return 1.0 if _CAUSE.search(claim.text) else 0.0
    if kind == "person":  # who: a person or a body, by name, or a speaker
        named = any(looks_like_name(e) for e in claim.entities)
        return 1.0 if named or claim.attributed_to else 0.0
    if kind == "statement":  # someone's words (whose words is ``speaker_fit``)
        return 1.0 if claim.attributed_to else 0.0
    return 0.0


def speaker_fit(question: Question, claim: Claim, author: str | None = None) -> float:
    """1 when the claim is the words of the person the question names (by any of their names):
    attributed to them, or an unattributed sentence of their opinion piece (``author``)."""
    return 1.0 if speaks(question, claim.attributed_to or author) else 0.0


def relevance(c: Candidate, w: Weights = WEIGHTS) -> float:
    """A quick pre-ranking by the two sides alone: which candidates get the full features, and
    which are the best few that the feedback comes from (``expand``)."""
    return w.first_semantic * c.semantic + w.first_lexical * c.lexical + w.first_neighbour * c.neighbour


FEATURES = ("semantic", "lexical", "lexical_own", "neighbour", "answer_type", "speaker", "lead", "length",
            "semantic_rank", "lexical_rank", "figure", "blended", "feedback", "window", "passage", "document",
            "expansion", "dated", "recency", "centred")


def recency(published: dict[str, date | None], doc_ids) -> dict[str, float]:
    """1 / (1 + rank) of each document's publication date among those of ``doc_ids``, newest
    first (documents of one day share a rank); 0 for a document without a date."""
    days = sorted({published[d] for d in doc_ids if published.get(d)}, reverse=True)
    rank_of = {day: i for i, day in enumerate(days)}
    return {d: (1.0 / (1 + rank_of[published[d]]) if published.get(d) else 0.0) for d in doc_ids}


def features(pool: Pool, published: dict[str, date | None], match: FigureMatch | None = None,
             authors: dict[str, str] | None = None) -> np.ndarray:
    """One row per candidate, one column per name in ``FEATURES``. ``authors``: the writers of
    opinion pieces, by document id."""
    authors = authors or {}
    q = pool.question
    cands = pool.candidates
    own = BM25(pool.terms, pool.stats)
    by_sem = {id(c): i for i, c in enumerate(sorted(cands, key=lambda c: -c.semantic))}
    by_lex = {id(c): i for i, c in enumerate(sorted(cands, key=lambda c: -c.lexical))}
    newest = recency(published, {c.claim.doc_id for c in cands})
    rows = []
    for c, centred in zip(cands, _centred(cands).tolist()):
        claim = c.claim
        rows.append((
            c.semantic, c.lexical, own.share_tokens(c.ref.tokens[0], []), c.neighbour,
            answer_fit(q, claim, published.get(claim.doc_id), match), speaker_fit(q, claim, authors.get(claim.doc_id)),
            1.0 if claim.seq < 3 else 0.0, math.log1p(len(claim.text.split())),
            1.0 / (1 + by_sem[id(c)]), 1.0 / (1 + by_lex[id(c)]), 1.0 if claim.quantities else 0.0,
            c.blended, c.feedback, c.window, c.passage, c.document, c.expansion,
            1.0 if claim.dates else 0.0, newest[claim.doc_id], centred,
        ))
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


def _centred(cands) -> np.ndarray:
    """Each candidate's centred cosine (``expand.centred_cosines``); 0 for one without a vector."""
    vectors = [c.ref.vector for c in cands]
    if not cands or all(v is None for v in vectors):
        return np.zeros(len(cands))
    zero = np.zeros(next(v for v in vectors if v is not None).shape[0], dtype=np.float32)
    return centred_cosines(np.array([c.semantic for c in cands]),
                           np.vstack([v if v is not None else zero for v in vectors]))


# what the ranker uses without the model (the semantic features are all zero then)
LEXICAL_FEATURES = tuple(n for n in FEATURES if n not in {"semantic", "neighbour", "semantic_rank", "blended",
                                                           "feedback", "window", "centred"})


# the ranker also weighs the product of every two features: what one piece of evidence is
# worth may depend on another (a cosine says more when the words match too, a figure more in a
# claim close to the question). Columns after ``FEATURES``, in this order. Leave-one-set-out
# over 38 sets: 4946 facts against 4866 with the features alone, 4902 with the products of ten.
PAIRS = tuple((a, b) for i, a in enumerate(FEATURES) for b in FEATURES[i + 1:])
_PAIR_COLS = np.array([[FEATURES.index(a), FEATURES.index(b)] for a, b in PAIRS], dtype=np.int64).reshape(-1, 2)


def with_pairs(x: np.ndarray) -> np.ndarray:
    """``x`` (one row per candidate, one column per name in ``FEATURES``) with a column more for
    each pair in ``PAIRS``: the product of its two features."""
    return np.hstack([x, x[:, _PAIR_COLS[:, 0]] * x[:, _PAIR_COLS[:, 1]]])


def coefficients(w: Weights = WEIGHTS, model: bool = True) -> tuple[np.ndarray, float]:
    """The ranker's coefficient for each name in ``FEATURES`` and then each pair in ``PAIRS``,
    and its bias: the fitted fields of ``w`` and its ``pairs``, or without the model its
    ``lexical_ranker`` (features and pairs it does not name count 0)."""
    if model:
        paired = {(a, b): v for a, b, v in w.pairs}
        return np.array([getattr(w, name) for name in FEATURES] + [paired.get(p, 0.0) for p in PAIRS]), w.bias
    own = dict(w.lexical_ranker)
    return np.array([own.get(name, 0.0) for name in FEATURES] + [0.0] * len(PAIRS)), own.get("bias", w.bias)


def rank(pool: Pool, published: dict[str, date | None], w: Weights = WEIGHTS, match: FigureMatch | None = None,
         authors: dict[str, str] | None = None) -> list[Ranked]:
    """Every candidate with its probability of being relevant, best first. Claims of documents
    about another story than the best claim's (see ``stories``) lose ``w.off_story`` in log-odds."""
    if not pool.candidates:
        return []
    x = features(pool, published, match, authors)
    coef, bias = coefficients(w, model=pool.vectors)
    logits = with_pairs(x) @ coef + bias
    fit_col = FEATURES.index("answer_type")
    ranked = [Ranked(c, float(z), float(x[i, fit_col])) for i, (c, z) in enumerate(zip(pool.candidates, logits))]
    ranked.sort(key=lambda r: (-r.score, r.claim.id))
    story = stories(pool.candidates, w)
    home = story.get(ranked[0].claim.doc_id)
    if home is not None:
        for r in ranked:
            if story.get(r.claim.doc_id, home) != home:
                r.score -= w.off_story
    for r in ranked:
        r.score = 1.0 / (1.0 + math.exp(-r.score))
    ranked.sort(key=lambda r: (-r.score, r.claim.id))
    return ranked


def has_evidence(pool: Pool, w: Weights = WEIGHTS) -> bool:
    """Whether the store holds anything close enough to the question to answer it.

    With the model: the closest claim's cosine must reach ``min_semantic``, a higher
    ``name_semantic`` when the question names something no article mentions (a name alone
    is not enough: "NK" or "Washington" may be written otherwise), and a lower
    ``known_name_semantic`` when every name it writes stands whole in a gathered claim: the
    name is evidence the sentence model may not see ("how does this compare with East
    Palestine?" against "Is this another East Palestine? Not quite."). Without it: the best
    claim must cover ``min_lexical_only`` of the question's known terms, and every name."""
    if not pool.candidates:
        return False
    if not pool.vectors:
        return not pool.unknown_names and max(c.lexical for c in pool.candidates) >= w.min_lexical_only
    best = max(c.semantic for c in pool.candidates)
    if pool.unknown_names:
        return best >= w.name_semantic
    if best >= w.min_semantic and best >= w.known_name_semantic:
        return True  # whatever the names: no need to look for them
    return best >= (w.known_name_semantic if names_stand_whole(pool) else w.min_semantic)


def similarities(items: list[Ranked]) -> np.ndarray:
    """Each pair's cosine: one matrix product over the items with vectors; a pair
    where one has none is alike (1) only when their texts are the same."""
    n = len(items)
    vecs = [r.cand.ref.vector for r in items]
    dim = next((v.shape[0] for v in vecs if v is not None), 0)
    if not n or not dim:
        texts = [r.claim.text for r in items]
        return np.array([[1.0 if a == b else 0.0 for b in texts] for a in texts]).reshape(n, n)
    m = np.vstack([v if v is not None else np.zeros(dim, dtype=np.float32) for v in vecs])
    sim = m @ m.T
    for i in (i for i, v in enumerate(vecs) if v is None):
        same = np.array([items[i].claim.text == r.claim.text for r in items], dtype=sim.dtype)
        sim[i, :] = same
        sim[:, i] = same
    return sim


def select(ranked: list[Ranked], w: Weights = WEIGHTS, limit: int | None = None,
           keep: "callable | None" = None, join: bool = False) -> list[Ranked]:
    """Distinct points, best first: within ``w.relative_cutoff`` of the best, at most ``limit``,
    chosen by maximal marginal relevance; a near-repeat from another document joins the point
    it repeats as a further citation. With ``join``, a chosen sentence's neighbour in its article
    that is itself relevant (at least ``w.join_share`` of the best score) is read with it, as one
    passage, up to ``w.join_max`` of them."""
    limit = limit or w.max_points
    if not ranked:
        return []
    top_score = ranked[0].score if ranked[0].score > 0 else 1.0
    floor = max(w.min_probability, ranked[0].score * w.relative_cutoff)
    items = [r for r in ranked if r.score >= floor and (keep is None or keep(r))]
    sim = similarities(items)
    value = np.array([r.score / top_score for r in items])
    open_ = np.ones(len(items), dtype=bool)  # still in the running
    near = np.full(len(items), -np.inf)  # best cosine with a chosen point
    nearest = np.full(len(items), -1)  # ... which one (index into items)
    chosen: list[int] = []
    while open_.any() and len(chosen) < limit:
        dup = np.flatnonzero(open_ & (near >= w.duplicate))
        if dup.size:  # the first near-repeat, in rank order, joins the point it repeats
            i = int(dup[0])
            r, s = items[i], items[int(nearest[i])]
            if r.claim.doc_id != s.claim.doc_id and all(a.claim.doc_id != r.claim.doc_id for a in s.also):
                s.also.append(r.cand)
            open_[i] = False
            continue
        mmr = np.where(open_, value - w.diversity * np.maximum(near, 0.0), -np.inf)
        best = int(np.argmax(mmr))
        chosen.append(best)
        open_[best] = False
        _choose(best, sim, near, nearest)
        if join:
            for j in _join(best, items, open_, chosen, sim, ranked[0].score * w.join_share, w):
                open_[j] = False
    return [items[i] for i in chosen]


def _choose(i: int, sim: np.ndarray, near: np.ndarray, nearest: np.ndarray) -> None:
    """Item ``i`` is chosen: it is now the nearest chosen point of those closer to it than to any other."""
    closer = sim[:, i] > near
    near[closer] = sim[closer, i]
    nearest[closer] = i


def _join(point: int, items: list[Ranked], open_: np.ndarray, chosen: list[int], sim: np.ndarray,
          floor: float, w: Weights) -> list[int]:
    """Read the point's relevant neighbours with it: the sentence before or after it in its
    article (then the one beyond that), best first, while they score at least ``floor`` and
    repeat no chosen point. The indices joined."""
    at = {(items[j].claim.doc_id, items[j].claim.seq): j for j in np.flatnonzero(open_)}
    p = items[point]
    joined = []
    while len(p.joined) < w.join_max:
        seqs = [c.seq for c in p.passage()]
        near = [at.get((p.claim.doc_id, s)) for s in (seqs[0] - 1, seqs[-1] + 1)]
        near = [j for j in near if j is not None and j not in joined and items[j].score >= floor
                and items[j].claim.paragraph == p.claim.paragraph
                and all(sim[j, c] < w.duplicate for c in chosen)]
        if not near:
            return joined
        best = max(near, key=lambda j: items[j].score)
        p.joined.append(items[best])
        joined.append(best)
    return joined
