"""IAMR-TRUST-004: report trust values that cannot be known before deployment (info).

A principal or a condition block built from a parameter, an import or a custom resource
is unknown to the rules. They never judge such a value safe or unsafe by its text; this
rule says which values were not judged, so a reviewer can look at them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from cdk_iam_roles.cfn import ResourceRef, Unknown
from cdk_iam_roles.rules._trust import PrincipalKind, allow_statements, federated_kind
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import (
    TemplateView,
    as_list,
    condition_unresolved,
    is_unknown,
    statement_label,
)

INFO = RuleInfo(
    id="IAMR-TRUST-004",
    severity=Severity.INFO,
    what="A trust statement's principal or condition block cannot be resolved from the template.",
    why=(
        "Rules that depend on the value (anyone-can-assume, OIDC claims, MFA) could not judge "
        "it; it is known only at deployment (a parameter, an import, a custom resource)."
    ),
    fix=(
        "Review the deployed trust policy, or give the stack a concrete environment and "
        "literal values so the rules can check it."
    ),
    doc="https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html",
    scopes=frozenset({Scope.TEMPLATE}),
)


def _describe(value: object) -> str:
    if isinstance(value, Unknown):
        return value.reason
    if isinstance(value, ResourceRef):
        return str(value)
    return "an unresolvable value"


def check(view: TemplateView) -> Iterator[Finding]:
    """Each Allow trust statement with an unresolved principal or condition block."""
    for role in view.roles:
        for index, statement in allow_statements(role):
            unknown: list[str] = []
            principal = statement.get("Principal")
            if is_unknown(principal):
                unknown.append(f"Principal ({_describe(principal)})")
            elif isinstance(principal, Mapping):
                for kind in ("AWS", "Service", "Federated"):
                    for value in as_list(principal.get(kind)):
                        if (
                            kind == "Federated"
                            and isinstance(value, ResourceRef)
                            and federated_kind(view, value)[0] is not PrincipalKind.UNKNOWN
                        ):
                            continue  # a provider of this template: followed
                        if is_unknown(value):
                            unknown.append(f"Principal.{kind} ({_describe(value)})")
            if condition_unresolved(statement):
                unknown.append("Condition (built at deployment, e.g. by Custom::AWSCDKCfnJson)")
            if unknown:
                yield view.finding(
                    INFO,
                    role.logical_id,
                    f"trust policy {statement_label(statement, index)}: not judged, unknown "
                    "before deployment: " + "; ".join(unknown),
                )


RULE = TemplateRule(INFO, check)
