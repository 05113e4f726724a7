"""Policy variables: substitution, defaults, special characters, missing values, versions.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
"""

from __future__ import annotations

from typing import Any

import pytest

from cdk_iam_roles.analysis import Decision, PolicySet, Request, evaluate

USER = "arn:aws:iam::111122223333:user/alice"


def decide(
    statement: dict[str, Any],
    resource: str,
    context: dict[str, Any],
    version: str | None = "2012-10-17",
    action: str = "s3:GetObject",
) -> Decision:
    policy: dict[str, Any] = {"Statement": [statement]}
    if version is not None:
        policy["Version"] = version
    return evaluate(Request(USER, action, resource, context=context), PolicySet(identity=[policy]))


def home(pattern: str = "arn:aws:s3:::home/${aws:username}/*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "s3:GetObject", "Resource": pattern}


def test_variable_in_resource() -> None:
    alice = {"aws:username": "alice"}
    assert decide(home(), "arn:aws:s3:::home/alice/a.txt", alice).allowed
    assert not decide(home(), "arn:aws:s3:::home/bob/a.txt", alice).allowed
    # Key names in variables are case-insensitive.
    assert decide(
        home("arn:aws:s3:::home/${AWS:UserName}/*"), "arn:aws:s3:::home/alice/x", alice
    ).allowed


def test_default_value() -> None:
    pattern = "arn:aws:s3:::team-${aws:PrincipalTag/team, 'company-wide'}/*"
    assert decide(home(pattern), "arn:aws:s3:::team-company-wide/x", {}).allowed
    assert decide(
        home(pattern), "arn:aws:s3:::team-ops/x", {"aws:PrincipalTag/team": "ops"}
    ).allowed
    assert not decide(
        home(pattern), "arn:aws:s3:::team-company-wide/x", {"aws:PrincipalTag/team": "ops"}
    ).allowed


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        ("arn:aws:s3:::lit/${*}", "arn:aws:s3:::lit/*", True),
        ("arn:aws:s3:::lit/${*}", "arn:aws:s3:::lit/anything", False),
        ("arn:aws:s3:::lit/a${?}c", "arn:aws:s3:::lit/a?c", True),
        ("arn:aws:s3:::lit/a${?}c", "arn:aws:s3:::lit/abc", False),
        ("arn:aws:s3:::lit/${$}", "arn:aws:s3:::lit/$", True),
    ],
)
def test_special_characters(pattern: str, resource: str, expected: bool) -> None:
    assert decide(home(pattern), resource, {}).allowed is expected


def test_special_characters_in_every_string_operator() -> None:
    for operator in ("StringEquals", "StringLike"):
        statement = {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {operator: {"aws:PrincipalTag/x": "a${*}${$}"}},
        }
        assert decide(statement, "arn:aws:s3:::b/k", {"aws:PrincipalTag/x": "a*$"}).allowed
        assert not decide(statement, "arn:aws:s3:::b/k", {"aws:PrincipalTag/x": "ab$"}).allowed


def test_variables_are_literal_text_outside_version_2012() -> None:
    context = {"aws:username": "alice"}
    for version in ("2008-10-17", None):
        assert not decide(home(), "arn:aws:s3:::home/alice/x", context, version).allowed
        assert decide(home(), "arn:aws:s3:::home/${aws:username}/x", context, version).allowed


def test_variable_without_value() -> None:
    # "StringEquals or StringLike do not match ... Inverted condition operators like
    # StringNotEquals or StringNotLike do match against a null value".
    def condition(operator: str) -> dict[str, Any]:
        return {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {operator: {"aws:PrincipalTag/owner": "${aws:username}"}},
        }

    tag = {"aws:PrincipalTag/owner": "alice"}
    assert not decide(condition("StringEquals"), "arn:aws:s3:::b/k", tag).allowed
    assert not decide(condition("StringLike"), "arn:aws:s3:::b/k", tag).allowed
    assert decide(condition("StringNotEquals"), "arn:aws:s3:::b/k", tag).allowed
    assert decide(condition("StringNotLike"), "arn:aws:s3:::b/k", tag).allowed
    # In Resource, such a pattern "will not match any resource": NotResource then matches all.
    assert not decide(home(), "arn:aws:s3:::home/alice/x", {}).allowed
    fence = {
        "Effect": "Deny",
        "Action": "s3:*",
        "NotResource": "arn:aws:s3:::home/${aws:username}/*",
    }
    open_all = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    policy = {"Version": "2012-10-17", "Statement": [open_all, fence]}
    request = Request(USER, "s3:GetObject", "arn:aws:s3:::home/alice/x")
    assert evaluate(request, PolicySet(identity=[policy])).outcome == "ExplicitDeny"


def test_multivalued_key_is_no_variable() -> None:
    statement = home("arn:aws:s3:::home/${aws:TagKeys}/*")
    assert not decide(statement, "arn:aws:s3:::home/a/x", {"aws:TagKeys": ["a"]}).allowed
    assert decide(statement, "arn:aws:s3:::home/a/x", {"aws:TagKeys": "a"}).allowed


def test_substituted_value_is_literal() -> None:
    # A request value with `*` does not become a wildcard.
    assert not decide(home(), "arn:aws:s3:::home/alice/x", {"aws:username": "*"}).allowed


def test_arn_operator_takes_variables() -> None:
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sqs:*:${aws:PrincipalAccount}:*"}},
    }
    context = {
        "aws:PrincipalAccount": "111122223333",
        "aws:SourceArn": "arn:aws:sqs:us-east-1:111122223333:q",
    }
    assert decide(statement, "arn:aws:s3:::b/k", context).allowed
    context["aws:PrincipalAccount"] = "444455556666"
    assert not decide(statement, "arn:aws:s3:::b/k", context).allowed


def test_variable_in_the_account_field_of_a_resource_arn_resolves() -> None:
    # AWS's managed policy AmazonTimestreamInfluxDBServiceRolePolicy grants on
    # "arn:aws:kms:*:${aws:PrincipalAccount}:key/*": the variable resolves there too.
    # https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonTimestreamInfluxDBServiceRolePolicy.html
    statement = {**home("arn:aws:sqs:*:${aws:PrincipalAccount}:*"), "Action": "sqs:*"}
    queue = "arn:aws:sqs:us-east-1:111122223333:q"
    own = decide(statement, queue, {"aws:PrincipalAccount": "111122223333"}, action="sqs:Send")
    assert own.allowed
    assert not own.unevaluable
    other = decide(statement, queue, {"aws:PrincipalAccount": "444455556666"}, action="sqs:Send")
    assert not other.allowed
    assert not other.unevaluable
    # Without the key the pattern matches nothing (and is no problem to report).
    assert not decide(statement, queue, {}, action="sqs:Send").allowed


def test_variables_are_not_substituted_for_other_operators() -> None:
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {"NumericLessThan": {"s3:max-keys": "${aws:PrincipalTag/limit}"}},
    }
    decision = decide(
        statement, "arn:aws:s3:::b/k", {"aws:PrincipalTag/limit": "5", "s3:max-keys": "1"}
    )
    assert not decision.allowed
    assert decision.unevaluable
