"""IAMR-OIDC-003: a wildcard in a web-identity subject stops at a ``:`` or ``/`` boundary.

``StringLike`` on the subject with ``*``, ``repo:*`` or a pattern such as
``repo:org/app*`` matches far more than intended: every repository on GitHub, or the
neighbour repository ``org/app-evil``. A wildcard right after ``/`` or ``:`` keeps the
match inside one owner, repository or branch namespace.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules._trust import web_identity_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, statement_label
from cdk_iam_roles.trust.subjects import SubjectIssueKind, subject_pattern_issue

INFO = RuleInfo(
    id="IAMR-OIDC-003",
    severity=Severity.ERROR,
    what=(
        "A web-identity subject pattern is '*', a bare claim type such as 'repo:*', or has a "
        "wildcard that does not follow ':' or '/'."
    ),
    why=(
        "StringLike then matches subjects of other owners or neighbouring repositories "
        "('repo:org/app*' also matches 'repo:org/app-evil'), letting their workflows in."
    ),
    fix=(
        "Spell the subject exactly, or put the wildcard right after a '/' or ':' "
        "(repo:OWNER/REPO:ref:refs/heads/release/*)."
    ),
    doc=(
        "https://docs.github.com/en/actions/security-for-github-actions/"
        "security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services"
    ),
    scopes=frozenset({Scope.TEMPLATE, Scope.CONSTRUCT}),
)

# The kinds this rule reports; a wildcard in place of an immutable ID is IAMR-OIDC-007's.
KINDS = frozenset(
    {
        SubjectIssueKind.MATCHES_EVERYTHING,
        SubjectIssueKind.ANY_OWNER,
        SubjectIssueKind.NEIGHBOUR_GLOB,
    }
)


def unbounded_reason(pattern: str) -> str | None:
    """Why a StringLike subject pattern is too broad for this rule, or ``None``.

    The judgement is :func:`cdk_iam_roles.trust.subjects.subject_pattern_issue`, the one
    the identity classes also call at construction.

    Example:
        >>> unbounded_reason("repo:org/app*"), unbounded_reason("repo:org/app:*")
        ("the wildcard at position 12 does not follow ':' or '/'", None)
    """
    issue = subject_pattern_issue(pattern)
    return issue.reason if issue is not None and issue.kind in KINDS else None


def check(view: TemplateView) -> Iterator[Finding]:
    """Each subject pattern under a ``…StringLike`` operator that is not bounded."""
    for item in web_identity_statements(view):
        for entry in item.entries_for("sub"):
            if entry.base != "stringlike":
                continue  # wildcards under StringEquals: IAMR-OIDC-005
            for value in entry.values:
                if not isinstance(value, str):
                    continue  # an unknown value is not judged
                reason = unbounded_reason(value)
                if reason is not None:
                    yield view.finding(
                        INFO,
                        item.role.logical_id,
                        f"trust policy {statement_label(item.statement, item.index)}: "
                        f"{entry.key} pattern {value!r} is too broad ({reason})",
                    )


RULE = TemplateRule(INFO, check)
