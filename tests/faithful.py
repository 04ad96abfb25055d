"""The answer contract, checked the way the evaluation checks it."""
from __future__ import annotations

import re
from pathlib import Path

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
MARKER = re.compile(r"\[\d+(?:\s*[,;-]\s*\d+)*\]")


def numbers(text: str) -> set[str]:
    return {m.group(0).rstrip(",.") for m in NUMBER.finditer(text)}


def assert_faithful(out: dict, root: Path | None = None) -> None:
    """Every point cites; every quote is verbatim in its document; every number is in a cited quote."""
    sources = {s["n"]: s for s in out["sources"]}
    assert sorted(sources) == list(range(1, len(sources) + 1))
    for s in sources.values():
        path = Path(s["document"]["path"])
        if root is not None and not path.is_absolute():
            path = root / path
        text = " ".join(path.read_text(encoding="utf-8").split())
        assert " ".join(s["quote"].split()) in text, s["quote"]
    cited_ns = set()
    for p in out["points"]:
        assert p["citations"], p
        assert set(p["citations"]) <= set(sources), p
        cited_ns.update(p["citations"])
        cited = " ".join(
            " ".join(str(x) for x in (sources[n]["quote"], sources[n]["document"]["title"],
                                      sources[n]["document"]["published"]) if x)
            for n in p["citations"])
        missing = numbers(MARKER.sub(" ", p["text"])) - numbers(cited)
        assert not missing, (missing, p["text"])
    assert cited_ns == set(sources), "a source no point cites"
    if not out["answered"]:
        assert out["points"] == [] and out["sources"] == []
