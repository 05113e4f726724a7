"""Apps shared by the explain tests: synthesized once per session with the real CDK.

``classic_*`` is one stack (helpers.new_stack, cfn-lint clean) with one role per classic
cause ``explain`` names. ``assembly_dir`` is a whole ``cdk.out`` with a stage, a nested
stack and two accounts, synthesized into a temporary folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from explain_apps import build_assembly, build_classic

import helpers


@pytest.fixture(scope="session")
def classic_stack() -> cdk.Stack:
    """The classic-causes stack (helpers.new_stack: account 111111111111, us-east-1)."""
    stack = helpers.new_stack("Classic")
    build_classic(stack)
    return stack


@pytest.fixture(scope="session")
def classic_template(classic_stack: cdk.Stack) -> dict[str, Any]:
    """The template of the classic-causes stack (cfn-lint clean)."""
    return helpers.synth(classic_stack)


@pytest.fixture(scope="session")
def classic_out(classic_stack: cdk.Stack, classic_template: dict[str, Any]) -> Path:
    """The cloud assembly (cdk.out) the classic-causes app synthesized to."""
    app = classic_stack.node.root
    assert isinstance(app, cdk.App)
    return Path(app.synth().directory)


@pytest.fixture(scope="session")
def classic_file(
    classic_template: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The classic-causes template written to a file, for the command line."""
    path = tmp_path_factory.mktemp("classic") / "Classic.template.json"
    path.write_text(json.dumps(classic_template), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def assembly_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cdk.out with a stage holding a nested stack, and a caller stack in another account."""
    return build_assembly(tmp_path_factory.mktemp("assembly") / "cdk.out")
