"""OrgStandard's rules (IAMR-ORG-*) on raw templates, and its refusal of bad settings."""

from __future__ import annotations

from typing import Any

import pytest
from rule_templates import ACCOUNT, role, statement, template

from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.rules import check_stack
from cdk_iam_roles.rules.org import ORG_RULES, OrgStandard

BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/Boundary"
LAMBDA = {"Service": "lambda.amazonaws.com"}
USERS = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}


def _ids(tpl: dict[str, Any], standard: OrgStandard) -> list[str]:
    stack = StackTemplate.from_template(tpl, account=ACCOUNT, region="us-east-1")
    return [f.rule_id for f in check_stack(stack, rules=standard.rules())]


CASES: list[tuple[OrgStandard, dict[str, Any], dict[str, Any], str]] = [
    (
        OrgStandard(permissions_boundary=BOUNDARY),
        role(statement(LAMBDA)),
        role(statement(LAMBDA), PermissionsBoundary=BOUNDARY),
        "IAMR-ORG-001",
    ),
    (
        OrgStandard(path="/app/*"),
        role(statement(LAMBDA), Path="/other/"),
        role(statement(LAMBDA), Path="/app/team/"),
        "IAMR-ORG-002",
    ),
    (
        OrgStandard(role_name_pattern=r"app-[a-z-]+"),
        role(statement(LAMBDA), RoleName="Admin"),
        role(statement(LAMBDA), RoleName="app-worker"),
        "IAMR-ORG-003",
    ),
    (
        OrgStandard(required_tags={"owner": None, "env": "prod"}),
        role(statement(LAMBDA), Tags=[{"Key": "env", "Value": "dev"}]),
        role(
            statement(LAMBDA),
            Tags=[{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "x"}],
        ),
        "IAMR-ORG-004",
    ),
    (
        OrgStandard(max_session_duration=3600),
        role(statement(LAMBDA), MaxSessionDuration=43200),
        role(statement(LAMBDA)),
        "IAMR-ORG-005",
    ),
    (
        OrgStandard(forbidden_managed_policies=("AdministratorAccess",)),
        role(statement(LAMBDA), ManagedPolicyArns=["arn:aws:iam::aws:policy/AdministratorAccess"]),
        role(statement(LAMBDA), ManagedPolicyArns=["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
        "IAMR-ORG-006",
    ),
    (
        OrgStandard(),
        role(statement(USERS), ManagedPolicyArns=["arn:aws:iam::aws:policy/AdministratorAccess"]),
        role(
            statement(USERS, condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
            ManagedPolicyArns=["arn:aws:iam::aws:policy/AdministratorAccess"],
        ),
        "IAMR-ORG-007",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("standard", "bad", "good", "rule_id"), CASES, ids=[c[3] for c in CASES])
def test_org_rule_fires_on_bad_and_not_on_good(
    standard: OrgStandard, bad: dict[str, Any], good: dict[str, Any], rule_id: str
) -> None:
    assert _ids(template(R=bad), standard) == [rule_id]
    assert _ids(template(R=good), standard) == []


def test_every_org_rule_has_a_case() -> None:
    assert sorted(c[3] for c in CASES) == [r.id for r in ORG_RULES]


def test_service_roles_may_administer_without_mfa() -> None:
    tpl = template(
        R=role(statement(LAMBDA), ManagedPolicyArns=["arn:aws:iam::aws:policy/AdministratorAccess"])
    )
    assert _ids(tpl, OrgStandard()) == []


def test_inline_star_makes_a_role_administrative() -> None:
    tpl = template(
        R=role(
            statement(USERS),
            Policies=[
                {
                    "PolicyName": "all",
                    "PolicyDocument": {
                        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
                    },
                }
            ],
        )
    )
    assert _ids(tpl, OrgStandard()) == ["IAMR-ORG-007"]


def test_unknown_values_are_not_judged() -> None:
    tpl = template(R=role(statement(LAMBDA), PermissionsBoundary={"Ref": "Unknown"}))
    assert _ids(tpl, OrgStandard(permissions_boundary=BOUNDARY)) == []


def test_unnamed_roles_pass_unless_a_name_is_required() -> None:
    tpl = template(R=role(statement(LAMBDA)))
    assert _ids(tpl, OrgStandard(role_name_pattern="app-.*")) == []
    assert _ids(tpl, OrgStandard(require_role_name=True)) == ["IAMR-ORG-003"]


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"role_name_pattern": "("}, "role_name_pattern"),
        ({"max_session_duration": 60}, "max_session_duration"),
        ({"required_tags": "owner"}, "required_tags"),
        ({"forbidden_managed_policies": "AdministratorAccess"}, "forbidden_managed_policies"),
    ],
)
def test_bad_settings_are_refused_together(kwargs: dict[str, Any], text: str) -> None:
    with pytest.raises(ValueError, match=text):
        OrgStandard(**kwargs)
