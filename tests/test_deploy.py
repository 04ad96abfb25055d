"""The deployment files, checked without Docker (no daemon, no `docker compose` here):
compose.yaml against the Compose Specification's own JSON schema (vendored, see
tests/data/compose-spec.json.source) plus the facts the deployment rests on, and the
Dockerfile's instructions as Docker's parser reads them (dockerfile-parse)."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import jsonschema
import pytest
import yaml
from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> list[dict]:
    parser = DockerfileParser(fileobj=(ROOT / "Dockerfile").open("rb"))
    return [i for i in parser.structure if i["instruction"] != "COMMENT"]


def stages(instructions: list[dict]) -> list[list[dict]]:
    out: list[list[dict]] = []
    for ins in instructions:
        if ins["instruction"] == "FROM":
            out.append([])
        out[-1].append(ins)
    return out


def env_of(stage: list[dict]) -> dict[str, str]:
    env = {}
    for ins in stage:
        if ins["instruction"] == "ENV":
            for word in shlex.split(ins["value"]):
                key, _, value = word.partition("=")
                env[key] = value
    return env


def test_compose_file_is_valid_against_the_compose_specification(compose):
    schema = json.loads((ROOT / "tests" / "data" / "compose-spec.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_the_schema_catches_a_mistake(compose):
    schema = json.loads((ROOT / "tests" / "data" / "compose-spec.json").read_text())
    broken = {**compose, "services": {**compose["services"],
                                      "db": {**compose["services"]["db"], "helthcheck": {"test": "true"}}}}
    assert not jsonschema.Draft7Validator(schema).is_valid(broken)


def test_compose_runs_two_replicas_on_postgresql_15_once_it_is_healthy(compose):
    db, bot = compose["services"]["db"], compose["services"]["briefbot"]
    assert db["image"] == "postgres:15"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert bot["deploy"]["replicas"] == 2
    assert bot["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert bot["environment"]["BRIEFBOT_DATABASE_URL"] == "postgresql://briefbot@db:5432/briefbot"
    assert "@db" in bot["environment"]["BRIEFBOT_DATABASE_URL"] and "PGPASSWORD" in bot["environment"]
    assert bot["env_file"] == ".env"  # tokens, never in the compose file
    assert "ports" not in bot  # two replicas cannot publish one host port; 8080 stays on the network
    assert not re.search(r"xox[bpa]-|xapp-", (ROOT / "compose.yaml").read_text())


def test_dockerfile_is_slim_non_root_with_the_model_fetched_at_build_time(dockerfile):
    build, run = stages(dockerfile)
    assert [s[0]["value"].split()[0] for s in (build, run)] == ["python:3.11-slim", "python:3.11-slim"]

    # the model: fetched (and checked) in the build stage, copied, never fetched at run time
    runs = [i["value"] for i in build if i["instruction"] == "RUN"]
    assert any("briefbot model fetch" in r for r in runs)
    fetch_at = next(n for n, i in enumerate(build) if "briefbot model fetch" in i["value"])
    install_at = next(n for n, i in enumerate(build) if "pip install ." in i["value"])
    assert install_at < fetch_at
    model_dir = env_of(build)["BRIEFBOT_MODEL__DIR"]
    assert model_dir.startswith("/opt/briefbot/")
    assert any(i["instruction"] == "COPY" and i["value"] == "--from=build /opt/briefbot /opt/briefbot" for i in run)
    env = env_of(run)
    assert env["BRIEFBOT_MODEL__DIR"] == model_dir and env["BRIEFBOT_MODEL__FETCH"] == "false"
    assert env["BRIEFBOT_HTTP__PORT"] == "8080"

    # non-root from USER on, and the last word on the user
    users = [i["value"] for i in run if i["instruction"] == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert f"--home-dir /home/{users[-1]}" in " ".join(i["value"] for i in run if i["instruction"] == "RUN")

    [health] = [i["value"] for i in run if i["instruction"] == "HEALTHCHECK"]
    assert "http://127.0.0.1:8080/healthz" in health
    [cmd] = [i["value"] for i in run if i["instruction"] == "CMD"]
    assert json.loads(cmd) == ["briefbot", "run"]


def test_the_image_gets_only_what_it_needs(dockerfile):
    ignored = (ROOT / ".dockerignore").read_text().split()
    for secret_or_state in (".env", "data/", "*.sqlite3", ".git", "tests/"):
        assert secret_or_state in ignored
    copied = {i["value"].split()[0] for i in dockerfile if i["instruction"] == "COPY" and "--from" not in i["value"]}
    assert copied == {"pyproject.toml", "briefings", "bot", "seeds"}
