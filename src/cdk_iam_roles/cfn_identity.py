"""The identity of a value the resolver could not know: which expression it stands for.

An :class:`~cdk_iam_roles.cfn.Unknown` names what made it unknown in words ("Fn::Sub over
parameter Bucket"), and those words may read alike for different expressions
(``arn:aws:s3:::${Bucket}/*`` and ``arn:aws:s3:::${Bucket}/public/*``). Two versions of
an app hold the same value only when they hold the same expression, so the resolver
completes such an unknown with the expression it stands for, written here.

Example:
    >>> expression_text({"Fn::ImportValue": "Shared"}, account=None, region=None)
    '[{"Fn::ImportValue": "Shared"}, null, null, {}, null]'
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

HOLE = re.compile("\ue000(\\d+)\ue001")
"""A hole marker of :meth:`cdk_iam_roles.cfn.Resolver.resolve_text`."""


def text_identity(text: str, holes: Sequence[Any]) -> str:
    """A text with holes (:meth:`~cdk_iam_roles.cfn.Resolver.resolve_text`), each written
    as the value it stands for: the identity of an unknown text, the same for the object
    form of an ``Fn::Sub`` and for the same ``Fn::Sub`` inside a policy written as JSON.

    Args:
        text: the text with hole markers. Required.
        holes: the :class:`~cdk_iam_roles.cfn.Hole` of each marker, in order. Required.
    """

    def value(match: re.Match[str]) -> str:
        held = holes[int(match.group(1))].value
        return f"<{type(held).__name__} {held!r} {getattr(held, 'expression', None)}>"

    return HOLE.sub(value, text)


def expression_text(
    expression: Mapping[str, Any],
    *,
    account: str | None,
    region: str | None,
    parameters: Mapping[str, Any] | None = None,
    table: Any = None,
) -> str:
    """An intrinsic function as written, with what else decides its value: the account,
    the region, the parameter values given, the mapping an ``Fn::FindInMap`` reads."""
    parts = [dict(expression), account, region, dict(parameters or {}), table]
    try:
        return json.dumps(parts, sort_keys=True, default=repr)
    except (TypeError, ValueError):  # a key that is not text (YAML allows it)
        return repr(parts)
