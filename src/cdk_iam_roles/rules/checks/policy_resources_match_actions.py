"""IAMR-POL-002: the resources of an identity-policy statement can match its actions (warning).

Each action applies to resources of given types (``s3:GetObject`` to objects,
``arn:aws:s3:::BUCKET/KEY``). A statement whose every resource has another shape
(``s3:GetObject`` on ``arn:aws:s3:::BUCKET``) never applies to that action; an action
without resource-level permissions needs ``"Resource": "*"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from cdk_iam_roles.rules import _iamdata
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, as_list, statement_label, statements_of

INFO = RuleInfo(
    id="IAMR-POL-002",
    severity=Severity.WARNING,
    what=(
        "An identity-policy statement allows an action on resources none of which has an ARN "
        "format that action applies to."
    ),
    why="The statement never applies to that action, so the permission is silently missing.",
    fix=(
        "Use the resource ARN format the Service Authorization Reference lists for the action "
        "(e.g. BUCKET/* for object actions), or Resource '*' for actions without "
        "resource-level permissions."
    ),
    doc=(
        "https://docs.aws.amazon.com/service-authorization/latest/reference/"
        "reference_policies_actions-resources-contextkeys.html"
    ),
    scopes=frozenset({Scope.TEMPLATE}),
)

_VARIABLE = re.compile(r"\$\{[^}]*\}")


def _tokens(pattern: str) -> tuple[str, ...]:
    """A pattern as tokens: ``*`` (any text), ``?`` (one character) or one literal character."""
    return tuple(_VARIABLE.sub("*", pattern))


def _glob_matches(pattern: tuple[str, ...], text: tuple[str, ...]) -> bool:
    """True when ``text`` (no wildcard) matches ``pattern``: the greedy wildcard walk,
    which returns to the last ``*`` on a mismatch (linear in practice, never more than
    ``len(pattern) * len(text)`` steps, and no recursion)."""
    i = j = 0
    star, mark = -1, 0
    while j < len(text):
        if i < len(pattern) and pattern[i] == "*":
            star, mark = i, j
            i += 1
        elif i < len(pattern) and (pattern[i] == "?" or pattern[i] == text[j]):
            i += 1
            j += 1
        elif star >= 0:
            i, mark = star + 1, mark + 1
            j = mark
        else:
            return False
    while i < len(pattern) and pattern[i] == "*":
        i += 1
    return i == len(pattern)


@cache
def patterns_intersect(a: str, b: str) -> bool:
    """True when some string matches both ARN patterns (``*``/``?``/``${Var}`` wildcards).

    Example:
        >>> patterns_intersect("arn:${Partition}:s3:::${BucketName}/${ObjectName}",
        ...                    "arn:aws:s3:::my-bucket")
        False
    """
    left, right = _tokens(a), _tokens(b)
    # Most resources a policy names are plain ARNs: match them against the other pattern
    # directly (the search below is the general case of two patterns).
    if "*" not in right and "?" not in right:
        return _glob_matches(left, right)
    if "*" not in left and "?" not in left:
        return _glob_matches(right, left)
    return _intersect(left, right)


def _intersect(left: tuple[str, ...], right: tuple[str, ...]) -> bool:
    """True when some string matches both token patterns (a search over position pairs)."""
    seen: dict[tuple[int, int], bool] = {}

    def walk(i: int, j: int) -> bool:
        key = (i, j)
        if key in seen:
            return seen[key]
        seen[key] = False
        result = False
        if i == len(left) and j == len(right):
            result = True
        elif i < len(left) and left[i] == "*":
            result = walk(i + 1, j) or (j < len(right) and walk(i, j + 1))
        elif j < len(right) and right[j] == "*":
            result = walk(i, j + 1) or (i < len(left) and walk(i + 1, j))
        elif (
            i < len(left)
            and j < len(right)
            and (left[i] == "?" or right[j] == "?" or left[i] == right[j])
        ):
            result = walk(i + 1, j + 1)
        seen[key] = result
        return result

    return walk(0, 0)


def _formats(prefix: str, record: Mapping[str, Any]) -> list[str]:
    formats: list[str] = []
    for resource_type in as_list(record.get("resourceTypes")):
        if isinstance(resource_type, Mapping) and isinstance(resource_type.get("name"), str):
            formats.extend(_iamdata.arn_formats(prefix, resource_type["name"]))
    return formats


def action_resource_problem(action: str, resources: list[str]) -> str | None:
    """Why no resource can match the action, or ``None`` (fine, or not checkable)."""
    prefix, sep, name = action.partition(":")
    if not sep or "*" in name or "?" in name:
        return None
    record = _iamdata.action_details(prefix, name)
    if record is None:
        return None  # unknown actions: IAMR-POL-001
    formats = _formats(prefix, record)
    if not as_list(record.get("resourceTypes")):
        return "supports no resource-level permissions and needs Resource '*'"
    if not formats:
        return None  # resource types without a known ARN format: not judged
    if any(patterns_intersect(f, r) for f in formats for r in resources):
        return None
    return "applies to resources of the form " + " or ".join(sorted(set(formats)))


def check(view: TemplateView) -> Iterator[Finding]:
    """Each exact action whose statement's resources cannot match it."""
    for logical_id, document in view.identity_policies():
        for index, statement in enumerate(statements_of(document)):
            if "Resource" not in statement:
                continue
            resources = as_list(statement.get("Resource"))
            if not resources or not all(isinstance(r, str) for r in resources):
                continue  # an unknown resource could match: not judged
            if "*" in resources:
                continue
            for action in as_list(statement.get("Action")):
                if not isinstance(action, str):
                    continue
                problem = action_resource_problem(action, resources)
                if problem is not None:
                    yield view.finding(
                        INFO,
                        logical_id,
                        f"policy {statement_label(statement, index)}: {action} {problem}; "
                        f"the statement names {', '.join(resources)}",
                    )


RULE = TemplateRule(INFO, check)
