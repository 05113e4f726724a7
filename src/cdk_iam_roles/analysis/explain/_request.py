"""The request ``explain`` simulates: the caller, its context, and what a real request carries."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cdk_iam_roles.analysis import (
    ContextValue,
)
from cdk_iam_roles.analysis.assembly import (
    App,
    RoleInfo,
    find_role,
    is_placeholder,
)
from cdk_iam_roles.errors import InputError

_WEB_IDENTITY_PROVIDERS = (
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who makes the simulated request, and what its request carries.

    Args:
        principal: an ARN (IAM user, role, ``assumed-role`` session, OIDC or SAML
            provider, account root), a 12-digit account ID, a service principal, or the
            construct path / logical ID of a role of the app. Required.
        mfa: the caller authenticated with MFA. Default False.
        mfa_age: seconds since the MFA authentication (implies ``mfa``). Default
            ``None`` (0 when ``mfa``).
        external_id: the ``sts:ExternalId`` passed. Default ``None``.
        source_identity: the ``sts:SourceIdentity`` passed. Default ``None``.
        session_name: the ``RoleSessionName`` passed. Default ``None``.
        claims: OIDC token claims (``sub``, ``aud``, ``amr`` …); a key without a ``:`` is
            prefixed with the provider (``token.actions.githubusercontent.com:sub``).
            Default: none.
        context: further request context keys (``aws:PrincipalOrgID``, ``SAML:aud`` …).
            Default: none.
        duration: the requested session duration in seconds. Default ``None``.
        chained: the caller is itself a role session (role chaining); a role or
            ``assumed-role`` principal always is. Default False.
        org_id: the caller's organization (``aws:PrincipalOrgID``). Default ``None``:
            for an account the app deploys to, the organization the app names is
            assumed (and said so); otherwise the request carries none.
        org_paths: the caller's organization paths (``aws:PrincipalOrgPaths``).
            Default: none.
        complete_request: add the values a real request carries that were not passed
            (the app's organization, the session name and source identity a correct
            client sends, a service's source account and ARN), each listed in
            `Explanation.assumed`. Default True; `cdk_iam_roles.testing` passes False,
            so a test states exactly what the request carries.

    Example:
        >>> Caller("arn:aws:iam::111111111111:user/alice", mfa_age=300).mfa_age
        300
    """

    principal: str
    mfa: bool = False
    mfa_age: int | None = None
    external_id: str | None = None
    source_identity: str | None = None
    session_name: str | None = None
    claims: Mapping[str, ContextValue] = field(default_factory=dict)
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    duration: int | None = None
    chained: bool = False
    org_id: str | None = None
    org_paths: Sequence[str] = ()
    complete_request: bool = True


def parse_duration(text: str) -> int:
    """Seconds in a duration written ``3600``, ``90m``, ``2h`` or ``1h30m``.

    Args:
        text: the duration. Required.

    Raises:
        InputError: the text is not a duration.

    Example:
        >>> parse_duration("1h30m")
        5400
    """
    match = re.fullmatch(r"\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s?)?\s*", text)
    if not text.strip() or match is None or not any(match.groups()):
        raise InputError(f"--duration {text!r}: not a duration (write 3600, 90m, 2h or 1h30m)")
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def parse_pairs(
    items: Iterable[str], flag: str, *, split_commas: bool = False
) -> dict[str, ContextValue]:
    """``KEY=VALUE`` items as a mapping; a key given twice becomes a multivalued key.

    Args:
        items: the items as typed. Required.
        flag: the flag they came from, for messages (``--claim``). Required.
        split_commas: ``KEY=V1,V2`` gives several values (``\\,`` is a literal comma).
            Default False.

    Raises:
        InputError: an item has no ``=`` or an empty key.

    Example:
        >>> parse_pairs(["amr=authenticated", "amr=graph.facebook.com", "aud=x"], "--claim")
        {'amr': ['authenticated', 'graph.facebook.com'], 'aud': 'x'}
        >>> parse_pairs(["affiliation=staff,faculty"], "--claim", split_commas=True)
        {'affiliation': ['staff', 'faculty']}
    """
    found: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"{flag} {item!r}: write KEY=VALUE")
        values = [value]
        if split_commas:
            values = [v.replace("\\,", ",") for v in re.split(r"(?<!\\),", value)]
        found.setdefault(key.strip(), []).extend(values)
    return {k: v[0] if len(v) == 1 else v for k, v in found.items()}


@dataclass(slots=True)
class _Resolved:
    """The caller as the request sees it."""

    principal: str
    kind: Literal["user", "role", "root", "service", "web", "saml", "other"]
    account: str | None
    principal_arn: str | None
    role: RoleInfo | None
    chained: bool
    provider_prefix: str | None = None


def _resolve_caller(app: App, caller: Caller) -> _Resolved:
    text = caller.principal.strip()
    session = caller.session_name or "session"
    if re.fullmatch(r"\d{12}", text):
        text = f"arn:aws:iam::{text}:root"
    if not text.startswith("arn:") and "." not in text:
        try:
            role = find_role(app, text)
        except InputError as error:
            raise InputError(
                f"--principal {caller.principal!r}: neither an ARN, an account ID, a service "
                f"principal nor a role of the app ({error})"
            ) from None
        return _Resolved(
            role.session_arn(session), "role", role.account, role.arn, role, chained=True
        )
    if not text.startswith("arn:"):
        if text in _WEB_IDENTITY_PROVIDERS:
            return _Resolved(text, "web", None, None, None, False, text)
        return _Resolved(text, "service", None, None, None, False)
    parts = text.split(":", 5)
    if len(parts) != 6:
        raise InputError(f"--principal {caller.principal!r}: not a valid ARN")
    _, partition, service, _region, account, resource = parts
    if service == "iam" and resource.startswith("oidc-provider/"):
        prefix = resource.removeprefix("oidc-provider/")
        return _Resolved(text, "web", account, None, None, False, prefix)
    if service == "iam" and resource.startswith("saml-provider/"):
        # SAML attributes are keys of the saml: namespace (--claim edupersonaffiliation=…).
        return _Resolved(text, "saml", account, None, None, False, "saml")
    if service == "iam" and resource.startswith("user/"):
        return _Resolved(text, "user", account, text, None, caller.chained)
    if service == "iam" and resource == "root":
        return _Resolved(text, "root", account, text, None, caller.chained)
    if service == "iam" and resource.startswith("role/"):
        in_app = app.role_for_principal(text)
        name = resource.rsplit("/", 1)[-1]
        principal = f"arn:{partition}:sts::{account}:assumed-role/{name}/{session}"
        return _Resolved(principal, "role", account, in_app.arn if in_app else text, in_app, True)
    if service == "sts" and resource.startswith("assumed-role/"):
        session_of = app.role_for_principal(text)
        name = resource.split("/")[1] if "/" in resource else ""
        arn = session_of.arn if session_of else f"arn:{partition}:iam::{account}:role/{name}"
        return _Resolved(text, "role", account, arn, session_of, True)
    return _Resolved(text, "other", account or None, text, None, caller.chained)


def _context(caller: Caller, who: _Resolved, *, assume: bool) -> dict[str, ContextValue]:
    """The request context a real request of this caller would carry."""
    context: dict[str, ContextValue] = {}
    # Global keys of IAM principals.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
    if who.principal_arn is not None:
        context["aws:PrincipalArn"] = who.principal_arn
    if who.account is not None and who.kind in ("user", "role", "root", "other"):
        context["aws:PrincipalAccount"] = who.account
    if who.kind == "user" and who.principal_arn:
        context["aws:username"] = who.principal_arn.rsplit("/", 1)[-1]
    wants_mfa = caller.mfa or caller.mfa_age is not None
    # MFA context: present only when the credentials were created with MFA; never for
    # OIDC/SAML federation; not present at all for long-term access keys.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
    # A role session (role chaining) carries MFA context only when that session was
    # itself created with MFA, so --mfa on a chained caller means exactly that.
    if who.kind in ("user", "root", "role", "other"):
        if wants_mfa:
            context["aws:MultiFactorAuthPresent"] = "true"
            context["aws:MultiFactorAuthAge"] = str(caller.mfa_age or 0)
        elif who.kind == "role" or who.chained:
            context["aws:MultiFactorAuthPresent"] = "false"
    if assume:
        if caller.external_id is not None:
            context["sts:ExternalId"] = caller.external_id
        if caller.source_identity is not None:
            context["sts:SourceIdentity"] = caller.source_identity
        if caller.session_name is not None:
            context["sts:RoleSessionName"] = caller.session_name
    for key, value in caller.claims.items():
        if ":" not in key and who.provider_prefix:
            key = f"{who.provider_prefix}:{key}"
        context[key] = value
    context.update(caller.context)
    return context


_AWS_IDENTITIES = ("user", "role", "root", "other")


_WILDCARDS = re.compile(r"[*?]")


def _conditions_on(
    documents: Iterable[Mapping[str, Any] | None], key: str
) -> list[tuple[str, list[str]]]:
    """(operator, values) of each condition on ``key`` in the Allow statements of ``documents``."""
    found: list[tuple[str, list[str]]] = []
    for document in documents:
        statements = document.get("Statement") if isinstance(document, Mapping) else None
        for statement in _as_list(statements):
            if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
                continue
            condition = statement.get("Condition")
            if not isinstance(condition, Mapping):
                continue
            for operator, block in condition.items():
                if not isinstance(block, Mapping):
                    continue
                for name, values in block.items():
                    if str(name).lower() == key:
                        texts = [v for v in _as_list(values) if isinstance(v, str)]
                        found.append((str(operator), texts))
    return found


def _compared_values(conditions: Sequence[tuple[str, list[str]]]) -> list[str]:
    """The values compared with (not the booleans of ``Null``), in order, once each."""
    values: list[str] = []
    for operator, texts in conditions:
        if operator.split(":")[-1].lower().startswith("null"):
            continue
        values.extend(t for t in texts if t not in values)
    return values


def _app_accounts(app: App) -> set[str]:
    """The accounts the app deploys to (its stacks' and roles' accounts)."""
    found = {stack.account for stack in app.stacks if stack.account}
    found.update(role.account for role in app.roles if role.account)
    return {account for account in found if not is_placeholder(account)}


def _app_organizations(app: App, role: RoleInfo | None) -> list[str]:
    """The organization IDs the app names: the role's trust first, else any policy of the app."""
    documents: list[Mapping[str, Any] | None] = [role.trust] if role is not None else []
    for pool in (
        documents,
        [r.trust for r in app.roles] + [p.document for p in app.resource_policies],
    ):
        orgs = [
            value
            for value in _compared_values(_conditions_on(pool, "aws:principalorgid"))
            if not _WILDCARDS.search(value) and not is_placeholder(value)
        ]
        if orgs:
            return orgs
    return []


def _has_key(context: Mapping[str, ContextValue], key: str) -> bool:
    return any(name.lower() == key for name in context)


def _source_arn_example(values: Sequence[str], account: str) -> str | None:
    """A concrete source ARN of ``account`` that one of the trust's patterns accepts."""
    for value in values:
        fields = value.split(":")
        if len(fields) >= 6 and fields[0] == "arn" and fields[4] == account:
            return _WILDCARDS.sub(lambda m: "example" if m.group(0) == "*" else "x", value)
    return None


def _complete_request(
    app: App,
    role: RoleInfo,
    caller: Caller,
    who: _Resolved,
    context: dict[str, ContextValue],
    documents: Sequence[Mapping[str, Any] | None],
    *,
    assume: bool,
) -> list[str]:
    """Add to ``context`` what AWS (or a correct client) would send; say each addition.

    The caller's flags always win; nothing is added for a key no policy of the request
    compares.
    """
    assumed: list[str] = []
    if caller.org_id is not None:
        context["aws:PrincipalOrgID"] = caller.org_id
    if caller.org_paths:
        context["aws:PrincipalOrgPaths"] = list(caller.org_paths)
    if not caller.complete_request:
        return assumed
    # AWS adds aws:PrincipalOrgID to every signed request of a principal whose account
    # is a member of an organization.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
    if (
        who.kind in _AWS_IDENTITIES
        and not _has_key(context, "aws:principalorgid")
        and _conditions_on(documents, "aws:principalorgid")
        and who.account in _app_accounts(app)
    ):
        orgs = _app_organizations(app, role)
        if len(orgs) == 1:
            context["aws:PrincipalOrgID"] = orgs[0]
            assumed.append(
                f"aws:PrincipalOrgID={orgs[0]}: account {who.account} is one the app deploys "
                f"to, and the app names organization {orgs[0]} (AWS adds the caller's "
                "organization to every request of a member account); pass --org to "
                "simulate another"
            )
    if assume and who.kind == "user" and who.principal_arn:
        username = who.principal_arn.rsplit("/", 1)[-1]
        # A client that follows the trust names the session after the IAM user and sets
        # the user as the source identity (ElevatedUserRole's trust demands both).
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_rolesessionname
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
        if caller.session_name is None and _conditions_on(documents, "sts:rolesessionname"):
            context["sts:RoleSessionName"] = username
            assumed.append(
                f"sts:RoleSessionName={username}: the trust demands a session name, and a "
                "correct client names the session after the IAM user (${aws:username}); "
                "pass --session-name to simulate another"
            )
        if caller.source_identity is None and _conditions_on(documents, "sts:sourceidentity"):
            context["sts:SourceIdentity"] = username
            assumed.append(
                f"sts:SourceIdentity={username}: the trust demands a source identity, and a "
                "correct client sets the IAM user name (${aws:username}); pass "
                "--source-identity to simulate another"
            )
    if assume and who.kind == "service" and role.account and not is_placeholder(role.account):
        # A service acting for a resource sends the resource's account and ARN; here the
        # resource is taken to be one of the role's own account.
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
        if not _has_key(context, "aws:sourceaccount") and _conditions_on(
            documents, "aws:sourceaccount"
        ):
            context["aws:SourceAccount"] = role.account
            assumed.append(
                f"aws:SourceAccount={role.account}: {who.principal} acts for a resource of the "
                "role's own account; pass --context aws:SourceAccount=… to simulate another"
            )
        arns = _compared_values(_conditions_on(documents, "aws:sourcearn"))
        example = _source_arn_example(arns, role.account)
        if not _has_key(context, "aws:sourcearn") and example is not None:
            context["aws:SourceArn"] = example
            assumed.append(
                f"aws:SourceArn={example}: {who.principal} acts for a resource of the role's "
                "own account that the trust names; pass --context aws:SourceArn=… to "
                "simulate another"
            )
    return assumed


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _assume_action(who: _Resolved) -> str:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_request.html
    if who.kind == "web":
        return "sts:AssumeRoleWithWebIdentity"
    if who.kind == "saml":
        return "sts:AssumeRoleWithSAML"
    return "sts:AssumeRole"


def _caller_statement(action: str, role_arn: str) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": role_arn}


def _statement_json(action: str, role_arn: str) -> str:
    return json.dumps(_caller_statement(action, role_arn))
