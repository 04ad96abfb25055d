import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main

from .faithful import assert_faithful

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run ``briefbot`` from the project root with its store under tmp_path."""
    monkeypatch.chdir(ROOT)
    env = {"BRIEFBOT_DATA_DIR": str(tmp_path / "data")}

    def invoke(*args, input=None):
        return CliRunner().invoke(main, list(args), env=env, input=input, catch_exceptions=False)

    return invoke


def test_ask_works_out_of_the_box_from_the_seeds(run):
    r = run("ask", "troop estimates?")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("Sources give different figures:")
    assert "\nSources\n[1] “" in r.output and "seeds/003_" in r.output


def test_ask_json_contract(run):
    r = run("ask", "--json", "what does North Korea gain?")
    out = json.loads(r.output)
    assert set(out) >= {"question", "answered", "points", "sources"}
    s = out["sources"][0]
    assert set(s) >= {"n", "quote", "claim_id", "attributed_to", "document"}
    assert set(s["document"]) >= {"id", "path", "title", "outlet", "published", "url"}
    assert s["document"]["path"].startswith("seeds/")  # relative stays relative
    assert_faithful(out, ROOT)


def test_ask_json_stdin_one_line_per_question_in_order(run):
    questions = ["troop estimates?", "", "what will the weather be in Paris tomorrow?", "x" * 20000, "NEAR( AND *"]
    r = run("ask", "--json", "-", input="\n".join(questions) + "\n")
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert len(lines) == len(questions)
    outs = [json.loads(line) for line in lines]
    assert [o["question"] for o in outs] == questions
    assert [o["answered"] for o in outs] == [True, False, False, False, False]
    assert "keep it under 10,000" in outs[3]["message"]


def test_brief_has_cited_sections(run):
    r = run("brief", "--json")
    out = json.loads(r.output)
    titles = [s["title"] for s in out["sections"]]
    assert titles[0] == "Headline figures" and "Key developments" in titles
    assert_faithful(out, ROOT)
    ids = [s["claim_id"] for s in out["sources"]]
    assert len(ids) == len(set(ids))
    text = run("brief").output
    assert text.startswith("Briefing\n\nHeadline figures\n• ")


def test_brief_since_keeps_only_newer_documents(run, tmp_path):
    run("sources")
    r = run("brief", "--since", "2999-01-01")
    assert r.exit_code == 0 and "nothing new since 2999-01-01" in r.output
    bad = run("brief", "--since", "the day after never")
    assert bad.exit_code == 2 and "ISO date" in bad.output


def test_ingest_reports_each_bad_file_and_exits_non_zero(run, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Port strike\n\nAbout 2,400 dock workers stayed off the job, the port authority said.\n")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01")
    r = run("ingest", str(good), str(bad))
    assert r.exit_code == 1
    assert f"failed: {str(bad)!r}: binary file" in r.output
    assert "1 added, 1 failed (2 files)" in r.output
    again = run("ingest", str(good))
    assert again.exit_code == 0 and "1 unchanged" in again.output
    listing = run("sources")
    assert "Port strike" in listing.output and "seeds/000_" in listing.output


def test_sources_json(run):
    docs = json.loads(run("sources", "--json").output)
    assert len(docs) == 5 and sum(d["claims"] for d in docs) > 100
    assert [d["opinion"] for d in docs].count(True) == 1


def test_subscriptions_from_the_command_line(run):
    r = run("subscriptions", "add", "--platform", "slack", "--channel", "C1", "--time", "7:05", "--tz", "europe/paris",
            "--question", "troop estimates?")
    assert r.exit_code == 0 and "#1: the question “troop estimates?” at 07:05 Europe/Paris" in r.output
    assert "C1" in run("subscriptions", "list").output
    bad = run("subscriptions", "add", "--platform", "slack", "--channel", "C1", "--time", "7:05", "--tz", "Europe/Pari")
    assert bad.exit_code == 2 and "did you mean Europe/Paris?" in bad.output
    assert "removed #1" in run("subscriptions", "remove", "1").output
    assert run("subscriptions", "list").output.strip() == "no subscriptions"
    assert run("subscriptions", "remove", "1").exit_code == 2


def test_subscribing_twice_is_one_subscription_and_names_are_not_channel_ids(run):
    add = ("subscriptions", "add", "--platform", "slack", "--time", "08:30", "--tz", "Europe/London", "--topic")
    assert "added #1: a briefing on Ukraine" in run(*add, "Ukraine", "--channel", "C0123ABCD").output
    again = run(*add, "ukraine ", "--channel", "C0123ABCD")
    assert again.exit_code == 0 and "already there: #1: a briefing on Ukraine" in again.output
    named = run(*add, "Ukraine", "--channel", "#general")
    assert named.exit_code == 2
    assert "channel must be a Slack channel id such as C0123ABCD" in named.output and "'#general'" in named.output
    discord = run("subscriptions", "add", "--platform", "discord", "--channel", "general", "--time", "08:30",
                  "--tz", "UTC")
    assert discord.exit_code == 2 and "a Discord channel id, a number" in discord.output
    assert len(json.loads(run("subscriptions", "list", "--json").output)) == 1


def test_subscriptions_list_shows_next_run_and_last_delivery(run, tmp_path):
    from datetime import datetime, timedelta, timezone

    from briefings.service import BriefingService
    from briefings.store import open_store
    from briefings.subscriptions import SlotOutcome

    run("subscriptions", "add", "--platform", "slack", "--channel", "C0123ABCD", "--time", "7:05", "--tz",
        "Europe/Paris")
    [sub] = json.loads(run("subscriptions", "list", "--json").output)
    assert sub["last_delivery"] is None
    next_run = datetime.fromisoformat(sub["next_run"])
    assert next_run > datetime.now(timezone.utc) and f"{next_run:%H:%M}" == "07:05"
    assert next_run.utcoffset() in (timedelta(hours=1), timedelta(hours=2))  # Paris, winter or summer
    # a delivery, as a replica records it
    store = open_store(f"sqlite:///{tmp_path / 'data' / 'briefbot.sqlite3'}")
    due = datetime(2026, 3, 2, 6, 5, tzinfo=timezone.utc)
    service = BriefingService(store)
    assert service.claim_slot(sub["id"], "2026-03-02T07:05", due, "host:1:abc", due, timedelta(minutes=2))
    assert service.finish_slot(sub["id"], "2026-03-02T07:05", "host:1:abc", SlotOutcome("done", delivered_at=due), due)
    store.close()
    [sub] = json.loads(run("subscriptions", "list", "--json").output)
    assert sub["last_delivery"]["slot"] == "2026-03-02T07:05" and sub["last_delivery"]["status"] == "done"
    assert sub["last_delivery"]["due"] == "2026-03-02T07:05:00+01:00"
    assert (sub["id"], sub["platform"], sub["channel"], sub["kind"], sub["time"], sub["timezone"], sub["topic"],
            sub["quiet"], sub["enabled"]) == (1, "slack", "C0123ABCD", "briefing", "07:05", "Europe/Paris", None,
                                              False, True)
    text = run("subscriptions", "list").output
    assert "#1: a daily briefing at 07:05 Europe/Paris — next " in text
    assert "; last 2026-03-02 07:05 CET (posted)" in text


def test_config_check_names_problems_by_path_without_echoing_secrets(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    env = {"BRIEFBOT_SLACK__BOT_TOKEN": "xoxp-do-not-print-me", "BRIEFBOT_SLACK__PORT": "70000",
           "BRIEFBOT_DATA_DIR": str(tmp_path)}
    r = CliRunner().invoke(main, ["config", "check"], env=env)
    assert r.exit_code == 1
    assert "slack.port: Input should be less than or equal to 65535" in r.output
    assert "xoxp-do-not-print-me" not in r.output
    env["BRIEFBOT_SLACK__PORT"] = "3000"
    r = CliRunner().invoke(main, ["config", "check"], env=env)
    assert r.exit_code == 1 and "slack.bot_token: expected a bot token starting with xoxb-" in r.output
    assert "slack.app_token: required in Socket Mode" in r.output and "xoxp-do-not" not in r.output
    r = CliRunner().invoke(main, ["config", "check"], env={"BRIEFBOT_DATA_DIR": str(tmp_path)})
    assert r.exit_code == 0 and r.output.startswith("settings ok")


def test_run_without_credentials_says_what_to_set(run):
    r = run("run")
    assert r.exit_code == 1 and "BRIEFBOT_SLACK__BOT_TOKEN" in r.output and "BRIEFBOT_DISCORD__TOKEN" in r.output


def can_make_unreadable() -> list[str] | None:
    """A command prefix under which a chmod 000 file really cannot be read, or None. Root reads
    anything, except in a user namespace where its own uid is not mapped (``unshare --user``):
    there the owner's permission bits apply to it."""
    if os.geteuid() != 0:
        return []
    if shutil.which("unshare") and subprocess.run(["unshare", "--user", "true"]).returncode == 0:
        return ["unshare", "--user"]
    return None


def test_ingest_process_gives_each_odd_thing_one_line_and_ingests_the_rest(tmp_path, seeded_db):
    prefix = can_make_unreadable()
    if prefix is None:
        pytest.skip("running as root without user namespaces: nothing is unreadable to us")
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(seeded_db, data / "briefbot.sqlite3")
    arts = tmp_path / "arts"
    (arts / "locked").mkdir(parents=True)
    (arts / "a_good.txt").write_text("Port strike\n\nAbout 2,400 dock workers stayed off the job, the port authority said.\n")
    (arts / "b_utf16.txt").write_bytes("Ferry news\n\nThe ferry to Bréhat will sail again on Monday, the operator said.\n"
                                       .encode("utf-16"))
    (arts / "locked" / "c.txt").write_text("Locked\n\nNobody can read this sentence about the harbour today.\n")
    (arts / "loop").symlink_to(".")
    (arts / "new\nline.txt").write_bytes(b"\x00\x01")
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret\n\nThe mayor said the bridge would reopen in May next year.\n")
    secret.chmod(0)
    (arts / "locked").chmod(0)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")}, "BRIEFBOT_DATA_DIR": str(data)}
    try:
        r = subprocess.run([*prefix, sys.executable, "-m", "bot.cli", "ingest", str(arts), str(secret)], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=300)
    finally:
        (arts / "locked").chmod(0o755)
    assert r.returncode == 1, r.stderr
    assert r.stdout == "2 added, 4 failed (6 files)\n"
    assert r.stderr.splitlines() == [
        f"failed: {str(arts / 'locked')!r}: cannot read this folder (Permission denied)",
        f"failed: {str(arts / 'loop')!r}: symlink loop (leads back to {str(arts)!r}); not followed",
        f"failed: {str(arts)!r}"[:-1] + "/new\\nline.txt': binary file, not an article (expected text, Markdown or HTML)",
        f"failed: {str(secret)!r}: cannot read (Permission denied)",
    ]
    listing = subprocess.run([sys.executable, "-m", "bot.cli", "sources", "--json"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
    docs = {d["title"]: d for d in json.loads(listing.stdout)}
    assert docs["Port strike"]["claims"] == 1 and docs["Ferry news"]["claims"] == 1
    assert "Locked" not in docs and "Secret" not in docs and len(docs) == 7
