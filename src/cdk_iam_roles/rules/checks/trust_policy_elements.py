"""IAMR-TRUST-002: a trust policy holds only the elements and actions a trust policy may.

A role trust policy is a resource-based policy whose resource is the role itself:
``Resource``/``NotResource`` are not allowed, ``NotPrincipal`` is not supported in trust
policies, and only STS actions that act on a role (assume, tag the session, set the
source identity or context) mean anything there.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.defaults import TRUST_ACTIONS
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, as_list

INFO = RuleInfo(
    id="IAMR-TRUST-002",
    severity=Severity.ERROR,
    what=(
        "A trust policy uses NotPrincipal, Resource, NotResource or NotAction, or allows an "
        "action other than sts:AssumeRole*, sts:TagSession, sts:SetSourceIdentity or "
        "sts:SetContext."
    ),
    why=(
        "IAM rejects such trust policies or reads them differently than intended: "
        "NotPrincipal with Allow trusts everyone else, and a wildcard action such as "
        "sts:* grants more than assuming the role."
    ),
    fix="Name principals with Principal, list the sts: actions explicitly, and drop Resource.",
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-trust-policy",
    scopes=frozenset({Scope.TEMPLATE}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each forbidden element or action in each trust statement."""
    for role in view.roles:
        for index, statement in enumerate(role.trust_statements):
            sid = statement.get("Sid")
            label = f"statement {sid!r}" if isinstance(sid, str) else f"statement {index}"
            for element in ("NotPrincipal", "Resource", "NotResource", "NotAction"):
                if element in statement:
                    yield view.finding(
                        INFO, role.logical_id, f"trust policy {label} uses {element}"
                    )
            for action in as_list(statement.get("Action")):
                if isinstance(action, str) and action.lower() not in TRUST_ACTIONS:
                    yield view.finding(
                        INFO,
                        role.logical_id,
                        f"trust policy {label} allows action {action!r}, which is not a "
                        "role-assumption action",
                    )


RULE = TemplateRule(INFO, check)
