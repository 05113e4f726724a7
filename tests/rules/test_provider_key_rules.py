"""The 2026 provider-key rules judge templates and constructors alike (IAMR-OIDC-008/9/10)."""

from __future__ import annotations

from typing import Any

import pytest
from rule_templates import ACCOUNT, findings, role, statement, template

from cdk_iam_roles.trust.identities import GenericOidc, GitHubActions

GITLAB = "gitlab.com"
RULES = {"IAMR-OIDC-008", "IAMR-OIDC-009", "IAMR-OIDC-010"}


def gitlab_trust(extra: dict[str, Any]) -> dict[str, Any]:
    condition = {
        "StringEquals": {
            f"{GITLAB}:aud": "https://gitlab.com",
            f"{GITLAB}:sub": "project_path:acme/app:ref_type:branch:ref:main",
        },
        **extra,
    }
    provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITLAB}"
    return template(
        Gl=role(statement({"Federated": provider}, "sts:AssumeRoleWithWebIdentity", condition))
    )


def ids(tpl: dict[str, Any]) -> set[str]:
    return {f.rule_id for f in findings(tpl)} & RULES


def test_a_github_key_under_gitlab_is_never_sent() -> None:
    tpl = gitlab_trust({"StringNotEquals": {f"{GITLAB}:repository_id": "1"}})
    assert ids(tpl) == {"IAMR-OIDC-010"}


def test_generic_oidc_refuses_what_the_template_rules_refuse() -> None:
    # The same trust, built by GenericOidc, is refused at construction with the same IDs.
    bad_key = GenericOidc(
        issuer=f"https://{GITLAB}",
        audiences=["https://gitlab.com"],
        subjects=["project_path:acme/app:ref_type:branch:ref:main"],
        extra_conditions={"StringEquals": {f"{GITLAB}:job_workflow_ref": "x"}},
    )
    assert [p.rule_id for p in bad_key.problems()] == ["IAMR-OIDC-010"]
    for_all = GenericOidc(
        issuer="https://auth.example.com",
        audiences=["api"],
        subjects=["svc:deploy"],
        extra_conditions={"ForAllValues:StringEquals": {"auth.example.com:groups": "x"}},
    )
    assert [p.rule_id for p in for_all.problems()] == ["IAMR-OIDC-008"]
    tpl = gitlab_trust({"ForAllValues:StringEquals": {f"{GITLAB}:groups": "x"}})
    assert ids(tpl) == {"IAMR-OIDC-008"}


@pytest.mark.parametrize(
    ("pattern", "escapes"),
    [
        ("*", True),
        ("*/.github/workflows/deploy.yml@refs/heads/main", True),
        ("acme/*/.github/workflows/deploy.yml@refs/heads/main", True),
        ("acme/platform*/.github/workflows/deploy.yml@*", True),
        ("acme/platform/.github/workflows/*", False),
        ("acme/platform/.github/workflows/deploy.yml@refs/tags/*", False),
    ],
)
def test_workflow_ref_globs(pattern: str, escapes: bool) -> None:
    gh = "token.actions.githubusercontent.com"
    tpl = template(
        Gh=role(
            statement(
                {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{gh}"},
                "sts:AssumeRoleWithWebIdentity",
                {
                    "StringEquals": {
                        f"{gh}:aud": "sts.amazonaws.com",
                        f"{gh}:sub": "repo:acme/shop:ref:refs/heads/main",
                    },
                    "StringLike": {f"{gh}:job_workflow_ref": pattern},
                },
            )
        )
    )
    assert ("IAMR-OIDC-009" in ids(tpl)) is escapes
    built = GitHubActions(owner="acme", repo="shop", branches=["main"], job_workflow_refs=[pattern])
    built_ids = [p.rule_id for p in built.problems()]
    # The constructor refuses every wildcard (StringEquals), with the template's ID when
    # the glob reaches another repository.
    assert built_ids == (["IAMR-OIDC-009"] if escapes else ["IAMR-WI-016"])


def test_github_enterprise_host_with_provider_keys_is_the_template_rule() -> None:
    gh = GitHubActions(
        owner="acme", repo="shop", branches=["main"], host="ghe.example.com", repository_id=1
    )
    assert [p.rule_id for p in gh.problems()] == ["IAMR-OIDC-010"]
