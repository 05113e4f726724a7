"""Condition operators, modifiers and the combination of keys, values and operators.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
"""

from __future__ import annotations

from typing import Any

import pytest

from cdk_iam_roles.analysis import Decision, PolicySet, Request, evaluate

USER = "arn:aws:iam::111122223333:user/alice"
QUEUE = "arn:aws:sqs:us-east-1:111122223333:orders"


def decide(condition: dict[str, Any], context: dict[str, Any] | None = None) -> Decision:
    statement = {"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": condition}
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    request = Request(USER, "sqs:SendMessage", QUEUE, context=context or {})
    return evaluate(request, PolicySet(identity=[policy]))


def holds(operator: str, key: str, values: Any, context: dict[str, Any]) -> bool:
    return decide({operator: {key: values}}, context).allowed


@pytest.mark.parametrize(
    ("operator", "values", "actual", "expected"),
    [
        ("StringEquals", "prod", "prod", True),
        ("StringEquals", "prod", "Prod", False),
        ("StringNotEquals", "prod", "Prod", True),
        ("StringEqualsIgnoreCase", "PROD", "prod", True),
        ("StringNotEqualsIgnoreCase", "PROD", "prod", False),
        ("StringLike", "prod-*", "prod-eu", True),
        ("StringLike", "p?od", "prod", True),
        ("StringLike", "p?od", "pod", False),
        ("StringLike", "Prod*", "prod-eu", False),
        ("StringNotLike", "prod-*", "dev", True),
        ("StringEquals", ["dev", "prod"], "prod", True),  # values are ORed
        ("StringNotEquals", ["dev", "prod"], "prod", False),  # negated: NOR
        ("NumericEquals", "900", "900.0", True),
        ("NumericNotEquals", ["900", "10"], "10", False),
        ("NumericLessThan", "900", "899.5", True),
        ("NumericLessThanEquals", "900", "900", True),
        ("NumericGreaterThan", "-5", "-4", True),
        ("NumericGreaterThanEquals", 12.5, "12", False),
        ("DateEquals", "2020-01-01", "2020-01-01T00:00:00Z", True),
        ("DateEquals", "1577836800", "2020-01-01T00:00:00Z", True),  # epoch seconds
        ("DateNotEquals", "2020-01-01T02:00:00+02:00", "2020-01-01T00:00:00Z", False),
        ("DateLessThan", "2021-06-15T12:00:00Z", "1577836800", True),
        ("DateLessThanEquals", "1577836800", "1577836800", True),
        ("DateGreaterThan", "2020-01-01T00:00:00Z", "2019-12-31T23:59:59Z", False),
        ("DateGreaterThanEquals", "2020-01-01", "2020-01-01T00:00:01Z", True),
        ("Bool", "true", "true", True),
        ("Bool", True, "TRUE", True),
        ("Bool", "false", "true", False),
        ("BinaryEquals", "QUJD", "QUJD", True),
        ("BinaryEquals", "QUJD", "REVG", False),
        ("IpAddress", "10.0.0.0/8", "10.1.2.3", True),
        ("IpAddress", "203.0.113.7", "203.0.113.7", True),
        ("IpAddress", "0.0.0.0/0", "198.51.100.1", True),
        ("IpAddress", "2001:db8::/32", "2001:db8::5", True),
        ("IpAddress", "10.0.0.0/8", "2001:db8::5", False),
        ("NotIpAddress", "10.0.0.0/8", "192.168.1.1", True),
        ("NotIpAddress", "203.0.113.7", "2001:db8::5", True),
        ("ArnEquals", "arn:aws:lambda:*:111122223333:function:f?", QUEUE, False),
        ("ArnLike", "arn:aws:sqs:*:111122223333:*", QUEUE, True),
        ("ArnLike", "arn:aws:sqs:us-*", QUEUE, False),  # six fields, each on its own
        ("ArnLike", "arn:aws:SQS:*:*:*", QUEUE, False),  # case-sensitive
        ("ArnNotLike", "arn:aws:s3:::*", QUEUE, True),
        ("ArnNotEquals", QUEUE, QUEUE, False),
    ],
)
def test_operator(operator: str, values: Any, actual: str, expected: bool) -> None:
    assert holds(operator, "test:key", values, {"test:key": actual}) is expected


def test_key_names_are_case_insensitive_values_are_not() -> None:
    assert holds("StringEquals", "AWS:PrincipalTag/Team", "ops", {"aws:principaltag/team": "ops"})
    assert not holds(
        "StringEquals", "aws:PrincipalTag/team", "ops", {"aws:PrincipalTag/team": "OPS"}
    )


def test_absent_keys() -> None:
    # Positive operators do not match a missing key, negated operators do.
    assert not holds("StringEquals", "k:x", "a", {})
    assert holds("StringNotEquals", "k:x", "a", {})
    assert holds("NotIpAddress", "aws:SourceIp", "10.0.0.0/8", {})
    assert holds("ArnNotLike", "aws:SourceArn", "arn:aws:s3:::*", {})
    # IfExists: "If the key is not present, evaluate the condition element as true".
    assert holds("StringEqualsIfExists", "k:x", "a", {})
    assert not holds("StringEqualsIfExists", "k:x", "a", {"k:x": "b"})
    assert holds("BoolIfExists", "aws:MultiFactorAuthPresent", "true", {})


def test_null_operator() -> None:
    assert holds("Null", "k:x", "true", {})
    assert not holds("Null", "k:x", "true", {"k:x": "a"})
    assert holds("Null", "k:x", "false", {"k:x": "a"})
    assert holds("Null", "k:x", False, {"k:x": []})  # a key with no values is present


def test_set_operators() -> None:
    tags = {"aws:TagKeys": ["team", "env"]}
    assert holds("ForAllValues:StringEquals", "aws:TagKeys", ["team", "env", "cost"], tags)
    assert not holds("ForAllValues:StringEquals", "aws:TagKeys", ["team"], tags)
    assert holds("ForAnyValue:StringEquals", "aws:TagKeys", ["team"], tags)
    assert not holds("ForAnyValue:StringEquals", "aws:TagKeys", ["cost"], tags)
    assert holds("ForAnyValue:StringNotEquals", "aws:TagKeys", ["team"], tags)
    assert not holds("ForAllValues:StringNotEquals", "aws:TagKeys", ["team"], tags)
    assert holds("ForAnyValue:StringLike", "aws:TagKeys", "t*", tags)


def test_set_operators_with_absent_or_empty_keys() -> None:
    # ForAllValues is true when the key is missing or empty; ForAnyValue is false.
    assert holds("ForAllValues:StringEquals", "aws:TagKeys", "team", {})
    assert holds("ForAllValues:StringEquals", "aws:TagKeys", "team", {"aws:TagKeys": []})
    assert not holds("ForAnyValue:StringEquals", "aws:TagKeys", "team", {})
    assert not holds("ForAnyValue:StringEquals", "aws:TagKeys", "team", {"aws:TagKeys": []})
    assert holds("ForAnyValue:StringEqualsIfExists", "aws:TagKeys", "team", {})


def test_keys_and_operators_are_anded() -> None:
    context = {"k:a": "1", "k:b": "2"}
    assert decide({"StringEquals": {"k:a": "1", "k:b": "2"}}, context).allowed
    assert not decide({"StringEquals": {"k:a": "1", "k:b": "3"}}, context).allowed
    both = {"StringEquals": {"k:a": "1"}, "NumericLessThan": {"k:b": "3"}}
    assert decide(both, context).allowed
    one_fails = {"StringEquals": {"k:a": "1"}, "NumericLessThan": {"k:b": "1"}}
    assert not decide(one_fails, context).allowed


def test_failed_condition_is_reported_with_key_operator_expected_actual() -> None:
    decision = decide(
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "StringEquals": {"k:x": ["a", "b"]}},
        {"k:x": "c"},
    )
    failures = {f.key: f for r in decision.reasons for f in r.conditions}
    mfa, value = failures["aws:MultiFactorAuthPresent"], failures["k:x"]
    assert (mfa.operator, mfa.expected, mfa.actual, mfa.missing) == ("Bool", ("true",), None, True)
    assert (value.operator, value.expected, value.actual) == ("StringEquals", ("a", "b"), ("c",))
    assert "key missing from the request" in decision.explain()


def test_multivalued_request_value_needs_a_set_operator() -> None:
    # "Multivalued context keys require a condition set operator": without one we cannot
    # say what AWS does, so the statement grants nothing and is reported.
    decision = decide({"StringEquals": {"aws:TagKeys": "team"}}, {"aws:TagKeys": ["team"]})
    assert not decision.allowed
    assert decision.unevaluable
    assert "set operator" in decision.unevaluable[0].detail


def test_request_values_that_cannot_be_compared() -> None:
    for operator, value in (
        ("NumericLessThan", "ten"),
        ("DateLessThan", "yesterday"),
        ("NotIpAddress", "localhost"),
        ("ArnNotLike", "not-an-arn"),
    ):
        policy_value = {
            "NumericLessThan": "10",
            "DateLessThan": "2020-01-01",
            "NotIpAddress": "10.0.0.0/8",
            "ArnNotLike": "arn:aws:s3:::*",
        }[operator]
        decision = decide({operator: {"k:x": policy_value}}, {"k:x": value})
        assert not decision.allowed, operator
        assert decision.unevaluable, operator
