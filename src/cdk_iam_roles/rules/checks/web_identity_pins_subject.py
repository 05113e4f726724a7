"""IAMR-OIDC-002: a web-identity trust pins the token's subject (``sub``).

For a shared issuer such as GitHub Actions (``token.actions.githubusercontent.com``),
GitLab (``gitlab.com``) or an EKS cluster (``oidc.eks.REGION.amazonaws.com/id/ID``), the
audience is the same for every customer; only the subject says which repository,
project or service account is calling.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules._trust import pinning_entries, web_identity_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, condition_unresolved, statement_label

INFO = RuleInfo(
    id="IAMR-OIDC-002",
    severity=Severity.ERROR,
    what="A trust policy for an OIDC identity provider has no condition on the sub claim.",
    why=(
        "The audience of a shared issuer is the same for everyone: GitHub's is "
        "sts.amazonaws.com for every repository on GitHub, so without a subject condition "
        "any workflow of any repository (or any pod of the cluster) can assume the role."
    ),
    fix=(
        "Add StringEquals (or StringLike with a bounded pattern) on ISSUER:sub, e.g. "
        "repo:OWNER/REPO:ref:refs/heads/main; WebIdentityRole renders it from typed inputs."
    ),
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub"
    ),
    scopes=frozenset({Scope.TEMPLATE}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each web-identity statement (Cognito excepted) without a condition on the subject."""
    for item in web_identity_statements(view):
        if item.is_cognito or condition_unresolved(item.statement):
            continue
        if pinning_entries(item.entries_for("sub")):
            continue
        key = item.subject_key or "ISSUER:sub"
        yield view.finding(
            INFO,
            item.role.logical_id,
            f"trust policy {statement_label(item.statement, item.index)} accepts any subject "
            f"of its issuer (no condition on {key})",
        )


RULE = TemplateRule(INFO, check)
