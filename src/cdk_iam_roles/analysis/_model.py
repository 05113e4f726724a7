"""Typed model of an evaluation: the request, the policies that apply and the decision."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

if TYPE_CHECKING:
    from cdk_iam_roles.analysis._compile import CompiledPolicySet

Outcome: TypeAlias = Literal["Allowed", "ExplicitDeny", "ImplicitDeny"]
"""The three results of IAM's evaluation logic."""

PolicyKind: TypeAlias = Literal["identity", "resource", "boundary", "scp", "rcp", "session"]
"""Where a policy sits in the evaluation."""

ContextValue: TypeAlias = str | Sequence[str]
"""A context key's value: one string, or several for a multivalued key."""

PolicyDocument: TypeAlias = Mapping[str, Any]
"""An IAM policy as plain JSON (after CloudFormation intrinsics are resolved)."""

ReasonCode: TypeAlias = Literal[
    "allowed-by",
    "explicit-deny",
    "no-matching-allow",
    "condition-not-met",
    "boundary-no-allow",
    "session-no-allow",
    "scp-no-allow",
    "trust-policy-missing",
    "cross-account-resource-no-allow",
    "cross-account-identity-no-allow",
    "unevaluable",
    "not-principal-deny-with-boundary",
    "always-allowed",
    "key-policy-no-allow",
]
"""Stable identifiers of the kinds of reason a `Decision` carries."""

_EMPTY_CONTEXT: Mapping[str, ContextValue] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Request:
    """One signed (or service) request: who calls which action on which resource.

    Args:
        principal: ARN of the caller (IAM user, role, ``assumed-role`` session,
            ``federated-user``), an account's ``arn:aws:iam::ID:root``, a service principal
            such as ``lambda.amazonaws.com``, a federated identity provider (ARN or name),
            or a canonical user ID. Required.
        action: ``service:Action``, e.g. ``"sts:AssumeRole"``. Required.
        resource: the ARN acted on, or ``"*"``. Required.
        resource_account: the account that owns the resource. Default ``None``: the
            principal's own account (a same-account request).
        context: request context keys (names are case-insensitive) to a string, or a
            sequence of strings for multivalued keys. Default: empty.

    Example:
        >>> Request("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
        ...         "arn:aws:s3:::bucket/key").resource_account is None
        True
    """

    principal: str
    action: str
    resource: str
    resource_account: str | None = None
    context: Mapping[str, ContextValue] = field(default_factory=lambda: _EMPTY_CONTEXT)


@dataclass(frozen=True, slots=True)
class PolicySet:
    """Every policy that takes part in deciding one request.

    Policy documents are plain JSON dicts; they are parsed once, on first use, and the
    parsed form is kept on this object, so build one `PolicySet` and evaluate many
    requests against it. Treat the dicts as read-only once given.

    Args:
        identity: identity-based policies of the caller (inline and managed, and those of
            its groups). Default: none.
        resource: the resource-based policy; for ``sts:AssumeRole*`` the role's trust
            policy. Default ``None``: the resource has none.
        boundary: the caller's permissions boundary. Default ``None``: no boundary.
        scps: service control policies, one inner sequence per level of the organization
            tree (root first, account last). Default: empty, i.e. no SCPs apply.
        rcps: resource control policies, one inner sequence per level. Default: empty.
        session: the session policy passed when the session was created. Default ``None``.
        principal_in_management_account: the caller belongs to the organization's
            management account, which SCPs do not affect. Default ``False``.
        resource_in_management_account: the resource belongs to the management account,
            which RCPs do not affect. Default ``False``.

    Example:
        >>> PolicySet(identity=[{"Version": "2012-10-17", "Statement": []}]).boundary is None
        True
    """

    identity: Sequence[PolicyDocument] = ()
    resource: PolicyDocument | None = None
    boundary: PolicyDocument | None = None
    scps: Sequence[Sequence[PolicyDocument]] = ()
    rcps: Sequence[Sequence[PolicyDocument]] = ()
    session: PolicyDocument | None = None
    principal_in_management_account: bool = False
    resource_in_management_account: bool = False
    _compiled: CompiledPolicySet | None = field(
        default=None, init=False, repr=False, compare=False, hash=False
    )

    def compiled(self) -> CompiledPolicySet:
        """Return the parsed form of every policy, parsing them on the first call.

        Example:
            >>> PolicySet().compiled().identity
            ()
        """
        cached = self._compiled
        if cached is None:
            cached = (_COMPILE or _compiler())(self)
            object.__setattr__(self, "_compiled", cached)
        return cached


def _compiler() -> Callable[[PolicySet], CompiledPolicySet]:
    # Imported on first use: _compile imports this module.
    global _COMPILE
    if _COMPILE is None:
        from cdk_iam_roles.analysis._compile import compile_policy_set

        _COMPILE = compile_policy_set
    return _COMPILE


_COMPILE: Callable[[PolicySet], CompiledPolicySet] | None = None


@dataclass(frozen=True, slots=True)
class StatementRef:
    """Names one statement: which policy it sits in and its Sid or position.

    Args:
        kind: the policy's role in the evaluation (identity, resource, boundary, scp, rcp,
            session). Required.
        policy_index: position of the policy in its list (identity policies, or the
            policies of one SCP/RCP level); 0 for single policies. Required.
        statement_index: position of the statement in the policy. Required.
        sid: the statement's ``Sid``. Default ``None``.
        effect: ``"Allow"`` or ``"Deny"`` (as written; may be invalid). Default ``"Allow"``.
        level: the organization level for SCPs and RCPs. Default ``None``.

    Example:
        >>> StatementRef("identity", 0, 2, sid="ReadLogs").label()
        'identity policy #0 statement "ReadLogs"'
    """

    kind: PolicyKind
    policy_index: int
    statement_index: int
    sid: str | None = None
    effect: str = "Allow"
    level: int | None = None

    def label(self) -> str:
        """Describe the statement in words, for messages.

        Example:
            >>> StatementRef("scp", 1, 0, level=2).label()
            'scp level 2 policy #1 statement #0'
        """
        where = f"{self.kind} policy"
        if self.level is not None:
            where = f"{self.kind} level {self.level} policy"
        if self.kind in ("identity", "scp", "rcp"):
            where += f" #{self.policy_index}"
        name = f'"{self.sid}"' if self.sid else f"#{self.statement_index}"
        return f"{where} statement {name}"


@dataclass(frozen=True, slots=True)
class ConditionFailure:
    """One condition (key and operator) of a statement that did not hold.

    Args:
        key: the context key as written in the policy. Required.
        operator: the operator as written, with any ``ForAnyValue:``/``IfExists``. Required.
        expected: the policy's values, after policy variables are substituted. Required.
        actual: the request's values for the key, or ``None`` when the key is missing.
            Required.

    Example:
        >>> ConditionFailure("aws:MultiFactorAuthPresent", "Bool", ("true",), None).missing
        True
    """

    key: str
    operator: str
    expected: tuple[str, ...]
    actual: tuple[str, ...] | None

    @property
    def missing(self) -> bool:
        """Whether the request lacked the key.

        Example:
            >>> ConditionFailure("k", "StringEquals", ("a",), ("b",)).missing
            False
        """
        return self.actual is None

    def describe(self) -> str:
        """Describe the failure in one line.

        Example:
            >>> ConditionFailure("sts:ExternalId", "StringEquals", ("x",), None).describe()
            "sts:ExternalId StringEquals ['x']: key missing from the request"
        """
        wanted = f"{self.key} {self.operator} {list(self.expected)}"
        if self.actual is None:
            return f"{wanted}: key missing from the request"
        return f"{wanted}: request has {list(self.actual)}"


@dataclass(frozen=True, slots=True)
class Unevaluable:
    """Something in a policy the evaluator could not judge, so it was never taken as Allow.

    Args:
        statement: the statement concerned, or ``None`` for a policy-level problem.
            Required.
        element: the policy element (``Condition``, ``Resource``, ``Version`` …). Required.
        detail: what could not be evaluated, with the offending value. Required.
        policy_kind: the kind of policy it sits in. Default ``"identity"``.

    Example:
        >>> Unevaluable(None, "Statement", "not a list").element
        'Statement'
    """

    statement: StatementRef | None
    element: str
    detail: str
    policy_kind: PolicyKind = "identity"

    def describe(self) -> str:
        """Describe the problem in one line.

        Example:
            >>> Unevaluable(None, "Condition", "unknown operator 'Foo'").describe()
            "identity policy: Condition: unknown operator 'Foo'"
        """
        where = self.statement.label() if self.statement else f"{self.policy_kind} policy"
        return f"{where}: {self.element}: {self.detail}"


@dataclass(frozen=True, slots=True)
class Reason:
    """One fact behind a decision: a deciding statement, a missing allow, a failed condition.

    Args:
        code: stable identifier of the kind of reason (see `ReasonCode`). Required.
        message: the fact in plain words. Required.
        statement: the statement it concerns, if any. Default ``None``.
        conditions: the conditions that failed in that statement. Default: none.
        unevaluable: what could not be evaluated, for code ``"unevaluable"``.
            Default ``None``.
        policy_kind: the layer the reason concerns (e.g. ``"boundary"`` for
            ``"boundary-no-allow"``). Default ``None``.

    Example:
        >>> Reason("no-matching-allow", "no statement allows s3:GetObject").statement is None
        True
    """

    code: ReasonCode
    message: str
    statement: StatementRef | None = None
    conditions: tuple[ConditionFailure, ...] = ()
    unevaluable: Unevaluable | None = None
    policy_kind: PolicyKind | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """The result of `evaluate`: allowed or not, which kind of deny, and why.

    Args:
        outcome: ``"Allowed"``, ``"ExplicitDeny"`` or ``"ImplicitDeny"``. Required.
        reasons: the statements, missing allows and failed conditions behind the outcome.
            Default: none.
        unevaluable: everything that could not be evaluated (never counted as Allow;
            a Deny that could not be evaluated blocks an Allow). Default: none.

    Example:
        >>> Decision("ImplicitDeny").allowed
        False
    """

    outcome: Outcome
    reasons: tuple[Reason, ...] = ()
    unevaluable: tuple[Unevaluable, ...] = ()

    @property
    def allowed(self) -> bool:
        """Whether the request is allowed.

        Example:
            >>> Decision("Allowed").allowed
            True
        """
        return self.outcome == "Allowed"

    def explain(self) -> str:
        """Render the outcome and its reasons as plain text, one reason a line.

        Example:
            >>> reason = Reason("no-matching-allow", "nothing allows it")
            >>> print(Decision("ImplicitDeny", (reason,)).explain())
            ImplicitDeny
            - nothing allows it
        """
        lines: list[str] = [self.outcome]
        for reason in self.reasons:
            lines.append(f"- {reason.message}")
            lines.extend(f"    {failure.describe()}" for failure in reason.conditions)
        return "\n".join(lines)
