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
    semantic: float = 0.020  # cosine(question, claim)
    lexical: float = 0.722  # BM25 over claim and context, as a share of the question's IDF weight
    lexical_own: float = -0.164  # the same over the claim's own terms only
    neighbour: float = 0.698  # best cosine with the question of the claims beside it
    answer_type: float = 2.750  # the claim has what the question asks for (a figure, a date, a cause, ...)
    speaker: float = 1.570  # the claim is by the person the question names
    lead: float = 0.052  # one of its article's first three claims
    length: float = 0.952  # log(1 + words)
    semantic_rank: float = 0.320  # 1 / (1 + its rank by cosine in the pool)
    lexical_rank: float = 0.235  # 1 / (1 + its rank by BM25 in the pool)
    figure: float = 0.971  # it states a number
    blended: float = 1.442  # cosine(question, the claim's vector blended with its neighbours')  (expand.py)
    feedback: float = 1.771  # cosine(the question moved towards the best claims, claim)
    window: float = 0.771  # best cosine with the question within ``reach`` claims either side
    passage: float = 1.122  # best first-stage relevance within ``reach`` claims either side
    document: float = 0.277  # 1 / (1 + its document's rank by its best claim's first-stage relevance)
    expansion: float = 0.800  # BM25 share of the terms the best claims use most
    dated: float = 0.716  # it names a date
    recency: float = 0.867  # 1 / (1 + its document's rank by publication date, newest first)
    centred: float = 1.404  # cosine(question, claim), the candidates' mean vector taken from both (expand.py)
    bias: float = -9.922
    # ... and of products of two features (select.PAIRS), fitted with them: (first, second, weight)
    pairs: tuple[tuple[str, str, float], ...] = (
        ("semantic", "lexical", 1.260),
        ("semantic", "lexical_own", 0.480),
        ("semantic", "neighbour", -0.212),
        ("semantic", "answer_type", 0.841),
        ("semantic", "speaker", -0.396),
        ("semantic", "lead", 0.402),
        ("semantic", "length", -2.727),
        ("semantic", "semantic_rank", 0.599),
        ("semantic", "lexical_rank", 0.456),
        ("semantic", "figure", -0.931),
        ("semantic", "blended", -0.986),
        ("semantic", "feedback", -1.466),
        ("semantic", "window", -0.893),
        ("semantic", "passage", -0.038),
        ("semantic", "document", 0.091),
        ("semantic", "expansion", 0.560),
        ("semantic", "dated", -0.136),
        ("semantic", "recency", -0.177),
        ("semantic", "centred", 0.513),
        ("lexical", "lexical_own", -0.089),
        ("lexical", "neighbour", 0.221),
        ("lexical", "answer_type", -0.160),
        ("lexical", "speaker", -0.112),
        ("lexical", "lead", -0.287),
        ("lexical", "length", 0.760),
        ("lexical", "semantic_rank", 0.030),
        ("lexical", "lexical_rank", -0.858),
        ("lexical", "figure", 0.002),
        ("lexical", "blended", 1.040),
        ("lexical", "feedback", -0.453),
        ("lexical", "window", 0.444),
        ("lexical", "passage", -0.905),
        ("lexical", "document", 0.180),
        ("lexical", "expansion", -0.759),
        ("lexical", "dated", -0.156),
        ("lexical", "recency", -0.173),
        ("lexical", "centred", -0.794),
        ("lexical_own", "neighbour", -0.339),
        ("lexical_own", "answer_type", 0.056),
        ("lexical_own", "speaker", -0.777),
        ("lexical_own", "lead", -0.277),
        ("lexical_own", "length", -0.450),
        ("lexical_own", "semantic_rank", 0.034),
        ("lexical_own", "lexical_rank", 0.743),
        ("lexical_own", "figure", 0.040),
        ("lexical_own", "blended", 0.240),
        ("lexical_own", "feedback", -0.977),
        ("lexical_own", "window", -0.324),
        ("lexical_own", "passage", 0.480),
        ("lexical_own", "document", 0.020),
        ("lexical_own", "expansion", 0.002),
        ("lexical_own", "dated", 0.391),
        ("lexical_own", "recency", 0.119),
        ("lexical_own", "centred", -0.719),
        ("neighbour", "answer_type", -0.349),
        ("neighbour", "speaker", 0.004),
        ("neighbour", "lead", -0.422),
        ("neighbour", "length", -0.700),
        ("neighbour", "semantic_rank", -0.159),
        ("neighbour", "lexical_rank", 0.709),
        ("neighbour", "figure", 0.639),
        ("neighbour", "blended", 0.150),
        ("neighbour", "feedback", -0.062),
        ("neighbour", "window", 0.582),
        ("neighbour", "passage", -0.092),
        ("neighbour", "document", 0.205),
        ("neighbour", "expansion", -0.698),
        ("neighbour", "dated", 0.200),
        ("neighbour", "recency", -0.653),
        ("neighbour", "centred", 0.143),
        ("answer_type", "speaker", 0.538),
        ("answer_type", "lead", 0.308),
        ("answer_type", "length", -0.448),
        ("answer_type", "semantic_rank", -0.125),
        ("answer_type", "lexical_rank", -0.245),
        ("answer_type", "figure", -0.155),
        ("answer_type", "blended", 0.266),
        ("answer_type", "feedback", -0.196),
        ("answer_type", "window", -0.112),
        ("answer_type", "passage", 0.019),
        ("answer_type", "document", -0.162),
        ("answer_type", "expansion", 0.166),
        ("answer_type", "dated", -0.084),
        ("answer_type", "recency", -0.374),
        ("answer_type", "centred", -0.579),
        ("speaker", "lead", -0.391),
        ("speaker", "length", 0.377),
        ("speaker", "semantic_rank", 0.126),
        ("speaker", "lexical_rank", 0.840),
        ("speaker", "figure", -0.797),
        ("speaker", "blended", -0.472),
        ("speaker", "feedback", -0.720),
        ("speaker", "window", -0.013),
        ("speaker", "passage", -0.150),
        ("speaker", "document", 0.061),
        ("speaker", "expansion", -0.690),
        ("speaker", "dated", -0.693),
        ("speaker", "recency", -0.084),
        ("speaker", "centred", -0.681),
        ("lead", "length", -0.039),
        ("lead", "semantic_rank", -0.050),
        ("lead", "lexical_rank", -0.187),
        ("lead", "figure", -0.035),
        ("lead", "blended", -0.297),
        ("lead", "feedback", 0.321),
        ("lead", "window", -0.455),
        ("lead", "passage", 0.163),
        ("lead", "document", -0.176),
        ("lead", "expansion", 0.014),
        ("lead", "dated", 0.041),
        ("lead", "recency", -0.292),
        ("lead", "centred", -0.520),
        ("length", "semantic_rank", 0.012),
        ("length", "lexical_rank", -0.092),
        ("length", "figure", -0.172),
        ("length", "blended", 1.327),
        ("length", "feedback", 1.924),
        ("length", "window", 0.099),
        ("length", "passage", -0.188),
        ("length", "document", 0.072),
        ("length", "expansion", 0.453),
        ("length", "dated", -0.087),
        ("length", "recency", 0.003),
        ("length", "centred", 0.786),
        ("semantic_rank", "lexical_rank", 0.262),
        ("semantic_rank", "figure", 0.194),
        ("semantic_rank", "blended", 0.089),
        ("semantic_rank", "feedback", -0.804),
        ("semantic_rank", "window", -0.253),
        ("semantic_rank", "passage", -0.106),
        ("semantic_rank", "document", 0.359),
        ("semantic_rank", "expansion", -0.730),
        ("semantic_rank", "dated", 0.084),
        ("semantic_rank", "recency", -0.261),
        ("semantic_rank", "centred", 0.412),
        ("lexical_rank", "figure", 0.201),
        ("lexical_rank", "blended", 0.504),
        ("lexical_rank", "feedback", -0.773),
        ("lexical_rank", "window", 0.209),
        ("lexical_rank", "passage", -0.073),
        ("lexical_rank", "document", 0.164),
        ("lexical_rank", "expansion", -0.047),
        ("lexical_rank", "dated", -0.114),
        ("lexical_rank", "recency", -0.117),
        ("lexical_rank", "centred", -0.199),
        ("figure", "blended", 0.372),
        ("figure", "feedback", 0.442),
        ("figure", "window", 0.267),
        ("figure", "passage", -0.061),
        ("figure", "document", -0.246),
        ("figure", "expansion", 0.333),
        ("figure", "dated", -0.232),
        ("figure", "recency", -0.127),
        ("figure", "centred", 0.439),
        ("blended", "feedback", -0.810),
        ("blended", "window", -0.478),
        ("blended", "passage", 0.415),
        ("blended", "document", -0.005),
        ("blended", "expansion", 0.211),
        ("blended", "dated", 0.065),
        ("blended", "recency", 0.481),
        ("blended", "centred", 0.576),
        ("feedback", "window", -0.597),
        ("feedback", "passage", -0.511),
        ("feedback", "document", -0.971),
        ("feedback", "expansion", -1.327),
        ("feedback", "dated", 0.189),
        ("feedback", "recency", -0.055),
        ("feedback", "centred", -0.814),
        ("window", "passage", 0.227),
        ("window", "document", 0.312),
        ("window", "expansion", -0.483),
        ("window", "dated", -0.112),
        ("window", "recency", 0.707),
        ("window", "centred", -0.280),
        ("passage", "document", -0.009),
        ("passage", "expansion", 0.096),
        ("passage", "dated", -0.094),
        ("passage", "recency", -0.068),
        ("passage", "centred", 0.191),
        ("document", "expansion", -0.989),
        ("document", "dated", 0.044),
        ("document", "recency", -0.181),
        ("document", "centred", 0.097),
        ("expansion", "dated", 0.034),
        ("expansion", "recency", 0.416),
        ("expansion", "centred", -1.227),
        ("dated", "recency", 0.091),
        ("dated", "centred", -0.312),
        ("recency", "centred", 0.586),)
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
