"""Fit the ranker's weights (a logistic model over ``select.FEATURES``) on the development sets,
and say how well it does on sets it was not fitted on.

    python -m benchmarks.fit_ranker            # leave-one-set-out recall, then the weights for all sets

A candidate claim is labelled relevant when it states one of its question's facts (the fact's
pattern matches it and it comes from one of the fact's sources). For each set in turn the model
is fitted on the other sets and scored on that one (recall at the engine's number of points,
with the shared scorer); the weights printed at the end are fitted on every set and go into
``briefings/answering/weights.py`` by hand. Held-out sets are never read.
"""
from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import replace

import numpy as np

from benchmarks.evaluate import SHARED, discover, load_scorer, store_for


def logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> np.ndarray:
    """Weights (last one the bias) of an L2-regularised logistic regression, by Newton's method."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    reg = l2 * np.eye(len(w))
    reg[-1, -1] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) + reg @ w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + reg
        w -= np.linalg.solve(hess, grad)
    return w


def collect(model, mixed: bool = False):
    """(set, question, analysed question, pool, documents, figure matches, features, labels) per question."""
    from briefings.answering.analyse import analyse
    from briefings.answering.answer import RANK_POOL
    from briefings.answering.retrieve import fill, gather
    from briefings.answering.select import features, figure_matches, relevance
    from briefings.answering.weights import WEIGHTS

    rows = []
    for qs in discover(holdout=False):
        corpora = [qs.corpus] + ([SHARED / "seeds"] if mixed and qs.corpus_name != "seeds" else [])
        store = store_for(corpora, model).store
        for q in json.loads(qs.questions.read_text())["questions"]:
            aq = analyse(q["q"])
            if aq.empty:
                continue
            pool = gather(store, aq, model.embed([aq.text])[0], w=WEIGHTS)
            fill(store, pool, RANK_POOL, relevance)
            docs = store.documents_by_id({c.claim.doc_id for c in pool.candidates})
            match = None
            if aq.kind == "quantity":
                match = figure_matches(aq, [c.claim for c in pool.candidates if c.claim.quantities][:WEIGHTS.figure_pool],
                                       model.embed)
            x = features(pool, {d: doc.published for d, doc in docs.items()}, match)
            facts = [(re.compile(f["p"], re.I), f["src"]) for f in q.get("facts", [])]
            y = np.array([float(any(p.search(c.claim.text) and os.path.basename(docs[c.claim.doc_id].path).startswith(tuple(src))
                                    for p, src in facts)) for c in pool.candidates])
            rows.append((qs.name, q, aq, pool, docs, match, x, y))
    return rows


def recall(rows, weights, scorer) -> tuple[int, int]:
    from briefings.answering.cite import Citer
    from briefings.answering.compose import compose
    from briefings.answering.select import rank, select
    from briefings.types import Answer

    found = facts = 0
    cache: dict = {}
    for _, q, aq, pool, docs, match, _, _ in rows:
        if q.get("abstain"):
            continue
        ranked = rank(pool, {d: doc.published for d, doc in docs.items()}, weights, match)
        chosen = select(ranked, weights)
        citer = Citer(docs)
        composed = compose(aq, chosen, docs, citer, ranked, weights, match)
        answer = Answer(q["q"], True, tuple(composed.points), tuple(citer.sources), composed.kind)
        report = scorer.score_answer({k: v for k, v in q.items() if k != "abstain"}, answer.to_json(), cache)
        found, facts = found + report["found"], facts + report["facts"]
    return found, facts


def as_weights(base, names, w):
    return replace(base, **{n: float(v) for n, v in zip(names, w[:-1])}, bias=float(w[-1]))


def main() -> int:
    sys.path.insert(0, str(SHARED.parent / "main"))
    from bot.settings import default_model_dir
    from briefings.answering.select import FEATURES
    from briefings.answering.weights import WEIGHTS
    from briefings.embedding import LazyModel

    model = LazyModel(default_model_dir()).get()
    if model is None:
        sys.exit("the model is needed to fit the ranker")
    scorer = load_scorer()
    rows = [r for r in collect(model) if not r[1].get("abstain")]
    names = sorted({r[0] for r in rows})
    total_found = total = 0
    print("leave-one-set-out recall (fitted on the other sets):")
    for held in names:
        train = [r for r in rows if r[0] != held]
        w = logistic(np.vstack([r[6] for r in train]), np.concatenate([r[7] for r in train]))
        found, facts = recall([r for r in rows if r[0] == held], as_weights(WEIGHTS, FEATURES, w), scorer)
        total_found, total = total_found + found, total + facts
        print(f"  {held:24} {found / facts:.3f} ({found}/{facts})")
    print(f"  {'all':24} {total_found / total:.3f} ({total_found}/{total})")
    w = logistic(np.vstack([r[6] for r in rows]), np.concatenate([r[7] for r in rows]))
    print("\nweights fitted on every set (for briefings/answering/weights.py):")
    for name, value in zip(list(FEATURES) + ["bias"], w):
        print(f"    {name}: float = {value:.3f}")
    found, facts = recall(rows, as_weights(WEIGHTS, FEATURES, w), scorer)
    print(f"recall with these weights on all sets (in sample): {found / facts:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
