"""IAMR-MFA-003: MFA is not required from SAML or OIDC principals.

``AssumeRoleWithSAML`` and ``AssumeRoleWithWebIdentity`` requests carry no MFA context:
``aws:MultiFactorAuthPresent`` is never true for them, so a trust statement that
requires it from a federated principal can never be satisfied. MFA for federated users
is enforced by the identity provider.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cdk_iam_roles.rules._trust import PrincipalKind, allow_statements, principal_kinds
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, condition_entries, is_true, statement_label

INFO = RuleInfo(
    id="IAMR-MFA-003",
    severity=Severity.ERROR,
    what="A trust statement for a SAML or OIDC principal requires MFA (aws:MultiFactorAuth*).",
    why=(
        "Federated sessions carry no MFA context, so the condition is never met and the "
        "role can never be assumed."
    ),
    fix=(
        "Drop the MFA condition and enforce MFA in the identity provider (or use "
        "ElevatedUserRole(idp_enforced_mfa=True))."
    ),
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_condition-keys.html#condition-keys-multifactorauthpresent"
    ),
    scopes=frozenset({Scope.TEMPLATE}),
)

MFA_AGE = "aws:multifactorauthage"
MFA_PRESENT = "aws:multifactorauthpresent"


def requires_mfa(statement: Mapping[str, Any]) -> str | None:
    """The MFA key a statement requires (as written), or ``None``.

    ``Bool aws:MultiFactorAuthPresent = true`` and any numeric test on
    ``aws:MultiFactorAuthAge`` (without ``IfExists``) require an MFA session.
    """
    for entry in condition_entries(statement):
        if entry.if_exists:
            continue
        if (
            entry.key_lower == MFA_PRESENT
            and entry.base == "bool"
            and any(is_true(v) for v in entry.values)
        ):
            return entry.key
        if entry.key_lower == MFA_AGE and entry.base.startswith("numeric"):
            return entry.key
    return None


def check(view: TemplateView) -> Iterator[Finding]:
    """Each federated Allow trust statement that requires MFA."""
    for role in view.roles:
        for index, statement in allow_statements(role):
            key = requires_mfa(statement)
            if key is None:
                continue
            kinds = principal_kinds(view, statement) & {PrincipalKind.SAML, PrincipalKind.OIDC}
            for kind in sorted(kinds, key=str):
                yield view.finding(
                    INFO,
                    role.logical_id,
                    f"trust policy {statement_label(statement, index)} requires {key} from a "
                    f"{kind} principal, whose sessions never carry MFA",
                )


RULE = TemplateRule(INFO, check)
