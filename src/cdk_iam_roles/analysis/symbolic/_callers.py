"""Candidate callers: one principal for each way the Principal elements can treat a caller.

A Principal entry tests the caller's kind, account, partition, role name or exact ARN.
Callers that agree on all of these for every entry of both policies are treated alike,
so a finite list covers them: each named principal, a session of each named role, a
role and a user in each named account and in an account no policy names, each named
service and federated provider, and one of each that no policy names. When a policy
tests ``aws:PrincipalArn`` or ``aws:PrincipalAccount``, the roles, users and accounts
are drawn from the automata of those clauses too, so every class of ARN is present.

Each caller carries the context keys AWS derives from it (``aws:PrincipalAccount``,
``aws:PrincipalArn``, ``aws:PrincipalType`` …) and the keys it can never carry: a
service principal has no ``aws:PrincipalOrgID``, a web identity federation has no MFA
context and only its own provider's claims.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html

Example:
    >>> kind_of_key("token.actions.githubusercontent.com:sub")
    'token.actions.githubusercontent.com'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from cdk_iam_roles.analysis._principals import PrincipalEntry
from cdk_iam_roles.analysis.symbolic._automata import Pattern, digits, glob, literal, signatures

DERIVED_KEYS = frozenset(
    {
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principaltype",
        "aws:username",
        "aws:principalisawsservice",
        "aws:principalservicename",
    }
)
"""Keys whose value follows from the caller: they are part of the caller, not free."""

_IDENTITY_ONLY = ("aws:principal", "aws:multifactorauth", "aws:userid", "aws:username")
_SERVICE_KEYS = frozenset({"aws:principalisawsservice", "aws:principalservicename"})

FRESH_ACCOUNT = "999999999999"
FRESH_NAME = "any-role"
FRESH_USER = "any-user"
FRESH_SERVICE = "example.amazonaws.com"
FRESH_PROVIDER = "oidc.example.com"
SESSION = "session"


def kind_of_key(key: str) -> str | None:
    """The identity provider whose token a key comes from, or ``None`` for AWS's own keys.

    Example:
        >>> kind_of_key("aws:PrincipalOrgID") is None
        True
    """
    namespace = key.lower().rsplit(":", 1)[0]
    if namespace == "saml":
        return "saml"
    if "." in namespace or "/" in namespace:
        return namespace
    return None


@dataclass(frozen=True, slots=True, eq=False)
class Candidate:
    """One request principal and what follows from it.

    Args:
        principal: the principal string given to the evaluator. Required.
        cls: ``"aws"``, ``"service"``, ``"saml"``, ``"oidc:HOST"`` or ``"canonical"``.
            Required.
        derived: the context keys that follow from the principal (lower-case). Default:
            none.
        account: the caller's account, when it has one. Default ``None``.

    Example:
        >>> Candidate("lambda.amazonaws.com", "service").allows_key("aws:PrincipalOrgID")
        False
    """

    principal: str
    cls: str
    derived: Mapping[str, str] = field(default_factory=dict)
    account: str | None = None

    def allows_key(self, key: str) -> bool:
        """Whether a request from this caller can carry ``key`` at all."""
        return class_allows_key(self.cls, key)


def class_allows_key(cls: str, key: str) -> bool:
    """Whether a caller of class ``cls`` can carry the context key ``key``.

    Example:
        >>> class_allows_key("oidc:token.actions.githubusercontent.com",
        ...     "token.actions.githubusercontent.com:sub")
        True
    """
    lower = key.lower()
    provider = kind_of_key(lower)
    if cls == "aws":
        return provider is None
    if lower.startswith(_IDENTITY_ONLY) and lower not in _SERVICE_KEYS:
        return False
    if cls == "saml":
        return provider in (None, "saml")
    if cls.startswith("oidc:"):
        return provider is None or provider == cls.removeprefix("oidc:")
    return provider is None


def _provider_class(value: str) -> str:
    if ":saml-provider/" in value:
        return "saml"
    host = value.split(":oidc-provider/", 1)[1] if ":oidc-provider/" in value else value
    return "oidc:" + host.lower()


def _aws(arn: str, partition: str, account: str, principal_arn: str, kind: str) -> Candidate:
    derived = {
        "aws:principalaccount": account,
        "aws:principalarn": principal_arn,
        "aws:principaltype": kind,
        "aws:principalisawsservice": "false",
    }
    if kind == "User":
        derived["aws:username"] = principal_arn.rsplit("/", 1)[-1]
    return Candidate(arn, "aws", derived, account)


def candidates(
    entries: Iterable[PrincipalEntry],
    *,
    partition: str,
    home_account: str | None,
    arn_patterns: Sequence[Pattern] = (),
    account_patterns: Sequence[Pattern] = (),
    services: bool = True,
    providers: Iterable[str] = (),
) -> list[Candidate]:
    """Callers that together show every behaviour of the Principal elements.

    Args:
        entries: every Principal/NotPrincipal entry of both policies. Required.
        partition: the role's partition. Required.
        home_account: the role's account, when known. Required.
        arn_patterns: languages of ``aws:PrincipalArn`` clauses. Default: none.
        account_patterns: languages of ``aws:PrincipalAccount`` clauses. Default: none.
        services: include service principals. Default ``True``.
        providers: identity-provider namespaces of the condition keys (a ``Principal``
            of ``"*"`` admits their tokens too). Default: none.

    Example:
        >>> from cdk_iam_roles.analysis._principals import parse_aws_entry
        >>> found = candidates([parse_aws_entry("222222222222")], partition="aws",
        ...     home_account=None)
        >>> "arn:aws:iam::222222222222:role/any-role" in [c.principal for c in found]
        True
    """
    entries = list(entries)
    accounts: set[str] = set()
    partitions = {partition}
    named: list[PrincipalEntry] = []
    found: dict[str, Candidate] = {}

    def add(candidate: Candidate) -> None:
        found.setdefault(candidate.principal, candidate)

    for entry in entries:
        if entry.family == "AWS" and entry.form != "wildcard":
            if entry.account:
                accounts.add(entry.account)
            partitions.add(entry.partition)
            named.append(entry)
        elif entry.family == "Service" and services:
            add(Candidate(entry.value.lower(), "service", _service(entry.value.lower())))
        elif entry.family == "Federated":
            add(Candidate(entry.value, _provider_class(entry.value)))
        elif entry.family == "CanonicalUser":
            add(Candidate(entry.value, "canonical"))
    if home_account and home_account.isdigit():
        accounts.add(home_account)
    account_literals = [literal(a) for a in sorted(accounts)]
    fresh = signatures([*account_literals, *account_patterns], required=[digits(12)])
    accounts.update(fresh.values())
    if not any(a == FRESH_ACCOUNT for a in accounts):
        accounts.add(FRESH_ACCOUNT)
    exact = [literal(e.value) for e in named]
    for part in sorted(partitions):
        for account in sorted(accounts):
            for word, kind, name in (("role", "AssumedRole", FRESH_NAME), ("user", "User", "")):
                prefix = f"arn:{part}:iam::{account}:{word}/"
                if arn_patterns:
                    shaped = signatures(
                        [*exact, *arn_patterns],
                        required=[Pattern(literal(prefix).tokens + glob("?*").tokens)],
                    )
                    arns = list(shaped.values())
                else:
                    arns = [prefix + (name or FRESH_USER)]
                for arn in arns:
                    add(_aws(arn, part, account, arn, kind))
    for entry in named:
        if entry.form == "role" and entry.account and entry.role_name:
            session = (
                f"arn:{entry.partition}:sts::{entry.account}:assumed-role/"
                f"{entry.role_name}/{SESSION}"
            )
            add(_aws(session, entry.partition, entry.account, entry.value, "AssumedRole"))
        elif entry.form == "exact" and entry.account:
            value = entry.value
            kind = "User" if ":user/" in value else "AssumedRole"
            principal_arn = value
            if ":assumed-role/" in value:
                role = value.split(":assumed-role/", 1)[1].split("/")[0]
                principal_arn = f"arn:{entry.partition}:iam::{entry.account}:role/{role}"
            add(_aws(value, entry.partition, entry.account, principal_arn, kind))
    if services:
        add(Candidate(FRESH_SERVICE, "service", _service(FRESH_SERVICE)))
    hosts = {FRESH_PROVIDER, *(p for p in providers if p != "saml")}
    for host in sorted(hosts):
        provider = f"arn:{partition}:iam::{FRESH_ACCOUNT}:oidc-provider/{host}"
        add(Candidate(provider, _provider_class(provider)))
    saml = f"arn:{partition}:iam::{FRESH_ACCOUNT}:saml-provider/any-provider"
    add(Candidate(saml, "saml"))
    return list(found.values())


def _service(name: str) -> dict[str, str]:
    return {"aws:principalisawsservice": "true", "aws:principalservicename": name}
