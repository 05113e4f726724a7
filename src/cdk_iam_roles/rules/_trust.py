"""Shared readings of trust statements for the template rules (pure Python).

What kind of principal a statement trusts (AWS, service, SAML, OIDC), which OIDC issuer
a web-identity statement names, and which condition keys of that issuer carry the
audience and the subject.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cdk_iam_roles.cfn import ResourceRef
from cdk_iam_roles.rules.view import (
    ConditionEntry,
    RoleView,
    TemplateView,
    as_list,
    condition_entries,
    is_unknown,
    lower_actions,
)

__all__ = [
    "PrincipalKind",
    "WebIdentity",
    "allow_statements",
    "federated_kind",
    "pinning_entries",
    "web_identity_statements",
]

WEB_IDENTITY_ACTION = "sts:assumerolewithwebidentity"
SAML_ACTION = "sts:assumerolewithsaml"
ASSUME_ACTION = "sts:assumerole"

# Identity providers that IAM knows by name, and the keys that carry the audience and
# the subject for each (IAM User Guide, "Available keys for AWS web identity federation":
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif).
COGNITO = "cognito-identity.amazonaws.com"
_NAMED_PROVIDERS: Mapping[str, tuple[str, str]] = {
    COGNITO: ("cognito-identity.amazonaws.com:aud", "cognito-identity.amazonaws.com:sub"),
    "accounts.google.com": ("accounts.google.com:aud", "accounts.google.com:sub"),
    "graph.facebook.com": ("graph.facebook.com:app_id", "graph.facebook.com:id"),
    "www.amazon.com": ("www.amazon.com:app_id", "www.amazon.com:user_id"),
}
# Resource types whose Url is an OIDC issuer (CloudFormation's and CDK's custom one).
_OIDC_PROVIDER_TYPES = frozenset({"AWS::IAM::OIDCProvider", "Custom::AWSCDKOpenIdConnectProvider"})
# Positive operators: a key under one of them must be present and match.
POSITIVE_OPERATORS = frozenset({"stringequals", "stringlike", "stringequalsignorecase"})


class PrincipalKind(enum.StrEnum):
    """The kinds of principal a trust statement can name."""

    AWS = "AWS"
    SERVICE = "Service"
    SAML = "SAML"
    OIDC = "OIDC"
    UNKNOWN = "unknown"


def allow_statements(role: RoleView) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """Position and statement of each Allow statement of a role's trust policy."""
    for index, statement in enumerate(role.trust_statements):
        if statement.get("Effect") == "Allow":
            yield index, statement


def federated_kind(view: TemplateView, value: object) -> tuple[PrincipalKind, str | None]:
    """What a ``Federated`` principal value is, and the OIDC issuer it names (if known).

    The issuer is given without ``https://`` (that is how IAM spells it in condition keys).
    """
    if isinstance(value, ResourceRef):
        resource = view.stack.resources.get(value.logical_id)
        kind = resource.get("Type") if isinstance(resource, Mapping) else None
        if kind == "AWS::IAM::SAMLProvider":
            return PrincipalKind.SAML, None
        if kind in _OIDC_PROVIDER_TYPES:
            url = view.resolved.get(value.logical_id, {}).get("Url")
            return PrincipalKind.OIDC, _issuer(url) if isinstance(url, str) else None
        return PrincipalKind.UNKNOWN, None
    if not isinstance(value, str):
        return PrincipalKind.UNKNOWN, None
    if value in _NAMED_PROVIDERS:
        return PrincipalKind.OIDC, value
    if ":saml-provider/" in value:
        return PrincipalKind.SAML, None
    if ":oidc-provider/" in value:
        return PrincipalKind.OIDC, value.split(":oidc-provider/", 1)[1]
    return PrincipalKind.UNKNOWN, None


def _issuer(url: str) -> str:
    text = url.strip()
    if text.lower().startswith("https://"):
        text = text[len("https://") :]
    return text.rstrip("/")


def principal_kinds(view: TemplateView, statement: Mapping[str, Any]) -> set[PrincipalKind]:
    """Every kind of principal a statement names (``UNKNOWN`` for unresolved values)."""
    principal = statement.get("Principal")
    kinds: set[PrincipalKind] = set()
    if principal == "*":
        return {PrincipalKind.AWS}
    if not isinstance(principal, Mapping):
        return {PrincipalKind.UNKNOWN} if is_unknown(principal) else kinds
    for key, values in principal.items():
        for value in as_list(values):
            if key == "AWS":
                kinds.add(PrincipalKind.UNKNOWN if is_unknown(value) else PrincipalKind.AWS)
            elif key == "Service":
                kinds.add(PrincipalKind.UNKNOWN if is_unknown(value) else PrincipalKind.SERVICE)
            elif key == "Federated":
                kinds.add(federated_kind(view, value)[0])
    return kinds


@dataclass(frozen=True, slots=True)
class WebIdentity:
    """One web-identity trust statement and what is known of its issuer.

    Args:
        role: the role.
        index: the statement's position.
        statement: the statement.
        issuer: the issuer (``token.actions.githubusercontent.com``), ``None`` if unknown.
    """

    role: RoleView
    index: int
    statement: Mapping[str, Any]
    issuer: str | None

    @property
    def is_cognito(self) -> bool:
        """The issuer is Amazon Cognito identity pools."""
        return self.issuer == COGNITO

    @property
    def audience_key(self) -> str | None:
        """The condition key of the audience (``ISSUER:aud``), when the issuer is known."""
        if self.issuer is None:
            return None
        named = _NAMED_PROVIDERS.get(self.issuer)
        return named[0] if named else f"{self.issuer}:aud"

    @property
    def subject_key(self) -> str | None:
        """The condition key of the subject (``ISSUER:sub``), when the issuer is known."""
        if self.issuer is None:
            return None
        named = _NAMED_PROVIDERS.get(self.issuer)
        return named[1] if named else f"{self.issuer}:sub"

    def entries_for(self, claim: str) -> list[ConditionEntry]:
        """Condition entries on the audience (``"aud"``) or subject (``"sub"``) key.

        With an unknown issuer, any provider key ending in ``:aud`` / ``:sub`` counts.
        """
        spelled = self.audience_key if claim == "aud" else self.subject_key
        wanted = spelled.lower() if spelled is not None else None
        found: list[ConditionEntry] = []
        for entry in condition_entries(self.statement):
            key = entry.key_lower
            if (wanted is not None and key == wanted) or (
                wanted is None and key.endswith(f":{claim}") and not key.startswith("aws:")
            ):
                found.append(entry)
        return found


def web_identity_statements(view: TemplateView) -> Iterator[WebIdentity]:
    """Each Allow trust statement that lets an OIDC identity assume the role.

    A statement counts when it allows ``sts:AssumeRoleWithWebIdentity`` or names an OIDC
    provider as ``Federated`` principal. Statements whose principal is unresolved still
    count (with an unknown issuer): the keys they use decide.
    """
    for role in view.roles:
        for index, statement in allow_statements(role):
            principal = statement.get("Principal")
            federated = (
                as_list(principal.get("Federated")) if isinstance(principal, Mapping) else []
            )
            kinds = [federated_kind(view, value) for value in federated]
            oidc = [issuer for kind, issuer in kinds if kind is PrincipalKind.OIDC]
            if WEB_IDENTITY_ACTION not in lower_actions(statement) and not oidc:
                continue
            if any(kind is PrincipalKind.SAML for kind, _ in kinds) and not oidc:
                continue  # a SAML principal: the principal/action rule reports it
            issuer = oidc[0] if len(oidc) == 1 else None
            yield WebIdentity(role=role, index=index, statement=statement, issuer=issuer)


def pinning_entries(entries: list[ConditionEntry]) -> list[ConditionEntry]:
    """The entries that require the key to be present and to match a value.

    ``…IfExists`` lets an absent key through and negated operators match almost
    everything, so neither pins a claim.
    """
    return [e for e in entries if e.base in POSITIVE_OPERATORS and not e.if_exists and e.values]
