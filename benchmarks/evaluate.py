"""Score the answer engine on every question set, per set and per kind of question.

    python -m benchmarks.evaluate                 # every development set
    python -m benchmarks.evaluate --set outbreak  # one set (repeatable)
    python -m benchmarks.evaluate --holdout       # the held-out sets too (once, at the end)
    python -m benchmarks.evaluate --verbose       # every question's problems
    python -m benchmarks.evaluate --database-url postgresql://postgres@127.0.0.1/test  # on PostgreSQL
    python -m benchmarks.evaluate --one-store     # every story in one store, asked with and without a channel

Sets: the shared ones in ../shared/eval (dev_questions.json over the seeds, key-bridge-collapse)
and ours in benchmarks/eval/sets/*/questions.json. A set's "corpus" names its articles: "seeds",
"key-bridge-collapse", or (otherwise) the set's own folder. Each corpus is scored from a store
holding only its articles and, for corpora other than the seeds, also from one holding them
beside the seeds (two stories in one store). Scoring is the shared scorer's
(../shared/eval/score.py, imported, so the figures are the same as its own), applied to the
same JSON ``briefbot ask --json`` prints. Stores are cached in benchmarks/out/eval-stores
(or, with --database-url, as schemas eval_* of that database), keyed by the articles, the
extractor, the model and the schemas; both backends must give the same figures.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SETS = ROOT / "benchmarks" / "eval" / "sets"
HOLDOUT = ROOT / "benchmarks" / "eval" / "holdout"
CACHE = ROOT / "benchmarks" / "out" / "eval-stores"


@dataclass(frozen=True)
class QuestionSet:
    name: str
    questions: Path
    corpus: Path
    corpus_name: str


@dataclass
class Tally:
    found: int = 0
    facts: int = 0
    abstain_ok: int = 0
    abstain_n: int = 0
    problems: int = 0
    questions: int = 0
    wrong_answers: int = 0  # answered an abstain question
    wrong_abstentions: int = 0  # abstained on an answerable question
    seconds: float = 0.0
    lines: list[str] = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        for k in ("found", "facts", "abstain_ok", "abstain_n", "problems", "questions", "wrong_answers",
                  "wrong_abstentions"):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    @property
    def recall(self) -> float:
        return self.found / self.facts if self.facts else 0.0


def load_scorer():
    path = SHARED / "eval" / "score.py"
    if not path.is_file():
        sys.exit(f"the shared scorer is missing ({path}); it comes with ../shared")
    spec = importlib.util.spec_from_file_location("shared_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus_path(name: str, folder: Path) -> Path:
    return {"seeds": SHARED / "seeds", "key-bridge-collapse": SHARED / "eval" / "key-bridge-collapse"}.get(name, folder)


def discover(holdout: bool) -> list[QuestionSet]:
    out = [QuestionSet("dev_questions", SHARED / "eval" / "dev_questions.json", SHARED / "seeds", "seeds"),
           QuestionSet("key-bridge-collapse", SHARED / "eval" / "key-bridge-collapse" / "questions.json",
                       SHARED / "eval" / "key-bridge-collapse", "key-bridge-collapse")]
    roots = [SETS] + ([HOLDOUT] if holdout else [])
    for root in roots:
        for qfile in sorted(root.glob("*/questions.json")):
            corpus = json.loads(qfile.read_text())["corpus"]
            name = qfile.parent.name + (" (holdout)" if root == HOLDOUT else "")
            out.append(QuestionSet(name, qfile, corpus_path(corpus, qfile.parent), corpus))
    return out


def _articles(folder: Path) -> list[Path]:
    from briefings.ingest import expand

    return [Path(p) for p in expand([str(folder)])]


def store_for(corpora: list[Path], model, database_url: str | None = None) -> "object":
    """A store holding these corpora's articles, built once and cached: a SQLite file, or
    (with ``database_url``) a schema of that PostgreSQL database."""
    from briefings.embedding import MODEL_NAME
    from briefings.extraction.claims import EXTRACTOR_VERSION
    from briefings.service import BriefingService
    from briefings.store import open_store
    from briefings.store.postgres.schema import SCHEMA_VERSION as PG_SCHEMA_VERSION
    from briefings.store.sqlite.schema import SCHEMA_VERSION

    files = [f for c in corpora for f in _articles(c)]
    digest = hashlib.sha256(f"{EXTRACTOR_VERSION}:{MODEL_NAME if model else None}:{SCHEMA_VERSION}:{PG_SCHEMA_VERSION}"
                            .encode())
    for f in files:
        digest.update(str(f).encode() + hashlib.sha256(f.read_bytes()).digest())
    name = f"{'+'.join(c.name for c in corpora)}-{digest.hexdigest()[:16]}"
    if database_url:
        return BriefingService(open_store(postgres_schema(database_url, name, files, model)), embedder=model)
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.sqlite3"
    fresh = not path.exists()
    service = BriefingService(open_store(f"sqlite:///{path}"), embedder=model)
    if fresh:
        ingest(service, files)
    return service


def postgres_schema(database_url: str, name: str, files: list[Path], model) -> str:
    """The URL of a schema holding ``files``, built under another name and renamed when complete."""
    import psycopg
    from psycopg import sql

    from briefings.service import BriefingService
    from briefings.store import open_store
    from briefings.store.postgres import create_schema, drop_schema, schema_url

    schema = "eval_" + re.sub(r"[^a-z0-9]+", "_", name.lower())
    with psycopg.connect(database_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone():
            drop_schema(database_url, schema + "_part")
            service = BriefingService(open_store(create_schema(database_url, schema + "_part")), embedder=model)
            complete = ingest(service, files)
            service.store.close()
            if not complete:  # used once as it is, rebuilt next time
                return schema_url(database_url, schema + "_part")
            conn.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(schema + "_part"),
                                                                       sql.Identifier(schema)))
    return schema_url(database_url, schema)


def ingest(service, files: list[Path]) -> bool:
    report = service.ingest([str(f) for f in files])
    if report.failed:
        print("  ingest failures: " + "; ".join(r.error or r.path for r in report.failed), file=sys.stderr)
    return not report.failed


def run_set(qs: QuestionSet, service, scorer, verbose: bool, channel: str | None = None
            ) -> tuple[Tally, dict[str, Tally]]:
    from briefings.answering.analyse import analyse
    from briefings.errors import BriefingError
    from briefings.types import Answer

    questions = json.loads(qs.questions.read_text())["questions"]
    total, by_kind = Tally(), defaultdict(Tally)
    docs: dict = {}
    started = time.perf_counter()
    for q in questions:
        try:
            answer = service.ask(q["q"], "eval", channel) if channel else service.ask(q["q"])
        except BriefingError as e:
            answer = Answer(question=q["q"], answered=False, message=str(e), kind="none")
        report = scorer.score_answer(q, json.loads(json.dumps(answer.to_json())), docs)
        t = Tally(questions=1)
        if q.get("abstain"):
            t.abstain_n, t.abstain_ok = 1, report["found"]
            t.wrong_answers = 1 - report["found"]
        elif not q.get("robust"):
            t.found, t.facts = report["found"], report["facts"]
            t.wrong_abstentions = int(not answer.answered)
        t.problems = len([p for p in report["problems"]
                          if not p.startswith("missing fact") and p != "should have abstained"])
        kind = "abstain" if q.get("abstain") else analyse(q["q"]).kind
        total.add(t)
        by_kind[kind].add(t)
        if verbose or report["problems"]:
            total.lines.append(f"    {q['id']} [{kind}]: {report['found']}/{report['facts']}"
                               + "".join(f"\n        - {p}" for p in report["problems"]))
    total.seconds = time.perf_counter() - started
    return total, by_kind


def one_store(sets: list[QuestionSet], model, scorer, args, grand: Tally, grand_kinds: dict) -> list[tuple]:
    """Every set's articles in one store; each set asked without a channel ("all"), then in
    a channel whose story is its own articles ("channel")."""
    from datetime import datetime, timezone

    corpora = list(dict.fromkeys(qs.corpus for qs in sets))
    service = store_for(corpora, model, args.database_url)
    for corpus in corpora:  # already stored: each file is found unchanged, with its document's id
        ids = [r.doc_id for r in service.ingest([str(f) for f in _articles(corpus)]).results if r.doc_id]
        service.store.link_documents("eval", corpus.name, ids, datetime.now(timezone.utc))
    rows = []
    for qs in sets:
        for label, channel in (("all", None), ("channel", qs.corpus.name)):
            total, kinds = run_set(qs, service, scorer, args.verbose, channel)
            grand.add(total)
            for k, t in kinds.items():
                grand_kinds[k].add(t)
            rows.append((qs.name, label, total, kinds))
    service.store.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", action="append", help="only these sets (by name)")
    ap.add_argument("--holdout", action="store_true", help="include the held-out sets")
    ap.add_argument("--verbose", action="store_true", help="print every question's result")
    ap.add_argument("--problems", action="store_true", help="print the questions with problems")
    ap.add_argument("--no-model", action="store_true", help="answer lexically, without the embedding model")
    ap.add_argument("--alone-only", action="store_true", help="skip the stores that add the seeds")
    ap.add_argument("--one-store", action="store_true",
                    help="one store holding every set's articles: each set asked without a channel, then in a"
                         " channel whose story is its own articles (as if it followed them)")
    ap.add_argument("--database-url", help="build the stores in this PostgreSQL database, one schema per corpus"
                    " (e.g. postgresql://postgres@127.0.0.1/test)")
    args = ap.parse_args(argv)
    if args.database_url and not args.database_url.startswith(("postgresql://", "postgres://")):
        ap.error("--database-url must be a postgresql:// URL")

    sys.path.insert(0, str(ROOT))
    from briefings.embedding import LazyModel

    scorer = load_scorer()
    model = None
    if not args.no_model:
        from bot.settings import default_model_dir

        lazy = LazyModel(default_model_dir())
        model = lazy.get()
        if model is None:
            print("the model is unavailable: scoring lexical answers", file=sys.stderr)
    sets = [s for s in discover(args.holdout) if not args.set or s.name in args.set or s.name.split()[0] in args.set]
    grand, grand_kinds = Tally(), defaultdict(Tally)
    rows = []
    if args.one_store:
        rows = one_store(sets, model, scorer, args, grand, grand_kinds)
    for qs in sets if not args.one_store else []:
        variants = [[qs.corpus]]
        if qs.corpus_name != "seeds" and not args.alone_only:
            variants.append([qs.corpus, SHARED / "seeds"])
        for corpora in variants:
            label = " + seeds" if len(corpora) > 1 else "alone"
            service = store_for(corpora, model, args.database_url)
            total, kinds = run_set(qs, service, scorer, args.verbose)
            service.store.close()
            grand.add(total)
            for k, t in kinds.items():
                grand_kinds[k].add(t)
            rows.append((qs.name, label, total, kinds))
    print(f"{'set':28} {'store':8} {'recall':>14} {'abstain':>8} {'faithful':>9} {'wrong-abst':>10} {'s/q':>6}")
    for name, label, t, kinds in rows:
        print(f"{name:28} {label:8} {t.recall:6.2f} ({t.found:3}/{t.facts:3}) {t.abstain_ok:3}/{t.abstain_n:<4} "
              f"{t.problems:9} {t.wrong_abstentions:10} {t.seconds / max(t.questions, 1):6.3f}")
        if args.problems or args.verbose:
            print("\n".join(t.lines))
    print(f"{'all':28} {'':8} {grand.recall:6.2f} ({grand.found:3}/{grand.facts:3}) {grand.abstain_ok:3}/"
          f"{grand.abstain_n:<4} {grand.problems:9} {grand.wrong_abstentions:10}")
    print("\nper kind of question (all sets and stores):")
    for kind, t in sorted(grand_kinds.items()):
        extra = f"abstain {t.abstain_ok}/{t.abstain_n}" if kind == "abstain" else \
            f"recall {t.recall:.2f} ({t.found}/{t.facts})"
        print(f"  {kind:10} {t.questions:4} questions  {extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
