"""The last-resort guard of ``cli.main``: one line, exit 2, never a traceback."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from cdk_iam_roles import cli
from cdk_iam_roles.commands import check


def _raising(exc: BaseException) -> object:
    def run(args: argparse.Namespace) -> int:
        raise exc

    return run


@pytest.mark.parametrize(
    "exc",
    [RuntimeError("boom"), RecursionError("maximum recursion depth exceeded"), KeyError("k")],
)
def test_an_unexpected_exception_is_one_line_and_exit_2(
    exc: Exception,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(check, "run", _raising(exc))
    assert cli.main(["check", str(tmp_path)]) == 2  # never 1: 1 means findings
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"cdk-iam-roles: internal error: {type(exc).__name__}: {exc} (please report)"
    ]


def test_a_message_with_a_newline_stays_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["check", str(tmp_path / "evil\nname\r.json")]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"cdk-iam-roles: {tmp_path}/evil\\nname\\r.json: no such file or folder"
    ]


def test_an_oserror_that_is_not_about_stdout_is_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(check, "run", _raising(OSError(5, "Input/output error")))
    assert cli.main(["check", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("cdk-iam-roles: internal error: OSError:")


def test_ctrl_c_is_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(check, "run", _raising(KeyboardInterrupt()))
    assert cli.main(["check", str(tmp_path)]) == 130
    assert capsys.readouterr().err == ""


def test_stdout_is_restored_after_a_run(tmp_path: Path) -> None:
    import sys

    before = sys.stdout
    cli.main(["check", str(tmp_path / "missing.json")])
    assert sys.stdout is before
