"""The command line: briefbot feeds add/list/poll/remove, ingest https://…, remove, against the
loopback news site (private addresses allowed through the environment, as a user would)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    env = {"BRIEFBOT_DATA_DIR": str(tmp_path / "data"), "BRIEFBOT_AUTO_SEED": "false",
           "BRIEFBOT_MODEL__ENABLED": "false", "BRIEFBOT_FETCH__ALLOW_PRIVATE_ADDRESSES": "true",
           "BRIEFBOT_FETCH__TIMEOUT_SECONDS": "1"}

    def invoke(*args):
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


def test_follow_a_feed_poll_it_list_it_and_remove_it(run, feed_site_thread):
    site = feed_site_thread
    rss = site.feed("/rss.xml", "rss", ["evacuations", "rail", "paywall"])
    r = run("feeds", "add", rss, "--every", "1h", "--channel", "slack:C0123ABCD")
    assert r.exit_code == 0 and r.output == f"following #1: {rss} every 1h for slack channel C0123ABCD\n"
    assert run("feeds", "add", rss, "--channel", "slack:C0123ABCD").output.startswith("already following: #1:")
    missing = site.url("/missing.xml")
    run("feeds", "add", missing)
    r = run("feeds", "poll")
    assert r.exit_code == 1
    assert r.output.splitlines() == [
        f"#1 {rss}: 2 new entries ingested (back catalogue, not announced as new); 1 entry failed: "
        f"{site.page_url('paywall')}: no article text (only 68 characters: a paywall stub or a teaser?)",
        f"#2 {missing}: failed: not found (HTTP 404); next try in 15m",
    ]
    r = run("feeds", "poll")
    assert r.output.splitlines()[0] == f"#1 {rss}: unchanged (not modified)"
    listed = json.loads(run("feeds", "list", "--json").output)
    assert [(f["id"], f["every"], f["channel"], f["failures"], f["last_error"]) for f in listed] == [
        (1, "1h", "C0123ABCD", 0, None), (2, "15m", None, 2, "not found (HTTP 404)")]
    assert not any(f["alerted"] for f in listed)  # alerts go to chat from the scheduler, not from here
    assert run("feeds", "remove", "2").output == f"removed #2: {missing} every 15m; failing (2 in a row: not found (HTTP 404))\n"
    r = run("feeds", "add", rss, "--channel", "teams:x")
    assert r.exit_code == 2 and "give PLATFORM:ID, e.g. slack:C0123ABCD" in r.output


def test_ingest_pages_and_remove_them(run, feed_site_thread):
    site = feed_site_thread
    r = run("ingest", site.page_url("rail"), site.url("/report.pdf"))
    assert r.exit_code == 1
    assert f"failed: {site.url('/report.pdf')}: not an HTML page (content type application/pdf)" in r.output
    assert r.output.splitlines()[-1] == "1 added, 1 failed (2 pages)"
    sources = json.loads(run("sources", "--json").output)
    assert [s["url"] for s in sources] == [site.page_url("rail")]
    r = run("remove", site.page_url("rail"))
    assert r.output.splitlines() == [
        f"removed {sources[0]['id']} Rail line between Ostby and Carrow reopens after repairs ({site.page_url('rail')})",
        "1 document removed"]
    assert json.loads(run("sources", "--json").output) == []
    r = run("remove", "nothing-here")
    assert r.exit_code == 2 and "error: no document 'nothing-here'" in r.output


def test_private_addresses_are_refused_by_default(run, feed_site_thread, monkeypatch):
    site = feed_site_thread
    r = CliRunner().invoke(main, ["ingest", site.page_url("rail")], catch_exceptions=False,
                           env={"BRIEFBOT_DATA_DIR": str(ROOT / "does-not-matter"), "BRIEFBOT_AUTO_SEED": "false",
                                "BRIEFBOT_MODEL__ENABLED": "false", "BRIEFBOT_FETCH__ALLOW_PRIVATE_ADDRESSES": "false"})
    assert r.exit_code == 1
    assert "refused: 127.0.0.1 is a private, loopback or link-local address; set [fetch] allow_private_addresses = " \
           "true to allow it" in r.output
