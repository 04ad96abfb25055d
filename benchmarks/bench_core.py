"""Claim-store benchmark: ingest throughput and `ask` latency at 10^4, 10^5 and 10^6 claims,
each as a ratio against bare SQLite FTS5 doing the same work on the same data in this run.

    python benchmarks/bench_core.py            # 10^4 and 10^5
    python benchmarks/bench_core.py --full     # also 10^6 (a few minutes)

Ingest: briefbot's store (claims, quantities table, FTS5 with triggers, one transaction per
document) against bare FTS5 inserts of the same sentences. Extraction (sentence splitting,
attribution, quantities) is measured separately on a sample, per claim.
Ask: the whole `answer_question` path (analysis, retrieval, scoring, composition) against the
bare FTS5 top-10 query (the question's words OR-ed, ranked by BM25). Cold is the first
question on a freshly opened connection; warm is the median of repeats.
"""
from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import articles  # noqa: E402
from briefings.answer import answer_question  # noqa: E402
from briefings.documents import from_text  # noqa: E402
from briefings.extract import EXTRACTOR_VERSION, extract_claims  # noqa: E402
from briefings.lexicon import STOP_WORDS  # noqa: E402
from briefings.quantities import find_quantities  # noqa: E402
from briefings.store import SQLiteStore  # noqa: E402
from briefings.types import Claim, Document  # noqa: E402

QUESTIONS = [
    "troop estimates?",
    "what does North Korea gain?",
    "how many soldiers were sent to Kursk?",
    "what did the Pentagon say about Vladivostok?",
    "Russia North Korea troops said officials",  # nothing but very common words
    "where are the North Korean troops being sent?",
    "how much ammunition was shipped to Russia?",
    "what will the weather be in Paris tomorrow?",
]


def build(path: Path, n: int) -> tuple[float, float, list[str]]:
    """Build briefbot's store and a bare FTS5 table from the same sentences; seconds for each."""
    store = SQLiteStore(path / "briefbot.sqlite3")
    bare = sqlite3.connect(path / "bare.sqlite3", isolation_level=None)
    bare.execute("PRAGMA journal_mode=WAL")
    bare.execute("PRAGMA synchronous=NORMAL")
    bare.execute("CREATE VIRTUAL TABLE bare USING fts5(text, tokenize='porter unicode61')")
    t_store = t_bare = 0.0
    all_sentences: list[str] = []
    now = datetime.now(timezone.utc)
    for title, sentences in articles(n):
        text = title + "\n\n" + "\n".join(sentences) + "\n"
        doc_id = hashlib.sha256(text.encode()).hexdigest()[:16]
        claims, pos = [], len(title) + 2
        for seq, s in enumerate(sentences):
            claims.append(Claim(id=f"{doc_id}:{seq}", doc_id=doc_id, seq=seq, text=s, start=pos, end=pos + len(s),
                                attributed_to=None, quantities=find_quantities(s), paragraph=seq))
            pos += len(s) + 1
        doc = Document(id=doc_id, path=f"gen/{doc_id}.txt", title=title, content_hash=hashlib.sha256(text.encode()).hexdigest(),
                       ingested_at=now, text=text)
        t0 = time.perf_counter()
        store.put_document(doc, claims, source_key=doc.path, replaces=None, extractor_version=EXTRACTOR_VERSION)
        t1 = time.perf_counter()
        bare.execute("BEGIN")
        bare.executemany("INSERT INTO bare(text) VALUES (?)", [(s,) for s in sentences])
        bare.execute("COMMIT")
        t2 = time.perf_counter()
        t_store += t1 - t0
        t_bare += t2 - t1
        if len(all_sentences) < 2000:
            all_sentences += sentences[: 2000 - len(all_sentences)]
    store.close()
    bare.close()
    return t_store, t_bare, all_sentences


def bare_query(conn: sqlite3.Connection, question: str) -> list:
    words = [w for w in "".join(c if c.isalnum() else " " for c in question.lower()).split() if w not in STOP_WORDS]
    if not words:
        return []
    expr = " OR ".join(f'"{w}"' for w in words)
    return conn.execute("SELECT rowid FROM bare WHERE bare MATCH ? ORDER BY rank LIMIT 10", (expr,)).fetchall()


def timed(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - t0) * 1000


def latency(path: Path, repeats: int) -> dict:
    out = {}
    for q in QUESTIONS:
        store = SQLiteStore(path / "briefbot.sqlite3")
        bare = sqlite3.connect(path / "bare.sqlite3")
        cold_ours, cold_bare = timed(answer_question, store, q), timed(bare_query, bare, q)
        warm_ours = [timed(answer_question, store, q) for _ in range(repeats)]
        warm_bare = [timed(bare_query, bare, q) for _ in range(repeats)]
        out[q] = (cold_ours, cold_bare, warm_ours, warm_bare, answer_question(store, q).answered)
        store.close()
        bare.close()
    return out


def p(values: list[float], pct: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(pct / 100 * (len(values) - 1))))]


def extraction_rate(sentences: list[str]) -> tuple[float, float]:
    """Seconds per claim through the real extractor, and bare FTS5 insert seconds per row."""
    text = "Sample\n\n" + "\n".join(sentences) + "\n"
    raw = replace(from_text("sample.txt", text))
    t0 = time.perf_counter()
    claims = extract_claims(raw)
    t_extract = (time.perf_counter() - t0) / max(1, len(claims))
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE bare USING fts5(text, tokenize='porter unicode61')")
    t0 = time.perf_counter()
    conn.executemany("INSERT INTO bare(text) VALUES (?)", [(s,) for s in sentences])
    t_bare = (time.perf_counter() - t0) / len(sentences)
    return t_extract, t_bare


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", action="store_true", help="include 10^6 claims")
    ap.add_argument("--repeats", type=int, default=15)
    args = ap.parse_args()
    sizes = [10_000, 100_000] + ([1_000_000] if args.full else [])
    for n in sizes:
        with tempfile.TemporaryDirectory() as d:
            path = Path(d)
            t_store, t_bare, sample = build(path, n)
            print(f"\n== {n:,} claims")
            print(f"ingest (store): {n / t_store:,.0f} claims/s; bare FTS5 {n / t_bare:,.0f} rows/s;"
                  f" ratio store/bare time = {t_store / t_bare:.2f}x")
            if n == sizes[0]:
                t_ex, t_b = extraction_rate(sample)
                print(f"ingest (extraction, per claim): {t_ex * 1e3:.2f} ms; {t_ex / t_b:.0f}x a bare FTS5 insert")
            res = latency(path, args.repeats)
            all_ours, all_bare = [], []
            print(f"{'question':48} {'cold ms':>9} {'warm p50':>9} {'warm p95':>9} {'bare p50':>9} {'ratio p95':>9}")
            for q, (co, cb, wo, wb, answered) in res.items():
                all_ours += [co, *wo]
                all_bare += [cb, *wb]
                print(f"{q[:47]:48} {co:9.1f} {p(wo, 50):9.1f} {p(wo, 95):9.1f} {p(wb, 50):9.1f}"
                      f" {p(wo, 95) / max(p(wb, 95), 1e-6):9.2f}{'' if answered else '  (abstained)'}")
            print(f"ALL: ours p50 {p(all_ours, 50):.1f} ms, p95 {p(all_ours, 95):.1f} ms, max {max(all_ours):.1f} ms;"
                  f" bare p50 {p(all_bare, 50):.1f} ms, p95 {p(all_bare, 95):.1f} ms;"
                  f" ratio p95 ours/bare = {p(all_ours, 95) / max(p(all_bare, 95), 1e-6):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
