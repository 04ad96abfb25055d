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
    # -- fusion: a claim's relevance is a logistic model of these features (select.features),
    #    fitted by benchmarks/fit_ranker.py on the development sets, validated leave-one-set-out --
    semantic: float = 2.593  # cosine(question, claim)
    lexical: float = 2.078  # BM25 over claim and context, as a share of the question's IDF weight
    lexical_own: float = -0.718  # the same over the claim's own terms only
    neighbour: float = 1.520  # best cosine with the question of the claims beside it
    answer_type: float = 0.542  # the claim has what the question asks for (a figure, a date, a cause, ...)
    speaker: float = 0.536  # the claim is by the person the question names
    lead: float = -0.592  # one of its article's first three claims
    length: float = 0.508  # log(1 + words)
    semantic_rank: float = 2.021  # 1 / (1 + its rank by cosine in the pool)
    lexical_rank: float = 1.093  # 1 / (1 + its rank by BM25 in the pool)
    figure: float = 0.676  # it states a number
    bias: float = -7.138
    off_story: float = 2.0  # subtracted (in log-odds) from claims of documents about another story
    # -- selection --
    max_points: int = 8
    min_probability: float = 0.03  # keep claims at least this likely to be relevant ...
    relative_cutoff: float = 0.0  # ... and scoring at least this share of the best
    diversity: float = 0.25  # MMR: how much similarity to points already chosen costs
    duplicate: float = 0.9  # cosine at which two claims say the same thing (cited together)
    story_names: float = 0.15  # two documents sharing this share of their rare names tell one story ...
    story_vector: float = 0.8  # ... as do two whose mean vectors are this alike
    # -- a figure question's lead: every distinct figure of the measure asked, side by side --
    figure_pool: int = 30  # from this many of the best claims
    figure_phrases: int = 16  # at most this many counted nouns compared with the question's focus by the model
    figure_similarity: float = 0.55  # a figure counts what was asked when the phrases are this alike
    figure_cutoff: float = 0.1  # scoring at least this share of the best
    max_figures: int = 8
    # -- abstention: the best evidence must reach these --
    min_semantic: float = 0.25  # cosine of the best claim with the question
    name_semantic: float = 0.42  # ... when the question names something no article mentions
    min_lexical_only: float = 0.5  # without a model: share of the question's IDF weight covered


WEIGHTS = Weights()
