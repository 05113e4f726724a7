"""explain and assert_can_call on a KMS key whose key policy is not in the app (issue 11).

AWS: "Unless the key policy explicitly allows it, you cannot use IAM policies to allow
access to a KMS key. Without permission from the key policy, IAM policies that allow
permissions have no effect."
https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html

So a role's identity policy alone never makes such a call allowed: the answer is
undecided (outcome ``Unknown``, cause ``key-policy-unknown``, exit 1) instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cdk_iam_roles.analysis.assembly import load_app
from cdk_iam_roles.analysis.explain import Caller, explain_call
from cdk_iam_roles.cli import main
from cdk_iam_roles.testing import assert_can_call, assert_cannot_call

ACCOUNT = "111111111111"
KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ALIAS = f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/orders"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def _template(*statements: dict[str, Any], key_policy: dict[str, Any] | None = None) -> Any:
    resources: dict[str, Any] = {
        "Worker": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": "worker",
                "AssumeRolePolicyDocument": TRUST,
                "Policies": [
                    {
                        "PolicyName": "p",
                        "PolicyDocument": {"Version": "2012-10-17", "Statement": list(statements)},
                    }
                ],
            },
        }
    }
    if key_policy is not None:
        resources["Key"] = {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": key_policy}}
    return {"Resources": resources}


ALLOW_DECRYPT = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}


def _explain(template: Any, action: str, resource: str) -> Any:
    app = load_app(template, account=ACCOUNT, region="eu-west-1")
    return explain_call(app, app.roles[0], action, resource, Caller("Worker"))


@pytest.mark.parametrize("key", [KEY, OTHER_KEY, ALIAS])
def test_identity_allow_on_a_key_outside_the_app_is_undecided(key: str) -> None:
    result = _explain(_template(ALLOW_DECRYPT), "kms:Decrypt", key)
    assert not result.allowed
    assert result.outcome == "Unknown"
    assert [c.code for c in result.causes] == ["key-policy-unknown"]
    (cause,) = result.causes
    assert f"the key policy of {key} is not in the app" in cause.message
    assert "IAM policies alone never grant access to a KMS key" in cause.message
    assert f"arn:aws:iam::{ACCOUNT}:root" in cause.fix
    text = result.to_text()
    assert text.startswith("UNDECIDED: ")
    assert "[key-policy-unknown]" in text
    assert result.exit_code == 1


def test_other_services_on_resources_outside_the_app_still_follow_the_role() -> None:
    """Only kms: actions on key or alias ARNs need the key policy."""
    template = _template(
        {"Effect": "Allow", "Action": ["kms:ListKeys", "s3:GetObject"], "Resource": "*"}
    )
    assert _explain(template, "kms:ListKeys", "*").allowed
    assert _explain(template, "s3:GetObject", "arn:aws:s3:::bucket/key").allowed


def test_an_explicit_deny_is_still_a_denial() -> None:
    template = _template(ALLOW_DECRYPT, {"Effect": "Deny", "Action": "kms:*", "Resource": "*"})
    result = _explain(template, "kms:Decrypt", KEY)
    assert result.outcome == "ExplicitDeny"
    assert [c.code for c in result.causes] == ["explicit-deny"]


def test_without_an_identity_allow_the_denial_notes_the_key_policy() -> None:
    template = _template({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    result = _explain(template, "kms:Decrypt", KEY)
    assert result.outcome == "ImplicitDeny"
    assert [c.code for c in result.causes] == ["no-matching-statement"]
    assert any(f"the key policy of {KEY} is not in the app" in n for n in result.notes)
    # The stand-in is not reported as a policy that could not be read.
    assert "unresolved-value" not in result.to_text()


def test_a_key_of_the_app_is_still_decided_by_its_key_policy() -> None:
    enable_iam = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    result = _explain(_template(ALLOW_DECRYPT, key_policy=enable_iam), "kms:Decrypt", "Key")
    assert result.allowed
    assert result.outcome == "Allowed"


def test_assert_can_call_fails_on_a_key_outside_the_app() -> None:
    template = _template(ALLOW_DECRYPT)
    with pytest.raises(AssertionError, match=r"key-policy-unknown"):
        assert_can_call(template, "Worker", "kms:Decrypt", KEY, account=ACCOUNT)


def test_assert_cannot_call_fails_too_when_it_cannot_be_decided() -> None:
    """ "Cannot" must be proved: an undecided call is not a denial."""
    template = _template(ALLOW_DECRYPT)
    with pytest.raises(AssertionError, match=r"cannot be decided offline"):
        assert_cannot_call(template, "Worker", "kms:Decrypt", KEY, account=ACCOUNT)


def test_cli_answers_undecided_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(_template(ALLOW_DECRYPT)), encoding="utf-8")
    argv = ["explain", str(path), "--role", "Worker", "--action", "kms:Decrypt"]
    code = main([*argv, "--resource", KEY, "--account", ACCOUNT, "--region", "eu-west-1"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("UNDECIDED: ")
    assert "Outcome: Unknown" in out
    assert "[key-policy-unknown]" in out
