"""What a role of the catalog may do: managed policies, actions by service, the roles it
may assume (pure Python over resolved CloudFormation; used by
:mod:`cdk_iam_roles.catalog.model`).

Example:
    >>> Permissions(allowed={"s3": ("GetObject",)}).services
    ('s3',)
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cdk_iam_roles.catalog._words import display
from cdk_iam_roles.cfn import Resolver, ResourceRef, StackTemplate, Unknown
from cdk_iam_roles.rules.view import TemplateView, as_list

__all__ = ["Permissions", "attached_policies", "permissions"]


@dataclass(frozen=True, slots=True)
class Permissions:
    """What a role may do, summarized.

    Args:
        managed_policies: attached managed policies (AWS managed by name, customer
            managed by ARN or name, ``unknown (reason)`` otherwise).
        allowed: actions of ``Allow`` statements grouped by service prefix (``*`` for
            the bare wildcard), from inline policies, ``AWS::IAM::Policy`` resources
            and managed policies of the same stack.
        denied: actions of ``Deny`` statements, grouped the same way.
        notes: what the summary cannot group (``NotAction``, unknown documents).
        boundary: the permissions boundary, or ``None``.
        assume_roles: logical IDs of the roles of the same stack that an ``Allow``
            statement grants ``sts:AssumeRole`` on (default empty).
        assume_arns: the ARNs (or ARN patterns, but not a bare ``*``) an ``Allow``
            statement grants ``sts:AssumeRole`` on (default empty).
    """

    managed_policies: tuple[str, ...] = ()
    allowed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    denied: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    boundary: str | None = None
    assume_roles: tuple[str, ...] = ()
    assume_arns: tuple[str, ...] = ()

    @property
    def services(self) -> tuple[str, ...]:
        """Service prefixes the role is allowed to call (sorted)."""
        return tuple(sorted(self.allowed))


_AWS_MANAGED = re.compile(r"arn:[^:]+:iam::aws:policy/(.+)")
# The same ARN written by the display resolver when the partition is not known (CDK's
# ``arn:${AWS::Partition}:iam::aws:policy/NAME`` in a stack without an environment). The
# account of an AWS managed policy is always ``aws`` and its name is the same in every
# partition, so only the partition may be unknown: a name holding any other unknown value
# is not matched (it depends on the environment).
# https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
_AWS_MANAGED_ANY_PARTITION = re.compile(
    r"arn:(?:[a-z-]+|\$\{AWS::Partition\}):iam::aws:policy/([^${}]+)"
)


def _display_resolver(resolver: Resolver) -> Resolver:
    """A resolver that writes unknown pseudo parameters as ``${AWS::…}`` (for names only)."""

    class _Display(Resolver):
        def _pseudo(self, name: str) -> Any:
            value = Resolver._pseudo(self, name)
            return f"${{{name}}}" if isinstance(value, Unknown) else value

    return _Display(
        resources=resolver.resources,
        account=resolver.account,
        region=resolver.region,
        template_parameters=resolver.template_parameters,
    )


def _policy_label(stack: StackTemplate, value: Any, raw: Any, resolver: Resolver) -> str:
    if isinstance(value, Unknown):
        shown = _display_resolver(resolver).resolve(raw)
        match = _AWS_MANAGED_ANY_PARTITION.fullmatch(shown) if isinstance(shown, str) else None
        if match:
            return f"{match.group(1)} (AWS managed)"
    if isinstance(value, str):
        match = _AWS_MANAGED.fullmatch(value)
        return f"{match.group(1)} (AWS managed)" if match else value
    if isinstance(value, ResourceRef):
        target = stack.resources.get(value.logical_id)
        props = target.get("Properties") if isinstance(target, Mapping) else None
        name = props.get("ManagedPolicyName") if isinstance(props, Mapping) else None
        label = name if isinstance(name, str) else value.logical_id
        return f"{label} (customer managed, this stack)"
    return display(value)


def attached_policies(
    view: TemplateView,
) -> dict[str, list[tuple[str, str, Mapping[str, Any]]]]:
    """Policies of the stack that attach themselves to roles (``Roles: [{Ref: Role}]``).

    Returns role logical ID → (type, logical ID, resolved properties), read once per stack
    so that a stack with hundreds of roles and policies stays linear.
    """
    out: dict[str, list[tuple[str, str, Mapping[str, Any]]]] = {}
    kinds = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
    for other_id, other in view.stack.resources_of_type(*kinds):
        props = view.resolved[other_id]
        for ref in as_list(props.get("Roles")):
            if isinstance(ref, ResourceRef) and ref.attribute is None:
                out.setdefault(ref.logical_id, []).append((str(other.get("Type")), other_id, props))
    return out


def permissions(
    view: TemplateView,
    resolver: Resolver,
    logical_id: str,
    props: Mapping[str, Any],
    attached: Sequence[tuple[str, str, Mapping[str, Any]]],
) -> Permissions:
    stack = view.stack
    documents: list[Any] = []
    managed: list[str] = []
    raw_props = stack.resources[logical_id].get("Properties") or {}
    raw_arns = raw_props.get("ManagedPolicyArns") if isinstance(raw_props, Mapping) else None
    resolved_arns = props.get("ManagedPolicyArns")
    raw_list = raw_arns if isinstance(raw_arns, list) else []
    for index, value in enumerate(as_list(resolved_arns)):
        raw = raw_list[index] if index < len(raw_list) else value
        managed.append(_policy_label(stack, value, raw, resolver))
        if isinstance(value, ResourceRef):
            target = stack.resources.get(value.logical_id)
            if isinstance(target, Mapping) and target.get("Type") == "AWS::IAM::ManagedPolicy":
                tprops = view.resolved[value.logical_id]
                documents.append(tprops.get("PolicyDocument"))
    for policy in as_list(props.get("Policies")):
        if isinstance(policy, Mapping):
            documents.append(policy.get("PolicyDocument"))
        else:
            documents.append(policy)
    # Policies and managed policies of the stack that attach themselves to this role.
    for kind, other_id, oprops in attached:
        documents.append(oprops.get("PolicyDocument"))
        if kind == "AWS::IAM::ManagedPolicy":
            name = oprops.get("ManagedPolicyName")
            label = name if isinstance(name, str) else other_id
            managed.append(f"{label} (customer managed, this stack)")
    allowed: dict[str, set[str]] = {}
    denied: dict[str, set[str]] = {}
    notes: list[str] = []
    targets: dict[str, None] = {}
    arns: dict[str, None] = {}
    for document in documents:
        _collect(document, allowed, denied, notes)
        _assume_targets(stack, document, targets, arns)
    boundary_value = props.get("PermissionsBoundary")
    boundary = None
    if boundary_value is not None:
        raw_boundary = (
            raw_props.get("PermissionsBoundary") if isinstance(raw_props, Mapping) else None
        )
        boundary = _policy_label(stack, boundary_value, raw_boundary, resolver)
    return Permissions(
        managed_policies=tuple(dict.fromkeys(managed)),
        allowed={k: tuple(sorted(v)) for k, v in sorted(allowed.items())},
        denied={k: tuple(sorted(v)) for k, v in sorted(denied.items())},
        notes=tuple(dict.fromkeys(notes)),
        boundary=boundary,
        assume_roles=tuple(targets),
        assume_arns=tuple(arns),
    )


def _grants_assume_role(action: Any) -> bool:
    # Action names and wildcards match case-insensitively.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    return isinstance(action, str) and fnmatch.fnmatchcase("sts:assumerole", action.lower())


def _assume_targets(
    stack: StackTemplate, document: Any, targets: dict[str, None], arns: dict[str, None]
) -> None:
    """The roles an ``Allow`` statement of ``document`` grants ``sts:AssumeRole`` on."""
    if not isinstance(document, Mapping):
        return
    for statement in as_list(document.get("Statement")):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        if not any(_grants_assume_role(a) for a in as_list(statement.get("Action"))):
            continue
        for resource in as_list(statement.get("Resource")):
            if isinstance(resource, ResourceRef):
                target = stack.resources.get(resource.logical_id)
                if isinstance(target, Mapping) and target.get("Type") == "AWS::IAM::Role":
                    targets.setdefault(resource.logical_id, None)
            elif isinstance(resource, str) and resource != "*":
                arns.setdefault(resource, None)


def _is_session_revocation(statement: Mapping[str, Any]) -> bool:
    """The deny of ``revoke_sessions_issued_before`` / the console's "Revoke active sessions"."""
    condition = statement.get("Condition")
    return (
        as_list(statement.get("Action")) == ["*"]
        and as_list(statement.get("Resource")) == ["*"]
        and isinstance(condition, Mapping)
        and list(condition) == ["DateLessThan"]
        and isinstance(condition["DateLessThan"], Mapping)
        and list(condition["DateLessThan"]) == ["aws:TokenIssueTime"]
    )


def _collect(
    document: Any,
    allowed: dict[str, set[str]],
    denied: dict[str, set[str]],
    notes: list[str],
) -> None:
    if not isinstance(document, Mapping):
        notes.append(f"policy document {display(document)}")
        return
    for statement in as_list(document.get("Statement")):
        if not isinstance(statement, Mapping):
            notes.append(f"statement {display(statement)}")
            continue
        target = denied if statement.get("Effect") == "Deny" else allowed
        if target is denied and _is_session_revocation(statement):
            cutoff = display(statement["Condition"]["DateLessThan"]["aws:TokenIssueTime"])
            notes.append(f"sessions issued before {cutoff} are revoked (every action denied)")
            continue
        if "NotAction" in statement:
            effect = "denies" if target is denied else "allows"
            notes.append(f"{effect} every action except {display(statement['NotAction'])}")
            continue
        for action in as_list(statement.get("Action")):
            if not isinstance(action, str):
                notes.append(f"action {display(action)}")
                continue
            service, _, name = action.partition(":")
            # Service prefixes are case-insensitive; show them in lower case.
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
            target.setdefault(service.lower() if name else "*", set()).add(name or action)
