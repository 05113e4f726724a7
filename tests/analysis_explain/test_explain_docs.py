"""The samples of docs/testing.md and docs/cli-explain.md run, and print what they show."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from cdk_iam_roles.cli import main

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def test_testing_guide_samples_run() -> None:
    namespace: dict[str, object] = {"__name__": "docs_testing"}
    blocks = _blocks((DOCS / "testing.md").read_text(encoding="utf-8"), "python")
    assert len(blocks) >= 4
    for block in blocks:
        exec(compile(block, "docs/testing.md", "exec"), namespace)
    tests = [value for name, value in namespace.items() if name.startswith("test_")]
    assert len(tests) >= 5
    for test in tests:
        assert callable(test)
        test()


def test_cli_guide_samples_print_what_the_page_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (DOCS / "cli-explain.md").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (sample,) = _blocks(text, "python")
    exec(compile(sample, "docs/cli-explain.md", "exec"), {"__name__": "docs_cli"})
    assert (tmp_path / "cdk.out" / "manifest.json").is_file()
    commands = 0
    for block in _blocks(text, "console"):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, shown = chunk.partition("\n")
            argv = shlex.split(command.removesuffix('; echo "exit $?"'))
            assert argv[0] == "cdk-iam-roles"
            code = main(argv[1:])
            out = capsys.readouterr().out
            assert f"{out}exit {code}\n" == shown
            commands += 1
    assert commands >= 5


def test_every_cause_code_has_a_documented_sample() -> None:
    """Issue 11: every cause code explain can name is in docs/cli-explain.md, with a sample."""
    source = (
        Path(__file__).resolve().parents[2] / "src" / "cdk_iam_roles" / "analysis" / "explain.py"
    )
    code_text = source.read_text(encoding="utf-8") if source.is_file() else ""
    if not code_text:  # a package: read every module of it
        package = source.with_suffix("")
        code_text = "\n".join(p.read_text(encoding="utf-8") for p in package.glob("*.py"))
    codes = set(re.findall(r'Cause\(\s*"([a-z-]+)"', code_text))
    codes |= set(re.findall(r'code(?:, message)? = \(?\s*"([a-z-]+)"', code_text))
    codes |= set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"\s+if failure', code_text))
    codes |= set(re.findall(r'else \(?"([a-z]+(?:-[a-z]+)+)"\)?', code_text))
    assert len(codes) >= 30, sorted(codes)
    text = (DOCS / "cli-explain.md").read_text(encoding="utf-8")
    samples = text.split("### Every cause code, with a sample", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^- `([a-z-]+)`: \S", samples, flags=re.MULTILINE))
    assert codes - documented == set()
