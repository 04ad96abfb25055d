"""Answers from the real engine (the sentence model included) on the seeds and on other stories.

Every answer any test makes is checked the way the evaluation checks it (``assert_faithful``):
quotes verbatim, every point cited, every number in a point standing in a quote it cites."""
from pathlib import Path

import pytest

from briefings.answering.answer import answer_question, names_elsewhere
from briefings.ingest import ingest_paths

from .faithful import assert_faithful

ROOT = Path(__file__).resolve().parents[1]
UNSEEN = Path(__file__).parent / "data" / "unseen"


def ask(store, model, q):
    out = answer_question(store, model, q).to_json()
    assert_faithful(out, ROOT)
    return out


def cited(out, point):
    return {Path(out["sources"][n - 1]["document"]["path"]).name[:3] for n in point["citations"]}


def test_figures_are_who_says_what_side_by_side(store, model):
    out = ask(store, model, "troop estimates?")
    assert out["answered"] and out["kind"] == "numeric"
    lead = out["points"][0]
    assert lead["lead"] and lead["text"].startswith("Sources give different figures: ")
    for entry in ("roughly 12,000 North Korean troops (Ukraine)", "3,000 soldiers (Lloyd Austin)",
                  "at least 1,500 North Korean soldiers (South Korea)"):
        assert entry in lead["text"]
    assert "average" not in lead["text"].lower() and "4,300 tanks" not in lead["text"]  # not troops
    assert len(out["points"]) <= 9  # the lead and at most eight points


def test_a_statement_question_leads_with_the_speakers_own_words(store, model):
    out = ask(store, model, "what did Putin say about the North Korean troops?")
    assert out["answered"] and out["kind"] == "statements", out.get("message")
    sources = [s["attributed_to"] for s in out["sources"][:3]]
    assert "Vladimir Putin" in sources


def test_answers_what_was_asked_in_words_the_articles_do_not_use(store, model):
    out = ask(store, model, "what's in it for Pyongyang?")
    assert out["answered"]
    text = " ".join(p["text"] for p in out["points"]).lower()
    assert any(gain in text for gain in ("oil", "food", "technolog", "dollars", "cash"))


@pytest.mark.parametrize("question, missing", [
    ("what will the weather be in Paris tomorrow?", "Paris"),
    ("who won the Super Bowl this year?", "Super Bowl"),
])
def test_abstains_on_what_the_articles_never_mention(store, model, question, missing):
    out = ask(store, model, question)
    assert not out["answered"] and missing in out["message"] and out["points"] == []


def test_never_abstains_for_one_unknown_ordinary_word(store, model):
    assert ask(store, model, "troop estimates, ballpark?")["answered"]


def test_a_question_in_words_too_common_to_search_for_is_still_asked_of_the_model(store, model):
    out = ask(store, model, "is it over?")  # every word a stop word
    assert out["answered"] and out["points"]
    for bare in ("why?", "and then?"):  # no question at all: asked to say more
        out = ask(store, model, bare)
        assert not out["answered"] and out["message"].startswith("Ask a question about the articles")
    assert ask(store, None, "is it over?")["message"].startswith("Ask a question about the articles")


def test_without_the_model_it_answers_lexically(store):
    out = ask(store, None, "troop estimates?")
    assert out["answered"] and "12,000" in " ".join(p["text"] for p in out["points"])


@pytest.fixture
def two_stories(store, model):
    report = ingest_paths(store, [str(UNSEEN)], embedder=model)
    assert not report.failed
    return store


def test_a_figure_question_stays_within_its_story(two_stories, model):
    out = ask(two_stories, model, "how many people died in the earthquake?")
    assert out["answered"]
    assert {Path(s["document"]["path"]).name for s in out["sources"]} == {"quake.txt"}
    assert "at least 43 people" in out["points"][0]["text"]


def test_name_variants_match(two_stories, model):
    out = ask(two_stories, model, "what did Yerlikaja say?")  # a misspelling of Yerlikaya
    assert out["answered"] and "Yerlikaya" in " ".join(s["attributed_to"] or "" for s in out["sources"])


def test_an_acronym_the_articles_spell_out_is_understood(two_stories, model):
    # no article writes "APG"; one names the Archive of Public Gatherings
    out = ask(two_stories, model, "what crowd figure did the APG give?")
    assert out["answered"]
    assert any("27,000" in p["text"] and "Archive of Public Gatherings" in p["text"] for p in out["points"])


def test_a_question_in_a_channel_stays_within_the_channels_story(two_stories, model):
    """The store holds the seeds and three unseen stories; a channel's story is the quake alone."""
    quake = [d.id for d in two_stories.documents() if Path(d.path).name == "quake.txt"]
    out = answer_question(two_stories, model, "what are the estimates?", doc_ids=quake).to_json()
    assert_faithful(out, ROOT)
    assert out["answered"] and {Path(s["document"]["path"]).name for s in out["sources"]} == {"quake.txt"}
    whole = answer_question(two_stories, model, "how big was the crowd?").to_json()
    assert {Path(s["document"]["path"]).name for s in whole["sources"]} & {"protest.txt"}
    scoped = answer_question(two_stories, model, "how big was the crowd?", doc_ids=quake).to_json()
    assert {Path(s["document"]["path"]).name for s in scoped["sources"]} <= {"quake.txt"}


def test_names_elsewhere_are_those_the_store_mentions_outside_the_channels_story(two_stories):
    quake = [d.id for d in two_stories.documents() if Path(d.path).name == "quake.txt"]
    assert names_elsewhere(two_stories, "What did Milica Petrović say about Belgrade?", quake) == (
        "Milica Petrović", "Belgrade")
    assert names_elsewhere(two_stories, "What did Yerlikaya say in Izmir?", quake) == ()  # the quake's own
    assert names_elsewhere(two_stories, "Did Atlantis send help?", quake) == ()  # nowhere in the store
    assert names_elsewhere(two_stories, "how many died?", quake) == ()  # no names


@pytest.fixture
def column_store(empty_store, model, tmp_path):
    """A news report on a bridge's closure and an opinion column on it."""
    news = tmp_path / "01_report.txt"
    news.write_text(
        "Riverside bridge closed after inspectors find cracks\nSource: Valley Wire\n"
        "URL: https://valleywire.example/news/2026/05/02/bridge-closed\nDate: 2026-05-02\n\n"
        "The Riverside bridge was closed to traffic on Friday after inspectors found cracks in two of its steel girders.\n\n"
        "City engineer Paula Grant said the repairs would take at least six weeks and cost about $4 million.\n\n"
        "Mayor Tom Reyes said the council would meet on Monday to discuss detours for the 18,000 drivers who cross daily.\n\n"
        "“Nobody will be left stranded on the far bank,” he said.\n",
        encoding="utf-8")
    column = tmp_path / "02_column.txt"
    column.write_text(
        "The bridge did not fail overnight\nSource: Valley Courier\n"
        "URL: https://valleycourier.example/opinion/2026/05/06/bridge-did-not-fail-overnight\nDate: 2026-05-06\n"
        "By Hal Brekke\n\n"
        "Nobody should be surprised that the Riverside bridge is closed.\n\n"
        "For ten years the council has cut the maintenance budget and called it prudence.\n\n"
        "Deferred repairs are not savings; they are debts that come due with interest.\n\n"
        "The council should publish every inspection report and fund the work it has put off.\n",
        encoding="utf-8")
    ingest_paths(empty_store, [str(news), str(column)], embedder=model)
    return empty_store


def test_a_question_about_the_column_is_answered_from_the_column(column_store, model):
    """The opinion piece is known by its address (an /opinion/ section), and "what's the columnist
    arguing?" is answered with its writer's own sentences, not with the news around it."""
    out = ask(column_store, model, "what is the courier columnist arguing about the bridge?")
    assert out["answered"] and out["kind"] == "statements", out.get("message")
    assert out["points"] and all(cited(out, p) == {"02_"} for p in out["points"])
    text = " ".join(p["text"] for p in out["points"])
    assert "maintenance budget" in text and "Deferred repairs" in text


def test_an_opinion_question_reads_every_sentence_of_the_column_whatever_the_cut(column_store, model):
    """The candidates ranked in full are the best few by the two sides, and beyond them every
    sentence of an opinion piece: a column's argument rarely repeats the question's words."""
    from briefings.answering.analyse import analyse
    from briefings.answering.answer import read_evidence
    from briefings.answering.retrieve import gather

    q = analyse("what is the courier columnist arguing?")
    qvec = model.embed([q.text])[0]
    pool = gather(column_store, q, qvec)
    read_evidence(column_store, pool, qvec, keep=1)
    kept = {c.claim.text for c in pool.candidates}
    assert {"Nobody should be surprised that the Riverside bridge is closed.",
            "Deferred repairs are not savings; they are debts that come due with interest."} <= kept
    assert len(kept) == 5  # the four sentences of the column and the best one of the news


def test_the_named_speakers_claims_the_first_stage_cut_are_ranked_too(column_store, model):
    """A quote rarely repeats the question's words: the claims of the speaker a question names
    join the candidates ranked in full wherever the first stage put them."""
    from briefings.answering.analyse import analyse
    from briefings.answering.answer import read_evidence, recall_speaker
    from briefings.answering.retrieve import gather

    q = analyse("what did Tom Reyes say?")
    qvec = model.embed([q.text])[0]
    pool = gather(column_store, q, qvec)
    docs = read_evidence(column_store, pool, qvec, keep=1)
    quote = "“Nobody will be left stranded on the far bank,” he said."
    assert quote not in {c.claim.text for c in pool.candidates}
    recall_speaker(column_store, pool, q, docs)
    theirs = {c.claim.text for c in pool.candidates if c.claim.attributed_to == "Tom Reyes"}
    assert quote in theirs and len(theirs) == 2
    assert {c.claim.doc_id for c in pool.candidates} <= set(docs) and pool.rest == []


def test_a_described_speaker_found_by_name_keeps_the_description(column_store, model):
    """"what's the mayor been saying?": the mayor is found to be Tom Reyes, whose claims count as
    the mayor's, and so do any credited to the description itself ("the mayor")."""
    from briefings.answering.analyse import analyse
    from briefings.answering.answer import evidence
    from briefings.answering.retrieve import gather
    from briefings.answering.speakers import speaks

    q = analyse("what's the mayor been saying?")
    assert q.role == "mayor" and q.speaker is None
    qvec = model.embed([q.text])[0]
    pool = gather(column_store, q, qvec)
    q, _, _ = evidence(column_store, q, pool, qvec)
    assert (q.speaker, q.role) == ("Tom Reyes", "mayor")
    assert speaks(q, "Tom Reyes") and speaks(q, "the mayor") and not speaks(q, "Paula Grant")
    quote = "“Nobody will be left stranded on the far bank,” he said."
    assert quote in {c.claim.text for c in pool.candidates}
