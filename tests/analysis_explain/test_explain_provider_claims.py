"""explain takes GitHub's provider claim keys as --claim and names them in causes (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest

from cdk_iam_roles.analysis.assembly import find_role, load_app
from cdk_iam_roles.analysis.explain import Caller, explain_assume
from cdk_iam_roles.trust.identities import GitHubActions, trust_statements

GH = "token.actions.githubusercontent.com"
PROVIDER = f"arn:aws:iam::111111111111:oidc-provider/{GH}"
WORKFLOW = "acme/platform/.github/workflows/deploy.yml@refs/heads/main"
IDENTITY = GitHubActions(
    owner="acme",
    repo="shop",
    environments=["prod"],
    refs=["refs/heads/main"],
    repository_id=123,
    job_workflow_refs=[WORKFLOW],
)


def _app() -> Any:
    statements = trust_statements(IDENTITY.claims(), PROVIDER)
    tpl = {
        "Resources": {
            "Deploy": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": "deploy",
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": statements},
                },
            }
        }
    }
    return load_app(tpl, account="111111111111", region="eu-west-1")


CLAIMS = {
    "sub": "repo:acme/shop:environment:prod",
    "aud": "sts.amazonaws.com",
    "repository_id": "123",
    "job_workflow_ref": WORKFLOW,
    "ref": "refs/heads/main",
}


def _explain(**overrides: str) -> Any:
    app = _app()
    claims = {**CLAIMS, **overrides}
    return explain_assume(app, find_role(app, "deploy"), Caller(PROVIDER, claims=claims))


def test_the_pinned_workflow_is_allowed() -> None:
    assert _explain().allowed


@pytest.mark.parametrize(
    ("claim", "value", "code", "words"),
    [
        (
            "job_workflow_ref",
            "acme/shop/.github/workflows/deploy.yml@refs/heads/main",
            "oidc-job-workflow-ref-wrong",
            "the workflow that ran is not the pinned reusable workflow",
        ),
        ("repository_id", "999", "oidc-repository-id-wrong", "not the pinned one"),
        ("ref", "refs/heads/feature", "oidc-ref-wrong", "another git ref"),
    ],
)
def test_each_provider_key_is_named_in_the_cause(
    claim: str, value: str, code: str, words: str
) -> None:
    result = _explain(**{claim: value})
    assert not result.allowed
    (cause,) = [c for c in result.causes if c.code == code]
    assert words in cause.message
    assert f"{GH}:{claim}" in cause.message


def test_roles_anywhere_certificate_cause() -> None:
    from cdk_iam_roles.trust.roles_anywhere import roles_anywhere_statement

    anchor = "arn:aws:rolesanywhere:eu-west-1:111111111111:trust-anchor/" + (
        "0f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b"
    )
    statement = roles_anywhere_statement([anchor], {"CN": "build-01"}, {}, {})
    tpl = {
        "Resources": {
            "Builder": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": "builder",
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [statement]},
                },
            }
        }
    }
    app = load_app(tpl, account="111111111111", region="eu-west-1")
    context = {"aws:SourceArn": anchor, "aws:PrincipalTag/x509Subject/CN": "build-02"}
    result = explain_assume(
        app, find_role(app, "builder"), Caller("rolesanywhere.amazonaws.com", context=context)
    )
    assert not result.allowed
    (cause,) = [c for c in result.causes if c.code == "certificate-wrong"]
    assert "x509Subject/CN is 'build-02'" in cause.message
    ok = explain_assume(
        app,
        find_role(app, "builder"),
        Caller(
            "rolesanywhere.amazonaws.com",
            context={**context, "aws:PrincipalTag/x509Subject/CN": "build-01"},
        ),
    )
    assert ok.allowed
