"""Answer a question from the store: analyse, retrieve, rank, select, compose, cite — or abstain."""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ..embedding import Embedder
from ..store.port import ClaimQuery, ClaimStore
from ..types import Answer
from . import acronyms, speakers
from .analyse import Question, analyse
from .cite import Citer
from .compose import compose
from .expand import enrich, expand
from .retrieve import Pool, fill, gather, name_terms
from .select import figure_matches, has_evidence, rank, relevance, select, speaker_fit
from .weights import WEIGHTS, Weights

EXAMPLE = "e.g. “troop estimates?” or “what does North Korea gain?”"
# candidates ranked in full, by first-stage relevance; the rest cannot reach the cut-off
# (60 and 200 gave the same evaluation figures; 60 costs less)
RANK_POOL = 60
# when the question asks for someone's words, the candidates their claims are sought among
# beside those: a quote rarely repeats the question's words ("We are not writing a blank check,"
# she said), so the speaker's own claims may stand far behind the best by the two sides
# (100, 200 and 400 gave 4206, 4205 and 4204 facts of 6256; 100 costs least)
SPEAKER_POOL = 100


def abstain(question: str, message: str) -> Answer:
    return Answer(question=question, answered=False, message=message, kind="none")


def spell_acronyms(store: ClaimStore, q: Question, pool: Pool) -> dict[str, str]:
    """The question's acronyms that the store spells out, with the words it uses: the run of
    terms with those initials found most often among the gathered claims, as one of them writes it;
    failing that, a run whose initials leave out letters of small words the words as written
    have ("DOC": Department of Corrections)."""
    spelled = {}
    texts = [c.ref.terms for c in pool.candidates]
    for acronym in acronyms.candidates(q.text, pool.stats.df):
        words = _spelling(store, pool, acronyms.runs(acronym, texts))
        if not words:
            words = _spelling(store, pool, acronyms.runs_within(acronym, texts),
                              lambda w: acronyms.initials(w) == acronym.lower())
        if words:
            spelled[acronym] = words
    return spelled


def _spelling(store: ClaimStore, pool: Pool, found, check=None, tries: int = 3) -> str | None:
    """The words of the run found most often (of the ``tries`` most often found, the first
    ``check`` accepts), as a claim holding it writes them."""
    for run, _ in sorted(found.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)[:tries]:
        ref = next(c.ref for c in pool.candidates if f" {' '.join(run)} " in f" {c.ref.terms} ")
        text = store.claims_by_id([ref.id]).get(ref.id)
        words = acronyms.surface(run, text.text) if text is not None else None
        if words and (check is None or check(words)):
            return words
    return None


def names_elsewhere(store: ClaimStore, question: str, doc_ids: Sequence[str]) -> tuple[str, ...]:
    """The names ``question`` writes that the store mentions but ``doc_ids`` (a channel's story)
    never do: such a question is about another story."""
    out = []
    for name in analyse(question).names:
        found_by = name_terms(name)
        if not found_by:
            continue
        mentioned = [store.match(ClaimQuery(all_terms=found_by, doc_ids=scope, limit=1, with_vectors=False))
                     for scope in (tuple(doc_ids), None)]
        if mentioned[1] and not mentioned[0]:
            out.append(name)
    return tuple(out)


def read_evidence(store: ClaimStore, pool: Pool, qvec, w: Weights = WEIGHTS, keep: int = RANK_POOL) -> dict:
    """Reads into the pool the evidence around each candidate and its best ``keep``
    candidates' claims (in first-stage order); returns their documents, by id. A question
    about an opinion piece keeps every sentence of the pieces among the candidates: what a
    column argues is its writer's words, whatever words they are."""
    first = {id(c): relevance(c, w) for c in pool.candidates}  # the first stage's score, once
    enrich(store, pool, qvec, lambda c: first[id(c)], w)
    also, read = None, None
    if pool.question.opinion:  # the pool's documents are read here once, and serve below too
        read = store.documents_by_id({c.ref.doc_id for c in pool.candidates})
        pieces = {d for d, doc in read.items() if doc.opinion}
        also = lambda c: c.ref.doc_id in pieces  # noqa: E731
    fill(store, pool, keep, lambda c: first[id(c)], also)
    expand(store, pool, lambda c: first[id(c)], w)
    kept = {c.claim.doc_id for c in pool.candidates}
    return {d: read[d] for d in kept if d in read} if read is not None else store.documents_by_id(kept)


def described_speaker(q: Question, pool: Pool, docs: dict) -> tuple[Question, dict[str, str]]:
    """The question with a speaker it describes by role ("the ex-CTO") named, when the articles
    make clear who that is (``speakers``), and the writers of the opinion pieces among ``docs``.
    A question about an opinion piece ("what's the Courier columnist arguing?") names its writer."""
    authors = {d: doc.author for d, doc in docs.items() if doc.opinion and doc.author}
    if q.opinion:  # "what's the columnist arguing?": the writer of the opinion piece
        writer = speakers.opinion_writer(q, {d: (a, docs[d].outlet or "") for d, a in authors.items()})
        if writer:
            q = pool.question = replace(q, speaker=writer, role=None)
            return q, authors
    who = speakers.resolve(q, [c.claim for c in pool.candidates], authors, [doc.title for doc in docs.values()])
    if who:  # the role stays: what is credited to the description itself is theirs too ("the mayor")
        q = pool.question = replace(q, speaker=who)
    return q, authors


def keep_best(pool: Pool, q: Question, authors: dict[str, str], keep: int = RANK_POOL) -> None:
    """Of the candidates (in first-stage order), the best ``keep`` and, beyond them, the claims
    of the speaker the question names: theirs whatever words they use."""
    pool.candidates = [c for i, c in enumerate(pool.candidates)
                       if i < keep or speaker_fit(q, c.claim, authors.get(c.claim.doc_id))]


def recall_speaker(store: ClaimStore, pool: Pool, q: Question, docs: dict) -> None:
    """The claims of the speaker the question names that the first stage left out of the pool
    (``Pool.rest``) join it: a quote rarely repeats the question's words. ``docs`` gains
    their documents."""
    if not pool.rest:
        return
    claims = store.claims_by_id(c.ref.id for c in pool.rest)
    theirs = [c for c in pool.rest if c.ref.id in claims and speakers.speaks(q, claims[c.ref.id].attributed_to)]
    for c in theirs:
        c.claim = claims[c.ref.id]
    pool.candidates += theirs
    pool.rest = []
    missing = {c.claim.doc_id for c in theirs} - set(docs)
    if missing:
        docs.update(store.documents_by_id(missing))


def evidence(store: ClaimStore, q: Question, pool: Pool, qvec, w: Weights = WEIGHTS
             ) -> tuple[Question, dict, dict[str, str]]:
    """The evidence the ranking reads: the question with a described speaker named, the
    candidates' documents by id, and the opinion pieces' writers by document id."""
    wide = bool(q.speaker or q.role or q.opinion)
    docs = read_evidence(store, pool, qvec, w, keep=SPEAKER_POOL if wide else RANK_POOL)
    q, authors = described_speaker(q, pool, docs)
    if q.speaker or q.role:
        recall_speaker(store, pool, q, docs)
    if wide:
        keep_best(pool, q, authors)
    return q, docs, authors


def answer_question(store: ClaimStore, embedder: Embedder | None, question: str, *, w: Weights = WEIGHTS,
                    doc_ids: Sequence[str] | None = None, where: str = "the articles") -> Answer:
    """A cited answer, or ``answered=False`` with a message saying why not. With ``doc_ids``,
    from those documents only (a channel's story), which a refusal calls ``where``."""
    q = analyse(question)
    # "is it over?" asks about the story in words too common to search for: the model may
    # still find the answer; "why?" or "what?" alone is no question
    if q.empty and (embedder is None or len(q.text.split()) < 3):
        return abstain(question, f"Ask a question about the articles, {EXAMPLE}")
    if store.claim_count() == 0:
        return abstain(question, "The store holds no articles yet: add some with `briefbot ingest PATH`.")
    qvec = embedder.embed([q.text])[0] if embedder is not None else None
    pool = gather(store, q, qvec, w=w, doc_ids=doc_ids)
    spelled = spell_acronyms(store, q, pool)
    if spelled:
        q = analyse(acronyms.spell_out(q.text, spelled))
        qvec = embedder.embed([q.text])[0] if embedder is not None else None
        pool = gather(store, q, qvec, w=w, doc_ids=doc_ids)
    if not has_evidence(pool, w):
        if pool.unknown_names:
            return abstain(question, f"{where[0].upper()}{where[1:]} say nothing about {', '.join(pool.unknown_names)}. "
                                     "I won't guess.")
        return abstain(question, f"Nothing in {where} answers this closely enough. I won't guess.")
    q, docs, authors = evidence(store, q, pool, qvec, w)
    match = None
    if q.kind == "quantity":
        with_figures = [c.claim for c in pool.candidates if c.claim.quantities][:w.figure_pool]
        match = figure_matches(q, with_figures, embedder.embed if embedder is not None else None, w)
    ranked = rank(pool, {d: doc.published for d, doc in docs.items()}, w, match, authors)
    own = [r for r in ranked if speaker_fit(q, r.claim, authors.get(r.claim.doc_id))] if q.opinion and q.speaker else []
    if own:  # what an opinion piece argues: its writer's own sentences, best first, each relevant
        chosen = select(own, replace(w, min_probability=0.0, relative_cutoff=0.0), join=True)
    else:
        chosen = select(ranked, w, join=True)
    citer = Citer(docs)
    composed = compose(q, chosen, docs, citer, ranked, w, match)
    return Answer(question=question, answered=True, points=tuple(composed.points), sources=tuple(citer.sources),
                  kind=composed.kind)
