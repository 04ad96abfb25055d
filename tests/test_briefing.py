"""Briefings from the answer engine's stages: sections, nothing repeated, and what changed since a time."""
from datetime import datetime, timedelta, timezone

from briefings.answering.briefing import build_briefing
from briefings.ingest import ingest_paths

from .fakes import HashEmbedder
from .faithful import assert_faithful

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)

OLD = """Troops massed near the border
Source: Example Wire
Date: 2025-02-28

Ukraine estimated that roughly 12,000 North Korean troops have entered Russia this month.
Seoul said at least 1,500 North Korean soldiers had arrived by sea in the far east.
The Kremlin declined to comment on the reports of the deployment on Friday.
"""
NEW = """Estimates of troops revised
Source: Daily Ledger
Date: 2025-03-02

Ukraine estimated that roughly 11,000 North Korean troops have entered Russia this month.
The Pentagon said 3,000 North Korean troops have entered Russia this month, fewer than Ukraine says.
Officials in Kyiv said the troops were training at five sites near the border.
"""


def ingest(store, tmp_path, name, text, at):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert not ingest_paths(store, [str(path)], embedder=HashEmbedder(), now=at).failed


def test_a_briefing_has_cited_sections_and_repeats_nothing(store, model):
    b = build_briefing(store, model, now=T0)
    assert [s.title for s in b.sections][:2] == ["Headline figures", "Key developments"]
    cited = [c for p in b.points for c in p.citations]
    assert len(cited) == len(set(cited))
    assert_faithful(b.to_json())


def test_since_a_time_it_leads_with_what_changed(empty_store, tmp_path):
    ingest(empty_store, tmp_path, "old.txt", OLD, T0)
    ingest(empty_store, tmp_path, "new.txt", NEW, T0 + timedelta(days=1))
    b = build_briefing(empty_store, HashEmbedder(), since=T0 + timedelta(hours=1), now=T0 + timedelta(days=1))
    first = b.sections[0]
    assert first.title == "What changed"
    texts = [p.text for p in first.points]
    assert "Ukraine now gives roughly 11,000 North Korean troops (earlier: roughly 12,000 North Korean troops)" in texts
    revised = first.points[texts.index(
        "Ukraine now gives roughly 11,000 North Korean troops (earlier: roughly 12,000 North Korean troops)")]
    assert {b.sources[n - 1].document.path.rsplit("/", 1)[-1] for n in revised.citations} == {"new.txt", "old.txt"}
    # only the new document's claims are briefed besides what changed
    assert {s.document.path.rsplit("/", 1)[-1] for s in b.sources} == {"new.txt", "old.txt"}
    assert all(b.sources[n - 1].document.path.endswith("new.txt") for s in b.sections[1:] for p in s.points
               for n in p.citations)
    assert_faithful(b.to_json())


def test_nothing_new_since_the_last_briefing_is_an_empty_briefing(empty_store, tmp_path):
    ingest(empty_store, tmp_path, "old.txt", OLD, T0)
    b = build_briefing(empty_store, HashEmbedder(), since=T0 + timedelta(hours=1), now=T0 + timedelta(days=1))
    assert b.empty and b.sections == ()
