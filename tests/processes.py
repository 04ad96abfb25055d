"""Real ``briefbot`` processes for tests: started with settings in the environment, their log
lines collected as they come, awaited (never slept on), stopped with a signal and timed."""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A loopback port nothing listens on (also: a closed port for 'unreachable')."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lines:
    """Collects a process's stderr lines; ``wait_for`` awaits one containing a text."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self._changed = asyncio.Condition()
        self.task = asyncio.create_task(self._read(stream))

    async def _read(self, stream):
        async for raw in stream:
            async with self._changed:
                self.lines.append(raw.decode(errors="replace").rstrip())
                self._changed.notify_all()

    def having(self, text: str) -> list[str]:
        return [ln for ln in self.lines if text in ln]

    async def wait_for(self, text: str, timeout: float = 30) -> str:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: any(text in ln for ln in self.lines)), timeout)
        return self.having(text)[0]


class Bot:
    """``python -m bot.cli run`` from this checkout, its store a copy of the seeded one."""

    def __init__(self, tmp_path: Path, seeded_db: Path, env: dict[str, str], args: tuple[str, ...] = ("run",)):
        data = tmp_path / "data"
        data.mkdir(exist_ok=True)
        if not (data / "briefbot.sqlite3").exists():
            shutil.copy(seeded_db, data / "briefbot.sqlite3")
        base = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")}
        self.env = {**base, "BRIEFBOT_DATA_DIR": str(data), "BRIEFBOT_LOG_LEVEL": "INFO", **env}
        self.args = args
        self.proc: asyncio.subprocess.Process | None = None
        self.log: Lines | None = None

    async def __aenter__(self) -> "Bot":
        self.proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", *self.args, cwd=ROOT,
                                                         env=self.env, stderr=asyncio.subprocess.PIPE)
        self.log = Lines(self.proc.stderr)
        return self

    async def __aexit__(self, *exc) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        await self.log.task

    async def wait_for(self, text: str, timeout: float = 30) -> str:
        return await self.log.wait_for(text, timeout)

    async def exited(self, timeout: float = 30) -> int:
        code = await asyncio.wait_for(self.proc.wait(), timeout)
        await self.log.task
        return code

    async def stop(self, sig: signal.Signals = signal.SIGTERM) -> tuple[int, float]:
        """Send ``sig``; the exit status and how long the process took to exit."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        self.proc.send_signal(sig)
        code = await self.exited(timeout=20)
        return code, loop.time() - started

    @property
    def lines(self) -> list[str]:
        return self.log.lines
