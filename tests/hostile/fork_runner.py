"""Run the command line in a separate process per case, fast.

A fresh interpreter per case costs about a second on a loaded CI machine, and the
hostile matrix has hundreds of cases. So one server process imports the command line
once and forks a child per case: the child has its own standard streams (files, a full
device or a closed pipe), runs ``cdk_iam_roles.cli.main`` and leaves through the
interpreter's ordinary exit (``sys.exit``, with its final flush of standard output),
so exit codes, stderr and hangs are those of a real process. A child that outlives
its timeout is killed and reported as hung.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_SERVER = r"""
import json, os, signal, sys, time
from cdk_iam_roles import cli

cli.build_parser()  # imports every command module before the first fork
for line in sys.stdin:
    case = json.loads(line)
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        if case["stdout"] == "closed-pipe":
            read_end, write_end = os.pipe()
            os.close(read_end)
            out = write_end
        else:
            out = os.open(case["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(out, 1)
        os.dup2(os.open(case["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
        sys.exit(cli.main(case["argv"]))
    start = time.monotonic()
    hung = False
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > case["timeout"]:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            hung = True
            break
        time.sleep(0.002)
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({"code": code, "seconds": time.monotonic() - start, "hung": hung}))
    sys.stdout.flush()
"""


TIMINGS: list[tuple[float, str, str]] = []
"""(seconds, input, command) of the hostile runs in this process, for the summary."""


@dataclass(frozen=True)
class Outcome:
    """What one run of the command line did."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    hung: bool


class ForkRunner:
    """A server process that runs ``cdk-iam-roles`` argv lists, one fork each."""

    def __init__(self) -> None:
        env = dict(os.environ)
        src = str(Path(__file__).resolve().parents[2] / "src")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
        self._server = subprocess.Popen(
            [sys.executable, "-c", _SERVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        self._scratch = Path(tempfile.mkdtemp(prefix="hostile-runs-"))

    def run(self, argv: Sequence[str], *, timeout: float = 20.0, stdout: str = "") -> Outcome:
        """Run ``cdk-iam-roles *argv``; ``stdout``: a file to write to (default: a
        scratch file), ``"/dev/full"``, or ``"closed-pipe"``."""
        out = self._scratch / "out"
        err = self._scratch / "err"
        case = {
            "argv": list(argv),
            "stdout": stdout or str(out),
            "stderr": str(err),
            "timeout": timeout,
        }
        assert self._server.stdin is not None
        assert self._server.stdout is not None
        self._server.stdin.write(json.dumps(case) + "\n")
        self._server.stdin.flush()
        reply = json.loads(self._server.stdout.readline())
        written = out.read_text(encoding="utf-8", errors="replace") if not stdout else ""
        return Outcome(
            code=reply["code"],
            stdout=written,
            stderr=err.read_text(encoding="utf-8", errors="replace"),
            seconds=reply["seconds"],
            hung=reply["hung"],
        )

    def close(self) -> None:
        """Stop the server."""
        if self._server.stdin is not None:
            self._server.stdin.close()
        self._server.wait(timeout=30)
