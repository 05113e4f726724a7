"""The docstring examples of the catalog modules run and pass."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "cdk_iam_roles.catalog",
    "cdk_iam_roles.catalog.model",
    "cdk_iam_roles.catalog.render",
    "cdk_iam_roles.catalog.profiles",
    "cdk_iam_roles.catalog._words_workload",
]


@pytest.mark.parametrize("name", MODULES)
def test_module_doctests_pass(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
