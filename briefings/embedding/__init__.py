"""Sentence embeddings: the ``Embedder`` interface, and where the model comes from.

briefbot's model is all-MiniLM-L6-v2 (Apache-2.0, 384 dimensions), run with no torch: by
onnxruntime over a graph built from the weights (``graph.py``), or by a small numpy forward
pass (``minilm.py``). Its weights come from the package index (see
``fetch.py``) and are checked against the published revision's sha256 before use.

``load_embedder`` never raises: without the weights it returns ``None`` and says why in one
log line, and briefbot answers lexically.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    name: str  # model and revision; stored with the vectors, so a change re-embeds
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class ModelUnavailable(Exception):
    """The model's weights are missing, fail their checksum, or cannot be fetched."""


def load_embedder(model_dir: Path, *, fetch: bool = True, runtime: str = "auto") -> Embedder | None:
    """The MiniLM embedder from ``model_dir`` (fetched there first if allowed), or None.
    ``runtime``: "auto", "onnx" or "numpy" (see ``minilm.MiniLM``)."""
    from .fetch import ensure_weights
    from .minilm import MiniLM

    try:
        files = ensure_weights(model_dir, fetch=fetch)
        return MiniLM(files.weights, files.tokenizer, runtime=runtime)
    except ModelUnavailable as e:
        log.warning("sentence-embedding model unavailable (%s); answering lexically. "
                    "`briefbot model fetch` installs it.", e)
        return None
    except ImportError as e:  # runtime = "onnx" without onnxruntime (with "auto", numpy runs instead)
        log.warning("[model] runtime = onnx, but %s; answering lexically. Install onnxruntime and onnx,"
                    " or set runtime = auto.", e)
        return None


MODEL_NAME = "all-MiniLM-L6-v2@1110a243"  # MiniLM.name, known without loading anything


def runtime_for(setting: str) -> str:
    """What the model would run on for this ``[model] runtime`` setting, found without loading
    anything: "onnx (onnxruntime X.Y.Z)" or "numpy" (and why, when the setting asked otherwise)."""
    from importlib import metadata

    try:
        metadata.version("onnx")  # builds the graph: both must be installed
        version = metadata.version("onnxruntime")
    except metadata.PackageNotFoundError:
        version = None
    if setting == "numpy":
        return "numpy"
    if version:
        return f"onnx (onnxruntime {version})"
    return "numpy (onnxruntime or onnx is not installed)" if setting == "auto" else \
        "none: runtime = onnx, but onnxruntime or onnx is not installed"


class LazyModel:
    """The model, loaded (and fetched, if allowed) the first time something embeds."""

    name = MODEL_NAME
    dim = 384

    def __init__(self, model_dir: Path, *, fetch: bool = True, runtime: str = "auto"):
        import threading

        self.model_dir = Path(model_dir)
        self.fetch = fetch
        self.runtime = runtime
        self._lock = threading.Lock()
        self._loaded = False
        self._embedder: Embedder | None = None

    def get(self) -> Embedder | None:
        """The loaded embedder, or None when the weights are unavailable (said once, in the log)."""
        if not self._loaded:
            with self._lock:
                if not self._loaded:
                    self._embedder = load_embedder(self.model_dir, fetch=self.fetch, runtime=self.runtime)
                    self._loaded = True
        return self._embedder
