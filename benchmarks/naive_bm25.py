"""The baseline the answer engine must beat: plain BM25 over single sentences, top k as points.

    python -m benchmarks.naive_bm25             # every development set, 8 points
    python -m benchmarks.naive_bm25 --holdout   # the held-out sets too
    python -m benchmarks.naive_bm25 --k 12

Each question's words (briefbot's analyser: stemmed, stop-words out) score every claim of
the set's own store by Okapi BM25 (k1 1.2, b 0.75) over the claim's own terms; the best k
claims become the answer's points, each its own sentence citing itself, with no speaker in
front, no context, no model and no abstention. Scored by the shared scorer like
``benchmarks.evaluate``, from stores built without the model (answerable questions only).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bm25_top(question_terms: list[str], docs: dict[str, list[str]], k: int) -> list[str]:
    """The ids of the k best of ``docs`` (id -> terms) for these terms, best first."""
    n = len(docs)
    avg = sum(map(len, docs.values())) / max(n, 1)
    df = Counter(t for ts in docs.values() for t in set(ts))

    def score(ts: list[str]) -> float:
        tf, total = Counter(ts), 0.0
        for t in question_terms:
            if tf[t]:
                idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                total += idf * tf[t] * 2.2 / (tf[t] + 1.2 * (0.25 + 0.75 * len(ts) / avg))
        return total

    return sorted(docs, key=lambda d: (-score(docs[d]), d))[:k]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--holdout", action="store_true", help="include the held-out sets")
    ap.add_argument("--k", type=int, default=8, help="points per answer")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from benchmarks.evaluate import discover, load_scorer, store_for
    from briefings.text import terms

    scorer = load_scorer()
    found_all = facts_all = 0
    print(f"{'set':28} naive BM25, top {args.k} sentences")
    for qs in discover(args.holdout):
        service = store_for([qs.corpus], None)
        store = service.store
        docs = {d.id: d for d in store.documents()}
        claims = store.claims_by_id(r.id for r in store.refs_of(list(docs), with_vectors=False))
        claim_terms = {cid: terms(c.text) for cid, c in claims.items()}
        found = facts = 0
        for q in json.loads(qs.questions.read_text())["questions"]:
            if q.get("abstain") or q.get("robust"):
                continue
            top = [claims[cid] for cid in bm25_top(terms(q["q"]), claim_terms, args.k)]
            answer = {"answered": True,
                      "points": [{"text": c.text, "citations": [i]} for i, c in enumerate(top, 1)],
                      "sources": [{"n": i, "quote": c.text, "document": {"path": docs[c.doc_id].path,
                                                                          "title": docs[c.doc_id].title}}
                                  for i, c in enumerate(top, 1)]}
            report = scorer.score_answer(q, answer, {})
            found, facts = found + report["found"], facts + report["facts"]
        store.close()
        print(f"{qs.name:28} {found / max(facts, 1):.2f} ({found}/{facts})")
        found_all, facts_all = found_all + found, facts_all + facts
    print(f"{'all':28} {found_all / max(facts_all, 1):.2f} ({found_all}/{facts_all})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
