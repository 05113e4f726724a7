"""Trust-policy principals in words (pure; used by :mod:`cdk_iam_roles.catalog.model`).

Each principal of an ``Allow`` trust statement becomes one :class:`Assumer`: its kind,
the raw value, and a sentence a reviewer can read ("GitHub Actions, repository
acme/web, branch main"). The sentence folds in the conditions that narrow *who* the
caller is (subject, audience, organization, MFA, external ID, source account); every
condition is also kept verbatim in :attr:`Assumer.conditions`.

Values the resolver could not know (:class:`~cdk_iam_roles.cfn.Unknown`) are written
``unknown (reason)``, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from cdk_iam_roles.catalog._words_workload import (
    ci_words,
    github_words,
    oidc_words,
    roles_anywhere_words,
)
from cdk_iam_roles.cfn import ResourceRef, Unknown

__all__ = [
    "Assumer",
    "ConditionEntry",
    "PrincipalKind",
    "describe_statement",
    "display",
    "duration_words",
]

# JSON-schema enum of principal kinds (docs/catalog.schema.json).
PrincipalKind = str
KINDS: tuple[str, ...] = (
    "account",
    "iam-user",
    "iam-role",
    "assumed-role",
    "federated-user",
    "anyone",
    "service",
    "oidc",
    "cognito",
    "saml",
    "other",
    "unknown",
)
# Principals that stand for AWS identities a person may sign in as (users, roles, whole
# accounts) and call sts:AssumeRole with: those are the roles `profiles` writes
# ~/.aws/config entries for. A role of the same stack that only services can assume
# (CodePipeline's pipeline role, say) is not one: see Assumer.service_chain.
HUMAN_KINDS = frozenset(
    {"account", "iam-user", "iam-role", "assumed-role", "federated-user", "anyone"}
)
# AssumeRole actions (or wildcards that include them) a trust statement may allow.
_ASSUME_ROLE = frozenset({"sts:assumerole", "sts:*", "*"})
_ASSUME_ROLE_WITH_SAML = frozenset({"sts:assumerolewithsaml", "sts:*", "*"})


@dataclass(frozen=True, slots=True)
class ConditionEntry:
    """One condition of a trust statement: ``operator`` on ``key`` against ``values``."""

    operator: str
    key: str
    values: tuple[str, ...]

    def words(self) -> str:
        """``StringEquals sts:ExternalId = a, b``."""
        return f"{self.operator} {self.key} = {', '.join(self.values)}"


@dataclass(frozen=True, slots=True)
class Assumer:
    """One principal that an ``Allow`` trust statement lets assume the role.

    Args:
        kind: one of ``account``, ``iam-user``, ``iam-role``, ``assumed-role``,
            ``federated-user``, ``anyone``, ``service``, ``oidc``, ``cognito``, ``saml``,
            ``other``, ``unknown``.
        principal: the principal value as written (``unknown (reason)`` when unknown).
        words: who this is, in words, with the conditions that narrow it.
        actions: the statement's actions.
        conditions: the statement's conditions, verbatim.
        stack_role: the logical ID of the role of the same stack this principal is, if it
            is one (default ``None``).
        external: the principal is a role (or its session) that none of the apps read
            defines: it lives outside what was reviewed. Default False.
        service_chain: the principal is a role of the same stack that only AWS services
            (directly or through other such roles) can assume (default False).
        unknown_offline: whether a person can assume the role through this principal
            cannot be told offline: the principal is known only at deployment (a
            parameter, an import), a federated provider known only at deployment may be
            a SAML provider people sign in through, or the actions allowed to a user,
            role or account are unknown. Never counted human, never taken for a service.
            Default False.
    """

    kind: PrincipalKind
    principal: str
    words: str
    actions: tuple[str, ...]
    conditions: tuple[ConditionEntry, ...]
    stack_role: str | None = None
    service_chain: bool = False
    external: bool = False
    unknown_offline: bool = False

    @property
    def human(self) -> bool:
        """True when people can assume the role through this principal.

        Decided by who is trusted: an IAM user, a role or an account (with
        ``sts:AssumeRole``), or a SAML identity provider people sign in through (with
        ``sts:AssumeRoleWithSAML``); never a service, nor a role of the same stack that
        only services can assume.
        """
        return self.assume_role_caller or (
            self.kind == "saml" and any(a.lower() in _ASSUME_ROLE_WITH_SAML for a in self.actions)
        )

    @property
    def assume_role_caller(self) -> bool:
        """True when a person's AWS identity calls ``sts:AssumeRole`` on the role: what an
        AWS CLI profile (``role_arn`` + ``source_profile``) does. False for SAML."""
        return (
            self.kind in HUMAN_KINDS
            and not self.service_chain
            and any(a.lower() in _ASSUME_ROLE for a in self.actions)
        )


def display(value: Any) -> str:
    """A resolved value as text; unknown values as ``unknown (reason)``."""
    if isinstance(value, Unknown):
        return f"unknown ({value.reason})"
    if isinstance(value, ResourceRef):
        # Known at deployment: the ID or an attribute of a resource of the same stack.
        target = value.logical_id if value.attribute is None else str(value)[1:-1]
        return f"{target.replace('GetAtt ', '')} (this stack)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(display(v) for v in value)
    if isinstance(value, Mapping):
        return "unknown (a mapping)"
    return str(value)


def _values(value: Any) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(display(v) for v in value)
    return (display(value),)


def duration_words(seconds: int) -> str:
    """``900`` → ``15 min``; ``3600`` → ``1 h``; ``5400`` → ``90 min``."""
    if seconds % 3600 == 0 and seconds:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0 and seconds:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def conditions_of(statement: Mapping[str, Any]) -> tuple[ConditionEntry, ...]:
    """The statement's conditions, one entry per operator and key, in document order."""
    block = statement.get("Condition")
    if isinstance(block, Unknown):
        return (ConditionEntry("unknown", "*", (display(block),)),)
    if not isinstance(block, Mapping):
        return ()
    out: list[ConditionEntry] = []
    for operator, keys in block.items():
        if not isinstance(keys, Mapping):
            out.append(ConditionEntry(str(operator), "*", (display(keys),)))
            continue
        for key, value in keys.items():
            out.append(ConditionEntry(str(operator), str(key), _values(value)))
    return tuple(out)


class _Conditions:
    """Lookup of condition values by key (condition keys are case-insensitive)."""

    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
    # ("Condition key names are not case-sensitive").

    def __init__(self, entries: Sequence[ConditionEntry]) -> None:
        self.entries = entries

    def get(self, key: str, *operators: str) -> list[str]:
        out: list[str] = []
        for entry in self.entries:
            if entry.key.lower() != key.lower():
                continue
            if operators and entry.operator not in operators:
                continue
            out.extend(entry.values)
        return out

    def with_suffix(self, suffix: str) -> list[ConditionEntry]:
        return [e for e in self.entries if e.key.lower().endswith(suffix)]


def _join_or(items: Sequence[str]) -> str:
    unique = list(dict.fromkeys(items))
    if len(unique) <= 1:
        return "".join(unique)
    return ", ".join(unique[:-1]) + " or " + unique[-1]


_ARN = re.compile(r"arn:([^:]+):(iam|sts)::(\d{12}|aws):(.+)", re.ASCII)


def _aws_words(value: str) -> tuple[str, str]:
    if value == "*":
        return "anyone", "any AWS principal (anyone with AWS credentials)"
    if re.fullmatch(r"\d{12}", value, re.ASCII):
        return "account", f"any principal in account {value}"
    match = _ARN.fullmatch(value)
    if not match:
        return "other", f"AWS principal {value}"
    _, service, account, resource = match.groups()
    if resource == "root":
        return "account", f"any principal in account {account}"
    kind, _, rest = resource.partition("/")
    name = rest.rsplit("/", 1)[-1] if rest else rest
    if service == "iam" and kind == "user":
        # The path is part of the user's ARN (user/PATH/NAME) and tells users apart.
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
        return "iam-user", f"IAM user {rest} in {account}"
    if service == "iam" and kind == "role":
        return "iam-role", f"IAM role {name} in {account}"
    if service == "sts" and kind == "assumed-role":
        role, _, session = rest.partition("/")
        return "assumed-role", f"session {session} of role {role} in {account}"
    if service == "sts" and kind == "federated-user":
        return "federated-user", f"federated user {rest} in {account}"
    return "other", f"AWS principal {value}"


# Roles that IAM Identity Center creates for a permission set live under this path and are
# named AWSReservedSSO_<permission set>_<suffix>.
# https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html
IDENTITY_CENTER_ROLE = re.compile(
    r"arn:[a-z-]+:iam::(\d{12}|\*):role/aws-reserved/sso\.amazonaws\.com/"
    r"(?:[^/]*/)?\*?AWSReservedSSO_([^*/]+)_\*",
    re.ASCII,
)


def identity_center_permission_set(arn: str) -> str | None:
    """The permission set a principal-ARN pattern names, if it is an Identity Center one.

    Example:
        >>> folder = "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/"
        >>> identity_center_permission_set(folder + "*AWSReservedSSO_Ops_*")
        'Ops'
    """
    match = IDENTITY_CENTER_ROLE.fullmatch(arn)
    return match.group(2) if match else None


def _principal_arn_words(cond: _Conditions) -> list[str]:
    patterns = cond.get("aws:PrincipalArn", "ArnLike", "ArnEquals", "StringLike", "StringEquals")
    sets = [identity_center_permission_set(p) for p in patterns]
    if patterns and all(sets):
        return [f"IAM Identity Center permission set {_join_or([s for s in sets if s])}"]
    if patterns:
        return [f"principal ARN {_join_or(patterns)}"]
    return []


def _aws_qualifiers(cond: _Conditions) -> list[str]:
    quals: list[str] = _principal_arn_words(cond)
    org = cond.get("aws:PrincipalOrgID")
    if org:
        quals.append(f"organization {_join_or(org)}")
    paths = cond.get("aws:PrincipalOrgPaths")
    if paths:
        quals.append(f"organization path {_join_or(paths)}")
    # MFA: Bool aws:MultiFactorAuthPresent = true, and NumericLessThan aws:MultiFactorAuthAge.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
    present = [v.lower() for v in cond.get("aws:MultiFactorAuthPresent", "Bool")]
    age = cond.get("aws:MultiFactorAuthAge", "NumericLessThan", "NumericLessThanEquals")
    if age and all(a.isascii() and a.isdigit() for a in age):
        quals.append(f"MFA within {duration_words(min(int(a) for a in age))}")
    elif "true" in present or age:
        quals.append("MFA")
    elif "true" in [v.lower() for v in cond.get("aws:MultiFactorAuthPresent", "BoolIfExists")]:
        quals.append("MFA not enforced: BoolIfExists lets long-term keys in")
    external = cond.get("sts:ExternalId")
    if external:
        quals.append(f"external ID {_join_or(external)}")
    session = cond.get("sts:RoleSessionName")
    if session == ["${aws:username}"]:
        quals.append("session named after their IAM user name")
    elif session:
        quals.append(f"session name {_join_or(session)}")
    source_identity = [e for e in cond.entries if e.key.lower() == "sts:sourceidentity"]
    if source_identity:
        quals.append("source identity required")
    ips = cond.get("aws:SourceIp")
    if ips:
        quals.append(f"from IP {_join_or(ips)}")
    return quals


def _service_qualifiers(cond: _Conditions) -> list[str]:
    quals: list[str] = []
    # Confused-deputy keys a service sends when it assumes a role for a resource.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
    accounts = cond.get("aws:SourceAccount")
    if accounts:
        quals.append(f"from account {_join_or(accounts)}")
    arns = cond.get("aws:SourceArn")
    if arns:
        quals.append(f"for {_join_or(arns)}")
    return quals


def _issuer_of(value: Any, resources: Mapping[str, Any]) -> str | None:
    if isinstance(value, str):
        if ":oidc-provider/" in value:
            return value.split(":oidc-provider/", 1)[1]
        return value
    if isinstance(value, ResourceRef):
        resource = resources.get(value.logical_id)
        props = resource.get("Properties") if isinstance(resource, Mapping) else None
        url = props.get("Url") if isinstance(props, Mapping) else None
        if isinstance(url, str):
            return url[len("https://") :] if url.startswith("https://") else url
    return None


def _federated(value: Any, cond: _Conditions, resources: Mapping[str, Any]) -> tuple[str, str]:
    if isinstance(value, str) and ":saml-provider/" in value:
        name = value.split(":saml-provider/", 1)[1]
        return "saml", _saml_words(name, cond)
    if isinstance(value, ResourceRef):
        resource = resources.get(value.logical_id)
        kind = resource.get("Type") if isinstance(resource, Mapping) else None
        if kind == "AWS::IAM::SAMLProvider":
            props = resource.get("Properties") if isinstance(resource, Mapping) else None
            given = props.get("Name") if isinstance(props, Mapping) else None
            label = given if isinstance(given, str) else f"{value.logical_id} (this stack)"
            return "saml", _saml_words(label, cond)
    if value == "cognito-identity.amazonaws.com":
        # https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html
        pools = cond.get("cognito-identity.amazonaws.com:aud")
        amr = [v.lower() for v in cond.get("cognito-identity.amazonaws.com:amr")]
        if amr == ["authenticated"]:
            who = "authenticated identities"
        elif amr == ["unauthenticated"]:
            who = "unauthenticated (guest) identities"
        elif amr:
            who = "identities with amr " + _join_or(amr)
        else:
            who = "any identity (no amr condition)"
        if not pools:
            return "cognito", f"Cognito, any identity pool (no aud condition), {who}"
        return "cognito", f"Cognito identity pool {_join_or(pools)} ({who})"
    issuer = _issuer_of(value, resources)
    if issuer is None:
        prefixes = [e.key.rsplit(":", 1)[0] for e in cond.with_suffix(":sub")]
        issuer = prefixes[0] if prefixes else None
    if issuer is None:
        return "oidc", f"OIDC provider {display(value)}"
    subjects = cond.get(f"{issuer}:sub")
    audiences = cond.get(f"{issuer}:aud") or cond.get(f"{issuer}:azp")
    ci = ci_words(issuer.lower(), subjects, audiences)
    if ci is not None:
        return "oidc", ci
    words = oidc_words(issuer, subjects, audiences)
    if words.startswith("GitHub Actions"):
        words = github_words(words, issuer, cond.get)
    return "oidc", words


def _saml_words(name: str, cond: _Conditions) -> str:
    # Console federation posts the assertion to the partition's sign-in endpoint, which a
    # trust policy pins with SAML:aud.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_enable-console-saml.html
    aud = cond.get("SAML:aud")
    console = any("signin." in a and a.rstrip("/").endswith("/saml") for a in aud)
    others = [e for e in cond.entries if e.key.lower().startswith("saml:") and e.key != "SAML:aud"]
    how = "console sign-in" if console else "programmatic"
    if others:
        how += ", " + ", ".join(f"{e.key} {_join_or(list(e.values))}" for e in others)
    return f"SAML provider {name} ({how})"


def _principal_text(value: Any) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{kind} {display(v)}" for kind, v in value.items())
    return display(value)


def _offline(what: str, value: Any) -> str:
    """``AWS principal unknown offline (Fn::ImportValue)``."""
    reason = value.reason if isinstance(value, Unknown) else display(value)
    return f"{what} unknown offline ({reason})"


def _unknown_values(value: Any) -> bool:
    """Whether ``value`` (an element that holds a string or a list of them) is unknown."""
    items = value if isinstance(value, list) else [value]
    return any(isinstance(item, (Unknown, ResourceRef)) for item in items)


def describe_statement(statement: Mapping[str, Any], resources: Mapping[str, Any]) -> list[Assumer]:
    """One :class:`Assumer` per principal of an ``Allow`` trust statement.

    Args:
        statement: a resolved trust statement.
        resources: the template's resources (to follow references to OIDC and SAML
            providers of the same stack).
    """
    actions_value = statement.get("Action")
    actions = tuple(
        display(a)
        for a in (
            actions_value
            if isinstance(actions_value, list)
            else [actions_value]
            if actions_value is not None
            else []
        )
    )
    actions_unknown = _unknown_values(actions_value)
    entries = conditions_of(statement)
    cond = _Conditions(entries)
    principal = statement.get("Principal")
    out: list[Assumer] = []

    def add(
        kind: str,
        raw: str,
        words: str,
        quals: Sequence[str] = (),
        role: str | None = None,
        *,
        unknown: bool = False,
    ) -> None:
        text = words + (f" ({', '.join(quals)})" if quals else "")
        assumer = Assumer(kind, raw, text, actions, entries, role, unknown_offline=unknown)
        if actions_unknown and kind in HUMAN_KINDS | {"saml"} and not assumer.human:
            # sts:AssumeRole (or AssumeRoleWithSAML) may be among the unknown actions.
            assumer = replace(assumer, unknown_offline=True)
        out.append(assumer)

    if "NotPrincipal" in statement:
        # Allow with NotPrincipal lets in every principal not listed: treat it as anyone.
        excluded = statement["NotPrincipal"]
        shown = _principal_text(excluded)
        add("anyone", f"NotPrincipal {shown}", f"anyone except {shown}", _aws_qualifiers(cond))
        return out
    if principal == "*":
        add("anyone", "*", _aws_words("*")[1], _aws_qualifiers(cond))
        return out
    if isinstance(principal, (Unknown, ResourceRef)) or not isinstance(principal, Mapping):
        words = (
            _offline("principal", principal) if principal is not None else "unknown (no Principal)"
        )
        add("unknown", display(principal), words, unknown=True)
        return out
    for kind_key, values in principal.items():
        for value in values if isinstance(values, list) else [values]:
            if kind_key == "AWS":
                if isinstance(value, str):
                    kind, words = _aws_words(value)
                elif isinstance(value, ResourceRef):
                    target = resources.get(value.logical_id)
                    rtype = target.get("Type") if isinstance(target, Mapping) else None
                    kind = {"AWS::IAM::Role": "iam-role", "AWS::IAM::User": "iam-user"}.get(
                        str(rtype), "unknown"
                    )
                    noun = {"iam-role": "IAM role", "iam-user": "IAM user"}.get(kind, "principal")
                    words = f"{noun} {value.logical_id} of this stack"
                    role = value.logical_id if kind == "iam-role" else None
                    add(
                        kind,
                        display(value),
                        words,
                        _aws_qualifiers(cond),
                        role,
                        unknown=kind == "unknown",
                    )
                    continue
                else:
                    add(
                        "unknown",
                        display(value),
                        _offline("AWS principal", value),
                        _aws_qualifiers(cond),
                        unknown=True,
                    )
                    continue
                add(kind, display(value), words, _aws_qualifiers(cond))
            elif kind_key == "Service":
                if isinstance(value, str) and value.lower() == "rolesanywhere.amazonaws.com":
                    add("service", value, roles_anywhere_words(cond.get))
                elif isinstance(value, str):
                    add("service", value, f"AWS service {value}", _service_qualifiers(cond))
                else:
                    # Only AWS services are named under Service: not a person, whichever.
                    add("unknown", display(value), f"AWS service {display(value)}")
            elif kind_key == "Federated":
                if isinstance(value, Unknown) and (
                    actions_unknown or any(a.lower() in _ASSUME_ROLE_WITH_SAML for a in actions)
                ):
                    # Known only at deployment, and allowed AssumeRoleWithSAML: it may be a
                    # SAML provider people sign in through.
                    add(
                        "unknown",
                        display(value),
                        _offline("federated provider", value),
                        unknown=True,
                    )
                    continue
                kind, words = _federated(value, cond, resources)
                add(kind, display(value), words)
            else:
                add("other", display(value), f"{kind_key} principal {display(value)}")
    return out
