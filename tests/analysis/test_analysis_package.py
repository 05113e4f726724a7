"""The analysis package: pure Python, a curated public API, runnable docstring examples."""

from __future__ import annotations

import doctest
import importlib
import subprocess
import sys

import pytest

import cdk_iam_roles.analysis as analysis

# The modules of the evaluator (assembly.py and explain.py are tested with their owner's
# tests).
EVALUATOR_MODULES = (
    "cdk_iam_roles.analysis",
    "cdk_iam_roles.analysis._model",
    "cdk_iam_roles.analysis._patterns",
    "cdk_iam_roles.analysis._variables",
    "cdk_iam_roles.analysis._conditions",
    "cdk_iam_roles.analysis._principals",
    "cdk_iam_roles.analysis._compile",
    "cdk_iam_roles.analysis._evaluator",
    "cdk_iam_roles.analysis._placeholders",
)


def test_import_loads_neither_aws_cdk_nor_jsii() -> None:
    code = (
        "import sys, cdk_iam_roles.analysis\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('aws_cdk', 'jsii'))\n"
        "print(','.join(loaded))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""


def test_public_names_are_exported_and_sorted() -> None:
    assert list(analysis.__all__) == sorted(analysis.__all__)
    for name in ("evaluate", "Request", "PolicySet", "Decision", "Reason", "ConditionFailure"):
        assert name in analysis.__all__
        assert getattr(analysis, name) is not None
    assert "Unevaluable" in analysis.__all__


def test_contract_signatures() -> None:
    request = analysis.Request("arn:aws:iam::111122223333:user/a", "s3:GetObject", "*")
    assert (request.resource_account, dict(request.context)) == (None, {})
    policies = analysis.PolicySet()
    assert (policies.identity, policies.resource, policies.boundary) == ((), None, None)
    assert (policies.scps, policies.rcps, policies.session) == ((), (), None)
    decision = analysis.evaluate(request, policies)
    assert (decision.allowed, decision.outcome) == (False, "ImplicitDeny")
    with pytest.raises(AttributeError):
        decision.outcome = "Allowed"  # type: ignore[misc]


@pytest.mark.parametrize("name", EVALUATOR_MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
