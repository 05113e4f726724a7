"""Any OIDC issuer, with audiences and subjects stated by the caller (pure Python)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdk_iam_roles.errors import Problem
from cdk_iam_roles.rules.checks import web_identity_no_forallvalues_on_claims as forall_rule
from cdk_iam_roles.rules.checks import web_identity_provider_key_sent as provider_key_rule
from cdk_iam_roles.rules.construct import web_identity as rules
from cdk_iam_roles.trust.identities._common import (
    _audience_problems,
    _is_pattern,
    _strings,
    _subject_pattern_problems,
    _subject_problem,
    _unique,
)
from cdk_iam_roles.trust.identities.base import Identity, OidcClaims, check_issuer_url, issuer_host
from cdk_iam_roles.trust.provider_keys import provider_key_issue
from cdk_iam_roles.trust.tokens import is_token

_OPERATORS = frozenset(
    {
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "ForAnyValue:StringEquals",
        "ForAnyValue:StringLike",
        "ForAllValues:StringEquals",
        "ForAllValues:StringLike",
    }
)


@dataclass(frozen=True, kw_only=True, slots=True)
class GenericOidc(Identity):
    """Any OIDC issuer, with the audiences and subjects stated by the caller (still validated).

    Exact subjects are rendered with ``StringEquals``; a subject with a wildcard right
    after ``/`` or ``:`` (``project:acme/*``) is a pattern, rendered with ``StringLike``.

    Args:
        issuer: the issuer URL (``https://``, no port or query, at most 255 characters).
        audiences: one or more exact ``aud`` values.
        subjects: one or more ``sub`` values or neighbour-safe patterns.
        extra_conditions: further conditions, operator → key → value(s), e.g.
            ``{"StringEquals": {"auth.example.com:groups": "deployers"}}`` (default: none);
            they may not restate ``aud`` or ``sub``.

    Example:
        >>> GenericOidc(issuer="https://auth.example.com", audiences=["api"],
        ...     subjects=["svc:deploy"]).problems()
        []
    """

    issuer: str
    audiences: Sequence[str]
    subjects: Sequence[str]
    extra_conditions: Mapping[str, Mapping[str, str | Sequence[str]]] | None = None

    def _input_problems(self) -> list[Problem]:
        found: list[Problem] = []
        me = "GenericOidc"
        problem = check_issuer_url(self.issuer)
        if problem:
            found.append(rules.ISSUER_INVALID.problem(f"{me}.issuer", problem, self.issuer))
        found.extend(_audience_problems(me, "audiences", self.audiences))
        subjects, bad = _strings(self.subjects)
        for item in bad:
            found.append(rules.PATTERN_UNSAFE.problem(f"{me}.subjects", "must be strings", item))
        if not subjects and not bad:
            found.append(
                rules.SCOPE_MISSING.problem(
                    f"{me}.subjects", "must name at least one subject", None
                )
            )
        for subject in subjects:
            subject_problem = _subject_problem(subject)
            if subject_problem:
                found.append(
                    rules.PATTERN_UNSAFE.problem(f"{me}.subjects", subject_problem, subject)
                )
            else:
                found.extend(_subject_pattern_problems(f"{me}.subjects", [subject]))
        found.extend(self._extra_problems())
        return found

    def _extra_problems(self) -> list[Problem]:
        arg = "GenericOidc.extra_conditions"
        extra = self.extra_conditions
        if extra is None:
            return []
        if not isinstance(extra, Mapping):
            return [rules.EXTRA_CONDITIONS_INVALID.problem(arg, "must be a mapping", extra)]
        found: list[Problem] = []
        prefix = issuer_host(self.issuer) if isinstance(self.issuer, str) else ""
        for operator, block in extra.items():
            if isinstance(operator, str) and operator.startswith("ForAllValues:"):
                found.append(
                    forall_rule.INFO.problem(
                        arg,
                        "must not use ForAllValues: on a token claim (true when the claim "
                        "is absent)",
                        operator,
                    )
                )
                continue
            if operator not in _OPERATORS:
                found.append(
                    rules.EXTRA_CONDITIONS_INVALID.problem(
                        arg, "must use a string condition operator such as 'StringEquals'", operator
                    )
                )
                continue
            if not isinstance(block, Mapping) or not block:
                found.append(
                    rules.EXTRA_CONDITIONS_INVALID.problem(
                        f"{arg}[{operator!r}]", "must map condition keys to values", block
                    )
                )
                continue
            for key, value in block.items():
                if not isinstance(key, str) or not key or "*" in key:
                    found.append(
                        rules.EXTRA_CONDITIONS_INVALID.problem(
                            f"{arg}[{operator!r}]", "keys must be condition keys", key
                        )
                    )
                    continue
                if not is_token(prefix) and key in (f"{prefix}:aud", f"{prefix}:sub"):
                    found.append(
                        rules.CONTRADICTION.problem(
                            f"{arg}[{operator!r}]",
                            "must not restate aud or sub (use audiences and subjects)",
                            key,
                        )
                    )
                    continue
                claim = key[len(prefix) + 1 :] if key.startswith(f"{prefix}:") else None
                unsent = provider_key_issue(prefix, claim) if claim and prefix else None
                if unsent is not None and not is_token(prefix):
                    found.append(
                        provider_key_rule.INFO.problem(f"{arg}[{operator!r}]", unsent, key)
                    )
                    continue
                values, bad = _strings(value)
                if bad or not values:
                    found.append(
                        rules.EXTRA_CONDITIONS_INVALID.problem(
                            f"{arg}[{operator!r}][{key!r}]", "must be one or more strings", value
                        )
                    )
                for item in values:
                    if not is_token(item) and (
                        not item or "*" in item or "?" in item or "${" in item
                    ):
                        found.append(
                            rules.EXTRA_CONDITIONS_INVALID.problem(
                                f"{arg}[{operator!r}][{key!r}]",
                                "must be exact, non-empty values",
                                item,
                            )
                        )
        return found

    def claims(self) -> OidcClaims:
        subjects = _strings(self.subjects)[0]
        extra: dict[str, dict[str, tuple[str, ...]]] = {}
        for operator, block in (self.extra_conditions or {}).items():
            for key, value in block.items():
                extra.setdefault(operator, {})[key] = tuple(_strings(value)[0])
        return OidcClaims(
            issuer_url=self.issuer,
            audiences=_unique(_strings(self.audiences)[0]),
            subjects=_unique([s for s in subjects if not _is_pattern(s)]),
            subject_patterns=_unique([s for s in subjects if _is_pattern(s)]),
            extra=extra,
            key_prefix=None if is_token(self.issuer) else issuer_host(self.issuer),
        )
