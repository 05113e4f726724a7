"""Values known only at deployment, in words: which parameter, import, pseudo parameter
or resource attribute a value depends on (never a Python repr).

One wording for every message that names such a value: the evaluator's (a Principal or a
condition value that is not text), ``diff``'s and ``access``'s undecided verdicts.
Pure Python over :mod:`cdk_iam_roles.cfn`'s ``Unknown`` and ``ResourceRef``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

from cdk_iam_roles.cfn import ResourceRef, Unknown

__all__ = ["value_words"]

_PSEUDO = {
    "AWS::AccountId": "the account the stack is deployed in (AWS::AccountId)",
    "AWS::Region": "the region the stack is deployed in (AWS::Region)",
    "AWS::Partition": "the partition the stack is deployed in (AWS::Partition)",
    "AWS::URLSuffix": "the domain suffix of the stack's region (AWS::URLSuffix)",
    "AWS::StackName": "the stack's name (AWS::StackName)",
    "AWS::StackId": "the stack's ID (AWS::StackId)",
}


def value_words(value: Any) -> str:
    """The deployment values a value depends on, in words (never a Python repr).

    Example:
        >>> value_words([Unknown("Fn::Sub over parameter Team, AWS::AccountId")])
        'parameter Team and the account the stack is deployed in (AWS::AccountId)'
    """
    found: list[str] = []
    _collect(value, found)
    unique = list(dict.fromkeys(found)) or ["a value known only at deployment"]
    return unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " and " + unique[-1]


def _collect(value: Any, found: list[str]) -> None:
    if isinstance(value, Unknown):
        found.extend(_unknown_words(value))
    elif isinstance(value, ResourceRef):
        found.append(_ref_words(value.logical_id, value.attribute))
    elif isinstance(value, Mapping):
        for item in value.values():
            _collect(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect(item, found)


def _unknown_words(value: Unknown) -> list[str]:
    reason = value.reason
    for function in ("Fn::Sub over ", "Fn::Join over "):
        if reason.startswith(function):
            parts = reason.removeprefix(function).split(", ")
            return [w for part in parts for w in _part_words(part, value.expression)]
    return _part_words(reason, value.expression)


def _part_words(part: str, expression: str | None) -> list[str]:
    if part in _PSEUDO:
        return [_PSEUDO[part]]
    if part.startswith(("parameter ", "condition ")):
        return [part]
    if part.startswith("Fn::If on condition "):
        return ["condition " + part.removeprefix("Fn::If on condition ")]
    if part.startswith("{GetAtt ") and "." in part:
        logical, _, attribute = part[len("{GetAtt ") : -1].partition(".")
        return [_ref_words(logical, attribute)]
    if part.startswith("{Ref "):
        return [_ref_words(part[len("{Ref ") : -1], None)]
    if part.startswith("Ref "):
        return [f"{part.removeprefix('Ref ')} (a name the template does not define)"]
    if part == "Fn::ImportValue":
        names = _imports(expression)
        return [f"import {n}" for n in names] or [
            "an import (Fn::ImportValue) whose name is known only then"
        ]
    return [part]


def _ref_words(logical: str, attribute: str | None) -> str:
    if attribute is None:
        return f"the name of resource {logical}, given at deployment"
    return f"the {attribute} of resource {logical}, given at deployment"


def _imports(expression: str | None) -> list[str]:
    """The export names an expression imports (``Fn::ImportValue``), when plain text."""
    names: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            for key, inner in item.items():
                if key == "Fn::ImportValue" and isinstance(inner, str):
                    names.append(inner)
                else:
                    walk(inner)
        elif isinstance(item, list):
            for inner in item:
                walk(inner)

    if expression:
        with contextlib.suppress(ValueError):
            walk(json.loads(expression))
    return names
