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
    semantic: float = 0.588  # cosine(question, claim)
    lexical: float = 0.260  # BM25 over claim and context, as a share of the question's IDF weight
    lexical_own: float = -0.102  # the same over the claim's own terms only
    neighbour: float = 0.438  # best cosine with the question of the claims beside it
    answer_type: float = 2.177  # the claim has what the question asks for (a figure, a date, a cause, ...)
    speaker: float = 0.982  # the claim is by the person the question names
    lead: float = 0.520  # one of its article's first three claims
    length: float = 0.590  # log(1 + words)
    semantic_rank: float = 0.180  # 1 / (1 + its rank by cosine in the pool)
    lexical_rank: float = 0.157  # 1 / (1 + its rank by BM25 in the pool)
    figure: float = 0.627  # it states a number
    blended: float = 1.428  # cosine(question, the claim's vector blended with its neighbours')  (expand.py)
    feedback: float = 1.135  # cosine(the question moved towards the best claims, claim)
    window: float = 0.698  # best cosine with the question within ``reach`` claims either side
    passage: float = 1.145  # best first-stage relevance within ``reach`` claims either side
    document: float = -0.069  # 1 / (1 + its document's rank by its best claim's first-stage relevance)
    expansion: float = 0.413  # BM25 share of the terms the best claims use most
    dated: float = 0.804  # it names a date
    recency: float = 0.370  # 1 / (1 + its document's rank by publication date, newest first)
    bias: float = -8.816
    # ... and of products of two features (select.PAIRS), fitted with them: (first, second, weight)
    pairs: tuple[tuple[str, str, float], ...] = (
        ("semantic", "lexical", 0.230),
        ("semantic", "lexical_own", 0.399),
        ("semantic", "neighbour", -0.036),
        ("semantic", "answer_type", 0.405),
        ("semantic", "speaker", -0.459),
        ("semantic", "lead", -0.003),
        ("semantic", "length", -1.114),
        ("semantic", "semantic_rank", 0.644),
        ("semantic", "lexical_rank", 0.114),
        ("semantic", "figure", -0.731),
        ("semantic", "blended", -0.019),
        ("semantic", "feedback", -0.581),
        ("semantic", "window", -0.340),
        ("semantic", "passage", -0.096),
        ("semantic", "document", 0.118),
        ("semantic", "expansion", -0.014),
        ("semantic", "dated", -0.250),
        ("semantic", "recency", 0.126),
        ("lexical", "lexical_own", -0.318),
        ("lexical", "neighbour", -0.287),
        ("lexical", "answer_type", 0.012),
        ("lexical", "speaker", -0.349),
        ("lexical", "lead", -0.497),
        ("lexical", "length", 0.228),
        ("lexical", "semantic_rank", 0.113),
        ("lexical", "lexical_rank", -0.314),
        ("lexical", "figure", 0.124),
        ("lexical", "blended", 0.151),
        ("lexical", "feedback", -0.499),
        ("lexical", "window", -0.319),
        ("lexical", "passage", -0.356),
        ("lexical", "document", 0.806),
        ("lexical", "expansion", -0.237),
        ("lexical", "dated", -0.270),
        ("lexical", "recency", 0.446),
        ("lexical_own", "neighbour", 0.133),
        ("lexical_own", "answer_type", -0.046),
        ("lexical_own", "speaker", -0.351),
        ("lexical_own", "lead", 0.092),
        ("lexical_own", "length", 0.123),
        ("lexical_own", "semantic_rank", -0.207),
        ("lexical_own", "lexical_rank", 0.281),
        ("lexical_own", "figure", 0.117),
        ("lexical_own", "blended", 0.445),
        ("lexical_own", "feedback", -0.477),
        ("lexical_own", "window", 0.330),
        ("lexical_own", "passage", 0.132),
        ("lexical_own", "document", -0.587),
        ("lexical_own", "expansion", -0.389),
        ("lexical_own", "dated", 0.368),
        ("lexical_own", "recency", -0.285),
        ("neighbour", "answer_type", -0.115),
        ("neighbour", "speaker", 0.192),
        ("neighbour", "lead", -0.338),
        ("neighbour", "length", -0.544),
        ("neighbour", "semantic_rank", -0.226),
        ("neighbour", "lexical_rank", 0.279),
        ("neighbour", "figure", 0.331),
        ("neighbour", "blended", 0.182),
        ("neighbour", "feedback", -0.003),
        ("neighbour", "window", 0.755),
        ("neighbour", "passage", -0.064),
        ("neighbour", "document", 0.064),
        ("neighbour", "expansion", -0.241),
        ("neighbour", "dated", 0.062),
        ("neighbour", "recency", -0.798),
        ("answer_type", "speaker", 0.431),
        ("answer_type", "lead", 0.330),
        ("answer_type", "length", -0.354),
        ("answer_type", "semantic_rank", -0.444),
        ("answer_type", "lexical_rank", -0.093),
        ("answer_type", "figure", -0.170),
        ("answer_type", "blended", 0.241),
        ("answer_type", "feedback", 0.206),
        ("answer_type", "window", 0.093),
        ("answer_type", "passage", -0.007),
        ("answer_type", "document", -0.396),
        ("answer_type", "expansion", 0.368),
        ("answer_type", "dated", 0.030),
        ("answer_type", "recency", -0.283),
        ("speaker", "lead", -0.636),
        ("speaker", "length", 0.419),
        ("speaker", "semantic_rank", -0.063),
        ("speaker", "lexical_rank", 0.408),
        ("speaker", "figure", -0.486),
        ("speaker", "blended", -0.393),
        ("speaker", "feedback", -0.602),
        ("speaker", "window", 0.328),
        ("speaker", "passage", -0.156),
        ("speaker", "document", -0.064),
        ("speaker", "expansion", -0.513),
        ("speaker", "dated", -0.426),
        ("speaker", "recency", 0.059),
        ("lead", "length", -0.159),
        ("lead", "semantic_rank", -0.076),
        ("lead", "lexical_rank", -0.123),
        ("lead", "figure", -0.148),
        ("lead", "blended", -0.150),
        ("lead", "feedback", 0.209),
        ("lead", "window", -0.480),
        ("lead", "passage", 0.173),
        ("lead", "document", -0.147),
        ("lead", "expansion", -0.062),
        ("lead", "dated", 0.088),
        ("lead", "recency", -0.244),
        ("length", "semantic_rank", 0.048),
        ("length", "lexical_rank", 0.025),
        ("length", "figure", -0.074),
        ("length", "blended", 1.247),
        ("length", "feedback", 0.901),
        ("length", "window", -0.131),
        ("length", "passage", -0.168),
        ("length", "document", 0.136),
        ("length", "expansion", 0.596),
        ("length", "dated", -0.115),
        ("length", "recency", -0.027),
        ("semantic_rank", "lexical_rank", -0.029),
        ("semantic_rank", "figure", 0.278),
        ("semantic_rank", "blended", 0.277),
        ("semantic_rank", "feedback", -0.061),
        ("semantic_rank", "window", -0.385),
        ("semantic_rank", "passage", -0.010),
        ("semantic_rank", "document", -0.025),
        ("semantic_rank", "expansion", -0.835),
        ("semantic_rank", "dated", -0.001),
        ("semantic_rank", "recency", -0.210),
        ("lexical_rank", "figure", 0.029),
        ("lexical_rank", "blended", 0.279),
        ("lexical_rank", "feedback", -0.583),
        ("lexical_rank", "window", 0.090),
        ("lexical_rank", "passage", -0.070),
        ("lexical_rank", "document", 0.452),
        ("lexical_rank", "expansion", -0.102),
        ("lexical_rank", "dated", -0.039),
        ("lexical_rank", "recency", -0.242),
        ("figure", "blended", 0.105),
        ("figure", "feedback", 0.449),
        ("figure", "window", 0.275),
        ("figure", "passage", -0.060),
        ("figure", "document", -0.225),
        ("figure", "expansion", 0.490),
        ("figure", "dated", -0.212),
        ("figure", "recency", 0.041),
        ("blended", "feedback", -0.126),
        ("blended", "window", -0.012),
        ("blended", "passage", 0.334),
        ("blended", "document", 0.175),
        ("blended", "expansion", -0.092),
        ("blended", "dated", -0.206),
        ("blended", "recency", 0.487),
        ("feedback", "window", -0.393),
        ("feedback", "passage", -0.650),
        ("feedback", "document", -0.571),
        ("feedback", "expansion", -1.066),
        ("feedback", "dated", 0.238),
        ("feedback", "recency", 0.249),
        ("window", "passage", 0.212),
        ("window", "document", 0.245),
        ("window", "expansion", -0.256),
        ("window", "dated", 0.087),
        ("window", "recency", 0.367),
        ("passage", "document", -0.074),
        ("passage", "expansion", 0.040),
        ("passage", "dated", -0.082),
        ("passage", "recency", -0.015),
        ("document", "expansion", -0.860),
        ("document", "dated", 0.066),
        ("document", "recency", 0.096),
        ("expansion", "dated", -0.031),
        ("expansion", "recency", 0.142),
        ("dated", "recency", 0.085),)
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
