"""Articles the method was not tuned on: the behaviour must carry over to new stories."""
from pathlib import Path

import pytest

from briefings.answer import answer_question
from briefings.ingest import ingest_paths
from briefings.store import SQLiteStore

from .faithful import assert_faithful

UNSEEN = Path(__file__).parent / "data" / "unseen"


@pytest.fixture(scope="module")
def unseen_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("unseen") / "store.sqlite3"
    store = SQLiteStore(path)
    assert not ingest_paths(store, [str(UNSEEN)]).failed
    store.close()
    return path


@pytest.fixture
def ask(unseen_db):
    store = SQLiteStore(unseen_db)

    def run(q):
        out = answer_question(store, q).to_json()
        assert_faithful(out)
        return out

    yield run
    store.close()


def texts(out):
    return [p["text"] for p in out["points"]]


def test_two_sources_in_one_sentence_keep_their_own_figures(ask):
    out = ask("crowd estimates?")
    assert out["points"][0]["lead"] is True
    assert any(t.startswith("Organisers: more than 100,000") for t in texts(out))
    assert any(t.startswith("Police: 24,000 people") for t in texts(out))
    assert not any("Police" in t and "100,000" in t for t in texts(out)[1:])  # never merged into one source


def test_names_match_with_or_without_diacritics(ask):
    for q in ("what did Vučić say?", "what did Vucic say?"):
        out = ask(q)
        assert out["kind"] == "statements"
        assert all("Vučić" in t.split(":")[0] for t in texts(out))
        assert any("€2.4 billion" in t for t in texts(out))


def test_an_appositive_between_speaker_and_verb(ask):
    out = ask("how many jobs?")
    assert any(t.startswith("Rio Tinto: 1,300 jobs") for t in texts(out))
    scholz = ask("what did Scholz say?")
    assert texts(scholz) == ["German Chancellor Olaf Scholz: Europe needed to reduce its dependence on China for "
                             "critical minerals."]


def test_one_unfamiliar_ordinary_word_is_tolerated_an_unknown_name_is_not(ask):
    died = ask("how many people died?")
    assert died["answered"] and "at least 43 people" in texts(died)[0]
    hit = ask("where did the earthquake hit?")
    assert hit["answered"] and "western Turkey" in texts(hit)[0]
    assert ask("How many tanks does Japan have?")["answered"] is False
    assert ask("what will happen to the price of bitcoin?")["answered"] is False


def test_why_questions_lead_with_reasons(ask):
    out = ask("why are people protesting?")
    assert "fear the Jadar mine would poison rivers" in texts(out)[0]


def test_measurements_disagreeing_are_shown_side_by_side(ask):
    out = ask("how strong was the earthquake?")
    assert out["points"][0]["text"].startswith("Sources give different figures: 7.0 (Kandilli Observatory); 6.8")
