"""Policy variables (``${aws:username}``) and leftovers of unresolved CloudFormation values.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from cdk_iam_roles.analysis._patterns import LITERAL_QUESTION, LITERAL_STAR, mark_literal

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
# `${key, 'default'}`: the default is quoted with single quotes, and '' inside it is one '.
_WITH_DEFAULT = re.compile(r"\s*([^,\s]+)\s*,\s*'((?:[^']|'')*)'\s*")
# Other markers a value keeps when CloudFormation/CDK did not resolve it.
_OTHER_MARKERS = ("{{resolve:", "Token[")

_SPECIALS = {"*": LITERAL_STAR, "?": LITERAL_QUESTION, "$": "$"}

Lookup = Callable[[str], str | Sequence[str] | None]


def unresolved_marker(text: str) -> str | None:
    """Return the part of ``text`` that is an unresolved CloudFormation/CDK value, if any.

    A policy variable always names a context key with a namespace (``aws:username``,
    ``saml:sub``, ``accounts.google.com:sub``) or is one of ``${*}``, ``${?}``, ``${$}``.
    ``${AWS::Region}``, ``${MyBucket.Arn}``, ``${Token[…]}`` and ``{{resolve:…}}`` are
    left over from ``Fn::Sub``, CDK tokens or dynamic references.

    Args:
        text: a string from a policy. Required.

    Example:
        >>> unresolved_marker("arn:aws:s3:::${MyBucket}/*")
        '${MyBucket}'
        >>> unresolved_marker("home/${aws:username}/*") is None
        True
    """
    if "{" not in text:
        return None
    for marker in _OTHER_MARKERS:
        if marker in text:
            return marker
    for match in _VARIABLE.finditer(text):
        body = match.group(1).strip()
        if body in _SPECIALS:
            continue
        with_default = _WITH_DEFAULT.fullmatch(body)
        key = with_default.group(1) if with_default else body
        if ":" not in key or "::" in key or " " in key:
            return match.group(0)
    return None


def has_variable(text: str) -> bool:
    """Whether ``text`` contains a ``${…}`` policy variable.

    Args:
        text: a string from a policy. Required.

    Example:
        >>> has_variable("${aws:username}")
        True
    """
    return "${" in text


def substitute(text: str, lookup: Lookup, *, literal: bool = True) -> str | None:
    """Replace the policy variables in ``text`` with request values.

    Values from the request (and defaults) are protected so that their ``*`` and ``?``
    never act as wildcards; ``${*}``/``${?}`` become literal ``*``/``?``. A variable whose
    key is missing (and has no default) or is multivalued cannot be resolved: the whole
    value then matches nothing, which the caller signals by ``None``.

    Args:
        text: the policy value. Required.
        lookup: returns a context key's value (key given in lower case) or ``None``.
            Required.
        literal: protect wildcards of substituted text. Default ``True``.

    Example:
        >>> substitute("home/${aws:username}/${*}", lambda key: "bob")
        'home/bob/\\ue000'
        >>> substitute("${aws:PrincipalTag/team, 'none'}", lambda key: None)
        'none'
        >>> substitute("${aws:username}", lambda key: None) is None
        True
    """
    failed = False

    def replace(match: re.Match[str]) -> str:
        nonlocal failed
        body = match.group(1).strip()
        special = _SPECIALS.get(body)
        if special is not None:
            return special
        default: str | None = None
        with_default = _WITH_DEFAULT.fullmatch(body)
        key = body
        if with_default:
            key = with_default.group(1)
            default = with_default.group(2).replace("''", "'")
        found = lookup(key.lower())
        # Multivalued keys cannot be policy variables (a list is multivalued even when
        # it holds one value).
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
        value = found if isinstance(found, str) else None
        if value is None:
            value = default
        if value is None:
            failed = True
            return ""
        return mark_literal(value) if literal else value

    result = _VARIABLE.sub(replace, text)
    return None if failed else result


def context_lookup(context: Mapping[str, str | Sequence[str]]) -> Lookup:
    """Build a case-insensitive lookup over a normalized (lower-case keys) context.

    Args:
        context: context keys already lower-cased. Required.

    Example:
        >>> context_lookup({"aws:username": "bob"})("aws:username")
        'bob'
    """
    return context.get
