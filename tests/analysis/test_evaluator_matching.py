"""Matching of Principal, Action and Resource elements."""

from __future__ import annotations

from typing import Any

import pytest

from cdk_iam_roles.analysis import PolicySet, Request, evaluate

ACCOUNT = "111122223333"
OTHER = "444455556666"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Deploy/run-1"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def resource_grant(principal: Any, *, not_principal: bool = False) -> PolicySet:
    key = "NotPrincipal" if not_principal else "Principal"
    return PolicySet(resource=doc({"Effect": "Allow", key: principal, "Action": "sqs:*"}))


def granted(principal: str, element: Any, *, not_principal: bool = False) -> bool:
    request = Request(principal, "sqs:SendMessage", QUEUE, resource_account=ACCOUNT)
    return evaluate(request, resource_grant(element, not_principal=not_principal)).allowed


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html


@pytest.mark.parametrize(
    ("element", "caller", "expected"),
    [
        ("*", USER, True),
        ("*", "lambda.amazonaws.com", True),
        ({"AWS": "*"}, SESSION, True),
        ({"AWS": "*"}, "sns.amazonaws.com", True),
        ({"AWS": USER}, USER, True),
        ({"AWS": USER}, f"arn:aws:iam::{ACCOUNT}:user/bob", False),
        ({"AWS": [f"arn:aws:iam::{ACCOUNT}:user/bob", USER]}, USER, True),
        # A role ARN names its sessions; the path is not part of the session ARN.
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:role/ops/Deploy"}, SESSION, True),
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:role/Deploy2"}, SESSION, False),
        ({"AWS": f"arn:aws:iam::{OTHER}:role/Deploy"}, SESSION, False),
        ({"AWS": SESSION}, SESSION, True),
        ({"AWS": SESSION}, f"arn:aws:sts::{ACCOUNT}:assumed-role/Deploy/run-2", False),
        ({"Service": "lambda.amazonaws.com"}, "lambda.amazonaws.com", True),
        ({"Service": "lambda.amazonaws.com"}, "ec2.amazonaws.com", False),
        ({"Service": "lambda.amazonaws.com"}, USER, False),
        ({"Federated": "cognito-identity.amazonaws.com"}, "cognito-identity.amazonaws.com", True),
        ({"Federated": "accounts.google.com"}, "cognito-identity.amazonaws.com", False),
        ({"CanonicalUser": "a" * 64}, "a" * 64, True),
        ({"CanonicalUser": "a" * 64}, "b" * 64, False),
    ],
)
def test_principal_forms(element: Any, caller: str, expected: bool) -> None:
    request = Request(caller, "sqs:SendMessage", QUEUE, resource_account=ACCOUNT)
    assert evaluate(request, resource_grant(element)).allowed is expected


def test_account_principal_counts_as_the_resource_side_across_accounts() -> None:
    caller = f"arn:aws:iam::{OTHER}:user/eve"
    identity = doc({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"})
    for element in ({"AWS": OTHER}, {"AWS": f"arn:aws:iam::{OTHER}:root"}):
        policies = PolicySet(identity=[identity], resource=resource_grant(element).resource)
        request = Request(caller, "sqs:SendMessage", QUEUE, resource_account=ACCOUNT)
        assert evaluate(request, policies).allowed
    wrong = PolicySet(identity=[identity], resource=resource_grant({"AWS": ACCOUNT}).resource)
    request = Request(caller, "sqs:SendMessage", QUEUE, resource_account=ACCOUNT)
    assert not evaluate(request, wrong).allowed


def test_not_principal_with_allow_is_not_supported_and_never_grants() -> None:
    # "NotPrincipal must be used with "Effect":"Deny". Using it with "Effect":"Allow" is
    # not supported."
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
    element = {"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"}
    assert not granted(USER, element, not_principal=True)
    request = Request(USER, "sqs:SendMessage", QUEUE, resource_account=ACCOUNT)
    decision = evaluate(request, resource_grant(element, not_principal=True))
    assert [u.element for u in decision.unevaluable] == ["NotPrincipal"]
    assert not granted(f"arn:aws:iam::{ACCOUNT}:user/bob", element, not_principal=True)


# Actions: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html


def identity_allows(action: str, resource: str = QUEUE, **element: Any) -> bool:
    statement = {"Effect": "Allow", **element}
    if "NotResource" not in statement:
        statement.setdefault("Resource", "*")
    request = Request(USER, action, resource)
    return evaluate(request, PolicySet(identity=[doc(statement)])).allowed


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("sqs:SendMessage", "SQS:sendmessage", True),
        ("SQS:SENDMESSAGE", "sqs:SendMessage", True),
        ("sqs:Send*", "sqs:SendMessageBatch", True),
        ("sqs:*Message", "sqs:ReceiveMessage", True),
        ("sqs:?endMessage", "sqs:SendMessage", True),
        ("sqs:?endMessage", "sqs:SSendMessage", False),
        ("sqs:Send*", "sns:SendMessage", False),
        ("*", "kms:Decrypt", True),
    ],
)
def test_action_patterns(pattern: str, action: str, expected: bool) -> None:
    assert identity_allows(action, Action=pattern) is expected


def test_not_action() -> None:
    assert identity_allows("sqs:SendMessage", NotAction=["s3:*", "iam:*"])
    assert not identity_allows("s3:GetObject", NotAction=["S3:*"])


# Resources: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        (QUEUE, QUEUE, True),
        # Resource ARNs are case-sensitive.
        (QUEUE.replace("orders", "Orders"), QUEUE, False),
        ("arn:aws:sqs:*:*:orders", QUEUE, True),
        ("arn:aws:sqs:us-east-?:*:*", QUEUE, True),
        ("arn:aws:sqs:us-*1:*:orders", QUEUE, True),
        # A `*` inside a segment does not span colons.
        ("arn:aws:sqs:us-*1:orders", QUEUE, False),
        ("arn:aws:sqs:u?-east-1:*:orders", QUEUE, True),
        # A `*` that ends a segment may span colons.
        ("arn:aws:sqs:*", QUEUE, True),
        ("arn:aws:sqs:*:orders", QUEUE, True),
        ("arn:aws:sqs:*:orders", "arn:aws:sqs:us-east-1:1:orders-dlq", False),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c", True),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket2/a", False),
        ("arn:aws:s3:::bucket-?/*", "arn:aws:s3:::bucket-10/a", False),
        (
            f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/*:*",
            f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/fn:log-stream:x",
            True,
        ),
        ("*", "*", True),
        (QUEUE, "*", False),
    ],
)
def test_resource_patterns(pattern: str, resource: str, expected: bool) -> None:
    assert identity_allows("sqs:SendMessage", resource, Action="sqs:*", Resource=pattern) is (
        expected
    )


def test_not_resource() -> None:
    assert identity_allows("sqs:SendMessage", Action="*", NotResource="arn:aws:s3:::*")
    assert not identity_allows("sqs:SendMessage", Action="*", NotResource=["arn:aws:sqs:*"])
