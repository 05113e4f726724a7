"""The library pattern a role's trust has the shape of (pure; used by the catalog model).

The patterns render recognisable trusts (a service with its confused-deputy keys, an
OIDC provider pinned by audience and subject …); a trust that matches none is
``hand-written``.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdk_iam_roles.catalog._words import Assumer, _Conditions, identity_center_permission_set
from cdk_iam_roles.trust.confused_deputy import confused_deputy_support

__all__ = ["HAND_WRITTEN", "PATTERNS", "infer_pattern"]

HAND_WRITTEN = "hand-written"
PATTERNS: tuple[str, ...] = (
    "ServiceRole",
    "CrossAccountRole",
    "ElevatedUserRole",
    "WebIdentityRole",
    "FederatedRole",
    "RolesAnywhereRole",
    HAND_WRITTEN,
)

_CROSS_ACCOUNT_KEYS = frozenset(
    {
        "sts:externalid",
        "aws:principalorgid",
        "aws:multifactorauthpresent",
        "aws:multifactorauthage",
        "sts:sourceidentity",
    }
)


def _actions(assumer: Assumer) -> set[str]:
    return {a.lower() for a in assumer.actions}


def _keys(assumer: Assumer) -> set[str]:
    return {e.key.lower() for e in assumer.conditions}


def infer_pattern(assumers: Sequence[Assumer], irregular: bool = False) -> str:
    """The pattern whose trust shape ``assumers`` match, or ``hand-written``.

    Args:
        assumers: the principals of the trust's Allow statements.
        irregular: the trust has Deny statements or could not be read (default False).
    """
    if irregular or not assumers:
        return HAND_WRITTEN
    if any(a.service_chain for a in assumers):
        # Trusted by a service role of the same stack: no pattern renders that trust.
        return HAND_WRITTEN
    kinds = {a.kind for a in assumers}
    if kinds == {"service"} and all(_roles_anywhere_shaped(a) for a in assumers):
        return "RolesAnywhereRole"
    if kinds == {"service"}:
        return "ServiceRole" if all(_service_shaped(a) for a in assumers) else HAND_WRITTEN
    if kinds <= {"oidc", "cognito"}:
        return "WebIdentityRole" if all(_web_identity_shaped(a) for a in assumers) else HAND_WRITTEN
    if kinds == {"saml"}:
        ok = all(
            "sts:assumerolewithsaml" in _actions(a)
            and _actions(a) <= {"sts:assumerolewithsaml", "sts:tagsession"}
            and any(k.startswith("saml:") for k in _keys(a))
            for a in assumers
        )
        return "FederatedRole" if ok else HAND_WRITTEN
    if kinds <= {"iam-user", "iam-role"} and all(
        "sts:rolesessionname" in _keys(a) for a in assumers
    ):
        return "ElevatedUserRole"
    if kinds == {"account"} and all(_identity_center_shaped(a) for a in assumers):
        return "ElevatedUserRole"
    if kinds <= {"account", "iam-user", "iam-role"}:
        ok = all(
            "sts:assumerole" in _actions(a)
            and _actions(a) <= {"sts:assumerole", "sts:tagsession", "sts:setsourceidentity"}
            and _keys(a) <= _CROSS_ACCOUNT_KEYS
            for a in assumers
        )
        return "CrossAccountRole" if ok else HAND_WRITTEN
    return HAND_WRITTEN


def _identity_center_shaped(assumer: Assumer) -> bool:
    """ElevatedUserRole(idp_enforced_mfa=True): the account, pinned to Identity Center roles."""
    arns = [
        value
        for entry in assumer.conditions
        if entry.key.lower() == "aws:principalarn"
        for value in entry.values
    ]
    return bool(arns) and all(identity_center_permission_set(arn) for arn in arns)


def _roles_anywhere_shaped(assumer: Assumer) -> bool:
    """RolesAnywhereRole: Roles Anywhere's service, pinned to anchors and a certificate."""
    keys = _keys(assumer)
    return (
        assumer.principal.lower() == "rolesanywhere.amazonaws.com"
        and "aws:sourcearn" in keys
        and any(k.startswith("aws:principaltag/x509") for k in keys)
    )


def _service_shaped(assumer: Assumer) -> bool:
    if not _actions(assumer) <= {"sts:assumerole", "sts:tagsession"}:
        return False
    if not _keys(assumer) <= {"aws:sourceaccount", "aws:sourcearn"}:
        return False
    # ServiceRole always pins aws:SourceAccount for services documented to send it, so a
    # trust without it for such a service was written by hand (or opted out).
    support = confused_deputy_support(assumer.principal)
    return not (support and support.source_account and "aws:sourceaccount" not in _keys(assumer))


def _web_identity_shaped(assumer: Assumer) -> bool:
    if _actions(assumer) - {"sts:assumerolewithwebidentity", "sts:tagsession"}:
        return False
    cond = _Conditions(assumer.conditions)
    keys = _keys(assumer)
    if assumer.kind == "cognito":
        return bool(cond.get("cognito-identity.amazonaws.com:aud")) and (
            "cognito-identity.amazonaws.com:amr" in keys
        )
    return any(k.endswith(":aud") for k in keys) and any(k.endswith(":sub") for k in keys)
