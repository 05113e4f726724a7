"""Every ```python sample in README.md and docs/ runs (samples of one file share a namespace)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _with_samples() -> list[Path]:
    return [f for f in FILES if BLOCK.search(f.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("doc", _with_samples(), ids=lambda p: str(p.relative_to(ROOT)))
def test_samples_run(doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{doc.stem}"}
    for number, match in enumerate(BLOCK.finditer(doc.read_text(encoding="utf-8")), 1):
        code = compile(match.group(1), f"{doc.name} sample {number}", "exec")
        exec(code, namespace)
