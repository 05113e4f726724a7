"""IAMR-OIDC-009: a ``job_workflow_ref`` pattern stays inside one repository.

GitHub's ``job_workflow_ref`` is ``OWNER/REPO/.github/workflows/FILE@REF``. A pattern such
as ``acme/*/.github/workflows/deploy.yml@*`` or ``*deploy.yml@*`` lets a workflow of
another repository (anyone's, for a leading wildcard) stand in for the reusable workflow
the trust meant to require.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules._trust import web_identity_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, condition_entries, statement_label
from cdk_iam_roles.trust.provider_keys import workflow_ref_pattern_issue

INFO = RuleInfo(
    id="IAMR-OIDC-009",
    severity=Severity.ERROR,
    what=("A job_workflow_ref pattern has a wildcard before OWNER/REPO/.github/workflows/ ends."),
    why=(
        "IAM's '*' matches any characters, '/' included: the pattern then matches the "
        "workflows of other repositories, which anyone who controls them can run."
    ),
    fix=(
        "Name the repository exactly: OWNER/REPO/.github/workflows/FILE@REF "
        "(GitHubActions(job_workflow_refs=[...]) renders exact values)."
    ),
    doc="https://docs.github.com/en/actions/reference/security/oidc",
    scopes=frozenset({Scope.TEMPLATE, Scope.CONSTRUCT}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each pattern on ``…:job_workflow_ref`` under a ``…StringLike`` operator that escapes."""
    for item in web_identity_statements(view):
        for entry in condition_entries(item.statement):
            if not entry.key_lower.endswith(":job_workflow_ref") or entry.base != "stringlike":
                continue
            for value in entry.values:
                if not isinstance(value, str):
                    continue
                reason = workflow_ref_pattern_issue(value)
                if reason is not None:
                    yield view.finding(
                        INFO,
                        item.role.logical_id,
                        f"trust policy {statement_label(item.statement, item.index)}: "
                        f"{entry.key} pattern {value!r}: {reason}",
                    )


RULE = TemplateRule(INFO, check)
