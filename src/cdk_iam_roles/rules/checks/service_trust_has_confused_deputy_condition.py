"""IAMR-DEPUTY-001: an allow-listed service is trusted only with a source condition (warning).

For the services on :mod:`cdk_iam_roles.trust.confused_deputy`'s allow-list, AWS
documents ``aws:SourceAccount`` / ``aws:SourceArn`` in the trust policy: without them,
another customer's resource can make the service act with your role (the cross-service
confused deputy). Services not on the list are not judged: a condition on a key a
service does not send would lock the role out.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules._trust import allow_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import (
    TemplateView,
    condition_entries,
    condition_unresolved,
    principal_values,
    statement_label,
)
from cdk_iam_roles.trust.confused_deputy import confused_deputy_support

INFO = RuleInfo(
    id="IAMR-DEPUTY-001",
    severity=Severity.WARNING,
    what=(
        "A trust statement for a service that sends aws:SourceAccount/aws:SourceArn has no "
        "condition on either key."
    ),
    why=(
        "Without it, the service can be made to use your role on behalf of another "
        "account's resource (cross-service confused deputy)."
    ),
    fix=(
        "Add StringEquals aws:SourceAccount = your account (and ArnLike aws:SourceArn), as "
        "ServiceRole does by default."
    ),
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
    scopes=frozenset({Scope.TEMPLATE}),
)

_SOURCE_KEYS = frozenset(
    {"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"}
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each Allow trust statement for an allow-listed service without a source condition."""
    for role in view.roles:
        for index, statement in allow_statements(role):
            services = [
                v
                for v in principal_values(statement, "Service")
                if isinstance(v, str) and confused_deputy_support(v) is not None
            ]
            if not services or condition_unresolved(statement):
                continue
            if any(e.key_lower in _SOURCE_KEYS for e in condition_entries(statement)):
                continue
            yield view.finding(
                INFO,
                role.logical_id,
                f"trust policy {statement_label(statement, index)} trusts "
                f"{', '.join(services)} with no aws:SourceAccount/aws:SourceArn condition",
            )


RULE = TemplateRule(INFO, check)
