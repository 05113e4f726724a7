"""cdk_iam_roles.testing: the assertions users put in their own pytest suites.

Each helper is tested on all three inputs it accepts (an aws_cdk.Stack, a template
mapping, a cdk.out path) and on its failure message, which must carry the explanation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from explain_apps import ACCOUNT, ALICE, VENDOR

from cdk_iam_roles.testing import (
    assert_can_assume,
    assert_can_call,
    assert_cannot_assume,
    assert_cannot_call,
)


def test_assume_on_a_stack(classic_stack: cdk.Stack) -> None:
    result = assert_can_assume(classic_stack, "Classic/Admin", ALICE, mfa=True, mfa_age=30)
    assert result.role_arn == f"arn:aws:iam::{ACCOUNT}:role/admin"
    denied = assert_cannot_assume(classic_stack, "Classic/Admin", ALICE)
    assert [c.code for c in denied.causes] == ["mfa-missing"]


def test_failure_message_carries_the_explanation(classic_stack: cdk.Stack) -> None:
    with pytest.raises(AssertionError) as caught:
        assert_can_assume(classic_stack, "Classic/Admin", ALICE, mfa=True, mfa_age=3600)
    message = str(caught.value)
    assert message.startswith(f"expected {ALICE} assuming Classic/Admin to be allowed, but:\n")
    assert "MFA is too old: the caller authenticated 3600 s ago" in message
    assert "[mfa-too-old]" in message
    assert "What to change: " in message
    with pytest.raises(AssertionError, match="to be denied, but:\nALLOWED: "):
        assert_cannot_assume(classic_stack, "admin", ALICE, mfa=True)


def test_assume_on_a_template_mapping(classic_template: dict[str, Any]) -> None:
    # A template alone has no environment: pass the account it deploys to.
    result = assert_can_assume(
        classic_template,
        "vendor",
        f"arn:aws:iam::{VENDOR}:role/connector",
        external_id="vendor-7f3a",
        account=ACCOUNT,
        region="us-east-1",
    )
    assert result.allowed
    denied = assert_cannot_assume(
        classic_template,
        "vendor",
        f"arn:aws:iam::{VENDOR}:role/connector",
        external_id="other",
        account=ACCOUNT,
    )
    assert [c.code for c in denied.causes] == ["external-id-wrong"]


def test_assume_on_a_cdk_out_path(classic_out: Path) -> None:
    oidc = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    claims = {"aud": "sts.amazonaws.com", "sub": "repo:acme/web:ref:refs/heads/main"}
    assert_can_assume(classic_out, "deploy", oidc, claims=claims)
    denied = assert_cannot_assume(
        str(classic_out), "deploy", oidc, claims={**claims, "sub": "repo:acme/web:pull_request"}
    )
    assert denied.causes[0].code == "oidc-subject-wrong"
    refused = assert_cannot_assume(
        classic_out, "batch", f"arn:aws:iam::{ACCOUNT}:role/jump", duration="90m"
    )
    assert refused.outcome == "Refused"


def test_call_helpers(classic_stack: cdk.Stack) -> None:
    obj = "arn:aws:s3:::acme-data/reports/1.csv"
    assert_can_call(classic_stack, "Classic/App", "s3:GetObject", obj)
    denied = assert_cannot_call(classic_stack, "Classic/App", "s3:DeleteObject", obj)
    assert denied.outcome == "ExplicitDeny"
    with pytest.raises(AssertionError, match=r"\[boundary-cuts-action\]"):
        assert_can_call(classic_stack, "bounded", "s3:PutObject", "arn:aws:s3:::any/key")


def test_environment_agnostic_stack_fails_closed_until_given_an_account() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Agnostic")
    iam.Role(stack, "Ops", assumed_by=iam.AccountRootPrincipal())
    caller = f"arn:aws:iam::{ACCOUNT}:role/admin"
    # The trust names the stack's own account, unknown here: it may be the caller's.
    with pytest.raises(AssertionError, match=r"cannot be decided offline") as unknown:
        assert_cannot_assume(stack, "Agnostic/Ops", caller)
    assert "[unresolved-value]" in str(unknown.value)
    assert "AWS::AccountId" in str(unknown.value)
    assert "pass --account and --region" in str(unknown.value)
    allowed = assert_can_assume(stack, "Agnostic/Ops", caller, account=ACCOUNT, region="eu-west-1")
    assert any("must allow sts:AssumeRole on the role" in note for note in allowed.notes)


def test_rejects_what_is_not_a_stack_or_template() -> None:
    with pytest.raises(TypeError, match=r"must be an aws_cdk\.Stack, a template mapping"):
        assert_can_assume(42, "R", "p")
