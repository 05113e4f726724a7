"""``check``'s text output keeps template values on their line, and the Example sections
of the modules behind safe output and acknowledgments run."""

from __future__ import annotations

import doctest
import importlib
import json
from pathlib import Path

import pytest

from cdk_iam_roles.cli import main

HOSTILE = "x\n\x1b[2J\x1b[1;1HERROR fake\u202e\u2028done"


def test_template_values_cannot_forge_lines_or_move_the_cursor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trust = {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}
    role = {
        "Type": "AWS::IAM::Role",
        "Properties": {"AssumeRolePolicyDocument": {"Statement": [trust]}},
        "Metadata": {"aws:cdk:path": f"Stack/{HOSTILE}/Resource"},
    }
    file = tmp_path / "t.json"
    file.write_text(json.dumps({"Resources": {"Open": role}}))
    assert main(["check", str(file)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 3  # the finding, its fix, the summary
    assert all(line.isprintable() for line in lines)
    assert "\\x1b[2J" in lines[0]
    assert "\\u202e" in lines[0]
    assert not any(line.startswith("ERROR fake") for line in lines)


@pytest.mark.parametrize(
    "name",
    [
        "cdk_iam_roles._printable",
        "cdk_iam_roles.rules.acknowledgments",
        "cdk_iam_roles.catalog._profile_values",
    ],
)
def test_module_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
