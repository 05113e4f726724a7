"""Trust statements as plain JSON, built in Python (pure; no CDK).

The patterns build their trust policy here, hand the finished statements to CDK in one
step, and the rules and the evaluator read the same JSON, so the three agree on what a
trust means.

Example:
    >>> c = Conditions()
    >>> c.add("StringEquals", "aws:SourceAccount", "111111111111")
    >>> statement = allow({"Service": "states.amazonaws.com"}, ["sts:AssumeRole"], c)
    >>> statement["Action"], statement["Condition"]
    ('sts:AssumeRole', {'StringEquals': {'aws:SourceAccount': '111111111111'}})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ConditionValue", "Conditions", "Statement", "allow", "collapse"]

Statement = dict[str, Any]
ConditionValue = str | bool | int | Sequence[str]


def collapse(values: Sequence[Any]) -> Any:
    """A single value stays a scalar, several become a list (IAM's compact form)."""
    return values[0] if len(values) == 1 else list(values)


@dataclass(slots=True)
class Conditions:
    """An IAM ``Condition`` block built up key by key, in a stable order."""

    blocks: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, operator: str, key: str, value: ConditionValue) -> None:
        """Set ``operator`` / ``key`` to ``value`` (a later call for the same pair replaces it)."""
        if isinstance(value, (list, tuple)):
            value = collapse(list(value))
        self.blocks.setdefault(operator, {})[key] = value

    def merge(self, other: Mapping[str, Mapping[str, Any]]) -> None:
        """Add every operator/key of ``other``."""
        for operator, block in other.items():
            for key, value in block.items():
                self.add(operator, key, value)

    def render(self) -> dict[str, dict[str, Any]]:
        """The ``Condition`` element (empty when nothing was added)."""
        return {op: dict(block) for op, block in self.blocks.items() if block}

    def __bool__(self) -> bool:
        return any(self.blocks.values())


def allow(
    principal: Mapping[str, Any],
    actions: Sequence[str],
    conditions: Conditions | Mapping[str, Mapping[str, Any]] | None = None,
    *,
    sid: str | None = None,
) -> Statement:
    """One Allow statement of a trust policy.

    Args:
        principal: the ``Principal`` element, e.g. ``{"Service": "lambda.amazonaws.com"}``.
        actions: the STS actions, in order.
        conditions: the ``Condition`` element (default: none).
        sid: a statement ID (default: none).
    """
    statement: Statement = {}
    if sid:
        statement["Sid"] = sid
    statement["Effect"] = "Allow"
    statement["Principal"] = dict(principal)
    statement["Action"] = collapse(list(actions))
    rendered = conditions.render() if isinstance(conditions, Conditions) else conditions
    if rendered:
        statement["Condition"] = {op: dict(block) for op, block in rendered.items()}
    return statement
