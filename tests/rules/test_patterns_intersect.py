"""IAMR-POL-002's pattern intersection: the fast path for plain ARNs agrees with the search.

``patterns_intersect`` matches a resource without wildcards against an ARN format with a
greedy wildcard walk and keeps the search over position pairs for two patterns; both
must give the answer of a regular expression built from the pattern.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from cdk_iam_roles.rules.checks.policy_resources_match_actions import (
    _glob_matches,
    _intersect,
    patterns_intersect,
)

_PATTERN = st.text(alphabet="ab:/*?", max_size=12)
_TEXT = st.text(alphabet="ab:/", max_size=12)


def _regex_matches(pattern: str, text: str) -> bool:
    parts = ("." if c == "?" else ".*" if c == "*" else re.escape(c) for c in pattern)
    return re.fullmatch("".join(parts), text, re.DOTALL) is not None


@given(_PATTERN, _TEXT)
def test_the_walk_and_the_search_agree_with_a_regex(pattern: str, text: str) -> None:
    expected = _regex_matches(pattern, text)
    assert _glob_matches(tuple(pattern), tuple(text)) is expected
    assert _intersect(tuple(pattern), tuple(text)) is expected
    assert patterns_intersect(pattern, text) is expected
    assert patterns_intersect(text, pattern) is expected


def test_arn_formats_against_plain_and_wildcard_resources() -> None:
    table = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}"
    assert patterns_intersect(table, "arn:aws:dynamodb:eu-west-1:111111111111:table/t1")
    assert not patterns_intersect(table, "arn:aws:s3:::bucket/key")
    obj = "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    assert patterns_intersect(obj, "arn:aws:s3:::bucket/*")
    assert not patterns_intersect(obj, "arn:aws:s3:::bucket")
    assert patterns_intersect(obj, "arn:aws:s3:::bucket?key")  # "?" can be the "/"


def test_a_long_plain_resource_needs_no_recursion() -> None:
    """A resource thousands of characters long is matched without deep recursion."""
    long_key = "arn:aws:s3:::bucket/" + "k" * 20_000
    assert patterns_intersect("arn:${Partition}:s3:::${BucketName}/${ObjectName}", long_key)
