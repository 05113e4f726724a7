"""Matching one statement against a request: Action, Resource, Principal, Condition.

What `evaluate` (in ``_evaluator``) combines, statement by statement: whether each
statement applies to the request, certainly (``MATCH``), certainly not (``NO``, or
``None`` when it fails before its conditions), or cannot be known offline (``UNKNOWN``),
with the conditions that failed and what could not be evaluated.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from cdk_iam_roles.analysis._compile import CompiledStatement
from cdk_iam_roles.analysis._conditions import Context, evaluate_with_placeholders
from cdk_iam_roles.analysis._model import ConditionFailure, Unevaluable
from cdk_iam_roles.analysis._placeholders import holds_placeholder, is_placeholder, match_opaque
from cdk_iam_roles.analysis._principals import (
    Caller,
    MatchKind,
    PrincipalEntry,
    not_principal_exempts,
)
from cdk_iam_roles.analysis._variables import has_variable, substitute

MATCH = 1
NO = 0
UNKNOWN = 2


# When several entries of one Principal element name the caller, the most specific one
# decides which limits the grant is subject to.
KIND_RANK: dict[MatchKind, int] = {
    "session": 0,
    "user": 1,
    "service": 1,
    "federated": 1,
    "canonical": 1,
    "self": 2,
    "wildcard": 3,
    "role": 4,
    "account": 5,
}


class Hit:
    """A statement whose Action, Resource and Principal matched, with its conditions' fate."""

    __slots__ = ("failures", "kind", "statement", "status", "unknown")

    def __init__(
        self,
        statement: CompiledStatement,
        status: int,
        kind: MatchKind | None,
        failures: tuple[ConditionFailure, ...],
        unknown: tuple[Unevaluable, ...],
    ) -> None:
        self.statement = statement
        self.status = status
        self.kind = kind
        self.failures = failures
        self.unknown = unknown


class Opaque:
    """Which request values hold placeholders (names known only at deployment).

    Such a value is an opaque unknown: a statement whose matching depends on it is
    unknown, never a match and never a certain miss (see ``_placeholders``).
    """

    __slots__ = ("caller", "keys", "resource")

    def __init__(self, resource: bool, caller: bool, keys: frozenset[str]) -> None:
        self.resource = resource
        self.caller = caller
        self.keys = keys


def request_opaque(resource: str, caller: Caller, context: Context) -> Opaque | None:
    keys: frozenset[str] = frozenset()
    for value in context.values():
        # A placeholder holds "{": test that in C before calling the full check.
        if ("{" in value if isinstance(value, str) else any("{" in v for v in value)) and (
            holds_placeholder(value)
        ):
            keys = frozenset(k for k, v in context.items() if holds_placeholder(v))
            break
    if not keys and "{" not in resource and "{" not in caller.raw:
        return None
    opaque = Opaque(is_placeholder(resource), is_placeholder(caller.raw), keys)
    return opaque if opaque.resource or opaque.caller or opaque.keys else None


def _resource_opaque(statement: CompiledStatement, resource: str, context: Context) -> bool | None:
    """Three-valued Resource/NotResource match of a resource that may hold placeholders."""
    unknown = False
    matched = False
    for pattern in statement.resource_patterns:
        written = pattern
        if statement.resource_variables and has_variable(pattern):
            resolved = substitute(pattern, context.get)
            if resolved is None:
                continue
            written = resolved
        found = match_opaque(written, resource, "resource")
        if found:
            matched = True
            break
        if found is None:
            unknown = True
    result: bool | None = True if matched else (None if unknown else False)
    if statement.resource_negated and result is not None:
        result = not result
    return result


def _entry_unknown(entry: PrincipalEntry, caller: Caller) -> bool:
    """Whether an entry that did not name the caller might, once placeholders are known."""
    if entry.family in ("Federated", "CanonicalUser"):
        return match_opaque(entry.value, caller.raw, "literal") is None
    if entry.family == "Service":
        return match_opaque(entry.value, caller.raw, "literal-ci") is None
    if entry.family != "AWS" or not caller.is_aws_identity or entry.form == "wildcard":
        return False
    if entry.form == "account":
        return (
            match_opaque(entry.account or "", caller.account or "", "literal") is None
            and entry.partition == caller.partition
        )
    if entry.form == "role" and caller.kind == "session":
        account = match_opaque(entry.account or "", caller.account or "", "literal")
        name = match_opaque(entry.role_name or "", caller.role_name or "", "literal")
        return account is not False and name is not False and (account is None or name is None)
    return match_opaque(entry.value, caller.raw, "literal") is None


_LOWER_KEYS: dict[str, str] = {}


def normalize_context(
    context: Mapping[str, str | Sequence[str]],
) -> dict[str, str | tuple[str, ...]]:
    # Context key names are case-insensitive.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
    # The usual case first: single string values under keys that do not differ only in
    # case (the lower-case form of a key name is remembered: requests reuse a few names).
    if not context:
        return {}
    lowered: dict[str, str | tuple[str, ...]] = {}
    for key, value in context.items():
        lower = _LOWER_KEYS.get(key)
        if lower is None:
            lower = key.lower()
            if len(_LOWER_KEYS) < 4096:
                _LOWER_KEYS[key] = lower
        if type(value) is not str or lower in lowered:
            break
        lowered[lower] = value
    else:
        return lowered
    normalized: dict[str, str | tuple[str, ...]] = {}
    for key, value in context.items():
        lower = key.lower()
        given: str | tuple[str, ...] = (
            value if isinstance(value, str) else tuple(str(item) for item in value)
        )
        if lower in normalized:
            before = normalized[lower]
            merged = (before,) if isinstance(before, str) else before
            given = merged + ((given,) if isinstance(given, str) else given)
        normalized[lower] = given
    return normalized


def _apply(
    statement: CompiledStatement,
    action: str,
    resource: str,
    caller: Caller,
    context: Context,
    boundary_present: bool,
    opaque: Opaque | None,
) -> Hit | None:
    """Match one statement; ``None`` when it certainly does not apply before conditions.

    ``action`` is lower-case: actions are case-insensitive; `statement_hits` has already checked
    the statement's Action. ``opaque`` says which request values hold placeholders; where
    a match depends on one, the statement is unknown.
    """
    unknown = statement.problems
    if statement.resource is not None:
        if opaque is not None and (
            opaque.resource
            or (
                opaque.keys
                and statement.resource_variables
                and any(has_variable(p) for p in statement.resource_patterns)
            )
        ):
            found_resource = _resource_opaque(statement, resource, context)
            if found_resource is False:
                return None
            if found_resource is None:
                element = "NotResource" if statement.resource_negated else "Resource"
                problem = _unknown(
                    statement,
                    element,
                    f"whether {list(statement.resource_patterns)} matches {resource} "
                    "depends on a name known only at deployment (a placeholder)",
                )
                unknown = (*unknown, problem)
        elif not statement.resource(resource, context):
            return None
    kind: MatchKind | None = None
    entries = statement.principals
    if entries is not None:
        maybe = opaque is not None and opaque.caller
        if statement.not_principal:
            named = not_principal_exempts(entries, caller)
            # "The NotPrincipal element with a Deny effect will always deny any IAM
            # principal that has a permissions boundary policy attached".
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
            if statement.effect == "Deny" and boundary_present and caller.is_aws_identity:
                named = False
            if named:
                return None
            if named is None:
                unknown = (*unknown, _not_principal_unknown(statement, caller))
            elif maybe and any(_entry_unknown(entry, caller) for entry in entries):
                unknown = (*unknown, _principal_unknown(statement, caller, "NotPrincipal"))
            kind = "wildcard"
        else:
            best: MatchKind | None = None
            for entry in entries:
                found = entry.matches(caller)
                if found is not None and (best is None or KIND_RANK[found] < KIND_RANK[best]):
                    best = found
            if best is None:
                if maybe and any(_entry_unknown(entry, caller) for entry in entries):
                    unknown = (*unknown, _principal_unknown(statement, caller, "Principal"))
                elif any(entry.may_name(caller) for entry in entries):
                    unknown = (*unknown, _federator_unknown(statement, caller))
                else:
                    return None
                best = "role"
            kind = best
    if not statement.clauses:
        return Hit(statement, UNKNOWN if unknown else MATCH, kind, (), unknown)
    failures: list[ConditionFailure] = []
    clause_unknown: list[Unevaluable] = []
    for clause in statement.clauses:
        if isinstance(clause, Unevaluable):
            clause_unknown.append(clause)
            continue
        if opaque is not None and opaque.keys:
            holds, expected = evaluate_with_placeholders(clause, context)
        else:
            holds, expected = clause.evaluate(context)
        if holds is None:
            given = context.get(clause.key.lower())
            if holds_placeholder(given):
                detail = (
                    f"the request value {given!r} holds a name known only at deployment (a "
                    f"placeholder), so whether it satisfies {list(expected)} cannot be known"
                )
            elif not isinstance(given, str) and ":" not in clause.operator:
                detail = (
                    f"the request gives a multivalued {list(given or ())} but the operator "
                    "has no ForAnyValue:/ForAllValues: set operator"
                )
            else:
                detail = f"the request value {given!r} cannot be compared by {clause.operator}"
            clause_unknown.append(
                _unknown(statement, "Condition", f"{clause.operator} {clause.key}: {detail}")
            )
        elif not holds:
            given = context.get(clause.key.lower())
            actual = (given,) if isinstance(given, str) else given
            failures.append(ConditionFailure(clause.key, clause.operator, expected, actual))
    if clause_unknown:
        unknown = unknown + tuple(clause_unknown)
    if failures:
        status = NO
    elif unknown:
        status = UNKNOWN
    else:
        status = MATCH
    return Hit(statement, status, kind, tuple(failures), unknown)


def _principal_unknown(statement: CompiledStatement, caller: Caller, element: str) -> Unevaluable:
    return _unknown(
        statement,
        element,
        f"whether it names {caller.raw} depends on a name known only at deployment (a placeholder)",
    )


def _not_principal_unknown(statement: CompiledStatement, caller: Caller) -> Unevaluable:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
    return _unknown(
        statement,
        "NotPrincipal",
        f"it names {caller.raw} at some levels only (AWS checks the account, then the role, "
        "then the user or session), and such a policy 'might deny access to the entire "
        "account'",
    )


def _federator_unknown(statement: CompiledStatement, caller: Caller) -> Unevaluable:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
    return _unknown(
        statement,
        "Principal",
        f"it names an IAM user of the account of {caller.raw}, which may be the IAM user "
        "who federated this session; the session ARN does not say",
    )


def _unknown(statement: CompiledStatement, element: str, detail: str) -> Unevaluable:
    """What of ``statement``'s ``element`` cannot be evaluated offline, and why."""
    return Unevaluable(statement.ref, element, detail, statement.ref.kind)


def statement_hits(
    action: str,
    resource: str,
    caller: Caller,
    context: Context,
    boundary_present: bool,
    opaque: Opaque | None,
    statements: Iterable[CompiledStatement],
) -> list[Hit]:
    found: list[Hit] = []
    for statement in statements:
        # Most statements that do not apply fail on Action: test it before the call.
        matches_action = statement.action
        if matches_action is not None and not matches_action(action):
            continue
        hit = _apply(statement, action, resource, caller, context, boundary_present, opaque)
        if hit is not None:
            found.append(hit)
    return found
