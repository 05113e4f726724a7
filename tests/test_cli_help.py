"""The command line's --version and --help (issue 11): exit codes and two examples each."""

from __future__ import annotations

import re

import pytest

from cdk_iam_roles import __version__
from cdk_iam_roles.cli import build_parser, main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"cdk-iam-roles {__version__}"


def _commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sub.choices is not None
    return sorted(sub.choices)


@pytest.mark.parametrize("command", _commands())
def test_every_command_help_shows_exit_codes_and_two_examples(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert "exit codes:" in text
    codes = re.findall(r"^  ([012])  \S", text, flags=re.MULTILINE)
    assert "0" in codes
    assert "2" in codes
    examples = text.split("examples:", 1)[1]
    assert len(re.findall(rf"^  cdk-iam-roles {command} ", examples, flags=re.MULTILINE)) >= 2


def test_top_level_help_names_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "exit codes: 0 success" in capsys.readouterr().out


def test_unknown_role_says_how_many_candidates_were_left_out() -> None:
    from cdk_iam_roles.analysis.assembly import RoleNotFoundError, find_role, load_app

    roles = {
        f"R{number}": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}
        for number in range(13)
    }
    with pytest.raises(RoleNotFoundError, match=r"and 3 more\)"):
        find_role(load_app({"Resources": roles}), "missing")
