"""IAM's policy evaluation logic, offline.

The order and the combination rules follow
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
"""

from __future__ import annotations

from collections.abc import Iterable

from cdk_iam_roles.analysis._compile import CompiledStatement
from cdk_iam_roles.analysis._matching import (
    MATCH,
    UNKNOWN,
    Hit,
    normalize_context,
    request_opaque,
    statement_hits,
)
from cdk_iam_roles.analysis._model import (
    Decision,
    PolicyKind,
    PolicySet,
    Reason,
    ReasonCode,
    Request,
    StatementRef,
    Unevaluable,
)
from cdk_iam_roles.analysis._principals import (
    MatchKind,
    parse_caller,
)
from cdk_iam_roles.defaults import TRUST_ACTIONS

_CALLER_IDENTITY = "sts:getcalleridentity"

# Requests authorized by the role's trust policy (TRUST_ACTIONS) need the trust policy to
# allow them even within one account.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html

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

    __slots__ = ("reasons", "request", "trust", "unevaluable", "upper")

    def __init__(self, request: Request, trust: bool, upper: bool) -> None:
        self.request = request
        self.trust = trust
        # In the upper bound an unknown Allow counts as matching: no near miss.
        self.upper = upper
        self.reasons: list[Reason] = []
        self.unevaluable: list[Unevaluable] = []

    def near_misses(self, hits: Iterable[Hit]) -> None:
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
            elif hit.status == UNKNOWN and not self.upper:
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
    Deny that cannot be evaluated prevents an Allow (`upper_bound` reads both the other
    way).

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
    return _evaluate(request, policies, upper=False)


def upper_bound(request: Request, policies: PolicySet) -> Decision:
    """The most permissive reading of what cannot be evaluated: could the request be allowed?

    As `evaluate`, except that every statement whose match cannot be known offline
    (``UNKNOWN``: a value known only at deployment, a generated name against a narrower
    pattern, a condition that cannot be compared) is read in the request's favour: an
    Allow (or a statement of unknown effect) counts as matching, naming the caller in its
    most permissive form where its Principal is what is unknown, and a Deny counts as not
    applying. What is certain stays certain: a Deny that matches, a failed condition, an
    SCP level with no Allow. ``Decision.unevaluable`` lists every unknown taken so.

    When `evaluate` denies and this allows, the answer depends on what cannot be known
    offline: it is undecided, never a denial.

    Args:
        request: as `evaluate`. Required.
        policies: as `evaluate`. Required.

    Example:
        >>> trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        ...     "Action": "sts:AssumeRole", "Principal": {"AWS": {"Ref": "Trusted"}}}]}
        >>> request = Request("arn:aws:iam::111122223333:user/bob", "sts:AssumeRole",
        ...     "arn:aws:iam::111122223333:role/r")
        >>> policies = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [{
        ...     "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}],
        ...     resource=trust)
        >>> evaluate(request, policies).outcome, upper_bound(request, policies).outcome
        ('ImplicitDeny', 'Allowed')
    """
    return _evaluate(request, policies, upper=True)


def could_allow(request: Request, policies: PolicySet) -> bool:
    """Whether the request could be allowed once what is unknown offline is known.

    ``upper_bound(request, policies).allowed``; ``False`` means the denial is certain.

    Example:
        >>> could_allow(Request("arn:aws:iam::111122223333:user/bob", "s3:GetObject", "*"),
        ...     PolicySet())
        False
    """
    return _evaluate(request, policies, upper=True).allowed


def _hopeful_hit(hit: Hit) -> Hit:
    """An unknown statement read as an Allow that matches (for `upper_bound`).

    An unknown in its Principal may name the caller in any form: it counts as the form
    that grants the most, the session ARN (see `_direct_grant`).
    """
    if any(problem.element == "Principal" for problem in hit.unknown):
        return Hit(hit.statement, hit.status, "session", hit.failures, hit.unknown)
    return hit


def _evaluate(request: Request, policies: PolicySet, *, upper: bool) -> Decision:
    """`evaluate` (``upper=False``) or `upper_bound` (``upper=True``): one code path."""
    compiled = policies.compiled()
    caller = parse_caller(request.principal)
    context = normalize_context(request.context)
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
    opaque = request_opaque(resource, caller, context)

    def hits(statements: Iterable[CompiledStatement]) -> list[Hit]:
        return statement_hits(
            lower_action, resource, caller, context, boundary_present, opaque, statements
        )

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
    layers: list[list[Hit]] = [identity_hits, boundary_hits, session_hits, resource_hits]
    if scp_levels:
        layers.extend(scp_levels)
    if rcp_levels:
        layers.extend(rcp_levels)
    unknown_allows: list[Unevaluable] = []
    # The Allow statements that apply, per layer (in the order of ``layers``), gathered in
    # the same pass (a statement's effect is "Allow" or "Deny": see `compile_policy`).
    allows: list[list[Hit]] = []
    for layer in layers:
        if not layer:
            allows.append(layer)
            continue
        layer_allows: list[Hit] = []
        allows.append(layer_allows)
        for hit in layer:
            if upper and hit.status == UNKNOWN:
                # The upper bound: an unknown Allow (or a statement of unknown effect, which
                # may be an Allow) matches, and an unknown Deny does not apply.
                unevaluable.extend(hit.unknown)
                if hit.statement.effect == "Allow" or hit.statement.ref.effect not in (
                    "Allow",
                    "Deny",
                ):
                    layer_allows.append(_hopeful_hit(hit))
                continue
            if hit.statement.effect != "Deny":
                if hit.status == MATCH:
                    layer_allows.append(hit)
                elif hit.status == UNKNOWN:
                    unknown_allows.extend(hit.unknown)
                continue
            ref = hit.statement.ref
            if hit.status == MATCH:
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
            elif hit.status == UNKNOWN:
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

    collector = _Collector(request, trust_action, upper)
    reasons: list[Reason] = []
    granted_by: list[Hit] = []
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
        if upper:
            # Its full access may well grant it.
            return Decision("Allowed", (reasons[-1],), tuple(unevaluable))
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
