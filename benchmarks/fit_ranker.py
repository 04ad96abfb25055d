"""Fit the ranker's weights (a logistic model over ``select.FEATURES`` and the products of every
two of them, ``select.PAIRS``) on the development sets, and say how well it does on sets it was
not fitted on.

    python -m benchmarks.fit_ranker            # leave-one-set-out recall, then the weights for all sets
    python -m benchmarks.fit_ranker --no-model # the same for the ranker used without the model
    python -m benchmarks.fit_ranker --no-pairs # the features alone, without their products: to compare

A candidate claim is relevant when it states one of its question's facts (the fact's pattern
matches it and it comes from one of the fact's sources). The model is fitted listwise: for each
question, a softmax over its candidates should put the weight on the relevant ones, each fact
counting once however many claims state it (a conditional logit, L2-regularised, by Newton's
method with a line search). What matters in an answer is the order of its few points, and a
pointwise fit spends its effort on separating claims of different questions. A second, pointwise
logistic fit of one scale and a bias over the listwise score then makes the scores calibrated
probabilities, which the cut-off (``min_probability``) needs.

For each set in turn the model is fitted on the other sets and scored on that one (recall at
the engine's number of points, with the shared scorer); the weights printed at the end are
fitted on every set and go into ``briefings/answering/weights.py`` by hand. Held-out sets are
never read.
"""
from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import replace

import numpy as np

from benchmarks.evaluate import ROOT, SHARED, discover, load_scorer, store_for

SEED_SETS = {"dev_questions", "seeds-extra"}  # over the seeds: no second store
# the regularisation of the listwise fit: the features alone, and with their products (191
# weights then; leave-one-set-out over 38 sets gave 4942, 4946 and 4931 facts at 0.3, 1 and 3)
L2_FEATURES, L2_PAIRS = 0.1, 1.0


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


def conditional_logit(lists: list[tuple[np.ndarray, np.ndarray]], l2: float = 0.1, steps: int = 30) -> np.ndarray:
    """Weights of a softmax over each list's rows (features ``x``) that best puts the weight
    ``t`` (>= 0, summing to 1 in each list) where it belongs: minimises the cross-entropy of
    ``t`` and softmax(``x @ w``) summed over the lists, plus ``l2``/2 |w|^2."""
    dim = lists[0][0].shape[1]
    w = np.zeros(dim)
    # every list's rows stacked, the sums over a list taken at its first row (np.*.reduceat):
    # one matrix product per Newton step instead of one per list
    x = np.vstack([xi for xi, _ in lists])
    t = np.concatenate([ti for _, ti in lists])
    sizes = [len(xi) for xi, _ in lists]
    starts = np.cumsum([0] + sizes[:-1])
    which = np.repeat(np.arange(len(lists)), sizes)

    def loss_grad_hess(w):
        z = x @ w
        z = z - np.maximum.reduceat(z, starts)[which]
        e = np.exp(z)
        total = np.add.reduceat(e, starts)
        p = e / total[which]
        loss = 0.5 * l2 * w @ w - t @ (z - np.log(total)[which])
        grad = l2 * w + x.T @ (p - t)
        xp = x * p[:, None]
        mean = np.add.reduceat(xp, starts)  # each list's expected row
        hess = l2 * np.eye(dim) + xp.T @ x - mean.T @ mean
        return loss, grad, hess

    loss, grad, hess = loss_grad_hess(w)
    for _ in range(steps):
        step, size = np.linalg.solve(hess, grad), 1.0
        while size > 1e-4:  # halve the step until the loss falls
            new = loss_grad_hess(w - size * step)
            if new[0] < loss:
                break
            size /= 2
        else:
            break
        w = w - size * step
        done = loss - new[0] < 1e-6
        loss, grad, hess = new
        if done:
            break
    return w


def fit(rows, cols: list[int], l2: float = 0.1, pointwise: bool = False) -> np.ndarray:
    """The ranker's coefficients (for ``cols``) and bias from ``rows`` (see ``collect``): listwise
    coefficients, then one scale and a bias that make them probabilities of relevance. With
    ``pointwise``, the plain logistic regression over every candidate that it replaced."""
    x = [r[7][:, cols] for r in rows]
    relevant = np.concatenate([r[8] > 0 for r in rows]).astype(float)
    if pointwise:
        return logistic(np.vstack(x), relevant)
    w = conditional_logit([(xi, r[8] / r[8].sum()) for xi, r in zip(x, rows) if r[8].sum() > 0], l2)
    scale, bias = logistic(np.concatenate([xi @ w for xi in x])[:, None], relevant, l2=0.0)
    return np.append(w * scale, bias)


def collect(model, mixed: bool = False):
    """(set, question, analysed question, pool, documents, figure matches, authors, features, labels) per
    question. A candidate's label is its share of the facts it states: each fact counts 1, split
    among the candidates that state it (0: it states none)."""
    from briefings.answering.analyse import analyse
    from briefings.answering.answer import evidence
    from briefings.answering.retrieve import gather
    from briefings.answering.select import features, figure_matches
    from briefings.answering.weights import WEIGHTS

    rows = []
    for qs in discover(holdout=False):
        corpora = [qs.corpus] + ([SHARED / "seeds"] if mixed and qs.corpus_name != "seeds" else [])
        store = store_for(corpora, model).store
        for q in json.loads(qs.questions.read_text())["questions"]:
            aq = analyse(q["q"])
            if aq.empty:
                continue
            qvec = model.embed([aq.text])[0] if model is not None else None
            pool = gather(store, aq, qvec, w=WEIGHTS)
            aq, docs, authors = evidence(store, aq, pool, qvec)
            match = None
            if aq.kind == "quantity":
                match = figure_matches(aq, [c.claim for c in pool.candidates if c.claim.quantities][:WEIGHTS.figure_pool],
                                       model.embed if model is not None else None)
            x = features(pool, {d: doc.published for d, doc in docs.items()}, match, authors)
            y = np.zeros(len(pool.candidates))
            for f in q.get("facts", []):
                pattern, src = re.compile(f["p"], re.I), tuple(f["src"])
                states = np.array([bool(pattern.search(c.claim.text)) and
                                   os.path.basename(docs[c.claim.doc_id].path).startswith(src) for c in pool.candidates])
                if states.any():
                    y[states] += 1.0 / states.sum()
            rows.append((qs.name, q, aq, pool, docs, match, authors, x, y))
    return rows


def recall(rows, weights, scorer) -> tuple[int, int]:
    from briefings.answering.cite import Citer
    from briefings.answering.compose import compose
    from briefings.answering.select import rank, select
    from briefings.types import Answer

    found = facts = 0
    cache: dict = {}
    for _, q, aq, pool, docs, match, authors, _, _ in rows:
        if q.get("abstain"):
            continue
        ranked = rank(pool, {d: doc.published for d, doc in docs.items()}, weights, match, authors)
        chosen = select(ranked, weights, join=True)
        citer = Citer(docs)
        composed = compose(aq, chosen, docs, citer, ranked, weights, match)
        answer = Answer(q["q"], True, tuple(composed.points), tuple(citer.sources), composed.kind)
        report = scorer.score_answer({k: v for k, v in q.items() if k != "abstain"}, answer.to_json(), cache)
        found, facts = found + report["found"], facts + report["facts"]
    return found, facts


def as_weights(base, names, w, lexical: bool = False, pairs=()):
    """``base`` with these fitted coefficients: the ranker's (for ``names``, then ``pairs``, then
    the bias), or (``lexical``) the one used without the model."""
    fitted = tuple((n, round(float(v), 3)) for n, v in zip(list(names) + ["bias"], list(w[:len(names)]) + [w[-1]]))
    if lexical:
        return replace(base, lexical_ranker=fitted)
    paired = tuple((a, b, round(float(v), 3)) for (a, b), v in zip(pairs, w[len(names):-1]))
    return replace(base, **dict(fitted), pairs=paired)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-model", action="store_true",
                    help="fit the coefficients used without the model (Weights.lexical_ranker)")
    ap.add_argument("--without", action="append", default=[], metavar="FEATURE",
                    help="leave this feature out (its coefficient 0): an ablation, to see what it adds")
    ap.add_argument("--no-pairs", action="store_true",
                    help="fit the features alone, without their products (select.PAIRS): to compare")
    ap.add_argument("--pointwise", action="store_true",
                    help="fit a plain logistic regression over every candidate instead (as before: to compare)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from bot.settings import default_model_dir
    from briefings.answering.select import FEATURES, LEXICAL_FEATURES, PAIRS, with_pairs
    from briefings.answering.weights import WEIGHTS
    from briefings.embedding import LazyModel

    model = None
    if not args.no_model:
        model = LazyModel(default_model_dir()).get()
        if model is None:
            sys.exit("the model is needed to fit the ranker (or fit the lexical one with --no-model)")
    names_fitted = tuple(n for n in (FEATURES if model is not None else LEXICAL_FEATURES) if n not in args.without)
    cols = [FEATURES.index(n) for n in names_fitted]
    # products of two features, with the model only (and not of a feature left out)
    pairs = () if model is None or args.no_pairs else \
        tuple(p for p in PAIRS if not set(p) & set(args.without))
    cols += [len(FEATURES) + PAIRS.index(p) for p in pairs]
    l2 = L2_PAIRS if pairs else L2_FEATURES
    scorer = load_scorer()
    # every set from a store of its own, and (other stories than the seeds') beside the seeds;
    # the features with their products (select.with_pairs), as the ranker reads them
    def paired(rows):
        return [r[:7] + (with_pairs(r[7]),) + r[8:] for r in rows if not r[1].get("abstain")]

    alone = paired(collect(model))
    mixed = [r for r in paired(collect(model, mixed=True)) if r[0] not in SEED_SETS]
    rows = alone + mixed
    names = sorted({r[0] for r in rows})
    print("leave-one-set-out recall (fitted on the other sets, both stores; scored alone | beside the seeds):")
    totals = np.zeros(4, dtype=int)
    for held in names:
        train = [r for r in rows if r[0] != held]
        w = fit(train, cols, l2=l2, pointwise=args.pointwise)
        weights = as_weights(WEIGHTS, names_fitted, w, lexical=model is None, pairs=pairs)
        a = recall([r for r in alone if r[0] == held], weights, scorer)
        m = recall([r for r in mixed if r[0] == held], weights, scorer)
        totals += (*a, *m)
        beside = f" | {m[0] / m[1]:.3f} ({m[0]}/{m[1]})" if m[1] else ""
        print(f"  {held:24} {a[0] / a[1]:.3f} ({a[0]}/{a[1]})" + beside)
    print(f"  {'all':24} {totals[0] / totals[1]:.3f} ({totals[0]}/{totals[1]}) | {totals[2] / totals[3]:.3f} "
          f"({totals[2]}/{totals[3]})")
    w = fit(rows, cols, l2=l2, pointwise=args.pointwise)
    fitted = as_weights(WEIGHTS, names_fitted, w, lexical=model is None, pairs=pairs)
    print("\nweights fitted on every set (for briefings/answering/weights.py):")
    if model is None:
        print("    lexical_ranker: tuple = (" + ", ".join(f'("{n}", {v:.3f})' for n, v in fitted.lexical_ranker) + ")")
    else:
        for name in list(names_fitted) + ["bias"]:
            print(f"    {name}: float = {getattr(fitted, name):.3f}")
        print("    pairs: tuple[tuple[str, str, float], ...] = (" + "".join(
            f'\n        ("{a}", "{b}", {v:.3f}),' for a, b, v in fitted.pairs) + ")")
    found, facts = recall(rows, fitted, scorer)
    print(f"recall with these weights on all sets (in sample): {found / facts:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
