"""The search: is there a request that policy set B allows and policy set A denies?

A request has a caller, an action, a resource and context keys. For each of these
*dimensions* :mod:`._callers`, :mod:`._keys` and :mod:`._automata` give a finite list of
values that between them show every behaviour the two policy sets can tell apart. Each
value is turned into a bit mask: bit ``s`` is set when statement ``s`` (of A or of B)
accepts that value on this dimension, as the evaluator's own matchers decide. A
statement applies to a request exactly when its bit survives the AND of the request's
masks, so the search combines the dimensions one at a time, keeping each distinct
partial mask once, and at the end asks the decision logic of each side.

What the engine cannot model it names as a free *atom* (a clause with a policy
variable, a managed policy whose content is not in the app, a resource policy outside
the app). An atom takes both values in the search, and an atom that appears in A and B
alike is one atom, so a proof holds whatever its real value; a witness that needs an
atom to be true is reported as ``unknown``, never as proved or shown.

Example:
    >>> from cdk_iam_roles.analysis.symbolic._engine import Side
    >>> Side("A", ()).statements
    ()
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cdk_iam_roles.analysis._compile import CompiledStatement, compile_policy
from cdk_iam_roles.analysis._conditions import Clause
from cdk_iam_roles.analysis._model import PolicyKind, Unevaluable
from cdk_iam_roles.analysis._principals import Caller, not_principal_exempts
from cdk_iam_roles.analysis._variables import has_variable
from cdk_iam_roles.analysis.symbolic._keys import KeyValue
from cdk_iam_roles.analysis.symbolic._unresolved import split_unresolved
from cdk_iam_roles.cfn import is_unresolved

MAX_STATES = 200_000
"""Partial masks kept at once before the engine gives up."""


class Unmodelled(Exception):
    """The policies fall outside the modelled fragment; the message says why."""


@dataclass(slots=True)
class Stmt:
    """One statement taking part in the search.

    Args:
        side: ``"A"`` (base) or ``"B"`` (head). Required.
        layer: ``"trust"``, ``"identity"``, ``"boundary"`` or ``"resource"``. Required.
        effect: ``"Allow"`` or ``"Deny"``. Required.
        compiled: the evaluator's parse of the statement; ``None`` for a stand-in whose
            only test is its atoms. Required.
        atoms: free atoms the statement also requires. Default: none.
        grant: for resource-policy allows of the permissions question, whether the grant
            reaches the caller on its own (``"direct"``), within the boundary
            (``"boundary"``) or not at all (``"none"``). Default ``"none"``.
        cover: for resource-policy statements, which protected resource group they belong
            to (``-1``: a resource outside the app). Default ``None``.
        dynamic: clauses with policy variables (each also an atom). Default: none.
    """

    side: str
    layer: str
    effect: str
    compiled: CompiledStatement | None
    atoms: tuple[str, ...] = ()
    grant: str = "none"
    cover: int | None = None
    dynamic: tuple[Clause, ...] = ()

    def clauses_by_key(self) -> dict[str, list[Clause]]:
        """This statement's clauses without policy variables, by lower-case key."""
        found: dict[str, list[Clause]] = {}
        if self.compiled is None:
            return found
        for clause in self.compiled.clauses:
            if isinstance(clause, Clause) and clause not in self.dynamic:
                found.setdefault(clause.key.lower(), []).append(clause)
        return found


@dataclass(slots=True)
class Side:
    """The statements of one side and what could not be read."""

    name: str
    statements: tuple[Stmt, ...]
    problems: list[str] = field(default_factory=list)


def is_dynamic(clause: Clause, variables: bool) -> bool:
    """Whether a clause's values hold policy variables that are substituted."""
    if not variables:
        return False
    base = clause.operator.rpartition(":")[2]
    string_like = base.startswith(("String", "Arn"))
    return string_like and any(has_variable(v) for v in clause.values)


def atom_of(clause: Clause) -> str:
    """The atom that stands for a clause with policy variables."""
    return "variable:" + json.dumps([clause.operator, clause.key, list(clause.values)], default=str)


def read_statements(
    document: Mapping[str, Any] | None,
    *,
    side: str,
    layer: str,
    kind: PolicyKind,
    index: int,
    origin: str,
    problems: list[str],
    extra: Callable[[CompiledStatement], dict[str, Any]] | None = None,
) -> list[Stmt]:
    """Parse one policy with the evaluator's compiler into search statements.

    Whatever the evaluator cannot evaluate is recorded in ``problems`` (the verdict is
    then ``unknown``).

    Args:
        document: the policy, or ``None`` for none. Required.
        side: ``"A"`` or ``"B"``. Required.
        layer: the statement layer. Required.
        kind: the evaluator's policy kind. Required.
        index: the policy's index among its kind. Required.
        origin: where the policy comes from, for messages. Required.
        problems: receives what could not be evaluated. Required.
        extra: more fields for each statement (grant, cover). Default ``None``.
    """
    if document is None:
        return []
    pieces: list[tuple[Any, frozenset[str]]] = [(document, frozenset())]
    if is_unresolved(document):
        if not isinstance(document, Mapping) or is_unresolved(document.get("Version")):
            problems.append(f"{origin}: the policy cannot be resolved offline")
            return []
        statements, unsplit = split_unresolved(document)
        problems.extend(f"{origin}: {p}" for p in unsplit)
        version = document.get("Version")
        pieces = [
            ({"Version": version, "Statement": [s]} if version else {"Statement": [s]}, atoms)
            for s, atoms in statements
        ]
    found: list[Stmt] = []
    for piece, piece_atoms in pieces:
        found.extend(
            _read_piece(piece, piece_atoms, side, layer, kind, index, origin, problems, extra)
        )
    return found


def _read_piece(
    document: Any,
    piece_atoms: frozenset[str],
    side: str,
    layer: str,
    kind: PolicyKind,
    index: int,
    origin: str,
    problems: list[str],
    extra: Callable[[CompiledStatement], dict[str, Any]] | None,
) -> list[Stmt]:
    found: list[Stmt] = []
    try:
        compiled_statements = compile_policy(document, kind, index)
    except (TypeError, ValueError, AttributeError) as error:
        # A shape the evaluator's parser does not expect (e.g. a list as Version).
        problems.append(f"{origin}: cannot be parsed ({error})")
        return found
    for compiled in compiled_statements:
        broken = [*compiled.problems, *(c for c in compiled.clauses if isinstance(c, Unevaluable))]
        if broken:
            problems.extend(f"{origin}: {p.describe()}" for p in broken)
            continue
        variables = compiled.resource_variables
        dynamic = tuple(
            c for c in compiled.clauses if isinstance(c, Clause) and is_dynamic(c, variables)
        )
        atoms = tuple(sorted(piece_atoms)) + tuple(atom_of(c) for c in dynamic)
        if variables and any(has_variable(p) for p in compiled.resource_patterns):
            atoms += (f"resource-variable:{list(compiled.resource_patterns)}",)
        fields = extra(compiled) if extra is not None else {}
        found.append(Stmt(side, layer, compiled.effect, compiled, atoms, dynamic=dynamic, **fields))
    return found


@dataclass(slots=True)
class Dimension:
    """One part of a request: its candidate values and each one's statement mask.

    Args:
        name: ``"principal"``, ``"action"``, ``"resource"``, ``"key:NAME"`` or
            ``"atom:NAME"``. Required.
        options: per caller class (``"*"`` for all), the ``(value, mask)`` pairs.
            Required.
    """

    name: str
    options: dict[str, list[tuple[object, int]]]

    def for_class(self, cls: str) -> list[tuple[object, int]]:
        """The options open to a caller of class ``cls``."""
        return self.options.get(cls) or self.options.get("*", [])


def mask_of(statements: Sequence[Stmt], test: Callable[[int, Stmt], bool | None]) -> int | None:
    """The bit mask of the statements that accept a value (``None``: cannot be decided)."""
    mask = 0
    for number, statement in enumerate(statements):
        result = test(number, statement)
        if result is None:
            return None
        if result:
            mask |= 1 << number
    return mask


def dedupe(options: Iterable[tuple[object, int]]) -> list[tuple[object, int]]:
    """Keep the first value of each distinct mask."""
    seen: dict[int, object] = {}
    for value, mask in options:
        seen.setdefault(mask, value)
    return [(value, mask) for mask, value in seen.items()]


def principal_part(statement: CompiledStatement, caller: Caller, boundary: bool) -> bool | None:
    """Whether a statement's Principal/NotPrincipal admits the caller (as `_apply` does);
    ``None`` when that cannot be known offline."""
    entries = statement.principals
    if entries is None:
        return True
    if statement.not_principal:
        named = not_principal_exempts(entries, caller)
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
        if statement.effect == "Deny" and boundary and caller.is_aws_identity:
            named = False
        return None if named is None else not named
    if any(entry.matches(caller) is not None for entry in entries):
        return True
    return None if any(entry.may_name(caller) for entry in entries) else False


def clauses_hold(clauses: Sequence[Clause], context: Mapping[str, KeyValue]) -> bool | None:
    """AND of clauses on one context (lower-case keys); ``None`` if one cannot be decided."""
    given = {k: v for k, v in context.items() if v is not None}
    for clause in clauses:
        holds, _ = clause.evaluate(given)
        if holds is None:
            return None
        if not holds:
            return False
    return True


@dataclass(slots=True)
class Found:
    """A mask that one side allows and the other denies, with the choices behind it."""

    cls: str
    mask: int
    choices: tuple[tuple[str, object], ...]


def search(
    dimensions: Sequence[Dimension],
    principal: Dimension,
    *,
    classes: Mapping[object, str],
    full: int,
    viable: Callable[[int], bool],
    target: Callable[[int], bool],
) -> list[Found]:
    """Combine the dimensions and return every final mask that ``target`` accepts.

    Args:
        dimensions: every dimension but the caller. Required.
        principal: the caller dimension (options under ``"*"``). Required.
        classes: the class of each caller value. Required.
        full: the mask with every statement's bit set. Required.
        viable: whether a partial mask can still lead to a target (pruning). Required.
        target: whether a final mask is one B allows and A denies. Required.

    Raises:
        Unmodelled: more than `MAX_STATES` partial masks.
    """
    states: dict[tuple[str, int], tuple[tuple[str, object], ...]] = {}
    for value, mask in principal.for_class("*"):
        combined = full & mask
        if viable(combined):
            states.setdefault((classes[value], combined), (("principal", value),))
    for dimension in dimensions:
        nxt: dict[tuple[str, int], tuple[tuple[str, object], ...]] = {}
        for (cls, mask), choices in states.items():
            for value, option in dimension.for_class(cls):
                combined = mask & option
                if not viable(combined):
                    continue
                key = (cls, combined)
                if key not in nxt:
                    nxt[key] = (*choices, (dimension.name, value))
                    if len(nxt) > MAX_STATES:
                        raise Unmodelled(f"more than {MAX_STATES} combinations of statements")
        states = nxt
    return [Found(cls, mask, ch) for (cls, mask), ch in states.items() if target(mask)]
