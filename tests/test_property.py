"""Any string as a question gets an answer or a clear message, never a crash."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefings.answering.answer import answer_question
from briefings.store.sqlite import SQLiteStore

from .faithful import assert_faithful

NASTY = st.sampled_from([
    "", " ", "?", "AND", "OR NOT", 'NEAR("a" "b")', '"', "*", "troops*", "-troops", "^", "(((", "a:b",
    "'; DROP TABLE claims; --", "\x00", "<!channel> @everyone", "troops " * 500, "🙂 troop estimates?",
])
QUESTIONS = st.one_of(NASTY, st.text(max_size=300), st.lists(NASTY, max_size=6).map(" ".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=QUESTIONS)
def test_any_text_as_a_question_never_crashes(seeded_db, model, q):
    store = SQLiteStore(seeded_db)
    try:
        out = answer_question(store, model, q).to_json()
    finally:
        store.close()
    assert out["question"] == q
    assert isinstance(out["answered"], bool)
    assert_faithful(out)
    if not out["answered"]:
        assert out["message"]
