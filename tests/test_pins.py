"""trust.pins: which conditions pin the caller, operator family by operator family.

GIVEN one condition on a principal-pinning key, WHEN the predicate judges it, THEN the
verdict follows AWS's documented semantics (condition operators page, global condition
keys page). The second half ties the predicate to the rules and the constructors: a
value the constructor refuses is reported by the template rule under the same ID.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdk_iam_roles.cfn import ResourceRef, StackTemplate, Unknown
from cdk_iam_roles.rules import check_stack
from cdk_iam_roles.trust.pins import (
    PIN_KEYS,
    PinKind,
    judge_condition,
    judge_value,
    pin_checks,
    statement_pinned,
)

ACCOUNT = "111111111111"
OTHER = "222222222222"
PATH = "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"
BY_USER = f"arn:aws:iam::{ACCOUNT}:role/${{aws:username}}"
VARIABLE_ACCOUNT = "arn:aws:iam::${aws:PrincipalAccount}:role/x"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:t"

# (operator, key, values, expected kind)
CASES: list[tuple[str, str, list[Any], PinKind]] = [
    # --- exact string operators: '*' is a literal character -------------------------
    ("StringEquals", "aws:PrincipalOrgID", ["o-a1b2c3d4e5"], PinKind.PINS),
    ("StringEquals", "aws:PrincipalOrgID", ["o-*"], PinKind.PINS),  # literal: locks, not open
    ("StringEqualsIgnoreCase", "aws:PrincipalAccount", [ACCOUNT], PinKind.PINS),
    ("StringEquals", "aws:PrincipalAccount", ["${aws:PrincipalAccount}"], PinKind.WILDCARD),
    ("StringEquals", "aws:PrincipalOrgID", ["${aws:PrincipalOrgID}"], PinKind.WILDCARD),
    (
        "StringEquals",
        "aws:PrincipalArn",
        [BY_USER],
        PinKind.PINS,
    ),
    (
        "ForAnyValue:StringEquals",
        "aws:PrincipalOrgPaths",
        [PATH],
        PinKind.PINS,
    ),
    # --- StringLike: wildcards anywhere, across colons -------------------------------
    ("StringLike", "aws:PrincipalOrgID", ["o-*"], PinKind.WILDCARD),
    ("StringLike", "aws:PrincipalOrgID", ["o-a1b2c3d4e?"], PinKind.WILDCARD),
    ("StringLike", "aws:PrincipalOrgID", ["*"], PinKind.WILDCARD),
    ("StringLike", "aws:PrincipalOrgID", ["o-a1b2c3d4e5"], PinKind.PINS),
    ("StringLike", "aws:PrincipalOrgID", ["o-${*}"], PinKind.PINS),  # ${*} is a literal '*'
    ("StringLike", "aws:PrincipalAccount", ["1111*"], PinKind.WILDCARD),
    ("StringLike", "aws:SourceAccount", ["*"], PinKind.WILDCARD),
    ("StringLike", "aws:SourceOwner", [ACCOUNT], PinKind.PINS),
    ("StringLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/*"], PinKind.WILDCARD),
    ("StringLike", "aws:PrincipalArn", [f"arn:aws:iam::{ACCOUNT}:role/*"], PinKind.PINS),
    # '*' before the account field can swallow "aws:iam::222…:role/" (paths may hold ':')
    ("StringLike", "aws:PrincipalArn", [f"arn:*:iam::{ACCOUNT}:role/x"], PinKind.WILDCARD),
    ("StringLike", "aws:PrincipalArn", ["arn:aws:iam::*"], PinKind.WILDCARD),
    ("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", ["o-a1b2c3d4e5/*"], PinKind.PINS),
    ("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", ["o-*/*"], PinKind.WILDCARD),
    ("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", ["o-a1b2c3d4e5*"], PinKind.WILDCARD),
    ("StringLike", "aws:SourceOrgPaths", ["*"], PinKind.WILDCARD),
    ("StringLike", "aws:SourceOrgID", ["o-a1b2c3d4e5"], PinKind.PINS),
    # --- ARN operators: field by field; ArnEquals takes wildcards too ------------------
    ("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/*"], PinKind.WILDCARD),
    ("ArnEquals", "aws:PrincipalArn", ["arn:aws:iam::*:role/admin"], PinKind.WILDCARD),
    ("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::11111111111?:role/x"], PinKind.WILDCARD),
    ("ArnLike", "aws:PrincipalArn", [f"arn:*:iam::{ACCOUNT}:role/x"], PinKind.PINS),
    ("ArnLike", "aws:PrincipalArn", [f"arn:aws:iam::{ACCOUNT}:*"], PinKind.PINS),
    ("ArnLike", "aws:PrincipalArn", ["*"], PinKind.WILDCARD),
    (
        "ArnLike",
        "aws:PrincipalArn",
        [VARIABLE_ACCOUNT],
        PinKind.WILDCARD,
    ),
    ("ArnLike", "aws:SourceArn", ["arn:aws:lambda:*:*:function:x"], PinKind.WILDCARD),
    ("ArnLike", "aws:SourceArn", [f"arn:aws:states:*:{ACCOUNT}:stateMachine:*"], PinKind.PINS),
    ("ArnLike", "aws:SourceArn", ["arn:aws:s3:::*"], PinKind.WILDCARD),
    ("ArnLike", "aws:SourceArn", ["arn:aws:s3:::acme-*"], PinKind.LOOSE),
    ("ArnEquals", "aws:SourceArn", ["arn:aws:s3:::acme-logs"], PinKind.PINS),
    # several values are ORed: one open value opens the condition
    (
        "ArnLike",
        "aws:PrincipalArn",
        [f"arn:aws:iam::{ACCOUNT}:role/a", "arn:aws:iam::*:role/b"],
        PinKind.WILDCARD,
    ),
    # --- operators that pin nothing whatever the value --------------------------------
    ("StringNotEquals", "aws:PrincipalOrgID", ["o-a1b2c3d4e5"], PinKind.INEFFECTIVE),
    ("StringNotLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/evil"], PinKind.INEFFECTIVE),
    ("ArnNotEquals", "aws:SourceArn", [TOPIC], PinKind.INEFFECTIVE),
    ("StringEqualsIfExists", "aws:PrincipalOrgID", ["o-a1b2c3d4e5"], PinKind.INEFFECTIVE),
    (
        "ArnLikeIfExists",
        "aws:SourceArn",
        [TOPIC],
        PinKind.INEFFECTIVE,
    ),
    ("ForAllValues:StringEquals", "aws:PrincipalOrgPaths", ["o-a1b2c3d4e5/*"], PinKind.INEFFECTIVE),
    ("ForAllValues:StringLike", "aws:PrincipalOrgID", ["o-a1b2c3d4e5"], PinKind.INEFFECTIVE),
    ("Null", "aws:PrincipalOrgID", ["false"], PinKind.INEFFECTIVE),
    ("NumericEquals", "aws:PrincipalAccount", [ACCOUNT], PinKind.INEFFECTIVE),
    ("Bool", "aws:PrincipalOrgID", ["true"], PinKind.INEFFECTIVE),
    ("StringEquals", "aws:PrincipalOrgID", [], PinKind.INEFFECTIVE),
    # --- values unknown before deployment ---------------------------------------------
    ("StringEquals", "aws:PrincipalOrgID", [Unknown("parameter OrgId")], PinKind.PINS),
    ("StringLike", "aws:PrincipalOrgID", [Unknown("parameter OrgId")], PinKind.UNKNOWN),
    ("ArnLike", "aws:PrincipalArn", [Unknown("Fn::ImportValue")], PinKind.UNKNOWN),
    ("ArnEquals", "aws:SourceArn", [ResourceRef("Bucket", "Arn")], PinKind.PINS),
]


@pytest.mark.parametrize(("operator", "key", "values", "kind"), CASES)
def test_verdict_per_operator_family(
    operator: str, key: str, values: list[Any], kind: PinKind
) -> None:
    verdict = judge_condition(operator, key, values)
    assert verdict is not None
    assert verdict.kind is kind, verdict.reason
    assert verdict.pins is (kind is PinKind.PINS)
    assert bool(verdict.reason) is not verdict.pins


def test_keys_are_compared_ignoring_case_and_others_are_not_pins() -> None:
    assert judge_condition("StringLike", "AWS:PRINCIPALORGID", ["o-*"]) is not None
    assert judge_condition("StringEquals", "sts:ExternalId", ["x"]) is None
    assert judge_condition("StringEquals", "aws:userid", ["x"]) is None
    assert {"aws:principalarn", "aws:sourceorgpaths", "aws:sourceowner"} <= PIN_KEYS


def test_a_statement_is_pinned_when_any_condition_pins() -> None:
    """Condition operators are ANDed: one real pin is enough."""
    both = {
        "Condition": {
            "StringLike": {"aws:PrincipalOrgID": "o-*"},
            "StringEquals": {"aws:PrincipalAccount": ACCOUNT},
        }
    }
    assert statement_pinned(both)
    only_wild = {"Condition": {"StringLike": {"aws:PrincipalOrgID": "o-*"}}}
    assert not statement_pinned(only_wild)
    assert not statement_pinned({"Condition": {"StringEquals": {"sts:ExternalId": "x"}}})
    assert pin_checks({"Condition": "odd"}) == []


ACCOUNT_IDS = st.from_regex(r"\A\d{12}\Z")
WILD_ACCOUNTS = st.builds(
    lambda head, wild, tail: head + wild + tail,
    st.from_regex(r"\A\d{0,6}\Z"),
    st.sampled_from(["*", "?", "${aws:PrincipalAccount}"]),
    st.from_regex(r"\A\d{0,5}\Z"),
)
NAMES = st.from_regex(r"\A[\w+=,.@-]{1,20}\Z", fullmatch=True).filter(lambda n: "$" not in n)


@given(account=ACCOUNT_IDS, name=NAMES, operator=st.sampled_from(["ArnLike", "ArnEquals"]))
def test_any_literal_account_pins(account: str, name: str, operator: str) -> None:
    for value in (f"arn:aws:iam::{account}:role/{name}", f"arn:aws:iam::{account}:role/*"):
        assert judge_value("aws:PrincipalArn", value, matching="arn").pins
        verdict = judge_condition(operator, "aws:SourceArn", [value])
        assert verdict is not None
        assert verdict.pins


@given(account=WILD_ACCOUNTS, name=NAMES, matching=st.sampled_from(["arn", "glob"]))
def test_any_wildcard_in_the_account_field_pins_nothing(
    account: str, name: str, matching: Any
) -> None:
    value = f"arn:aws:iam::{account}:role/{name}"
    assert judge_value("aws:PrincipalArn", value, matching=matching).kind is PinKind.WILDCARD
    assert judge_value("aws:PrincipalAccount", account, matching="glob").kind is PinKind.WILDCARD


# --- one predicate, one rule ID: template rules and constructors agree ------------------


def _open_trust(condition: dict[str, Any], principal: Any = "*") -> list[str]:
    tpl = {
        "Resources": {
            "R": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": principal,
                                "Action": "sts:AssumeRole",
                                "Condition": condition,
                            }
                        ],
                    }
                },
            }
        }
    }
    stack = StackTemplate.from_template(tpl, name="Raw", account=ACCOUNT, region="us-east-1")
    return sorted(f.rule_id for f in check_stack(stack) if f.severity.value == "error")


@pytest.mark.parametrize(
    "condition",
    [
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}},
        {"StringLike": {"aws:PrincipalOrgID": "o-*"}},
        {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        {"ForAllValues:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*"}},
        {"StringNotEquals": {"aws:PrincipalAccount": OTHER}},
        {"Null": {"aws:PrincipalOrgID": "false"}},
        {"StringEquals": {"sts:ExternalId": "shared-secret"}},
    ],
)
def test_principal_star_pinned_by_nothing_is_an_error(condition: dict[str, Any]) -> None:
    """Issue 10: `Principal "*"` pinned by `o-*` or `arn:aws:iam::*:role/*` passed before."""
    assert _open_trust(condition) == ["IAMR-TRUST-001"]


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/*"}},
        {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/ops-*"}},
        {"StringEquals": {"aws:PrincipalAccount": {"Ref": "Trusted"}}},
        # a wildcard pin next to a real one: the statement is pinned, the wildcard is reported
        {
            "StringLike": {"aws:PrincipalOrgID": "o-*"},
            "StringEquals": {"aws:PrincipalAccount": ACCOUNT},
        },
    ],
)
def test_principal_star_with_a_real_pin_is_not_open(condition: dict[str, Any]) -> None:
    assert "IAMR-TRUST-001" not in _open_trust(condition)


def test_an_unknown_pattern_is_reported_as_not_checked() -> None:
    tpl_condition = {"ArnLike": {"aws:PrincipalArn": {"Fn::ImportValue": "CallerArn"}}}
    stack = StackTemplate.from_template(
        {
            "Resources": {
                "R": {
                    "Type": "AWS::IAM::Role",
                    "Properties": {
                        "AssumeRolePolicyDocument": {
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Principal": "*",
                                    "Action": "sts:AssumeRole",
                                    "Condition": tpl_condition,
                                }
                            ]
                        }
                    },
                }
            }
        },
        name="Raw",
    )
    found = [f for f in check_stack(stack) if f.rule_id == "IAMR-TRUST-001"]
    assert len(found) == 1
    assert "could not be checked" in found[0].message


def test_stack_without_environment_reads_pseudo_parameters_as_literals() -> None:
    """`arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x` holds no wildcard: it pins."""
    principal_arn = {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/ops"}
    stack = StackTemplate.from_template(
        {
            "Resources": {
                "R": {
                    "Type": "AWS::IAM::Role",
                    "Properties": {
                        "AssumeRolePolicyDocument": {
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Principal": "*",
                                    "Action": "sts:AssumeRole",
                                    "Condition": {"ArnLike": {"aws:PrincipalArn": principal_arn}},
                                }
                            ]
                        }
                    },
                }
            }
        },
        name="Raw",
    )
    ids = {f.rule_id for f in check_stack(stack)}
    assert "IAMR-TRUST-001" not in ids  # without the stand-ins: "could not be checked"
    assert "IAMR-TRUST-006" not in ids


# --- agreement with the evaluator: an outsider the evaluator lets in is an error -------

OUTSIDER_ACCOUNTS = st.from_regex(r"\A[2-9]\d{11}\Z")
OUTSIDER_ORGS = st.from_regex(r"\Ao-[a-z0-9]{10}\Z").filter(lambda o: o != "o-a1b2c3d4e5")
NOT_PINNING = [
    {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}},
    {"StringLike": {"aws:PrincipalOrgID": "o-*"}},
    {"StringLike": {"aws:PrincipalAccount": "*"}},
    {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    {"ForAllValues:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*"}},
    {"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}},
    {"Null": {"aws:PrincipalArn": "false"}},
]
PINNING = [
    {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/*"}},
    {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*"}},
    {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
]


def _outsider_decision(condition: dict[str, Any], account: str, org: str | None) -> bool:
    from cdk_iam_roles.analysis import PolicySet, Request, evaluate

    role_arn = f"arn:aws:iam::{ACCOUNT}:role/open"
    caller = f"arn:aws:iam::{account}:role/attacker"
    context: dict[str, Any] = {"aws:PrincipalArn": caller, "aws:PrincipalAccount": account}
    if org is not None:  # AWS sends the org keys only for members of an organization
        context["aws:PrincipalOrgID"] = org
        context["aws:PrincipalOrgPaths"] = [f"{org}/r-ab12/ou-ab12-11111111/"]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "sts:AssumeRole",
                "Condition": condition,
            }
        ],
    }
    grant = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}],
    }
    request = Request(caller, "sts:AssumeRole", role_arn, resource_account=ACCOUNT, context=context)
    return evaluate(request, PolicySet(identity=[grant], resource=trust)).allowed


@given(
    condition=st.sampled_from(NOT_PINNING + PINNING),
    account=OUTSIDER_ACCOUNTS,
    org=st.one_of(st.none(), OUTSIDER_ORGS),
)
def test_check_errors_whenever_the_evaluator_lets_some_outsider_in(
    condition: dict[str, Any], account: str, org: str | None
) -> None:
    """An outsider (another account, another or no organization) that the evaluator lets
    in means TRUST-001 reports the statement; a real pin keeps every outsider out."""
    reported = "IAMR-TRUST-001" in _open_trust(condition)
    if _outsider_decision(condition, account, org):
        assert reported, condition
    assert reported is (condition in NOT_PINNING)
    if condition in PINNING:
        assert not _outsider_decision(condition, account, org)


@pytest.mark.parametrize("condition", NOT_PINNING)
def test_each_non_pinning_condition_admits_some_outsider(condition: dict[str, Any]) -> None:
    """The evaluator (not only the predicate) lets an outsider in: the error is not a guess."""
    outsiders = [("222222222222", None), ("222222222222", "o-zzzzzzzzzz")]
    assert any(_outsider_decision(condition, a, o) for a, o in outsiders)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from(["*", "o-*", "SAML:aud", "x"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["AWS", "Federated", "StringLike", "aws:PrincipalArn", "Ref", "SAML:sub"]
            ),
            children,
            max_size=3,
        )
    ),
    max_leaves=12,
)


OURS = {"IAMR-TRUST-001", "IAMR-TRUST-006", "IAMR-TRUST-007", "IAMR-SAML-001"}


@given(principal=JSON, condition=JSON, action=JSON)
def test_the_pin_rules_never_raise_on_odd_shapes(
    principal: Any, condition: Any, action: Any
) -> None:
    tpl = {
        "Resources": {
            "R": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": principal,
                                "Action": action,
                                "Condition": condition,
                            }
                        ]
                    }
                },
            }
        }
    }
    for account in (ACCOUNT, None):
        stack = StackTemplate.from_template(tpl, name="Raw", account=account)
        found = check_stack(stack)
        crashed = [f for f in found if "could not check" in f.message and f.rule_id in OURS]
        assert not crashed, crashed
