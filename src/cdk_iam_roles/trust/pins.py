"""Whether a condition on a principal-pinning key narrows who can get in (pure Python).

A trust statement that names no principal (``"Principal": "*"``), or a service trust
guarded against the confused deputy, relies on a condition to say *whose* requests it
admits: ``aws:PrincipalArn``, ``aws:PrincipalAccount``, ``aws:PrincipalOrgID``,
``aws:PrincipalOrgPaths``, ``aws:SourceAccount``, ``aws:SourceArn``, ``aws:SourceOrgID``,
``aws:SourceOrgPaths`` or ``aws:SourceOwner``. Such a condition only *pins* the caller
when every request it admits comes from the accounts or organizations it names. This
module is the one predicate that decides it; the template rules (IAMR-TRUST-001,
IAMR-TRUST-006, IAMR-TRUST-007) and the constructors (``CrossAccountRole``,
``ServiceRole``) all call it, so a value refused at construction is refused at synth
with the same rule ID.

The reasoning, operator family by operator family (IAM User Guide, "IAM JSON policy
elements: Condition operators",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):

- ``StringEquals`` / ``StringEqualsIgnoreCase`` compare characters: ``*`` and ``?`` are
  literal, so any value pins (a value holding ``*`` matches no real caller: the role is
  locked, not open; IAMR-OIDC-005 reports that). A policy variable (``${aws:...}``) is
  the exception: it is replaced by a value of the request, so it can equal any caller's
  own account ("Policy variables" are allowed with string and ARN operators:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
  ``${*}``, ``${?}`` and ``${$}`` are the literal characters.
- ``StringLike`` treats ``*`` and ``?`` as wildcards anywhere in the string, across
  colons and slashes: a wildcard in (or before) the account or organization part lets a
  value stand for any account (``arn:aws:iam::*:role/*``, ``o-*``, ``*``). A ``*`` before
  the account field of an ARN can even swallow a whole ARN prefix, because role paths may
  hold ``:``.
- ``ArnEquals`` and ``ArnLike`` are the same operator: "each of the six colon-delimited
  components of the ARN is checked separately and each can include" ``*`` and ``?``
  (#Conditions_ARN). A wildcard in the account component matches every account. An ARN
  without an account (S3 buckets) names an account only through a globally unique,
  exact resource name.
- Negated operators (``StringNotEquals``, ``StringNotLike``, ``ArnNotEquals``,
  ``ArnNotLike`` …) admit every value they do not list, and "if the key … is not present
  in the request context … the condition is true": they exclude, never pin.
- ``…IfExists`` "returns true" when the key is absent (#Conditions_IfExists). In an Allow
  a principal outside any organization carries no ``aws:PrincipalOrgID``, and a direct
  ``AssumeRole`` call carries no ``aws:Source*`` key, so the condition lets them in.
- ``Null`` only tests whether a key is present (#Conditions_Null), not whose it is.
- ``ForAllValues:`` is true when the key is absent or empty (IAM User Guide, "Set
  operators for multivalued context keys":
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html),
  so it admits callers without the key. ``ForAnyValue:`` needs the key and at least one
  matching value: it pins exactly as the operator it qualifies.
- Numeric, date, Boolean, binary and IP operators do not compare these identifiers; such
  a condition is not read as a pin (fail closed).
- Several values of one key are ORed: the condition pins only if every value does.
- A value unknown before deployment (a parameter, an import) still pins under an exact
  operator (CloudFormation passes the deployed string as it is, and it is compared
  character for character), but under a wildcard operator it cannot be judged: the
  verdict is ``unknown``, never "pins". A ``Ref``/``Fn::GetAtt`` of a resource of the
  same template (its ARN or ID) pins.

The global condition keys page lists the account and organization keys as *sensitive*:
"the use of wildcards in these condition keys does not have any valid use cases"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).

Example:
    >>> judge_condition("StringLike", "aws:PrincipalOrgID", ["o-*"]).kind
    <PinKind.WILDCARD: 'wildcard'>
    >>> judge_condition("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::111111111111:role/*"]).pins
    True
    >>> judge_condition("StringEqualsIfExists", "aws:PrincipalOrgID", ["o-a1b2c3d4e5"]).pins
    False
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from cdk_iam_roles.cfn import ResourceRef, StackTemplate, Unknown, is_unresolved
from cdk_iam_roles.documents import read_policy_document
from cdk_iam_roles.rules.view import (
    ConditionEntry,
    RoleView,
    TemplateView,
    condition_entries,
    statements_of,
)

__all__ = [
    "PIN_KEYS",
    "STAND_IN_ACCOUNT",
    "PinCheck",
    "PinKind",
    "PinVerdict",
    "judge_condition",
    "judge_entry",
    "judge_value",
    "pin_checks",
    "stand_in_statement",
    "stand_in_statements",
    "statement_pinned",
]


class _Part(enum.Enum):
    """Which part of a key's value names the account or organization."""

    ACCOUNT = "account ID"
    ORG = "organization ID"
    ORG_PATH = "organization path"
    ARN = "ARN"


# The principal- and source-pinning keys, lower-cased (IAM compares keys ignoring case).
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
_KEYS: Mapping[str, _Part] = {
    "aws:principalarn": _Part.ARN,
    "aws:principalaccount": _Part.ACCOUNT,
    "aws:principalorgid": _Part.ORG,
    "aws:principalorgpaths": _Part.ORG_PATH,
    "aws:sourcearn": _Part.ARN,
    "aws:sourceaccount": _Part.ACCOUNT,
    "aws:sourceowner": _Part.ACCOUNT,
    "aws:sourceorgid": _Part.ORG,
    "aws:sourceorgpaths": _Part.ORG_PATH,
}
PIN_KEYS = frozenset(_KEYS)
"""The keys that can pin a caller to accounts or organizations, lower-cased."""

_EXACT = frozenset({"stringequals", "stringequalsignorecase"})
_GLOB = frozenset({"stringlike"})
_ARN = frozenset({"arnequals", "arnlike"})
_NEGATED = frozenset(
    {"stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike"}
)
# ${*}, ${?} and ${$} stand for the literal characters; any other ${...} is a variable.
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ESCAPES = frozenset({"*", "?", "$"})
_LITERAL = "\x00"  # stands for an escaped literal character while judging
_WILD = "*?"

STAND_IN_ACCOUNT = "000000000000"
"""What ``AWS::AccountId`` reads as when the stack's account is unknown (judging only)."""
_STAND_IN_REGION = "us-east-1"

Matching = Literal["exact", "glob", "arn"]


class PinKind(enum.StrEnum):
    """How a condition (or one value of it) bears on who can get in."""

    PINS = "pins"
    """Every request it admits comes from the accounts, organizations or principals named."""
    WILDCARD = "wildcard"
    """A wildcard or policy variable in the account or organization part matches any."""
    LOOSE = "loose"
    """The value names no account: a pattern over names that any account can create."""
    INEFFECTIVE = "ineffective"
    """The operator admits requests without the key, or any value it does not list."""
    UNKNOWN = "unknown"
    """The value is not known before deployment and a wildcard operator reads it."""


@dataclass(frozen=True, slots=True)
class PinVerdict:
    """The verdict on one condition or value.

    Args:
        kind: the verdict.
        reason: why it does not pin, in words ("" when it pins).
    """

    kind: PinKind
    reason: str = ""

    @property
    def pins(self) -> bool:
        """True when the condition narrows the caller to named accounts or organizations."""
        return self.kind is PinKind.PINS


_PINS = PinVerdict(PinKind.PINS)


def _masked(text: str) -> tuple[str, bool]:
    """``text`` with escaped literals masked, and whether it holds a policy variable."""
    variable = False

    def one(match: re.Match[str]) -> str:
        nonlocal variable
        if match.group(1) in _ESCAPES:
            return _LITERAL
        variable = True
        return "*"

    return _VARIABLE.sub(one, text), variable


def _wild(text: str, matching: Matching) -> bool:
    return matching != "exact" and any(ch in text for ch in _WILD)


def judge_value(key: str, value: object, *, matching: Matching) -> PinVerdict:
    """Whether one condition value pins ``key`` to named accounts or organizations.

    Args:
        key: a key of :data:`PIN_KEYS` (any case).
        value: the value as resolved: a string, an unknown or a template resource.
        matching: ``"exact"`` (StringEquals), ``"glob"`` (StringLike) or ``"arn"``
            (ArnEquals/ArnLike).

    Raises:
        KeyError: ``key`` is not a pinning key.

    Example:
        >>> judge_value("aws:SourceArn", "arn:aws:lambda:*:*:function:x", matching="arn").kind
        <PinKind.WILDCARD: 'wildcard'>
        >>> judge_value("aws:SourceAccount", "111111111111", matching="exact").pins
        True
    """
    part = _KEYS[key.lower()]
    if isinstance(value, ResourceRef):
        return _PINS  # the ARN or ID of a resource of this template
    if isinstance(value, Unknown):
        if matching == "exact":
            return _PINS
        return PinVerdict(
            PinKind.UNKNOWN, f"the value is not known before deployment ({value.reason})"
        )
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return PinVerdict(PinKind.UNKNOWN, f"the value {value!r} is not a string")
    text, variable = _masked(str(value))
    if variable and matching == "exact":
        matching = "glob"  # a variable is filled from the request: it can match anyone
    wild = "a policy variable" if variable else "a wildcard"
    if part in (_Part.ACCOUNT, _Part.ORG):
        if _wild(text, matching):
            return PinVerdict(
                PinKind.WILDCARD,
                f"{wild} in the {part.value} matches other {_plural(part)}",
            )
        return _PINS
    if part is _Part.ORG_PATH:
        head, slash, _ = text.partition("/")
        if _wild(head, matching) or (not slash and _wild(text, matching)):
            return PinVerdict(
                PinKind.WILDCARD, f"{wild} in the organization part matches every organization"
            )
        return _PINS
    return _judge_arn(text, matching, wild)


def _plural(part: _Part) -> str:
    return "accounts" if part is _Part.ACCOUNT else "organizations"


def _judge_arn(text: str, matching: Matching, wild: str) -> PinVerdict:
    fields = text.split(":", 5)
    if len(fields) < 6:
        if _wild(text, matching):
            return PinVerdict(
                PinKind.WILDCARD,
                f"{wild} stands where the ARN's account field should be, so it matches any account",
            )
        return _PINS  # a literal that is not an ARN matches no caller
    account, resource = fields[4], fields[5]
    if _wild(account, matching):
        return PinVerdict(PinKind.WILDCARD, f"{wild} in the account field matches every account")
    if matching == "glob" and any(_wild(f, matching) for f in fields[:4]):
        return PinVerdict(
            PinKind.WILDCARD,
            f"under StringLike {wild} before the account ID can stand for another account "
            "(StringLike does not split ARNs into fields; ArnLike does)",
        )
    if account:
        return _PINS
    if not _wild(resource, matching):
        return _PINS  # an exact, account-less ARN (an S3 bucket name is global)
    if resource.strip(_WILD + "/") == "":
        return PinVerdict(PinKind.WILDCARD, f"{wild} as the whole resource matches every account")
    return PinVerdict(
        PinKind.LOOSE,
        "the ARN has no account field and its resource part is a pattern: another account "
        "can create a resource whose name matches",
    )


def _matching(base: str) -> Matching | None:
    if base in _EXACT:
        return "exact"
    if base in _GLOB:
        return "glob"
    if base in _ARN:
        return "arn"
    return None


def judge_condition(operator: str, key: str, values: Sequence[object]) -> PinVerdict | None:
    """Whether one operator/key pair of a ``Condition`` pins the caller.

    Args:
        operator: the operator as written (``ForAnyValue:StringLikeIfExists``).
        key: the condition key.
        values: its values (one value is a list of one).

    Returns:
        ``None`` when ``key`` is not a pinning key, else the verdict.

    Example:
        >>> judge_condition("ForAllValues:StringEquals", "aws:PrincipalOrgPaths",
        ...     ["o-a1b2c3d4e5/*"]).kind
        <PinKind.INEFFECTIVE: 'ineffective'>
    """
    entries = condition_entries({"Condition": {operator: {key: list(values)}}})
    return judge_entry(entries[0]) if entries else None


def judge_entry(entry: ConditionEntry) -> PinVerdict | None:
    """:func:`judge_condition` for one entry of ``rules.view.condition_entries``."""
    if entry.key_lower not in PIN_KEYS:
        return None
    if entry.base == "null":
        return PinVerdict(
            PinKind.INEFFECTIVE, "Null only tests whether the key is present, not whose it is"
        )
    if entry.base in _NEGATED:
        return PinVerdict(
            PinKind.INEFFECTIVE,
            f"{entry.operator} admits every value it does not list, and requests without the key",
        )
    if entry.if_exists:
        return PinVerdict(
            PinKind.INEFFECTIVE,
            f"{entry.operator} is true when the key is absent (a caller outside any "
            "organization, or a call that carries no source key)",
        )
    if entry.qualifier == "forallvalues":
        return PinVerdict(
            PinKind.INEFFECTIVE, f"{entry.operator} is true when the key is absent or empty"
        )
    matching = _matching(entry.base)
    if matching is None:
        return PinVerdict(
            PinKind.INEFFECTIVE,
            f"{entry.operator} is not a string or ARN operator, so it is not read as a pin",
        )
    if not entry.values:
        return PinVerdict(PinKind.INEFFECTIVE, "the condition lists no value")
    for value in entry.values:
        verdict = judge_value(entry.key, value, matching=matching)
        if not verdict.pins:
            shown = value if isinstance(value, str) else str(value)
            return PinVerdict(verdict.kind, f"{shown!r}: {verdict.reason}")
    return _PINS


@dataclass(frozen=True, slots=True)
class PinCheck:
    """One condition on a pinning key of a statement, with its verdict.

    Args:
        entry: the operator/key pair.
        verdict: what it pins.
    """

    entry: ConditionEntry
    verdict: PinVerdict

    def describe(self) -> str:
        """The condition and, when it pins nothing, why (for finding messages)."""
        text = f"{self.entry.operator} {self.entry.key}"
        return text if self.verdict.pins else f"{text} ({self.verdict.reason})"


def pin_checks(statement: Mapping[str, Any]) -> list[PinCheck]:
    """Every condition of ``statement`` on a pinning key, judged.

    Example:
        >>> checks = pin_checks({"Condition": {"StringLike": {"aws:PrincipalOrgID": "o-*"}}})
        >>> [c.verdict.kind for c in checks]
        [<PinKind.WILDCARD: 'wildcard'>]
    """
    found: list[PinCheck] = []
    for entry in condition_entries(statement):
        verdict = judge_entry(entry)
        if verdict is not None:
            found.append(PinCheck(entry, verdict))
    return found


def statement_pinned(statement: Mapping[str, Any]) -> bool:
    """True when at least one condition pins the caller (conditions are ANDed)."""
    return any(check.verdict.pins for check in pin_checks(statement))


def stand_in_statements(view: TemplateView, role: RoleView) -> list[Mapping[str, Any]]:
    """The role's trust statements, with stand-ins where only the environment is unknown.

    In a stack without an environment, ``arn:${AWS::Partition}:iam::222222222222:root``
    and ``arn:aws:iam::${AWS::AccountId}:role/x`` resolve to unknowns, although neither
    can hold a wildcard: the account is a 12-digit ID and the partition a name. For
    judging pins and principals, the trust policy is resolved again with
    :data:`STAND_IN_ACCOUNT` and a stand-in region for the unknown pseudo parameters
    (parameters and imports stay unknown). When that gives a different shape than the
    view's statements (an intrinsic over the whole document), the view's statements are
    returned.
    """
    # Resolved once per role and template view, however many rules ask.
    slots = getattr(view, "__dict__", None)  # a view without __dict__: no cache
    cache: dict[str, list[Mapping[str, Any]]] = (
        slots.setdefault("_pin_stand_ins", {}) if isinstance(slots, dict) else {}
    )
    cached = cache.get(role.logical_id)
    if cached is None:
        statements = role.trust_statements
        stack = view.stack
        if (stack.account is not None and stack.region is not None) or not is_unresolved(
            statements
        ):
            cached = statements
        else:
            cached = _stand_ins(stack, role, statements)
        cache[role.logical_id] = cached
    return cached


def stand_in_statement(
    view: TemplateView, role: RoleView, index: int, statement: Mapping[str, Any]
) -> Mapping[str, Any]:
    """Statement ``index`` of :func:`stand_in_statements` (``statement`` when absent)."""
    statements = stand_in_statements(view, role)
    return statements[index] if index < len(statements) else statement


def _stand_ins(
    stack: StackTemplate, role: RoleView, statements: list[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    resolver = replace(
        stack.resolver,
        account=stack.account or STAND_IN_ACCOUNT,
        region=stack.region or _STAND_IN_REGION,
    )
    # The one reader of policy documents, in the stand-in environment: JSON text and
    # Fn::If variants are read exactly as the view reads them.
    read = read_policy_document(
        role.raw_properties.get("AssumeRolePolicyDocument"), resolver, kind="trust"
    )
    candidates = statements_of(read.document)
    return candidates if len(candidates) == len(statements) else statements
