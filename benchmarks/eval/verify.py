#!/usr/bin/env python3
"""Check a held-out set: articles, README and questions.json.

Usage: python3 verify.py FOLDER

Checks
- every article: header (title, Source:, URL:, Date:, optional By line, blank line) and 500-650 words of body;
- README exists, first line starts with "HELD OUT";
- questions.json: corpus equals the folder name, unique ids, answerable questions have 2-6 facts,
  abstain questions have no facts;
- every fact pattern matches at least one sentence of each listed source file;
- every listed file exists; no unlisted file has a sentence the pattern matches (src lists every file);
- every 'attrib' matches in the same paragraph as a sentence the pattern matches, in each listed file.
Exit code 0 when everything passes.
"""
import json
import os
import re
import sys

ABBREV = {
    "dr", "mr", "mrs", "ms", "mx", "gov", "sen", "rep", "insp", "det", "sgt", "lt", "col", "gen", "st", "supt",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "no", "nos", "vs", "inc", "co", "corp", "ltd", "jr", "sr", "prof", "capt", "ft", "mt", "approx", "e.g", "i.e",
    "u.s", "u.k", "u.n", "d.c", "ore", "calif", "wash", "mass", "st",
}
# a.m./p.m. end a sentence only when the next word is not a day, month or time zone
TIME_FOLLOW = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "pacific",
               "eastern", "local", "gmt", "utc", "pt", "et", "jan", "feb", "nov", "dec", "january", "february",
               "november", "december", "on", "in"}
HEADER = [re.compile(r"^Source: \S"), re.compile(r"^URL: https?://\S+$"), re.compile(r"^Date: \d{4}-\d{2}-\d{2}$")]
CANDIDATE = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")


def split_sentences(par):
    out, start = [], 0
    for m in CANDIDATE.finditer(par):
        before = par[start:m.start() + 1]
        last = re.search(r"(\S+)$", before)
        word = last.group(1).lower().rstrip(".").lstrip("\"'“‘(") if last else ""
        after = par[m.end():].split(" ", 1)[0].strip("\"'“‘(,.").lower()
        if par[m.start()] == ".":
            if word in ABBREV:
                continue
            if word in ("a.m", "p.m") and after in TIME_FOLLOW:
                continue
            if re.fullmatch(r"[a-z]", word):  # an initial
                continue
        out.append(par[start:m.end()].strip())
        start = m.end()
    out.append(par[start:].strip())
    return [s for s in out if s]


def load_article(path):
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    problems = []
    if not lines[0].strip():
        problems.append("empty title line")
    for i, pat in enumerate(HEADER, start=1):
        if i >= len(lines) or not pat.match(lines[i]):
            problems.append(f"header line {i + 1} should match {pat.pattern!r}")
    j = 4
    if j < len(lines) and lines[j].startswith("By"):
        j += 1
    if j >= len(lines) or lines[j].strip():
        problems.append("header must be followed by one blank line")
    body = [l.strip() for l in lines[j + 1:] if l.strip()]
    words = sum(len(p.split()) for p in body)
    if not 500 <= words <= 650:
        problems.append(f"body has {words} words (want 500-650)")
    paragraphs = [split_sentences(p) for p in body]
    return paragraphs, words, problems


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    folder = os.path.abspath(sys.argv[1].rstrip("/"))
    name = os.path.basename(folder)
    errors, warnings = [], []

    arts = {}
    for fn in sorted(os.listdir(folder)):
        if fn.endswith(".txt"):
            if not re.match(r"^\d\d_[a-z0-9-]+\.txt$", fn):
                errors.append(f"{fn}: bad file name")
            paragraphs, words, problems = load_article(os.path.join(folder, fn))
            arts[fn[:2]] = (fn, paragraphs, words)
            errors += [f"{fn}: {p}" for p in problems]
    if sorted(arts) != [f"{i:02d}" for i in range(1, 11)]:
        errors.append(f"expected articles 01-10, found {sorted(arts)}")
    readme = os.path.join(folder, "README")
    if not os.path.exists(readme):
        errors.append("README missing")
    else:
        with open(readme, encoding="utf-8") as fh:
            if not fh.readline().startswith("HELD OUT"):
                errors.append("README: first line must start with 'HELD OUT'")

    with open(os.path.join(folder, "questions.json"), encoding="utf-8") as fh:
        data = json.load(fh)
    if data.get("corpus") != name:
        errors.append(f"corpus is {data.get('corpus')!r}, folder is {name!r}")
    qs = data["questions"]
    ids = [q["id"] for q in qs]
    if len(ids) != len(set(ids)):
        errors.append("duplicate question ids")
    n_ans = n_abs = n_facts = n_attrib = 0
    vocab = set()
    for fn, paragraphs, _ in arts.values():
        for par in paragraphs:
            for s in par:
                vocab.update(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]{3,}", s))
    shared_abstain = 0
    for q in qs:
        if q.get("abstain"):
            n_abs += 1
            if q.get("facts"):
                errors.append(f"{q['id']}: abstain question with facts")
            words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]{3,}", q["q"])}
            common = sorted(words & vocab - {"what", "when", "where", "which", "with", "from", "that", "this",
                                             "have", "does", "will", "been", "they", "their", "there", "much",
                                             "many", "about", "into", "over", "after", "before", "were", "would"})
            if common:
                shared_abstain += 1
            print(f"  abstain {q['id']}: shares words {common[:6]}")
            continue
        n_ans += 1
        facts = q.get("facts", [])
        if not 2 <= len(facts) <= 6:
            errors.append(f"{q['id']}: {len(facts)} facts (want 2-6)")
        for f in facts:
            n_facts += 1
            pat = re.compile(f["p"], re.I)
            att = re.compile(f["attrib"], re.I) if f.get("attrib") else None
            n_attrib += bool(att)
            label = f"{q['id']}: /{f['p']}/"
            for src in f["src"]:
                if src not in arts:
                    errors.append(f"{label}: source {src} does not exist")
                    continue
                fn, paragraphs, _ = arts[src]
                hits = [(i, s) for i, par in enumerate(paragraphs) for s in par if pat.search(s)]
                if not hits:
                    errors.append(f"{label}: no sentence of {src} matches")
                    continue
                if att and not any(att.search(" ".join(paragraphs[i])) for i, _ in hits):
                    errors.append(f"{label}: attrib /{f['attrib']}/ not in a paragraph of {src} with a match")
            for src, (fn, paragraphs, _) in arts.items():
                if src in f["src"]:
                    continue
                hits = [s for par in paragraphs for s in par if pat.search(s)]
                if hits:
                    errors.append(f"{label}: also matches {src} (not in src): {hits[0][:90]!r}")
    if shared_abstain < 3:
        errors.append(f"only {shared_abstain} abstain questions share words with the articles (want >= 3)")

    wc = [arts[k][2] for k in sorted(arts)]
    print(f"{name}: {len(arts)} articles, body words {min(wc) if wc else 0}-{max(wc) if wc else 0}; "
          f"{len(qs)} questions ({n_ans} answerable with {n_facts} facts, {n_attrib} attributed; {n_abs} abstain)")
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"FAILED ({len(errors)} errors)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
