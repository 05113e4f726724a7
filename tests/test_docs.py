"""Every ```python sample in README.md and docs/ runs (samples of one file share a namespace).

Samples run in a fresh folder holding ``cdk.out``: a copy of the examples app, synthesized once, so
that samples reading an assembly (``load_stacks("cdk.out")``) work as a reader's would
after ``make synth``.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _with_samples() -> list[Path]:
    return [f for f in FILES if BLOCK.search(f.read_text(encoding="utf-8"))]


@pytest.fixture(scope="session")
def examples_assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import aws_cdk as cdk

    sys.path.insert(0, str(ROOT))
    from examples.app import build_app

    out = tmp_path_factory.mktemp("examples") / "cdk.out"
    build_app(cdk.App(outdir=str(out))).synth()
    return out


@pytest.mark.parametrize("doc", _with_samples(), ids=lambda p: str(p.relative_to(ROOT)))
def test_samples_run(
    doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, examples_assembly: Path
) -> None:
    # A copy, not a link: a sample that synthesizes its own app into ./cdk.out (the explain
    # guide does) must not replace the examples assembly that later samples read.
    shutil.copytree(examples_assembly, tmp_path / "cdk.out")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{doc.stem}"}
    for number, match in enumerate(BLOCK.finditer(doc.read_text(encoding="utf-8")), 1):
        code = compile(match.group(1), f"{doc.name} sample {number}", "exec")
        exec(code, namespace)  # running our own documentation samples
