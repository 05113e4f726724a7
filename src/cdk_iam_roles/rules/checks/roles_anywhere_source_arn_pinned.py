"""IAMR-RA-001: a Roles Anywhere trust pins its trust anchors with ``aws:SourceArn``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cdk_iam_roles.rules._trust import allow_statements
from cdk_iam_roles.rules.construct.roles_anywhere import SOURCE_ARN_MISSING
from cdk_iam_roles.rules.model import Finding, TemplateRule
from cdk_iam_roles.rules.view import (
    RoleView,
    TemplateView,
    as_list,
    condition_entries,
    condition_unresolved,
    statement_label,
)
from cdk_iam_roles.trust.roles_anywhere import ROLES_ANYWHERE_PRINCIPAL

INFO = SOURCE_ARN_MISSING
_POSITIVE = frozenset({"arnequals", "arnlike", "stringequals", "stringlike"})


def roles_anywhere_statements(
    view: TemplateView,
) -> Iterator[tuple[RoleView, int, Mapping[str, Any]]]:
    """Each Allow trust statement of each role that names Roles Anywhere's service."""
    for role in view.roles:
        for index, statement in allow_statements(role):
            principal = statement.get("Principal")
            services = as_list(principal.get("Service")) if isinstance(principal, Mapping) else []
            if any(isinstance(s, str) and s.lower() == ROLES_ANYWHERE_PRINCIPAL for s in services):
                yield role, index, statement


def check(view: TemplateView) -> Iterator[Finding]:
    """Each such statement without an exact ``aws:SourceArn`` pin."""
    for role, index, statement in roles_anywhere_statements(view):
        if condition_unresolved(statement):
            continue
        pins = [
            e
            for e in condition_entries(statement)
            if e.key_lower == "aws:sourcearn"
            and e.base in _POSITIVE
            and not e.if_exists
            and not e.qualifier
            and e.values
        ]
        broad = [v for e in pins for v in e.values if isinstance(v, str) and ("*" in v or "?" in v)]
        if pins and not broad:
            continue
        reason = (
            f"pins aws:SourceArn with a wildcard ({broad[0]!r})"
            if broad
            else "has no aws:SourceArn pin"
        )
        yield view.finding(
            INFO,
            role.logical_id,
            f"trust policy {statement_label(statement, index)} trusts IAM Roles Anywhere but "
            f"{reason}: certificates of every trust anchor in the account are accepted",
        )


RULE = TemplateRule(INFO, check)
