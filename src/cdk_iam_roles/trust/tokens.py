"""Recognise CDK tokens without importing the CDK.

CDK encodes values that are only known at deployment (``stack.account``, an ARN of a
resource) as marker strings (``${Token[...]}``), list markers (``#{Token[...]}``) or
special floats. Validators skip tokens: a token is never judged as a string.
"""

from __future__ import annotations

import math

__all__ = ["contains_token", "is_token"]

_STRING_MARKERS = ("${Token[", "#{Token[")
# CDK encodes number tokens as doubles just below -1.8881545897087626e+289.
_NUMBER_TOKEN_LIMIT = -1.8881545897087e289


def is_token(value: object) -> bool:
    """True when ``value`` is, or contains, an unresolved CDK token.

    Example:
        >>> is_token("${Token[AWS.AccountId.6]}"), is_token("111111111111")
        (True, False)
    """
    if isinstance(value, str):
        return any(marker in value for marker in _STRING_MARKERS)
    if isinstance(value, float):
        return math.isfinite(value) and value <= _NUMBER_TOKEN_LIMIT
    if isinstance(value, (list, tuple)):
        return any(is_token(v) for v in value)
    return False


def contains_token(value: object) -> bool:
    """Like :func:`is_token`, and also looks inside mappings."""
    if isinstance(value, dict):
        return any(contains_token(k) or contains_token(v) for k, v in value.items())
    return is_token(value)
