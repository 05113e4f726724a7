"""The three questions the commands ask: trust widened? permissions widened? external?

Example:
    >>> trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    ...     "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "sts:AssumeRole"}]}
    >>> compare_trust(None, trust, role_arn="arn:aws:iam::111111111111:role/r").verdict
    'new-access'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from cdk_iam_roles.analysis._evaluator import evaluate
from cdk_iam_roles.analysis._matching import KIND_RANK
from cdk_iam_roles.analysis._model import PolicySet, Request
from cdk_iam_roles.analysis._principals import MatchKind, PrincipalEntry, parse_caller
from cdk_iam_roles.analysis.assembly import ResourcePolicy, RoleInfo
from cdk_iam_roles.analysis.symbolic._automata import (
    Pattern,
    TooComplex,
    glob,
    literal,
    prettify,
    signatures,
)
from cdk_iam_roles.analysis.symbolic._automata import resource_glob as resource_pattern
from cdk_iam_roles.analysis.symbolic._callers import Candidate, candidates, kind_of_key
from cdk_iam_roles.analysis.symbolic._compare import Question, solve
from cdk_iam_roles.analysis.symbolic._engine import Stmt, principal_part, read_statements
from cdk_iam_roles.analysis.symbolic._keys import NotModelled, _string_pattern, split_operator
from cdk_iam_roles.analysis.symbolic._verdict import Verdict
from cdk_iam_roles.defaults import TRUST_ACTIONS

ALLOW_ALL: Mapping[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
"""The caller's own identity policy in the trust question: it may do anything."""

_AWS_ACTIONS = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"]
_SAML_ACTIONS = ["sts:AssumeRoleWithSAML", "sts:TagSession", "sts:SetSourceIdentity"]
_OIDC_ACTIONS = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity"]


def _actions_for(cls: str) -> list[str]:
    # Each kind of caller reaches a role through its own API: AssumeRole for IAM
    # identities and services, AssumeRoleWithSAML, AssumeRoleWithWebIdentity.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_request.html
    if cls == "saml":
        return _SAML_ACTIONS
    if cls.startswith("oidc:"):
        return _OIDC_ACTIONS
    return _AWS_ACTIONS


def _entries(statements: Iterable[Stmt]) -> list[PrincipalEntry]:
    return [
        e for s in statements if s.compiled and s.compiled.principals for e in s.compiled.principals
    ]


def _key_patterns(statements: Iterable[Stmt], key: str) -> list[Pattern]:
    found: list[Pattern] = []
    for statement in statements:
        for clause in statement.clauses_by_key().get(key, []):
            _, base, _ = split_operator(clause.operator)
            if base.startswith(("String", "Arn", "Binary")):
                found.extend(_string_pattern(base, v) for v in clause.values)
    return found


def _providers(statements: Iterable[Stmt]) -> set[str]:
    found: set[str] = set()
    for statement in statements:
        for key in statement.clauses_by_key():
            namespace = kind_of_key(key)
            if namespace is not None:
                found.add(namespace)
    return found


def _same(base: Any, head: Any) -> bool:
    # An unknown compares equal only to the same expression (see cfn.Unknown).
    return bool(base == head)


def compare_trust(
    base: Mapping[str, Any] | None,
    head: Mapping[str, Any] | None,
    *,
    role_arn: str,
    account: str | None = None,
    partition: str = "aws",
    services: bool = True,
) -> Verdict:
    """Whether the head trust policy admits any caller the base one does not.

    Args:
        base: the base trust policy; ``None`` for a role that did not exist. Required.
        head: the head trust policy; ``None`` for a removed role. Required.
        role_arn: the role's ARN (the resource of the request). Required.
        account: the role's account. Default ``None``.
        partition: the role's partition. Default ``"aws"``.
        services: consider service principals as callers. Default ``True``.

    Example:
        >>> trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        ...     "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        >>> compare_trust(trust, trust, role_arn="arn:aws:iam::1:role/r").verdict
        'no-new-access'
    """
    return trust_verdict(
        base, head, role_arn=role_arn, account=account, partition=partition, services=services
    )


def trust_verdict(
    base: Mapping[str, Any] | None,
    head: Mapping[str, Any] | None,
    *,
    role_arn: str,
    account: str | None = None,
    partition: str = "aws",
    services: bool = True,
    labels: tuple[str, str] = ("BASE trust policy", "HEAD trust policy"),
    undecided: str = "HEAD may allow more",
) -> Verdict:
    """:func:`compare_trust`, with the words that name each side and an undecided answer
    (``access`` compares a role's trust with the zone of trust, not two versions)."""
    if head is not None and _same(base, head):
        return Verdict("no-new-access", "proved: the trust policy is unchanged")
    problems: list[str] = []
    statements = [
        *read_statements(
            base,
            side="A",
            layer="trust",
            kind="resource",
            index=0,
            origin=labels[0],
            problems=problems,
        ),
        *read_statements(
            head,
            side="B",
            layer="trust",
            kind="resource",
            index=0,
            origin=labels[1],
            problems=problems,
        ),
    ]
    docs = {"A": base, "B": head}

    def check(side: str, request: Request, atoms: Mapping[str, bool]) -> bool:
        trust = docs[side]
        policies = PolicySet(identity=[ALLOW_ALL], resource=trust)
        located = Request(
            request.principal, request.action, request.resource, account, request.context
        )
        return evaluate(located, policies).allowed

    try:
        callers = candidates(
            _entries(statements),
            partition=partition,
            home_account=account,
            arn_patterns=_key_patterns(statements, "aws:principalarn"),
            account_patterns=_key_patterns(statements, "aws:principalaccount"),
            services=services,
            providers=_providers(statements),
        )
    except (NotModelled, TooComplex) as error:
        return Verdict("unknown", f"outside the modelled fragment: {error}")
    classes = {c.cls for c in callers}
    question = Question(
        mode="trust",
        statements=statements,
        callers=callers,
        actions={cls: _actions_for(cls) for cls in classes},
        resources=[(role_arn, {})],
        check=check,
        problems=problems,
        undecided=undecided,
    )
    return solve(question)


def _grant(kind: MatchKind | None) -> str:
    # Mirrors the evaluator's `_direct_grant` for a session caller without a session
    # policy: naming the session (or anyone) grants on its own, naming the role grants
    # within the boundary, naming the account delegates to the identity policies.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
    if kind in ("session", "service", "federated", "canonical", "user", "wildcard"):
        return "direct"
    if kind in ("role", "self"):
        return "boundary"
    return "none"


def _best_kind(statement: Stmt, principal: str) -> MatchKind | None:
    compiled = statement.compiled
    if compiled is None or compiled.principals is None or compiled.not_principal:
        return "wildcard"
    caller = parse_caller(principal)
    best: MatchKind | None = None
    for entry in compiled.principals:
        found = entry.matches(caller)
        if found is not None and (best is None or KIND_RANK[found] < KIND_RANK[best]):
            best = found
    return best


_TRUSTS: dict[int, tuple[Sequence[RoleInfo], list[ResourcePolicy]]] = {}


def _role_trusts(roles: Sequence[RoleInfo]) -> list[ResourcePolicy]:
    """The trust policies of an app's roles as resource policies (built once per list)."""
    hit = _TRUSTS.get(id(roles))
    if hit is not None and hit[0] is roles:
        return hit[1]
    if len(_TRUSTS) > 64:
        _TRUSTS.clear()
    built = [
        ResourcePolicy(
            "AWS::IAM::Role", r.stack, r.logical_id, r.path, (r.arn,), r.trust or {}, r.account
        )
        for r in roles
        if r.arn
    ]
    _TRUSTS[id(roles)] = (roles, built)
    return built


def _raw_actions(documents: Iterable[Mapping[str, Any] | None]) -> set[str]:
    found: set[str] = set()
    for document in documents:
        if not isinstance(document, Mapping):
            continue
        raw = document.get("Statement")
        items = raw if isinstance(raw, list) else [raw]
        for item in items:
            if not isinstance(item, Mapping):
                continue
            for element in ("Action", "NotAction"):
                value = item.get(element)
                for text in value if isinstance(value, list) else [value]:
                    if isinstance(text, str):
                        found.add(text.lower())
    return found


def compare_permissions(
    base: RoleInfo | None,
    head: RoleInfo | None,
    *,
    base_resources: Sequence[ResourcePolicy] = (),
    head_resources: Sequence[ResourcePolicy] = (),
    base_roles: Sequence[RoleInfo] = (),
    head_roles: Sequence[RoleInfo] = (),
) -> Verdict:
    """Whether a session of the head role may make any call a session of the base one may not.

    Identity policies (inline, customer managed, ``AWS::IAM::Policy``) within the
    permissions boundary, the resource policies of the app (and the trust policies of
    its roles, for ``sts:AssumeRole``), and explicit denies everywhere, for calls in the
    role's own account. Managed policies whose content is not in the app stand as
    unknowns: shared by both sides they cannot create a difference; added, they make
    the verdict ``unknown``.

    Args:
        base: the base role, ``None`` when added. Required.
        head: the head role, ``None`` when removed. Required.
        base_resources: resource policies of the base app. Default: none.
        head_resources: resource policies of the head app. Default: none.
        base_roles: every role of the base app (their trusts guard sts:AssumeRole).
            Default: none.
        head_roles: every role of the head app. Default: none.

    Example:
        >>> compare_permissions(None, None).verdict
        'no-new-access'
    """
    role = head or base
    if role is None or head is None:
        return Verdict("no-new-access", "proved: the role is removed, so it allows nothing")
    principal = role.session_arn()
    caller = parse_caller(principal)
    candidate = Candidate(
        principal,
        "aws",
        {
            "aws:principalaccount": role.account or "",
            "aws:principalarn": role.arn,
            "aws:principaltype": "AssumedRole",
            "aws:principalisawsservice": "false",
        },
        role.account,
    )
    problems: list[str] = []
    statements: list[Stmt] = []
    realizable: dict[str, tuple[bool, ...]] = {
        "extern:allow": (False, True),
        "extern:deny": (False,),
    }
    has_boundary: dict[str, bool] = {}
    sides = {"A": base, "B": head}
    all_rps: dict[str, list[ResourcePolicy]] = {
        "A": [*base_resources, *_role_trusts(base_roles)] if base else [],
        "B": [*head_resources, *_role_trusts(head_roles)],
    }
    for side, info in sides.items():
        has_boundary[side] = info is not None and (
            info.boundary is not None or info.boundary_unavailable is not None
        )
    # Only resource policies with a statement that names this role's sessions can grant
    # or deny it anything; the others behave, for this role, like policies outside the
    # app (free atoms), which keeps the proof sound and the search small.
    relevant_rps: dict[str, list[tuple[ResourcePolicy, list[Stmt], list[str]]]] = {}
    for side in sides:
        label = "BASE" if side == "A" else "HEAD"
        chosen: list[tuple[ResourcePolicy, list[Stmt], list[str]]] = []
        for rp in all_rps[side]:
            found, own = _rp_statements(rp, side, label)
            relevant = [
                s
                for s in found
                if s.compiled
                and principal_part(s.compiled, caller, has_boundary[side]) is not False
            ]
            if relevant or (own and _mentions(rp.document, role)):
                chosen.append((rp, relevant, own))
        relevant_rps[side] = chosen
    if base is not None and same_permissions(base, head) and _same_rps(relevant_rps):
        return Verdict("no-new-access", "proved: the permissions are unchanged")
    side_rps: dict[str, list[ResourcePolicy]] = {
        side: [rp for rp, _, _ in chosen] for side, chosen in relevant_rps.items()
    }
    documents: list[Mapping[str, Any] | None] = []
    for side, info in sides.items():
        if info is None:
            continue
        label = "BASE" if side == "A" else "HEAD"
        for index, policy in enumerate(info.identity_policies):
            documents.append(policy.document)
            statements += read_statements(
                policy.document,
                side=side,
                layer="identity",
                kind="identity",
                index=index,
                origin=f"{label} {policy.origin}",
                problems=problems,
            )
        for unavailable in info.unavailable_policies:
            for effect in ("Allow", "Deny"):
                atom = "managed:" + json.dumps([unavailable.arn, unavailable.source, effect])
                statements.append(Stmt(side, "identity", effect, None, (atom,)))
        boundary = info.boundary.document if info.boundary else None
        documents.append(boundary)
        statements += read_statements(
            boundary,
            side=side,
            layer="boundary",
            kind="boundary",
            index=0,
            origin=f"{label} permissions boundary",
            problems=problems,
        )
        if info.boundary_unavailable is not None:
            for effect in ("Allow", "Deny"):
                atom = "boundary:" + json.dumps(
                    [info.boundary_unavailable, info.boundary_source, effect]
                )
                statements.append(Stmt(side, "boundary", effect, None, (atom,)))
        for number, (rp, relevant, own) in enumerate(relevant_rps[side]):
            problems.extend(own)
            for statement in relevant:
                grant = "none"
                if statement.effect == "Allow":
                    grant = _grant(_best_kind(statement, principal))
                statements.append(replace(statement, cover=number, grant=grant))
            documents.append(rp.document)
        statements.append(Stmt(side, "resource", "Allow", None, ("extern:allow",), "direct", -1))
        statements.append(Stmt(side, "resource", "Deny", None, ("extern:deny",), "none", -1))
    marker = Stmt("*", "marker", "Allow", None)
    statements.append(marker)
    markers = 1 << (len(statements) - 1)

    try:
        actions = _action_candidates(documents)
        resources = _resource_candidates(statements, side_rps)
    except TooComplex as error:
        return Verdict("unknown", f"outside the modelled fragment: {error}")

    def check(side: str, request: Request, atoms: Mapping[str, bool]) -> bool:
        info = sides[side]
        if info is None:
            return False
        covering = next((rp for rp in all_rps[side] if rp.protects(request.resource)), None)
        resource_doc: Mapping[str, Any] | None = covering.document if covering else None
        if covering is None and atoms.get("extern:allow"):
            resource_doc = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": principal},
                        "Action": "*",
                        "Resource": "*",
                    }
                ],
            }
        policies = PolicySet(
            identity=[p.document for p in info.identity_policies],
            boundary=info.boundary.document if info.boundary else None,
            resource=resource_doc,
        )
        return evaluate(request, policies).allowed

    question = Question(
        mode="permissions",
        statements=statements,
        callers=[candidate],
        actions={"*": actions, "aws": actions},
        resources=resources,
        check=check,
        boundary=bool(head.boundary or head.boundary_unavailable),
        markers=markers,
        has_boundary=has_boundary,
        realizable=realizable,
        problems=problems,
    )
    return solve(question)


_RP_CACHE: dict[tuple[int, str], tuple[ResourcePolicy, list[Stmt], list[str]]] = {}
_RP_CACHE_SIZE = 50_000


def _rp_statements(rp: ResourcePolicy, side: str, label: str) -> tuple[list[Stmt], list[str]]:
    """A resource policy's statements, parsed once per policy object and side."""
    key = (id(rp), side)
    hit = _RP_CACHE.get(key)
    if hit is not None and hit[0] is rp:
        return hit[1], hit[2]
    own: list[str] = []
    found = read_statements(
        rp.document,
        side=side,
        layer="resource",
        kind="resource",
        index=0,
        origin=f"{label} {rp.resource_type} {rp.path}",
        problems=own,
    )
    if len(_RP_CACHE) >= _RP_CACHE_SIZE:
        _RP_CACHE.clear()
    _RP_CACHE[key] = (rp, found, own)
    return found, own


def _nice_resources(texts: Iterable[str]) -> list[str]:
    """Readable resources: each pattern with its wildcards filled in, then examples."""
    nice: list[str] = []
    for text in sorted(texts):
        if text != "*":
            nice.append(text.replace("*", "example").replace("?", "x"))
    nice += [
        "arn:aws:s3:::example-bucket/example-key",
        "arn:aws:iam::111111111111:role/example",
        "arn:aws:dynamodb:eu-west-1:111111111111:table/example",
        "arn:aws:sqs:eu-west-1:111111111111:example",
    ]
    return nice


def _mentions(document: Any, role: RoleInfo) -> bool:
    text = repr(document)
    return "*" in text or role.arn in text or (bool(role.account) and str(role.account) in text)


def _role_parts(role: RoleInfo) -> tuple[Any, ...]:
    return (
        [p.document for p in role.identity_policies],
        role.boundary.document if role.boundary else None,
        role.boundary_unavailable,
        role.boundary_source,
        sorted((p.arn, p.source) for p in role.unavailable_policies),
    )


def same_permissions(base: RoleInfo, head: RoleInfo) -> bool:
    """Whether two versions of a role hold the same policies, as written: an unknown in
    both is the same expression, so the same value once deployed (the modelling
    assumption of ``diff``)."""
    return _role_parts(base) == _role_parts(head)


def _same_rps(relevant: Mapping[str, list[tuple[ResourcePolicy, list[Stmt], list[str]]]]) -> bool:
    def key(side: str) -> list[tuple[Any, ...]]:
        return [(rp.resources, rp.document) for rp, _, _ in relevant.get(side, [])]

    return key("A") == key("B")


def _action_candidates(documents: Iterable[Mapping[str, Any] | None]) -> list[str]:
    raw = sorted(_raw_actions(documents) | {a.lower() for a in TRUST_ACTIONS})
    spelled = _spelled_actions(documents)
    patterns = [glob(text) for text in raw]
    found = signatures(patterns, preferred=[glob("?*:?*")])
    nicer = [*sorted(spelled.values()), *_NICE_ACTIONS]
    found = prettify(found, patterns, [n.lower() for n in nicer])
    # Actions are case-insensitive: show each as a policy (or AWS) spells it.
    spelling = {n.lower(): n for n in nicer}
    shown = [spelling.get(a, a) for a in found.values()]
    return sorted(shown, key=lambda a: (":" not in a, a))


_NICE_ACTIONS = (
    "iam:CreateUser",
    "ec2:RunInstances",
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "sqs:SendMessage",
    "dynamodb:DeleteTable",
    "kms:Decrypt",
    "lambda:InvokeFunction",
    "sts:AssumeRole",
    "iam:PassRole",
    "logs:PutLogEvents",
    "organizations:LeaveOrganization",
)


def _spelled_actions(documents: Iterable[Mapping[str, Any] | None]) -> dict[str, str]:
    found: dict[str, str] = {}
    for document in documents:
        if not isinstance(document, Mapping):
            continue
        raw = document.get("Statement")
        for item in raw if isinstance(raw, list) else [raw]:
            if not isinstance(item, Mapping):
                continue
            for element in ("Action", "NotAction"):
                value = item.get(element)
                for text in value if isinstance(value, list) else [value]:
                    if isinstance(text, str) and "*" not in text and "?" not in text:
                        found.setdefault(text.lower(), text)
    return found


def _resource_candidates(
    statements: Sequence[Stmt], side_rps: Mapping[str, Sequence[ResourcePolicy]]
) -> list[tuple[str, dict[str, int | None]]]:
    texts: set[str] = set()
    for statement in statements:
        if statement.compiled is not None:
            texts.update(statement.compiled.resource_patterns)
    patterns = [resource_pattern(text) for text in sorted(texts)]
    for rps in side_rps.values():
        for rp in rps:
            for arn in rp.resources:
                if isinstance(arn, str):
                    patterns.append(literal(arn))
                    if rp.covers_children:
                        patterns.append(Pattern((*literal(arn).tokens, ("c", "/"), ("*", ""))))
    found = signatures(patterns, preferred=[glob("arn:?*")])
    found = prettify(found, patterns, _nice_resources(texts))
    result: list[tuple[str, dict[str, int | None]]] = []
    for resource in found.values():
        covers: dict[str, int | None] = {}
        for side, rps in side_rps.items():
            covers[side] = next((n for n, rp in enumerate(rps) if rp.protects(resource)), None)
        result.append((resource, covers))
    return result
