"""The operations endpoints of ``briefbot run``, on ``[http] host:port``:

- ``GET /healthz``: 200 while the process lives and its event loop answers;
- ``GET /readyz``: 200 when the database answers, the store is prepared, and each platform
  this process runs is connected; else 503. The JSON body names each check and what is not
  ready, e.g. ``{"ready": false, "checks": {"database": "cannot connect ...", "slack": "ok"}}``;
- ``GET /metrics``: Prometheus' text format (``bot/metrics.py``).

A server of its own rather than routes on Slack's events server: it must answer before and
while a platform connects (Slack's server only starts once Slack accepted the token, and
Socket Mode and Discord have none), and metrics are best kept off the public events URL.
"""
from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path
from typing import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from briefings.store import check_database, is_postgres, sqlite_path

from .metrics import Metrics

log = logging.getLogger(__name__)
CHECK_TIMEOUT = 3.0  # seconds a readiness check may take before it counts as not ready
Check = Callable[[], Awaitable[str | None]]  # None when ready, else why not (one line, no secrets)


def database_answers(url: str, timeout: float = CHECK_TIMEOUT) -> str | None:
    """Why the store's database does not answer a query now; None when it does. A connection
    of its own, so a long question holding the store's lock does not look like an outage."""
    if is_postgres(url):
        return check_database(url, timeout=max(1, int(timeout)))
    path = sqlite_path(url)
    if path == ":memory:":
        return None
    try:
        conn = sqlite3.connect(Path(path).absolute().as_uri() + "?mode=ro", uri=True, timeout=timeout)
        try:
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as e:
        return f"cannot read {path}: {e}"
    return None


class OpsServer:
    def __init__(self, host: str, port: int, metrics: Metrics, checks: dict[str, Check]):
        self.host, self.port = host, port
        self.metrics = metrics
        self.checks = checks
        self.app = web.Application()
        self.app.router.add_get("/healthz", self.healthz)
        self.app.router.add_get("/readyz", self.readyz)
        self.app.router.add_get("/metrics", self.metrics_page)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]  # the port chosen, when 0 asked for any
        log.info("serving /healthz, /readyz and /metrics on %s:%d", self.host, self.port)

    async def close(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"alive": True})

    async def readyz(self, request: web.Request) -> web.Response:
        names = list(self.checks)
        results = await asyncio.gather(*(self._run(self.checks[n]) for n in names))
        checks = {n: r or "ok" for n, r in zip(names, results, strict=True)}
        not_ready = [n for n, r in zip(names, results, strict=True) if r]
        body = {"ready": not not_ready, "checks": checks}
        if not_ready:
            body["not_ready"] = not_ready
        return web.json_response(body, status=503 if not_ready else 200)

    async def _run(self, check: Check) -> str | None:
        try:
            return await asyncio.wait_for(check(), CHECK_TIMEOUT)
        except (asyncio.TimeoutError, TimeoutError):
            return f"no answer within {CHECK_TIMEOUT:g} s"
        except Exception as e:  # a check that fails says so, rather than failing the probe
            return f"{type(e).__name__}: {e}"[:300]

    async def metrics_page(self, request: web.Request) -> web.Response:
        body = await asyncio.to_thread(self.metrics.exposition)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
