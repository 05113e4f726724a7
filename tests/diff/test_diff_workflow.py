"""The documented GitHub Actions workflow, run on two versions of the examples app.

GIVEN the examples app synthesized as BASE, and again with one role widened as HEAD,
WHEN the exact ``cdk-iam-roles diff`` command lines of docs/ci-diff-github-actions.md run
(as a real process), THEN the Markdown names the widened role first and the SARIF log
holds its result; BASE against itself is proved clean (no unknown verdict).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "ci-diff-github-actions.md"
CLI = Path(sys.executable).parent / "cdk-iam-roles"

pytestmark = pytest.mark.slow


def _synth(out: Path, *, widen: bool) -> Path:
    import aws_cdk as cdk
    from aws_cdk import aws_iam as iam

    sys.path.insert(0, str(ROOT))
    from examples.app import build_app

    app = build_app(cdk.App(outdir=str(out)))
    if widen:
        role = app.node.find_child("ServiceRoles").node.find_child("Checkout")
        assert isinstance(role, iam.Role)
        role.add_to_principal_policy(iam.PolicyStatement(actions=["iam:PassRole"], resources=["*"]))
    app.synth()
    return out


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("workflow")
    return _synth(folder / "base.out", widen=False), _synth(folder / "head.out", widen=True)


def _commands() -> list[str]:
    lines = [line.strip() for line in DOC.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line.startswith(".venv/bin/cdk-iam-roles diff")]


def _run(command: str, base: Path, head: Path, cwd: Path) -> int:
    line = command.replace('"$RUNNER_TEMP/base.out"', str(base))
    line = line.replace('"$RUNNER_TEMP/head.out"', str(head))
    line = line.replace(".venv/bin/cdk-iam-roles", str(CLI))
    result = subprocess.run(
        line, shell=True, cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode in (0, 1), result.stderr
    return result.returncode


def test_the_documented_commands_review_a_widened_role(
    versions: tuple[Path, Path], tmp_path: Path
) -> None:
    base, head = versions
    commands = _commands()
    assert [re.search(r"--format (\w+)", c).group(1) for c in commands] == ["md", "sarif"]  # type: ignore[union-attr]
    assert _run(commands[0], base, head, tmp_path) == 1
    comment = (tmp_path / "iam-diff.md").read_text(encoding="utf-8")
    assert "**1 role(s) gain access**, 0 undecided" in comment
    first = comment.index("### New access")
    assert "ServiceRoles/Checkout" in comment[first : comment.index("<details>")]
    assert "iam:PassRole" in comment
    _run(commands[1], base, head, tmp_path)
    log = json.loads((tmp_path / "iam-diff.sarif").read_text(encoding="utf-8"))
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "IAMR-DIFF-002"
    assert result["properties"]["witness"]["action"] == "iam:PassRole"


def test_the_examples_app_against_itself_is_proved_with_no_unknown(
    versions: tuple[Path, Path], tmp_path: Path
) -> None:
    base, _ = versions
    result = subprocess.run(
        [str(CLI), "diff", str(base), str(base), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    roles = json.loads(result.stdout)["roles"]
    assert len(roles) >= 20
    verdicts = {r[part]["verdict"] for r in roles for part in ("trust", "permissions")}
    assert verdicts == {"no-new-access"}
