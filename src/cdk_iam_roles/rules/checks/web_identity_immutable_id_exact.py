"""IAMR-OIDC-007: an immutable OIDC subject names its IDs, never ``@*``.

GitHub's immutable subject ``repo:OWNER@OWNER_ID/REPO@REPO_ID:…`` exists so that a
deleted and re-created, renamed or transferred repository of the same name no longer
matches. ``repo:acme@*/app@*`` puts a wildcard where the IDs go and matches every
repository that ever carried the name, which is what the name-based form already did.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules._trust import web_identity_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, statement_label
from cdk_iam_roles.trust.subjects import SubjectIssueKind, subject_pattern_issue

INFO = RuleInfo(
    id="IAMR-OIDC-007",
    severity=Severity.ERROR,
    what="A web-identity subject pattern has a wildcard in place of an immutable ID ('@*').",
    why=(
        "The immutable subject repo:OWNER@ID/REPO@ID pins the repository by GitHub's numeric "
        "IDs; '@*' matches any repository that carries (or once carried) the name, including "
        "one re-created by someone else after a rename or deletion."
    ),
    fix=(
        "Write the numeric IDs (GitHubActions(owner_id=..., repo_id=...)), or use the "
        "name-based subject plus repository_id=... during a migration."
    ),
    doc="https://docs.github.com/en/actions/reference/security/oidc",
    scopes=frozenset({Scope.TEMPLATE, Scope.CONSTRUCT}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each subject pattern under a ``…StringLike`` operator with ``@*``."""
    for item in web_identity_statements(view):
        for entry in item.entries_for("sub"):
            if entry.base != "stringlike":
                continue  # wildcards under StringEquals: IAMR-OIDC-005
            for value in entry.values:
                if not isinstance(value, str):
                    continue
                issue = subject_pattern_issue(value)
                if issue is not None and issue.kind is SubjectIssueKind.IMMUTABLE_ID_WILDCARD:
                    yield view.finding(
                        INFO,
                        item.role.logical_id,
                        f"trust policy {statement_label(item.statement, item.index)}: "
                        f"{entry.key} pattern {value!r} pins nothing ({issue.reason})",
                    )


RULE = TemplateRule(INFO, check)
