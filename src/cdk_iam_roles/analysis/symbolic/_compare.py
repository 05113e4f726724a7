"""Build the search for one question, run it, and check its witness with the evaluator.

Two questions share one machinery (:class:`Question`):

* **trust**: which callers may call ``sts:AssumeRole*`` (and ``sts:TagSession`` …) on
  the role. The caller's own identity policies are outside the app, so a caller is taken
  to hold every permission in its own account, as IAM Access Analyzer does: then the
  trust policy alone decides (an allow, and no deny).
  https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html
* **permissions**: which calls a session of the role may make: identity policies within
  the permissions boundary, resource policies of the app, explicit denies anywhere, as
  :func:`cdk_iam_roles.analysis.evaluate` decides for a same-account request.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cdk_iam_roles.analysis._model import Request
from cdk_iam_roles.analysis._principals import parse_caller
from cdk_iam_roles.analysis._variables import substitute
from cdk_iam_roles.analysis.symbolic._automata import TooComplex
from cdk_iam_roles.analysis.symbolic._callers import DERIVED_KEYS, Candidate, class_allows_key
from cdk_iam_roles.analysis.symbolic._engine import (
    Dimension,
    Found,
    Stmt,
    Unmodelled,
    atom_of,
    clauses_hold,
    dedupe,
    mask_of,
    principal_part,
    search,
)
from cdk_iam_roles.analysis.symbolic._keys import KeyValue, NotModelled, key_values
from cdk_iam_roles.analysis.symbolic._unresolved import atom_words
from cdk_iam_roles.analysis.symbolic._verdict import Verdict, Witness
from cdk_iam_roles.analysis.symbolic._witness import EXAMPLE_ACCOUNT, known, whole
from cdk_iam_roles.defaults import TRUST_ACTIONS

MAX_WITNESS_TRIES = 25


@dataclass(slots=True)
class Question:
    """Everything the search needs for one comparison of A (base) and B (head).

    Args:
        mode: ``"trust"`` or ``"permissions"``. Required.
        statements: the statements of both sides (and stand-ins). Required.
        callers: the candidate callers. Required.
        actions: per caller class (``"*"`` for all), the candidate actions. Required.
        resources: candidate resources (with ``cover`` telling which protected group of
            each side holds them). Required.
        check: runs the concrete evaluator on a request for side ``"A"`` or ``"B"``.
            Required.
        boundary: whether the caller has a boundary (``NotPrincipal`` denies). Default
            False.
        markers: mask of stand-in statements that mark a trust action. Default 0.
        has_boundary: per side, whether the role has a permissions boundary. Default:
            none.
        realizable: per atom, the values the concrete evaluator can be given. Default:
            none (an atom is realizable as ``False`` only).
        problems: what could not be read, per side. Default: none.
    """

    mode: str
    statements: list[Stmt]
    callers: list[Candidate]
    actions: dict[str, list[str]]
    resources: list[tuple[str, dict[str, int | None]]]
    check: Callable[[str, Request, Mapping[str, bool]], bool]
    boundary: bool = False
    markers: int = 0
    has_boundary: dict[str, bool] = field(default_factory=dict)
    realizable: dict[str, tuple[bool, ...]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    words: Callable[[Witness], str] | None = None
    spelling: dict[str, str] = field(default_factory=dict)
    undecided: str = "HEAD may allow more"


def _bits(statements: Sequence[Stmt], test: Callable[[Stmt], bool]) -> int:
    mask = 0
    for number, statement in enumerate(statements):
        if test(statement):
            mask |= 1 << number
    return mask


def _decider(q: Question, side: str) -> Callable[[int], bool]:
    st = q.statements

    def on(layer: str, effect: str, grant: str | None = None) -> int:
        return _bits(
            st,
            lambda s: (
                s.side == side
                and s.layer == layer
                and s.effect == effect
                and (grant is None or s.grant == grant)
            ),
        )

    deny = _bits(st, lambda s: s.side == side and s.effect == "Deny")
    if q.mode == "trust":
        allow = on("trust", "Allow")
        return lambda m: bool(m & allow) and not m & deny
    identity = on("identity", "Allow")
    bounded = on("boundary", "Allow")
    has_boundary = q.has_boundary.get(side, False)
    direct = on("resource", "Allow", "direct")
    within = on("resource", "Allow", "boundary")
    any_rp = on("resource", "Allow")
    marker = q.markers

    def decide(m: int) -> bool:
        if m & deny:
            return False
        boundary_ok = not has_boundary or bool(m & bounded)
        identity_path = bool(m & identity) and boundary_ok
        granted_direct = bool(m & direct) or (boundary_ok and bool(m & within))
        if m & marker:
            return granted_direct or (identity_path and bool(m & any_rp))
        return identity_path or granted_direct

    return decide


def _key_dimensions(q: Question, classes: set[str]) -> tuple[list[Dimension], list[str]]:
    """One dimension per free context key, and the derived keys the clauses use."""
    by_key: dict[str, list[tuple[int, list[Any]]]] = {}
    tables = [s.clauses_by_key() for s in q.statements]
    for number, table in enumerate(tables):
        for key, clauses in table.items():
            by_key.setdefault(key, []).append((number, clauses))
    dims: list[Dimension] = []
    derived_used: list[str] = []
    for key in sorted(by_key):
        q.spelling[key] = by_key[key][0][1][0].key
        if key in DERIVED_KEYS:
            derived_used.append(key)
            continue
        clauses = [c for _, cs in by_key[key] for c in cs]
        try:
            values = key_values([c.operator for c in clauses], [c.values for c in clauses])
        except (NotModelled, TooComplex) as error:
            raise Unmodelled(f"condition key {clauses[0].key}: {error}") from error
        options: list[tuple[object, int]] = []
        for value in values:
            mask = mask_of(
                q.statements,
                lambda n, s, v=value, k=key: clauses_hold(tables[n].get(k, []), {k: v}),  # type: ignore[misc]
            )
            if mask is None:
                q.problems.append(
                    f"a clause on {clauses[0].key} cannot be decided for {_shown(value)}"
                )
                continue
            options.append((value, mask))
        absent = [(v, m) for v, m in options if v is None]
        per_class: dict[str, list[tuple[object, int]]] = {}
        for cls in classes:
            per_class[cls] = dedupe(options if class_allows_key(cls, key) else absent)
        dims.append(Dimension(f"key:{key}", per_class))
    return dims, derived_used


def _shown(value: object) -> str:
    if value is None:
        return "no value"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def _atom_dimensions(q: Question) -> list[Dimension]:
    atoms = sorted({a for s in q.statements for a in s.atoms})
    dims = []
    full = (1 << len(q.statements)) - 1
    for atom in atoms:
        off = full & ~_bits(q.statements, lambda s, a=atom: a in s.atoms)  # type: ignore[misc]
        dims.append(Dimension(f"atom:{atom}", {"*": [(False, off), (True, full)]}))
    return dims


def _caller_dimension(q: Question, derived: list[str]) -> tuple[Dimension, dict[object, str]]:
    tables = [s.clauses_by_key() for s in q.statements]
    options: list[tuple[object, int]] = []
    classes: dict[object, str] = {}
    for candidate in q.callers:
        caller = parse_caller(candidate.principal)
        context: dict[str, KeyValue] = {k: candidate.derived.get(k) for k in derived}

        def test(
            n: int, s: Stmt, c: Any = caller, ctx: dict[str, KeyValue] = context
        ) -> bool | None:
            if s.compiled is None:
                return True
            admits = principal_part(s.compiled, c, q.has_boundary.get(s.side, q.boundary))
            if not admits:
                return admits
            return clauses_hold([cl for k in derived for cl in tables[n].get(k, [])], ctx)

        mask = mask_of(q.statements, test)
        if mask is None:
            q.problems.append(f"a clause cannot be decided for the caller {candidate.principal}")
            continue
        options.append((candidate, mask))
        classes[candidate] = candidate.cls
    return Dimension("principal", {"*": options}), classes


def _action_dimension(q: Question, classes: set[str]) -> Dimension:
    per_class: dict[str, list[tuple[object, int]]] = {}
    for cls in classes:
        actions = q.actions.get(cls, q.actions.get("*", []))
        options: list[tuple[object, int]] = []
        for action in actions:
            lower = action.lower()
            mask = mask_of(q.statements, lambda n, s, a=lower: _action_part(s, a))  # type: ignore[misc]
            if mask is not None:
                options.append((action, mask))
        per_class[cls] = dedupe(options)
    return Dimension("action", per_class)


def _action_part(statement: Stmt, action: str) -> bool:
    if statement.layer == "marker":
        return action in TRUST_ACTIONS
    if statement.compiled is None:
        return True
    return bool(statement.compiled.action and statement.compiled.action(action))


def _resource_dimension(q: Question) -> Dimension:
    options: list[tuple[object, int]] = []
    for resource, covers in q.resources:

        def test(n: int, s: Stmt, r: str = resource, cv: dict[str, int | None] = covers) -> bool:
            if s.cover is not None:
                held = cv.get(s.side)
                if (held if held is not None else -1) != s.cover:
                    return False
            if s.compiled is None or any(a.startswith("resource-variable:") for a in s.atoms):
                return True
            return bool(s.compiled.resource and s.compiled.resource(r, {}))

        mask = mask_of(q.statements, test)
        if mask is not None:
            options.append(((resource, covers), mask))
    return Dimension("resource", {"*": dedupe(options)})


def _realize(
    found: Found, q: Question, derived: list[str]
) -> tuple[Request, dict[str, bool]] | str:
    """The concrete request for a found mask, or why it cannot be built."""
    chosen = dict(found.choices)
    candidate = chosen["principal"]
    assert isinstance(candidate, Candidate)
    context: dict[str, Any] = {}
    for key in derived:
        own = candidate.derived.get(key)
        if own is not None:
            context[q.spelling.get(key, key)] = own
    for name, value in found.choices:
        if name.startswith("key:") and isinstance(value, str | tuple):
            key = name.removeprefix("key:")
            context[q.spelling.get(key, key)] = value if isinstance(value, str) else list(value)
    atoms: dict[str, bool] = {}
    for name, value in found.choices:
        if not name.startswith("atom:"):
            continue
        atom = name.removeprefix("atom:")
        wanted = bool(value)
        atoms[atom] = wanted
        if atom.startswith("variable:"):
            _realize_variable(atom, wanted, q, context, candidate)
        elif wanted not in q.realizable.get(atom, _default_realizable(atom)):
            return _atom_words(atom)
    where = chosen["resource"]
    assert isinstance(where, tuple)
    if atoms.get("extern:allow") and where[1].get("A") is not None:
        # A resource policy outside HEAD's app, for a resource BASE's app holds: the
        # difference is in what the reader knows, not in the change.
        return "the resource is in BASE's app but outside HEAD's"
    request = Request(candidate.principal, str(chosen["action"]), str(where[0]), None, context)
    return request, atoms


def _realize_variable(
    atom: str, wanted: bool, q: Question, context: dict[str, Any], candidate: Candidate
) -> None:
    """Give the keys of a clause with policy variables values that make it ``wanted``."""
    for statement in q.statements:
        for clause in statement.dynamic:
            if atom_of(clause) != atom:
                continue
            lower = {k.lower(): v for k, v in context.items()}
            holds, _ = clause.evaluate(lower)
            if holds == wanted:
                return
            template = clause.values[0]
            for variable in _variables(template):
                if variable.lower() not in lower:
                    # A key the caller determines (aws:username) takes the caller's value.
                    context[variable] = candidate.derived.get(variable.lower(), "alice")
            lower = {k.lower(): v for k, v in context.items()}
            resolved = substitute(template, lower.get, literal=False)
            if resolved is not None and "*" not in resolved and "?" not in resolved:
                context[clause.key] = resolved if wanted else resolved + "-other"
            return


def _variables(text: str) -> list[str]:
    import re

    return [m.group(1).split(",")[0].strip() for m in re.finditer(r"\$\{([^}]*)\}", text)]


def _default_realizable(atom: str) -> tuple[bool, ...]:
    # The evaluator lets an unresolved Deny block and never lets an unresolved Allow grant.
    return (True,) if atom.startswith("unresolved:Deny:") else (False,)


def _atom_words(atom: str) -> str:
    if atom.startswith("unresolved:"):
        return atom_words(atom) + ", known only at deployment"
    if atom.startswith("variable:"):
        operator, key, values = json.loads(atom.removeprefix("variable:"))
        return (
            f"the condition key {key} ({operator}) holds a policy variable "
            f"({', '.join(map(str, values))}) whose value the request cannot be given"
        )
    if atom.startswith("managed:"):
        arn = json.loads(atom.removeprefix("managed:"))[0]
        return f"depends on the content of {arn}, which is not available offline"
    if atom.startswith("boundary:"):
        arn = json.loads(atom.removeprefix("boundary:"))[0]
        return f"depends on the permissions boundary {arn}, whose content is not available offline"
    if atom.startswith("resource-variable:"):
        return "depends on a policy variable in a Resource element"
    if atom.startswith("extern"):
        return "depends on a resource policy outside the app"
    return f"depends on {atom}"


def _witness(request: Request) -> Witness:
    return Witness(
        request.principal,
        request.action,
        request.resource,
        dict(request.context),
        request.resource_account,
    )


def _receivable(request: Request, q: Question) -> list[Request]:
    """The request found, made into requests AWS could receive (see :mod:`._witness`):
    trust requests are (an assume action on the role); a permissions request takes a
    listed action of its class and a resource of a type that action takes."""
    if q.mode != "permissions":
        return [request]
    actions = [request.action] if known(request.action) else _same_class(q, request.action)
    caller = q.callers[0]
    partition = caller.principal.split(":")[1] if caller.principal.count(":") > 2 else "aws"
    others = [resource for resource, _ in q.resources]
    # A field the policies leave open takes the caller's own account, or when the stack
    # does not say which, the example account of AWS's documentation.
    account = caller.account if caller.account and caller.account.isdigit() else EXAMPLE_ACCOUNT
    built: list[Request] = []
    for action in actions[:3]:
        for resource in whole(action, request.resource, others, partition, account, None):
            built.append(
                Request(
                    request.principal, action, resource, request.resource_account, request.context
                )
            )
    return built


def _same_class(q: Question, action: str) -> list[str]:
    """Listed actions that every statement treats as it treats ``action``."""

    def mask(name: str) -> int | None:
        return mask_of(q.statements, lambda n, s: _action_part(s, name.lower()))

    wanted = mask(action)
    return [a for a in q.actions.get("*", []) if known(a) and mask(a) == wanted]


def solve(q: Question) -> Verdict:
    """Prove that B allows nothing A denies, or find a witness, or say why neither.

    Args:
        q: the question. Required.

    Example:
        >>> from cdk_iam_roles.analysis.symbolic import compare_trust
        >>> compare_trust(None, None, role_arn="arn:aws:iam::1:role/r").verdict
        'no-new-access'
    """
    if q.problems:
        return Verdict("unknown", "cannot be evaluated offline: " + "; ".join(q.problems[:3]))
    if not any(s.side == "B" and s.effect == "Allow" for s in q.statements):
        return Verdict("no-new-access", "proved: HEAD allows nothing here")
    try:
        classes_seen = {c.cls for c in q.callers}
        keys, derived = _key_dimensions(q, classes_seen)
        principal, classes = _caller_dimension(q, derived)
        dims = [_action_dimension(q, classes_seen), _resource_dimension(q), *keys]
        dims += _atom_dimensions(q)
        dims.sort(key=lambda d: max(len(v) for v in d.options.values()) if d.options else 0)
        decide_a, decide_b = _decider(q, "A"), _decider(q, "B")
        b_allow = _bits(q.statements, lambda s: s.side == "B" and s.effect == "Allow")
        full = (1 << len(q.statements)) - 1
        found = search(
            dims,
            principal,
            classes=classes,
            full=full,
            viable=lambda m: bool(m & b_allow),
            target=lambda m: decide_b(m) and not decide_a(m),
        )
    except (Unmodelled, TooComplex) as error:
        return Verdict("unknown", f"outside the modelled fragment: {error}")
    if not found:
        if q.problems:
            return Verdict("unknown", "cannot be evaluated offline: " + "; ".join(q.problems[:3]))
        return Verdict(
            "no-new-access",
            f"proved: every request HEAD allows, BASE allows too ({len(q.callers)} kinds of "
            f"caller, {sum(len(d.for_class('*')) or 1 for d in dims)} value classes)",
        )
    return _confirm(found, q, derived)


def _confirm(found: list[Found], q: Question, derived: list[str]) -> Verdict:
    reasons: list[str] = []

    def score(item: Found) -> tuple[int, int]:
        atoms_true = sum(1 for n, v in item.choices if n.startswith("atom:") and v)
        context = sum(1 for n, v in item.choices if n.startswith("key:") and v is not None)
        return atoms_true, context

    for item in sorted(found, key=score)[:MAX_WITNESS_TRIES]:
        built = _realize(item, q, derived)
        if isinstance(built, str):
            reasons.append(built)
            continue
        found_request, atoms = built
        requests = _receivable(found_request, q)
        if not requests:
            reasons.append(
                "only in requests AWS never receives "
                f"({found_request.action} on {found_request.resource})"
            )
            continue
        for request in requests:
            if q.check("B", request, atoms) and not q.check("A", request, atoms):
                witness = _witness(request)
                words = q.words(witness) if q.words else witness.describe()
                return Verdict("new-access", words, witness)
        if requests == [found_request]:
            reasons.append(
                "the symbolic engine and the evaluator disagree on "
                + _witness(found_request).describe()
            )
        else:
            reasons.append(
                "no request AWS could receive shows it "
                f"({found_request.action} on {found_request.resource} in the policies' terms)"
            )
    unique = list(dict.fromkeys(reasons))
    return Verdict("unknown", f"{q.undecided}, but " + "; ".join(unique[:2]))
