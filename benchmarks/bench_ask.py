"""Speed of `ask` at scale and of ingest, each side by side with a baseline doing the same work
on the same data in the same run, reported as ratios.

    python -m benchmarks.bench_ask                      # 10^5 claims (a couple of minutes)
    python -m benchmarks.bench_ask --claims 1000000     # 10^6 (15-20 minutes to build each backend here)
    python -m benchmarks.bench_ask --database-url postgresql://postgres@127.0.0.1/test  # PostgreSQL too

    # build the 10^6 stores of both backends at once (each is cached once finished), then measure
    python -m benchmarks.bench_ask --claims 1000000 --build-only sqlite &
    python -m benchmarks.bench_ask --claims 1000000 --build-only postgres --database-url postgresql://...
    python -m benchmarks.bench_ask --claims 1000000 --database-url postgresql://...

Ask: the whole ``answer_question`` path (embedding the question with the real model,
retrieval from both sides, ranking, selection, composition) over a store of N generated claims
(``benchmarks/corpus.py``: sentences from a bigram model of our real articles, 40 to an
article). Claim vectors are random (the model is too slow to embed 10^6 sentences here); they
cost the same to store, fetch and score. With random vectors no claim is close to any question,
so abstention for weak evidence is switched off here: every question is ranked, selected and
composed in full, which is the slow path (a refusal returns before ranking). Baseline: a
tantivy BM25 top-10 query over the same sentences (the question's words OR-ed, English
stemming), the fastest lexical search one could use instead. Questions: every question of the development sets (ours and the shared ones).
Each question runs three times on each contender in turn (tantivy, SQLite, PostgreSQL), so a
change in the machine's load falls on all alike; its time is the median of its three; p50/p95/max
are over questions. The p95 of each question's first run is given too (the later runs find what
the first read in the contenders' caches). Every contender's files are read once before timing.
``--profile`` adds where ask spends its time, per store method.

Ingest: real articles (every development corpus) through briefbot's ingest, with extraction
and embeddings (the real model), in claims per second, into a new store of each backend (and
into SQLite without embeddings, to show what they cost); baseline: inserting the same claims'
sentences into a bare FTS5 table. Best of two rounds taken in turn, after a warm-up.

Stores are kept (SQLite and tantivy in benchmarks/out/bench, PostgreSQL in schema bench_<N>),
keyed by the claim count and marked finished only at the end of their build, so runs after the
first only measure. Ingest runs on each backend the run measures (PostgreSQL: a new schema,
dropped afterwards); the bare FTS5 baseline is the same for both.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "bench"


class RandomVectors:
    """Unit vectors at random: what the model would give costs the same to store and score."""

    def __init__(self, name: str, seed: int = 11):
        self.name, self.dim, self.rng = name, 384, np.random.default_rng(seed)

    def embed(self, texts):
        v = self.rng.standard_normal((len(texts), self.dim)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def build(store, n: int, seed: int = 7) -> tuple[float, list[str]]:
    """Fill ``store`` with n generated claims; return seconds and the sentences (for the baseline)."""
    from benchmarks.corpus import Generator
    from briefings.embedding import MODEL_NAME
    from briefings.extraction.claims import EXTRACTOR_VERSION, entities
    from briefings.extraction.quantities import find_quantities
    from briefings.indexing import index_claims
    from briefings.types import Claim, Document

    vectors = RandomVectors(MODEL_NAME)
    sentences: list[str] = []
    now = datetime.now(timezone.utc)
    started = time.perf_counter()
    for i, (title, texts) in enumerate(Generator(seed).articles(n)):
        doc_id = f"bench{i:07d}"
        claims = [Claim(id=f"{doc_id}:{j}", doc_id=doc_id, seq=j, text=t, start=0, end=len(t),
                        quantities=find_quantities(t), entities=entities(t)) for j, t in enumerate(texts)]
        indexed, vector = index_claims(claims, title, "\n".join(texts), vectors)
        doc = Document(id=doc_id, path=f"generated/{doc_id}.txt", title=title,
                       content_hash=hashlib.sha256(doc_id.encode()).hexdigest(), ingested_at=now, text="")
        store.put_document(doc, indexed, source_key=doc_id, replaces=None, vector=vector,
                           extractor_version=EXTRACTOR_VERSION, model=MODEL_NAME)
        sentences.extend(texts)
    return time.perf_counter() - started, sentences


def tantivy_index(sentences: list[str], path: Path):
    import tantivy

    schema = tantivy.SchemaBuilder().add_text_field("text", stored=False, tokenizer_name="en_stem").build()
    index = tantivy.Index(schema, path=str(path))
    writer = index.writer(heap_size=300_000_000)
    for s in sentences:
        writer.add_document(tantivy.Document(text=s))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def questions() -> list[str]:
    from benchmarks.evaluate import discover

    out = []
    for qs in discover(holdout=False):
        out += [q["q"] for q in json.loads(qs.questions.read_text())["questions"]]
    return list(dict.fromkeys(out))


def timed(fn, repeats: int = 3) -> tuple[float, float]:
    """(the median of ``repeats`` runs, the first run), in ms: the first finds no cache of its own."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, times[0] * 1000


def summary(ms: list[float], qs: list[str]) -> dict:
    """p50/p95/max of per-question times, how many took over 100 ms, and the slowest five."""
    slowest = sorted(zip(qs, ms), key=lambda x: -x[1])[:5]
    ms = sorted(ms)
    return {"p50": ms[len(ms) // 2], "p95": ms[min(len(ms) - 1, int(len(ms) * 0.95))], "max": ms[-1],
            "over_100": sum(m > 100 for m in ms), "slowest": slowest}


def answering_weights():
    """The engine's weights, except that it never refuses for weak evidence: with random claim
    vectors no claim is close to any question, and every question would take the short path
    of a refusal instead of ranking, selection and composition."""
    from dataclasses import replace

    from briefings.answering.weights import WEIGHTS

    return replace(WEIGHTS, min_semantic=-1.0, name_semantic=-1.0)


def asker(store, model):
    """``ask`` on a store, as a function of the question (warmed up: document vectors loaded)."""
    from briefings.answering.answer import answer_question

    w = answering_weights()
    answer_question(store, model, "warm up the caches?", w=w)
    return lambda q: answer_question(store, model, q, w=w)


def bench_side_by_side(contenders: dict, qs: list[str]) -> dict[str, dict]:
    """Each question on each contender in turn (so a change in the machine's load falls on all alike)."""
    ms: dict[str, list[float]] = {name: [] for name in contenders}
    first: dict[str, list[float]] = {name: [] for name in contenders}
    for q in qs:
        for name, fn in contenders.items():
            median, once = timed(lambda: fn(q))
            ms[name].append(median)
            first[name].append(once)
    out = {name: summary(times, qs) for name, times in ms.items()}
    for name, times in first.items():
        out[name]["p95_first"] = summary(times, qs)["p95"]
    return out


class Timed:
    """A store that adds up the time each of its methods takes (``--profile``)."""

    def __init__(self, store):
        self.store, self.ms = store, {}

    def __getattr__(self, name):
        fn = getattr(self.store, name)
        if not callable(fn):
            return fn

        def timed_call(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                calls, ms = self.ms.get(name, (0, 0.0))
                self.ms[name] = (calls + 1, ms + (time.perf_counter() - t) * 1000)
        return timed_call


def profile(name: str, store, model, qs: list[str]) -> None:
    """Where the time of ``ask`` goes: embedding the question, and each store method (calls and
    ms per question, averaged); the rest is ranking, selection and composition in Python."""
    from briefings.answering.answer import answer_question

    timed_store, timed_model = Timed(store), Timed(model)
    t = time.perf_counter()
    for q in qs:
        answer_question(timed_store, timed_model, q, w=answering_weights())
    total = (time.perf_counter() - t) * 1000 / len(qs)
    print(f"\n{name}: {total:.1f} ms a question on average, of which:")
    parts = [(f"model.{m}", v) for m, v in timed_model.ms.items()] + [(f"store.{m}", v) for m, v in timed_store.ms.items()]
    for method, (calls, ms) in sorted(parts, key=lambda kv: -kv[1][1]):
        print(f"  {method:24} {calls / len(qs):5.1f} calls {ms / len(qs):7.1f} ms")
    rest = total - sum(ms for _, (_, ms) in parts) / len(qs)
    print(f"  {'the rest (Python)':24} {'':11} {rest:7.1f} ms")


def tantivy_top10(index):
    """The baseline as a function of the question: its words OR-ed, BM25, top 10."""
    import re

    searcher = index.searcher()

    def search(q: str):
        words = " ".join(re.findall(r"[A-Za-z0-9]+", q)) or "nothing"
        return searcher.search(index.parse_query(words, ["text"]), 10).hits
    return search


def ingest_files() -> list[Path]:
    """Every development corpus: real articles."""
    from benchmarks.evaluate import SHARED, SETS
    from briefings.ingest import expand

    folders = [SHARED / "seeds", SHARED / "eval" / "key-bridge-collapse", *sorted(p for p in SETS.iterdir() if p.is_dir())]
    return [f for folder in folders for f in expand([str(folder)])]


def ingest_once(files: list[Path], model, database_url: str | None = None) -> tuple[int, int, float, list[str]]:
    """Real articles through briefbot's ingest (extraction, embeddings if ``model``, store) into a
    new SQLite store, or a new schema of ``database_url``: (articles, claims, seconds, sentences)."""
    from briefings.ingest import ingest_paths
    from briefings.store.postgres import PostgresStore, create_schema, drop_schema
    from briefings.store.sqlite import SQLiteStore

    tmp = Path(tempfile.mkdtemp(prefix="briefbot-bench-"))
    schema = f"bench_ingest_{tmp.name[-8:].lower()}"
    try:
        store = PostgresStore(create_schema(database_url, schema)) if database_url else SQLiteStore(tmp / "i.sqlite3")
        started = time.perf_counter()
        report = ingest_paths(store, files, embedder=model)
        seconds = time.perf_counter() - started
        claims = [i.claim.text for i in store.claims_of([d.id for d in store.documents()], with_vectors=False)]
        store.close()
    finally:
        if database_url:
            drop_schema(database_url, schema)
        shutil.rmtree(tmp, ignore_errors=True)
    return len(report.results), len(claims), seconds, claims


def bare_fts5(sentences: list[str]) -> float:
    """Seconds to insert the sentences into a bare FTS5 table, in one transaction."""
    tmp = Path(tempfile.mkdtemp(prefix="briefbot-bench-"))
    try:
        bare = sqlite3.connect(tmp / "bare.sqlite3", isolation_level=None)
        bare.execute("CREATE VIRTUAL TABLE bare USING fts5(text, tokenize='porter unicode61')")
        started = time.perf_counter()
        bare.execute("BEGIN")
        bare.executemany("INSERT INTO bare(text) VALUES (?)", [(c,) for c in sentences])
        bare.execute("COMMIT")
        seconds = time.perf_counter() - started
        bare.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return seconds


def bench_ingest(model, database_url: str | None, rounds: int = 2) -> None:
    """Ingest of real articles on each backend (and on SQLite without embeddings, to show what
    they cost) against a bare FTS5 insert of the same sentences: the best of ``rounds``, taken
    in turn, after one warm-up ingest (the first loads the date parser and other lazy imports)."""
    files = ingest_files()
    ingest_once(files[:3], model)
    runs = {"SQLite, with embeddings": (model, None), "SQLite, without embeddings": (None, None)}
    if database_url:
        runs["PostgreSQL, with embeddings"] = (model, database_url)
    best: dict[str, float] = {}
    articles = claims = 0
    sentences: list[str] = []
    for _ in range(rounds):
        for name, (embedder, url) in runs.items():
            articles, claims, seconds, sentences = ingest_once(files, embedder, url)
            best[name] = min(best.get(name, seconds), seconds)
        best["bare FTS5 insert"] = min(best.get("bare FTS5 insert", 1e9), bare_fts5(sentences))
    bare = claims / best["bare FTS5 insert"]
    print(f"\ningest of {articles} real articles ({claims} claims), best of {rounds}:")
    print(f"{'':32} {'claims/s':>9} {'bare FTS5 / this':>17}")
    for name, seconds in best.items():
        print(f"{name:32} {claims / seconds:9.0f} {bare / (claims / seconds):16.0f}x")


def sqlite_store(n: int, *, build_missing: bool = True):
    """briefbot's SQLite store of n generated claims and the tantivy index of the same sentences,
    built unless a finished build is cached (a marker file is written last)."""
    from briefings.store.sqlite import SQLiteStore

    db, tv, done = OUT / f"sqlite-{n}.sqlite3", OUT / f"tantivy-{n}", OUT / f"sqlite-{n}.done"
    if not done.exists():
        if not build_missing:
            sys.exit(f"no finished SQLite build of {n:,} claims in {OUT}")
        for path in OUT.glob(f"sqlite-{n}.sqlite3*"):
            path.unlink()
        shutil.rmtree(tv, ignore_errors=True)
        store = SQLiteStore(db)
        db_seconds, sentences = build(store, n)
        store.close()
        tv.mkdir()
        t = time.perf_counter()
        tantivy_index(sentences, tv)
        print(f"built {n:,} claims: briefbot's SQLite store {db_seconds:.0f} s ({n / db_seconds:.0f} claims/s),"
              f" tantivy {time.perf_counter() - t:.0f} s", flush=True)
        done.write_text(f"{db_seconds}\n")
    return SQLiteStore(db), tv


def postgres_store(url: str, n: int, *, build_missing: bool = True):
    """briefbot's PostgreSQL store of the same n generated claims, in schema bench_<n> of the
    database ``url``; built unless a finished build is there (table bench_built, written last)."""
    import psycopg

    from briefings.store import open_store
    from briefings.store.postgres import create_schema, drop_schema, schema_url

    schema = f"bench_{n}"
    with psycopg.connect(url, autocommit=True) as conn:
        built = conn.execute("SELECT to_regclass(%s)", (f"{schema}.bench_built",)).fetchone()[0]
    if built:
        return open_store(schema_url(url, schema))
    if not build_missing:
        sys.exit(f"no finished PostgreSQL build of {n:,} claims in schema {schema}")
    drop_schema(url, schema)
    pg = open_store(create_schema(url, schema))
    seconds, _ = build(pg, n)
    with psycopg.connect(schema_url(url, schema), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CREATE TABLE bench_built (seconds float8)")
        conn.execute("INSERT INTO bench_built VALUES (%s)", (seconds,))
    print(f"built {n:,} claims in PostgreSQL: {seconds:.0f} s ({n / seconds:.0f} claims/s)", flush=True)
    return pg


def warm(paths: list[Path], pg_url: str | None = None, schema: str | None = None) -> None:
    """Read every contender's files once, so that all start with a warm page cache. This
    machine's kernel reclaims idle page cache (DAMON): without this, a run that follows other
    work found most of the 2 GB SQLite file evicted and took twice as long as the next."""
    total = 0
    for path in paths:
        for f in ([path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())):
            with open(f, "rb") as fh:
                while chunk := fh.read(1 << 24):
                    total += len(chunk)
    if pg_url and schema:
        import psycopg

        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            pages = conn.execute("SELECT coalesce(sum(pg_prewarm(c.oid, 'read')), 0) FROM pg_class c JOIN pg_namespace n"
                                 " ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'i')",
                                 (schema,)).fetchone()[0]
            total += int(pages) * 8192
    print(f"page cache warmed: {total / 1e6:,.0f} MB read", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--database-url", help="also build and query the same workload in this PostgreSQL database")
    ap.add_argument("--build-only", choices=["sqlite", "postgres"],
                    help="only build (or find) that backend's store and stop: the two builds can run at once")
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--profile", action="store_true", help="also show where ask spends its time, per store method")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from bot.settings import default_model_dir
    from briefings.embedding import load_embedder

    OUT.mkdir(parents=True, exist_ok=True)
    n = args.claims
    if args.build_only == "sqlite":
        sqlite_store(n)[0].close()
        return 0
    if args.build_only == "postgres":
        if not args.database_url:
            sys.exit("--build-only postgres needs --database-url")
        postgres_store(args.database_url, n).close()
        return 0
    model = load_embedder(default_model_dir())
    if model is None:
        sys.exit("the model is needed: `briefbot model fetch`")
    qs = questions()
    store, tv = sqlite_store(n)
    pg = postgres_store(args.database_url, n) if args.database_url else None
    import tantivy

    index = tantivy.Index.open(str(tv))
    db = OUT / f"sqlite-{n}.sqlite3"
    warm([db, db.with_name(db.name + "-wal"), tv], args.database_url, f"bench_{n}" if pg is not None else None)
    contenders = {"tantivy BM25 top-10": tantivy_top10(index), "briefbot ask (SQLite)": asker(store, model)}
    if pg is not None:
        contenders["briefbot ask (PostgreSQL)"] = asker(pg, model)
    rows = bench_side_by_side(contenders, qs)
    if args.profile:
        profile("SQLite", store, model, qs)
        if pg is not None:
            profile("PostgreSQL", pg, model, qs)
    store.close()
    if pg is not None:
        pg.close()
    base = rows["tantivy BM25 top-10"]
    print(f"\nask over {n:,} claims, {len(qs)} questions (median of 3 runs each; p50/p95/max over questions):")
    print(f"{'':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'> 100 ms':>9} {'p95 / tantivy p95':>18}"
          f" {'first runs: p95':>16} {'/ tantivy':>10}")
    for name, r in rows.items():
        print(f"{name:28} {r['p50']:8.1f} {r['p95']:8.1f} {r['max']:8.1f} {r['over_100']:9d}"
              f" {r['p95'] / base['p95']:17.1f}x {r['p95_first']:16.1f} {r['p95_first'] / base['p95_first']:9.1f}x")
    if "briefbot ask (PostgreSQL)" in rows:
        ratio = rows["briefbot ask (PostgreSQL)"]["p95"] / rows["briefbot ask (SQLite)"]["p95"]
        print(f"PostgreSQL ask p95 / SQLite ask p95: {ratio:.2f}x")
    for name, r in rows.items():
        for q, ms in r["slowest"]:
            if ms > 100:
                print(f"  over 100 ms ({name}): {ms:.0f} ms  {q}")
    if not args.skip_ingest:
        bench_ingest(model, args.database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
