"""The catalog model: patterns from trust shapes, permissions, sessions, names, findings."""

from __future__ import annotations

import pytest
from raw_templates import ACCOUNT, role, stmt, zoo_stack, zoo_template

from cdk_iam_roles.catalog import HAND_WRITTEN, Catalog, RoleEntry, build_catalog
from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.rules import check_stack


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog([zoo_stack()])


@pytest.fixture(scope="module")
def roles(catalog: Catalog) -> dict[str, RoleEntry]:
    return {r.logical_id: r for r in catalog.roles}


@pytest.mark.parametrize(
    ("logical_id", "pattern"),
    [
        ("StatesWorker", "ServiceRole"),
        ("Audit", "CrossAccountRole"),
        ("Vendor", "CrossAccountRole"),
        ("Admin", "ElevatedUserRole"),
        ("GitHubDeploy", "WebIdentityRole"),
        ("GitLabDeploy", "WebIdentityRole"),
        ("EksPod", "WebIdentityRole"),
        ("CognitoUsers", "WebIdentityRole"),
        ("Terraform", "WebIdentityRole"),
        ("Console", "FederatedRole"),
        # states.amazonaws.com sends aws:SourceAccount: ServiceRole would have pinned it.
        ("HandStates", HAND_WRITTEN),
        ("Open", HAND_WRITTEN),
        ("Mystery", HAND_WRITTEN),
        ("Mixed", HAND_WRITTEN),
    ],
)
def test_pattern_is_read_from_the_trust_shape(
    roles: dict[str, RoleEntry], logical_id: str, pattern: str
) -> None:
    assert roles[logical_id].pattern == pattern


def test_roles_are_sorted_by_pattern_then_path(catalog: Catalog) -> None:
    (stack,) = catalog.stacks
    assert [p for p, _ in stack.by_pattern()] == [
        "ServiceRole",
        "CrossAccountRole",
        "ElevatedUserRole",
        "WebIdentityRole",
        "FederatedRole",
        HAND_WRITTEN,
    ]
    web = dict(stack.by_pattern())["WebIdentityRole"]
    assert [r.path for r in web] == sorted(r.path for r in web)


def test_web_identity_without_sub_is_not_the_pattern() -> None:
    template = {
        "Resources": {
            "R": role(
                stmt(
                    {"Federated": "arn:aws:iam::1:oidc-provider/x.example.com"},
                    "sts:AssumeRoleWithWebIdentity",
                    StringEquals={"x.example.com:aud": "a"},
                )
            )
        }
    }
    (entry,) = build_catalog([StackTemplate.from_template(template)]).roles
    assert entry.pattern == HAND_WRITTEN


def test_pattern_metadata_wins_over_the_shape() -> None:
    resource = role(stmt({"AWS": "222222222222"}))
    resource["Metadata"] = {"cdk-iam-roles:pattern": "ElevatedUserRole"}
    (entry,) = build_catalog([StackTemplate.from_template({"Resources": {"R": resource}})]).roles
    assert entry.pattern == "ElevatedUserRole"


def test_human_assumable_roles_are_the_ones_trusting_aws_identities(catalog: Catalog) -> None:
    # People sign in to the SAML console role through their IdP: human, but no profile.
    assert {r.logical_id for r in catalog.human_assumable} == {
        "Audit",
        "Vendor",
        "Admin",
        "Mixed",
        "Open",
        "Console",
    }
    assert {r.logical_id for r in catalog.profile_assumable} == {
        "Audit",
        "Vendor",
        "Admin",
        "Mixed",
        "Open",
    }


def test_permissions_summary_groups_actions_by_service(roles: dict[str, RoleEntry]) -> None:
    perms = roles["StatesWorker"].permissions
    assert perms.managed_policies == (
        "AWSXrayWriteOnlyAccess (AWS managed)",
        "shared-read (customer managed, this stack)",
    )
    assert dict(perms.allowed) == {
        "dynamodb": ("GetItem",),
        "lambda": ("InvokeFunction",),
        "s3": ("GetObject", "PutObject"),
    }
    assert dict(perms.denied) == {"s3": ("DeleteObject",)}
    assert perms.boundary == "arn:aws:iam::111111111111:policy/boundary"
    assert perms.services == ("dynamodb", "lambda", "s3")


def test_not_action_and_wildcards_are_noted() -> None:
    policy = {
        "PolicyName": "p",
        "PolicyDocument": {
            "Statement": [
                {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
            ]
        },
    }
    template = {"Resources": {"R": role(stmt({"AWS": "222222222222"}), Policies=[policy])}}
    (entry,) = build_catalog([StackTemplate.from_template(template)]).roles
    assert entry.permissions.notes == ("allows every action except iam:*",)
    assert dict(entry.permissions.allowed) == {"*": ("*",)}


def test_session_names_and_arns(roles: dict[str, RoleEntry]) -> None:
    assert roles["Admin"].max_session_seconds == 7200
    assert roles["Admin"].max_session_display == "2 h"
    assert roles["Audit"].max_session_seconds == 3600
    assert roles["Audit"].arn == "arn:aws:iam::111111111111:role/org/audit"
    assert roles["Open"].role_name is None
    assert roles["Open"].role_name_display == "generated"
    assert roles["Open"].arn is None


def test_unknown_values_are_shown_with_their_reason(roles: dict[str, RoleEntry]) -> None:
    mystery = roles["Mystery"]
    assert mystery.role_name is None
    assert mystery.role_name_display == "unknown (parameter NameParam)"
    assert mystery.max_session_seconds is None
    assert mystery.max_session_display == "unknown (parameter MaxParam)"
    assert mystery.assumers[0].kind == "unknown"
    assert not mystery.human_assumable
    assert mystery.label == "Mystery (name unknown (parameter NameParam))"


def test_an_environment_agnostic_stack_has_no_arns() -> None:
    catalog = build_catalog([zoo_stack(account=None)])
    assert all(r.arn is None for r in catalog.roles)
    assert {r.account for r in catalog.roles} == {None}


def test_findings_of_the_rules_are_attached_to_their_role(
    catalog: Catalog, roles: dict[str, RoleEntry]
) -> None:
    assert "IAMR-TRUST-001" in [f.rule_id for f in roles["Open"].findings]
    assert "IAMR-TRUST-001" not in [f.rule_id for f in roles["Audit"].findings]
    for entry in catalog.roles:
        assert {f.logical_id for f in entry.findings} <= {entry.logical_id}
    on_roles = [f for f in check_stack(zoo_stack()) if f.logical_id in roles]
    assert sorted(repr(f) for r in catalog.roles for f in r.findings) == sorted(map(repr, on_roles))
    assert catalog.severity_counts()["error"] >= 1
    assert set(catalog.severity_counts()) == {"error", "warning", "info"}


def test_a_trust_policy_that_cannot_be_read_is_said_so() -> None:
    resource = {
        "Type": "AWS::IAM::Role",
        "Properties": {"AssumeRolePolicyDocument": {"Fn::ImportValue": "Trust"}},
    }
    (entry,) = build_catalog([StackTemplate.from_template({"Resources": {"R": resource}})]).roles
    assert entry.trust_unknown == "unknown (Fn::ImportValue)"
    assert entry.assumers == ()
    assert entry.pattern == HAND_WRITTEN


def test_trust_deny_statements_are_listed_and_make_it_hand_written() -> None:
    deny = {
        "Effect": "Deny",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/eve"},
        "Action": "sts:AssumeRole",
    }
    template = {"Resources": {"R": role(stmt({"AWS": "222222222222"}), deny)}}
    (entry,) = build_catalog([StackTemplate.from_template(template)]).roles
    assert entry.trust_denies == ("denied: IAM user eve in 111111111111",)
    assert entry.pattern == HAND_WRITTEN


def test_the_given_stack_is_not_changed() -> None:
    stack = StackTemplate.from_template(zoo_template(), name="Zoo")
    before = dict(stack.paths)
    build_catalog([stack])
    assert stack.paths == before


def test_session_revocation_is_shown_as_such_not_as_a_blanket_deny() -> None:
    from cdk_iam_roles.catalog import build_catalog
    from cdk_iam_roles.cfn import StackTemplate

    template = {
        "Resources": {
            "Worker": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "lambda.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    },
                    "Policies": [
                        {
                            "PolicyName": "RevokeOlderSessions",
                            "PolicyDocument": {
                                "Version": "2012-10-17",
                                "Statement": [
                                    {
                                        "Effect": "Deny",
                                        "Action": "*",
                                        "Resource": "*",
                                        "Condition": {
                                            "DateLessThan": {
                                                "aws:TokenIssueTime": "2026-11-30T12:00:00Z"
                                            }
                                        },
                                    },
                                    {
                                        "Effect": "Deny",
                                        "Action": "s3:DeleteObject",
                                        "Resource": "*",
                                    },
                                ],
                            },
                        }
                    ],
                },
            }
        }
    }
    (role,) = build_catalog([StackTemplate.from_template(template)]).roles
    assert dict(role.permissions.denied) == {"s3": ("DeleteObject",)}
    assert (
        "sessions issued before 2026-11-30T12:00:00Z are revoked (every action denied)"
        in role.permissions.notes
    )
