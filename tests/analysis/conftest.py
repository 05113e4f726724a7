"""Fixtures of the evaluator tests: the oracle process, started once per session."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "oracle"))

from oracle_client import Oracle, available


@pytest.fixture(scope="session")
def oracle() -> Iterator[Oracle]:
    """The iam-simulate oracle as a long-lived Node process (test-only, AGPL, not shipped)."""
    missing = available()
    if missing is not None:
        pytest.fail(f"the evaluator oracle cannot run: {missing}")
    process = Oracle()
    try:
        yield process
    finally:
        process.close()
