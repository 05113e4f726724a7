"""The catalog describes the 2026 workload identities in words (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest

from cdk_iam_roles.catalog._words import describe_statement
from cdk_iam_roles.catalog.model import infer_pattern
from cdk_iam_roles.trust.identities import (
    BitbucketPipelines,
    Buildkite,
    CircleCI,
    GitHubActions,
    Identity,
    trust_statements,
)
from cdk_iam_roles.trust.roles_anywhere import roles_anywhere_statement

ORG = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
PRJ = "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"
ANCHOR = "arn:aws:rolesanywhere:us-east-1:111111111111:trust-anchor/" + ORG


def words(identity: Identity) -> str:
    claims = identity.claims()
    arn = f"arn:aws:iam::111111111111:oidc-provider/{claims.key_prefix}"
    (statement,) = trust_statements(claims, arn)
    (assumer,) = describe_statement(statement, {})
    assert infer_pattern([assumer]) == "WebIdentityRole"
    return assumer.words


@pytest.mark.parametrize(
    ("identity", "expected"),
    [
        (
            GitHubActions(
                owner="acme",
                repo="shop",
                environments=["prod"],
                refs=["refs/heads/main"],
                repository_id=123,
                job_workflow_refs=["acme/platform/.github/workflows/deploy.yml@refs/heads/main"],
            ),
            "GitHub Actions, repository acme/shop (ID 123), environment prod from main, "
            "through acme/platform deploy.yml",
        ),
        (
            GitHubActions(owner="acme", repo="shop", branches=["main"], actor_ids=[42]),
            "GitHub Actions, repository acme/shop, branch main, started by account ID 42",
        ),
        (
            CircleCI(organization_id=ORG, project_ids=[PRJ]),
            f"CircleCI organization {ORG}, project {PRJ} (any user)",
        ),
        (
            BitbucketPipelines(workspace="acme", workspace_uuid=ORG, repository_uuids=[PRJ]),
            f"Bitbucket Pipelines workspace acme, repository {PRJ}",
        ),
        (
            Buildkite(organization="acme", pipelines=["deploy"], branches=["main"]),
            "Buildkite, pipeline acme/deploy (branch main)",
        ),
    ],
)
def test_identity_in_words(identity: Identity, expected: str) -> None:
    assert words(identity) == expected


def test_roles_anywhere_in_words_and_pattern() -> None:
    statement: Any = roles_anywhere_statement([ANCHOR], {"CN": "build-01"}, {}, {})
    (assumer,) = describe_statement(statement, {})
    assert (
        assumer.words
        == f"IAM Roles Anywhere: certificates from trust anchor {ORG} with CN build-01"
    )
    assert infer_pattern([assumer]) == "RolesAnywhereRole"


def test_roles_anywhere_without_pins_is_hand_written() -> None:
    statement: Any = roles_anywhere_statement([ANCHOR], {}, {}, {})
    (assumer,) = describe_statement(statement, {})
    assert assumer.words.endswith("any certificate")
    assert infer_pattern([assumer]) == "hand-written"
