"""Wildcard and ARN matching, compiled once per distinct pattern."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

Matcher = Callable[[str], bool]

LITERAL_STAR = "\ue000"
"""Stands for a ``*`` that must match itself (from ``${*}`` or a substituted value)."""
LITERAL_QUESTION = "\ue001"
"""Stands for a ``?`` that must match itself (from ``${?}`` or a substituted value)."""


def unmark(value: str) -> str:
    """Turn literal-wildcard markers back into the characters they stand for.

    Args:
        value: a policy value after variable substitution. Required.

    Example:
        >>> unmark(mark_literal("a*b"))
        'a*b'
    """
    # Two replaces, not str.translate: translate with a mapping looks every character up
    # (slow on long values), while replace scans in C and returns the value itself when
    # no marker is present (the usual case).
    return value.replace(LITERAL_STAR, "*").replace(LITERAL_QUESTION, "?")


def mark_literal(value: str) -> str:
    """Protect ``*`` and ``?`` in a value so that pattern matching takes them literally.

    Args:
        value: text to insert into a pattern. Required.

    Example:
        >>> glob("x" + mark_literal("*"))("xy")
        False
    """
    return value.replace("*", LITERAL_STAR).replace("?", LITERAL_QUESTION)


# A wildcard `*` in a policy is any run of characters and `?` exactly one character.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String


def _glob_body(pattern: str, star: str, one: str) -> str:
    parts: list[str] = []
    for char in pattern:
        if char == "*":
            parts.append(star)
        elif char == "?":
            parts.append(one)
        elif char == LITERAL_STAR:
            parts.append(re.escape("*"))
        elif char == LITERAL_QUESTION:
            parts.append(re.escape("?"))
        else:
            parts.append(re.escape(char))
    return "".join(parts)


@lru_cache(maxsize=8192)
def glob(pattern: str, ignore_case: bool = False) -> Matcher:
    """Return a predicate matching whole strings against a ``*``/``?`` pattern.

    Args:
        pattern: the pattern; ``*`` matches any run of characters (colons and newlines
            included), ``?`` exactly one. Required.
        ignore_case: compare case-insensitively. Default ``False``.

    Example:
        >>> glob("s3:Get*", ignore_case=True)("S3:GETOBJECT")
        True
    """
    if "*" not in pattern and "?" not in pattern:
        literal = unmark(pattern)
        if ignore_case:
            folded = literal.casefold()
            return lambda value: value.casefold() == folded
        return literal.__eq__
    if pattern == "*":
        return lambda value: True
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    regex = re.compile(_glob_body(pattern, ".*", "."), flags)
    return lambda value: regex.fullmatch(value) is not None


def split_arn(value: str) -> tuple[str, str, str, str, str, str] | None:
    """Split an ARN into its six fields (the resource field keeps its colons).

    Args:
        value: the ARN. Required.

    Example:
        >>> split_arn("arn:aws:logs:eu-west-1:111122223333:log-group:g:*")
        ('arn', 'aws', 'logs', 'eu-west-1', '111122223333', 'log-group:g:*')
    """
    parts = value.split(":", 5)
    if len(parts) != 6:
        return None
    return (parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])


@lru_cache(maxsize=8192)
def arn_glob(pattern: str) -> Matcher:
    """Return a predicate matching ARNs field by field, case-sensitively (ARN operators).

    "Each of the six colon-delimited components of the ARN is checked separately": the
    first five fields never let a wildcard span a colon; the resource field (everything
    after the fifth colon) is one string in which ``*`` may span ``/`` and ``:``. A
    pattern of fewer than six fields matches nothing, except ``"*"`` which matches all.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN

    Args:
        pattern: the ARN pattern. Required.

    Example:
        >>> arn_glob("arn:aws:s3:::bucket/*")("arn:aws:s3:::bucket/a:b/c")
        True
        >>> arn_glob("arn:aws:*:us-east-1:*:*")("arn:aws:sqs:us-east-1:1:q")
        True
    """
    if pattern == "*":
        return lambda value: True
    fields = split_arn(pattern)
    if fields is None:
        # Six fields are compared one by one; a pattern with fewer matches no ARN.
        return lambda value: False
    if "*" not in pattern and "?" not in pattern:
        return unmark(pattern).__eq__
    head = ":".join(_glob_body(part, "[^:]*", "[^:]") for part in fields[:5])
    regex = re.compile(head + ":" + _glob_body(fields[5], ".*", "."), re.DOTALL)
    return lambda value: regex.fullmatch(value) is not None


@lru_cache(maxsize=8192)
def resource_glob(pattern: str) -> Matcher:
    """Return a predicate matching resource ARNs against a Resource element pattern.

    Wildcards work within the colon-separated segments; a ``*`` that ends a segment "can
    expand to match beyond the colon boundaries", and in the resource part (after the
    fifth colon) any ``*`` spans colons and slashes. Matching is case-sensitive.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards

    Args:
        pattern: the Resource (or NotResource) value. Required.

    Example:
        >>> resource_glob("arn:aws:sqs:*")("arn:aws:sqs:us-east-1:111122223333:q")
        True
        >>> resource_glob("arn:aws:sqs:us-*1:*:q")("arn:aws:sqs:us-east-1:111122223333:q")
        True
        >>> resource_glob("arn:aws:s3:::b/*")("arn:aws:s3:::c/x")
        False
    """
    if pattern == "*":
        return lambda value: True
    if "*" not in pattern and "?" not in pattern:
        return unmark(pattern).__eq__
    segments = pattern.split(":")
    parts: list[str] = []
    for number, segment in enumerate(segments):
        if number >= 5:
            parts.append(_glob_body(segment, ".*", "."))
            continue
        if segment.endswith("*"):
            parts.append(_glob_body(segment[:-1], "[^:]*", "[^:]") + ".*")
        else:
            parts.append(_glob_body(segment, "[^:]*", "[^:]"))
    regex = re.compile(":".join(parts), re.DOTALL)
    return lambda value: regex.fullmatch(value) is not None
