"""Shared fixtures: a deterministic CDK app, template synthesis and cfn-lint."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_NODE = ROOT / ".venv" / "bin" / "node"
# jsii must run on the pinned Node 24 from the virtual environment, never the system's.
if _NODE.exists():
    os.environ.setdefault("JSII_NODE", str(_NODE))
    os.environ["PATH"] = f"{_NODE.parent}{os.pathsep}{os.environ.get('PATH', '')}"
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
sys.path.insert(0, str(ROOT / "tests"))

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from syrupy.assertion import SnapshotAssertion  # noqa: E402
from syrupy.extensions.json import JSONSnapshotExtension  # noqa: E402

# Constructor property tests synthesize real CDK apps (about 0.1 s each), so they run a
# bounded number of examples and no per-example deadline.
settings.register_profile(
    "cdk",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "cdk"))


@pytest.fixture
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """A syrupy snapshot stored as reviewed JSON files under ``__snapshots__``."""
    return snapshot.use_extension(JSONSnapshotExtension)
