"""IAMR-RA-002: a Roles Anywhere trust pins the certificate (subject, issuer or SAN)."""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules.checks.roles_anywhere_source_arn_pinned import (
    roles_anywhere_statements,
)
from cdk_iam_roles.rules.construct.roles_anywhere import CERTIFICATE_UNPINNED
from cdk_iam_roles.rules.model import Finding, TemplateRule
from cdk_iam_roles.rules.view import (
    TemplateView,
    condition_entries,
    condition_unresolved,
    statement_label,
)
from cdk_iam_roles.trust.roles_anywhere import CERTIFICATE_TAG_PREFIXES

INFO = CERTIFICATE_UNPINNED
_POSITIVE = frozenset({"stringequals", "stringlike", "stringequalsignorecase"})
_PREFIXES = tuple(p.lower() for p in CERTIFICATE_TAG_PREFIXES)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each Roles Anywhere statement without a positive certificate-attribute condition."""
    for role, index, statement in roles_anywhere_statements(view):
        if condition_unresolved(statement):
            continue
        if any(
            e.key_lower.startswith(_PREFIXES)
            and e.base in _POSITIVE
            and not e.if_exists
            and e.qualifier != "forallvalues"
            and e.values
            and not any(v == "*" for v in e.values)
            for e in condition_entries(statement)
        ):
            continue
        yield view.finding(
            INFO,
            role.logical_id,
            f"trust policy {statement_label(statement, index)} trusts IAM Roles Anywhere "
            "without a condition on the certificate (aws:PrincipalTag/x509Subject/…, "
            "x509Issuer/… or x509SAN/…): every certificate of the anchors' CAs is accepted",
        )


RULE = TemplateRule(INFO, check)
