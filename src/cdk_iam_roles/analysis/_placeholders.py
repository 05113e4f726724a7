"""Placeholders for values only known at deployment, and three-valued matching against them.

The cloud-assembly reader stands in a marked placeholder for a name CloudFormation
generates (``arn:aws:iam::111111111111:role/{generated-name:Shop.Worker1A2B}``) or an
account it cannot know (``{unknown-account}``). To the evaluator such a placeholder is an
**opaque unknown value**: the real name could be anything, so a pattern other than ``*``
or one holding the very same placeholder can neither be said to match it nor not to
match it, unless its fixed text already contradicts the fixed text around the
placeholder (``arn:aws:s3:::…`` never matches ``arn:aws:iam::…``). An unknown match
never grants, and a Deny that depends on one is assumed to deny: never fail open.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal, TypeAlias

from cdk_iam_roles.analysis._patterns import arn_glob, glob, resource_glob, unmark

PLACEHOLDER_MARKERS = ("{generated-", "{unknown-")
"""Text that starts every placeholder the assembly reader writes."""

_PLACEHOLDER = re.compile(r"\{(?:generated-[a-z-]+|unknown-[a-z-]+)(?::[^{}]*)?\}")

MatchStyle: TypeAlias = Literal["literal", "literal-ci", "glob", "arn", "resource"]
"""How a pattern is compared: exactly, ignoring case, ``*``/``?`` globs, ARN fields, or
the Resource element's rules."""

_WILDCARDS = "*?"


def is_placeholder(value: str) -> bool:
    """Whether ``value`` holds a placeholder for a value known only at deployment.

    Args:
        value: a name, ARN or other string. Required.

    Example:
        >>> is_placeholder("arn:aws:iam::111111111111:role/{generated-name:S.Role}")
        True
        >>> is_placeholder("arn:aws:iam::111111111111:role/admin")
        False
    """
    # Plain substring tests (the two PLACEHOLDER_MARKERS) first: this runs on every
    # request value of every evaluation.
    if "{" not in value or ("{generated-" not in value and "{unknown-" not in value):
        return False
    return _PLACEHOLDER.search(value) is not None


def holds_placeholder(value: str | tuple[str, ...] | None) -> bool:
    """Whether a request value (one string or several) holds a placeholder.

    Args:
        value: a context value, resource or principal. Required.

    Example:
        >>> holds_placeholder(("a", "x/{generated-name:S.B}"))
        True
    """
    if value is None:
        return False
    if isinstance(value, str):
        return "{" in value and is_placeholder(value)
    return any("{" in item and is_placeholder(item) for item in value)


def _matcher(style: MatchStyle, pattern: str) -> Callable[[str], bool]:
    if style == "literal":
        literal = unmark(pattern)
        return literal.__eq__
    if style == "literal-ci":
        folded = unmark(pattern).casefold()
        return lambda value: value.casefold() == folded
    if style == "glob":
        return glob(pattern)
    if style == "arn":
        return arn_glob(pattern)
    return resource_glob(pattern)


def _with_sentinels(text: str, tokens: dict[str, str], width: int) -> str:
    # Private-use characters never appear in policies, so a sentinel only ever matches
    # itself or a wildcard.
    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        if token not in tokens:
            tokens[token] = chr(0xE100 + len(tokens))
        return tokens[token] * width

    return _PLACEHOLDER.sub(swap, text)


def _fixed_prefix(text: str, stop_at_wildcard: bool) -> str:
    end = len(text)
    hole = _PLACEHOLDER.search(text)
    if hole is not None:
        end = hole.start()
    if stop_at_wildcard:
        for char in _WILDCARDS:
            found = text.find(char)
            if found != -1:
                end = min(end, found)
    return unmark(text[:end])


def _fixed_suffix(text: str, stop_at_wildcard: bool) -> str:
    start = 0
    for hole in _PLACEHOLDER.finditer(text):
        start = hole.end()
    if stop_at_wildcard:
        for char in _WILDCARDS:
            found = text.rfind(char)
            if found != -1:
                start = max(start, found + 1)
    return unmark(text[start:])


def _contradicts(pattern: str, value: str, style: MatchStyle) -> bool:
    """Whether the fixed text of ``pattern`` and ``value`` already rules a match out."""
    wild = style not in ("literal", "literal-ci")
    fold = style == "literal-ci"
    pattern_prefix = _fixed_prefix(pattern, wild)
    value_prefix = _fixed_prefix(value, False)
    pattern_suffix = _fixed_suffix(pattern, wild)
    value_suffix = _fixed_suffix(value, False)
    if fold:
        pattern_prefix, value_prefix = pattern_prefix.casefold(), value_prefix.casefold()
        pattern_suffix, value_suffix = pattern_suffix.casefold(), value_suffix.casefold()
    size = min(len(pattern_prefix), len(value_prefix))
    if pattern_prefix[:size] != value_prefix[:size]:
        return True
    size = min(len(pattern_suffix), len(value_suffix))
    return size > 0 and pattern_suffix[-size:] != value_suffix[-size:]


def match_opaque(pattern: str, value: str, style: MatchStyle) -> bool | None:
    """Match ``value`` against ``pattern`` when either may hold placeholders.

    Returns ``True`` when it matches whatever the placeholders stand for, ``False`` when it
    matches for no value of them, and ``None`` when that depends on the value known only
    at deployment. Without placeholders it is the plain comparison.

    Args:
        pattern: the policy's value (a Resource pattern, a condition value …). Required.
        value: the request's value. Required.
        style: how the two are compared. Required.

    Example:
        >>> role = "arn:aws:iam::111111111111:role/{generated-name:S.Worker}"
        >>> match_opaque("arn:aws:iam::111111111111:role/prod-*", role, "resource") is None
        True
        >>> match_opaque(role, role, "resource"), match_opaque("*", role, "glob")
        (True, True)
        >>> match_opaque("arn:aws:s3:::*", role, "resource")
        False
    """
    if not (is_placeholder(value) or is_placeholder(pattern)):
        return _matcher(style, pattern)(value)
    if pattern == "*" and style in ("glob", "arn", "resource"):
        return True
    # A match that holds both when each placeholder is one character and when it is three
    # relies on the placeholders lining up, not on what they stand for.
    certain = True
    for width in (1, 3):
        tokens: dict[str, str] = {}
        swapped_pattern = _with_sentinels(pattern, tokens, width)
        swapped_value = _with_sentinels(value, tokens, width)
        if not _matcher(style, swapped_pattern)(swapped_value):
            certain = False
            break
    if certain:
        return True
    if _contradicts(pattern, value, style):
        return False
    return None


def any_opaque(patterns: tuple[str, ...] | list[str], value: str, style: MatchStyle) -> bool | None:
    """Three-valued OR of `match_opaque` over several patterns (values of one element).

    Args:
        patterns: the policy's values. Required.
        value: the request's value. Required.
        style: how they are compared. Required.

    Example:
        >>> any_opaque(["arn:aws:s3:::b/*", "*"], "arn:aws:s3:::{generated-name:S.B}", "resource")
        True
    """
    unknown = False
    for pattern in patterns:
        found = match_opaque(pattern, value, style)
        if found:
            return True
        if found is None:
            unknown = True
    return None if unknown else False
