"""``check`` agrees with the evaluator: a trust that lets an outsider in is an error.

GIVEN a random trust policy (principals in every form, with conditions drawn from the
pins real templates use, including pins that pin nothing such as ``o-*``), WHEN the
evaluator lets a principal of an account the trust never names assume the role (the
outsider sets every value a caller controls, and its own organization and ARN), THEN
``check`` reports an error on that role.

Both sides read the trust through the same document reader, in object and JSON-text
form alike.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cdk_iam_roles.analysis import PolicySet, Request, evaluate
from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.rules import Severity, check_stack

ACCOUNT = "111111111111"
FRIEND = "222222222222"
OUTSIDER = "999999999999"
ATTACKER = f"arn:aws:iam::{OUTSIDER}:role/attacker"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/target"

_principals = st.sampled_from(
    [
        "*",
        {"AWS": "*"},
        {"AWS": FRIEND},
        {"AWS": f"arn:aws:iam::{FRIEND}:root"},
        {"AWS": f"arn:aws:iam::{FRIEND}:role/pipeline"},
        {"AWS": [f"arn:aws:iam::{FRIEND}:role/pipeline", "*"]},
        {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        {"Service": "lambda.amazonaws.com"},
        {"Federated": f"arn:aws:iam::{ACCOUNT}:saml-provider/Corp"},
    ]
)
_pins = st.sampled_from(
    [
        {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}},
        {"StringLike": {"aws:PrincipalOrgID": "o-*"}},
        {"StringLike": {"aws:PrincipalOrgID": "*"}},
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}},
        {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{FRIEND}:role/*"}},
        {"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{FRIEND}:role/pipeline"}},
        {"StringEquals": {"aws:PrincipalAccount": FRIEND}},
        {"StringLike": {"aws:PrincipalAccount": "*"}},
        {"StringNotEquals": {"aws:PrincipalAccount": FRIEND}},
        {"StringEquals": {"sts:ExternalId": "shared-secret-42"}},
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123def4"}},
        {"ForAllValues:StringEquals": {"aws:PrincipalOrgPaths": ["o-abc123def4/r-ab12/*"]}},
        {"Null": {"aws:PrincipalOrgID": "false"}},
    ]
)


@st.composite
def _statements(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"])),
        "Principal": draw(_principals),
        "Action": draw(st.sampled_from(["sts:AssumeRole", ["sts:AssumeRole", "sts:TagSession"]])),
    }
    condition: dict[str, dict[str, Any]] = {}
    for pin in draw(st.lists(_pins, max_size=2)):
        for operator, block in pin.items():
            condition.setdefault(operator, {}).update(block)
    if condition:
        statement["Condition"] = condition
    return statement


def _attacker_contexts(trust: dict[str, Any]) -> list[dict[str, Any]]:
    """What an outsider sends: its own organization and ARN, and every caller-set value."""
    base: dict[str, Any] = {
        "aws:PrincipalArn": ATTACKER,
        "aws:PrincipalAccount": OUTSIDER,
        "aws:PrincipalOrgID": "o-zzzzzzzzzz",
        "aws:PrincipalOrgPaths": ["o-zzzzzzzzzz/r-zz99/"],
        "aws:PrincipalType": "AssumedRole",
        "aws:MultiFactorAuthPresent": "true",
        "aws:MultiFactorAuthAge": "30",
        "aws:SecureTransport": "true",
    }
    externals = {
        value
        for statement in trust["Statement"]
        for block in statement.get("Condition", {}).values()
        for key, value in block.items()
        if key == "sts:ExternalId"
    }
    contexts = [base]
    contexts += [{**base, "sts:ExternalId": value} for value in externals]
    contexts.append({k: v for k, v in base.items() if not k.startswith("aws:PrincipalOrg")})
    return contexts


def _outsider_can_assume(trust: dict[str, Any]) -> bool:
    policies = PolicySet(
        identity=[
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
            }
        ],
        resource=trust,
    )
    return any(
        evaluate(
            Request(ATTACKER, "sts:AssumeRole", ROLE_ARN, resource_account=ACCOUNT, context=ctx),
            policies,
        ).allowed
        for ctx in _attacker_contexts(trust)
    )


@settings(max_examples=400, deadline=None)
@given(statements=st.lists(_statements(), min_size=1, max_size=3), as_text=st.booleans())
def test_an_outsider_let_in_is_an_error(statements: list[dict[str, Any]], as_text: bool) -> None:
    trust = {"Version": "2012-10-17", "Statement": statements}
    if not _outsider_can_assume(trust):
        return
    document: Any = json.dumps(trust) if as_text else trust
    template = {
        "Resources": {
            "Target": {
                "Type": "AWS::IAM::Role",
                "Properties": {"RoleName": "target", "AssumeRolePolicyDocument": document},
            }
        }
    }
    stack = StackTemplate.from_template(template, name="P", account=ACCOUNT, region="us-east-1")
    errors = [f for f in check_stack(stack) if f.severity is Severity.ERROR]
    assert errors, f"the evaluator lets {ATTACKER} in, and check finds nothing: {trust}"
