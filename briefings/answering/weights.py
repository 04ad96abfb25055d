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
    semantic: float = 0.522  # cosine(question, claim)
    lexical: float = 0.383  # BM25 over claim and context, as a share of the question's IDF weight
    lexical_own: float = -0.010  # the same over the claim's own terms only
    neighbour: float = 0.508  # best cosine with the question of the claims beside it
    answer_type: float = 2.187  # the claim has what the question asks for (a figure, a date, a cause, ...)
    speaker: float = 1.044  # the claim is by the person the question names
    lead: float = 0.504  # one of its article's first three claims
    length: float = 0.613  # log(1 + words)
    semantic_rank: float = 0.141  # 1 / (1 + its rank by cosine in the pool)
    lexical_rank: float = 0.234  # 1 / (1 + its rank by BM25 in the pool)
    figure: float = 0.666  # it states a number
    blended: float = 1.405  # cosine(question, the claim's vector blended with its neighbours')  (expand.py)
    feedback: float = 1.145  # cosine(the question moved towards the best claims, claim)
    window: float = 0.709  # best cosine with the question within ``reach`` claims either side
    passage: float = 1.146  # best first-stage relevance within ``reach`` claims either side
    document: float = -0.034  # 1 / (1 + its document's rank by its best claim's first-stage relevance)
    expansion: float = 0.551  # BM25 share of the terms the best claims use most
    dated: float = 0.906  # it names a date
    recency: float = 0.383  # 1 / (1 + its document's rank by publication date, newest first)
    bias: float = -8.919
    # ... and of products of two features (select.PAIRS), fitted with them: (first, second, weight)
    pairs: tuple[tuple[str, str, float], ...] = (
        ("semantic", "lexical", 0.148),
        ("semantic", "lexical_own", 0.349),
        ("semantic", "neighbour", 0.026),
        ("semantic", "answer_type", 0.397),
        ("semantic", "speaker", -0.496),
        ("semantic", "lead", -0.032),
        ("semantic", "length", -1.090),
        ("semantic", "semantic_rank", 0.614),
        ("semantic", "lexical_rank", 0.136),
        ("semantic", "figure", -0.648),
        ("semantic", "blended", 0.036),
        ("semantic", "feedback", -0.599),
        ("semantic", "window", -0.397),
        ("semantic", "passage", -0.067),
        ("semantic", "document", 0.028),
        ("semantic", "expansion", -0.016),
        ("semantic", "dated", -0.240),
        ("semantic", "recency", 0.088),
        ("lexical", "lexical_own", -0.221),
        ("lexical", "neighbour", -0.208),
        ("lexical", "answer_type", -0.084),
        ("lexical", "speaker", -0.316),
        ("lexical", "lead", -0.432),
        ("lexical", "length", 0.185),
        ("lexical", "semantic_rank", 0.080),
        ("lexical", "lexical_rank", -0.365),
        ("lexical", "figure", 0.109),
        ("lexical", "blended", 0.116),
        ("lexical", "feedback", -0.478),
        ("lexical", "window", -0.225),
        ("lexical", "passage", -0.369),
        ("lexical", "document", 0.842),
        ("lexical", "expansion", -0.202),
        ("lexical", "dated", -0.268),
        ("lexical", "recency", 0.436),
        ("lexical_own", "neighbour", 0.193),
        ("lexical_own", "answer_type", -0.002),
        ("lexical_own", "speaker", -0.332),
        ("lexical_own", "lead", 0.062),
        ("lexical_own", "length", 0.102),
        ("lexical_own", "semantic_rank", -0.191),
        ("lexical_own", "lexical_rank", 0.333),
        ("lexical_own", "figure", 0.147),
        ("lexical_own", "blended", 0.390),
        ("lexical_own", "feedback", -0.464),
        ("lexical_own", "window", 0.380),
        ("lexical_own", "passage", 0.092),
        ("lexical_own", "document", -0.576),
        ("lexical_own", "expansion", -0.342),
        ("lexical_own", "dated", 0.362),
        ("lexical_own", "recency", -0.281),
        ("neighbour", "answer_type", -0.206),
        ("neighbour", "speaker", 0.242),
        ("neighbour", "lead", -0.278),
        ("neighbour", "length", -0.583),
        ("neighbour", "semantic_rank", -0.251),
        ("neighbour", "lexical_rank", 0.279),
        ("neighbour", "figure", 0.350),
        ("neighbour", "blended", 0.230),
        ("neighbour", "feedback", 0.053),
        ("neighbour", "window", 0.691),
        ("neighbour", "passage", -0.094),
        ("neighbour", "document", 0.147),
        ("neighbour", "expansion", -0.228),
        ("neighbour", "dated", 0.173),
        ("neighbour", "recency", -0.810),
        ("answer_type", "speaker", 0.476),
        ("answer_type", "lead", 0.311),
        ("answer_type", "length", -0.355),
        ("answer_type", "semantic_rank", -0.421),
        ("answer_type", "lexical_rank", -0.046),
        ("answer_type", "figure", -0.169),
        ("answer_type", "blended", 0.219),
        ("answer_type", "feedback", 0.104),
        ("answer_type", "window", 0.268),
        ("answer_type", "passage", 0.001),
        ("answer_type", "document", -0.368),
        ("answer_type", "expansion", 0.344),
        ("answer_type", "dated", 0.026),
        ("answer_type", "recency", -0.305),
        ("speaker", "lead", -0.657),
        ("speaker", "length", 0.408),
        ("speaker", "semantic_rank", -0.037),
        ("speaker", "lexical_rank", 0.409),
        ("speaker", "figure", -0.503),
        ("speaker", "blended", -0.405),
        ("speaker", "feedback", -0.602),
        ("speaker", "window", 0.371),
        ("speaker", "passage", -0.170),
        ("speaker", "document", -0.120),
        ("speaker", "expansion", -0.501),
        ("speaker", "dated", -0.430),
        ("speaker", "recency", 0.058),
        ("lead", "length", -0.150),
        ("lead", "semantic_rank", -0.088),
        ("lead", "lexical_rank", -0.155),
        ("lead", "figure", -0.118),
        ("lead", "blended", -0.175),
        ("lead", "feedback", 0.198),
        ("lead", "window", -0.485),
        ("lead", "passage", 0.166),
        ("lead", "document", -0.048),
        ("lead", "expansion", -0.069),
        ("lead", "dated", 0.050),
        ("lead", "recency", -0.281),
        ("length", "semantic_rank", 0.067),
        ("length", "lexical_rank", -0.017),
        ("length", "figure", -0.080),
        ("length", "blended", 1.279),
        ("length", "feedback", 0.865),
        ("length", "window", -0.131),
        ("length", "passage", -0.158),
        ("length", "document", 0.124),
        ("length", "expansion", 0.583),
        ("length", "dated", -0.151),
        ("length", "recency", -0.008),
        ("semantic_rank", "lexical_rank", -0.005),
        ("semantic_rank", "figure", 0.249),
        ("semantic_rank", "blended", 0.269),
        ("semantic_rank", "feedback", -0.149),
        ("semantic_rank", "window", -0.387),
        ("semantic_rank", "passage", -0.006),
        ("semantic_rank", "document", 0.028),
        ("semantic_rank", "expansion", -0.796),
        ("semantic_rank", "dated", 0.006),
        ("semantic_rank", "recency", -0.250),
        ("lexical_rank", "figure", 0.023),
        ("lexical_rank", "blended", 0.290),
        ("lexical_rank", "feedback", -0.589),
        ("lexical_rank", "window", 0.117),
        ("lexical_rank", "passage", -0.045),
        ("lexical_rank", "document", 0.403),
        ("lexical_rank", "expansion", -0.138),
        ("lexical_rank", "dated", -0.056),
        ("lexical_rank", "recency", -0.168),
        ("figure", "blended", 0.161),
        ("figure", "feedback", 0.390),
        ("figure", "window", 0.268),
        ("figure", "passage", -0.073),
        ("figure", "document", -0.220),
        ("figure", "expansion", 0.474),
        ("figure", "dated", -0.217),
        ("figure", "recency", 0.008),
        ("blended", "feedback", -0.116),
        ("blended", "window", -0.092),
        ("blended", "passage", 0.339),
        ("blended", "document", 0.171),
        ("blended", "expansion", -0.097),
        ("blended", "dated", -0.184),
        ("blended", "recency", 0.456),
        ("feedback", "window", -0.483),
        ("feedback", "passage", -0.625),
        ("feedback", "document", -0.613),
        ("feedback", "expansion", -1.073),
        ("feedback", "dated", 0.309),
        ("feedback", "recency", 0.256),
        ("window", "passage", 0.199),
        ("window", "document", 0.369),
        ("window", "expansion", -0.264),
        ("window", "dated", -0.044),
        ("window", "recency", 0.287),
        ("passage", "document", -0.106),
        ("passage", "expansion", -0.001),
        ("passage", "dated", -0.089),
        ("passage", "recency", -0.017),
        ("document", "expansion", -0.842),
        ("document", "dated", 0.079),
        ("document", "recency", 0.118),
        ("expansion", "dated", -0.066),
        ("expansion", "recency", 0.143),
        ("dated", "recency", 0.080),)
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
    # a point's neighbour in its article scoring this share of the best is read with it (44 sets:
    # 0.2, 0.1, 0.05 and 0.02 gave 2955, 3064, 3096 and 3099 facts of 4377 alone; at 0.05 the
    # median answer is 2045 characters against 1929 at 0.1)
    join_share: float = 0.05
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
    # ... when every name it writes stands whole in a gathered claim (48 sets alone, against 0.25:
    #    0.2, 0.15 and 0.1 gave 3391, 3394 and 3394 facts of 4838, 34 right abstentions of 235 each)
    known_name_semantic: float = 0.15
    min_lexical_only: float = 0.5  # without a model: share of the question's IDF weight covered


WEIGHTS = Weights()
