"""IAM's policy evaluation logic, offline.

The order and the combination rules follow
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from cdk_iam_roles.analysis._compile import CompiledStatement
from cdk_iam_roles.analysis._conditions import Context, evaluate_with_placeholders
from cdk_iam_roles.analysis._model import (
    ConditionFailure,
    Decision,
    PolicyKind,
    PolicySet,
    Reason,
    ReasonCode,
    Request,
    StatementRef,
    Unevaluable,
)
from cdk_iam_roles.analysis._placeholders import holds_placeholder, is_placeholder, match_opaque
from cdk_iam_roles.analysis._principals import (
    Caller,
    MatchKind,
    PrincipalEntry,
    not_principal_exempts,
    parse_caller,
)
from cdk_iam_roles.analysis._variables import has_variable, substitute
from cdk_iam_roles.defaults import TRUST_ACTIONS

_CALLER_IDENTITY = "sts:getcalleridentity"
_MATCH = 1
_NO = 0
_UNKNOWN = 2

# Requests authorized by the role's trust policy (TRUST_ACTIONS) need the trust policy to
# allow them even within one account.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html

# When several entries of one Principal element name the caller, the most specific one
# decides which limits the grant is subject to.
_KIND_RANK: dict[MatchKind, int] = {
    "session": 0,
    "user": 1,
    "service": 1,
    "federated": 1,
    "canonical": 1,
    "self": 2,
    "wildcard": 3,
    "role": 4,
    "account": 5,
}


class _Hit:
    """A statement whose Action, Resource and Principal matched, with its conditions' fate."""

    __slots__ = ("failures", "kind", "statement", "status", "unknown")

    def __init__(
        self,
        statement: CompiledStatement,
        status: int,
        kind: MatchKind | None,
        failures: tuple[ConditionFailure, ...],
        unknown: tuple[Unevaluable, ...],
    ) -> None:
        self.statement = statement
        self.status = status
        self.kind = kind
        self.failures = failures
        self.unknown = unknown


class _Opaque:
    """Which request values hold placeholders (names known only at deployment).

    Such a value is an opaque unknown: a statement whose matching depends on it is
    unknown, never a match and never a certain miss (see ``_placeholders``).
    """

    __slots__ = ("caller", "keys", "resource")

    def __init__(self, resource: bool, caller: bool, keys: frozenset[str]) -> None:
        self.resource = resource
        self.caller = caller
        self.keys = keys


def _opaque(resource: str, caller: Caller, context: Context) -> _Opaque | None:
    keys: frozenset[str] = frozenset()
    for value in context.values():
        # A placeholder holds "{": test that in C before calling the full check.
        if ("{" in value if isinstance(value, str) else any("{" in v for v in value)) and (
            holds_placeholder(value)
        ):
            keys = frozenset(k for k, v in context.items() if holds_placeholder(v))
            break
    if not keys and "{" not in resource and "{" not in caller.raw:
        return None
    opaque = _Opaque(is_placeholder(resource), is_placeholder(caller.raw), keys)
    return opaque if opaque.resource or opaque.caller or opaque.keys else None


def _resource_opaque(statement: CompiledStatement, resource: str, context: Context) -> bool | None:
    """Three-valued Resource/NotResource match of a resource that may hold placeholders."""
    unknown = False
    matched = False
    for pattern in statement.resource_patterns:
        written = pattern
        if statement.resource_variables and has_variable(pattern):
            resolved = substitute(pattern, context.get)
            if resolved is None:
                continue
            written = resolved
        found = match_opaque(written, resource, "resource")
        if found:
            matched = True
            break
        if found is None:
            unknown = True
    result: bool | None = True if matched else (None if unknown else False)
    if statement.resource_negated and result is not None:
        result = not result
    return result


def _entry_unknown(entry: PrincipalEntry, caller: Caller) -> bool:
    """Whether an entry that did not name the caller might, once placeholders are known."""
    if entry.family in ("Federated", "CanonicalUser"):
        return match_opaque(entry.value, caller.raw, "literal") is None
    if entry.family == "Service":
        return match_opaque(entry.value, caller.raw, "literal-ci") is None
    if entry.family != "AWS" or not caller.is_aws_identity or entry.form == "wildcard":
        return False
    if entry.form == "account":
        return (
            match_opaque(entry.account or "", caller.account or "", "literal") is None
            and entry.partition == caller.partition
        )
    if entry.form == "role" and caller.kind == "session":
        account = match_opaque(entry.account or "", caller.account or "", "literal")
        name = match_opaque(entry.role_name or "", caller.role_name or "", "literal")
        return account is not False and name is not False and (account is None or name is None)
    return match_opaque(entry.value, caller.raw, "literal") is None


_LOWER_KEYS: dict[str, str] = {}


def _normalize_context(
    context: Mapping[str, str | Sequence[str]],
) -> dict[str, str | tuple[str, ...]]:
    # Context key names are case-insensitive.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
    # The usual case first: single string values under keys that do not differ only in
    # case (the lower-case form of a key name is remembered: requests reuse a few names).
    if not context:
        return {}
    lowered: dict[str, str | tuple[str, ...]] = {}
    for key, value in context.items():
        lower = _LOWER_KEYS.get(key)
        if lower is None:
            lower = key.lower()
            if len(_LOWER_KEYS) < 4096:
                _LOWER_KEYS[key] = lower
        if type(value) is not str or lower in lowered:
            break
        lowered[lower] = value
    else:
        return lowered
    normalized: dict[str, str | tuple[str, ...]] = {}
    for key, value in context.items():
        lower = key.lower()
        given: str | tuple[str, ...] = (
            value if isinstance(value, str) else tuple(str(item) for item in value)
        )
        if lower in normalized:
            before = normalized[lower]
            merged = (before,) if isinstance(before, str) else before
            given = merged + ((given,) if isinstance(given, str) else given)
        normalized[lower] = given
    return normalized


def _apply(
    statement: CompiledStatement,
    action: str,
    resource: str,
    caller: Caller,
    context: Context,
    boundary_present: bool,
    opaque: _Opaque | None,
) -> _Hit | None:
    """Match one statement; ``None`` when it certainly does not apply before conditions.

    ``action`` is lower-case: actions are case-insensitive; `_hits` has already checked
    the statement's Action. ``opaque`` says which request values hold placeholders; where
    a match depends on one, the statement is unknown.
    """
    unknown = statement.problems
    if statement.resource is not None:
        if opaque is not None and (
            opaque.resource
            or (
                opaque.keys
                and statement.resource_variables
                and any(has_variable(p) for p in statement.resource_patterns)
            )
        ):
            found_resource = _resource_opaque(statement, resource, context)
            if found_resource is False:
                return None
            if found_resource is None:
                element = "NotResource" if statement.resource_negated else "Resource"
                problem = Unevaluable(
                    statement.ref,
                    element,
                    f"whether {list(statement.resource_patterns)} matches {resource} "
                    "depends on a name known only at deployment (a placeholder)",
                    statement.ref.kind,
                )
                unknown = (*unknown, problem)
        elif not statement.resource(resource, context):
            return None
    kind: MatchKind | None = None
    entries = statement.principals
    if entries is not None:
        maybe = opaque is not None and opaque.caller
        if statement.not_principal:
            named = not_principal_exempts(entries, caller)
            # "The NotPrincipal element with a Deny effect will always deny any IAM
            # principal that has a permissions boundary policy attached".
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
            if statement.effect == "Deny" and boundary_present and caller.is_aws_identity:
                named = False
            if named:
                return None
            if named is None:
                unknown = (*unknown, _not_principal_unknown(statement, caller))
            elif maybe and any(_entry_unknown(entry, caller) for entry in entries):
                unknown = (*unknown, _principal_unknown(statement, caller, "NotPrincipal"))
            kind = "wildcard"
        else:
            best: MatchKind | None = None
            for entry in entries:
                found = entry.matches(caller)
                if found is not None and (best is None or _KIND_RANK[found] < _KIND_RANK[best]):
                    best = found
            if best is None:
                if maybe and any(_entry_unknown(entry, caller) for entry in entries):
                    unknown = (*unknown, _principal_unknown(statement, caller, "Principal"))
                elif any(entry.may_name(caller) for entry in entries):
                    unknown = (*unknown, _federator_unknown(statement, caller))
                else:
                    return None
                best = "role"
            kind = best
    if not statement.clauses:
        return _Hit(statement, _UNKNOWN if unknown else _MATCH, kind, (), unknown)
    failures: list[ConditionFailure] = []
    clause_unknown: list[Unevaluable] = []
    for clause in statement.clauses:
        if isinstance(clause, Unevaluable):
            clause_unknown.append(clause)
            continue
        if opaque is not None and opaque.keys:
            holds, expected = evaluate_with_placeholders(clause, context)
        else:
            holds, expected = clause.evaluate(context)
        if holds is None:
            given = context.get(clause.key.lower())
            if holds_placeholder(given):
                detail = (
                    f"the request value {given!r} holds a name known only at deployment (a "
                    f"placeholder), so whether it satisfies {list(expected)} cannot be known"
                )
            elif not isinstance(given, str) and ":" not in clause.operator:
                detail = (
                    f"the request gives a multivalued {list(given or ())} but the operator "
                    "has no ForAnyValue:/ForAllValues: set operator"
                )
            else:
                detail = f"the request value {given!r} cannot be compared by {clause.operator}"
            clause_unknown.append(
                Unevaluable(
                    statement.ref,
                    "Condition",
                    f"{clause.operator} {clause.key}: {detail}",
                    statement.ref.kind,
                )
            )
        elif not holds:
            given = context.get(clause.key.lower())
            actual = (given,) if isinstance(given, str) else given
            failures.append(ConditionFailure(clause.key, clause.operator, expected, actual))
    if clause_unknown:
        unknown = unknown + tuple(clause_unknown)
    if failures:
        status = _NO
    elif unknown:
        status = _UNKNOWN
    else:
        status = _MATCH
    return _Hit(statement, status, kind, tuple(failures), unknown)


def _principal_unknown(statement: CompiledStatement, caller: Caller, element: str) -> Unevaluable:
    return Unevaluable(
        statement.ref,
        element,
        f"whether it names {caller.raw} depends on a name known only at deployment (a placeholder)",
        statement.ref.kind,
    )


def _not_principal_unknown(statement: CompiledStatement, caller: Caller) -> Unevaluable:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
    return Unevaluable(
        statement.ref,
        "NotPrincipal",
        f"it names {caller.raw} at some levels only (AWS checks the account, then the role, "
        "then the user or session), and such a policy 'might deny access to the entire "
        "account'",
        statement.ref.kind,
    )


def _federator_unknown(statement: CompiledStatement, caller: Caller) -> Unevaluable:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
    return Unevaluable(
        statement.ref,
        "Principal",
        f"it names an IAM user of the account of {caller.raw}, which may be the IAM user "
        "who federated this session; the session ARN does not say",
        statement.ref.kind,
    )


def _hits(
    action: str,
    resource: str,
    caller: Caller,
    context: Context,
    boundary_present: bool,
    opaque: _Opaque | None,
    statements: Iterable[CompiledStatement],
) -> list[_Hit]:
    found: list[_Hit] = []
    for statement in statements:
        # Most statements that do not apply fail on Action: test it before the call.
        matches_action = statement.action
        if matches_action is not None and not matches_action(action):
            continue
        hit = _apply(statement, action, resource, caller, context, boundary_present, opaque)
        if hit is not None:
            found.append(hit)
    return found


_KIND_LABELS: dict[PolicyKind, str] = {
    "identity": "identity-based policy",
    "resource": "resource-based policy",
    "boundary": "permissions boundary",
    "scp": "service control policy",
    "rcp": "resource control policy",
    "session": "session policy",
}


def _label_kind(kind: PolicyKind, trust: bool = False) -> str:
    """`` (identity-based policy)`` after a statement's label; nothing for a trust policy.

    For sts:AssumeRole* the resource-based policy is the role's trust policy, and the
    label already says so.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html
    """
    if trust and kind == "resource":
        return ""
    return f" ({_KIND_LABELS[kind]})"


def _ref_label(ref: StatementRef, trust: bool) -> str:
    """A statement's label; for ``sts:AssumeRole*`` the resource policy is the trust policy."""
    label = ref.label()
    if trust and ref.kind == "resource":
        return "trust policy" + label.removeprefix("resource policy")
    return label


def _problem_text(problem: Unevaluable, trust: bool) -> str:
    if problem.statement is None:
        return problem.describe()
    return f"{_ref_label(problem.statement, trust)}: {problem.element}: {problem.detail}"


class _Collector:
    """Gathers near misses and unevaluable allow statements for an implicit deny."""

    __slots__ = ("reasons", "request", "trust", "unevaluable")

    def __init__(self, request: Request, trust: bool) -> None:
        self.request = request
        self.trust = trust
        self.reasons: list[Reason] = []
        self.unevaluable: list[Unevaluable] = []

    def near_misses(self, hits: Iterable[_Hit]) -> None:
        for hit in hits:
            if hit.statement.effect != "Allow":
                continue
            ref = hit.statement.ref
            if hit.failures:
                self.reasons.append(
                    Reason(
                        "condition-not-met",
                        f"{_ref_label(ref, self.trust)} would allow {self.request.action} but "
                        "its conditions "
                        "do not hold",
                        ref,
                        hit.failures,
                        policy_kind=ref.kind,
                    )
                )
            elif hit.status == _UNKNOWN:
                for problem in hit.unknown:
                    self.unevaluable.append(problem)
                    self.reasons.append(
                        Reason(
                            "unevaluable",
                            f"{_problem_text(problem, self.trust)} (cannot be evaluated, so it "
                            "grants nothing)",
                            ref,
                            unevaluable=problem,
                            policy_kind=ref.kind,
                        )
                    )


def _direct_grant(kind: MatchKind | None, boundary_ok: bool, session_ok: bool) -> bool:
    """Whether a resource-policy allow matched as ``kind`` grants on its own (same account).

    A resource policy naming the session ARN grants past both the boundary and the
    session policy; naming an IAM user ARN, past the boundary only; naming the role ARN,
    within both (the role's permissions are capped before the session exists). Naming the
    account delegates to the identity-based policies.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
    """
    if kind in ("session", "service", "federated", "canonical"):
        return True
    if kind == "user":
        return session_ok
    if kind == "wildcard":
        # "Permissions boundaries and session policies do not limit permissions granted
        # using the aws:PrincipalArn condition key with a wildcard(*) in the Principal
        # element, unless the identity-based policies contain an explicit deny."
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
        return True
    if kind in ("role", "self"):
        return boundary_ok and session_ok
    return False


def evaluate(request: Request, policies: PolicySet) -> Decision:
    """Decide whether a request is allowed by a set of policies, as AWS IAM would.

    Explicit denies in any policy win; every SCP level must allow (for identities of
    member accounts); RCP denies apply to the resource; within one account an allow in
    the identity-based policies (limited by the permissions boundary and the session
    policy) or a resource-based policy that names the caller suffices; across accounts
    both sides must allow. ``sts:AssumeRole*`` always needs the trust policy
    (`PolicySet.resource`) to allow. Whatever cannot be evaluated never grants, and a
    Deny that cannot be evaluated prevents an Allow.

    Args:
        request: the principal, action, resource and context. Required.
        policies: the policies that apply. Required.

    Example:
        >>> policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        ...     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]}
        >>> evaluate(Request("arn:aws:iam::111122223333:user/bob", "s3:GetObject",
        ...     "arn:aws:s3:::b/bob/x", context={"aws:username": "bob"}),
        ...     PolicySet(identity=[policy])).outcome
        'Allowed'
    """
    compiled = policies.compiled()
    caller = parse_caller(request.principal)
    context = _normalize_context(request.context)
    action = request.action
    resource = request.resource
    boundary_present = compiled.boundary is not None

    lower_action = action.lower()
    if lower_action == _CALLER_IDENTITY and caller.is_aws_identity:
        # "No permissions are required to perform this operation. If an administrator
        # attaches a policy to your identity that explicitly denies access to the
        # sts:GetCallerIdentity action, you can still perform this operation."
        # https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
        return Decision(
            "Allowed",
            (
                Reason(
                    "always-allowed",
                    f"{action} needs no permission and cannot be denied",
                ),
            ),
            (),
        )
    trust_action = lower_action in TRUST_ACTIONS
    # A KMS key policy is the primary control of its key: an identity policy grants only
    # where the key policy allows the account (the default statement that names
    # arn:aws:iam::ACCOUNT:root with kms:*, "Enables IAM policies") or names the caller.
    # "Unless the key policy explicitly allows it, you cannot use IAM policies to allow
    # access to a KMS key. Without permission from the key policy, IAM policies that allow
    # permissions have no effect."
    # https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
    # https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
    key_policy = compiled.resource is not None and lower_action.startswith("kms:")
    opaque = _opaque(resource, caller, context)

    def hits(statements: Iterable[CompiledStatement]) -> list[_Hit]:
        return _hits(lower_action, resource, caller, context, boundary_present, opaque, statements)

    aws_identity = caller.is_aws_identity
    # Identity policies, boundaries, session policies and SCPs belong to IAM identities;
    # a service principal or a federated provider is judged by the resource policy.
    identity_hits = hits(compiled.identity) if aws_identity and compiled.identity else []
    boundary_hits = hits(compiled.boundary) if aws_identity and compiled.boundary else []
    session_hits = hits(compiled.session) if aws_identity and compiled.session else []
    resource_hits = hits(compiled.resource) if compiled.resource is not None else []
    # SCPs do not affect the management account.
    # https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
    scp_levels = (
        [hits(level) for level in compiled.scps]
        if compiled.scps and aws_identity and not policies.principal_in_management_account
        else []
    )
    # RCPs do not affect resources of the management account; RCPFullAWSAccess is
    # attached to every level and cannot be detached, so only their denies matter.
    # https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
    rcp_levels = (
        [hits(level) for level in compiled.rcps]
        if compiled.rcps and not policies.resource_in_management_account
        else []
    )

    # 1. Explicit deny in any policy wins.
    denies: list[Reason] = []
    unevaluable_denies: list[Reason] = []
    unevaluable: list[Unevaluable] = []
    layers: list[list[_Hit]] = [identity_hits, boundary_hits, session_hits, resource_hits]
    if scp_levels:
        layers.extend(scp_levels)
    if rcp_levels:
        layers.extend(rcp_levels)
    unknown_allows: list[Unevaluable] = []
    # The Allow statements that apply, per layer (in the order of ``layers``), gathered in
    # the same pass (a statement's effect is "Allow" or "Deny": see `compile_policy`).
    allows: list[list[_Hit]] = []
    for layer in layers:
        if not layer:
            allows.append(layer)
            continue
        layer_allows: list[_Hit] = []
        allows.append(layer_allows)
        for hit in layer:
            if hit.statement.effect != "Deny":
                if hit.status == _MATCH:
                    layer_allows.append(hit)
                elif hit.status == _UNKNOWN:
                    unknown_allows.extend(hit.unknown)
                continue
            ref = hit.statement.ref
            if hit.status == _MATCH:
                code: ReasonCode = (
                    "not-principal-deny-with-boundary"
                    if hit.statement.not_principal and boundary_present
                    else "explicit-deny"
                )
                denies.append(
                    Reason(
                        code,
                        f"{_ref_label(ref, trust_action)}{_label_kind(ref.kind, trust_action)} "
                        f"explicitly denies {action} on {resource}",
                        ref,
                        policy_kind=ref.kind,
                    )
                )
            elif hit.status == _UNKNOWN:
                for problem in hit.unknown:
                    unevaluable.append(problem)
                    unevaluable_denies.append(
                        Reason(
                            "unevaluable",
                            f"{_problem_text(problem, trust_action)} (a Deny that cannot be "
                            "evaluated is "
                            "assumed to deny)",
                            ref,
                            unevaluable=problem,
                            policy_kind=ref.kind,
                        )
                    )
    if denies:
        return Decision("ExplicitDeny", tuple(denies + unevaluable_denies), tuple(unevaluable))

    collector = _Collector(request, trust_action)
    reasons: list[Reason] = []
    granted_by: list[_Hit] = []
    blocked = False

    # 2. Every SCP level must allow.
    for number, level in enumerate(scp_levels):
        level_allows = allows[4 + number]
        if level_allows:
            granted_by.append(level_allows[0])
            continue
        blocked = True
        reasons.append(
            Reason(
                "scp-no-allow",
                f"no service control policy at organization level {number} allows {action}",
                policy_kind="scp",
            )
        )
        collector.near_misses(level)

    # 3. Identity-based side: identity allow, within the boundary and the session policy.
    identity_allows, boundary_allows, session_allows, resource_allows = allows[:4]
    boundary_ok = compiled.boundary is None or not aws_identity or bool(boundary_allows)
    session_ok = compiled.session is None or not aws_identity or bool(session_allows)
    identity_path = aws_identity and bool(identity_allows) and boundary_ok and session_ok
    resource_account = request.resource_account or caller.account
    same_account = caller.account is not None and caller.account == resource_account

    direct = (
        [hit for hit in resource_allows if _direct_grant(hit.kind, boundary_ok, session_ok)]
        if resource_allows
        else []
    )
    if not aws_identity:
        granted = bool(resource_allows)
        if not granted:
            reasons.append(
                Reason(
                    "no-matching-allow",
                    f"the role's trust policy does not allow {caller.raw} to call {action}"
                    if trust_action
                    else f"no resource-based policy statement allows {caller.raw} to call {action}",
                    policy_kind="resource",
                )
            )
        granted_by.extend(resource_allows[:1])
    elif trust_action and compiled.resource is None:
        granted = False
        reasons.append(
            Reason(
                "trust-policy-missing",
                f"{action} needs the role's trust policy to allow it; none was given",
                policy_kind="resource",
            )
        )
    elif same_account and not trust_action and not key_policy:
        granted = identity_path or bool(direct)
        if identity_path:
            granted_by.extend(identity_allows[:1])
        elif direct:
            granted_by.extend(direct[:1])
    elif same_account:
        granted = bool(direct) or (identity_path and bool(resource_allows))
        if direct:
            granted_by.extend(direct[:1])
        elif granted:
            granted_by.extend(identity_allows[:1] + resource_allows[:1])
        elif key_policy and identity_path:
            reasons.append(
                Reason(
                    "key-policy-no-allow",
                    f"the key policy allows neither {caller.raw} nor its account to call "
                    f"{action}, so the identity-based policy's allow has no effect",
                    policy_kind="resource",
                )
            )
    else:
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
        granted = identity_path and bool(resource_allows)
        if granted:
            granted_by.extend(identity_allows[:1] + resource_allows[:1])
        elif identity_path:
            reasons.append(
                Reason(
                    "cross-account-resource-no-allow",
                    f"across accounts ({caller.account} → {resource_account}) the "
                    + ("role's trust policy" if trust_action else "resource-based policy")
                    + f" must also allow {action}, and it does not",
                    policy_kind="resource",
                )
            )
        elif resource_allows:
            reasons.append(
                Reason(
                    "cross-account-identity-no-allow",
                    f"across accounts the caller's own identity-based policies must also "
                    f"allow {action}",
                    policy_kind="identity",
                )
            )

    if not granted and aws_identity:
        if (
            not identity_allows
            and not direct
            and not any(r.code.startswith("cross-account") for r in reasons)
        ):
            reasons.append(
                Reason(
                    "no-matching-allow",
                    f"no identity-based policy or trust policy statement allows {action} "
                    f"on {resource}"
                    if trust_action
                    else f"no identity-based or resource-based policy statement allows {action} "
                    f"on {resource}",
                    policy_kind="identity",
                )
            )
        if identity_allows and not boundary_ok:
            reasons.append(
                Reason(
                    "boundary-no-allow",
                    f"the permissions boundary does not allow {action}",
                    policy_kind="boundary",
                )
            )
            collector.near_misses(boundary_hits)
        if (identity_allows or resource_allows) and not session_ok:
            reasons.append(
                Reason(
                    "session-no-allow",
                    f"the session policy does not allow {action}",
                    policy_kind="session",
                )
            )
            collector.near_misses(session_hits)
        if trust_action and not resource_allows and compiled.resource is not None:
            reasons.append(
                Reason(
                    "no-matching-allow",
                    f"the role's trust policy does not allow {caller.raw} to call {action}",
                    policy_kind="resource",
                )
            )
        collector.near_misses(identity_hits)
    if not granted:
        collector.near_misses(resource_hits)

    reasons.extend(collector.reasons)
    unevaluable.extend(collector.unevaluable)
    if granted and not blocked:
        # Report what could not be evaluated even when other statements allowed.
        unevaluable.extend(unknown_allows)
    if (
        not granted
        and not blocked
        and caller.kind == "root"
        # across accounts, for a role's trust policy and for a key policy the resource
        # side must allow all the same
        and (bool(resource_allows) or not (trust_action or key_policy or not same_account))
    ):
        # "By default, all requests are implicitly denied with the exception of the AWS
        # account root user, which has full access": not modelled, so not decided.
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
        root = Unevaluable(
            None, "Principal", "the root user's full access to its account is not modelled"
        )
        unevaluable.append(root)
        reasons.append(Reason("unevaluable", root.describe(), unevaluable=root))
    if blocked or not granted:
        if unevaluable_denies:
            reasons.extend(unevaluable_denies)
        return Decision("ImplicitDeny", tuple(reasons), tuple(unevaluable))
    if unevaluable_denies:
        return Decision("ImplicitDeny", tuple(unevaluable_denies), tuple(unevaluable))
    allowed = [
        Reason(
            "allowed-by",
            f"{_ref_label(hit.statement.ref, trust_action)}"
            f"{_label_kind(hit.statement.ref.kind, trust_action)} allows {action}",
            hit.statement.ref,
            policy_kind=hit.statement.ref.kind,
        )
        for hit in granted_by
    ]
    return Decision("Allowed", tuple(allowed), tuple(unevaluable))
