"""Fixtures of the hostile-input tests: the inputs, and a fast process runner."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fork_runner import TIMINGS, ForkRunner
from hostile_files import Hostile, build


@pytest.fixture(scope="session")
def hostile_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Hostile]:
    """Every hostile input, written once per session under a temporary folder."""
    return build(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="session")
def runner() -> Iterator[ForkRunner]:
    """The command line in a forked process per run (see ``fork_runner``)."""
    server = ForkRunner()
    yield server
    server.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name the slowest hostile inputs (when the runs happened in this process)."""
    if not TIMINGS:
        return
    terminalreporter.section("slowest hostile inputs")
    for seconds, name, command in sorted(TIMINGS, reverse=True)[:5]:
        terminalreporter.write_line(f"{seconds:7.3f} s  {name}  ({command})")
