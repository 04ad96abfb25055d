"""Every weight, limit and threshold of the answer engine, in one table.

They were set once, on the development question sets as a whole (see
``benchmarks/evaluate.py``), never to fix one question. Change them here and re-run the
evaluation on every set.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Weights:
    # -- lexical side: BM25 over a claim's terms plus, discounted, its context's terms --
    k1: float = 1.2
    b: float = 0.75
    context: float = 0.3  # one occurrence in the context counts this much of one in the claim
    postings_budget: int = 20_000  # claims the OR-ed rare terms may match before common terms are ANDed
    lexical_limit: int = 150  # claims fetched by lexical match, newest first
    # -- semantic side: every claim of the best documents is scored against the question --
    documents: int = 6  # documents taken from each side (lexical hits, vector neighbours)
    # -- first stage: a quick score by the two sides alone, which candidates are ranked in full
    #    and which few the feedback comes from (the ranker's first fit's weights for these three) --
    first_semantic: float = 2.593
    first_lexical: float = 2.078
    first_neighbour: float = 1.520
    # -- fusion: a claim's relevance is a logistic model of these features (select.features),
    #    fitted listwise by benchmarks/fit_ranker.py on the development sets (the order of each
    #    question's candidates), calibrated to probabilities, validated leave-one-set-out --
    semantic: float = -5.497  # cosine(question, claim)
    lexical: float = 0.439  # BM25 over claim and context, as a share of the question's IDF weight
    lexical_own: float = 0.118  # the same over the claim's own terms only
    neighbour: float = -1.650  # best cosine with the question of the claims beside it
    answer_type: float = 0.972  # the claim has what the question asks for (a figure, a date, a cause, ...)
    speaker: float = 0.676  # the claim is by the person the question names
    lead: float = -0.195  # one of its article's first three claims
    length: float = 0.579  # log(1 + words)
    semantic_rank: float = 0.189  # 1 / (1 + its rank by cosine in the pool)
    lexical_rank: float = -0.133  # 1 / (1 + its rank by BM25 in the pool)
    figure: float = 0.400  # it states a number
    blended: float = 7.729  # cosine(question, the claim's vector blended with its neighbours')  (expand.py)
    feedback: float = 3.046  # cosine(the question moved towards the best claims, claim)
    window: float = 1.139  # best cosine with the question within ``reach`` claims either side
    passage: float = 0.289  # best first-stage relevance within ``reach`` claims either side
    document: float = -0.037  # 1 / (1 + its document's rank by its best claim's first-stage relevance)
    expansion: float = 0.774  # BM25 share of the terms the best claims use most
    dated: float = 0.182  # it names a date
    recency: float = 0.490  # 1 / (1 + its document's rank by publication date, newest first)
    bias: float = -8.030
    # without the model: the same kind of model over the features that do not need it
    #    (select.LEXICAL_FEATURES), fitted by ``benchmarks/fit_ranker.py --no-model``
    lexical_ranker: tuple[tuple[str, float], ...] = (
        ("lexical", 1.444), ("lexical_own", 0.371), ("answer_type", 1.214), ("speaker", 0.643),
        ("lead", -0.180), ("length", 0.427), ("lexical_rank", -0.137), ("figure", 0.457), ("passage", 0.317),
        ("document", 0.091), ("expansion", 0.702), ("dated", 0.204), ("recency", 0.569), ("bias", -5.773))
    off_story: float = 2.0  # subtracted (in log-odds) from claims of documents about another story
    # -- evidence around a candidate and from the best ones (expand.py) --
    reach: int = 2  # claims either side of a candidate that count as its passage
    context_mix: float = 0.5  # a claim's neighbours' mean vector counts this much beside its own
    feedback_claims: int = 5  # the best candidates (by first-stage relevance) the feedback comes from ...
    feedback_floor: float = 0.5  # ... scoring at least this share of the best
    feedback_mix: float = 0.5  # how far the question's vector moves towards theirs
    expansion_terms: int = 10  # terms taken from them for the lexical expansion
    # -- selection --
    max_points: int = 8
    min_probability: float = 0.02  # keep claims at least this likely to be relevant ...
    relative_cutoff: float = 0.0  # ... and scoring at least this share of the best
    diversity: float = 0.25  # MMR: how much similarity to points already chosen costs
    duplicate: float = 0.9  # cosine at which two claims say the same thing (cited together)
    join_share: float = 0.1  # a point's neighbour in its article scoring this share of the best is read with it
    join_max: int = 2  # ... at most this many of them a point
    story_names: float = 0.15  # two documents sharing this share of their rare names tell one story ...
    story_vector: float = 0.8  # ... as do two whose mean vectors are this alike
    # -- a figure question's lead: every distinct figure of the measure asked, side by side --
    figure_pool: int = 30  # from this many of the best claims
    # at most this many counted nouns (those of the best claims) compared with the question's focus
    # by the model: each costs ~1.3 ms; 0, 4, 8, 16 and 24 gave the same evaluation figures
    figure_phrases: int = 4
    figure_similarity: float = 0.55  # a figure counts what was asked when the phrases are this alike
    figure_cutoff: float = 0.1  # scoring at least this share of the best
    max_figures: int = 8
    # -- abstention: the best evidence must reach these --
    min_semantic: float = 0.25  # cosine of the best claim with the question
    name_semantic: float = 0.42  # ... when the question names something no article mentions
    min_lexical_only: float = 0.5  # without a model: share of the question's IDF weight covered


WEIGHTS = Weights()
