"""Answers on the seed articles, with exact expectations."""
from pathlib import Path

import pytest

from briefings.answer import answer_question

from .faithful import assert_faithful

ROOT = Path(__file__).resolve().parents[1]


def ask(store, q):
    out = answer_question(store, q).to_json()
    assert_faithful(out, ROOT)
    return out


def cited_files(out, point):
    return {Path(out["sources"][n - 1]["document"]["path"]).name[:3] for n in point["citations"]}


def test_troop_estimates_are_who_says_what(store):
    out = ask(store, "troop estimates?")
    assert out["answered"] and out["kind"] == "numeric"
    lead, *points = out["points"]
    assert lead["text"].startswith("Sources give different figures:")
    for figure in ("roughly 12,000 (Ukraine)", "3,000 (Lloyd Austin)", "at least 1,500 (South Korea)"):
        assert figure in lead["text"]
    by_figure = {}
    for p in points:
        for who, phrase in [("Ukraine", "roughly 12,000 North Korean troops"),
                            ("Defense Secretary Lloyd Austin", "3,000 soldiers"),
                            ("South Korea", "at least 1,500 North Korean soldiers"),
                            ("Ukraine's main intelligence service", "up to 3,000 personnel"),
                            ("“Putin’s Korean ringers", "some 10,000 North Korean troops")]:
            if f"{who}: {phrase}" in p["text"] or (who.startswith("“") and who in p["text"] and phrase in p["text"]):
                by_figure[phrase] = cited_files(out, p)
    assert by_figure == {
        "roughly 12,000 North Korean troops": {"003", "004"},
        "3,000 soldiers": {"003"},
        "at least 1,500 North Korean soldiers": {"003"},
        "up to 3,000 personnel": {"004"},
        "some 10,000 North Korean troops": {"002"},
    }
    # side by side, never averaged: no figure appears that no source gave
    assert "6,625" not in str(out) and "average" not in str(out).lower()
    # the largest figure first, the smallest last
    values = [p["text"] for p in points]
    assert values.index(next(v for v in values if "12,000" in v)) < values.index(next(v for v in values if "1,500" in v))


def test_what_north_korea_gains_lists_distinct_cited_benefits(store):
    out = ask(store, "what does North Korea gain?")
    assert out["answered"] and out["kind"] == "benefit"
    lead, *points = out["points"]
    assert lead["text"].startswith("What North Korea stands to gain, according to ")
    assert "David Sanger" in lead["text"] and lead["text"].endswith("and others:")
    text = " ".join(p["text"] for p in points)
    for benefit in ("oil", "food", "technological help", "cash", "military involvement"):
        assert benefit in text, benefit
    quotes = [s["quote"] for s in out["sources"]]
    assert len(quotes) == len(set(quotes)) == len(points)  # nothing repeated
    assert all(len(p["citations"]) == 1 for p in points)


def test_statements_are_the_speakers_own(store):
    out = ask(store, "what did Putin say about the North Korean troops?")
    assert out["kind"] == "statements"
    assert all(p["text"].split(":")[0].endswith("Putin") for p in out["points"])
    text = " ".join(p["text"] for p in out["points"])
    assert "in contact" in text and "Images are a serious thing" in text


def test_paraphrases_reach_the_same_claims(store):
    a = ask(store, "what's in it for Pyongyang?")
    b = ask(store, "what does the DPRK get?")
    assert a["answered"] and b["answered"]
    assert {s["claim_id"] for s in a["sources"]} & {s["claim_id"] for s in b["sources"]}
    soldiers = ask(store, "how many soldiers has North Korea sent?")
    assert any("12,000" in p["text"] for p in soldiers["points"])


@pytest.mark.parametrize("q", [
    "what will the weather be in Paris tomorrow?",
    "Who won the football world cup final?",
    "recipe for banana bread",
])
def test_abstains_when_the_store_has_no_answer(store, q):
    out = ask(store, q)
    assert out["answered"] is False and out["points"] == [] and out["message"]


def test_empty_store_says_so(empty_store):
    out = answer_question(empty_store, "troop estimates?").to_json()
    assert out["answered"] is False and "no articles" in out["message"]


def test_casualties_are_not_troop_counts(store):
    out = ask(store, "casualties?")
    text = " ".join(p["text"] for p in out["points"])
    assert "300,000 casualties" in text and "U.S. officials" in text
    assert "12,000" not in text


def test_near_identical_claims_in_two_articles_are_cited_together(empty_store, tmp_path):
    from briefings.ingest import ingest_paths

    shared = "The harbour authority said 2,400 dock workers walked out on Monday."
    (tmp_path / "a.txt").write_text(f"Strike begins\n\n{shared} Ferries were cancelled across the region.\n")
    (tmp_path / "b.txt").write_text(f"Port at a standstill\n\n{shared} Cargo ships queued outside the port.\n")
    ingest_paths(empty_store, [str(tmp_path)])
    groups = {h.claim.group_id for h in empty_store.search('"dock"', 10)}
    assert len(groups) == 1
    for q in ("how many dock workers walked out?", "what did the harbour authority say about dock workers?"):
        out = answer_question(empty_store, q).to_json()
        assert_faithful(out)
        point = [p for p in out["points"] if "2,400 dock workers" in p["text"]][-1]
        assert "(two sources agree)" in point["text"]
        assert {out["sources"][n - 1]["document"]["path"][-5:] for n in point["citations"]} == {"a.txt", "b.txt"}
