"""Who is calling, and which entries of a Principal element name the caller.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, TypeAlias

CallerType: TypeAlias = Literal[
    "user", "role", "session", "federated-user", "root", "service", "federated", "canonical"
]
"""The kind of caller a `Request.principal` string denotes."""

MatchKind: TypeAlias = Literal[
    "wildcard", "account", "user", "role", "session", "self", "service", "federated", "canonical"
]
"""How a Principal entry matched the caller (decides which limits apply to the grant)."""

_ACCOUNT = re.compile(r"\d{12}", re.ASCII)
_CANONICAL = re.compile(r"[0-9a-f]{64}")
_AWS_CALLERS = frozenset({"user", "role", "session", "federated-user", "root"})


@dataclass(frozen=True, slots=True)
class Caller:
    """A parsed `Request.principal`.

    Args:
        raw: the principal as given. Required.
        kind: what it is. Required.
        account: its 12-digit account, if it has one. Default ``None``.
        partition: its ARN partition. Default ``"aws"``.
        role_name: for a role or an ``assumed-role`` session, the role's name (without
            path). Default ``None``.

    Example:
        >>> parse_caller("arn:aws:sts::111122223333:assumed-role/Deploy/ci").role_name
        'Deploy'
    """

    raw: str
    kind: CallerType
    account: str | None = None
    partition: str = "aws"
    role_name: str | None = None

    @property
    def is_aws_identity(self) -> bool:
        """Whether the caller is an IAM identity or session of some account.

        Example:
            >>> parse_caller("lambda.amazonaws.com").is_aws_identity
            False
        """
        return self.kind in _AWS_CALLERS


@lru_cache(maxsize=4096)
def parse_caller(principal: str) -> Caller:
    """Classify a request principal string.

    Args:
        principal: an ARN, a service principal, a federated provider or a canonical ID.
            Required.

    Example:
        >>> parse_caller("arn:aws:iam::111122223333:user/ops/alice").kind
        'user'
    """
    parts = principal.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        _, partition, service, _region, account, resource = parts
        if service == "iam":
            if resource == "root":
                return Caller(principal, "root", account, partition)
            if resource.startswith("user/"):
                return Caller(principal, "user", account, partition)
            if resource.startswith("role/"):
                name = resource.rsplit("/", 1)[-1]
                return Caller(principal, "role", account, partition, name)
            if resource.startswith(("oidc-provider/", "saml-provider/")):
                return Caller(principal, "federated", account, partition)
        if service == "sts":
            if resource.startswith("assumed-role/"):
                pieces = resource.split("/")
                session_role = pieces[1] if len(pieces) >= 3 else None
                return Caller(principal, "session", account, partition, session_role)
            if resource.startswith("federated-user/"):
                return Caller(principal, "federated-user", account, partition)
        return Caller(principal, "federated", account or None, partition)
    if _CANONICAL.fullmatch(principal):
        return Caller(principal, "canonical")
    if principal.endswith((".amazonaws.com", ".amazonaws.com.cn", ".c2s.ic.gov", ".sc2s.sgov.gov")):
        return Caller(principal, "service")
    return Caller(principal, "federated")


@dataclass(frozen=True, slots=True)
class PrincipalEntry:
    """One value of a Principal/NotPrincipal element, classified.

    Args:
        family: the element key (``AWS``, ``Service``, ``Federated``, ``CanonicalUser``) or
            ``"*"`` for the bare wildcard. Required.
        value: the value as written. Required.
        form: for ``AWS`` entries: ``"wildcard"``, ``"account"``, ``"role"`` or
            ``"exact"``. Default ``"exact"``.
        account: the account it names, for account and role entries. Default ``None``.
        role_name: for role entries, the role's name without path. Default ``None``.
        partition: for ARN entries, the partition. Default ``"aws"``.

    Example:
        >>> parse_aws_entry("arn:aws:iam::111122223333:root").form
        'account'
    """

    family: str
    value: str
    form: str = "exact"
    account: str | None = None
    role_name: str | None = None
    partition: str = "aws"

    def matches(self, caller: Caller) -> MatchKind | None:
        """Return how this entry names the caller, or ``None`` if it does not.

        A role ARN names the role's sessions too (a trust or resource policy naming the
        role ARN grants to every ``assumed-role/NAME/*`` session of it); an account
        (``ID`` or ``arn:aws:iam::ID:root``) names every identity of that account.

        Args:
            caller: the parsed request principal. Required.

        Example:
            >>> role = parse_aws_entry("arn:aws:iam::111122223333:role/app/Deploy")
            >>> role.matches(parse_caller("arn:aws:sts::111122223333:assumed-role/Deploy/x"))
            'role'
        """
        family = self.family
        if family == "*":
            return "wildcard"
        if family == "AWS":
            form = self.form
            if form == "wildcard":
                # `{"AWS": "*"}` is documented alongside `"*"` as "all principals".
                # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
                return "wildcard"
            if not caller.is_aws_identity:
                return None
            if form == "account":
                if caller.account == self.account and caller.partition == self.partition:
                    return "account"
                return None
            if form == "role":
                if caller.raw == self.value:
                    return "self"
                if (
                    caller.kind == "session"
                    and caller.account == self.account
                    and caller.role_name == self.role_name
                    and caller.partition == self.partition
                ):
                    return "role"
                return None
            if caller.raw == self.value:
                if caller.kind == "user":
                    return "user"
                if caller.kind in ("session", "federated-user"):
                    return "session"
                return "self"
            return None
        if family == "Service":
            return "service" if caller.raw.lower() == self.value.lower() else None
        if family == "Federated":
            # Web identity providers such as cognito-identity.amazonaws.com look like
            # service names; the element, not the string, says what they are.
            return "federated" if caller.raw == self.value else None
        if family == "CanonicalUser":
            return "canonical" if caller.raw == self.value else None
        return None

    def may_name(self, caller: Caller) -> bool:
        """Whether this entry may name the caller although `matches` cannot tell.

        A federated user session (``GetFederationToken``) is named by the ARN of "the IAM
        user who federated", which its own ARN does not give: an IAM user ARN of the
        session's account may or may not be that user.
        https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html

        Args:
            caller: the parsed request principal. Required.

        Example:
            >>> entry = parse_aws_entry("arn:aws:iam::111122223333:user/carol")
            >>> entry.may_name(parse_caller("arn:aws:sts::111122223333:federated-user/c"))
            True
        """
        return (
            caller.kind == "federated-user"
            and self.family == "AWS"
            and self.form == "exact"
            and self.account == caller.account
            and self.partition == caller.partition
            and self.value.split(":", 5)[-1].startswith("user/")
        )


def not_principal_exempts(entries: tuple[PrincipalEntry, ...], caller: Caller) -> bool | None:
    """Whether a ``NotPrincipal`` list exempts the caller: yes, no, or ``None`` (unknown).

    AWS checks the caller level by level: "AWS might validate the account first and then
    the user"; for a role session "the account first, then the role, and then the
    assumed-role user". The caller itself must be named (its account alone, or its role
    alone, does not exempt it: "all principals except the user named Bob ... are
    explicitly denied"); named without its account (or a session without its role) "the
    policy might deny access to the entire account", which cannot be known offline.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html

    Args:
        entries: the NotPrincipal entries. Required.
        caller: the parsed request principal. Required.

    Example:
        >>> user = parse_caller("arn:aws:iam::111122223333:user/bob")
        >>> both = (parse_aws_entry("arn:aws:iam::111122223333:user/bob"),
        ...         parse_aws_entry("111122223333"))
        >>> not_principal_exempts(both, user), not_principal_exempts(both[1:], user)
        (True, False)
        >>> not_principal_exempts(both[:1], user) is None
        True
    """
    kinds = {entry.matches(caller) for entry in entries}
    kinds.discard(None)
    if "wildcard" in kinds:
        return True
    if not caller.is_aws_identity:
        return bool(kinds)
    if caller.kind == "root":
        return "account" in kinds
    own = bool(kinds & {"user", "session", "self"})
    account = "account" in kinds
    if caller.kind == "session":
        role = "role" in kinds
        if own:
            return True if account and role else None
        # Naming the role (and its account) may exempt its sessions: the page recommends
        # "both the ARN for a role and the ARN for the account containing that role".
        return None if role else False
    if own:
        return True if account else None
    return False


class PrincipalError(ValueError):
    """A Principal value that cannot be evaluated."""


@lru_cache(maxsize=4096)
def parse_aws_entry(value: str) -> PrincipalEntry:
    """Classify one value of ``"AWS"`` in a Principal element.

    Args:
        value: ``"*"``, a 12-digit account ID, or an IAM/STS ARN. Required.

    Raises:
        PrincipalError: the value has wildcards other than a bare ``*``, is no ARN, or
            names a user group.

    Example:
        >>> parse_aws_entry("111122223333").account
        '111122223333'
    """
    if value == "*":
        return PrincipalEntry("AWS", value, "wildcard")
    if _ACCOUNT.fullmatch(value):
        return PrincipalEntry("AWS", value, "account", value)
    if "*" in value or "?" in value:
        raise PrincipalError(f"wildcards are not supported in AWS principal {value!r}")
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise PrincipalError(f"{value!r} is neither an account ID nor an ARN")
    _, partition, service, _region, account, resource = parts
    if service == "iam" and resource.startswith("group/"):
        # "You cannot identify a user group as a principal in a policy."
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
        raise PrincipalError(f"a user group cannot be a principal ({value!r})")
    if service == "iam" and resource == "root":
        return PrincipalEntry("AWS", value, "account", account, partition=partition)
    if service == "iam" and resource.startswith("role/"):
        name = resource.rsplit("/", 1)[-1]
        return PrincipalEntry("AWS", value, "role", account, name, partition)
    return PrincipalEntry("AWS", value, "exact", account, partition=partition)
