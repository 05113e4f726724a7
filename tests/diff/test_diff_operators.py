"""Condition operators and keys of trust policies, each widened and tightened.

GIVEN two trust policies that differ in one condition, WHEN compared, THEN the verdict
follows the operator's meaning (IfExists, Null, ForAllValues/ForAnyValue, dates, IPs,
source identity, session tags, SAML claims).
"""

from __future__ import annotations

from typing import Any

import pytest

from cdk_iam_roles.analysis.symbolic import compare_trust

ROLE = "arn:aws:iam::111111111111:role/target"
SAML = "arn:aws:iam::111111111111:saml-provider/AcmeIdP"


def _aws(condition: dict[str, Any] | None, action: Any = "sts:AssumeRole") -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::222222222222:role/ci"},
        "Action": action,
    }
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def _saml(condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": SAML},
                "Action": "sts:AssumeRoleWithSAML",
                "Condition": condition,
            }
        ],
    }


CASES = [
    # source identity required, then dropped
    (_aws({"StringLike": {"sts:SourceIdentity": "alice*"}}), _aws(None), "new-access"),
    (_aws(None), _aws({"Null": {"sts:SourceIdentity": "false"}}), "no-new-access"),
    # IfExists lets a missing key through
    (
        _aws({"StringEquals": {"sts:ExternalId": "x"}}),
        _aws({"StringEqualsIfExists": {"sts:ExternalId": "x"}}),
        "new-access",
    ),
    (
        _aws({"StringEqualsIfExists": {"sts:ExternalId": "x"}}),
        _aws({"StringEquals": {"sts:ExternalId": "x"}}),
        "no-new-access",
    ),
    # session tags: the allowed tag keys widened / narrowed
    (
        _aws(
            {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}},
            ["sts:AssumeRole", "sts:TagSession"],
        ),
        _aws(
            {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "admin"]}},
            ["sts:AssumeRole", "sts:TagSession"],
        ),
        "new-access",
    ),
    (
        _aws(
            {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "admin"]}},
            ["sts:AssumeRole", "sts:TagSession"],
        ),
        _aws(
            {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}},
            ["sts:AssumeRole", "sts:TagSession"],
        ),
        "no-new-access",
    ),
    # a tag value pinned, then any value
    (
        _aws({"StringEquals": {"aws:RequestTag/team": "blue"}}, "sts:TagSession"),
        _aws({"Null": {"aws:RequestTag/team": "false"}}, "sts:TagSession"),
        "new-access",
    ),
    # a date window widened / narrowed
    (
        _aws({"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}),
        _aws({"DateLessThan": {"aws:CurrentTime": "2028-01-01T00:00:00Z"}}),
        "new-access",
    ),
    (
        _aws({"DateLessThan": {"aws:CurrentTime": "2028-01-01T00:00:00Z"}}),
        _aws({"DateLessThan": {"aws:CurrentTime": "1798761600"}}),
        "no-new-access",
    ),
    # source IP ranges
    (
        _aws({"IpAddress": {"aws:SourceIp": "10.0.0.0/16"}}),
        _aws({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        "new-access",
    ),
    (
        _aws({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        _aws({"IpAddress": {"aws:SourceIp": ["10.1.0.0/16", "10.2.0.0/16"]}}),
        "no-new-access",
    ),
    # SAML: console audience kept, attribute loosened
    (
        _saml(
            {
                "StringEquals": {
                    "SAML:aud": "https://signin.aws.amazon.com/saml",
                    "SAML:edupersonaffiliation": "engineering",
                }
            }
        ),
        _saml({"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}),
        "new-access",
    ),
    (
        _saml({"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}),
        _saml({"StringEqualsIgnoreCase": {"SAML:aud": "HTTPS://signin.aws.amazon.com/saml"}}),
        "new-access",
    ),
    # MFA on a federated principal can never be met: adding it narrows to nothing
    (
        _saml({"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}),
        _saml(
            {
                "StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"},
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
            }
        ),
        "no-new-access",
    ),
    # ForAnyValue on organization paths widened
    (
        _aws(
            {
                "ForAnyValue:StringLike": {
                    "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"
                }
            }
        ),
        _aws({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*"}}),
        "new-access",
    ),
]


@pytest.mark.parametrize(("base", "head", "expected"), CASES)
def test_operator_changes(base: dict[str, Any], head: dict[str, Any], expected: str) -> None:
    verdict = compare_trust(base, head, role_arn=ROLE, account="111111111111")
    assert verdict.verdict == expected, verdict.reason


def _elevated(age: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::111111111111:user/ops/alice"]},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                    "NumericLessThan": {"aws:MultiFactorAuthAge": age},
                    "StringEquals": {"sts:RoleSessionName": "${aws:username}"},
                },
            }
        ],
    }


def test_a_policy_variable_clause_shared_by_both_sides() -> None:
    # GIVEN ElevatedUserRole's session-name pin (a policy variable) on both sides
    wider = compare_trust(_elevated("900"), _elevated("3600"), role_arn=ROLE)
    # THEN the longer MFA age is new access, shown with the caller's own user name
    assert wider.verdict == "new-access"
    assert wider.witness is not None
    assert wider.witness.context["sts:RoleSessionName"] == "alice"
    assert compare_trust(_elevated("3600"), _elevated("900"), role_arn=ROLE).verdict == (
        "no-new-access"
    )
