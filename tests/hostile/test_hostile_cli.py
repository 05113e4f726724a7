"""Every command on every hostile input: exit 2, one line on stderr, never a traceback.

Each run is a separate process with a 20-second timeout (a FIFO opened for reading
would block for ever; an alias bomb would run for minutes), and each refusal must name
the input's own problem, so an input refused for another reason fails the test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from fork_runner import TIMINGS, ForkRunner
from hostile_files import ROLE, Hostile, odd_but_readable

from cdk_iam_roles.catalog import FORMATS
from cdk_iam_roles.cli import build_parser

TIMEOUT_SECONDS = 20.0
PRINCIPAL = "arn:aws:iam::111111111111:root"

# Required options of commands, with a value that is valid on its own, so that the
# only unusable thing in a run is the hostile input.
REQUIRED_OPTIONS = {
    "--role": "x",
    "--principal": PRINCIPAL,
}


def _command_lines() -> dict[str, list[str]]:
    """One argv per command module (each catalog format once), PATH left as ``{path}``.

    Built from the parser, so a command added under ``cdk_iam_roles/commands`` is
    covered without editing this test.
    """
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    lines: dict[str, list[str]] = {}
    for name, command in sorted(sub.choices.items()):
        argv = [name]
        for action in command._actions:
            if not action.option_strings:
                argv.append("{path}")  # every positional is a path to read
            elif action.required:
                option = action.option_strings[-1]
                assert option in REQUIRED_OPTIONS, (
                    f"{name} requires {option}: add a valid value to REQUIRED_OPTIONS"
                )
                argv += [option, REQUIRED_OPTIONS[option]]
        if name == "explain":  # optional since --action exists, but needed to assume
            argv += ["--principal", "arn:aws:iam::111111111111:root"]
        if name == "catalog":
            for fmt in FORMATS:
                lines[f"catalog --format {fmt}"] = [*argv, "--format", fmt]
        else:
            lines[name] = argv
    return lines


COMMANDS = _command_lines()


def test_every_command_module_is_in_the_matrix() -> None:
    names = {line.split()[0] for line in COMMANDS}
    assert {"check", "catalog", "explain", "profiles"} <= names
    assert len([c for c in COMMANDS if c.startswith("catalog")]) == len(FORMATS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_refuses_every_hostile_input_in_one_line(
    command: str, hostile_inputs: dict[str, Hostile], runner: ForkRunner
) -> None:
    failures: list[str] = []
    for name, hostile in sorted(hostile_inputs.items()):
        argv = [str(hostile.path) if a == "{path}" else a for a in COMMANDS[command]]
        outcome = runner.run(argv, timeout=TIMEOUT_SECONDS)
        TIMINGS.append((outcome.seconds, name, command))
        lines = outcome.stderr.splitlines()
        problems = [
            "hung (killed after 20 s)" if outcome.hung else "",
            f"exit {outcome.code}, not 2" if outcome.code != 2 else "",
            f"{len(lines)} lines on stderr, not 1" if len(lines) != 1 else "",
            "a traceback" if "Traceback" in outcome.stderr + outcome.stdout else "",
            f"the message does not say {hostile.says!r}"
            if hostile.says not in outcome.stderr
            else "",
            "output on stdout although the input is unusable" if outcome.stdout else "",
        ]
        if any(problems):
            said = outcome.stderr.strip()[-300:]
            failures.append(f"{name}: {'; '.join(p for p in problems if p)} -- {said!r}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_odd_resource_is_skipped_and_the_rest_still_read(
    command: str, tmp_path: Path, runner: ForkRunner
) -> None:
    for name, path in odd_but_readable(tmp_path).items():
        argv = [str(path) if a == "{path}" else a for a in COMMANDS[command]]
        outcome = runner.run(argv, timeout=TIMEOUT_SECONDS)
        assert not outcome.hung, name
        assert "Traceback" not in outcome.stderr + outcome.stdout, (name, outcome.stderr)
        if command == "check":  # the anyone-can-assume role beside it is found
            assert outcome.code == 1, (name, outcome)
            assert "IAMR-TRUST-001" in outcome.stdout, name
            assert "Open" in outcome.stdout, name
        elif command == "explain":  # --role x names no role: one line, exit 2
            assert outcome.code == 2, (name, outcome)
            assert len(outcome.stderr.splitlines()) == 1, (name, outcome.stderr)
        else:
            assert outcome.code in (0, 1), (name, outcome)


def _findings_template(tmp_path: Path, roles: int = 400) -> Path:
    """Anyone-can-assume roles: ``check`` has findings (exit 1 if it could write)."""
    file = tmp_path / "open.json"
    file.write_text(json.dumps({"Resources": {f"Open{n}": ROLE for n in range(roles)}}))
    return file


@pytest.mark.parametrize("command", ["check", "catalog"])
def test_a_full_disk_on_stdout_is_one_line_and_exit_2(
    command: str, tmp_path: Path, runner: ForkRunner
) -> None:
    outcome = runner.run([command, str(_findings_template(tmp_path))], stdout="/dev/full")
    assert outcome.code == 2, outcome
    assert outcome.stderr.splitlines() == [
        "cdk-iam-roles: cannot write to standard output (No space left on device)"
    ]


@pytest.mark.parametrize("command", ["check", "catalog"])
def test_a_closed_pipe_on_stdout_is_a_quiet_exit_2(
    command: str, tmp_path: Path, runner: ForkRunner
) -> None:
    outcome = runner.run([command, str(_findings_template(tmp_path))], stdout="closed-pipe")
    assert (outcome.code, outcome.stderr) == (2, "")


def test_a_full_disk_in_a_fresh_interpreter(tmp_path: Path) -> None:
    # The interpreter flushes stdout once more at exit; that flush must not fail again
    # (it would print "Exception ignored ..." and exit 120).
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "cdk_iam_roles.cli", "check", str(_findings_template(tmp_path))],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "cdk-iam-roles: cannot write to standard output (No space left on device)"
    ]


def test_a_closed_pipe_in_a_fresh_interpreter(tmp_path: Path) -> None:
    template = _findings_template(tmp_path)
    with subprocess.Popen(
        [sys.executable, "-m", "cdk_iam_roles.cli", "catalog", str(template)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        # The reader goes away before the command writes (it starts in ~0.3 s): some
        # sandboxes buffer megabytes in a pipe, so closing later proves nothing.
        process.stdout.close()
        stderr = process.stderr.read().decode()
        code = process.wait(timeout=60)
    assert (code, stderr) == (2, "")
