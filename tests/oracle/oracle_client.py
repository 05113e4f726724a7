"""Python side of the iam-simulate oracle: one long-lived Node process, JSON lines.

Test-only. The oracle (npm ``@cloud-copilot/iam-simulate``, AGPL) is called as a separate
program; nothing of it is copied into this repository.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parents[2]
NODE = ROOT / ".venv" / "bin" / "node"
DRIVER = Path(__file__).with_name("driver.mjs")
PACKAGE = ROOT / "node_modules" / "@cloud-copilot" / "iam-simulate" / "package.json"

Mode = Literal["simulate", "authorize"]
OracleResult = Literal["Allowed", "ExplicitlyDenied", "ImplicitlyDenied", "Error"]

# The oracle's vocabulary mapped onto `Decision.outcome`.
OUTCOMES: dict[str, str] = {
    "Allowed": "Allowed",
    "ExplicitlyDenied": "ExplicitDeny",
    "ImplicitlyDenied": "ImplicitDeny",
}


def available() -> str | None:
    """Return why the oracle cannot run here, or ``None`` when it can."""
    if not NODE.exists():
        return f"{NODE} is missing (run `make setup`)"
    if not PACKAGE.exists():
        return f"{PACKAGE} is missing (run `make setup`)"
    return None


class Oracle:
    """A running ``driver.mjs``; ask it with `decide` or `decide_many`, then `close`."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [str(NODE), str(DRIVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
            cwd=ROOT,
        )
        self._lock = threading.Lock()
        self._next = 0

    def _send(self, messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        process = self._process
        assert process.stdin is not None
        assert process.stdout is not None
        with self._lock:
            errors: list[BaseException] = []

            def write() -> None:
                assert process.stdin is not None
                try:
                    for message in messages:
                        process.stdin.write(json.dumps(message) + "\n")
                    process.stdin.flush()
                except BaseException as error:  # surfaced below
                    errors.append(error)

            writer = threading.Thread(target=write, daemon=True)
            writer.start()
            answers = []
            for _ in messages:
                line = process.stdout.readline()
                if not line:
                    stderr = process.stderr.read() if process.stderr else ""
                    raise RuntimeError(f"oracle exited: {stderr[-2000:]}")
                answers.append(json.loads(line))
            writer.join()
            if errors:
                raise errors[0]
            return answers

    def decide_many(
        self, cases: Iterable[Mapping[str, Any]], mode: Mode = "authorize"
    ) -> list[dict[str, Any]]:
        """Ask the oracle about many ``{"request", "policies"}`` cases, in order."""
        messages = []
        for case in cases:
            self._next += 1
            messages.append(
                {
                    "id": self._next,
                    "mode": mode,
                    "request": case["request"],
                    "policies": case["policies"],
                }
            )
        return self._send(messages)

    def decide(self, case: Mapping[str, Any], mode: Mode = "authorize") -> dict[str, Any]:
        """Ask the oracle about one case."""
        return self.decide_many([case], mode)[0]

    def bench(self, cases: Sequence[Mapping[str, Any]], seconds: float) -> tuple[int, float]:
        """Time ``runSimulation`` in-process over ``cases``; return (evaluations, CPU seconds)."""
        self._next += 1
        message = {"id": self._next, "mode": "bench", "cases": list(cases), "seconds": seconds}
        answer = self._send([message])[0]
        if "evaluations" not in answer:
            raise RuntimeError(f"oracle benchmark failed: {answer}")
        return int(answer["evaluations"]), float(answer["elapsed"])

    def close(self) -> None:
        """Stop the Node process."""
        process = self._process
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()
