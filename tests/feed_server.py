"""A news site on loopback: feeds in RSS, Atom and JSON Feed (with ETags and 304s), article
pages from ``tests/data/feeds``, and every way a fetch can go wrong.

    async def test_x(feed_site):
        feed_site.feed("/rss.xml", "rss", ["evacuations", "rail"])
        url = feed_site.url("/rss.xml")
        ...
        assert feed_site.hits("/rss.xml") == 2

Loaded with ``-p tests.feed_server`` (pyproject's addopts).
"""
from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

PAGES = Path(__file__).parent / "data" / "feeds"
# each article's headline and date, as the feeds list them
ARTICLES = {
    "evacuations": ("Floodwaters force evacuations along the Tarn", "2024-06-01T09:00:00+00:00"),
    "rail": ("Rail line between Ostby and Carrow reopens after repairs", "2024-06-01T11:00:00+00:00"),
    "bridges": ("Bridge inspections ordered after flood damage", "2024-06-02T08:00:00+00:00"),
    "revised": ("Evacuation count revised as Tarn waters recede", "2024-06-03T07:00:00+00:00"),
    "paywall": ("Inside the Tarn flood response", "2024-06-02T12:00:00+00:00"),
    "syndicated": ("Thousands leave homes as the Tarn floods", "2024-06-04T10:00:00+00:00"),  # evacuations, again
}


def _rfc822(iso: str) -> str:
    from datetime import datetime
    from email.utils import format_datetime

    return format_datetime(datetime.fromisoformat(iso), usegmt=True)


@dataclass
class FeedSite:
    base: str = ""
    feeds: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # path -> (content type, body)
    pages: dict[str, str] = field(default_factory=dict)  # slug -> HTML (edits override the files)
    requests: list[tuple[str, dict]] = field(default_factory=list)  # (path, headers) of every request

    def url(self, path: str) -> str:
        return self.base + path

    def page_url(self, slug: str) -> str:
        return self.url(f"/articles/{slug}.html")

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)

    def feed(self, path: str, kind: str, slugs: list[str]) -> str:
        """Serve a feed of these articles at ``path`` (replacing what was there); its URL."""
        items = [(s, *ARTICLES[s]) for s in slugs]
        if kind == "rss":
            body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tarn Valley Courier'
                    '</title><link>' + self.base + '/</link><description>News</description>'
                    + "".join(f"<item><title>{t}</title><link>{self.page_url(s)}</link><guid>{self.page_url(s)}</guid>"
                              f"<pubDate>{_rfc822(d)}</pubDate><description>{t}.</description></item>"
                              for s, t, d in items) + "</channel></rss>")
            self.feeds[path] = ("application/rss+xml", body.encode())
        elif kind == "atom":
            body = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                    '<title>Tarn Valley Courier: flood</title><id>urn:tvc:flood</id><updated>2024-06-03T07:00:00Z</updated>'
                    + "".join(f'<entry><title>{t}</title><id>urn:tvc:{s}</id><link href="{self.page_url(s)}"/>'
                              f"<updated>{d}</updated><summary>{t}.</summary></entry>" for s, t, d in items)
                    + "</feed>")
            self.feeds[path] = ("application/atom+xml", body.encode())
        else:
            body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Tarn Valley Courier (JSON)",
                               "items": [{"id": s, "url": self.page_url(s), "title": t, "date_published": d,
                                          "content_text": t + "."} for s, t, d in items]})
            self.feeds[path] = ("application/feed+json", body.encode())
        return self.url(path)

    # -- the server -----------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.requests.append((path, dict(request.headers)))
        if path in self.feeds:
            kind, body = self.feeds[path]
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            return web.Response(body=body, headers={"Content-Type": kind, "ETag": etag})
        if path.startswith("/articles/") and path.endswith(".html"):
            slug = path[len("/articles/"):-len(".html")]
            html = self.pages.get(slug) or ((PAGES / f"{slug}.html").read_text() if (PAGES / f"{slug}.html").is_file()
                                            else None)
            if html is not None:
                return web.Response(text=html, content_type="text/html")
        if path == "/broken.xml":
            return web.Response(text='<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title>'
                                     "<item><title>Half a title</tite></item></channel></rss>",
                                content_type="application/rss+xml")
        if path == "/error.xml":
            return web.Response(status=500, text="Internal Server Error")
        if path == "/slow.xml":
            await asyncio.Event().wait()  # never answers; the fetch's timeout ends it
        if path == "/huge.xml":
            resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
            await resp.prepare(request)
            for _ in range(64):  # 4 MB, without a Content-Length: the cap must stop the read
                await resp.write(b"<!-- " + b"x" * 65_000 + b" -->")
            return resp
        if path in ("/loop.xml", "/loop2.xml"):
            raise web.HTTPFound("/loop2.xml" if path == "/loop.xml" else "/loop.xml")
        if path == "/elsewhere.html":  # a redirect to another loopback address
            raise web.HTTPFound(self.base.replace("127.0.0.1", "127.0.0.2") + "/articles/rail.html")
        if path == "/moved.xml":
            raise web.HTTPMovedPermanently("/rss.xml")
        if path == "/report.pdf":
            return web.Response(body=b"%PDF-1.7\n", content_type="application/pdf")
        return web.Response(status=404, text="Not Found")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        await self._runner.cleanup()


@pytest.fixture
async def feed_site():
    site = FeedSite()
    await site.start()
    yield site
    await site.stop()


@pytest.fixture
def feed_site_thread():
    """The same site on a loop of its own, for tests that are not async (the command line)."""
    import threading

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    site = FeedSite()
    asyncio.run_coroutine_threadsafe(site.start(), loop).result(10)
    yield site
    asyncio.run_coroutine_threadsafe(site.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()
