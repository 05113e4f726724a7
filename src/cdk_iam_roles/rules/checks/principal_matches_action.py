"""IAMR-TRUST-003: each trusted principal can call the assume action the statement allows.

Each kind of principal reaches a role through one STS operation: IAM users, roles and
accounts (``AWS``) and services through ``AssumeRole``, SAML providers through
``AssumeRoleWithSAML``, OIDC providers through ``AssumeRoleWithWebIdentity``. A statement
that pairs a principal with another operation never applies to it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cdk_iam_roles.rules._trust import (
    ASSUME_ACTION,
    SAML_ACTION,
    WEB_IDENTITY_ACTION,
    PrincipalKind,
    allow_statements,
    principal_kinds,
)
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, lower_actions, statement_label

INFO = RuleInfo(
    id="IAMR-TRUST-003",
    severity=Severity.ERROR,
    what=(
        "A trust statement pairs a principal with an assume action it cannot use (a SAML "
        "provider with AssumeRoleWithWebIdentity, an OIDC provider with AssumeRoleWithSAML, "
        "a service or AWS principal with a federated action, a federated principal with "
        "AssumeRole)."
    ),
    why=(
        "Each principal type reaches a role through one STS operation only; a mismatched "
        "statement never applies, so the intended caller is refused at run time."
    ),
    fix=(
        "Use sts:AssumeRole for AWS and Service principals, sts:AssumeRoleWithSAML for a "
        "SAML provider and sts:AssumeRoleWithWebIdentity for an OIDC provider."
    ),
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "id_credentials_temp_request.html#api_assumerole"
    ),
    scopes=frozenset({Scope.TEMPLATE}),
)

_USABLE: Mapping[PrincipalKind, str] = {
    PrincipalKind.AWS: ASSUME_ACTION,
    PrincipalKind.SERVICE: ASSUME_ACTION,
    PrincipalKind.SAML: SAML_ACTION,
    PrincipalKind.OIDC: WEB_IDENTITY_ACTION,
}
_ASSUME_ACTIONS = frozenset(_USABLE.values())
_SPELLING = {
    ASSUME_ACTION: "sts:AssumeRole",
    SAML_ACTION: "sts:AssumeRoleWithSAML",
    WEB_IDENTITY_ACTION: "sts:AssumeRoleWithWebIdentity",
}


def _problems(kinds: set[PrincipalKind], statement: Mapping[str, Any]) -> list[str]:
    actions = {a for a in lower_actions(statement) if a in _ASSUME_ACTIONS}
    if not actions or not kinds or PrincipalKind.UNKNOWN in kinds:
        return []  # nothing to pair (no Principal: IAMR-TRUST-002), or unclassifiable
    problems: list[str] = []
    usable_actions = {_USABLE[k] for k in kinds}
    for action in sorted(actions - usable_actions):
        names = ", ".join(sorted(str(k) for k in kinds)) or "no principal"
        problems.append(f"allows {_SPELLING[action]}, which {names} principals cannot call")
    for kind in sorted(kinds, key=str):
        if _USABLE[kind] not in actions:
            problems.append(
                f"names a {kind} principal but does not allow {_SPELLING[_USABLE[kind]]}"
            )
    return problems


def check(view: TemplateView) -> Iterator[Finding]:
    """Each mismatch between principal kinds and assume actions of an Allow statement."""
    for role in view.roles:
        for index, statement in allow_statements(role):
            for problem in _problems(principal_kinds(view, statement), statement):
                yield view.finding(
                    INFO,
                    role.logical_id,
                    f"trust policy {statement_label(statement, index)} {problem}",
                )


RULE = TemplateRule(INFO, check)
