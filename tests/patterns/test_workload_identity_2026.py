"""Workload identity as of 2026: GitHub provider keys, legacy subjects, Enterprise issuers,
CircleCI, Bitbucket Pipelines and Buildkite (issue 12).

GIVEN typed identities, WHEN a WebIdentityRole synthesizes them, THEN the exact
conditions are rendered (StringEquals provider keys in addition to sub), the template is
cfn-lint clean and matches the reviewed snapshot, and the offline evaluator allows the
intended workload and denies its neighbours.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Annotations, Match
from hypothesis import given, settings
from hypothesis import strategies as st
from syrupy.assertion import SnapshotAssertion

from cdk_iam_roles import (
    BitbucketPipelines,
    Buildkite,
    CircleCI,
    GitHubActions,
    RoleConfigError,
    WebIdentityRole,
)
from cdk_iam_roles.analysis import PolicySet, Request, evaluate
from cdk_iam_roles.trust.identities import Identity, trust_statements
from helpers import ACCOUNT, new_stack, synth

GH = "token.actions.githubusercontent.com"
DEPLOY_WF = "acme/platform/.github/workflows/deploy.yml@refs/heads/main"
ORG = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
PROJECT = "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"
OTHER = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
WS_UUID = "2b3c4d5e-6f70-4a8b-9c0d-1e2f3a4b5c6d"
BB = "api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/deploy"

REUSABLE = GitHubActions(
    owner="acme",
    repo="shop",
    environments=["prod"],
    refs=["refs/heads/main"],
    repository_id=123,
    job_workflow_refs=[DEPLOY_WF],
)
IDENTITIES: dict[str, Identity] = {
    "Reusable": REUSABLE,
    "Migrating": GitHubActions(
        owner="acme",
        repo="shop",
        branches=["main"],
        owner_id=11,
        repo_id=123,
        legacy_subject=True,
    ),
    "Enterprise": GitHubActions(
        owner="acme", repo="shop", branches=["main"], enterprise_slug="acme-corp"
    ),
    "Ghes": GitHubActions(owner="acme", repo="shop", tags=["v1"], host="ghe.example.com"),
    "Circle": CircleCI(organization_id=ORG, project_ids=[PROJECT]),
    "CircleUser": CircleCI(organization_id=ORG, project_ids=[PROJECT], user_ids=[OTHER]),
    "Bitbucket": BitbucketPipelines(
        workspace="acme", workspace_uuid="{" + WS_UUID + "}", repository_uuids=[PROJECT]
    ),
    "Buildkite": Buildkite(organization="acme", pipelines=["deploy"], branches=["main"]),
    "BuildkiteAny": Buildkite(organization="acme", pipelines=["deploy", "infra"]),
}


@pytest.fixture(scope="module")
def app_stack() -> tuple[cdk.Stack, dict[str, Any]]:
    stack = new_stack("Workload2026")
    for name, identity in IDENTITIES.items():
        WebIdentityRole(stack, name, identity=identity)
    return stack, synth(stack)  # synth() runs cfn-lint on the template


def conditions(app_stack: tuple[cdk.Stack, dict[str, Any]], name: str) -> list[Any]:
    stack, template = app_stack
    role = stack.node.find_child(name)
    logical = stack.get_logical_id(role.node.default_child)  # type: ignore[arg-type]
    statements = template["Resources"][logical]["Properties"]["AssumeRolePolicyDocument"]
    return [s["Condition"] for s in statements["Statement"]]


def test_github_provider_keys_are_rendered_in_addition_to_sub(app_stack: Any) -> None:
    assert conditions(app_stack, "Reusable") == [
        {
            "StringEquals": {
                f"{GH}:aud": "sts.amazonaws.com",
                f"{GH}:sub": "repo:acme/shop:environment:prod",
                f"{GH}:repository_id": "123",
                f"{GH}:job_workflow_ref": DEPLOY_WF,
                f"{GH}:ref": "refs/heads/main",
            }
        }
    ]


def test_legacy_subject_trusts_both_forms_and_leaves_an_info(app_stack: Any) -> None:
    assert conditions(app_stack, "Migrating") == [
        {
            "StringEquals": {
                f"{GH}:aud": "sts.amazonaws.com",
                f"{GH}:sub": [
                    "repo:acme@11/shop@123:ref:refs/heads/main",
                    "repo:acme/shop:ref:refs/heads/main",
                ],
            }
        }
    ]
    stack, _ = app_stack
    Annotations.from_stack(stack).has_info(
        "/Workload2026/Migrating", Match.string_like_regexp(".*migration.*IAMR-WI-017.*")
    )
    Annotations.from_stack(stack).has_no_warning(
        "/Workload2026/Migrating", Match.string_like_regexp(".*IAMR-WI-017.*")
    )


def test_enterprise_issuers(app_stack: Any) -> None:
    assert conditions(app_stack, "Enterprise") == [
        {
            "StringEquals": {
                f"{GH}/acme-corp:aud": "sts.amazonaws.com",
                f"{GH}/acme-corp:sub": "repo:acme/shop:ref:refs/heads/main",
            }
        }
    ]
    assert conditions(app_stack, "Ghes") == [
        {
            "StringEquals": {
                "ghe.example.com/_services/token:aud": "sts.amazonaws.com",
                "ghe.example.com/_services/token:sub": "repo:acme/shop:ref:refs/tags/v1",
            }
        }
    ]


def test_circleci_pins_the_project(app_stack: Any) -> None:
    prefix = f"oidc.circleci.com/org/{ORG}"
    assert conditions(app_stack, "Circle") == [
        {
            "StringEquals": {f"{prefix}:aud": ORG},
            "StringLike": {f"{prefix}:sub": f"org/{ORG}/project/{PROJECT}/user/*"},
        }
    ]
    assert conditions(app_stack, "CircleUser") == [
        {
            "StringEquals": {
                f"{prefix}:aud": ORG,
                f"{prefix}:sub": f"org/{ORG}/project/{PROJECT}/user/{OTHER}",
            }
        }
    ]


def test_bitbucket_pins_workspace_audience_and_repository(app_stack: Any) -> None:
    assert conditions(app_stack, "Bitbucket") == [
        {
            "StringEquals": {f"{BB}:aud": f"ari:cloud:bitbucket::workspace/{WS_UUID}"},
            "StringLike": {f"{BB}:sub": "{" + PROJECT + "}:*"},
        }
    ]


def test_buildkite_always_pins_organization_and_pipeline(app_stack: Any) -> None:
    assert conditions(app_stack, "Buildkite") == [
        {
            "StringEquals": {"agent.buildkite.com:aud": "sts.amazonaws.com"},
            "StringLike": {
                "agent.buildkite.com:sub": (
                    "organization:acme:pipeline:deploy:ref:refs/heads/main:commit:*:step:*"
                )
            },
        }
    ]
    assert conditions(app_stack, "BuildkiteAny")[0]["StringLike"] == {
        "agent.buildkite.com:sub": [
            "organization:acme:pipeline:deploy:*",
            "organization:acme:pipeline:infra:*",
        ]
    }


def test_snapshot(app_stack: Any, json_snapshot: SnapshotAssertion) -> None:
    _, template = app_stack
    assert template == json_snapshot


@pytest.mark.parametrize(
    ("identity", "rule_id"),
    [
        (GitHubActions(owner="a", repo="b", branches=["m"], repository_id="12a"), "IAMR-WI-016"),
        (GitHubActions(owner="a", repo="b", branches=["m"], repository_id="*"), "IAMR-WI-016"),
        (GitHubActions(owner="a", repo="b", branches=["m"], actor_ids=["1*"]), "IAMR-WI-016"),
        (GitHubActions(owner="a", repo="b", branches=["m"], refs=["main"]), "IAMR-WI-016"),
        (GitHubActions(owner="a", repo="b", branches=["m"], refs=["refs/heads/*"]), "IAMR-WI-016"),
        (
            GitHubActions(
                owner="a",
                repo="b",
                branches=["m"],
                job_workflow_refs=["acme/*/.github/workflows/d.yml@refs/heads/main"],
            ),
            "IAMR-OIDC-009",
        ),
        (
            GitHubActions(
                owner="a", repo="b", branches=["m"], job_workflow_refs=["acme/platform/deploy.yml"]
            ),
            "IAMR-WI-016",
        ),
        (GitHubActions(owner="a", repo="b", branches=["m"], legacy_subject=True), "IAMR-WI-012"),
        (
            GitHubActions(
                owner="a", repo="b", branches=["m"], repo_id=5, owner_id=1, repository_id=6
            ),
            "IAMR-WI-013",
        ),
        (
            GitHubActions(owner="a", repo="b", branches=["m"], enterprise_slug="Acme Corp"),
            "IAMR-WI-018",
        ),
        (
            GitHubActions(
                owner="a", repo="b", branches=["m"], host="ghe.example.com", repository_id=1
            ),
            "IAMR-OIDC-010",
        ),
        (
            GitHubActions(
                owner="a", repo="b", branches=["m"], host="h.example.com", enterprise_slug="x"
            ),
            "IAMR-WI-018",
        ),
        (CircleCI(organization_id="acme", project_ids=[PROJECT]), "IAMR-WI-019"),
        (CircleCI(organization_id=ORG, project_ids=[]), "IAMR-WI-019"),
        (CircleCI(organization_id=ORG, project_ids=["*"]), "IAMR-WI-019"),
        (CircleCI(organization_id=ORG, project_ids=[PROJECT], user_ids=["*"]), "IAMR-WI-019"),
        (
            BitbucketPipelines(workspace="acme", workspace_uuid=WS_UUID, repository_uuids=[]),
            "IAMR-WI-019",
        ),
        (
            BitbucketPipelines(workspace="acme", workspace_uuid="*", repository_uuids=[PROJECT]),
            "IAMR-WI-019",
        ),
        (
            BitbucketPipelines(workspace="a*", workspace_uuid=WS_UUID, repository_uuids=[PROJECT]),
            "IAMR-WI-003",
        ),
        (Buildkite(organization="", pipelines=["deploy"]), "IAMR-WI-019"),
        (Buildkite(organization="acme", pipelines=[]), "IAMR-WI-019"),
        (Buildkite(organization="acme", pipelines=["*"]), "IAMR-WI-019"),
        (Buildkite(organization="acme", pipelines=["deploy"], branches=["ma*"]), "IAMR-WI-005"),
    ],
)
def test_refusals_name_the_rule(identity: Identity, rule_id: str) -> None:
    stack = new_stack("Refused")
    with pytest.raises(RoleConfigError) as error:
        WebIdentityRole(stack, "Role", identity=identity)
    assert rule_id in error.value.rule_ids
    assert "Refused/Role" in str(error.value)


# --- hypothesis: bad input is a RoleConfigError with a rule ID ------------------------

_BAD_IDS = st.one_of(
    st.just("*"),
    st.just("0"),
    st.just("-1"),
    st.just("12 3"),
    st.text(max_size=6).filter(lambda t: not (t.isascii() and t.isdigit())),
)


@given(bad=_BAD_IDS, argument=st.sampled_from(["repository_id", "actor_ids"]))
def test_property_bad_numeric_ids_are_refused(bad: str, argument: str) -> None:
    value: Any = [bad] if argument == "actor_ids" else bad
    identity = GitHubActions(owner="acme", repo="shop", branches=["main"], **{argument: value})
    with pytest.raises(RoleConfigError) as error:
        identity.validate()
    assert set(error.value.rule_ids) <= {"IAMR-WI-016", "IAMR-ROLE-008"}
    assert error.value.rule_ids


@given(
    owner=st.from_regex(r"\A[a-z][a-z0-9]{0,8}\Z"),
    junk=st.sampled_from(["*", "?", "", "x", "@*", "/*"]),
)
def test_property_workflow_refs_with_wildcards_or_bad_shape_are_refused(
    owner: str, junk: str
) -> None:
    ref = f"{owner}/platform/.github/workflows/deploy.yml@refs/heads/main{junk}"
    identity = GitHubActions(owner="acme", repo="shop", branches=["main"], job_workflow_refs=[ref])
    if junk in ("", "x"):
        assert identity.problems() == []
    else:
        assert [p.rule_id for p in identity.problems()] == ["IAMR-WI-016"]


@settings(max_examples=8, deadline=None)
@given(
    repository_id=st.integers(min_value=1, max_value=10**9),
    env=st.from_regex(r"\A[a-z][a-z0-9-]{0,10}\Z"),
)
def test_property_good_input_synthesizes_lint_clean(repository_id: int, env: str) -> None:
    stack = new_stack()
    WebIdentityRole(
        stack,
        "Role",
        identity=GitHubActions(
            owner="acme",
            repo="shop",
            environments=[env],
            refs=["refs/heads/main"],
            repository_id=repository_id,
            job_workflow_refs=[DEPLOY_WF],
        ),
    )
    synth(stack)  # raises on any cfn-lint error


# --- intent ⇔ simulated decision ----------------------------------------------------


def _allowed(identity: Identity, context: dict[str, str]) -> bool:
    claims = identity.claims()
    provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{claims.key_prefix}"
    trust = {"Version": "2012-10-17", "Statement": trust_statements(claims, provider)}
    request = Request(provider, "sts:AssumeRoleWithWebIdentity", ROLE_ARN, context=context)
    return evaluate(request, PolicySet(resource=trust)).allowed


def _github_token(**overrides: str) -> dict[str, str]:
    token = {
        "aud": "sts.amazonaws.com",
        "sub": "repo:acme/shop:environment:prod",
        "repository_id": "123",
        "job_workflow_ref": DEPLOY_WF,
        "ref": "refs/heads/main",
    }
    token.update(overrides)
    return {f"{GH}:{key}": value for key, value in token.items()}


def test_the_intended_workflow_is_allowed() -> None:
    assert _allowed(REUSABLE, _github_token())


@pytest.mark.parametrize(
    "overrides",
    [
        {"sub": "repo:acme/other:environment:prod", "repository_id": "999"},  # another repo
        {"repository_id": "999"},  # renamed / re-created repository with the old name
        {"job_workflow_ref": "acme/shop/.github/workflows/deploy.yml@refs/heads/main"},
        {"job_workflow_ref": "acme/platform/.github/workflows/deploy.yml@refs/heads/dev"},
        {"sub": "repo:acme/shop:environment:staging"},  # another environment
        {"ref": "refs/heads/feature"},  # prod environment, but from another branch
    ],
)
def test_every_neighbour_is_denied(overrides: dict[str, str]) -> None:
    assert not _allowed(REUSABLE, _github_token(**overrides))


def test_a_token_without_the_provider_key_is_denied() -> None:
    context = _github_token()
    del context[f"{GH}:job_workflow_ref"]
    assert not _allowed(REUSABLE, context)


@given(
    project=st.uuids().map(str),
    user=st.uuids().map(str),
)
def test_property_circleci_admits_its_project_only(project: str, user: str) -> None:
    identity = CircleCI(organization_id=ORG, project_ids=[PROJECT])
    prefix = f"oidc.circleci.com/org/{ORG}"

    def token(prj: str) -> dict[str, str]:
        return {f"{prefix}:aud": ORG, f"{prefix}:sub": f"org/{ORG}/project/{prj}/user/{user}"}

    assert _allowed(identity, token(PROJECT))
    if project != PROJECT:
        assert not _allowed(identity, token(project))


@given(pipeline=st.from_regex(r"\A[a-z][a-z0-9-]{0,12}\Z"), org=st.sampled_from(["acme", "evil"]))
def test_property_buildkite_admits_its_org_and_pipeline_only(pipeline: str, org: str) -> None:
    identity = Buildkite(organization="acme", pipelines=["deploy"], branches=["main"])
    sub = f"organization:{org}:pipeline:{pipeline}:ref:refs/heads/main:commit:abc:step:s1"
    context = {"agent.buildkite.com:aud": "sts.amazonaws.com", "agent.buildkite.com:sub": sub}
    assert _allowed(identity, context) is (org == "acme" and pipeline == "deploy")


@given(repo=st.uuids().map(str), step=st.uuids().map(str))
def test_property_bitbucket_admits_its_repository_only(repo: str, step: str) -> None:
    identity = BitbucketPipelines(
        workspace="acme", workspace_uuid=WS_UUID, repository_uuids=[PROJECT]
    )
    aud = f"ari:cloud:bitbucket::workspace/{WS_UUID}"

    def token(r: str) -> dict[str, str]:
        return {f"{BB}:aud": aud, f"{BB}:sub": f"{{{r}}}:{{{step}}}"}

    assert _allowed(identity, token(PROJECT))
    if repo != PROJECT:
        assert not _allowed(identity, token(repo))
