"""CrossAccountRole: the trust it synthesizes, its refusals, warnings and caller side."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Annotations, Match

from cdk_iam_roles import CrossAccountRole, RoleConfigError
from cdk_iam_roles.analysis import PolicySet, Request, evaluate
from helpers import ACCOUNT, new_stack, resources_of_type, synth, trust_of

DEPLOYER = "arn:aws:iam::222222222222:role/deployer"
AUDITOR = "arn:aws:iam::333333333333:user/audit/carol"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "patterns" / "cross-account.md"


@pytest.fixture(scope="module")
def built() -> tuple[cdk.Stack, dict[str, Any]]:
    """One stack with every trust shape the tests look at, synthesized (and linted) once."""
    stack = new_stack()
    CrossAccountRole(stack, "Exact", trusted_principals=[DEPLOYER])
    CrossAccountRole(stack, "Accounts", trusted_accounts=["444444444444"])
    CrossAccountRole(
        stack,
        "Vendor",
        trusted_accounts=["555555555555"],
        third_party=True,
        external_ids="vendor-issued-42",
    )
    CrossAccountRole(
        stack,
        "Everything",
        trusted_principals=[DEPLOYER, AUDITOR],
        trusted_accounts=["444444444444"],
        organization_id="o-a1b2c3d4e5",
        external_ids=["id-one", "id-two"],
        require_mfa=True,
        allow_session_tags=True,
        session_tag_keys=["team", "cost-center"],
        require_source_identity=True,
        role_name="everything",
    )
    CrossAccountRole(stack, "Users", trusted_principals=[AUDITOR], require_mfa=True)
    return stack, synth(stack)


# -- trust JSON ---------------------------------------------------------------------------


def test_exact_principal_trust_has_no_condition(built: tuple[cdk.Stack, dict[str, Any]]) -> None:
    assert trust_of(built[1], "Exact") == {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": DEPLOYER}, "Action": "sts:AssumeRole"}
        ],
    }


def test_account_trust_names_the_account_root(built: tuple[cdk.Stack, dict[str, Any]]) -> None:
    assert trust_of(built[1], "Accounts")["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::444444444444:root"},
            "Action": "sts:AssumeRole",
        }
    ]


def test_third_party_trust_requires_the_external_id(
    built: tuple[cdk.Stack, dict[str, Any]],
) -> None:
    assert trust_of(built[1], "Vendor")["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::555555555555:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "vendor-issued-42"}},
        }
    ]


def test_every_option_renders_its_condition(built: tuple[cdk.Stack, dict[str, Any]]) -> None:
    principals = [DEPLOYER, AUDITOR, "arn:aws:iam::444444444444:root"]
    conditions = {
        "StringEquals": {
            "sts:ExternalId": ["id-one", "id-two"],
            "aws:PrincipalOrgID": "o-a1b2c3d4e5",
        },
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
        "Null": {"sts:SourceIdentity": "false"},
    }
    assert trust_of(built[1], "Everything")["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"AWS": principals},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            "Condition": conditions,
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": principals},
            "Action": "sts:TagSession",
            "Condition": {
                **conditions,
                "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost-center"]},
            },
        },
    ]


def test_template_matches_snapshot(
    built: tuple[cdk.Stack, dict[str, Any]], json_snapshot: Any
) -> None:
    assert built[1] == json_snapshot


def test_env_agnostic_stack_renders_the_partition_as_a_reference() -> None:
    stack = new_stack(env=None)
    CrossAccountRole(stack, "Role", trusted_accounts=["444444444444"])
    principal = trust_of(synth(stack), "Role")["Statement"][0]["Principal"]["AWS"]
    assert principal == {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::444444444444:root"]]
    }


def test_china_region_takes_china_arns() -> None:
    stack = new_stack(env=cdk.Environment(account=ACCOUNT, region="cn-north-1"))
    arn = "arn:aws-cn:iam::222222222222:role/deployer"
    CrossAccountRole(stack, "Role", trusted_principals=[arn], trusted_accounts=["444444444444"])
    principal = trust_of(synth(stack, lint=False), "Role")["Statement"][0]["Principal"]
    assert principal == {"AWS": [arn, "arn:aws-cn:iam::444444444444:root"]}


# -- warnings -----------------------------------------------------------------------------


def test_trusting_an_account_warns_and_names_the_safer_alternative(
    built: tuple[cdk.Stack, dict[str, Any]],
) -> None:
    Annotations.from_stack(built[0]).has_warning(
        "/Test/Accounts",
        Match.string_like_regexp(
            r"trusted_accounts trusts every principal of 444444444444 .*prefer "
            r"trusted_principals.*\[IAMR-CA-008\]"
        ),
    )


def test_exact_principals_do_not_warn(built: tuple[cdk.Stack, dict[str, Any]]) -> None:
    annotations = Annotations.from_stack(built[0])
    annotations.has_no_warning("/Test/Exact", Match.any_value())
    annotations.has_no_warning("/Test/Users", Match.any_value())


def test_mfa_with_role_principals_warns(built: tuple[cdk.Stack, dict[str, Any]]) -> None:
    Annotations.from_stack(built[0]).has_warning(
        "/Test/Everything",
        Match.string_like_regexp(
            r"require_mfa=True: a role session meets aws:MultiFactorAuthPresent only if it "
            r"was itself created with MFA.*role/deployer \[IAMR-MFA-004\]"
        ),
    )


def test_warning_ids_are_acknowledgeable(built: tuple[cdk.Stack, dict[str, Any]]) -> None:
    role = built[0].node.find_child("Accounts")
    ids = [str(entry.data) for entry in role.node.metadata if entry.type == "aws:cdk:warning"]
    assert any("[ack: cdk-iam-roles:IAMR-CA-008]" in text for text in ids)


# -- refusals -----------------------------------------------------------------------------


def _refusal(**kwargs: Any) -> RoleConfigError:
    stack = new_stack()
    with pytest.raises(RoleConfigError) as caught:
        CrossAccountRole(stack, "Deploy", **kwargs)
    assert not stack.node.children, "nothing may be created before the checks pass"
    return caught.value


def test_third_party_without_external_id_is_refused_with_the_documented_message() -> None:
    error = _refusal(trusted_accounts=["555555555555"], third_party=True)
    assert str(error) == (
        "Test/Deploy: external_ids is required when third_party=True (got none). "
        "Pass the ID the vendor issued you. [IAMR-CA-001]"
    )


def test_third_party_with_empty_external_ids_is_refused() -> None:
    error = _refusal(trusted_accounts=["555555555555"], third_party=True, external_ids=[])
    assert error.rule_ids == ("IAMR-CA-001",)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {},
            "Test/Deploy: trusted_principals or trusted_accounts must name at least one "
            "principal (got none). Pass trusted_principals=[role or user ARN] (preferred) or "
            "trusted_accounts=[account ID]. [IAMR-CA-002]",
        ),
        (
            {"trusted_principals": [], "trusted_accounts": []},
            "Test/Deploy: trusted_principals or trusted_accounts must name at least one "
            "principal (got none). Pass trusted_principals=[role or user ARN] (preferred) or "
            "trusted_accounts=[account ID]. [IAMR-CA-002]",
        ),
        (
            {"trusted_accounts": ["12345"]},
            "Test/Deploy: trusted_accounts must be a 12-digit AWS account ID (got '12345'). "
            "Pass the 12-digit ID of the account whose principals may assume the role. "
            "[IAMR-CA-003]",
        ),
        (
            {"trusted_accounts": ["*"]},
            "Test/Deploy: trusted_accounts must be a 12-digit AWS account ID (got '*'). "
            "Pass the 12-digit ID of the account whose principals may assume the role. "
            "[IAMR-CA-003]",
        ),
        (
            {"trusted_accounts": ["arn:aws:iam::222222222222:root"]},
            "Test/Deploy: trusted_accounts must be a 12-digit AWS account ID (got "
            "'arn:aws:iam::222222222222:root'). Pass the bare 12-digit ID, or put an exact "
            "ARN in trusted_principals. [IAMR-CA-003]",
        ),
        (
            {"trusted_principals": ["*"]},
            "Test/Deploy: trusted_principals must not contain a wildcard (got '*'). Pass the "
            "exact role or user ARN, e.g. arn:aws:iam::222222222222:role/deployer. "
            "[IAMR-CA-004]",
        ),
        (
            {"trusted_principals": ["arn:aws:iam::222222222222:role/deploy-*"]},
            "Test/Deploy: trusted_principals must not contain a wildcard (got "
            "'arn:aws:iam::222222222222:role/deploy-*'). Pass the exact role or user ARN, "
            "e.g. arn:aws:iam::222222222222:role/deployer. [IAMR-CA-004]",
        ),
        (
            {"trusted_principals": ["arn:aws:iam::222222222222:root"]},
            "Test/Deploy: trusted_principals is an account root ARN, which trusts the whole "
            "account (got 'arn:aws:iam::222222222222:root'). Pass "
            "trusted_accounts=['222222222222'] to trust the account, or better the exact "
            "role ARN that needs access. [IAMR-CA-004]",
        ),
        (
            {"trusted_principals": ["deployer"]},
            "Test/Deploy: trusted_principals must be an IAM role or user ARN such as "
            "arn:aws:iam::222222222222:role/NAME (got 'deployer'). Pass the exact role or "
            "user ARN, e.g. arn:aws:iam::222222222222:role/deployer. [IAMR-CA-004]",
        ),
        (
            {"trusted_principals": ["arn:aws:iam::2222:role/deployer"]},
            "Test/Deploy: trusted_principals must hold a 12-digit account ID (got "
            "'arn:aws:iam::2222:role/deployer'). Pass the exact role or user ARN, e.g. "
            "arn:aws:iam::222222222222:role/deployer. [IAMR-CA-004]",
        ),
        (
            {"trusted_principals": ["arn:aws:sts::222222222222:assumed-role/deployer/s"]},
            "Test/Deploy: trusted_principals must be an IAM role or user ARN, not an STS "
            "session ARN (got 'arn:aws:sts::222222222222:assumed-role/deployer/s'). Pass the "
            "exact role or user ARN, e.g. arn:aws:iam::222222222222:role/deployer. "
            "[IAMR-CA-004]",
        ),
        (
            {"trusted_principals": ["arn:aws-cn:iam::222222222222:role/deployer"]},
            "Test/Deploy: trusted_principals must be in the stack's partition 'aws' (got "
            "'arn:aws-cn:iam::222222222222:role/deployer'). Use arn:aws:iam::... for a "
            "stack in this region. [IAMR-CA-005]",
        ),
        (
            {"trusted_principals": [DEPLOYER], "organization_id": "o-short"},
            "Test/Deploy: organization_id must be 'o-' followed by 10 to 32 lower-case "
            "letters or digits (got 'o-short'). Pass the ID shown in the Organizations "
            "console, e.g. 'o-a1b2c3d4e5'. [IAMR-CA-006]",
        ),
        (
            {"trusted_principals": [DEPLOYER], "external_ids": ["x"]},
            "Test/Deploy: external_ids must be 2 to 1224 characters long (got 'x'). Copy the "
            "external ID exactly as the vendor or the caller passes it. [IAMR-CA-007]",
        ),
        (
            {"trusted_principals": [DEPLOYER], "external_ids": "has space"},
            "Test/Deploy: external_ids may contain only letters, digits and +=,.@:/_- (got "
            "'has space'). Copy the external ID exactly as the vendor or the caller passes "
            "it. [IAMR-CA-007]",
        ),
        (
            {"trusted_principals": [DEPLOYER], "allow_session_tags": True},
            "Test/Deploy: session_tag_keys is required when allow_session_tags=True (got "
            "none). Pass session_tag_keys=['team', ...] with the keys the callers may set. "
            "[IAMR-CA-009]",
        ),
        (
            {"trusted_principals": [DEPLOYER], "session_tag_keys": ["team"]},
            "Test/Deploy: session_tag_keys is given but allow_session_tags is not True (got "
            "['team']). Pass allow_session_tags=True as well, or drop session_tag_keys. "
            "[IAMR-CA-009]",
        ),
        (
            {
                "trusted_principals": [DEPLOYER],
                "allow_session_tags": True,
                "session_tag_keys": ["aws:team"],
            },
            "Test/Deploy: session_tag_keys must not start with the reserved prefix 'aws:' "
            "(got 'aws:team'). Pass session_tag_keys=['team', ...] with the keys the callers "
            "may set. [IAMR-CA-009]",
        ),
        (
            {"trusted_principals": [DEPLOYER], "require_mfa": "yes"},
            "Test/Deploy: require_mfa must be True or False (got 'yes'). Pass True or False. "
            "[IAMR-CA-011]",
        ),
        (
            {"trusted_principals": DEPLOYER.encode()},
            "Test/Deploy: trusted_principals must be a list of strings (got "
            f"{DEPLOYER.encode()!r}). Pass the exact role or user ARN, e.g. "
            "arn:aws:iam::222222222222:role/deployer. [IAMR-CA-004]",
        ),
        (
            {"trusted_principals": [DEPLOYER], "role_name": 7},
            "Test/Deploy: role_name must be a string (got 7). Shorten the name or drop the "
            "characters IAM does not allow. [IAMR-ROLE-001]",
        ),
        (
            {"trusted_principals": [DEPLOYER], "max_session_duration": 3600},
            "Test/Deploy: max_session_duration must be an aws_cdk.Duration (got 3600). Pass a "
            "Duration between Duration.hours(1) and Duration.hours(12). [IAMR-ROLE-003]",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 5 else None,
)
def test_refusal_message(kwargs: dict[str, Any], expected: str) -> None:
    assert str(_refusal(**kwargs)) == expected


def test_all_problems_are_reported_together() -> None:
    error = _refusal(
        trusted_principals=["arn:aws:iam::222222222222:role/*"],
        trusted_accounts=["1"],
        third_party=True,
        organization_id="org",
        role_name="x" * 65,
    )
    assert error.rule_ids == (
        "IAMR-CA-004",
        "IAMR-CA-003",
        "IAMR-CA-006",
        "IAMR-CA-001",
        "IAMR-ROLE-001",
    )
    assert str(error).startswith("Test/Deploy: 5 problems:\n  - trusted_principals ")


def test_tokens_are_not_judged_as_strings() -> None:
    stack = new_stack()
    other = iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal())
    role = CrossAccountRole(
        stack,
        "Role",
        trusted_principals=[other.role_arn],
        external_ids=[cdk.Token.as_string(cdk.Fn.ref("AWS::StackName"))],
        organization_id=cdk.Token.as_string(cdk.Fn.ref("AWS::StackId")),
    )
    statement = stack.resolve(role.assume_role_policy.to_json())["Statement"][0]  # type: ignore[union-attr]
    assert statement["Principal"] == {"AWS": {"Fn::GetAtt": [_logical_id(stack, other), "Arn"]}}
    assert statement["Condition"] == {
        "StringEquals": {
            "sts:ExternalId": {"Ref": "AWS::StackName"},
            "aws:PrincipalOrgID": {"Ref": "AWS::StackId"},
        }
    }


# -- the caller side ----------------------------------------------------------------------


def test_caller_policy_names_this_role_and_the_actions_its_trust_requires(
    built: tuple[cdk.Stack, dict[str, Any]],
) -> None:
    role = built[0].node.find_child("Everything")
    assert isinstance(role, CrossAccountRole)
    assert role.caller_policy().to_statement_json() == {
        "Effect": "Allow",
        "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        "Resource": "arn:aws:iam::111111111111:role/everything",
    }
    plain = built[0].node.find_child("Exact")
    assert isinstance(plain, CrossAccountRole)
    assert plain.caller_policy().to_statement_json()["Action"] == "sts:AssumeRole"


def _two_accounts() -> tuple[cdk.Stack, cdk.Stack]:
    target = new_stack("Target")
    app = target.node.root
    assert isinstance(app, cdk.App)
    caller = cdk.Stack(
        app,
        "Caller",
        env=cdk.Environment(account="222222222222", region="us-east-1"),
        synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
    )
    return target, caller


def test_grant_assume_to_attaches_the_policy_in_the_callers_stack() -> None:
    target, caller = _two_accounts()
    deployer = iam.Role(
        caller, "Deployer", role_name="deployer", assumed_by=iam.AccountRootPrincipal()
    )
    role = CrossAccountRole(
        target, "Deploy", trusted_principals=[DEPLOYER], role_name="deploy-target", path="/ci/"
    )
    grant = role.grant_assume_to(deployer)
    assert grant.success
    policies = resources_of_type(synth(caller), "AWS::IAM::Policy")
    assert [p["Properties"]["PolicyDocument"] for p in policies.values()] == [
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Resource": "arn:aws:iam::111111111111:role/ci/deploy-target",
                }
            ],
        }
    ]
    assert not resources_of_type(synth(target), "AWS::IAM::Policy")


def test_grant_assume_to_an_untrusted_account_is_refused() -> None:
    target, caller = _two_accounts()
    group = iam.Group(caller, "Ops")
    role = CrossAccountRole(
        target, "Deploy", trusted_accounts=["333333333333"], role_name="deploy-target"
    )
    with pytest.raises(RoleConfigError) as caught:
        role.grant_assume_to(group)
    assert str(caught.value) == (
        "Target/Deploy: grantee is in account 222222222222, which this role does not trust "
        "(got 'Caller/Ops'). Add the grantee's account or ARN to the role's trust, or grant "
        "a trusted identity. [IAMR-CA-010]"
    )


def test_grant_assume_to_another_environment_needs_a_role_name() -> None:
    target, caller = _two_accounts()
    user = iam.User(caller, "Ci")
    role = CrossAccountRole(target, "Deploy", trusted_accounts=["222222222222"])
    with pytest.raises(RoleConfigError) as caught:
        role.grant_assume_to(user)
    assert caught.value.rule_ids == ("IAMR-CA-010",)
    assert "Give this role a role_name" in str(caught.value)


def test_grant_assume_to_in_the_same_stack_uses_the_role_reference() -> None:
    stack = new_stack()
    user = iam.User(stack, "Ci")
    role = CrossAccountRole(stack, "Deploy", trusted_accounts=[ACCOUNT])
    role.grant_assume_to(user)
    policy = next(iter(resources_of_type(synth(stack), "AWS::IAM::Policy").values()))
    statement = policy["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Resource"] == {"Fn::GetAtt": [_logical_id(stack, role), "Arn"]}


def _logical_id(stack: cdk.Stack, role: iam.Role) -> str:
    child = role.node.default_child
    assert isinstance(child, cdk.CfnElement)
    return str(stack.resolve(child.logical_id))


# -- session revocation -------------------------------------------------------------------


def test_revoke_sessions_issued_before_adds_the_token_issue_time_deny() -> None:
    stack = new_stack()
    role = CrossAccountRole(stack, "Deploy", trusted_principals=[DEPLOYER])
    role.revoke_sessions_issued_before("2026-11-30T12:00:00+01:00")
    policy = next(iter(resources_of_type(synth(stack), "AWS::IAM::Policy").values()))
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"DateLessThan": {"aws:TokenIssueTime": "2026-11-30T11:00:00Z"}},
        }
    ]
    assert policy["Properties"]["Roles"] == [{"Ref": _logical_id(stack, role)}]


def test_revoke_sessions_refuses_a_naive_time() -> None:
    stack = new_stack()
    role = CrossAccountRole(stack, "Deploy", trusted_principals=[DEPLOYER])
    with pytest.raises(RoleConfigError) as caught:
        role.revoke_sessions_issued_before("2026-11-30T12:00:00")
    assert caught.value.rule_ids == ("IAMR-ROLE-005",)


# -- the guide ----------------------------------------------------------------------------


def test_guide_trust_json_is_what_the_pattern_synthesizes(
    built: tuple[cdk.Stack, dict[str, Any]],
) -> None:
    blocks = re.findall(r"```json\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert json.loads(blocks[0]) == trust_of(built[1], "Exact")
    stack = new_stack()
    CrossAccountRole(
        stack,
        "Documented",
        trusted_principals=[DEPLOYER],
        trusted_accounts=["444444444444"],
        organization_id="o-a1b2c3d4e5",
        external_ids="id-issued-to-you",
        require_mfa=True,
        allow_session_tags=True,
        session_tag_keys=["team"],
        require_source_identity=True,
    )
    assert json.loads(blocks[1]) == trust_of(synth(stack, lint=False), "Documented")


# -- the trust does what it says (offline evaluator) ----------------------------------------


@pytest.mark.parametrize(
    ("role", "principal", "context", "with_caller_policy", "allowed"),
    [
        ("Exact", DEPLOYER, {}, True, True),
        ("Exact", DEPLOYER, {}, False, False),  # across accounts both sides must allow
        ("Exact", "arn:aws:iam::222222222222:role/other", {}, True, False),
        ("Vendor", "arn:aws:iam::555555555555:role/x", {}, True, False),
        ("Vendor", "arn:aws:iam::555555555555:role/x", {"sts:ExternalId": "other"}, True, False),
        (
            "Vendor",
            "arn:aws:iam::555555555555:role/x",
            {"sts:ExternalId": "vendor-issued-42"},
            True,
            True,
        ),
        ("Users", AUDITOR, {}, True, False),
        ("Users", AUDITOR, {"aws:MultiFactorAuthPresent": "true"}, True, True),
    ],
)
def test_trust_decides_as_intended(
    built: tuple[cdk.Stack, dict[str, Any]],
    role: str,
    principal: str,
    context: dict[str, str],
    with_caller_policy: bool,
    allowed: bool,
) -> None:
    construct = built[0].node.find_child(role)
    assert isinstance(construct, CrossAccountRole)
    caller_policy = {"Version": "2012-10-17", "Statement": [construct.caller_policy().to_json()]}
    arn = f"arn:aws:iam::{ACCOUNT}:role/{role.lower()}"
    caller_policy["Statement"][0]["Resource"] = arn  # the generated name, resolved
    request = Request(principal, "sts:AssumeRole", arn, resource_account=ACCOUNT, context=context)
    policies = PolicySet(
        identity=[caller_policy] if with_caller_policy else [],
        resource=trust_of(built[1], role),
    )
    decision = evaluate(request, policies)
    assert decision.allowed is allowed, decision.reasons


@pytest.mark.parametrize("org", ["o-*", "o-a1b2c3*", "*", "o-a1b2c3d4e?"])
def test_wildcard_organization_id_is_refused_under_the_template_rule_id(org: str) -> None:
    """One predicate (trust.pins) and one ID (IAMR-TRUST-006) at construction and at synth."""
    stack = new_stack()
    with pytest.raises(RoleConfigError) as info:
        CrossAccountRole(stack, "Deploy", trusted_principals=[DEPLOYER], organization_id=org)
    assert info.value.rule_ids == ("IAMR-TRUST-006",)
    assert "pins nothing" in str(info.value)
    # The template rule reports the same pattern under the same ID.
    from cdk_iam_roles.cfn import StackTemplate
    from cdk_iam_roles.rules import check_stack

    hand_written = {
        "Resources": {
            "R": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": DEPLOYER},
                                "Action": "sts:AssumeRole",
                                "Condition": {"StringLike": {"aws:PrincipalOrgID": org}},
                            }
                        ]
                    }
                },
            }
        }
    }
    found = check_stack(StackTemplate.from_template(hand_written, name="Raw", account=ACCOUNT))
    assert [f.rule_id for f in found if f.rule_id == "IAMR-TRUST-006"] == ["IAMR-TRUST-006"]


def test_malformed_organization_id_without_wildcard_keeps_its_own_rule() -> None:
    stack = new_stack()
    with pytest.raises(RoleConfigError) as info:
        CrossAccountRole(stack, "Deploy", trusted_principals=[DEPLOYER], organization_id="o-ab")
    assert info.value.rule_ids == ("IAMR-CA-006",)
