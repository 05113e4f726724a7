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
        *(
            importlib.import_module(f"cdk_iam_roles.analysis.{name}")
            for name in ("_app_model", "_app_documents")
        ),
        cdk_iam_roles.analysis.explain,
        *(
            importlib.import_module(f"cdk_iam_roles.analysis.explain.{name}")
            for name in ("_answer", "_request", "_assume", "_call", "_unread")
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


@pytest.mark.parametrize(
    "name",
    [
        "cdk_iam_roles.analysis.assembly",
        "cdk_iam_roles.analysis._app_model",
        "cdk_iam_roles.analysis._app_documents",
        "cdk_iam_roles.analysis._app_stack",
        "cdk_iam_roles.analysis._app_roles",
        "cdk_iam_roles.analysis._app_resources",
        "cdk_iam_roles.analysis.explain._unread",
    ],
)
def test_each_module_of_the_app_reader_imports_on_its_own(name: str) -> None:
    # Imported first in a fresh interpreter, a module in an import cycle fails.
    done = subprocess.run(
        [sys.executable, "-c", f"import {name}"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_the_app_reader_keeps_its_public_names() -> None:
    assembly = cdk_iam_roles.analysis.assembly
    for name in assembly.__all__:
        assert hasattr(assembly, name), name
    assert assembly.RoleNotFoundError.__module__ == "cdk_iam_roles.analysis.assembly"
