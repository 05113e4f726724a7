"""Fail closed: nothing the evaluator cannot evaluate ever yields Allow, and it says why."""

from __future__ import annotations

from typing import Any

import pytest

from cdk_iam_roles.analysis import PolicySet, Request, evaluate

USER = "arn:aws:iam::111122223333:user/alice"
QUEUE = "arn:aws:sqs:us-east-1:111122223333:orders"
REQUEST = Request(USER, "sqs:SendMessage", QUEUE, context={"aws:PrincipalTag/env": "prod"})
GOOD = {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}

BROKEN: list[tuple[str, dict[str, Any], str]] = [
    ("unknown operator", {"Condition": {"StringEqualsMaybe": {"k:x": "a"}}}, "Condition"),
    ("unknown set operator", {"Condition": {"ForSome:StringEquals": {"k:x": "a"}}}, "Condition"),
    ("Null with IfExists", {"Condition": {"NullIfExists": {"k:x": "true"}}}, "Condition"),
    ("Ref in Resource", {"Resource": {"Ref": "Queue"}}, "Resource"),
    ("GetAtt in Action", {"Action": {"Fn::GetAtt": ["X", "Y"]}}, "Action"),
    ("Fn::Sub leftover", {"Resource": "arn:aws:sqs:${AWS::Region}:1:q"}, "Resource"),
    ("logical ID leftover", {"Resource": "arn:aws:sqs:us-east-1:1:${Queue}"}, "Resource"),
    ("CDK token", {"Resource": "${Token[TOKEN.12]}"}, "Resource"),
    ("dynamic reference", {"Resource": "{{resolve:ssm:/queue/arn}}"}, "Resource"),
    ("Ref in condition", {"Condition": {"StringEquals": {"k:x": {"Ref": "Env"}}}}, "Condition"),
    ("bad number", {"Condition": {"NumericLessThan": {"k:x": "soon"}}}, "Condition"),
    ("bad date", {"Condition": {"DateLessThan": {"k:x": "yesterday"}}}, "Condition"),
    ("bad CIDR", {"Condition": {"IpAddress": {"k:x": "10.0.0.0/33"}}}, "Condition"),
    ("unknown element", {"Actions": "sqs:*"}, "Actions"),
    ("Principal in identity policy", {"Principal": "*"}, "Principal"),
    ("action without service", {"Action": "SendMessage"}, "Action"),
]


def broken_statement(effect: str, patch: dict[str, Any]) -> dict[str, Any]:
    statement = {"Effect": effect, "Action": "sqs:SendMessage", "Resource": QUEUE}
    statement.update(patch)
    return statement


@pytest.mark.parametrize(("name", "patch", "element"), BROKEN, ids=[b[0] for b in BROKEN])
def test_unevaluable_allow_never_grants_and_is_reported(
    name: str, patch: dict[str, Any], element: str
) -> None:
    policy = {"Version": "2012-10-17", "Statement": [broken_statement("Allow", patch)]}
    decision = evaluate(REQUEST, PolicySet(identity=[policy]))
    assert decision.outcome == "ImplicitDeny"
    assert [u.element for u in decision.unevaluable] == [element]
    assert any(r.code == "unevaluable" for r in decision.reasons)


@pytest.mark.parametrize(("name", "patch", "element"), BROKEN, ids=[b[0] for b in BROKEN])
def test_unevaluable_deny_blocks_an_allow(name: str, patch: dict[str, Any], element: str) -> None:
    policy = {"Version": "2012-10-17", "Statement": [GOOD, broken_statement("Deny", patch)]}
    decision = evaluate(REQUEST, PolicySet(identity=[policy]))
    assert not decision.allowed
    assert decision.unevaluable
    assert "assumed to deny" in decision.explain()


def test_a_certain_mismatch_makes_an_unevaluable_deny_irrelevant() -> None:
    # The Deny is about another action: whatever its condition says, it cannot apply.
    deny = {
        "Effect": "Deny",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"StringEqualsMaybe": {"k:x": "a"}},
    }
    policy = {"Version": "2012-10-17", "Statement": [GOOD, deny]}
    assert evaluate(REQUEST, PolicySet(identity=[policy])).allowed


def test_unevaluable_allow_is_reported_even_when_another_statement_allows() -> None:
    broken = broken_statement("Allow", {"Resource": {"Ref": "Queue"}})
    decision = evaluate(
        REQUEST, PolicySet(identity=[{"Version": "2012-10-17", "Statement": [GOOD, broken]}])
    )
    assert decision.allowed
    assert decision.unevaluable[0].element == "Resource"


@pytest.mark.parametrize(
    "policy",
    [
        "not a policy",
        {"Version": "2030-01-01", "Statement": [GOOD]},
        {"Version": "2012-10-17", "Statement": "sqs:*"},
        {"Version": "2012-10-17"},
        {"Version": "2012-10-17", "Statement": [GOOD, "junk"]},
        {"Version": "2012-10-17", "Statement": [{**GOOD, "Effect": "Maybe"}]},
    ],
)
def test_unreadable_policies_block(policy: Any) -> None:
    # An unreadable identity policy may hold a Deny: it must not let the request through.
    decision = evaluate(
        REQUEST, PolicySet(identity=[{"Version": "2012-10-17", "Statement": [GOOD]}, policy])
    )
    assert not decision.allowed
    assert decision.unevaluable


def test_unreadable_resource_or_scp_never_grants() -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"AWS": "arn:aws:iam::*:user/x"},
            }
        ],
    }
    request = Request(USER, "sts:AssumeRole", "arn:aws:iam::111122223333:role/T")
    decision = evaluate(request, PolicySet(resource=trust))
    assert not decision.allowed
    assert decision.unevaluable[0].element == "Principal"
    identity = [{"Version": "2012-10-17", "Statement": [GOOD]}]
    assert not evaluate(REQUEST, PolicySet(identity=identity, scps=[[{"Statement": 7}]])).allowed
