"""all-MiniLM-L6-v2: a 6-layer BERT encoder, mean pooling, L2 norm, without torch.

Two runtimes compute the same vectors (cosine > 0.99999 with sentence-transformers on the
test sentences, and with each other):

- onnxruntime, over the graph ``graph.py`` builds from these weights: a question in about
  4 ms on one thread, and the default whenever onnxruntime is installed;
- a numpy forward pass (``_forward``): about 11 ms a question; the fallback, and the
  reference the graph is tested against.

Texts are sorted by length and run in batches so that little time goes on padding. Every
array stays float32 (a numpy float64 scalar would silently promote them).
"""
from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Literal, Sequence

import numpy as np

from .fetch import REVISION

LAYERS, HEADS, HIDDEN = 6, 12, 384
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
BATCH = 32
SINGLE_THREAD_UP_TO = 64  # texts: a question (and its figures' nouns) is faster on one BLAS thread, and never
# stalls on a busy machine (17 nouns: 30-60 ms on one thread, 100-480 ms on two under load)


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    x = x - mean
    var = (x * x).mean(-1, keepdims=True)
    x /= np.sqrt(var + 1e-12)
    x *= gamma
    x += beta
    return x


def gelu(x: np.ndarray) -> np.ndarray:
    """x·Φ(x) with erf (BERT's exact GELU), via Abramowitz–Stegun 7.1.26 (error < 1.5e-7)."""
    u = np.abs(x) * (1 / math.sqrt(2))
    np.minimum(u, 6.0, out=u)  # erfc(6) < 1e-16; also keeps exp() away from denormals
    t = 1.0 / (1.0 + 0.3275911 * u)
    p = t * 1.061405429
    p -= 1.453152027
    p *= t
    p += 1.421413741
    p *= t
    p -= 0.284496736
    p *= t
    p += 0.254829592
    p *= t
    np.square(u, out=u)
    np.negative(u, out=u)
    np.exp(u, out=u)
    p *= u
    p *= 0.5  # Φ(-|x|)
    phi = np.where(x >= 0, 1.0 - p, p)
    phi *= x
    return phi


@lru_cache(maxsize=1)
def _controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


Runtime = Literal["auto", "onnx", "numpy"]


class MiniLM:
    """The embedder briefbot uses: ``MiniLM(weights, tokenizer).embed(["a sentence"])``.

    ``runtime``: "onnx" (onnxruntime, which must be installed), "numpy", or "auto" (onnx
    when onnxruntime imports, else numpy). ``self.runtime`` says which one runs."""

    dim = HIDDEN
    name = f"all-MiniLM-L6-v2@{REVISION[:8]}"

    def __init__(self, weights: Path, tokenizer: Path, runtime: Runtime = "auto"):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        w = load_file(str(weights))
        self.tok = Tokenizer.from_file(str(tokenizer))
        self.tok.no_padding()
        self.tok.enable_truncation(MAX_TOKENS)

        def get(name: str, transpose: bool = False) -> np.ndarray:
            a = w[name].astype(np.float32)
            return np.ascontiguousarray(a.T if transpose else a)

        self.word = get("embeddings.word_embeddings.weight")
        self.pos = get("embeddings.position_embeddings.weight")
        self.type0 = get("embeddings.token_type_embeddings.weight")[0]
        self.emb_ln = (get("embeddings.LayerNorm.weight"), get("embeddings.LayerNorm.bias"))
        self.layers = []
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."
            qkv = np.concatenate([get(p + f"attention.self.{n}.weight", True) for n in ("query", "key", "value")], 1)
            qkv_b = np.concatenate([get(p + f"attention.self.{n}.bias") for n in ("query", "key", "value")])
            self.layers.append((
                np.ascontiguousarray(qkv), qkv_b,
                get(p + "attention.output.dense.weight", True), get(p + "attention.output.dense.bias"),
                get(p + "attention.output.LayerNorm.weight"), get(p + "attention.output.LayerNorm.bias"),
                get(p + "intermediate.dense.weight", True), get(p + "intermediate.dense.bias"),
                get(p + "output.dense.weight", True), get(p + "output.dense.bias"),
                get(p + "output.LayerNorm.weight"), get(p + "output.LayerNorm.bias"),
            ))
        self.runtime = "numpy"
        self._session = None
        if runtime != "numpy":
            from .graph import Session

            try:
                self._session = Session(self)  # holds its own copy of the weights from here on
            except ImportError:  # onnxruntime or onnx is not installed
                if runtime == "onnx":
                    raise
            else:
                self.runtime = "onnx"
                del self.word, self.pos, self.layers

    def _runner(self):
        return self._session.run if self._session is not None else self._forward

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self._session is None and 0 < len(texts) <= SINGLE_THREAD_UP_TO:
            with _controller().limit(limits=1, user_api="blas"):
                return self._embed(texts)
        return self._embed(texts)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), HIDDEN), np.float32)
        if not texts:
            return out
        encodings = self.tok.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        batches = [order[start:start + BATCH] for start in range(0, len(order), BATCH)]
        run = self._runner()

        def one(idx: list[int]) -> np.ndarray:
            return run(*_inputs([encodings[i].ids for i in idx]))

        if self._session is not None and len(batches) > 1:
            # the session runs on one thread (a question never waits for a busy core);
            # onnxruntime releases the GIL, so batches run side by side, one per core
            with ThreadPoolExecutor(max(1, min(len(batches), os.cpu_count() or 1, 2))) as pool:
                results = list(pool.map(one, batches))
        else:
            results = [one(idx) for idx in batches]
        for idx, vecs in zip(batches, results):
            out[idx] = vecs
        return out

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        b, n = ids.shape
        x = self.word[ids] + self.pos[:n][None] + self.type0
        x = _layer_norm(x, *self.emb_ln).reshape(b * n, HIDDEN)
        bias = ((1.0 - mask) * -1e4)[:, None, None, :]
        dh = HIDDEN // HEADS
        scale = float(1 / math.sqrt(dh))
        for qkv, qkv_b, o_w, o_b, ln1_g, ln1_b, i_w, i_b, f_w, f_b, ln2_g, ln2_b in self.layers:
            h = x @ qkv + qkv_b
            q, k, v = (h[:, j * HIDDEN:(j + 1) * HIDDEN].reshape(b, n, HEADS, dh) for j in range(3))
            att = np.matmul(q.transpose(0, 2, 1, 3), k.transpose(0, 2, 3, 1)) * scale + bias
            att -= att.max(-1, keepdims=True)
            np.maximum(att, -60.0, out=att)
            np.exp(att, out=att)
            att /= att.sum(-1, keepdims=True)
            ctx = np.matmul(att, v.transpose(0, 2, 1, 3)).transpose(0, 2, 1, 3).reshape(b * n, HIDDEN)
            x = _layer_norm(ctx @ o_w + o_b + x, ln1_g, ln1_b)
            x = _layer_norm(gelu(x @ i_w + i_b) @ f_w + f_b + x, ln2_g, ln2_b)
        x = x.reshape(b, n, HIDDEN)
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def _inputs(batch: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids padded to the longest, and the mask of real tokens."""
    b, n = len(batch), max(len(ids) for ids in batch)
    ids = np.zeros((b, n), np.int64)
    mask = np.zeros((b, n), np.float32)
    for i, row in enumerate(batch):
        ids[i, :len(row)] = row
        mask[i, :len(row)] = 1.0
    return ids, mask
