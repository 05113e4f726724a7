"""IAMR-SAML-001: a SAML trust pins the audience or at least one SAML attribute.

A statement that lets a SAML provider's users call ``sts:AssumeRoleWithSAML`` with
neither ``SAML:aud`` (the sign-in endpoint the assertion is meant for) nor any other
``SAML:`` attribute condition admits every assertion the identity provider signs for the
role, whatever it was issued for. ``FederatedRole`` refuses this at construction
(IAMR-FED-002); this is its template twin. A condition counts when it must match: a
positive string operator, not ``…IfExists`` and not ``ForAllValues:`` (both true when
the attribute is absent), with a value other than a bare wildcard.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any

from cdk_iam_roles.rules._trust import (
    SAML_ACTION,
    PrincipalKind,
    allow_statements,
    federated_kind,
)
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import (
    TemplateView,
    condition_entries,
    condition_unresolved,
    lower_actions,
    principal_values,
    statement_label,
)
from cdk_iam_roles.trust.pins import stand_in_statement

INFO = RuleInfo(
    id="IAMR-SAML-001",
    severity=Severity.ERROR,
    what=(
        "A SAML trust (Federated saml-provider, sts:AssumeRoleWithSAML) has a condition on "
        "SAML:aud or on at least one other SAML: attribute."
    ),
    why=(
        "Without SAML:aud and without attribute conditions every user of the identity "
        "provider whose assertion names the role can assume it (FederatedRole refuses this "
        "as IAMR-FED-002)."
    ),
    fix=(
        "Add StringEquals SAML:aud = https://signin.aws.amazon.com/saml for console access, "
        "or StringEquals on SAML:sub (or another SAML: attribute) for the users who may."
    ),
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_iam-condition-keys.html#condition-keys-saml"
    ),
    scopes=frozenset({Scope.TEMPLATE}),
)

# Positive string operators: the attribute must be present and match a listed value.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
_POSITIVE = frozenset({"stringequals", "stringequalsignorecase", "stringlike"})


def _pins_saml(statement: Mapping[str, Any]) -> bool:
    for entry in condition_entries(statement):
        if not entry.key_lower.startswith("saml:") or entry.base not in _POSITIVE:
            continue
        if entry.if_exists or entry.qualifier == "forallvalues" or not entry.values:
            continue
        if entry.base == "stringlike" and all(
            isinstance(v, str) and v.strip("*") == "" for v in entry.values
        ):
            continue  # a bare '*' matches any value
        return True
    return False


def check(view: TemplateView) -> Iterator[Finding]:
    """Each Allow trust statement for a SAML provider without a SAML condition."""
    for role in view.roles:
        for index, statement in allow_statements(role):
            principal = statement.get("Principal")
            if not isinstance(principal, Mapping) or "Federated" not in principal:
                continue
            read = stand_in_statement(view, role, index, statement)
            federated = principal_values(read, "Federated")
            kinds = [federated_kind(view, v)[0] for v in federated]
            if PrincipalKind.SAML not in kinds or condition_unresolved(read):
                continue
            if not any(fnmatchcase(SAML_ACTION, a) for a in lower_actions(read)):
                continue  # another action: IAMR-TRUST-003 reports the mismatch
            if _pins_saml(read):
                continue
            yield view.finding(
                INFO,
                role.logical_id,
                f"trust policy {statement_label(statement, index)} lets the SAML provider's "
                "users assume the role with no condition on SAML:aud or any SAML: attribute",
            )


RULE = TemplateRule(INFO, check)
