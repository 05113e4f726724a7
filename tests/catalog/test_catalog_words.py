"""Principals in words: every kind a trust policy can name."""

from __future__ import annotations

from typing import Any

import pytest
from raw_templates import ACCOUNT, GITHUB, WEB, oidc, role, stmt, zoo_stack

from cdk_iam_roles.catalog import build_catalog
from cdk_iam_roles.cfn import StackTemplate


def words_of(*statements: dict[str, Any], resources: dict[str, Any] | None = None) -> list[str]:
    template = {"Resources": {"R": role(*statements), **(resources or {})}}
    stack = StackTemplate.from_template(template, name="S", account=ACCOUNT, region="eu-west-1")
    (entry,) = build_catalog([stack]).roles
    return [a.words for a in entry.assumers]


@pytest.fixture(scope="module")
def zoo() -> dict[str, list[str]]:
    return {r.logical_id: [a.words for a in r.assumers] for r in build_catalog([zoo_stack()]).roles}


@pytest.mark.parametrize(
    ("logical_id", "words"),
    [
        ("GitHubDeploy", "GitHub Actions, repository acme/web, branch main"),
        ("GitLabDeploy", "GitLab CI project g/p, branch main"),
        ("EksPod", "EKS service account ns/sa in cluster ABC123 (eu-west-1)"),
        ("CognitoUsers", "Cognito identity pool eu-west-1:pool-1 (authenticated identities)"),
        ("Terraform", "Terraform Cloud org/proj/ws (plan/apply)"),
        ("Console", "SAML provider Okta (console sign-in)"),
        (
            "Admin",
            "IAM user alice in 111111111111 (MFA within 15 min, "
            "session named after their IAM user name)",
        ),
        ("Audit", "any principal in account 222222222222 (organization o-abc123)"),
        ("Vendor", "any principal in account 333333333333 (external ID vendor-42)"),
        (
            "StatesWorker",
            "AWS service states.amazonaws.com (from account 111111111111, "
            "for arn:aws:states:eu-west-1:111111111111:stateMachine:*)",
        ),
        ("HandStates", "AWS service states.amazonaws.com"),
        ("Open", "any AWS principal (anyone with AWS credentials)"),
        ("Mystery", "AWS principal unknown offline (Fn::ImportValue)"),
    ],
)
def test_each_principal_kind_of_the_zoo_in_words(
    zoo: dict[str, list[str]], logical_id: str, words: str
) -> None:
    assert zoo[logical_id] == [words]


def test_a_statement_with_two_principal_kinds_gives_one_entry_each(
    zoo: dict[str, list[str]],
) -> None:
    assert zoo["Mixed"] == ["AWS service lambda.amazonaws.com", "IAM role ops in 111111111111"]


@pytest.mark.parametrize(
    ("subjects", "words"),
    [
        (["repo:o/r:ref:refs/tags/v1.2"], "GitHub Actions, repository o/r, tag v1.2"),
        (["repo:o/r:environment:prod"], "GitHub Actions, repository o/r, environment prod"),
        (["repo:o/r:pull_request"], "GitHub Actions, repository o/r, pull requests"),
        (
            ["repo:o/r:*"],
            "GitHub Actions, repository o/r, any branch, tag, environment or pull request",
        ),
        (
            ["repo:o/r:ref:refs/heads/main", "repo:o/r:ref:refs/heads/release/*"],
            "GitHub Actions, repository o/r, branch main or branch release/*",
        ),
        (
            ["repo:o/a:ref:refs/heads/main", "repo:o/b:environment:prod"],
            "GitHub Actions, repository o/a, branch main; repository o/b, environment prod",
        ),
    ],
)
def test_github_subjects_in_words(subjects: list[str], words: str) -> None:
    condition = {f"{GITHUB}:aud": "sts.amazonaws.com", f"{GITHUB}:sub": subjects}
    assert words_of(stmt(oidc(GITHUB), WEB, StringLike=condition)) == [words]


def test_github_without_sub_says_any_subject() -> None:
    result = words_of(stmt(oidc(GITHUB), WEB, StringEquals={f"{GITHUB}:aud": "sts.amazonaws.com"}))
    assert result == ["GitHub Actions, any subject (no sub condition)"]


def test_gitlab_tag_on_a_self_managed_host() -> None:
    host = "gitlab.example.com"
    condition = {f"{host}:sub": "project_path:grp/app:ref_type:tag:ref:v1"}
    assert words_of(stmt(oidc(host), WEB, StringEquals=condition)) == [
        "GitLab CI on gitlab.example.com project grp/app, tag v1"
    ]


def test_terraform_single_phase() -> None:
    condition = {"app.terraform.io:sub": "organization:o:project:p:workspace:w:run_phase:plan"}
    assert words_of(stmt(oidc("app.terraform.io"), WEB, StringEquals=condition)) == [
        "Terraform Cloud o/p/w (plan)"
    ]


def test_generic_oidc_names_issuer_subject_and_audience() -> None:
    issuer = "auth.example.com/realms/ci"
    condition = {f"{issuer}:sub": "deployer", f"{issuer}:aud": "aws"}
    assert words_of(stmt(oidc(issuer), WEB, StringEquals=condition)) == [
        "OIDC provider auth.example.com/realms/ci, subject deployer, audience aws"
    ]


def test_oidc_provider_of_the_same_stack_is_read_from_its_url() -> None:
    resources = {
        "Provider": {
            "Type": "AWS::IAM::OIDCProvider",
            "Properties": {"Url": f"https://{GITHUB}", "ClientIdList": ["sts.amazonaws.com"]},
        }
    }
    principal = {"Federated": {"Ref": "Provider"}}
    condition = {
        f"{GITHUB}:sub": "repo:o/r:ref:refs/heads/main",
        f"{GITHUB}:aud": "sts.amazonaws.com",
    }
    assert words_of(stmt(principal, WEB, StringEquals=condition), resources=resources) == [
        "GitHub Actions, repository o/r, branch main"
    ]


def test_cognito_guests_and_missing_amr() -> None:
    principal = {"Federated": "cognito-identity.amazonaws.com"}
    guests = stmt(
        principal,
        WEB,
        StringEquals={"cognito-identity.amazonaws.com:aud": "p"},
        **{"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}},
    )
    bare = stmt(principal, WEB)
    assert words_of(guests) == ["Cognito identity pool p (unauthenticated (guest) identities)"]
    assert words_of(bare) == [
        "Cognito, any identity pool (no aud condition), any identity (no amr condition)"
    ]


def test_saml_programmatic_names_its_attribute_conditions() -> None:
    principal = {"Federated": f"arn:aws:iam::{ACCOUNT}:saml-provider/Corp"}
    statement = stmt(
        principal, "sts:AssumeRoleWithSAML", StringEquals={"SAML:sub_type": "persistent"}
    )
    assert words_of(statement) == ["SAML provider Corp (programmatic, SAML:sub_type persistent)"]


@pytest.mark.parametrize(
    ("principal", "words"),
    [
        (f"arn:aws:iam::{ACCOUNT}:role/team/ops", "IAM role ops in 111111111111"),
        (
            f"arn:aws:sts::{ACCOUNT}:assumed-role/ops/jane",
            "session jane of role ops in 111111111111",
        ),
        (f"arn:aws:sts::{ACCOUNT}:federated-user/bob", "federated user bob in 111111111111"),
        ("arn:aws-cn:iam::222222222222:root", "any principal in account 222222222222"),
    ],
)
def test_aws_principal_forms(principal: str, words: str) -> None:
    assert words_of(stmt({"AWS": principal})) == [words]


def test_mfa_if_exists_is_called_out_as_not_enforced() -> None:
    statement = stmt(
        {"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"},
        BoolIfExists={"aws:MultiFactorAuthPresent": "true"},
    )
    assert words_of(statement) == [
        "IAM user bob in 111111111111 (MFA not enforced: BoolIfExists lets long-term keys in)"
    ]


def test_anyone_narrowed_to_an_organization() -> None:
    statement = stmt("*", StringEquals={"aws:PrincipalOrgID": "o-xyz"})
    assert words_of(statement) == [
        "any AWS principal (anyone with AWS credentials) (organization o-xyz)"
    ]


def test_condition_keys_match_case_insensitively() -> None:
    statement = stmt({"AWS": "444444444444"}, StringEquals={"STS:EXTERNALID": "x-1"})
    assert words_of(statement) == ["any principal in account 444444444444 (external ID x-1)"]


def test_not_principal_in_an_allow_is_anyone_except() -> None:
    statement = {
        "Effect": "Allow",
        "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/eve"},
        "Action": "sts:AssumeRole",
    }
    template = {"Resources": {"R": role(statement)}}
    (entry,) = build_catalog([StackTemplate.from_template(template)]).roles
    assert [a.words for a in entry.assumers] == [
        "anyone except AWS arn:aws:iam::111111111111:user/eve"
    ]
    assert entry.human_assumable


def test_a_reference_to_a_resource_of_the_stack_is_named() -> None:
    statement = stmt(
        {"Federated": "cognito-identity.amazonaws.com"},
        WEB,
        StringEquals={"cognito-identity.amazonaws.com:aud": {"Ref": "Pool"}},
        **{"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}},
    )
    resources = {"Pool": {"Type": "AWS::Cognito::IdentityPool", "Properties": {}}}
    assert words_of(statement, resources=resources) == [
        "Cognito identity pool Pool (this stack) (authenticated identities)"
    ]


def test_a_role_of_the_same_stack_as_principal() -> None:
    resources = {"Other": role(stmt({"Service": "lambda.amazonaws.com"}))}
    statement = stmt({"AWS": {"Fn::GetAtt": ["Other", "Arn"]}})
    template = {"Resources": {"R": role(statement), **resources}}
    catalog = build_catalog([StackTemplate.from_template(template)])
    (entry,) = [r for r in catalog.roles if r.logical_id == "R"]
    assert [(a.kind, a.words) for a in entry.assumers] == [
        ("iam-role", "IAM role Other of this stack")
    ]
    assert entry.assumers[0].principal == "Other.Arn (this stack)"


def test_identity_center_elevation_is_named_by_its_permission_set() -> None:
    from cdk_iam_roles.catalog._words import describe_statement
    from cdk_iam_roles.catalog.model import infer_pattern

    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
        "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
        "Condition": {
            "ArnLike": {
                "aws:PrincipalArn": "arn:aws:iam::111111111111:role/aws-reserved/"
                "sso.amazonaws.com/*AWSReservedSSO_PlatformEngineer_*"
            }
        },
    }
    (assumer,) = describe_statement(statement, {})
    assert "IAM Identity Center permission set PlatformEngineer" in assumer.words
    assert infer_pattern([assumer]) == "ElevatedUserRole"
    # Without the Identity Center pin it is an ordinary cross-account trust.
    del statement["Condition"]
    (plain,) = describe_statement(statement, {})
    assert infer_pattern([plain]) == "CrossAccountRole"
