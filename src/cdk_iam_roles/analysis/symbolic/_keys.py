"""Candidate values of one condition key: finitely many, one for every distinct behaviour.

For the clauses that test a key, every value the key can take (absent included) falls
into one of finitely many classes that no clause can tell apart. This module lists one
value of each class: strings from the automata of :mod:`._automata`, and for numbers,
dates and IP addresses the boundary points of the intervals the clauses name and a point
between each two. Each clause is then evaluated on these values by the evaluator itself,
so the engine and the evaluator can never disagree on what one clause means.

Example:
    >>> values = key_values(["StringEquals"], [("x",)])
    >>> None in values and "x" in values
    True
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import combinations, pairwise

from cdk_iam_roles.analysis._conditions import parse_date
from cdk_iam_roles.analysis.symbolic._automata import (
    Pattern,
    arn_glob,
    glob,
    literal,
    literal_ignore_case,
    prettify,
    signatures,
)

KeyValue = str | tuple[str, ...] | None
"""A key's value in a request: absent (``None``), one string, or several."""

_STRING_FAMILY = {
    "StringEquals": "literal",
    "StringNotEquals": "literal",
    "StringEqualsIgnoreCase": "ci",
    "StringNotEqualsIgnoreCase": "ci",
    "StringLike": "glob",
    "StringNotLike": "glob",
    "BinaryEquals": "literal",
    "ArnEquals": "arn",
    "ArnLike": "arn",
    "ArnNotEquals": "arn",
    "ArnNotLike": "arn",
}
_ORDERED = {
    "NumericEquals": "numeric",
    "NumericNotEquals": "numeric",
    "NumericLessThan": "numeric",
    "NumericLessThanEquals": "numeric",
    "NumericGreaterThan": "numeric",
    "NumericGreaterThanEquals": "numeric",
    "DateEquals": "date",
    "DateNotEquals": "date",
    "DateLessThan": "date",
    "DateLessThanEquals": "date",
    "DateGreaterThan": "date",
    "DateGreaterThanEquals": "date",
    "IpAddress": "ip",
    "NotIpAddress": "ip",
    "Bool": "bool",
}

MAX_LIST_TYPES = 10
"""Distinct item kinds of a multivalued key before the engine gives up."""

ARN_SHAPE = glob("*:*:*:*:*:*")
"""Six colon-separated fields: what the ARN operators require of a request value."""


class NotModelled(Exception):
    """A key's clauses fall outside the modelled fragment; the message says why."""


def split_operator(operator: str) -> tuple[str, str, bool]:
    """``(set operator, base operator, IfExists)`` of an operator as written.

    Example:
        >>> split_operator("ForAnyValue:StringLikeIfExists")
        ('ForAnyValue', 'StringLike', True)
    """
    set_operator, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists") and base != "IfExists"
    if if_exists:
        base = base[: -len("IfExists")]
    return set_operator, base, if_exists


def _string_pattern(base: str, value: str) -> Pattern:
    kind = _STRING_FAMILY[base]
    if kind == "literal":
        return literal(value)
    if kind == "glob":
        return glob(value)
    if kind == "arn":
        return arn_glob(value)
    folded = literal_ignore_case(value)
    if folded is None:
        raise NotModelled(f"{base} with non-ASCII letters in {value!r}")
    return folded


def _family(base: str) -> str:
    if base == "Null":
        return "null"
    if base in _STRING_FAMILY:
        return "string"
    family = _ORDERED.get(base)
    if family is None:
        raise NotModelled(f"operator {base!r}")
    return family


def _ordered_points(numbers: Sequence[float]) -> list[float]:
    ordered = sorted(set(numbers))
    if not ordered:
        return [0.0]
    points = [ordered[0] - 1, ordered[-1] + 1, *ordered]
    points += [(a + b) / 2 for a, b in pairwise(ordered)]
    return points


def _number_text(number: float) -> str:
    return str(int(number)) if number == int(number) else repr(number)


def _date_text(stamp: float) -> str:
    moment = datetime.fromtimestamp(stamp, UTC)
    return moment.isoformat().replace("+00:00", "Z")


def _ip_values(values: Sequence[str]) -> list[str]:
    found: list[str] = []
    for version, default in ((4, "192.0.2.10"), (6, "2001:db8::10")):
        nets = [
            net
            for net in (ipaddress.ip_network(v.strip(), strict=False) for v in values)
            if net.version == version
        ]
        points: set[int] = {int(ipaddress.ip_address(default))}
        top = 2**32 - 1 if version == 4 else 2**128 - 1
        for net in nets:
            low, high = int(net.network_address), int(net.broadcast_address)
            points.update(p for p in (low, high, low - 1, high + 1) if 0 <= p <= top)
        maker = ipaddress.IPv4Address if version == 4 else ipaddress.IPv6Address
        found.extend(str(maker(p)) for p in sorted(points))
    return found


def _string_values(patterns: list[Pattern], arn_shaped: bool, texts: list[str]) -> list[str]:
    required = [ARN_SHAPE] if arn_shaped else []
    preferred = [] if arn_shaped else [glob("?*")]
    found = signatures(patterns, required=required, preferred=preferred)
    # Readable stand-ins: each policy value with its wildcards filled in.
    nicer = [t.replace("*", "other").replace("?", "x") for t in texts if t != "*"]
    return list(prettify(found, patterns, nicer, required=required).values())


def key_values(operators: Sequence[str], values: Sequence[Sequence[str]]) -> list[KeyValue]:
    """One request value for each class of values the given clauses can tell apart.

    Args:
        operators: the operators of the clauses on the key, as written. Required.
        values: the values of each clause (after policy variables are known to be
            absent). Required.

    Raises:
        NotModelled: the clauses mix operator families (numbers and strings), use a
            single-valued operator on a multivalued key, or are too many kinds.

    Example:
        >>> key_values(["NumericLessThan"], [("900",)])
        [None, '899', '901', '900']
    """
    families: set[str] = set()
    set_ops = False
    plain_ops = False
    string_patterns: list[Pattern] = []
    arn_ops = False
    ordered: dict[str, list[str]] = {}
    for operator, clause_values in zip(operators, values, strict=True):
        set_operator, base, _ = split_operator(operator)
        family = _family(base)
        if family == "null":
            continue
        families.add(family)
        if set_operator:
            set_ops = True
        else:
            plain_ops = True
        if family == "string":
            arn_ops = arn_ops or _STRING_FAMILY[base] == "arn"
            string_patterns.extend(_string_pattern(base, v) for v in clause_values)
        else:
            ordered.setdefault(family, []).extend(clause_values)
    if len(families) > 1:
        raise NotModelled(f"one key compared as {' and '.join(sorted(families))}")
    if set_ops and plain_ops:
        raise NotModelled("one key compared with and without ForAnyValue:/ForAllValues:")
    family = next(iter(families), "string")
    if family == "string":
        texts = [
            v
            for op, vs in zip(operators, values, strict=True)
            for v in vs
            if split_operator(op)[1] in _STRING_FAMILY
        ]
        items: list[str] = _string_values(string_patterns, arn_ops, texts)
    elif family == "bool":
        items = ["true", "false", "unset"]
    elif family == "ip":
        items = _ip_values(ordered["ip"])
    elif family == "numeric":
        numbers = [float(v) for v in ordered["numeric"]]
        items = [_number_text(p) for p in _ordered_points(numbers)]
    else:
        stamps = [s for s in (parse_date(v) for v in ordered["date"]) if s is not None]
        items = [_date_text(p) for p in _ordered_points(stamps)]
    result: list[KeyValue] = [None]
    if not set_ops:
        result.extend(items)
        return result
    if len(items) > MAX_LIST_TYPES:
        raise NotModelled(f"{len(items)} kinds of values of a multivalued key")
    # A list's fate under ForAnyValue/ForAllValues depends only on which kinds of items it
    # holds, so one list per set of kinds covers them all (the empty list included).
    for size in range(len(items) + 1):
        result.extend(tuple(combo) for combo in combinations(items, size))
    return result
