"""Condition operators, compiled once per policy and evaluated per request.

Operator semantics follow
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
and set operators
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from cdk_iam_roles.analysis._patterns import arn_glob, glob, split_arn, unmark
from cdk_iam_roles.analysis._placeholders import MatchStyle, any_opaque, is_placeholder
from cdk_iam_roles.analysis._variables import has_variable, substitute, unresolved_marker
from cdk_iam_roles.cfn import is_unresolved
from cdk_iam_roles.cfn_words import value_words

Context = Mapping[str, str | tuple[str, ...]]
"""Request context, normalized: lower-case key to its value (a tuple for multivalued keys)."""

Compare = Callable[[str, str], bool]


class ConditionError(ValueError):
    """A condition that cannot be evaluated (unknown operator, bad value)."""


def _parse_number(text: str) -> float | None:
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


_EPOCH = re.compile(r"\s*-?\d+(\.\d+)?\s*", re.ASCII)


@lru_cache(maxsize=4096)
def parse_date(text: str) -> float | None:
    """Parse an ISO 8601 date/time or epoch seconds to a UTC timestamp.

    Date condition values may be written in any ISO 8601 form or as epoch (UNIX) time:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date

    Args:
        text: the value. Required.

    Example:
        >>> parse_date("1970-01-02T00:00:00Z"), parse_date("86400")
        (86400.0, 86400.0)
    """
    if _EPOCH.fullmatch(text):
        return float(text)
    candidate = text.strip()
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


@lru_cache(maxsize=4096)
def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _string_equals(actual: str, expected: str) -> bool:
    return actual == unmark(expected)


def _string_equals_ignore_case(actual: str, expected: str) -> bool:
    return actual.casefold() == unmark(expected).casefold()


def _string_like(actual: str, expected: str) -> bool:
    return glob(expected)(actual)


def _numeric(test: Callable[[float, float], bool]) -> Compare:
    def compare(actual: str, expected: str) -> bool:
        left = _parse_number(actual)
        right = _parse_number(expected)
        return left is not None and right is not None and test(left, right)

    return compare


def _date(test: Callable[[float, float], bool]) -> Compare:
    def compare(actual: str, expected: str) -> bool:
        left = parse_date(actual)
        right = parse_date(expected)
        return left is not None and right is not None and test(left, right)

    return compare


def _bool(actual: str, expected: str) -> bool:
    return actual.strip().lower() == expected.strip().lower()


def _binary(actual: str, expected: str) -> bool:
    return actual == expected


def _ip(actual: str, expected: str) -> bool:
    address = _address(actual)
    network = _network(expected)
    if address is None or network is None or address.version != network.version:
        return False
    return address in network


def _arn(actual: str, expected: str) -> bool:
    if split_arn(actual) is None:
        return False
    return arn_glob(expected)(actual)


@dataclass(frozen=True, slots=True)
class _Operator:
    compare: Compare
    negated: bool
    family: str


def _eq(a: float, b: float) -> bool:
    return a == b


def _lt(a: float, b: float) -> bool:
    return a < b


def _le(a: float, b: float) -> bool:
    return a <= b


def _gt(a: float, b: float) -> bool:
    return a > b


def _ge(a: float, b: float) -> bool:
    return a >= b


# Negated operators are the complement of their positive form; `NumericNotEquals` and
# `DateNotEquals` are therefore "not equal to any listed value".
_OPERATORS: dict[str, _Operator] = {
    "StringEquals": _Operator(_string_equals, False, "string"),
    "StringNotEquals": _Operator(_string_equals, True, "string"),
    "StringEqualsIgnoreCase": _Operator(_string_equals_ignore_case, False, "string"),
    "StringNotEqualsIgnoreCase": _Operator(_string_equals_ignore_case, True, "string"),
    "StringLike": _Operator(_string_like, False, "string"),
    "StringNotLike": _Operator(_string_like, True, "string"),
    "NumericEquals": _Operator(_numeric(_eq), False, "numeric"),
    "NumericNotEquals": _Operator(_numeric(_eq), True, "numeric"),
    "NumericLessThan": _Operator(_numeric(_lt), False, "numeric"),
    "NumericLessThanEquals": _Operator(_numeric(_le), False, "numeric"),
    "NumericGreaterThan": _Operator(_numeric(_gt), False, "numeric"),
    "NumericGreaterThanEquals": _Operator(_numeric(_ge), False, "numeric"),
    "DateEquals": _Operator(_date(_eq), False, "date"),
    "DateNotEquals": _Operator(_date(_eq), True, "date"),
    "DateLessThan": _Operator(_date(_lt), False, "date"),
    "DateLessThanEquals": _Operator(_date(_le), False, "date"),
    "DateGreaterThan": _Operator(_date(_gt), False, "date"),
    "DateGreaterThanEquals": _Operator(_date(_ge), False, "date"),
    "Bool": _Operator(_bool, False, "bool"),
    "BinaryEquals": _Operator(_binary, False, "binary"),
    "IpAddress": _Operator(_ip, False, "ip"),
    "NotIpAddress": _Operator(_ip, True, "ip"),
    "ArnEquals": _Operator(_arn, False, "arn"),
    "ArnLike": _Operator(_arn, False, "arn"),
    "ArnNotEquals": _Operator(_arn, True, "arn"),
    "ArnNotLike": _Operator(_arn, True, "arn"),
}

_ACTUAL_CHECKS: dict[str, Callable[[str], bool]] = {
    "numeric": lambda text: _parse_number(text) is not None,
    "date": lambda text: parse_date(text) is not None,
    "ip": lambda text: _address(text) is not None,
    "arn": lambda text: split_arn(text) is not None,
}

# Policy variables are substituted in string, Boolean and ARN comparisons only: the
# condition operators page marks "Policy variables: Supported" for the string, Boolean
# and ARN operators and "Not supported" for numeric, date, binary and IP address ones.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-wheretouse
_VARIABLE_FAMILIES = frozenset({"string", "arn", "bool"})


def describe_value(value: Any) -> str:
    """A policy value that is not text, in words for messages.

    A value known only at deployment says what it depends on (see
    :func:`cdk_iam_roles.cfn_words.value_words`); anything else is shown as written.

    Example:
        >>> describe_value(5)
        'the value 5'
    """
    if is_unresolved(value):
        return f"a value that depends on {value_words(value)}"
    if isinstance(value, (dict, list)):
        return f"the value {value!r} (an intrinsic function not resolved?)"
    return f"the value {value!r}"


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    raise ConditionError(f"{describe_value(value)} is not a string, number or boolean")


def _validate_value(family: str, text: str) -> None:
    if family == "numeric" and _parse_number(text) is None:
        raise ConditionError(f"{text!r} is not a number")
    if family == "date" and parse_date(text) is None:
        raise ConditionError(f"{text!r} is not an ISO 8601 date or epoch time")
    if family == "ip" and _network(text) is None:
        raise ConditionError(f"{text!r} is not an IP address or CIDR block")
    if family == "bool" and text.strip().lower() not in ("true", "false"):
        raise ConditionError(f"{text!r} is not true or false")


@dataclass(frozen=True, slots=True)
class Clause:
    """One key under one operator of a Condition block, ready to evaluate.

    Args:
        operator: the operator as written (``ForAnyValue:StringLikeIfExists``). Required.
        key: the context key as written. Required.
        values: the policy values as text. Required.
        evaluate: returns (holds, expected values after substitution) for a context;
            holds is ``None`` when the clause cannot be evaluated for that request.
            Required.

    Example:
        >>> clause = compile_clause("StringEquals", "aws:username", ["bob"], True)
        >>> clause.evaluate({"aws:username": "bob"})[0]
        True
    """

    operator: str
    key: str
    values: tuple[str, ...]
    evaluate: Callable[[Context], tuple[bool | None, tuple[str, ...]]]


def compile_clause(operator: str, key: str, raw_values: Any, variables: bool) -> Clause:
    """Compile one key/operator pair of a Condition block.

    Args:
        operator: the operator, possibly with ``ForAnyValue:``/``ForAllValues:`` and
            ``IfExists``. Required.
        key: the context key. Required.
        raw_values: a value or list of values from the policy. Required.
        variables: whether policy variables are substituted (``Version`` 2012-10-17).
            Required.

    Raises:
        ConditionError: the operator is unknown or a value cannot be evaluated.

    Example:
        >>> compile_clause("NumericLessThan", "aws:MultiFactorAuthAge", "900", False).values
        ('900',)
    """
    set_operator = ""
    base = operator
    if ":" in base:
        set_operator, base = base.split(":", 1)
        if set_operator not in ("ForAnyValue", "ForAllValues"):
            raise ConditionError(f"unknown set operator {set_operator!r} in {operator!r}")
    if_exists = base.endswith("IfExists") and base != "IfExists"
    if if_exists:
        base = base[: -len("IfExists")]
    values_list = raw_values if isinstance(raw_values, list) else [raw_values]
    values = tuple(_value_text(value) for value in values_list)
    for text in values:
        marker = unresolved_marker(text)
        if marker is not None:
            raise ConditionError(f"unresolved CloudFormation value {marker!r} in {text!r}")
    if not values:
        raise ConditionError(f"{operator} on {key!r} has no values")
    lower_key = key.lower()

    if base == "Null":
        if set_operator or if_exists:
            raise ConditionError(f"{operator!r} is not a valid form of Null")
        wanted: set[bool] = set()
        for text in values:
            flag = text.strip().lower()
            if flag not in ("true", "false"):
                raise ConditionError(f"Null expects true or false, got {text!r}")
            wanted.add(flag == "true")

        def evaluate_null(context: Context) -> tuple[bool | None, tuple[str, ...]]:
            # A key given with an empty list of values is present (not null).
            absent = lower_key not in context
            return absent in wanted, values

        return Clause(operator, key, values, evaluate_null)

    spec = _OPERATORS.get(base)
    if spec is None:
        raise ConditionError(f"unknown condition operator {operator!r}")
    substitute_values = variables and spec.family in _VARIABLE_FAMILIES
    for text in values:
        if not (substitute_values and has_variable(text)):
            _validate_value(spec.family, text)
    dynamic = substitute_values and any(has_variable(text) for text in values)
    compare = spec.compare
    negated = spec.negated
    valid = _ACTUAL_CHECKS.get(spec.family)

    def expected_for(context: Context) -> tuple[str, ...]:
        if not dynamic:
            return values
        # A variable with no value is "effectively null": it equals or is like nothing,
        # so `StringEquals`/`StringLike` do not match it and the negated operators do.
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value
        lookup = _lookup(context)
        resolved = (substitute(text, lookup) for text in values)
        return tuple(value for value in resolved if value is not None)

    def positive(actual: str, expected: tuple[str, ...]) -> bool:
        # Values of one key are ORed. A plain loop: this is the hot path, and any() over a
        # generator costs a frame per call.
        for value in expected:  # noqa: SIM110
            if compare(actual, value):
                return True
        return False

    def evaluate(context: Context) -> tuple[bool | None, tuple[str, ...]]:
        given = context.get(lower_key)
        actual = (given,) if isinstance(given, str) else given
        if set_operator and given == "":
            # "The ForAllValues qualifier returns true if there are no context keys in
            # the request or if the context key value resolves to a null dataset, such
            # as an empty string."
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
            actual = ()
        expected = expected_for(context) if dynamic else values
        if actual is None:
            if if_exists:
                return True, expected
            if set_operator == "ForAllValues":
                return True, expected
            if set_operator == "ForAnyValue":
                return False, expected
            return negated, expected
        if set_operator:
            # Three-valued: a request value that cannot be compared (no number, date,
            # IP address or ARN) is unknown, and decides only if nothing else does.
            results = [
                None
                if valid is not None and not valid(item)
                else positive(item, expected) != negated
                for item in actual
            ]
            decisive = set_operator == "ForAnyValue"
            if decisive in results:
                return decisive, expected
            return (None if None in results else not decisive), expected
        if isinstance(given, str):
            if valid is not None and not valid(given):
                # A request value that is no number/date/IP/ARN cannot be compared.
                return None, expected
            holds = positive(given, expected) != negated
        else:
            # "Multivalued context keys require a condition set operator": without one
            # AWS does not define the result, so it cannot be evaluated.
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
            return None, expected
        return holds, expected

    bare = [text for text in values if _bare_ipv6(text)] if spec.family == "ip" else []
    if bare:
        # "If you specify an IP address without the associated routing prefix, IAM uses
        # the default prefix value of /32": for an IPv6 address that is a /32 network,
        # not the host (/128). Where the two readings differ, the clause is unknown.
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
        wide = compile_clause(
            operator, key, [f"{t}/32" if t in bare else t for t in values], variables
        ).evaluate
        host = evaluate

        def evaluate_either(context: Context) -> tuple[bool | None, tuple[str, ...]]:
            holds, expected = host(context)
            return (holds if wide(context)[0] == holds else None), expected

        return Clause(operator, key, values, evaluate_either)
    return Clause(operator, key, values, evaluate)


def _bare_ipv6(text: str) -> bool:
    address = _address(text)
    return "/" not in text and address is not None and address.version == 6


def _lookup(context: Context) -> Callable[[str], str | Sequence[str] | None]:
    return context.get


# How each string and ARN operator compares, for values that hold placeholders.
_STYLES: dict[str, MatchStyle] = {
    "StringEquals": "literal",
    "StringNotEquals": "literal",
    "StringEqualsIgnoreCase": "literal-ci",
    "StringNotEqualsIgnoreCase": "literal-ci",
    "StringLike": "glob",
    "StringNotLike": "glob",
    "ArnEquals": "arn",
    "ArnLike": "arn",
    "ArnNotEquals": "arn",
    "ArnNotLike": "arn",
}


def evaluate_with_placeholders(
    clause: Clause, context: Context
) -> tuple[bool | None, tuple[str, ...]]:
    """Evaluate ``clause`` where request values may hold placeholders (opaque unknowns).

    A request value that stands for a name generated at deployment matches a policy value
    only where that holds whatever the name is (``*``, the same placeholder); where it
    depends on the name, the clause cannot be evaluated (``None``), so it never grants and
    a Deny that depends on it is assumed to deny. Without placeholders this is
    ``clause.evaluate``.

    Args:
        clause: the compiled clause. Required.
        context: the normalized request context. Required.

    Example:
        >>> clause = compile_clause("StringLike", "aws:PrincipalArn",
        ...     "arn:aws:iam::111111111111:role/prod-*", True)
        >>> evaluate_with_placeholders(clause, {"aws:principalarn":
        ...     "arn:aws:iam::111111111111:role/{generated-name:S.R}"})[0] is None
        True
    """
    holds, expected = clause.evaluate(context)
    given = context.get(clause.key.lower())
    if given is None:
        return holds, expected
    actual = (given,) if isinstance(given, str) else given
    # Placeholders written in the policy itself are compared as text (a reference to the
    # generated resource on both sides); one in the request, or one a policy variable
    # brought in from the request, is an opaque unknown.
    from_request = any(is_placeholder(item) for item in actual) or (
        any(is_placeholder(item) for item in expected)
        and not any(is_placeholder(item) for item in clause.values)
    )
    if not from_request:
        return holds, expected
    set_operator, _, base = clause.operator.rpartition(":")
    if base.endswith("IfExists") and base != "IfExists":
        base = base[: -len("IfExists")]
    if base == "Null":
        return holds, expected
    spec = _OPERATORS.get(base)
    style = _STYLES.get(base)
    if spec is None or style is None:
        # A placeholder is no number, date, IP address or boolean.
        return None, expected

    def positive(item: str) -> bool | None:
        if spec.family == "arn" and split_arn(item) is None:
            return False
        return any_opaque(expected, item, style)

    results: list[bool | None] = []
    for item in actual:
        found = positive(item)
        results.append(None if found is None else found != spec.negated)
    if set_operator == "ForAnyValue":
        return (True if True in results else None if None in results else False), expected
    if set_operator == "ForAllValues":
        return (False if False in results else None if None in results else True), expected
    if not isinstance(given, str):
        return None, expected
    return results[0], expected
