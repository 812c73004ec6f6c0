"""docs/python.md's code, run: every ```python block in order in one namespace, from the
repository's root, except a block right after a `<!-- not run -->` line (the Ray recipe, which
test_ray.py runs on a cluster of its own; the Dask recipe runs here, its cluster local)."""

from __future__ import annotations

import os
import re

from conftest import ROOT

DOC = ROOT / "docs" / "python.md"


def blocks(text: str) -> list[str]:
    out = []
    skip = False
    for m in re.finditer(r"(<!-- not run[^>]*-->\s*)?```python\n(.*?)```", text, re.S):
        if not m.group(1):
            out.append(m.group(2))
    return out


def test_the_walkthrough_runs(monkeypatch, capsys):
    code = blocks(DOC.read_text())
    assert len(code) >= 5
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DETENTE_RECORD", "off")
    namespace: dict = {"__name__": "docs_python_md"}
    for i, block in enumerate(code):
        try:
            exec(compile(block, f"docs/python.md block {i + 1}", "exec"), namespace)
        except Exception as e:  # name the block that failed
            raise AssertionError(f"docs/python.md block {i + 1} failed: {e!r}\n{block}") from e
