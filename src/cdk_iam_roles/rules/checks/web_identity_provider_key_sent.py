"""IAMR-OIDC-010: a provider claim key is used only with an issuer that sends it.

AWS STS evaluates provider-specific keys (``repository_id``, ``job_workflow_ref`` …) for
the issuers it lists in "Available keys for OIDC federation"; under another issuer the
key is absent, so a positive condition never matches (the role cannot be assumed) and a
negated, ``…IfExists`` or ``ForAllValues:`` one always does (it pins nothing).
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules._trust import web_identity_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, condition_entries, statement_label
from cdk_iam_roles.trust.provider_keys import provider_key_issue

INFO = RuleInfo(
    id="IAMR-OIDC-010",
    severity=Severity.ERROR,
    what="A web-identity trust uses a provider claim key that AWS STS does not evaluate for "
    "the statement's issuer.",
    why=(
        "The key is never in the request: a positive condition on it never matches and the "
        "role cannot be assumed; a negated or IfExists one pins nothing."
    ),
    fix=(
        "Use the keys AWS lists for that issuer (GitHub: actor, actor_id, job_workflow_ref, "
        "repository, repository_id, workflow, ref, environment, enterprise_id), or pin by sub."
    ),
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_iam-condition-keys.html#condition-keys-wif"
    ),
    scopes=frozenset({Scope.TEMPLATE, Scope.CONSTRUCT}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each condition on ``ISSUER:claim`` that the statement's issuer never sends."""
    for item in web_identity_statements(view):
        if item.issuer is None or item.is_cognito:
            continue
        prefix = item.issuer.lower() + ":"
        for entry in condition_entries(item.statement):
            if not entry.key_lower.startswith(prefix):
                continue
            reason = provider_key_issue(item.issuer, entry.key[len(prefix) :])
            if reason is not None:
                yield view.finding(
                    INFO,
                    item.role.logical_id,
                    f"trust policy {statement_label(item.statement, item.index)}: "
                    f"{entry.key}: {reason}",
                )


RULE = TemplateRule(INFO, check)
