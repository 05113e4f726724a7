"""The docstring examples of the diff and access modules run and pass."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "cdk_iam_roles.analysis.symbolic",
    "cdk_iam_roles.analysis.symbolic._access",
    "cdk_iam_roles.analysis.symbolic._access_sarif",
    "cdk_iam_roles.analysis.symbolic._automata",
    "cdk_iam_roles.analysis.symbolic._callers",
    "cdk_iam_roles.analysis.symbolic._compare",
    "cdk_iam_roles.analysis.symbolic._diff",
    "cdk_iam_roles.analysis.symbolic._engine",
    "cdk_iam_roles.analysis.symbolic._keys",
    "cdk_iam_roles.analysis.symbolic._questions",
    "cdk_iam_roles.analysis.symbolic._render",
    "cdk_iam_roles.analysis.symbolic._unresolved",
    "cdk_iam_roles.cfn_words",
    "cdk_iam_roles.analysis.symbolic._verdict",
    "cdk_iam_roles.commands.access",
    "cdk_iam_roles.commands.diff",
]


@pytest.mark.parametrize("name", MODULES)
def test_module_doctests_pass(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
