"""Where data lives does not depend on the current directory; `config show` says where it is."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.settings import default_data_dir, load_settings

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "xoxb-3333-4444-showmenot"


def briefbot(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real command, started from ``cwd``, importing this checkout's code."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")}
    full = {**clean, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd, env=full, capture_output=True,
                          text=True, timeout=120)


def test_relative_paths_in_a_settings_file_are_relative_to_that_file(tmp_path):
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "briefbot.toml").write_text(f'data_dir = "store"\nseeds_dir = "{ROOT / "seeds"}"\n')
    article = tmp_path / "port.txt"
    article.write_text("Port strike\n\nAbout 2,400 dock workers stayed off the job, the port authority said.\n")
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    settings = ["--config", str(conf / "briefbot.toml")]

    added = briefbot(*settings, "ingest", str(article), cwd=here)
    assert added.returncode == 0, added.stderr
    listing = briefbot(*settings, "sources", "--json", cwd=there)
    assert listing.returncode == 0, listing.stderr
    titles = [d["title"] for d in json.loads(listing.stdout)]
    assert "Port strike" in titles and len(titles) == 6  # the seeds and the article: one store
    assert (conf / "store" / "briefbot.sqlite3").is_file()
    assert not any(p.name == "data" for p in here.iterdir()) and not any(there.iterdir())


def test_the_default_store_is_the_same_from_any_folder_and_config_show_says_where(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shows = [briefbot("config", "show", cwd=cwd, env={"BRIEFBOT_SLACK__BOT_TOKEN": TOKEN}) for cwd in (ROOT, elsewhere)]
    assert all(s.returncode == 0 for s in shows), [s.stderr for s in shows]
    assert shows[0].stdout == shows[1].stdout
    out = shows[0].stdout
    assert f"# settings file: {ROOT / 'config' / 'briefbot.toml'}" in out
    assert f"# store: {ROOT / 'data' / 'briefbot.sqlite3'}" in out
    assert f'data_dir = "{ROOT / "data"}"' in out
    assert 'bot_token = "**********"' in out and TOKEN not in out and "# app_token (not set)" in out
    as_json = json.loads(briefbot("config", "show", "--json", cwd=elsewhere).stdout)
    assert as_json["database_url"] == f"sqlite:///{ROOT / 'data' / 'briefbot.sqlite3'}"
    assert not (elsewhere / "data").exists()


def test_env_file_beside_the_settings_file_and_relative_environment_paths(tmp_path):
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "briefbot.toml").write_text("")
    (conf / ".env").write_text(f"BRIEFBOT_SLACK__BOT_TOKEN={TOKEN}\n")
    r = briefbot("--config", str(conf / "briefbot.toml"), "config", "show", "--json", cwd=tmp_path,
                 env={"BRIEFBOT_DATA_DIR": "rel/data"})
    assert r.returncode == 0, r.stderr
    shown = json.loads(r.stdout)
    assert shown["slack"]["bot_token"] == "**********" and TOKEN not in r.stdout
    assert shown["data_dir"] == str(tmp_path / "rel" / "data")  # relative to where it was started, made absolute


def test_without_a_settings_file_data_goes_to_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    settings = load_settings(empty)
    assert settings.data_dir == default_data_dir() == tmp_path / "xdg" / "briefbot"
    assert settings.store_url == f"sqlite:///{tmp_path / 'xdg' / 'briefbot' / 'briefbot.sqlite3'}"


def test_the_project_settings_file_is_found_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("BRIEFBOT_CONFIG", raising=False)
    monkeypatch.delenv("BRIEFBOT_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.toml_path == ROOT / "config" / "briefbot.toml"
    assert settings.data_dir == ROOT / "data" and settings.seeds_dir == ROOT / "seeds"
