"""explain and its command stay pure (no aws_cdk/jsii), and their docstring examples run."""

from __future__ import annotations

import doctest
import importlib
import subprocess
import sys
from types import ModuleType

import pytest

import cdk_iam_roles.analysis.assembly
import cdk_iam_roles.analysis.explain
import cdk_iam_roles.commands.explain
import cdk_iam_roles.testing


def test_explain_never_loads_the_cdk() -> None:
    code = (
        "import sys\n"
        "import cdk_iam_roles.analysis.explain, cdk_iam_roles.commands.explain\n"
        "import cdk_iam_roles.analysis.assembly, cdk_iam_roles.testing, cdk_iam_roles.cli\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('aws_cdk', 'jsii', 'constructs'))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "module",
    [
        cdk_iam_roles.analysis.assembly,
        cdk_iam_roles.analysis.explain,
        *(
            importlib.import_module(f"cdk_iam_roles.analysis.explain.{name}")
            for name in ("_answer", "_request", "_assume", "_call")
        ),
        cdk_iam_roles.commands.explain,
        cdk_iam_roles.testing,
    ],
    ids=lambda m: m.__name__,
)
def test_docstring_examples_run(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
