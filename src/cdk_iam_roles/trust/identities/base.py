"""The base of the identity classes: claims, the identity interface, trust statements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlsplit

from cdk_iam_roles.errors import Problem, RoleConfigError
from cdk_iam_roles.rules.model import RuleInfo
from cdk_iam_roles.trust.document import Conditions, Statement, allow
from cdk_iam_roles.trust.identities._common import (
    _HOST,
    _plain_text_problems,
    _subject_pattern_problems,
)
from cdk_iam_roles.trust.tokens import is_token

WEB_IDENTITY_ACTION: Final = "sts:AssumeRoleWithWebIdentity"
# IAM OIDC provider URL limits.
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html
ISSUER_URL_MAX: Final = 255


@dataclass(frozen=True, slots=True)
class OidcClaims:
    """What an identity trusts, ready to become trust statements.

    Args:
        issuer_url: the issuer (``https://...``; may be a CDK token).
        audiences: exact ``aud`` values (``StringEquals``).
        subjects: exact ``sub`` values (``StringEquals``).
        subject_patterns: ``sub`` patterns (``StringLike``), neighbour-safe.
        extra: further conditions, operator → full key → values.
        federated: a fixed ``Federated`` principal (Cognito), or ``None`` for the
            provider of ``issuer_url``.
        key_prefix: the condition-key prefix (``host/path`` of the issuer), or ``None``
            when the issuer is a token.
    """

    issuer_url: str
    audiences: tuple[str, ...]
    subjects: tuple[str, ...] = ()
    subject_patterns: tuple[str, ...] = ()
    extra: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    federated: str | None = None
    key_prefix: str | None = None


def issuer_host(issuer_url: str) -> str:
    """The issuer without ``https://``: the provider ARN's name and the condition-key prefix.

    Example:
        >>> issuer_host("https://token.actions.githubusercontent.com")
        'token.actions.githubusercontent.com'
    """
    return issuer_url[len("https://") :] if issuer_url.startswith("https://") else issuer_url


def check_issuer_url(value: object) -> str | None:
    """``None`` when ``value`` is a usable OIDC issuer URL (or a token), else what is wrong.

    Example:
        >>> check_issuer_url("http://example.com")
        'must start with https://'
    """
    if not isinstance(value, str):
        return "must be a string"
    if is_token(value):
        return None
    if not value.startswith("https://"):
        return "must start with https://"
    if len(value) > ISSUER_URL_MAX:
        return f"must be at most {ISSUER_URL_MAX} characters long"
    if "*" in value or "?" in value or "#" in value:
        return "must not contain a wildcard, query or fragment"
    parts = urlsplit(value)
    if parts.query or parts.fragment:
        return "must not contain a query or fragment"
    if "@" in parts.netloc:
        return "must not contain user information"
    if ":" in parts.netloc:
        return "must not contain a port"
    if not _HOST.fullmatch(parts.netloc.lower()):
        return "must name a host such as 'token.example.com'"
    if any(c.isspace() for c in value) or "${" in value:
        return "must not contain spaces or '${'"
    return None


def _key(value: object) -> object:
    return value if isinstance(value, (str, int, float, bool, type(None))) else id(value)


class Identity:
    """Base of the identity classes: validation and rendering of one kind of workload."""

    def problems(self) -> list[Problem]:
        """Everything wrong with the inputs (empty when the identity is usable).

        Every string argument is first checked as plain text (IAMR-ROLE-008: no control
        characters, no surrounding whitespace); the provider's own checks follow, and a
        value refused as text is not reported a second time.

        Example:
            >>> from cdk_iam_roles.trust.identities import GitHubActions
            >>> [p.rule_id for p in GitHubActions(owner="acme\\n", repo="app",
            ...     branches=["main"]).problems()]
            ['IAMR-ROLE-008']
        """
        plain = _plain_text_problems(type(self).__name__, self)
        seen = {(p.argument.split("[", 1)[0], _key(p.value)) for p in plain}
        rest = [
            p
            for p in self._input_problems()
            if (p.argument.split("[", 1)[0], _key(p.value)) not in seen
        ]
        found = plain + rest
        if not found:
            # Whatever an identity renders, the template rules' judge of subject patterns
            # has the last word, with the template rules' IDs.
            found = _subject_pattern_problems(
                f"{type(self).__name__} (rendered sub)", self.claims().subject_patterns
            )
        return found

    def _input_problems(self) -> list[Problem]:
        """The provider's own checks of its inputs (each identity class implements it)."""
        raise NotImplementedError

    def claims(self) -> OidcClaims:
        """The issuer, audiences and subjects this identity trusts (after :meth:`problems`)."""
        raise NotImplementedError

    def warnings(self) -> list[tuple[RuleInfo, str]]:
        """Warnings the role shows at synth (rule, text); none by default."""
        return []

    def validate(self) -> None:
        """Raise :class:`~cdk_iam_roles.errors.RoleConfigError` with every problem, if any.

        Example:
            >>> from cdk_iam_roles.trust.identities import GitHubActions
            >>> try:
            ...     GitHubActions(owner="acme", repo="app*", branches=["main"]).validate()
            ... except RoleConfigError as error:
            ...     print(error.rule_ids)
            ('IAMR-WI-003',)
        """
        found = self.problems()
        if found:
            raise RoleConfigError(type(self).__name__, found)


def trust_statements(
    claims: OidcClaims, principal: Any, *, key_prefix: str | None = None
) -> list[Statement]:
    """The trust statements for ``claims``, trusting the ``Federated`` ``principal``.

    One statement for the exact subjects (``StringEquals`` on ``aud`` and ``sub``) and
    one for the patterns (``StringEquals`` on ``aud``, ``StringLike`` on ``sub``): two
    operators on one key in one statement would both have to match.

    Args:
        claims: what the identity trusts.
        principal: the provider ARN (a string or token), ignored when the claims fix the
            principal (Cognito).
        key_prefix: the condition-key prefix (default: ``claims.key_prefix``); the CDK
            face passes a token here for a token issuer.
    """
    prefix = key_prefix if key_prefix is not None else claims.key_prefix
    if prefix is None:
        raise ValueError("the issuer's condition-key prefix is unknown")
    federated = {"Federated": claims.federated if claims.federated is not None else principal}
    groups: list[tuple[str, tuple[str, ...]]] = []
    if claims.subjects:
        groups.append(("StringEquals", claims.subjects))
    if claims.subject_patterns:
        groups.append(("StringLike", claims.subject_patterns))
    if not groups:
        groups.append(("", ()))
    statements: list[Statement] = []
    for operator, subjects in groups:
        conditions = Conditions()
        conditions.add("StringEquals", f"{prefix}:aud", list(claims.audiences))
        if subjects:
            conditions.add(operator, f"{prefix}:sub", list(subjects))
        for extra_operator, block in claims.extra.items():
            for key, values in block.items():
                conditions.add(extra_operator, key, list(values))
        statements.append(allow(federated, [WEB_IDENTITY_ACTION], conditions))
    return statements
