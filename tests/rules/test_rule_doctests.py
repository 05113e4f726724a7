"""The Example sections of the rule engine's pure modules run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "cdk_iam_roles.rules.catalog",
    "cdk_iam_roles.rules.checks.policy_actions_exist",
    "cdk_iam_roles.rules.checks.policy_condition_keys_exist",
    "cdk_iam_roles.rules.checks.policy_resources_match_actions",
    "cdk_iam_roles.rules.checks.web_identity_subject_glob_bounded",
    "cdk_iam_roles.rules.engine",
    "cdk_iam_roles.rules.global_keys",
    "cdk_iam_roles.rules.org",
    "cdk_iam_roles.rules.service_roles",
    "cdk_iam_roles.trust.provider_keys",
    "cdk_iam_roles.trust.subjects",
]


@pytest.mark.parametrize("name", MODULES)
def test_module_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
