"""IAMR-OIDC-001: a web-identity trust pins the token's audience (``aud``).

Without a condition on the audience, a token that the same issuer minted for any other
client (another app, another AWS account's GitHub workflow) is accepted.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules._trust import pinning_entries, web_identity_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, condition_unresolved, statement_label

INFO = RuleInfo(
    id="IAMR-OIDC-001",
    severity=Severity.ERROR,
    what="A trust policy for an OIDC identity provider has no condition on the aud claim.",
    why=(
        "IAM then accepts a token the issuer minted for any audience, so another client of "
        "the same issuer (another organization's CI, another app) can assume the role."
    ),
    fix=(
        "Add StringEquals ISSUER:aud = the client ID (sts.amazonaws.com for GitHub and EKS), "
        "e.g. with WebIdentityRole."
    ),
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html",
    scopes=frozenset({Scope.TEMPLATE}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each web-identity statement without a positive condition on the audience key."""
    for item in web_identity_statements(view):
        if item.is_cognito or condition_unresolved(item.statement):
            continue  # Cognito: IAMR-OIDC-006; an unresolved block: IAMR-TRUST-004
        if pinning_entries(item.entries_for("aud")):
            continue
        key = item.audience_key or "ISSUER:aud"
        yield view.finding(
            INFO,
            item.role.logical_id,
            f"trust policy {statement_label(item.statement, item.index)} accepts web "
            f"identities without a condition on {key}",
        )


RULE = TemplateRule(INFO, check)
