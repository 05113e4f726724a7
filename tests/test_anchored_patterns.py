"""Anchored patterns across the package match the whole value, in ASCII.

With ``re.match(r"^…$")`` the ``$`` also matches before a trailing newline, so
``"222222222222\\n"`` passed as an account ID; without ``re.ASCII`` ``\\d`` matches any
Unicode digit ("١", "²"), which IAM does not accept and ``int()`` may not parse. Each
test below fails with the old patterns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cdk_iam_roles.analysis._conditions import parse_date
from cdk_iam_roles.analysis._principals import PrincipalError, parse_aws_entry
from cdk_iam_roles.analysis.assembly import load_app
from cdk_iam_roles.catalog import build_catalog
from cdk_iam_roles.catalog._words import describe_statement, identity_center_permission_set
from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.rules import check_stack
from cdk_iam_roles.trust.validate import (
    check_account_id,
    check_external_id,
    check_role_name,
    check_role_path,
    check_service_principal,
    check_session_name,
)

ARABIC_ACCOUNT = "١١١١٢٢٢٢٣٣٣٣"  # twelve ARABIC-INDIC digits: \d without re.ASCII


@pytest.mark.parametrize(
    ("check", "good"),
    [
        (check_account_id, "222222222222"),
        (check_role_name, "deploy"),
        (check_role_path, "/app/"),
        (check_external_id, "vendor-id-1"),
        (check_session_name, "alice"),
        (check_service_principal, "lambda.amazonaws.com"),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_validators_refuse_a_trailing_newline(
    check: Callable[[str], str | None], good: str
) -> None:
    assert check(good) is None
    assert check(good + "\n") is not None


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (check_account_id, ARABIC_ACCOUNT),
        (check_role_name, "rôle"),
        (check_external_id, "vendor-ïd"),
        (check_session_name, "ålice"),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_validators_accept_only_the_ascii_characters_iam_names(
    check: Callable[[str], str | None], value: str
) -> None:
    assert check(value) is not None


@pytest.mark.parametrize("value", ["111122223333\n", ARABIC_ACCOUNT])
def test_evaluator_reads_no_account_into_a_principal_with_a_newline_or_foreign_digits(
    value: str,
) -> None:
    assert parse_aws_entry("111122223333").account == "111122223333"
    with pytest.raises(PrincipalError):
        parse_aws_entry(value)


def test_epoch_dates_are_ascii_digits() -> None:
    assert parse_date("86400") == 86400.0
    assert parse_date("٨٦٤٠٠") is None


def _unique_id_findings(principal: str) -> list[str]:
    trust = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    template = {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [trust]}
                },
            }
        }
    }
    stack = StackTemplate.from_template(template, name="S")
    return [f.message for f in check_stack(stack) if f.rule_id == "IAMR-TRUST-005"]


def test_unique_ids_are_matched_whole() -> None:
    unique = "AROA" + "A1B2C3D4E5F6G7H8"
    assert _unique_id_findings(unique)
    assert not _unique_id_findings(unique + "\n")


def test_catalog_words_match_the_whole_value() -> None:
    folder = "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/"
    assert identity_center_permission_set(folder + "*AWSReservedSSO_Ops_*") == "Ops"
    assert identity_center_permission_set(folder + "*AWSReservedSSO_Ops_*\n") is None
    statement = {"Effect": "Allow", "Principal": {"AWS": "111111111111\n"}, "Action": "*"}
    (assumer,) = describe_statement(statement, {})
    assert assumer.kind != "account"


def _role_template(**props: Any) -> dict[str, Any]:
    trust = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::222222222222:user/alice"},
        "Action": "sts:AssumeRole",
        "Condition": {
            "Bool": {"aws:MultiFactorAuthPresent": "true"},
            "NumericLessThan": {"aws:MultiFactorAuthAge": "³"},
        },
    }
    policy = {"Version": "2012-10-17", "Statement": [trust]}
    return {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {"AssumeRolePolicyDocument": policy, **props},
            }
        }
    }


def test_superscript_digits_do_not_crash_the_catalog_or_the_reader() -> None:
    # "²".isdigit() is True but int("²") raises: these crashed with a ValueError.
    template = _role_template(MaxSessionDuration="²")
    stack = StackTemplate.from_template(
        template, name="S", account="111111111111", region="us-east-1"
    )
    (entry,) = build_catalog([stack]).roles
    assert entry.max_session_seconds is None
    (role,) = load_app(template).roles
    assert role.logical_id == "Role"


def test_plugin_reads_no_account_with_a_trailing_newline() -> None:
    from cdk_iam_roles.plugin import _ACCOUNT, _environment_value

    assert _environment_value("111111111111", _ACCOUNT) == "111111111111"
    assert _environment_value("111111111111\n", _ACCOUNT) is None
    assert _environment_value(ARABIC_ACCOUNT, _ACCOUNT) is None
