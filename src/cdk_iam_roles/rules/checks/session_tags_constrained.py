"""IAMR-TAG-001: a trust statement that allows ``sts:TagSession`` constrains the tags (warning).

Session tags become principal tags (``aws:PrincipalTag/…``) of the session. When other
policies use them for attribute-based access control, a caller who may set any tag can
grant itself access. ``aws:TagKeys`` / ``aws:RequestTag/…`` conditions limit which tags
the caller may pass. Only ``AssumeRole`` callers (``AWS`` principals) choose their own
tags: service principals (EKS Pod Identity, for instance) and federated principals,
whose tags come from the identity provider's signed assertion or token, are exempt.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules._trust import PrincipalKind, allow_statements, principal_kinds
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import (
    TemplateView,
    condition_entries,
    condition_unresolved,
    lower_actions,
    statement_label,
)

INFO = RuleInfo(
    id="IAMR-TAG-001",
    severity=Severity.WARNING,
    what=(
        "A trust statement allows sts:TagSession to IAM principals (AWS) without a "
        "condition on aws:TagKeys or aws:RequestTag/*."
    ),
    why=(
        "The caller may then pass any session tag, and tags become aws:PrincipalTag values "
        "that ABAC policies trust."
    ),
    fix=(
        "Add ForAllValues:StringEquals aws:TagKeys = the tag keys you expect, and "
        "StringEquals/StringLike aws:RequestTag/KEY for their values."
    ),
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required",
    scopes=frozenset({Scope.TEMPLATE}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each Allow trust statement with ``sts:TagSession`` and no tag condition."""
    for role in view.roles:
        for index, statement in allow_statements(role):
            if "sts:tagsession" not in lower_actions(statement):
                continue
            kinds = principal_kinds(view, statement)
            if PrincipalKind.AWS not in kinds or condition_unresolved(statement):
                continue  # services and identity providers set the tags themselves
            keys = {e.key_lower for e in condition_entries(statement)}
            if "aws:tagkeys" in keys or any(k.startswith("aws:requesttag/") for k in keys):
                continue
            yield view.finding(
                INFO,
                role.logical_id,
                f"trust policy {statement_label(statement, index)} allows sts:TagSession "
                "with no condition on aws:TagKeys or aws:RequestTag/*",
            )


RULE = TemplateRule(INFO, check)
