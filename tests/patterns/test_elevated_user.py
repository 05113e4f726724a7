"""ElevatedUserRole: MFA-gated human elevation, its refusals, warnings and alarm."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Annotations, Match

from cdk_iam_roles import ElevatedUserRole, RoleConfigError
from cdk_iam_roles.analysis import PolicySet, Request, evaluate
from cdk_iam_roles.patterns.elevated_user import identity_center_role_arn
from helpers import new_stack, resources_of_type, synth, trust_of

ALICE = "arn:aws:iam::111111111111:user/alice"
BOB = "arn:aws:iam::111111111111:user/ops/bob"
SSO_ADMIN = "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Admin_*"
SSO_OPS = "arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Ops_*"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "patterns" / "elevated-user.md"

MFA_CONDITIONS = {
    "Bool": {"aws:MultiFactorAuthPresent": "true"},
    "NumericLessThan": {"aws:MultiFactorAuthAge": "900"},
    "StringEquals": {"sts:RoleSessionName": "${aws:username}"},
}


@pytest.fixture(scope="module")
def built() -> tuple[cdk.Stack, dict[str, Any]]:
    """One stack with each shape of the pattern, synthesized (and linted) once."""
    stack = new_stack()
    topic = sns.Topic(stack, "Alarms")
    ElevatedUserRole(stack, "Admin", trusted_users=[ALICE])
    ElevatedUserRole(
        stack,
        "BreakGlass",
        trusted_users=[ALICE, BOB],
        mfa_max_age=cdk.Duration.minutes(5),
        require_source_identity=True,
        alarm_topic=topic,
        role_name="break-glass",
    )
    ElevatedUserRole(
        stack,
        "Migrations",
        trusted_users=[BOB],
        max_session_duration=cdk.Duration.hours(4),
        long_session_reason="database migrations run for up to four hours",
    )
    ElevatedUserRole(
        stack,
        "Sso",
        trusted_users=[SSO_ADMIN, SSO_OPS],
        idp_enforced_mfa=True,
        require_source_identity=True,
    )
    ElevatedUserRole(
        stack,
        "Chained",
        trusted_users=["arn:aws:iam::111111111111:role/SamlAdmin"],
        idp_enforced_mfa=True,
        max_session_duration=cdk.Duration.hours(2),
        long_session_reason="long running console work in the data lake",
    )
    return stack, synth(stack)


def _role(template: dict[str, Any], prefix: str) -> dict[str, Any]:
    roles = [
        v for k, v in resources_of_type(template, "AWS::IAM::Role").items() if k.startswith(prefix)
    ]
    assert len(roles) == 1
    props: dict[str, Any] = roles[0]["Properties"]
    return props


# -- trust JSON and secure defaults ----------------------------------------------------------


def test_default_trust_requires_fresh_mfa_and_the_user_name_as_session_name(
    built: tuple[cdk.Stack, dict[str, Any]],
) -> None:
    assert trust_of(built[1], "Admin") == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ALICE},
                "Action": "sts:AssumeRole",
                "Condition": MFA_CONDITIONS,
            }
        ],
    }


def test_default_session_is_one_hour_and_written_out(
    built: tuple[cdk.Stack, dict[str, Any]],
) -> None:
    assert _role(built[1], "Admin")["MaxSessionDuration"] == 3600


def test_mfa_condition_is_bool_not_bool_if_exists(built: tuple[cdk.Stack, dict[str, Any]]) -> None:
    # BoolIfExists would let long-term access keys (no MFA key at all) in.
    condition = trust_of(built[1], "Admin")["Statement"][0]["Condition"]
    assert "BoolIfExists" not in condition
    assert condition["Bool"] == {"aws:MultiFactorAuthPresent": "true"}


def test_options_render_their_conditions(built: tuple[cdk.Stack, dict[str, Any]]) -> None:
    assert trust_of(built[1], "BreakGlass")["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"AWS": [ALICE, BOB]},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            "Condition": {
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": "300"},
                "StringEquals": {
                    "sts:RoleSessionName": "${aws:username}",
                    "sts:SourceIdentity": "${aws:username}",
                },
            },
        }
    ]


def test_long_session_with_a_reason_is_allowed(built: tuple[cdk.Stack, dict[str, Any]]) -> None:
    assert _role(built[1], "Migrations")["MaxSessionDuration"] == 14400
    role = built[0].node.find_child("Migrations")
    assert isinstance(role, ElevatedUserRole)
    assert role.long_session_reason == "database migrations run for up to four hours"
    Annotations.from_stack(built[0]).has_info(
        "/Test/Migrations",
        "sessions may last 4 hours: database migrations run for up to four hours",
    )


def test_idp_enforced_mfa_trusts_the_account_and_matches_the_sso_roles(
    built: tuple[cdk.Stack, dict[str, Any]],
) -> None:
    assert trust_of(built[1], "Sso")["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {
                "AWS": ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"]
            },
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            "Condition": {
                "ArnLike": {"aws:PrincipalArn": [SSO_ADMIN, SSO_OPS]},
                "Null": {"sts:SourceIdentity": "false"},
            },
        }
    ]


def test_idp_trust_has_no_mfa_condition(built: tuple[cdk.Stack, dict[str, Any]]) -> None:
    text = str(trust_of(built[1], "Sso"))
    assert "MultiFactorAuth" not in text
    assert "${aws:username}" not in text


def test_identity_center_role_arn_builds_the_pattern() -> None:
    assert identity_center_role_arn("111111111111", "Admin") == SSO_ADMIN
    assert identity_center_role_arn("111111111111", "Ops", partition="aws-us-gov") == (
        "arn:aws-us-gov:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Ops_*"
    )
    with pytest.raises(ValueError, match="12-digit account"):
        identity_center_role_arn("1111", "Admin")
    with pytest.raises(ValueError, match="permission set name"):
        identity_center_role_arn("111111111111", "Admin*")


def test_alarm_rule_matches_assume_role_of_this_role(
    built: tuple[cdk.Stack, dict[str, Any]],
) -> None:
    stack, template = built
    role = stack.node.find_child("BreakGlass")
    assert isinstance(role, ElevatedUserRole)
    assert role.alarm_rule is not None
    rules = resources_of_type(template, "AWS::Events::Rule")
    assert len(rules) == 1
    props = next(iter(rules.values()))["Properties"]
    role_id = stack.resolve(role.node.default_child.logical_id)  # type: ignore[union-attr]
    topic_id = stack.resolve(stack.node.find_child("Alarms").node.default_child.logical_id)  # type: ignore[union-attr]
    assert props["EventPattern"] == {
        "source": ["aws.sts"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {
            "eventSource": ["sts.amazonaws.com"],
            "eventName": ["AssumeRole"],
            "requestParameters": {"roleArn": [{"Fn::GetAtt": [role_id, "Arn"]}]},
        },
    }
    assert props["Targets"] == [{"Arn": {"Ref": topic_id}, "Id": "Target0"}]
    # EventBridge may publish to the topic.
    policy = next(iter(resources_of_type(template, "AWS::SNS::TopicPolicy").values()))
    statement = policy["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] == "sns:Publish"


def test_no_alarm_by_default(built: tuple[cdk.Stack, dict[str, Any]]) -> None:
    role = built[0].node.find_child("Admin")
    assert isinstance(role, ElevatedUserRole)
    assert role.alarm_rule is None


def test_template_matches_snapshot(
    built: tuple[cdk.Stack, dict[str, Any]], json_snapshot: Any
) -> None:
    assert built[1] == json_snapshot


# -- warnings -----------------------------------------------------------------------------


def test_long_session_for_chained_callers_warns(built: tuple[cdk.Stack, dict[str, Any]]) -> None:
    annotations = Annotations.from_stack(built[0])
    annotations.has_warning(
        "/Test/Chained",
        Match.string_like_regexp(r"role chaining, which caps sessions at one hour \[IAMR-EU-008\]"),
    )
    annotations.has_no_warning("/Test/Migrations", Match.any_value())
    annotations.has_no_warning("/Test/Admin", Match.any_value())


def test_long_console_name_warns() -> None:
    stack = new_stack()
    ElevatedUserRole(stack, "Admin", trusted_users=[ALICE], path="/elevated/", role_name="a" * 60)
    Annotations.from_stack(stack).has_warning(
        "/Test/Admin", Match.string_like_regexp(r"path plus role_name is 69 .*\[IAMR-ROLE-004\]")
    )


# -- refusals -----------------------------------------------------------------------------


def _refusal(**kwargs: Any) -> RoleConfigError:
    stack = new_stack()
    with pytest.raises(RoleConfigError) as caught:
        ElevatedUserRole(stack, "Admin", **kwargs)
    assert not stack.node.children, "nothing may be created before the checks pass"
    return caught.value


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"trusted_users": []},
            "Test/Admin: trusted_users must name at least one user (got none). Pass "
            "trusted_users=['arn:aws:iam::111111111111:user/alice']. [IAMR-EU-001]",
        ),
        (
            {"trusted_users": None},
            "Test/Admin: trusted_users must name at least one user (got none). Pass "
            "trusted_users=['arn:aws:iam::111111111111:user/alice']. [IAMR-EU-001]",
        ),
        (
            {"trusted_users": ["arn:aws:iam::111111111111:role/Admin"]},
            "Test/Admin: trusted_users must be IAM user ARNs; a role session meets the MFA "
            "condition only if it was itself created with MFA, which this trust cannot "
            "enforce (got 'arn:aws:iam::111111111111:role/Admin'). For Identity "
            "Center or IdP-federated roles pass idp_enforced_mfa=True (the IdP enforces MFA); "
            "otherwise trust the IAM users themselves. [IAMR-EU-002]",
        ),
        (
            {"trusted_users": [SSO_ADMIN]},
            "Test/Admin: trusted_users must be IAM user ARNs; a role session meets the MFA "
            "condition only if it was itself created with MFA, which this trust cannot "
            f"enforce (got '{SSO_ADMIN}'). For Identity Center or IdP-federated "
            "roles pass idp_enforced_mfa=True (the IdP enforces MFA); otherwise trust the IAM "
            "users themselves. [IAMR-EU-002]",
        ),
        (
            {"trusted_users": ["arn:aws:iam::111111111111:user/*"]},
            "Test/Admin: trusted_users must not contain a wildcard (got "
            "'arn:aws:iam::111111111111:user/*'). Pass user ARNs such as "
            "arn:aws:iam::111111111111:user/alice. [IAMR-EU-003]",
        ),
        (
            {"trusted_users": ["arn:aws:iam::111111111111:root"]},
            "Test/Admin: trusted_users is an account root ARN, which trusts the whole account "
            "(got 'arn:aws:iam::111111111111:root'). Pass user ARNs such as "
            "arn:aws:iam::111111111111:user/alice. [IAMR-EU-003]",
        ),
        (
            {"trusted_users": ["arn:aws-us-gov:iam::111111111111:user/alice"]},
            "Test/Admin: trusted_users must be in the stack's partition 'aws' (got "
            "'arn:aws-us-gov:iam::111111111111:user/alice'). Use arn:aws:iam::... for a stack "
            "in this region. [IAMR-EU-003]",
        ),
        (
            {"trusted_users": [ALICE], "max_session_duration": cdk.Duration.hours(2)},
            "Test/Admin: max_session_duration must be at most one hour for an elevated role "
            "unless long_session_reason says why (got '7200 seconds'). Keep "
            "max_session_duration at Duration.hours(1), or pass long_session_reason='...'. "
            "[IAMR-EU-004]",
        ),
        (
            {"trusted_users": [ALICE], "mfa_max_age": cdk.Duration.seconds(0)},
            "Test/Admin: mfa_max_age must be between 1 minute and 12 hours (got '0 seconds'). "
            "Pass a Duration such as Duration.minutes(15) (the default). [IAMR-EU-005]",
        ),
        (
            {"trusted_users": [ALICE], "mfa_max_age": cdk.Duration.hours(13)},
            "Test/Admin: mfa_max_age must be between 1 minute and 12 hours (got '13 hours'). "
            "Pass a Duration such as Duration.minutes(15) (the default). [IAMR-EU-005]",
        ),
        (
            {"trusted_users": [ALICE], "idp_enforced_mfa": True},
            "Test/Admin: trusted_users must be a role ARN when idp_enforced_mfa=True (IAM "
            "users are not federated) (got 'arn:aws:iam::111111111111:user/alice'). Use "
            "identity_center_role_arn(account, permission_set) to build the pattern. "
            "[IAMR-EU-006]",
        ),
        (
            {"trusted_users": ["arn:aws:iam::111111111111:role/*"], "idp_enforced_mfa": True},
            "Test/Admin: trusted_users may use a wildcard only for the region folder and the "
            "unique suffix of an Identity Center role (got 'arn:aws:iam::111111111111:role/*')"
            ". Use identity_center_role_arn(account, permission_set) to build the pattern. "
            "[IAMR-EU-006]",
        ),
        (
            {
                "trusted_users": [
                    "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/"
                    "*AWSReservedSSO_*"
                ],
                "idp_enforced_mfa": True,
            },
            "Test/Admin: trusted_users may use a wildcard only for the region folder and the "
            "unique suffix of an Identity Center role (got 'arn:aws:iam::111111111111:role/"
            "aws-reserved/sso.amazonaws.com/*AWSReservedSSO_*'). Use "
            "identity_center_role_arn(account, permission_set) to build the pattern. "
            "[IAMR-EU-006]",
        ),
        (
            {
                "trusted_users": [ALICE],
                "max_session_duration": cdk.Duration.hours(2),
                "long_session_reason": "because",
            },
            "Test/Admin: 2 problems:\n"
            "  - long_session_reason must be a sentence of at least 10 characters (got "
            "'because'). Say why, e.g. 'database migrations run for up to four hours'. "
            "[IAMR-EU-007]\n"
            "  - max_session_duration must be at most one hour for an elevated role unless "
            "long_session_reason says why (got '7200 seconds'). Keep max_session_duration at "
            "Duration.hours(1), or pass long_session_reason='...'. [IAMR-EU-004]",
        ),
        (
            {"trusted_users": [ALICE], "idp_enforced_mfa": 1},
            "Test/Admin: idp_enforced_mfa must be True or False (got 1). Pass values of the "
            "documented types. [IAMR-EU-009]",
        ),
        (
            {"trusted_users": [ALICE], "mfa_max_age": 900},
            "Test/Admin: mfa_max_age must be a Duration (got 900). Pass values of the "
            "documented types. [IAMR-EU-009]",
        ),
        (
            {"trusted_users": [ALICE], "alarm_topic": "arn:aws:sns:us-east-1:1:x"},
            "Test/Admin: alarm_topic must be an sns.ITopic (got 'arn:aws:sns:us-east-1:1:x'). "
            "Pass values of the documented types. [IAMR-EU-009]",
        ),
        (
            {"trusted_users": [ALICE], "max_session_duration": cdk.Duration.hours(13)},
            "Test/Admin: 2 problems:\n"
            "  - max_session_duration must be at most one hour for an elevated role unless "
            "long_session_reason says why (got '46800 seconds'). Keep max_session_duration at "
            "Duration.hours(1), or pass long_session_reason='...'. [IAMR-EU-004]\n"
            "  - max_session_duration must be between 1 and 12 hours (got '46800 seconds'). "
            "Pass a Duration between Duration.hours(1) and Duration.hours(12). [IAMR-ROLE-003]",
        ),
    ],
)
def test_refusal_message(kwargs: dict[str, Any], expected: str) -> None:
    assert str(_refusal(**kwargs)) == expected


def test_all_problems_are_reported_together() -> None:
    error = _refusal(
        trusted_users=["arn:aws:iam::111111111111:role/x", "bob"],
        mfa_max_age=cdk.Duration.seconds(30),
        max_session_duration=cdk.Duration.hours(3),
        path="no-slashes",
    )
    assert error.rule_ids == (
        "IAMR-EU-002",
        "IAMR-EU-003",
        "IAMR-EU-005",
        "IAMR-EU-004",
        "IAMR-ROLE-002",
    )


def test_token_user_arns_are_not_judged() -> None:
    stack = new_stack()
    arn = cdk.Token.as_string(cdk.Fn.import_value("AliceArn"))
    role = ElevatedUserRole(stack, "Admin", trusted_users=[arn])
    statement = stack.resolve(role.assume_role_policy.to_json())["Statement"][0]  # type: ignore[union-attr]
    assert statement["Principal"] == {"AWS": {"Fn::ImportValue": "AliceArn"}}
    assert statement["Condition"] == MFA_CONDITIONS


def test_token_arns_are_refused_with_idp_enforced_mfa() -> None:
    arn = cdk.Token.as_string(cdk.Fn.import_value("SsoArn"))
    error = _refusal(trusted_users=[arn], idp_enforced_mfa=True)
    assert error.rule_ids == ("IAMR-EU-006",)


# -- session revocation -------------------------------------------------------------------


def test_revoke_sessions_issued_before_moves_the_cut_off() -> None:
    stack = new_stack()
    role = ElevatedUserRole(stack, "Admin", trusted_users=[ALICE])
    first = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    role.revoke_sessions_issued_before(first)
    policy = role.revoke_sessions_issued_before(first + timedelta(hours=1))
    template = synth(stack)
    policies = resources_of_type(template, "AWS::IAM::Policy")
    assert len(policies) == 1
    statement = next(iter(policies.values()))["Properties"]["PolicyDocument"]["Statement"]
    assert statement == [
        {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"DateLessThan": {"aws:TokenIssueTime": "2026-11-30T13:00:00Z"}},
        }
    ]
    assert policy.node.path == "Test/Admin/RevokeOlderSessions"


# -- the guide ----------------------------------------------------------------------------


def test_guide_trust_json_is_what_the_pattern_synthesizes(
    built: tuple[cdk.Stack, dict[str, Any]],
) -> None:
    blocks = re.findall(r"```json\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert json.loads(blocks[0]) == trust_of(built[1], "Admin")
    stack = new_stack()
    ElevatedUserRole(stack, "Documented", trusted_users=[SSO_ADMIN], idp_enforced_mfa=True)
    assert json.loads(blocks[1]) == trust_of(synth(stack, lint=False), "Documented")


# -- the trust does what it says (offline evaluator) ----------------------------------------

_ALICE_OK = {
    "aws:MultiFactorAuthPresent": "true",
    "aws:MultiFactorAuthAge": "120",
    "sts:RoleSessionName": "alice",
    "aws:username": "alice",
}


@pytest.mark.parametrize(
    ("principal", "context", "allowed"),
    [
        (ALICE, _ALICE_OK, True),
        (ALICE, {**_ALICE_OK, "aws:MultiFactorAuthAge": "901"}, False),
        (ALICE, {k: v for k, v in _ALICE_OK.items() if "MultiFactor" not in k}, False),
        (ALICE, {**_ALICE_OK, "aws:MultiFactorAuthPresent": "false"}, False),
        (ALICE, {**_ALICE_OK, "sts:RoleSessionName": "admin"}, False),
        (BOB, {**_ALICE_OK, "sts:RoleSessionName": "bob", "aws:username": "bob"}, False),
    ],
    ids=["mfa-fresh", "mfa-stale", "no-mfa", "mfa-false", "other-session-name", "untrusted"],
)
def test_trust_decides_as_intended(
    built: tuple[cdk.Stack, dict[str, Any]], principal: str, context: dict[str, str], allowed: bool
) -> None:
    trust = trust_of(built[1], "Admin")
    identity = [
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
        }
    ]
    request = Request(
        principal, "sts:AssumeRole", "arn:aws:iam::111111111111:role/admin", context=context
    )
    decision = evaluate(request, PolicySet(identity=identity, resource=trust))
    assert decision.allowed is allowed, decision.reasons
