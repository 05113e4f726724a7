"""IAMR-DEPUTY-001: an allow-listed service is trusted only with a source condition (warning).

For the services on :mod:`cdk_iam_roles.trust.confused_deputy`'s allow-list, AWS
documents ``aws:SourceAccount`` / ``aws:SourceArn`` in the trust policy: without them,
another customer's resource can make the service act with your role (the cross-service
confused deputy). Services not on the list are not judged: a condition on a key a
service does not send would lock the role out. Where an entry's page covers only some
role kinds of a principal (``documented_uses``: ECS task roles, not task execution roles;
EMR Studio roles, not cluster service roles), only roles the template passes through a
documented property are judged. The message names the keys that principal's page shows
(SageMaker: ``aws:SourceArn`` only).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from cdk_iam_roles.rules._trust import allow_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.service_roles import values_at
from cdk_iam_roles.rules.view import (
    TemplateView,
    condition_entries,
    condition_unresolved,
    principal_values,
    role_arn_target,
    statement_label,
)
from cdk_iam_roles.trust.confused_deputy import (
    CONFUSED_DEPUTY_SERVICES,
    confused_deputy_support,
)

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
        "Add the condition(s) the service's page shows (the message names them: "
        "aws:SourceAccount and/or ArnLike aws:SourceArn), as ServiceRole does by default."
    ),
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
    scopes=frozenset({Scope.TEMPLATE}),
)

_SOURCE_KEYS = frozenset(
    {"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"}
)


def _documented_kinds(view: TemplateView) -> dict[str, set[tuple[str, str]]]:
    """Role logical ID → the (resource type, property) pairs of the template that pass it."""
    wanted = {use for s in CONFUSED_DEPUTY_SERVICES.values() for use in s.documented_uses}
    found: dict[str, set[tuple[str, str]]] = {}
    for logical_id, resource in view.stack.resources.items():
        if not isinstance(resource, Mapping):
            continue
        for rtype, path in wanted:
            if resource.get("Type") != rtype:
                continue
            for value in values_at(view.resolved.get(logical_id, {}), path):
                target = role_arn_target(value)
                if target is not None and target[0] in view.role_ids:
                    found.setdefault(target[0], set()).add((rtype, path))
    return found


def _judged(service: str, role_id: str, kinds: Mapping[str, set[tuple[str, str]]]) -> bool:
    support = confused_deputy_support(service)
    if support is None:
        return False
    if not support.documented_uses:
        return True
    return bool(kinds.get(role_id, set()) & set(support.documented_uses))


def check(view: TemplateView) -> Iterator[Finding]:
    """Each Allow trust statement for an allow-listed service without a source condition."""
    kinds = _documented_kinds(view)
    for role in view.roles:
        for index, statement in allow_statements(role):
            services = [
                v
                for v in principal_values(statement, "Service")
                if isinstance(v, str) and _judged(v, role.logical_id, kinds)
            ]
            if not services or condition_unresolved(statement):
                continue
            if any(e.key_lower in _SOURCE_KEYS for e in condition_entries(statement)):
                continue
            yield view.finding(
                INFO,
                role.logical_id,
                f"trust policy {statement_label(statement, index)} trusts "
                f"{', '.join(services)} with no aws:SourceAccount/aws:SourceArn condition; "
                + "; ".join(
                    f"for {s}: {support.advice()} ({support.citation})"
                    for s in services
                    if (support := confused_deputy_support(s)) is not None
                ),
            )


RULE = TemplateRule(INFO, check)
