"""Raw CloudFormation templates for the rule tests (no CDK involved)."""

from __future__ import annotations

from typing import Any

from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.rules import Finding, check_stack
from cdk_iam_roles.rules.view import RuleSettings

ACCOUNT = "111111111111"
GITHUB = "token.actions.githubusercontent.com"
GITHUB_PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITHUB}"
SAML_PROVIDER = f"arn:aws:iam::{ACCOUNT}:saml-provider/Corp"


def statement(
    principal: Any,
    action: Any = "sts:AssumeRole",
    condition: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An Allow trust statement."""
    out: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        out["Condition"] = condition
    out.update(extra)
    return out


def role(*statements: dict[str, Any], **properties: Any) -> dict[str, Any]:
    """An ``AWS::IAM::Role`` resource with these trust statements."""
    props: dict[str, Any] = {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": list(statements)}
    }
    props.update(properties)
    return {"Type": "AWS::IAM::Role", "Properties": props}


def template(**resources: dict[str, Any]) -> dict[str, Any]:
    """A template with these resources (and one parameter, ``Unknown``)."""
    return {"Parameters": {"Unknown": {"Type": "String"}}, "Resources": resources}


def findings(
    tpl: dict[str, Any], rule_id: str | None = None, settings: RuleSettings | None = None
) -> list[Finding]:
    """Findings on a raw template (of one rule when ``rule_id`` is given)."""
    stack = StackTemplate.from_template(tpl, name="Raw", account=ACCOUNT, region="us-east-1")
    found = check_stack(stack, settings=settings)
    return [f for f in found if rule_id is None or f.rule_id == rule_id]


def github_trust(condition: dict[str, Any] | None) -> dict[str, Any]:
    """A template whose one role trusts GitHub's OIDC provider with ``condition``."""
    return template(
        Gh=role(
            statement({"Federated": GITHUB_PROVIDER}, "sts:AssumeRoleWithWebIdentity", condition)
        )
    )


GOOD_GITHUB = {
    "StringEquals": {
        f"{GITHUB}:aud": "sts.amazonaws.com",
        f"{GITHUB}:sub": "repo:acme/app:ref:refs/heads/main",
    }
}


RA_ANCHOR = (
    f"arn:aws:rolesanywhere:us-east-1:{ACCOUNT}:trust-anchor/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
)
RA_ACTIONS = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]


def roles_anywhere_trust(condition: dict[str, Any] | None) -> dict[str, Any]:
    """A template whose one role trusts IAM Roles Anywhere with ``condition``."""
    return template(
        Ra=role(statement({"Service": "rolesanywhere.amazonaws.com"}, RA_ACTIONS, condition))
    )


GOOD_ROLES_ANYWHERE = {
    "ArnEquals": {"aws:SourceArn": RA_ANCHOR},
    "StringEquals": {"aws:PrincipalTag/x509Subject/CN": "build-01"},
}
