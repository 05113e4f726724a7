"""The OIDC identity classes, pure Python: exact claims, trust statements and every refusal."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
from typing import Any

import pytest

from cdk_iam_roles.errors import RoleConfigError
from cdk_iam_roles.trust import identities
from cdk_iam_roles.trust.identities import (
    CognitoIdentityPool,
    EksServiceAccount,
    GenericOidc,
    GitHubActions,
    GitLabCI,
    Identity,
    TerraformCloud,
    check_issuer_url,
    trust_statements,
)

GH = "token.actions.githubusercontent.com"
POOL = "eu-west-1:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
ARN = "arn:aws:iam::111111111111:oidc-provider/example"
EKS_ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"


def conditions(identity: Identity) -> list[dict[str, Any]]:
    """The Condition element of each trust statement the identity renders."""
    assert identity.problems() == []
    return [s["Condition"] for s in trust_statements(identity.claims(), ARN)]


def rule_ids(identity: Identity) -> list[str]:
    return [p.rule_id for p in identity.problems()]


# --- GitHub Actions --------------------------------------------------------------------


def test_github_branch_renders_exact_aud_and_sub() -> None:
    gh = GitHubActions(owner="acme", repo="app", branches=["main"])
    assert conditions(gh) == [
        {
            "StringEquals": {
                f"{GH}:aud": "sts.amazonaws.com",
                f"{GH}:sub": "repo:acme/app:ref:refs/heads/main",
            }
        }
    ]
    statement = trust_statements(gh.claims(), ARN)[0]
    assert statement["Principal"] == {"Federated": ARN}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"


def test_github_every_scope_renders_its_subject() -> None:
    gh = GitHubActions(
        owner="acme",
        repo="app",
        branches=["main"],
        tags=["v1.0.0"],
        environments=["production"],
        pull_requests=True,
    )
    assert conditions(gh) == [
        {
            "StringEquals": {
                f"{GH}:aud": "sts.amazonaws.com",
                f"{GH}:sub": [
                    "repo:acme/app:ref:refs/heads/main",
                    "repo:acme/app:ref:refs/tags/v1.0.0",
                    "repo:acme/app:environment:production",
                    "repo:acme/app:pull_request",
                ],
            }
        }
    ]


def test_github_pattern_gets_its_own_string_like_statement() -> None:
    gh = GitHubActions(owner="acme", repo="app", branches=["main", "release/*"], tags=["v/*"])
    assert conditions(gh) == [
        {
            "StringEquals": {
                f"{GH}:aud": "sts.amazonaws.com",
                f"{GH}:sub": "repo:acme/app:ref:refs/heads/main",
            }
        },
        {
            "StringEquals": {f"{GH}:aud": "sts.amazonaws.com"},
            "StringLike": {
                f"{GH}:sub": [
                    "repo:acme/app:ref:refs/heads/release/*",
                    "repo:acme/app:ref:refs/tags/v/*",
                ]
            },
        },
    ]


def test_github_any_ref_is_the_explicit_opt_in_and_warns() -> None:
    gh = GitHubActions(owner="acme", repo="app", any_ref=True)
    assert conditions(gh) == [
        {
            "StringEquals": {f"{GH}:aud": "sts.amazonaws.com"},
            "StringLike": {f"{GH}:sub": "repo:acme/app:*"},
        }
    ]
    assert [rule.id for rule, _ in gh.warnings()] == ["IAMR-WI-011"]
    assert GitHubActions(owner="acme", repo="app", branches=["main"]).warnings() == []


def test_github_immutable_ids_render_owner_at_id_form() -> None:
    # https://docs.github.com/en/actions/concepts/security/openid-connect (immutable subject
    # claims): repo:octocat@123456/my-repo@456789:ref:refs/heads/main
    gh = GitHubActions(
        owner="octocat", repo="my-repo", owner_id=123456, repo_id="456789", branches=["main"]
    )
    assert conditions(gh)[0]["StringEquals"][f"{GH}:sub"] == (
        "repo:octocat@123456/my-repo@456789:ref:refs/heads/main"
    )


def test_github_duplicates_are_rendered_once() -> None:
    gh = GitHubActions(owner="acme", repo="app", branches=["main", "main"])
    assert gh.claims().subjects == ("repo:acme/app:ref:refs/heads/main",)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # missing scope: no branch, tag, environment, pull request or any_ref
        ({}, ["IAMR-WI-004"]),
        ({"branches": []}, ["IAMR-WI-004"]),
        # wildcard owner / repo
        ({"owner": "acme*", "branches": ["main"]}, ["IAMR-WI-003"]),
        ({"repo": "app*", "branches": ["main"]}, ["IAMR-WI-003"]),
        ({"repo": "*", "branches": ["main"]}, ["IAMR-WI-003"]),
        # charset
        ({"owner": "ac me", "branches": ["main"]}, ["IAMR-WI-002"]),
        ({"owner": "-acme", "branches": ["main"]}, ["IAMR-WI-002"]),
        ({"repo": "a:b", "branches": ["main"]}, ["IAMR-WI-002"]),
        ({"repo": "..", "branches": ["main"]}, ["IAMR-WI-002"]),
        ({"owner": 42, "branches": ["main"]}, ["IAMR-WI-002"]),
        # neighbour-matching globs and bad refs
        ({"branches": ["feat*"]}, ["IAMR-WI-005"]),
        ({"branches": ["*"]}, ["IAMR-WI-005"]),
        ({"tags": ["v*"]}, ["IAMR-WI-005"]),
        ({"branches": ["release/*", "re?ease"]}, ["IAMR-WI-005"]),
        ({"branches": ["refs/heads/main"]}, ["IAMR-WI-005"]),
        ({"branches": ["${aws:username}"]}, ["IAMR-WI-005"]),
        ({"branches": ["a..b"]}, ["IAMR-WI-005"]),
        ({"branches": [1]}, ["IAMR-WI-005", "IAMR-WI-004"]),
        ({"environments": ["prod*"]}, ["IAMR-WI-005"]),
        # contradictions and immutable IDs
        ({"any_ref": True, "branches": ["main"]}, ["IAMR-WI-013"]),
        ({"owner_id": 1, "branches": ["main"]}, ["IAMR-WI-012"]),
        ({"owner_id": 0, "repo_id": 2, "branches": ["main"]}, ["IAMR-WI-012"]),
        ({"owner_id": "x", "repo_id": 2, "branches": ["main"]}, ["IAMR-WI-012"]),
    ],
)
def test_github_refusals(kwargs: dict[str, Any], expected: list[str]) -> None:
    args: dict[str, Any] = {"owner": "acme", "repo": "app", **kwargs}
    assert rule_ids(GitHubActions(**args)) == expected


def test_github_problem_names_argument_value_and_fix() -> None:
    (problem,) = GitHubActions(owner="acme", repo="app", branches=["feat*"]).problems()
    assert problem.argument == "GitHubActions.branches"
    assert problem.value == "feat*"
    assert "also matches" in problem.message
    assert "release/*" in problem.fix


def test_validate_raises_every_problem() -> None:
    with pytest.raises(RoleConfigError) as caught:
        GitHubActions(owner="a*", repo="b*").validate()
    assert caught.value.rule_ids == ("IAMR-WI-003", "IAMR-WI-003", "IAMR-WI-004")
    assert str(caught.value).startswith("GitHubActions: 3 problems:")


def test_identities_are_frozen_and_keyword_only() -> None:
    gh = GitHubActions(owner="acme", repo="app", branches=["main"])
    with pytest.raises(AttributeError):
        gh.owner = "evil"  # type: ignore[misc]
    with pytest.raises(TypeError):
        GitHubActions("acme", "app")  # type: ignore[misc]


# --- GitLab CI -------------------------------------------------------------------------


def test_gitlab_renders_branch_and_tag_subjects_with_default_audience() -> None:
    gl = GitLabCI(project_path="acme/platform/app", branches=["main"], tags=["v1"])
    assert conditions(gl) == [
        {
            "StringEquals": {
                "gitlab.com:aud": "https://gitlab.com",
                "gitlab.com:sub": [
                    "project_path:acme/platform/app:ref_type:branch:ref:main",
                    "project_path:acme/platform/app:ref_type:tag:ref:v1",
                ],
            }
        }
    ]
    assert gl.claims().issuer_url == "https://gitlab.com"


def test_gitlab_self_managed_host_and_audience() -> None:
    gl = GitLabCI(
        project_path="acme/app",
        branches=["release/*"],
        host="gitlab.example.com",
        audience="aws-prod",
    )
    assert conditions(gl) == [
        {
            "StringEquals": {"gitlab.example.com:aud": "aws-prod"},
            "StringLike": {
                "gitlab.example.com:sub": "project_path:acme/app:ref_type:branch:ref:release/*"
            },
        }
    ]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"project_path": "acme/app"}, ["IAMR-WI-004"]),
        ({"project_path": "acme/*", "branches": ["main"]}, ["IAMR-WI-003"]),
        ({"project_path": "acme", "branches": ["main"]}, ["IAMR-WI-002"]),
        ({"project_path": "acme/app", "branches": ["ma*"]}, ["IAMR-WI-005"]),
        (
            {"project_path": "acme/app", "branches": ["main"], "host": "https://x.com"},
            ["IAMR-WI-002"],
        ),
        ({"project_path": "acme/app", "branches": ["main"], "audience": "*"}, ["IAMR-WI-007"]),
        ({"project_path": "acme/app", "branches": ["main"], "audience": ""}, ["IAMR-WI-007"]),
    ],
)
def test_gitlab_refusals(kwargs: dict[str, Any], expected: list[str]) -> None:
    assert rule_ids(GitLabCI(**kwargs)) == expected


# --- EKS -------------------------------------------------------------------------------


def test_eks_renders_service_account_subject() -> None:
    eks = EksServiceAccount(issuer=EKS_ISSUER, namespace="shop", service_account="api")
    host = EKS_ISSUER.removeprefix("https://")
    assert conditions(eks) == [
        {
            "StringEquals": {
                f"{host}:aud": "sts.amazonaws.com",
                f"{host}:sub": "system:serviceaccount:shop:api",
            }
        }
    ]


def test_eks_token_issuer_is_not_judged_and_has_no_static_key_prefix() -> None:
    token = "${Token[TOKEN.123]}"
    eks = EksServiceAccount(issuer=token, namespace="shop", service_account="api")
    assert eks.problems() == []
    assert eks.claims().key_prefix is None
    with pytest.raises(ValueError, match="prefix"):
        trust_statements(eks.claims(), ARN)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"namespace": "*"}, ["IAMR-WI-003"]),
        ({"namespace": "shop-*"}, ["IAMR-WI-003"]),
        ({"service_account": "*"}, ["IAMR-WI-003"]),
        ({"namespace": "Shop"}, ["IAMR-WI-002"]),
        ({"issuer": "http://oidc.eks.eu-west-1.amazonaws.com/id/X"}, ["IAMR-WI-006"]),
        ({"issuer": "https://oidc.example.com:8443/id/X"}, ["IAMR-WI-006"]),
        ({"issuer": "https://oidc.example.com/id?x=1"}, ["IAMR-WI-006"]),
        ({"issuer": "https://" + "a" * 250 + ".com"}, ["IAMR-WI-006"]),
    ],
)
def test_eks_refusals(kwargs: dict[str, Any], expected: list[str]) -> None:
    args: dict[str, Any] = {
        "issuer": EKS_ISSUER,
        "namespace": "shop",
        "service_account": "api",
        **kwargs,
    }
    assert rule_ids(EksServiceAccount(**args)) == expected


# --- Cognito ---------------------------------------------------------------------------


def test_cognito_renders_pool_aud_and_authenticated_amr() -> None:
    pool = CognitoIdentityPool(identity_pool_id=POOL)
    (statement,) = trust_statements(pool.claims(), "ignored")
    assert statement["Principal"] == {"Federated": "cognito-identity.amazonaws.com"}
    assert statement["Condition"] == {
        "StringEquals": {"cognito-identity.amazonaws.com:aud": POOL},
        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
    }
    assert pool.warnings() == []


def test_cognito_unauthenticated_only_on_request_with_a_warning() -> None:
    guest = CognitoIdentityPool(identity_pool_id=POOL, authenticated=False)
    (statement,) = trust_statements(guest.claims(), "ignored")
    assert statement["Condition"]["ForAnyValue:StringLike"] == {
        "cognito-identity.amazonaws.com:amr": "unauthenticated"
    }
    assert [rule.id for rule, _ in guest.warnings()] == ["IAMR-WI-009"]


@pytest.mark.parametrize(
    "pool_id",
    [
        "",
        "*",
        "eu-west-1:*",
        "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
        "eu-west-1:0F1E2D3C-4B5A-6978-8A9B-0C1D2E3F4A5B",
        "eu-west:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
        None,
    ],
)
def test_cognito_refuses_malformed_pool_id(pool_id: Any) -> None:
    assert rule_ids(CognitoIdentityPool(identity_pool_id=pool_id)) == ["IAMR-WI-008"]


# --- Terraform -------------------------------------------------------------------------


def test_terraform_without_run_phase_renders_both_phases_exactly() -> None:
    tf = TerraformCloud(organization="acme", project="Default Project", workspace="prod")
    base = "organization:acme:project:Default Project:workspace:prod:run_phase"
    assert conditions(tf) == [
        {
            "StringEquals": {
                "app.terraform.io:aud": "aws.workload.identity",
                "app.terraform.io:sub": [f"{base}:plan", f"{base}:apply"],
            }
        }
    ]


def test_terraform_one_phase_and_own_hostname() -> None:
    tf = TerraformCloud(
        organization="acme",
        project="infra",
        workspace="prod",
        run_phase="apply",
        hostname="tfe.example.com",
    )
    assert conditions(tf) == [
        {
            "StringEquals": {
                "tfe.example.com:aud": "aws.workload.identity",
                "tfe.example.com:sub": (
                    "organization:acme:project:infra:workspace:prod:run_phase:apply"
                ),
            }
        }
    ]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"organization": "*"}, ["IAMR-WI-003"]),
        ({"project": "*"}, ["IAMR-WI-003"]),
        ({"workspace": "prod-*"}, ["IAMR-WI-003"]),
        ({"workspace": "a:b"}, ["IAMR-WI-002"]),
        ({"project": " lead"}, ["IAMR-ROLE-008"]),
        ({"project": "lead-"}, []),
        ({"project": "a&b"}, ["IAMR-WI-002"]),
        ({"run_phase": "destroy"}, ["IAMR-WI-015"]),
    ],
)
def test_terraform_refusals(kwargs: dict[str, Any], expected: list[str]) -> None:
    args: dict[str, Any] = {"organization": "acme", "project": "infra", "workspace": "prod"}
    assert rule_ids(TerraformCloud(**{**args, **kwargs})) == expected


# --- Generic OIDC ----------------------------------------------------------------------


def test_generic_renders_exact_and_pattern_subjects_and_extra_conditions() -> None:
    oidc = GenericOidc(
        issuer="https://auth.example.com/tenant",
        audiences=["api", "api"],
        subjects=["svc:deploy", "project:acme/*"],
        extra_conditions={"StringEquals": {"auth.example.com/tenant:groups": "deployers"}},
    )
    prefix = "auth.example.com/tenant"
    assert conditions(oidc) == [
        {
            "StringEquals": {
                f"{prefix}:aud": "api",
                f"{prefix}:sub": "svc:deploy",
                f"{prefix}:groups": "deployers",
            }
        },
        {
            "StringEquals": {f"{prefix}:aud": "api", f"{prefix}:groups": "deployers"},
            "StringLike": {f"{prefix}:sub": "project:acme/*"},
        },
    ]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"issuer": "http://auth.example.com"}, ["IAMR-WI-006"]),
        ({"issuer": "auth.example.com"}, ["IAMR-WI-006"]),
        ({"issuer": "https://*.example.com"}, ["IAMR-WI-006"]),
        ({"audiences": []}, ["IAMR-WI-007"]),
        ({"audiences": ["*"]}, ["IAMR-WI-007"]),
        ({"subjects": []}, ["IAMR-WI-004"]),
        ({"subjects": ["*"]}, ["IAMR-OIDC-003"]),
        ({"subjects": ["svc*"]}, ["IAMR-OIDC-003"]),
        ({"subjects": ["repo:*"]}, ["IAMR-OIDC-003"]),
        ({"subjects": ["repo:acme@*/app@*:*"]}, ["IAMR-OIDC-007"]),
        ({"subjects": ["svc:?"]}, ["IAMR-WI-005"]),
        ({"extra_conditions": {"Bool": {"k": "true"}}}, ["IAMR-WI-014"]),
        ({"extra_conditions": {"StringEquals": {"k": "*"}}}, ["IAMR-WI-014"]),
        ({"extra_conditions": {"StringEquals": {"auth.example.com:sub": "x"}}}, ["IAMR-WI-013"]),
        ({"extra_conditions": "x"}, ["IAMR-WI-014"]),
    ],
)
def test_generic_refusals(kwargs: dict[str, Any], expected: list[str]) -> None:
    args: dict[str, Any] = {
        "issuer": "https://auth.example.com",
        "audiences": ["api"],
        "subjects": ["svc:deploy"],
        **kwargs,
    }
    assert rule_ids(GenericOidc(**args)) == expected


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://token.actions.githubusercontent.com", True),
        ("https://auth.example.com/", True),
        ("https://auth.example.com/realms/x", True),
        ("https://auth.example.com:443", False),
        ("https://user@auth.example.com", False),
        ("https://auth.example.com#x", False),
        ("https://", False),
        ("https://localhost", False),
    ],
)
def test_issuer_url_check(url: str, ok: bool) -> None:
    assert (check_issuer_url(url) is None) is ok


def test_module_doctests_pass() -> None:
    modules = [identities] + [
        importlib.import_module(f"{identities.__name__}.{info.name}")
        for info in pkgutil.iter_modules(identities.__path__)
    ]
    results = [doctest.testmod(module) for module in modules]
    assert sum(r.attempted for r in results) > 5
    assert sum(r.failed for r in results) == 0


def test_identities_module_never_loads_the_cdk() -> None:
    code = (
        "import sys, cdk_iam_roles.trust.identities as m; "
        "m.GitHubActions(owner='a', repo='b', branches=['main']).claims(); "
        "print(sorted(n for n in ('aws_cdk', 'jsii', 'constructs') if n in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    ("pool_id", "principal"),
    [
        (
            "us-gov-west-1:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
            "cognito-identity-us-gov.amazonaws.com",
        ),
        (
            "us-gov-east-1:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
            "cognito-identity.us-gov-east-1.amazonaws.com",
        ),
        ("cn-north-1:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", "cognito-identity.amazonaws.com"),
    ],
)
def test_cognito_govcloud_pools_use_their_regions_principal(pool_id: str, principal: str) -> None:
    # https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/govcloud-cog.html
    (statement,) = trust_statements(CognitoIdentityPool(identity_pool_id=pool_id).claims(), "x")
    assert statement["Principal"] == {"Federated": principal}
    assert statement["Condition"] == {
        "StringEquals": {f"{principal}:aud": pool_id},
        "ForAnyValue:StringLike": {f"{principal}:amr": "authenticated"},
    }


def test_full_ref_name_gets_a_specific_fix() -> None:
    (problem,) = GitHubActions(owner="acme", repo="app", branches=["refs/heads/main"]).problems()
    assert problem.fix == "Pass the short name, e.g. 'main'."
