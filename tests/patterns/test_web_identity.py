"""WebIdentityRole: the trust it synthesizes for each identity, providers, tokens and refusals."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Annotations, Match
from syrupy.assertion import SnapshotAssertion

from cdk_iam_roles import (
    CognitoIdentityPool,
    EksServiceAccount,
    GenericOidc,
    GitHubActions,
    GitLabCI,
    RoleConfigError,
    TerraformCloud,
    WebIdentityRole,
)
from cdk_iam_roles.patterns.web_identity import oidc_provider_for
from helpers import ACCOUNT, new_stack, resources_of_type, synth, trust_of

ROOT = Path(__file__).resolve().parents[2]
GH = "token.actions.githubusercontent.com"
POOL = "eu-west-1:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
EKS_ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
EKS_HOST = EKS_ISSUER.removeprefix("https://")


def python_blocks(path: Path) -> list[str]:
    """The ```python code blocks of a guide, which must run as written."""
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.DOTALL)


def default_provider(host: str) -> dict[str, Any]:
    """The partition-aware ARN of the account's provider for ``host``, as synthesized."""
    return {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, f":iam::{ACCOUNT}:oidc-provider/{host}"],
        ]
    }


@pytest.fixture(scope="module")
def app_stack() -> tuple[cdk.Stack, dict[str, Any]]:
    """One stack with a role per identity class and per provider form, synthesized once."""
    stack = new_stack("WebIdentity")
    gh = GitHubActions(owner="acme", repo="app", branches=["main", "release/*"])
    WebIdentityRole(stack, "GitHub", identity=gh, description="deploys acme/app")
    WebIdentityRole(
        stack,
        "GitHubImmutable",
        identity=GitHubActions(
            owner="acme", repo="app", owner_id=1001, repo_id=2002, environments=["prod"]
        ),
    )
    WebIdentityRole(
        stack, "GitHubAnyRef", identity=GitHubActions(owner="acme", repo="docs", any_ref=True)
    )
    WebIdentityRole(stack, "GitLab", identity=GitLabCI(project_path="acme/app", branches=["main"]))
    WebIdentityRole(
        stack,
        "Eks",
        identity=EksServiceAccount(issuer=EKS_ISSUER, namespace="shop", service_account="api"),
    )
    WebIdentityRole(stack, "Cognito", identity=CognitoIdentityPool(identity_pool_id=POOL))
    WebIdentityRole(
        stack,
        "CognitoGuest",
        identity=CognitoIdentityPool(identity_pool_id=POOL, authenticated=False),
    )
    WebIdentityRole(
        stack,
        "Terraform",
        identity=TerraformCloud(organization="acme", project="infra", workspace="prod"),
    )
    WebIdentityRole(
        stack,
        "Generic",
        identity=GenericOidc(
            issuer="https://auth.example.com", audiences=["api"], subjects=["svc:deploy"]
        ),
        provider=f"arn:aws:iam::{ACCOUNT}:oidc-provider/auth.example.com",
    )
    provider = oidc_provider_for(stack, "GitHubProvider", gh)
    WebIdentityRole(stack, "GitHubOwnProvider", identity=gh, provider=provider)
    return stack, synth(stack)


def logical_id(stack: cdk.Stack, construct_id: str) -> str:
    role = stack.node.find_child(construct_id)
    cfn = role.node.default_child
    assert isinstance(cfn, cdk.CfnElement)
    return stack.get_logical_id(cfn)


def trust(app: tuple[cdk.Stack, dict[str, Any]], construct_id: str) -> list[dict[str, Any]]:
    """The trust statements of the role with this construct ID."""
    stack, template = app
    statements: list[dict[str, Any]] = template["Resources"][logical_id(stack, construct_id)][
        "Properties"
    ]["AssumeRolePolicyDocument"]["Statement"]
    return statements


def conditions(app: tuple[cdk.Stack, dict[str, Any]], construct_id: str) -> list[dict[str, Any]]:
    return [s["Condition"] for s in trust(app, construct_id)]


def test_github_trust_pins_aud_and_sub(app_stack: tuple[cdk.Stack, dict[str, Any]]) -> None:
    statements = trust(app_stack, "GitHub")
    assert [s["Principal"] for s in statements] == [{"Federated": default_provider(GH)}] * 2
    assert [s["Action"] for s in statements] == ["sts:AssumeRoleWithWebIdentity"] * 2
    assert [s["Condition"] for s in statements] == [
        {
            "StringEquals": {
                f"{GH}:aud": "sts.amazonaws.com",
                f"{GH}:sub": "repo:acme/app:ref:refs/heads/main",
            }
        },
        {
            "StringEquals": {f"{GH}:aud": "sts.amazonaws.com"},
            "StringLike": {f"{GH}:sub": "repo:acme/app:ref:refs/heads/release/*"},
        },
    ]


def test_github_immutable_form(app_stack: tuple[cdk.Stack, dict[str, Any]]) -> None:
    assert conditions(app_stack, "GitHubImmutable") == [
        {
            "StringEquals": {
                f"{GH}:aud": "sts.amazonaws.com",
                f"{GH}:sub": "repo:acme@1001/app@2002:environment:prod",
            }
        }
    ]


def test_github_any_ref_and_its_warning(app_stack: tuple[cdk.Stack, dict[str, Any]]) -> None:
    stack, _ = app_stack
    assert conditions(app_stack, "GitHubAnyRef") == [
        {
            "StringEquals": {f"{GH}:aud": "sts.amazonaws.com"},
            "StringLike": {f"{GH}:sub": "repo:acme/docs:*"},
        }
    ]
    warnings = Annotations.from_stack(stack).find_warning(
        "/WebIdentity/GitHubAnyRef", Match.string_like_regexp(r"IAMR-WI-011")
    )
    assert len(warnings) == 1


def test_gitlab_trust(app_stack: tuple[cdk.Stack, dict[str, Any]]) -> None:
    (statement,) = trust(app_stack, "GitLab")
    assert statement["Principal"] == {"Federated": default_provider("gitlab.com")}
    assert statement["Condition"] == {
        "StringEquals": {
            "gitlab.com:aud": "https://gitlab.com",
            "gitlab.com:sub": "project_path:acme/app:ref_type:branch:ref:main",
        }
    }


def test_eks_trust_with_literal_issuer(app_stack: tuple[cdk.Stack, dict[str, Any]]) -> None:
    (statement,) = trust(app_stack, "Eks")
    assert statement["Principal"] == {"Federated": default_provider(EKS_HOST)}
    assert statement["Condition"] == {
        "StringEquals": {
            f"{EKS_HOST}:aud": "sts.amazonaws.com",
            f"{EKS_HOST}:sub": "system:serviceaccount:shop:api",
        }
    }


def test_cognito_trust_and_guest_warning(app_stack: tuple[cdk.Stack, dict[str, Any]]) -> None:
    stack, _ = app_stack
    (statement,) = trust(app_stack, "Cognito")
    assert statement["Principal"] == {"Federated": "cognito-identity.amazonaws.com"}
    assert statement["Condition"] == {
        "StringEquals": {"cognito-identity.amazonaws.com:aud": POOL},
        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
    }
    (guest,) = trust(app_stack, "CognitoGuest")
    assert guest["Condition"]["ForAnyValue:StringLike"] == {
        "cognito-identity.amazonaws.com:amr": "unauthenticated"
    }
    annotations = Annotations.from_stack(stack)
    assert annotations.find_warning("/WebIdentity/CognitoGuest", Match.any_value())
    assert not annotations.find_warning("/WebIdentity/Cognito", Match.any_value())


def test_terraform_trust(app_stack: tuple[cdk.Stack, dict[str, Any]]) -> None:
    base = "organization:acme:project:infra:workspace:prod:run_phase"
    assert conditions(app_stack, "Terraform") == [
        {
            "StringEquals": {
                "app.terraform.io:aud": "aws.workload.identity",
                "app.terraform.io:sub": [f"{base}:plan", f"{base}:apply"],
            }
        }
    ]


def test_generic_trust_with_provider_arn(app_stack: tuple[cdk.Stack, dict[str, Any]]) -> None:
    (statement,) = trust(app_stack, "Generic")
    assert statement["Principal"] == {
        "Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/auth.example.com"
    }
    assert statement["Condition"] == {
        "StringEquals": {"auth.example.com:aud": "api", "auth.example.com:sub": "svc:deploy"}
    }


def test_oidc_provider_for_creates_native_provider_without_thumbprint(
    app_stack: tuple[cdk.Stack, dict[str, Any]],
) -> None:
    _, template = app_stack
    (provider,) = resources_of_type(template, "AWS::IAM::OIDCProvider").items()
    logical_id, resource = provider
    assert resource["Properties"] == {
        "ClientIdList": ["sts.amazonaws.com"],
        "Url": "https://token.actions.githubusercontent.com",
    }
    statements = trust(app_stack, "GitHubOwnProvider")
    assert {str(s["Principal"]) for s in statements} == {str({"Federated": {"Ref": logical_id}})}


def test_role_is_a_real_iam_role(app_stack: tuple[cdk.Stack, dict[str, Any]]) -> None:
    stack, template = app_stack
    role = stack.node.find_child("GitHub")
    assert isinstance(role, iam.Role)
    assert isinstance(role, WebIdentityRole)
    assert role.claims.subjects == ("repo:acme/app:ref:refs/heads/main",)
    resource = template["Resources"][logical_id(stack, "GitHub")]
    assert resource["Properties"]["Description"] == "deploys acme/app"


def test_snapshot(
    app_stack: tuple[cdk.Stack, dict[str, Any]], json_snapshot: SnapshotAssertion
) -> None:
    _, template = app_stack
    assert template == json_snapshot


def test_token_issuer_uses_cfn_json_for_condition_keys() -> None:
    stack = new_stack("EksToken")
    issuer = cdk.CfnParameter(stack, "IssuerUrl").value_as_string
    WebIdentityRole(
        stack,
        "Pods",
        identity=EksServiceAccount(issuer=issuer, namespace="shop", service_account="api"),
    )
    template = synth(stack)
    (statement,) = trust_of(template, "Pods")["Statement"]
    (json_id,) = resources_of_type(template, "Custom::AWSCDKCfnJson")
    assert statement["Condition"] == {"StringEquals": {"Fn::GetAtt": [json_id, "Value"]}}
    host = {"Fn::Select": [1, {"Fn::Split": ["https://", {"Ref": "IssuerUrl"}]}]}
    value = template["Resources"][json_id]["Properties"]["Value"]
    assert value == {
        "Fn::Join": [
            "",
            [
                '{"',
                host,
                ':aud":"sts.amazonaws.com","',
                host,
                ':sub":"system:serviceaccount:shop:api"}',
            ],
        ]
    }
    assert statement["Principal"]["Federated"]["Fn::Join"][1][-1] == host


def test_provider_of_another_issuer_is_refused() -> None:
    stack = new_stack()
    gitlab = oidc_provider_for(
        stack, "GitLab", GitLabCI(project_path="acme/app", branches=["main"])
    )
    imported = iam.OidcProviderNative.from_oidc_provider_arn(
        stack, "Imported", f"arn:aws:iam::{ACCOUNT}:oidc-provider/gitlab.com"
    )
    github = GitHubActions(owner="acme", repo="app", branches=["main"])
    for index, provider in enumerate((gitlab, imported)):
        with pytest.raises(RoleConfigError) as caught:
            WebIdentityRole(stack, f"Deploy{index}", identity=github, provider=provider)
        assert caught.value.rule_ids == ("IAMR-WI-010",)
        assert "must be the provider for 'token.actions.githubusercontent.com'" in str(caught.value)


@pytest.mark.parametrize(
    ("identity", "kwargs", "expected"),
    [
        # missing scope
        (GitHubActions(owner="acme", repo="app"), {}, ["IAMR-WI-004"]),
        # wildcard owner / repo / project / namespace
        (GitHubActions(owner="*", repo="app", branches=["main"]), {}, ["IAMR-WI-003"]),
        (GitHubActions(owner="acme", repo="app*", branches=["main"]), {}, ["IAMR-WI-003"]),
        (GitLabCI(project_path="acme/*", branches=["main"]), {}, ["IAMR-WI-003"]),
        (
            EksServiceAccount(issuer=EKS_ISSUER, namespace="*", service_account="api"),
            {},
            ["IAMR-WI-003"],
        ),
        # non-https issuer, missing audience, malformed pool ID
        (
            GenericOidc(issuer="http://auth.example.com", audiences=["a"], subjects=["s"]),
            {},
            ["IAMR-WI-006"],
        ),
        (
            GenericOidc(issuer="https://auth.example.com", audiences=[], subjects=["s"]),
            {},
            ["IAMR-WI-007"],
        ),
        (CognitoIdentityPool(identity_pool_id="eu-west-1"), {}, ["IAMR-WI-008"]),
        # providers
        (
            CognitoIdentityPool(identity_pool_id=POOL),
            {"provider": f"arn:aws:iam::{ACCOUNT}:oidc-provider/x.example.com"},
            ["IAMR-WI-010"],
        ),
        (
            GitHubActions(owner="acme", repo="app", branches=["main"]),
            {"provider": f"arn:aws:iam::{ACCOUNT}:oidc-provider/gitlab.com"},
            ["IAMR-WI-010"],
        ),
        (
            GitHubActions(owner="acme", repo="app", branches=["main"]),
            {"provider": f"arn:aws-cn:iam::{ACCOUNT}:oidc-provider/{GH}"},
            ["IAMR-WI-010"],
        ),
        (
            GitHubActions(owner="acme", repo="app", branches=["main"]),
            {"provider": f"arn:aws:iam::{ACCOUNT}:role/{GH}"},
            ["IAMR-WI-010"],
        ),
        (
            GitHubActions(owner="acme", repo="app", branches=["main"]),
            {"provider": 42},
            ["IAMR-WI-010"],
        ),
        # not an identity; common arguments are checked together with the identity
        ("repo:acme/app:*", {}, ["IAMR-WI-001"]),
        (
            GitHubActions(owner="acme", repo="app*"),
            {"role_name": "bad name", "max_session_duration": cdk.Duration.hours(13)},
            ["IAMR-WI-003", "IAMR-WI-004", "IAMR-ROLE-001", "IAMR-ROLE-003"],
        ),
    ],
)
def test_refusals(identity: Any, kwargs: dict[str, Any], expected: list[str]) -> None:
    stack = new_stack()
    with pytest.raises(RoleConfigError) as caught:
        WebIdentityRole(stack, "Deploy", identity=identity, **kwargs)
    assert list(caught.value.rule_ids) == expected
    assert str(caught.value).startswith("Test/Deploy: ")
    assert stack.node.try_find_child("Deploy") is None


def test_refusal_message_shows_argument_value_fix_and_rule() -> None:
    with pytest.raises(RoleConfigError) as caught:
        WebIdentityRole(
            new_stack(),
            "Deploy",
            identity=GitHubActions(owner="acme", repo="app", branches=["feat*"]),
        )
    assert str(caught.value) == (
        "Test/Deploy: GitHubActions.branches may hold a wildcard only right after '/' "
        "(such as 'release/*'): 'feat*' also matches neighbouring names (got 'feat*'). "
        "Put the wildcard after a '/' (e.g. 'release/*'), or list the exact names. "
        "[IAMR-WI-005]"
    )


def test_oidc_provider_for_refuses_cognito_and_bad_identities() -> None:
    stack = new_stack()
    with pytest.raises(RoleConfigError) as caught:
        oidc_provider_for(stack, "P", CognitoIdentityPool(identity_pool_id=POOL))
    assert caught.value.rule_ids == ("IAMR-WI-010",)
    with pytest.raises(RoleConfigError) as caught:
        WebIdentityRole.oidc_provider_for(stack, "Q", GitHubActions(owner="a", repo="b"))
    assert caught.value.rule_ids == ("IAMR-WI-004",)


def test_cognito_token_pool_in_govcloud_uses_the_regions_principal() -> None:
    stack = new_stack(env=cdk.Environment(account=ACCOUNT, region="us-gov-west-1"))
    pool = cognito.CfnIdentityPool(stack, "Pool", allow_unauthenticated_identities=False)
    WebIdentityRole(stack, "Users", identity=CognitoIdentityPool(identity_pool_id=pool.ref))
    template = synth(stack, lint=False)  # cfn-lint is set up for us-east-1
    (statement,) = trust_of(template, "Users")["Statement"]
    principal = "cognito-identity-us-gov.amazonaws.com"
    assert statement["Principal"] == {"Federated": principal}
    assert statement["Condition"] == {
        "StringEquals": {f"{principal}:aud": {"Ref": "Pool"}},
        "ForAnyValue:StringLike": {f"{principal}:amr": "authenticated"},
    }


def test_guide_code_samples_run() -> None:
    blocks = python_blocks(ROOT / "docs" / "patterns" / "web-identity.md")
    assert len(blocks) >= 6
    for block in blocks:
        exec(compile(block, "web-identity.md", "exec"), {})
