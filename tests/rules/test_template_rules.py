"""Each template rule on raw templates: one non-compliant and one compliant case each.

GIVEN a minimal template, WHEN the engine checks it, THEN the rule fires exactly on the
non-compliant role and stays silent on the compliant one.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from document_cases import DOCUMENT_CASES
from rule_templates import (
    ACCOUNT,
    GITHUB,
    GITHUB_PROVIDER,
    GOOD_GITHUB,
    GOOD_ROLES_ANYWHERE,
    RA_ANCHOR,
    SAML_PROVIDER,
    findings,
    github_trust,
    role,
    roles_anywhere_trust,
    statement,
    template,
)

from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.rules import Severity, check_stack, template_rules
from cdk_iam_roles.rules.view import RuleSettings

LAMBDA = {"Service": "lambda.amazonaws.com"}
ADMIN_ARN = f"arn:aws:iam::{ACCOUNT}:role/Admin"
EKS = "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789"
COGNITO = "cognito-identity.amazonaws.com"


def _policy(*statements: dict[str, Any], roles: list[Any] | None = None) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": "p",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": list(statements)},
            "Roles": roles or [{"Ref": "R"}],
        },
    }


def _allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def _function(role_ref: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Role": role_ref,
            "Runtime": "python3.12",
            "Handler": "i.h",
            "Code": {"ZipFile": "x"},
        },
    }


def _stack_set(body: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudFormation::StackSet",
        "Properties": {
            "StackSetName": "s",
            "PermissionModel": "SELF_MANAGED",
            "TemplateBody": body,
        },
    }


# rule ID -> (non-compliant template, compliant template); the role at fault is "R"
# unless the resource at fault is given as a third element.
CASES: dict[str, tuple[dict[str, Any], dict[str, Any]] | tuple[Any, ...]] = {
    "IAMR-TRUST-001": (
        template(R=role(statement({"AWS": "*"}))),
        template(
            R=role(
                statement(
                    {"AWS": "*"}, condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}
                )
            )
        ),
    ),
    "IAMR-TRUST-002": (
        template(R=role(statement(LAMBDA, Resource="*"))),
        template(R=role(statement(LAMBDA))),
    ),
    "IAMR-TRUST-003": (
        template(R=role(statement({"Federated": SAML_PROVIDER}, "sts:AssumeRoleWithWebIdentity"))),
        template(
            R=role(
                statement(
                    {"Federated": SAML_PROVIDER},
                    "sts:AssumeRoleWithSAML",
                    {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
                )
            )
        ),
    ),
    "IAMR-TRUST-004": (
        template(R=role(statement({"AWS": {"Ref": "Unknown"}}))),
        template(R=role(statement({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))),
    ),
    "IAMR-TRUST-005": (
        template(
            R=role(statement({"AWS": ["AROA3XFRBF23EXAMPLE7", f"arn:aws:iam::{ACCOUNT}:root"]}))
        ),
        template(R=role(statement({"AWS": f"arn:aws:iam::{ACCOUNT}:role/auditor"}))),
    ),
    "IAMR-TRUST-006": (
        template(
            R=role(
                statement(
                    {"Service": "states.amazonaws.com"},
                    condition={"ArnLike": {"aws:SourceArn": "arn:aws:states:*:*:stateMachine:*"}},
                )
            )
        ),
        template(
            R=role(
                statement(
                    {"Service": "states.amazonaws.com"},
                    condition={
                        "ArnLike": {"aws:SourceArn": f"arn:aws:states:*:{ACCOUNT}:stateMachine:*"}
                    },
                )
            )
        ),
    ),
    "IAMR-TRUST-007": (
        template(R=role(statement({"AWS": "arn:aws:iam::222222222222:root"}))),
        template(R=role(statement({"AWS": "arn:aws:iam::222222222222:role/deployer"}))),
    ),
    "IAMR-SAML-001": (
        template(R=role(statement({"Federated": SAML_PROVIDER}, "sts:AssumeRoleWithSAML"))),
        template(
            R=role(
                statement(
                    {"Federated": SAML_PROVIDER},
                    "sts:AssumeRoleWithSAML",
                    {"StringEquals": {"SAML:sub": "release-robot"}},
                )
            )
        ),
    ),
    "IAMR-OIDC-001": (
        github_trust({"StringEquals": {f"{GITHUB}:sub": "repo:acme/app:ref:refs/heads/main"}}),
        github_trust(GOOD_GITHUB),
        "Gh",
    ),
    "IAMR-OIDC-002": (
        github_trust({"StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"}}),
        github_trust(GOOD_GITHUB),
        "Gh",
    ),
    "IAMR-RA-001": (
        roles_anywhere_trust({"StringEquals": {"aws:PrincipalTag/x509Subject/CN": "build-01"}}),
        roles_anywhere_trust(GOOD_ROLES_ANYWHERE),
        "Ra",
    ),
    "IAMR-RA-002": (
        roles_anywhere_trust({"ArnEquals": {"aws:SourceArn": RA_ANCHOR}}),
        roles_anywhere_trust(GOOD_ROLES_ANYWHERE),
        "Ra",
    ),
    "IAMR-OIDC-008": (
        github_trust(
            {
                **GOOD_GITHUB,
                "ForAllValues:StringEquals": {
                    f"{GITHUB}:job_workflow_ref": "acme/p/.github/workflows/d.yml@refs/heads/main"
                },
            }
        ),
        github_trust(
            {
                "StringEquals": {
                    **GOOD_GITHUB["StringEquals"],
                    f"{GITHUB}:job_workflow_ref": "acme/p/.github/workflows/d.yml@refs/heads/main",
                }
            }
        ),
        "Gh",
    ),
    "IAMR-OIDC-009": (
        github_trust(
            {
                **GOOD_GITHUB,
                "StringLike": {f"{GITHUB}:job_workflow_ref": "acme/*/.github/workflows/d.yml@*"},
            }
        ),
        github_trust(
            {
                **GOOD_GITHUB,
                "StringLike": {
                    f"{GITHUB}:job_workflow_ref": "acme/p/.github/workflows/d.yml@refs/tags/*"
                },
            }
        ),
        "Gh",
    ),
    "IAMR-OIDC-010": (
        github_trust(
            {"StringEquals": {**GOOD_GITHUB["StringEquals"], f"{GITHUB}:repository_owner": "acme"}}
        ),
        github_trust(
            {"StringEquals": {**GOOD_GITHUB["StringEquals"], f"{GITHUB}:repository_id": "123"}}
        ),
        "Gh",
    ),
    "IAMR-OIDC-011": (
        github_trust(
            {
                "StringEquals": {
                    f"{GITHUB}:aud": "sts.amazonaws.com",
                    f"{GITHUB}:sub": [
                        "repo:acme@11/shop@123:ref:refs/heads/main",
                        "repo:acme/shop:ref:refs/heads/main",
                    ],
                }
            }
        ),
        github_trust(
            {
                "StringEquals": {
                    f"{GITHUB}:aud": "sts.amazonaws.com",
                    f"{GITHUB}:sub": "repo:acme@11/shop@123:ref:refs/heads/main",
                }
            }
        ),
        "Gh",
    ),
    "IAMR-OIDC-007": (
        github_trust(
            {
                "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
                "StringLike": {f"{GITHUB}:sub": "repo:acme@*/app@*:environment:prod"},
            }
        ),
        github_trust(
            {
                "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
                "StringLike": {f"{GITHUB}:sub": "repo:acme@1/app@2:ref:refs/heads/release/*"},
            }
        ),
        "Gh",
    ),
    "IAMR-OIDC-003": (
        github_trust(
            {
                "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
                "StringLike": {f"{GITHUB}:sub": "repo:acme/app*"},
            }
        ),
        github_trust(
            {
                "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
                "StringLike": {f"{GITHUB}:sub": "repo:acme/app:ref:refs/heads/release/*"},
            }
        ),
        "Gh",
    ),
    "IAMR-OIDC-004": (
        github_trust(
            {
                "StringLike": {f"{GITHUB}:aud": "sts.*"},
                "StringEquals": {f"{GITHUB}:sub": "repo:acme/app:ref:refs/heads/main"},
            }
        ),
        github_trust(GOOD_GITHUB),
        "Gh",
    ),
    "IAMR-OIDC-005": (
        github_trust(
            {
                "StringEquals": {
                    f"{GITHUB}:aud": "sts.amazonaws.com",
                    f"{GITHUB}:sub": "repo:acme/app:*",
                }
            }
        ),
        github_trust(
            {
                "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
                "StringLike": {f"{GITHUB}:sub": "repo:acme/app:*"},
            }
        ),
        "Gh",
    ),
    "IAMR-OIDC-006": (
        template(
            R=role(
                statement(
                    {"Federated": COGNITO},
                    "sts:AssumeRoleWithWebIdentity",
                    {"StringEquals": {f"{COGNITO}:aud": "us-east-1:1234"}},
                )
            )
        ),
        template(
            R=role(
                statement(
                    {"Federated": COGNITO},
                    "sts:AssumeRoleWithWebIdentity",
                    {
                        "StringEquals": {f"{COGNITO}:aud": "us-east-1:1234"},
                        "ForAnyValue:StringLike": {f"{COGNITO}:amr": "authenticated"},
                    },
                )
            )
        ),
    ),
    "IAMR-MFA-001": (
        template(
            R=role(
                statement(
                    {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}},
                )
            )
        ),
        template(
            R=role(
                statement(
                    {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}},
                )
            )
        ),
    ),
    "IAMR-MFA-002": (
        template(
            R=role(
                statement(
                    {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    condition={"Null": {"aws:MultiFactorAuthPresent": "false"}},
                )
            )
        ),
        template(
            R=role(
                statement(
                    {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    condition={"Bool": {"aws:MultiFactorAuthPresent": True}},
                )
            )
        ),
    ),
    "IAMR-MFA-003": (
        template(
            R=role(
                statement(
                    {"Federated": SAML_PROVIDER},
                    "sts:AssumeRoleWithSAML",
                    {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
                )
            )
        ),
        template(
            R=role(
                statement(
                    {"Federated": SAML_PROVIDER},
                    "sts:AssumeRoleWithSAML",
                    {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
                )
            )
        ),
    ),
    "IAMR-MFA-004": (
        template(
            R=role(
                statement(
                    {"AWS": ADMIN_ARN},
                    condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}},
                )
            )
        ),
        template(
            R=role(
                statement(
                    {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"},
                    condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}},
                )
            )
        ),
    ),
    "IAMR-SIZE-001": (
        template(R=role(statement({"AWS": [f"arn:aws:iam::{n:012d}:role/r" for n in range(90)]}))),
        template(R=role(statement({"AWS": [f"arn:aws:iam::{n:012d}:role/r" for n in range(10)]}))),
    ),
    "IAMR-SIZE-002": (
        template(
            R=role(statement(LAMBDA)),
            P=_policy(
                *[_allow("s3:GetObject", f"arn:aws:s3:::bucket-{n:04d}/*") for n in range(200)]
            ),
        ),
        template(R=role(statement(LAMBDA)), P=_policy(_allow("s3:GetObject", "arn:aws:s3:::b/*"))),
    ),
    "IAMR-SIZE-003": (
        template(
            M={
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            _allow("s3:GetObject", f"arn:aws:s3:::bucket-{n:04d}/*")
                            for n in range(120)
                        ],
                    }
                },
            }
        ),
        template(
            M={
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [_allow("s3:GetObject", "arn:aws:s3:::b/*")],
                    }
                },
            }
        ),
        "M",
    ),
    "IAMR-SIZE-004": (
        template(
            R=role(
                statement(LAMBDA),
                ManagedPolicyArns=[f"arn:aws:iam::aws:policy/P{n}" for n in range(11)],
            )
        ),
        template(
            R=role(
                statement(LAMBDA),
                ManagedPolicyArns=[f"arn:aws:iam::aws:policy/P{n}" for n in range(10)],
            )
        ),
    ),
    "IAMR-USE-001": (
        template(
            R=role(statement({"Service": "ec2.amazonaws.com"})),
            F=_function({"Fn::GetAtt": ["R", "Arn"]}),
        ),
        template(R=role(statement(LAMBDA)), F=_function({"Fn::GetAtt": ["R", "Arn"]})),
    ),
    "IAMR-POL-001": (
        template(R=role(statement(LAMBDA)), P=_policy(_allow("s3:GetObjects"))),
        template(R=role(statement(LAMBDA)), P=_policy(_allow("s3:GetObject"))),
        "P",
    ),
    "IAMR-POL-002": (
        template(
            R=role(statement(LAMBDA)),
            P=_policy(_allow("s3:GetObject", "arn:aws:s3:::bucket")),
        ),
        template(
            R=role(statement(LAMBDA)),
            P=_policy(_allow("s3:GetObject", "arn:aws:s3:::bucket/*")),
        ),
        "P",
    ),
    "IAMR-POL-003": (
        template(
            R=role(statement(LAMBDA)),
            P=_policy(
                _allow("s3:GetObject", Condition={"IpAddress": {"aws:SourceIpAddress": "1.2.3.4"}})
            ),
        ),
        template(
            R=role(statement(LAMBDA)),
            P=_policy(
                _allow("s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "1.2.3.4/32"}})
            ),
        ),
        "P",
    ),
    "IAMR-TAG-001": (
        template(
            R=role(
                statement(
                    {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, ["sts:AssumeRole", "sts:TagSession"]
                )
            )
        ),
        template(
            R=role(
                statement(
                    {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    ["sts:AssumeRole", "sts:TagSession"],
                    {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}},
                )
            )
        ),
    ),
    "IAMR-DEPUTY-001": (
        template(R=role(statement({"Service": "states.amazonaws.com"}))),
        template(
            R=role(
                statement(
                    {"Service": "states.amazonaws.com"},
                    condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                )
            )
        ),
    ),
    "IAMR-SET-009": (
        template(S=_stack_set({"Ref": "MemberTemplate"})),
        template(S=_stack_set(json.dumps(template(R=role(statement(LAMBDA)))))),
        "S",
    ),
}


CASES.update(DOCUMENT_CASES)


def test_every_template_rule_has_a_case() -> None:
    assert sorted(CASES) == sorted(r.info.id for r in template_rules())


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_on_the_non_compliant_template(rule_id: str) -> None:
    bad, _, *at = CASES[rule_id]
    found = findings(bad, rule_id)
    assert found, f"{rule_id} did not fire"
    assert {f.logical_id for f in found} == {at[0] if at else "R"}
    assert all(f.message and f.fix and f.path == f"Raw/{f.logical_id}" for f in found)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_is_silent_on_the_compliant_template(rule_id: str) -> None:
    _, good, *_ = CASES[rule_id]
    assert findings(good, rule_id) == []
    # the compliant case is clean for every other rule too (warnings included)
    assert [f.rule_id for f in findings(good) if f.severity is not Severity.INFO] == []


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_never_raises_on_odd_shapes(rule_id: str) -> None:
    """Strings where mappings belong, lists of numbers, missing documents: no exception."""
    odd = template(
        A={"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": "nope"}},
        B={"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": 3}}},
        C=role({"Effect": "Allow", "Principal": {"AWS": [1, None]}, "Condition": "x"}),
        D=role(statement({"Federated": 7}, 5, {"StringEquals": "x"})),
        P={"Type": "AWS::IAM::Policy", "Properties": {"PolicyDocument": [1], "Roles": "x"}},
        F={"Type": "AWS::Lambda::Function", "Properties": {"Role": ["x"]}},
        N="not a resource",
    )
    findings(odd, rule_id)  # must not raise


# --- behaviour beyond one case per rule -------------------------------------------


def test_principal_star_as_a_string_and_external_id_still_open() -> None:
    tpl = template(R=role(statement("*", condition={"StringEquals": {"sts:ExternalId": "shared"}})))
    assert [f.rule_id for f in findings(tpl, "IAMR-TRUST-001")] == ["IAMR-TRUST-001"]


@pytest.mark.parametrize(
    "issuer",
    [GITHUB, "gitlab.com", EKS, "example.com/issuer"],
)
def test_subject_is_required_for_every_issuer(issuer: str) -> None:
    provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{issuer}"
    tpl = template(
        R=role(
            statement(
                {"Federated": provider},
                "sts:AssumeRoleWithWebIdentity",
                {"StringEquals": {f"{issuer}:aud": "sts.amazonaws.com"}},
            )
        )
    )
    found = findings(tpl, "IAMR-OIDC-002")
    assert len(found) == 1
    assert f"{issuer}:sub" in found[0].message


def test_issuer_is_read_from_a_provider_resource_of_the_template() -> None:
    tpl = template(
        Provider={"Type": "AWS::IAM::OIDCProvider", "Properties": {"Url": "https://gitlab.com"}},
        R=role(
            statement(
                {"Federated": {"Ref": "Provider"}},
                "sts:AssumeRoleWithWebIdentity",
                {"StringEquals": {"gitlab.com:aud": "https://gitlab.com"}},
            )
        ),
    )
    assert ["gitlab.com:sub" in f.message for f in findings(tpl, "IAMR-OIDC-002")] == [True]
    assert findings(tpl, "IAMR-TRUST-004") == []


@pytest.mark.parametrize(
    ("pattern", "too_broad"),
    [
        ("*", True),
        ("repo:*", True),
        ("repo:acme/app*", True),
        ("repo:acme/*", False),
        ("repo:acme/app:*", False),
        ("repo:acme/app:ref:refs/heads/feature-?", True),
        ("system:serviceaccount:ns:*", False),
    ],
)
def test_subject_glob_boundaries(pattern: str, too_broad: bool) -> None:
    tpl = github_trust(
        {
            "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
            "StringLike": {f"{GITHUB}:sub": pattern},
        }
    )
    assert bool(findings(tpl, "IAMR-OIDC-003")) is too_broad


def test_if_exists_on_the_subject_does_not_pin_it() -> None:
    tpl = github_trust(
        {
            "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
            "StringLikeIfExists": {f"{GITHUB}:sub": "repo:acme/app:*"},
        }
    )
    assert len(findings(tpl, "IAMR-OIDC-002")) == 1


def test_unknown_condition_block_is_not_judged_but_reported_as_unknown() -> None:
    """CDK renders token keys through Custom::AWSCDKCfnJson: the block is a GetAtt."""
    tpl = template(
        Json={"Type": "Custom::AWSCDKCfnJson", "Properties": {"Value": "{}"}},
        R=role(
            statement(
                {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{EKS}"},
                "sts:AssumeRoleWithWebIdentity",
                {"StringEquals": {"Fn::GetAtt": ["Json", "Value"]}},
            )
        ),
    )
    ids = {f.rule_id for f in findings(tpl)}
    assert "IAMR-OIDC-001" not in ids
    assert "IAMR-OIDC-002" not in ids
    info = findings(tpl, "IAMR-TRUST-004")
    assert len(info) == 1
    assert info[0].severity is Severity.INFO


def test_unknown_principal_is_never_judged_open() -> None:
    tpl = template(R=role(statement({"AWS": {"Fn::Sub": "${Unknown}"}})))
    assert findings(tpl, "IAMR-TRUST-001") == []
    assert [f.severity for f in findings(tpl, "IAMR-TRUST-004")] == [Severity.INFO]


@pytest.mark.parametrize(
    ("principal", "action"),
    [
        ({"Service": "lambda.amazonaws.com"}, "sts:AssumeRoleWithSAML"),
        ({"Service": "lambda.amazonaws.com"}, "sts:AssumeRoleWithWebIdentity"),
        ({"Federated": GITHUB_PROVIDER}, "sts:AssumeRoleWithSAML"),
        ({"Federated": GITHUB_PROVIDER}, "sts:AssumeRole"),
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "sts:AssumeRoleWithSAML"),
    ],
)
def test_principal_action_mismatches(principal: dict[str, Any], action: str) -> None:
    assert findings(template(R=role(statement(principal, action))), "IAMR-TRUST-003")


def test_mfa_from_an_oidc_principal_is_never_satisfiable() -> None:
    condition = copy.deepcopy(GOOD_GITHUB)
    condition["NumericLessThan"] = {"aws:MultiFactorAuthAge": "900"}
    found = findings(github_trust(condition), "IAMR-MFA-003")
    assert len(found) == 1
    assert "OIDC" in found[0].message


def test_mfa_from_a_role_of_the_same_template_is_a_warning() -> None:
    tpl = template(
        Caller=role(statement(LAMBDA)),
        R=role(
            statement(
                {"AWS": {"Fn::GetAtt": ["Caller", "Arn"]}},
                condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            )
        ),
    )
    assert [f.severity for f in findings(tpl, "IAMR-MFA-004")] == [Severity.WARNING]


def test_trust_policy_quota_is_a_setting() -> None:
    tpl = template(R=role(statement({"AWS": [f"arn:aws:iam::{n:012d}:root" for n in range(100)]})))
    assert findings(tpl, "IAMR-SIZE-001")
    assert findings(tpl, "IAMR-SIZE-001", RuleSettings(trust_policy_max_chars=8192)) == []


def test_whitespace_does_not_count_toward_the_quota() -> None:
    padded = statement({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, Sid="a" * 10)
    padded["Sid"] = " " * 5000
    assert findings(template(R=role(padded)), "IAMR-SIZE-001") == []


def test_managed_policy_counted_once_through_arns_and_roles() -> None:
    managed = {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [_allow("s3:ListAllMyBuckets")],
            },
            "Roles": [{"Ref": "R"}],
        },
    }
    tpl = template(
        M=managed,
        R=role(
            statement(LAMBDA),
            ManagedPolicyArns=[{"Ref": "M"}] + [f"arn:aws:iam::aws:policy/P{n}" for n in range(9)],
        ),
    )
    assert findings(tpl, "IAMR-SIZE-004") == []


@pytest.mark.parametrize(
    ("resource", "path", "value", "service"),
    [
        ("AWS::IAM::InstanceProfile", "Roles", [{"Ref": "R"}], "ec2.amazonaws.com"),
        (
            "AWS::ECS::TaskDefinition",
            "TaskRoleArn",
            {"Fn::GetAtt": ["R", "Arn"]},
            "ecs-tasks.amazonaws.com",
        ),
        (
            "AWS::ECS::TaskDefinition",
            "ExecutionRoleArn",
            {"Fn::GetAtt": ["R", "Arn"]},
            "ecs-tasks.amazonaws.com",
        ),
        (
            "AWS::CodeBuild::Project",
            "ServiceRole",
            {"Fn::GetAtt": ["R", "Arn"]},
            "codebuild.amazonaws.com",
        ),
        (
            "AWS::StepFunctions::StateMachine",
            "RoleArn",
            {"Fn::GetAtt": ["R", "Arn"]},
            "states.amazonaws.com",
        ),
        ("AWS::Glue::Job", "Role", {"Ref": "R"}, "glue.amazonaws.com"),
        (
            "AWS::Events::Rule",
            "Targets",
            [{"Id": "t", "Arn": "x", "RoleArn": {"Fn::GetAtt": ["R", "Arn"]}}],
            "events.amazonaws.com",
        ),
    ],
)
def test_wrong_role_on_each_mapped_service(
    resource: str, path: str, value: Any, service: str
) -> None:
    wrong = template(
        R=role(
            statement(
                LAMBDA if service != "lambda.amazonaws.com" else {"Service": "ec2.amazonaws.com"}
            )
        ),
        U={"Type": resource, "Properties": {path: value}},
    )
    found = findings(wrong, "IAMR-USE-001")
    assert len(found) == 1
    assert service in found[0].message
    right = template(
        R=role(statement({"Service": service})), U={"Type": resource, "Properties": {path: value}}
    )
    assert findings(right, "IAMR-USE-001") == []


def test_role_by_name_and_china_principal_are_recognised() -> None:
    tpl = template(
        R=role(statement({"Service": "lambda.amazonaws.com.cn"}), RoleName="fn-role"),
        F=_function(f"arn:aws-cn:iam::{ACCOUNT}:role/fn-role"),  # type: ignore[arg-type]
    )
    assert findings(tpl, "IAMR-USE-001") == []


def test_role_outside_the_template_is_not_judged() -> None:
    tpl = template(F=_function({"Fn::ImportValue": "SharedRoleArn"}))
    assert findings(tpl, "IAMR-USE-001") == []


@pytest.mark.parametrize(
    ("action", "ok"),
    [
        ("s3:Get*", True),
        ("s3:Nope*", False),
        ("nosuchservice:Get", False),
        ("*", True),
        ("s3", False),
    ],
)
def test_action_patterns(action: str, ok: bool) -> None:
    tpl = template(R=role(statement(LAMBDA)), P=_policy(_allow(action)))
    assert (findings(tpl, "IAMR-POL-001") == []) is ok


def test_action_without_resource_level_permissions_needs_star() -> None:
    tpl = template(
        R=role(statement(LAMBDA)),
        P=_policy(_allow("s3:ListAllMyBuckets", "arn:aws:s3:::bucket")),
    )
    found = findings(tpl, "IAMR-POL-002")
    assert len(found) == 1
    assert "Resource '*'" in found[0].message


def test_unknown_resource_is_not_judged() -> None:
    tpl = template(
        B={"Type": "AWS::S3::Bucket"},
        R=role(statement(LAMBDA)),
        P=_policy(_allow("s3:GetObject", {"Fn::GetAtt": ["B", "Arn"]})),
    )
    assert findings(tpl, "IAMR-POL-002") == []


@pytest.mark.parametrize(
    ("key", "ok"),
    [
        ("aws:PrincipalTag/team", True),
        ("s3:ExistingObjectTag/owner", True),
        ("ec2:SourceInstanceArn", True),
        (f"{GITHUB}:sub", True),
        ("s3:NoSuchKey", False),
        ("nosuch:Key", False),
    ],
)
def test_condition_keys(key: str, ok: bool) -> None:
    tpl = template(
        R=role(statement(LAMBDA)),
        P=_policy(_allow("s3:GetObject", Condition={"StringEquals": {key: "x"}})),
    )
    assert (findings(tpl, "IAMR-POL-003") == []) is ok


def test_saml_sessions_take_tags_from_the_identity_provider() -> None:
    tpl = template(
        R=role(
            statement(
                {"Federated": SAML_PROVIDER},
                ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
            )
        )
    )
    assert findings(tpl, "IAMR-TAG-001") == []


def test_service_principals_may_tag_sessions() -> None:
    tpl = template(
        R=role(
            statement({"Service": "pods.eks.amazonaws.com"}, ["sts:AssumeRole", "sts:TagSession"])
        )
    )
    assert findings(tpl, "IAMR-TAG-001") == []


def test_service_not_on_the_allow_list_gets_no_deputy_warning() -> None:
    assert findings(template(R=role(statement(LAMBDA))), "IAMR-DEPUTY-001") == []


def test_disabled_rules_do_not_run() -> None:
    tpl = template(R=role(statement({"AWS": "*"})))
    settings = RuleSettings(disabled=frozenset({"IAMR-TRUST-001"}))
    assert findings(tpl, "IAMR-TRUST-001", settings) == []


def test_a_failing_rule_is_an_error_finding_not_an_exception() -> None:
    from cdk_iam_roles.cfn import StackTemplate
    from cdk_iam_roles.rules import RuleInfo, Scope, TemplateRule, check_stack

    info = RuleInfo(
        id="IAMR-TEST-999",
        severity=Severity.WARNING,
        what="w",
        why="w",
        fix="f",
        doc="https://docs.aws.amazon.com/",
        scopes=frozenset({Scope.TEMPLATE}),
    )

    def broken(view: object) -> list[Any]:
        raise RuntimeError("boom")

    stack = StackTemplate.from_template(template(R=role(statement(LAMBDA))), name="S")
    (finding,) = check_stack(stack, rules=[TemplateRule(info, broken)])
    assert finding.rule_id == "IAMR-TEST-999"
    assert finding.severity is Severity.ERROR
    assert "boom" in finding.message


# --- whole-account trust (IAMR-TRUST-007) and SAML pins (IAMR-SAML-001) ---------------


@pytest.mark.parametrize(
    ("principal", "condition", "fires"),
    [
        ("arn:aws:iam::222222222222:root", None, True),
        ("222222222222", None, True),  # IAM stores a bare ID as the root ARN
        (["arn:aws:iam::222222222222:role/a", "333333333333"], None, True),
        # the stack's own account: its administrators are the role's own
        (f"arn:aws:iam::{ACCOUNT}:root", None, False),
        # org ID and external ID do not narrow a member account
        (
            "arn:aws:iam::222222222222:root",
            {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
            True,
        ),
        ("arn:aws:iam::222222222222:root", {"StringEquals": {"sts:ExternalId": "x1"}}, True),
        # an aws:PrincipalArn pin on named roles makes it exact
        (
            "arn:aws:iam::222222222222:root",
            {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::222222222222:role/deploy-*"}},
            False,
        ),
        (
            "arn:aws:iam::222222222222:root",
            {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::222222222222:role/*"}},
            True,
        ),
        (
            "arn:aws:iam::222222222222:root",
            {"ArnEqualsIfExists": {"aws:PrincipalArn": "arn:aws:iam::222222222222:role/x"}},
            True,
        ),
    ],
)
def test_whole_account_trust(principal: Any, condition: dict[str, Any] | None, fires: bool) -> None:
    tpl = template(R=role(statement({"AWS": principal}, condition=condition)))
    found = findings(tpl, "IAMR-TRUST-007")
    assert bool(found) is fires
    if fires:
        assert found[0].severity is Severity.WARNING
        assert "exact role ARNs" in found[0].message


def test_whole_account_trust_is_read_in_a_stack_without_environment() -> None:
    """CDK's AccountPrincipal renders arn:${AWS::Partition}:…: unknown, but no wildcard."""
    other = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::222222222222:root"]]}
    own = {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"],
        ]
    }
    tpl = template(R=role(statement({"AWS": other})), Own=role(statement({"AWS": own})))
    stack = StackTemplate.from_template(tpl, name="Raw")  # no account, no region
    found = [f for f in check_stack(stack) if f.rule_id == "IAMR-TRUST-007"]
    assert [(f.logical_id, "222222222222" in f.message) for f in found] == [("R", True)]


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        (None, True),
        ({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, True),
        ({"StringEqualsIfExists": {"SAML:sub": "alice"}}, True),
        ({"ForAllValues:StringEquals": {"SAML:edupersonaffiliation": "staff"}}, True),
        ({"StringLike": {"SAML:aud": "*"}}, True),
        ({"StringNotEquals": {"SAML:sub": "mallory"}}, True),
        ({"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}, False),
        ({"StringLike": {"SAML:sub": "svc-*"}}, False),
        ({"ForAnyValue:StringEquals": {"SAML:edupersonaffiliation": "staff"}}, False),
    ],
)
def test_saml_trust_needs_an_audience_or_attribute(
    condition: dict[str, Any] | None, fires: bool
) -> None:
    tpl = template(
        R=role(statement({"Federated": SAML_PROVIDER}, "sts:AssumeRoleWithSAML", condition))
    )
    assert bool(findings(tpl, "IAMR-SAML-001")) is fires


def test_saml_provider_of_the_template_is_recognised() -> None:
    tpl = template(
        Idp={"Type": "AWS::IAM::SAMLProvider", "Properties": {"SamlMetadataDocument": "<x/>"}},
        R=role(statement({"Federated": {"Ref": "Idp"}}, ["sts:AssumeRoleWithSAML"])),
    )
    assert [f.logical_id for f in findings(tpl, "IAMR-SAML-001")] == ["R"]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"ArnLike": {"aws:SourceArn": RA_ANCHOR[:-36] + "*"}}, ["IAMR-RA-001"]),
        ({"ArnEqualsIfExists": {"aws:SourceArn": RA_ANCHOR}}, ["IAMR-RA-001"]),
        ({"StringLike": {"aws:PrincipalTag/x509Subject/CN": "*"}}, ["IAMR-RA-002"]),
        ({"StringEqualsIfExists": {"aws:PrincipalTag/x509Subject/CN": "a"}}, ["IAMR-RA-002"]),
    ],
)
def test_roles_anywhere_pins_that_pin_nothing(
    condition: dict[str, Any], expected: list[str]
) -> None:
    merged = copy.deepcopy(GOOD_ROLES_ANYWHERE)
    for operator, block in condition.items():
        for key in block:
            for existing in merged.values():
                existing.pop(key, None)
        merged.setdefault(operator, {}).update(block)
    merged = {k: v for k, v in merged.items() if v}
    ids = sorted(
        {f.rule_id for f in findings(roles_anywhere_trust(merged))} & {"IAMR-RA-001", "IAMR-RA-002"}
    )
    assert ids == expected


def test_a_loop_of_the_language_extensions_is_named_as_not_read() -> None:
    # Fn::ForEach creates its roles at deployment: one warning under the loop's own key
    # (so it can be acknowledged alone), never "a resource that is a list".
    loop = ["Team", ["Billing", "Search"], {"${Team}Worker": role(statement({"AWS": "*"}))}]
    tpl = {
        "Transform": "AWS::LanguageExtensions",
        "Resources": {"Fn::ForEach::Workers": loop, "R": role(statement(LAMBDA))},
    }
    found = check_stack(StackTemplate.from_template(tpl, name="S"))
    assert [(f.rule_id, f.logical_id) for f in found] == [("IAMR-DOC-006", "Fn::ForEach::Workers")]
    assert "Fn::ForEach::Workers (a loop of AWS::LanguageExtensions)" in found[0].message


@pytest.mark.parametrize(
    ("type_", "said"),
    [
        ({"Fn::Rain::Module": "./bucket.yaml"}, "!Rain::Module (a tag a pre-processor replaces"),
        ({"Fn::Sub": "AWS::IAM::Role"}, "an object"),  # a CloudFormation function: no tool's tag
        ({"Ref": "TypeName"}, "an object"),
    ],
)
def test_a_type_written_as_a_tag_is_named_as_the_tag(type_: Any, said: str) -> None:
    tpl = template(Odd={"Type": type_, "Properties": {}})
    (found,) = check_stack(StackTemplate.from_template(tpl, name="S"))
    assert (found.rule_id, found.logical_id) == ("IAMR-DOC-008", "Odd")
    assert f"the resource's Type is {said}" in found.message
