"""Values CloudFormation resolves only at deployment, as atoms shared by BASE and HEAD.

A statement element that holds an unresolved value (``Fn::GetAtt`` of a resource the
reader cannot name, a parameter, an import) is split off into an *atom*: a free truth
value named by the element and the unresolved expression. The same expression in BASE
and HEAD is the same atom, so a statement that did not change cannot create a
difference; an expression that is new in HEAD is an atom of its own, and any witness
that needs it makes the verdict ``unknown``. The concrete evaluator never lets an
unresolved Allow grant and lets an unresolved Deny block, so only those values of an
atom are ever given to it.

An atom's name holds the element and the deployment values it depends on in words
(:func:`atom_words`), and the expression's identity
(:func:`~cdk_iam_roles.analysis._app_documents.fingerprint`): two
expressions whose words read alike ("Fn::Sub over parameter B" for two different texts)
are still two atoms.

Example:
    >>> from cdk_iam_roles.cfn import Unknown
    >>> doc = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
    ...     "Resource": ["arn:aws:s3:::a/*", Unknown("parameter Bucket")]}]}
    >>> statements, _ = split_unresolved(doc)
    >>> [atom_words(a) for a in statements[1][1]]
    ['the Resource depends on parameter Bucket']
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cdk_iam_roles.analysis._app_documents import fingerprint
from cdk_iam_roles.cfn import is_unresolved
from cdk_iam_roles.cfn_words import value_words

_ELEMENTS = ("Action", "Resource", "Principal")
_NEGATED = ("NotAction", "NotResource", "NotPrincipal")
_ANY = {"Action": "*", "Resource": "*", "Principal": "*"}

Split = tuple[list[tuple[Any, frozenset[str]]], list[str]]


_PREFIX = "unresolved:"


def _atom(effect: str, element: str, value: Any) -> str:
    words = f"{_element_words(element, value)} depends on {value_words(value)}"
    return _PREFIX + json.dumps([effect, words, element, fingerprint(value)])


def atom_words(atom: str) -> str:
    """What an atom of :func:`split_unresolved` stands for, in words.

    Example:
        >>> from cdk_iam_roles.cfn import Unknown
        >>> atom_words(_atom("Allow", "Condition StringEquals aws:SourceAccount",
        ...     Unknown("parameter Owner")))
        'the condition key aws:SourceAccount (StringEquals) depends on parameter Owner'
    """
    return str(json.loads(atom.removeprefix(_PREFIX))[1])


def _element_words(element: str, value: Any) -> str:
    if element.startswith("Condition "):
        _, operator, key = element.split(" ", 2)
        return f"the condition key {key} ({operator})"
    if element in ("Principal", "NotPrincipal") and isinstance(value, list):
        families = [
            f for v in value if isinstance(v, Mapping) for f, e in v.items() if is_unresolved(e)
        ]
        if families:
            return f"the {element} ({', '.join(dict.fromkeys(map(str, families)))})"
    return f"the {element}"


def split_unresolved(document: Mapping[str, Any]) -> Split:
    """Statements without unresolved values, each with the atoms that stand for them.

    Args:
        document: a policy document. Required.

    Returns:
        ``(statements, problems)``: each statement with its atoms, and what cannot be
        split (an unresolved effect, a statement that is not a mapping …).
    """
    raw = document.get("Statement")
    items = raw if isinstance(raw, list) else [raw]
    result: list[tuple[Any, frozenset[str]]] = []
    problems: list[str] = []
    for item in items:
        if not isinstance(item, Mapping) or is_unresolved(item.get("Effect")):
            if is_unresolved(item):
                what = "the statement" if isinstance(item, Mapping) else "a statement"
                effect = item.get("Effect") if isinstance(item, Mapping) else item
                part = "its Effect" if isinstance(item, Mapping) else "it"
                problems.append(
                    f"{what} cannot be read offline: {part} depends on {value_words(effect)}"
                )
                continue
            result.append((dict(item) if isinstance(item, Mapping) else item, frozenset()))
            continue
        effect = str(item.get("Effect"))
        variants: list[tuple[dict[str, Any], frozenset[str]]] = [(dict(item), frozenset())]
        for element in _ELEMENTS:
            if element not in item or not is_unresolved(item[element]):
                continue
            value = item[element]
            values = value if isinstance(value, list) else [value]
            known = [v for v in values if not is_unresolved(v)]
            unknown = [v for v in values if is_unresolved(v)]
            atom = _atom(effect, element, unknown)
            nxt: list[tuple[dict[str, Any], frozenset[str]]] = []
            for statement, atoms in variants:
                if known and element != "Principal":
                    nxt.append(({**statement, element: known}, atoms))
                elif known:
                    principal = dict(_principal_known(value).items())
                    if principal:
                        nxt.append(({**statement, element: principal}, atoms))
                nxt.append(({**statement, element: _ANY[element]}, atoms | {atom}))
            variants = nxt
        for element in _NEGATED:
            if element not in item or not is_unresolved(item[element]):
                continue
            value = item[element]
            values = value if isinstance(value, list) else [value]
            known = [v for v in values if not is_unresolved(v)]
            atom = _atom(effect, element, [v for v in values if is_unresolved(v)])
            positive = element.removeprefix("Not")
            replaced: list[tuple[dict[str, Any], frozenset[str]]] = []
            for statement, atoms in variants:
                rest = {k: v for k, v in statement.items() if k != element}
                if known and element != "NotPrincipal":
                    rest[element] = known
                else:
                    rest[positive] = _ANY[positive]
                replaced.append((rest, atoms | {atom}))
            variants = replaced
        condition = item.get("Condition")
        if isinstance(condition, Mapping) and is_unresolved(condition):
            kept: dict[str, Any] = {}
            atoms_here: set[str] = set()
            for operator, block in condition.items():
                if not isinstance(block, Mapping):
                    kept[operator] = block
                    continue
                for key, values in block.items():
                    if is_unresolved(values):
                        atoms_here.add(_atom(effect, f"Condition {operator} {key}", values))
                    else:
                        kept.setdefault(operator, {})[key] = values
            variants = [
                (
                    {**s, "Condition": kept}
                    if kept
                    else {k: v for k, v in s.items() if k != "Condition"},
                    a | atoms_here,
                )
                for s, a in variants
            ]
        result.extend(variants)
    return result, problems


def _principal_known(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        return {}
    found: dict[str, Any] = {}
    for family, entries in value.items():
        items = entries if isinstance(entries, list) else [entries]
        known = [v for v in items if not is_unresolved(v)]
        if known:
            found[family] = known
    return found
