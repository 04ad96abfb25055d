"""Following feeds and reading pages, against a news site on loopback (tests/feed_server.py):
three feed formats with 304s, every way a fetch fails (each reported once, with its reason),
stories in two feeds stored once, edited stories replacing their claims, one alert per outage."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from briefings.errors import BadInput
from briefings.feeds import after_poll
from briefings.following import FeedPolicy
from briefings.service import BriefingService
from briefings.web.fetch import FetchPolicy, canonical_url, refused_address

from .fakes import Clock
from .feed_server import PAGES

UTC = timezone.utc
T0 = datetime(2024, 6, 3, 6, 0, tzinfo=UTC)
LOOPBACK = FetchPolicy(timeout=1.0, max_bytes=1_000_000, max_redirects=3, allow_private=True)


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def reader(empty_store, fake_embedder, clock) -> BriefingService:
    return BriefingService(empty_store, embedder=fake_embedder, clock=clock, fetch_policy=LOOPBACK,
                           feed_policy=FeedPolicy(default_every=900, min_every=60, max_backoff=3600, alert_after=3))


def urls(service: BriefingService) -> list[str]:
    return sorted(d.url for d in service.store.documents())


# -- pages ------------------------------------------------------------------------------------

async def test_a_page_is_fetched_and_its_article_ingested_once(reader, feed_site):
    result = await reader.ingest_url(feed_site.page_url("evacuations"))
    assert (result.status, result.error) == ("added", None) and result.claims >= 5
    [doc] = reader.store.documents()
    assert (doc.title, doc.outlet, doc.url) == ("Floodwaters force evacuations along the Tarn", "Tarn Valley Courier",
                                                feed_site.page_url("evacuations"))
    again = await reader.ingest_url(feed_site.page_url("evacuations") + "?utm_source=newsletter#top")
    assert again.status == "unchanged" and len(reader.store.documents()) == 1


@pytest.mark.parametrize("path, reason", [
    ("/articles/gone.html", "not found (HTTP 404)"),
    ("/error.xml", "server error (HTTP 500 Internal Server Error)"),
    ("/slow.xml", "timed out after 1 s"),
    ("/report.pdf", "not an HTML page (content type application/pdf)"),
    ("/loop.xml", "too many redirects (more than 3; a redirect loop?)"),
    ("/articles/paywall.html", "no article text (only 68 characters: a paywall stub or a teaser?)"),
])
async def test_each_page_failure_is_one_line_with_its_reason(reader, feed_site, path, reason):
    result = await reader.ingest_url(feed_site.url(path))
    assert result.status == "failed"
    assert result.error == f"{feed_site.url(path)}: {reason}"
    assert reader.store.documents() == []


async def test_a_body_past_the_size_cap_is_refused(reader, feed_site):
    reader.fetch_policy = FetchPolicy(timeout=5, max_bytes=100_000, allow_private=True)
    reader.add_feed(feed_site.url("/huge.xml"))
    [poll] = await reader.poll_feeds(now=T0)
    assert poll.error == "too large (more than 100,000 bytes)"


async def test_private_and_loopback_addresses_are_refused_unless_allowed(reader, feed_site):
    reader.fetch_policy = FetchPolicy(timeout=5)  # the default: private addresses refused
    literal = await reader.ingest_url(feed_site.page_url("rail"))
    assert literal.error == (f"{feed_site.page_url('rail')}: refused: 127.0.0.1 is a private, loopback or link-local "
                             "address; set [fetch] allow_private_addresses = true to allow it")
    by_name = feed_site.page_url("rail").replace("127.0.0.1", "localhost")
    resolved = await reader.ingest_url(by_name)
    assert resolved.status == "failed" and "refused: localhost resolves to a private, loopback or link-local" in resolved.error
    assert not feed_site.requests  # nothing was ever sent


async def test_every_redirect_hop_is_checked(reader, feed_site, monkeypatch):
    from briefings.web import fetch as fetch_module

    # 127.0.0.1 stands for a public address here, 127.0.0.2 for a private one
    monkeypatch.setattr(fetch_module, "refused_address", lambda a: a.startswith("127.0.0.2"))
    reader.fetch_policy = FetchPolicy(timeout=5)
    assert (await reader.ingest_url(feed_site.page_url("rail"))).status == "added"
    result = await reader.ingest_url(feed_site.url("/elsewhere.html"))
    moved = feed_site.base.replace("127.0.0.1", "127.0.0.2") + "/articles/rail.html"
    assert result.error == (f"{feed_site.url('/elsewhere.html')}: refused: 127.0.0.2 is a private, loopback or "
                            f"link-local address (redirected to {moved}); set [fetch] allow_private_addresses = true "
                            "to allow it")
    assert feed_site.hits("/elsewhere.html") == 1


@pytest.mark.parametrize("address, refused", [
    ("127.0.0.1", True), ("10.1.2.3", True), ("172.16.0.9", True), ("192.168.1.1", True), ("169.254.169.254", True),
    ("::1", True), ("fe80::1", True), ("fd00::1", True), ("::ffff:127.0.0.1", True), ("0.0.0.0", True),
    ("93.184.215.14", False), ("2606:4700::6810:85e5", False),
])
def test_which_addresses_are_refused(address, refused):
    assert refused_address(address) is refused


def test_canonical_urls_drop_what_does_not_name_the_story():
    assert canonical_url("HTTPS://News.Example:443/a/b?utm_medium=rss&id=7#comments") == "https://news.example/a/b?id=7"
    assert canonical_url("http://news.example") == "http://news.example/"


async def test_only_web_addresses_are_fetched(reader):
    with pytest.raises(BadInput, match="give an http:// or https:// URL"):
        await reader.ingest_url("file:///etc/passwd")


# -- feeds ------------------------------------------------------------------------------------

async def test_three_formats_stories_in_two_feeds_stored_once_and_304s(reader, feed_site, clock):
    rss = feed_site.feed("/rss.xml", "rss", ["evacuations", "bridges"])
    atom = feed_site.feed("/atom.xml", "atom", ["bridges", "rail"])
    js = feed_site.feed("/feed.json", "json", ["rail", "evacuations"])
    for url in (rss, atom, js):
        assert reader.add_feed(url, every="15m").created
    assert not reader.add_feed(rss).created  # following it again: the same feed

    polls = await reader.poll_feeds()
    assert [p.line() for p in polls] == [
        f"#1 {rss}: 2 new entries ingested (back catalogue, not announced as new)",
        f"#2 {atom}: 1 new entry ingested (back catalogue, not announced as new)",
        f"#3 {js}: unchanged",
    ]
    assert urls(reader) == sorted(feed_site.page_url(s) for s in ("bridges", "evacuations", "rail"))
    # the back catalogue counts from its own dates: a briefing "since" this morning has nothing new
    assert reader.brief(since=T0 - timedelta(hours=1)).empty
    assert [f.title for f in reader.feeds()] == ["Tarn Valley Courier", "Tarn Valley Courier: flood",
                                                 "Tarn Valley Courier (JSON)"]

    assert await reader.poll_feeds() == []  # none is due yet
    clock.now += timedelta(minutes=15)
    again = await reader.poll_feeds()
    assert [p.line() for p in again] == [f"#{n} {u}: unchanged (not modified)" for n, u in ((1, rss), (2, atom), (3, js))]
    assert all(h.get("If-None-Match") for p, h in feed_site.requests[-3:])
    assert sum(feed_site.hits(f"/articles/{s}.html") for s in ("evacuations", "bridges", "rail")) == 6  # once a feed
    assert len(reader.store.documents()) == 3


async def test_new_entries_are_new_and_edited_ones_replace_their_claims(reader, feed_site, clock):
    rss = feed_site.feed("/rss.xml", "rss", ["evacuations"])
    reader.add_feed(rss)
    await reader.poll_feeds()
    [old] = reader.store.documents()
    assert old.ingested_at == datetime(2024, 6, 1, 9, tzinfo=UTC)  # the back catalogue: its own date

    clock.now += timedelta(minutes=15)
    feed_site.feed("/rss.xml", "rss", ["evacuations", "revised"])
    [poll] = await reader.poll_feeds()
    assert poll.line() == f"#1 {rss}: 1 new entry ingested"
    new = reader.find_documents(feed_site.page_url("revised"))[0]
    assert new.ingested_at == clock.now

    clock.now += timedelta(minutes=15)
    page = (PAGES / "evacuations.html").read_text()
    feed_site.pages["evacuations"] = page.replace("12,000 residents", "12,500 residents")
    body = feed_site.feeds["/rss.xml"][1].replace(b"Sat, 01 Jun 2024 09:00:00 GMT", b"Sat, 01 Jun 2024 18:00:00 GMT")
    feed_site.feeds["/rss.xml"] = ("application/rss+xml", body)
    [poll] = await reader.poll_feeds()
    assert poll.line() == f"#1 {rss}: 0 new entries ingested, 1 edited entry re-read"
    [edited] = reader.find_documents(feed_site.page_url("evacuations"))
    claims = [i.claim.text for i in reader.store.claims_of([edited.id], with_vectors=False)]
    assert any("12,500 residents" in c for c in claims) and not any("12,000 residents" in c for c in claims)
    assert len(reader.store.documents()) == 2


async def test_failures_are_reported_once_each_with_their_reason_and_alert_once(reader, feed_site, clock):
    good = feed_site.feed("/rss.xml", "rss", ["evacuations", "paywall"])
    feeds = {"broken": feed_site.url("/broken.xml"), "missing": feed_site.url("/missing.xml"),
             "error": feed_site.url("/error.xml"), "slow": feed_site.url("/slow.xml"),
             "loop": feed_site.url("/loop.xml")}
    reader.add_feed(good)
    for url in feeds.values():
        reader.add_feed(url)
    polls = await reader.poll_feeds()
    assert [p.line() for p in polls] == [
        f"#1 {good}: 1 new entry ingested (back catalogue, not announced as new); 1 entry failed: "
        f"{feed_site.page_url('paywall')}: no article text (only 68 characters: a paywall stub or a teaser?)",
        f"#2 {feeds['broken']}: failed: not a well-formed feed (line 1, column 114: mismatched tag); next try in 15m",
        f"#3 {feeds['missing']}: failed: not found (HTTP 404); next try in 15m",
        f"#4 {feeds['error']}: failed: server error (HTTP 500 Internal Server Error); next try in 15m",
        f"#5 {feeds['slow']}: failed: timed out after 1 s; next try in 15m",
        f"#6 {feeds['loop']}: failed: too many redirects (more than 3; a redirect loop?); next try in 15m",
    ]
    alerts: list[str] = []
    for _ in range(4):  # each failing feed backs off (15m, 30m, 60m, 60m): poll whenever one is due
        clock.now += timedelta(hours=1)
        for p in await reader.poll_feeds():
            if p.alert:
                alerts.append(p.alert_text())
            if p.feed.id == 1:
                assert p.line() == f"#1 {good}: unchanged (not modified)"  # the paywalled entry: reported once
    assert sorted(alerts) == sorted(
        f"Feed #{n} {url} has failed 3 times in a row: {reason}. I will keep trying, less often, and say when it "
        "works again." for n, url, reason in [
            (2, feeds["broken"], "not a well-formed feed (line 1, column 114: mismatched tag)"),
            (3, feeds["missing"], "not found (HTTP 404)"),
            (4, feeds["error"], "server error (HTTP 500 Internal Server Error)"),
            (5, feeds["slow"], "timed out after 1 s"),
            (6, feeds["loop"], "too many redirects (more than 3; a redirect loop?)")])
    assert [f.failures for f in reader.feeds()] == [0, 5, 5, 5, 5, 5]
    assert reader.feeds()[2].next_poll_at == clock.now + timedelta(hours=1)  # the cap

    feed_site.feed("/missing.xml", "atom", ["rail"])  # the feed comes back
    clock.now += timedelta(hours=1)
    polls = {p.feed.id: p for p in await reader.poll_feeds()}
    assert polls[3].recovered and polls[3].recovery_text() == f"Feed #3 {feeds['missing']} works again."
    # it never worked before: what it lists now is its back catalogue
    assert polls[3].line() == f"#3 {feeds['missing']}: 1 new entry ingested (back catalogue, not announced as new)"
    assert [p.feed.id for p in polls.values() if p.recovered] == [3]
    assert len(reader.store.documents()) == 2


async def test_an_interval_below_the_minimum_or_unreadable_says_what_is_allowed(reader):
    with pytest.raises(BadInput, match=r"interval '10s' is too short: the shortest is 1m"):
        reader.add_feed("https://news.example/feed.xml", every="10s")
    with pytest.raises(BadInput, match=r"use a number and a unit, e.g. 15m, 1h or 1d"):
        reader.add_feed("https://news.example/feed.xml", every="often")


async def test_a_feed_polled_by_another_process_is_skipped(reader, feed_site):
    rss = feed_site.feed("/rss.xml", "rss", ["rail"])
    feed = reader.add_feed(rss).feed
    assert reader.hold_lease(f"feed:{feed.id}", "another-process", timedelta(minutes=5))
    assert await reader.poll_feeds() == []
    [poll] = await reader.poll_feeds(due_only=False)
    assert poll.line() == f"#1 {rss}: skipped: another process is polling it"
    assert feed_site.requests == []


async def test_removing_a_document_by_url_path_or_id(reader, feed_site, tmp_path):
    await reader.ingest_url(feed_site.page_url("rail"))
    await reader.ingest_url(feed_site.page_url("bridges"))
    article = tmp_path / "note.txt"
    article.write_text("Ferry fares rise\n\nThe harbour board said ferry fares would rise by five percent in July. "
                       "Commuters said the increase was unfair.\n")
    reader.ingest([str(article)])
    assert [d.title for d in reader.remove(feed_site.page_url("rail") + "?utm_source=x")] == [
        "Rail line between Ostby and Carrow reopens after repairs"]
    assert [d.title for d in reader.remove(str(article))] == ["Ferry fares rise"]
    [left] = reader.store.documents()
    assert [d.id for d in reader.remove(left.id)] == [left.id]
    with pytest.raises(Exception, match="no document 'nothing'"):
        reader.remove("nothing")
    assert reader.store.claim_count() == 0


async def test_retention_drops_documents_older_than_the_setting(reader, feed_site, clock):
    reader.retention_days = 1
    feed_site.feed("/rss.xml", "rss", ["evacuations", "bridges", "revised"])
    reader.add_feed(feed_site.url("/rss.xml"))
    await reader.poll_feeds()  # back catalogue dated 1, 2 and 3 June; now is 3 June 06:00
    gone = reader.expire()
    assert [d.title for d in gone] == ["Floodwaters force evacuations along the Tarn"]
    assert sorted(d.title for d in reader.store.documents()) == ["Bridge inspections ordered after flood damage",
                                                                 "Evacuation count revised as Tarn waters recede"]
    answer = reader.ask("how many residents were evacuated?")
    assert all("Floodwaters" not in s.document.title for s in answer.sources)


async def test_pages_and_feed_entries_reach_the_observer(empty_store, fake_embedder, clock, feed_site):
    """Ingest counts (the metrics) include what came from the web, not only files."""
    from .test_ops import Recording

    seen = Recording()
    service = BriefingService(empty_store, embedder=fake_embedder, clock=clock, fetch_policy=LOOPBACK, observer=seen)
    await service.ingest_url(feed_site.page_url("evacuations"))
    await service.ingest_url(feed_site.page_url("gone"))
    service.add_feed(feed_site.feed("/rss.xml", "rss", ["bridges"]))
    await service.poll_feeds()
    statuses = [[status for status, _ in h[1]] for h in seen.history if h[0] == "ingested"]
    assert statuses == [["added"], ["failed"], ["added"]]
    assert all(claims > 0 for h in seen.history if h[0] == "ingested" for status, claims in h[1] if status == "added")


@pytest.mark.parametrize("state, ok, notify, expected", [
    ((0, False), False, True, (1, False, False, False)),  # a first failure: counted
    ((2, False), False, True, (3, True, True, False)),  # the third in a row: the one alert
    ((3, True), False, True, (4, True, False, False)),  # later failures: no second alert
    ((4, True), True, True, (0, False, False, True)),  # it works again: the one notice
    ((0, False), True, True, (0, False, False, False)),  # a good poll after good ones: nothing to say
    ((2, False), False, False, (3, False, False, False)),  # polled without notifying (feeds poll)
    ((4, True), True, False, (0, True, False, False)),  # ... leaves the notice to the scheduler
])
def test_after_poll_alerts_once_an_outage_and_once_its_end(state, ok, notify, expected):
    assert after_poll(*state, ok=ok, alert_after=3, notify=notify) == expected
