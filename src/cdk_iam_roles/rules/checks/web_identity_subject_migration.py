"""IAMR-OIDC-011: a GitHub trust accepts both subject forms of one repository (info).

During the move to GitHub's immutable subject (``repo:OWNER@ID/REPO@ID:…``, the default
for repositories created, renamed or transferred since July 2026) a role may trust the
name-based form too (``GitHubActions(legacy_subject=True)``). That is a migration in
progress: the name-based form still matches a repository that later takes the name.
https://docs.github.com/en/actions/reference/security/oidc
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cdk_iam_roles.rules._trust import pinning_entries, web_identity_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, statement_label

INFO = RuleInfo(
    id="IAMR-OIDC-011",
    severity=Severity.INFO,
    what=(
        "A GitHub trust accepts the name-based and the immutable subject of the same "
        "repository (a migration to immutable subjects in progress)."
    ),
    why=(
        "The name-based subject matches any repository that later takes the name; it is "
        "meant to stay only until the workflows present the immutable subject."
    ),
    fix=(
        "Drop the name-based subject (GitHubActions: legacy_subject=False) once the "
        "repository's tokens carry repo:OWNER@ID/REPO@ID."
    ),
    doc="https://docs.github.com/en/actions/reference/security/oidc",
    scopes=frozenset({Scope.TEMPLATE}),
)

_IMMUTABLE = re.compile(r"repo:([^:@/]+)@\d+/([^:@/]+)@\d+:")
_NAMED = re.compile(r"repo:([^:@/]+)/([^:@/]+):")


def check(view: TemplateView) -> Iterator[Finding]:
    """Each GitHub web-identity statement that pins both forms for one repository."""
    for item in web_identity_statements(view):
        if item.issuer is None or not item.issuer.startswith("token.actions.githubusercontent.com"):
            continue
        values = [
            v
            for e in pinning_entries(item.entries_for("sub"))
            for v in e.values
            if isinstance(v, str)
        ]
        immutable = {m.groups() for v in values if (m := _IMMUTABLE.match(v))}
        named = {m.groups() for v in values if (m := _NAMED.match(v))}
        for owner, repo in sorted(immutable & named):
            yield view.finding(
                INFO,
                item.role.logical_id,
                f"trust policy {statement_label(item.statement, item.index)}: migration to "
                f"immutable subjects in progress for {owner}/{repo}: both repo:{owner}/{repo}:… "
                f"and repo:{owner}@ID/{repo}@ID:… are accepted",
            )


RULE = TemplateRule(INFO, check)
