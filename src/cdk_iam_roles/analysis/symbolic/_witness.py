"""Witness requests that AWS could receive: a real action on a resource of its own type.

The search picks one value per class of actions and one per class of resources, each on
its own, so a class such as "any action" and one such as "any resource" may meet as
``iam:PassRole`` on an S3 object, and a resource pattern such as
``arn:aws:iam::*:role/deploy`` may come out with an empty account. Neither is a request
AWS ever receives. Before the evaluator confirms a witness, each request is therefore
made whole: the action must be one the service authorization reference lists, and the
resource an ARN of one of the resource types that action takes (``*`` for an action that
takes none), with every field filled (partition, region, account). The evaluator still
decides; a request that cannot be made whole is never shown.
https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html

Example:
    >>> fits("iam:PassRole", "arn:aws:iam::111111111111:role/deploy")
    True
    >>> fits("iam:PassRole", "arn:aws:s3:::example-bucket/example-key")
    False
    >>> whole("iam:PassRole", "arn:aws:iam:::role/deploy", [], "aws", "111111111111", None)[0]
    'arn:aws:iam::111111111111:role/deploy'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

MAX_RESOURCES = 8
"""Resources tried per action when a witness is made whole."""

DEFAULT_REGION = "us-east-1"
EXAMPLE_ACCOUNT = "111122223333"
"""The account AWS's documentation uses in examples, for a field no policy fills."""
_FIELD = re.compile(r"\$\{([^}]+)\}")
_SHAPES = {
    "Partition": r"aws(?:-[a-z]+)*",
    "Region": r"[a-z]{2}(?:-[a-z]+)+-\d+",
    # an account of the app that the stack does not name stays as the app names it
    "Account": r"\d{12}|\{unknown-account\}",
}


@cache
def _formats(action: str) -> tuple[str, ...] | None:
    """The ARN formats of the resource types ``action`` takes; ``()`` for an action that
    takes none (its resource is ``*``); ``None`` for an action the reference does not list.
    """
    from cdk_iam_roles.rules._iamdata import action_details, arn_formats

    prefix, _, name = action.partition(":")
    record = action_details(prefix, name) if name else None
    if record is None:
        return None
    types = record.get("resourceTypes")
    found: list[str] = []
    for entry in sorted(types if isinstance(types, list) else [], key=_required_first):
        kind = entry.get("name") if isinstance(entry, dict) else None
        if isinstance(kind, str) and kind:
            found.extend(arn_formats(prefix, kind))
    return tuple(dict.fromkeys(found))


def _required_first(entry: object) -> bool:
    return not (isinstance(entry, dict) and entry.get("required"))


@cache
def _pattern(arn_format: str) -> re.Pattern[str]:
    parts: list[str] = []
    position = 0
    for match in _FIELD.finditer(arn_format):
        parts.append(re.escape(arn_format[position : match.start()]))
        parts.append("(?:" + _SHAPES.get(match.group(1), r".+") + ")")
        position = match.end()
    parts.append(re.escape(arn_format[position:]))
    return re.compile("".join(parts))


def known(action: str) -> bool:
    """Whether the service authorization reference lists ``action``.

    Example:
        >>> known("s3:GetObject"), known("s3:NoSuchAction")
        (True, False)
    """
    return _formats(action) is not None


def fits(action: str, resource: str) -> bool:
    """Whether AWS could receive ``action`` on ``resource``: a resource of a type the
    action takes, every field filled, or ``*`` for an action that takes no resource."""
    formats = _formats(action)
    if formats is None:
        return False
    if not formats:
        return resource == "*"
    return any(_pattern(f).fullmatch(resource) for f in formats)


def _filled(arn_format: str, resource: str, partition: str, account: str, region: str) -> str:
    """``resource`` with the fields ``arn_format`` requires and it lacks filled in (an
    empty or wildcard account or region)."""
    parts = resource.split(":", 5)
    shape = arn_format.split(":", 5)
    if len(parts) != 6 or len(shape) != 6 or parts[0] != "arn":
        return resource
    wanted = {1: ("Partition", partition), 3: ("Region", region), 4: ("Account", account)}
    for index, (name, value) in wanted.items():
        if shape[index] == "${" + name + "}" and not re.fullmatch(_SHAPES[name], parts[index]):
            parts[index] = value
    return ":".join(parts)


def _extended(arn_format: str, resource: str, values: dict[str, str]) -> str | None:
    """``resource`` completed into the format when it is a beginning of it (a bucket ARN
    for an object: ``arn:aws:s3:::acme-x`` → ``arn:aws:s3:::acme-x/example``)."""
    pieces = re.split(r"(\$\{[^}]+\})", arn_format)
    for cut in range(1, len(pieces)):
        if not pieces[cut - 1].startswith("${"):
            continue  # a beginning ends with a field the resource fills
        head = "".join(pieces[:cut])
        if _pattern(head).fullmatch(resource):
            rest = "".join(pieces[cut:])
            return resource + _FIELD.sub(lambda m: values.get(m.group(1), "example"), rest)
    return None


def _example(arn_format: str, partition: str, account: str, region: str) -> str:
    values = {"Partition": partition, "Account": account, "Region": region}
    return _FIELD.sub(lambda m: values.get(m.group(1), "example"), arn_format)


def whole(
    action: str,
    resource: str,
    others: Sequence[str],
    partition: str,
    account: str,
    region: str | None,
) -> list[str]:
    """Resources AWS could receive ``action`` on, best first: ``resource`` made whole,
    then the other candidates of the search that fit, then an example of each resource
    type the action takes. None for an action the reference does not list.

    Args:
        action: the action. Required.
        resource: the resource the search chose. Required.
        others: the other resources the search considered. Required.
        partition: the partition of the caller. Required.
        account: the account to fill in (the caller's own). Required.
        region: the region to fill in, when known (else one of the policies' or
            ``us-east-1``). Required.
    """
    formats = _formats(action)
    if formats is None:
        return []
    if not formats:
        return ["*"]
    regions = [r for r in (region, *(_region_of(o) for o in (resource, *others))) if r]
    chosen = regions[0] if regions else DEFAULT_REGION
    values = {"Partition": partition, "Account": account, "Region": chosen}
    found: list[str] = []
    for candidate in (resource, *others):
        for arn_format in formats:
            filled = _filled(arn_format, candidate, partition, account, chosen)
            made = filled if _pattern(arn_format).fullmatch(filled) else None
            made = made or _extended(arn_format, filled, values)
            if made is not None:
                found.append(made)
                break
    found += [_example(f, partition, account, chosen) for f in formats]
    return list(dict.fromkeys(found))[:MAX_RESOURCES]


def _region_of(resource: str) -> str | None:
    parts = resource.split(":", 5)
    if len(parts) == 6 and re.fullmatch(_SHAPES["Region"], parts[3]):
        return parts[3]
    return None
