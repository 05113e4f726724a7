"""Each ``AWS::IAM::Role`` of a stack, with the policies that decide what it allows: its
trust policy, inline policies, the ``AWS::IAM::Policy``/``RolePolicy``/``ManagedPolicy``
resources of the app that attach to it, the managed policies it names that the app does not
hold (not available offline), and its permissions boundary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from cdk_iam_roles.analysis._app_documents import (
    NO_STATEMENT,
    ReadDocument,
    as_list,
    describe_unknown,
    fingerprint,
)
from cdk_iam_roles.analysis._app_model import (
    DEFAULT_MAX_SESSION_DURATION,
    App,
    AttachedPolicy,
    RoleInfo,
    UnavailablePolicy,
)
from cdk_iam_roles.analysis._app_stack import StackContext, strip_resource
from cdk_iam_roles.analysis._placeholders import is_placeholder
from cdk_iam_roles.cfn import Unknown, is_unresolved
from cdk_iam_roles.documents import listed_document

__all__ = ["Managed", "attach_policies", "managed_policies", "read_roles"]

Managed = dict[str, tuple[StackContext, str, Mapping[str, Any]]]


def managed_policies(contexts: Sequence[StackContext]) -> Managed:
    """The customer managed policies of the app whose ARN is known, by ARN (a role of one
    stack may name a policy of another)."""
    managed: Managed = {}
    for ctx in contexts:
        for logical_id, resource in ctx.stack.resources_of_type("AWS::IAM::ManagedPolicy"):
            arn = ctx.lookup(logical_id, None)
            if arn is not None and not is_placeholder(arn):
                managed.setdefault(arn, (ctx, logical_id, resource))
    return managed


def read_roles(app: App, ctx: StackContext, managed: Managed) -> None:
    """Add each ``AWS::IAM::Role`` of the stack to ``app``: its trust policy (and why it
    could not be read), inline policies, managed policies and boundary; ``managed`` holds
    the app's customer managed policies by ARN."""
    for logical_id, resource in ctx.stack.resources_of_type("AWS::IAM::Role"):
        raw = resource.get("Properties", {})
        props: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        role_path = ctx.plain.resolve(props.get("Path", "/"))
        trust_notes: list[str] = []
        trust_read = ctx.document(
            props.get("AssumeRolePolicyDocument"), "trust", "the trust policy", trust_notes
        )
        trust = None if trust_read.stand_in else trust_read.document
        duration = ctx.plain.resolve(props.get("MaxSessionDuration", DEFAULT_MAX_SESSION_DURATION))
        if isinstance(duration, str) and duration.isascii() and duration.isdigit():
            duration = int(duration)
        role = RoleInfo(
            stack=ctx.stack.name,
            logical_id=logical_id,
            path=strip_resource(ctx.stack.path_of(logical_id)),
            role_name=ctx.lookup(logical_id, None) or ctx.placeholder("name", logical_id),
            role_path=role_path if isinstance(role_path, str) else "/",
            arn=ctx.lookup(logical_id, "Arn") or "",
            account=ctx.account,
            partition=ctx.partition,
            trust=trust if isinstance(trust, Mapping) else None,
            max_session_duration=duration
            if isinstance(duration, int)
            else Unknown(f"MaxSessionDuration {describe_unknown(duration)}"),
            trust_unreadable=trust_read.unreadable,
            trust_source=trust_read.source,
        )
        role.notes.extend(trust_notes)
        if role.trust is None:
            role.notes.append("the role has no readable trust policy (AssumeRolePolicyDocument)")
        elif is_unresolved(role.trust):
            role.notes.append(
                "the trust policy holds values that cannot be resolved offline; statements "
                "with them are never taken to allow"
            )
        for index, policy in enumerate(as_list(props.get("Policies"))):
            name_value = (
                ctx.plain.resolve(policy.get("PolicyName")) if isinstance(policy, Mapping) else None
            )
            label = (
                f'inline policy "{name_value}"'
                if isinstance(name_value, str)
                else (f"inline policy #{index}")
            )
            read = ctx.document(
                listed_document(policy), "identity", label, role.notes, optional=True
            )
            if read.document is not None:
                role.identity_policies.append(AttachedPolicy(label, read.document, read.unreadable))
        for value in as_list(props.get("ManagedPolicyArns")):
            _attach_managed(ctx, role, value, managed)
        if "PermissionsBoundary" in props:
            boundary = _managed_document(ctx, props["PermissionsBoundary"], managed)
            if isinstance(boundary, AttachedPolicy):
                role.boundary = boundary
            else:
                role.boundary_unavailable = boundary.arn
                role.boundary_source = boundary.source
                role.notes.append(f"permissions boundary {boundary.arn}: {boundary.reason}")
        app.roles.append(role)


def _managed_document(
    ctx: StackContext, raw_arn: Any, managed: Managed
) -> AttachedPolicy | UnavailablePolicy:
    """The managed policy an ARN names: from the app when it holds it, else unavailable."""
    if isinstance(raw_arn, Mapping) and len(raw_arn) == 1 and "Ref" in raw_arn:
        logical = raw_arn["Ref"]
        resource = ctx.stack.resources.get(logical) if isinstance(logical, str) else None
        if isinstance(resource, Mapping) and resource.get("Type") == "AWS::IAM::ManagedPolicy":
            return _managed_resource(ctx, logical, resource)
    arn = ctx.resolve(raw_arn)
    if not isinstance(arn, str):
        return UnavailablePolicy(
            describe_unknown(arn), "its ARN cannot be resolved offline", fingerprint(arn)
        )
    if arn in managed:
        return _managed_resource(*managed[arn])
    if re.match(r"^arn:[^:]+:iam::aws:policy/", arn):
        return UnavailablePolicy(arn, "AWS managed policy: content not available offline")
    return UnavailablePolicy(arn, "managed policy not defined in this app: content not available")


def _managed_resource(
    ctx: StackContext, logical: str, resource: Mapping[str, Any]
) -> AttachedPolicy:
    raw = resource.get("Properties", {})
    props: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    origin = f"AWS::IAM::ManagedPolicy {strip_resource(ctx.stack.path_of(logical))}"
    notes: list[str] = []
    return _attached(origin, ctx.document(props.get("PolicyDocument"), "identity", origin, notes))


def _attached(origin: str, read: ReadDocument) -> AttachedPolicy:
    """The policy as attached; one the template leaves out has no statement (it grants
    nothing and denies nothing, and IAM would not create it)."""
    if read.document is None:
        return AttachedPolicy(origin, NO_STATEMENT)
    return AttachedPolicy(origin, read.document, read.unreadable)


def _attach_managed(ctx: StackContext, role: RoleInfo, value: Any, managed: Managed) -> None:
    found = _managed_document(ctx, value, managed)
    if isinstance(found, AttachedPolicy):
        if all(p.origin != found.origin for p in role.identity_policies):
            role.identity_policies.append(found)
    elif all((p.arn, p.source) != (found.arn, found.source) for p in role.unavailable_policies):
        role.unavailable_policies.append(found)


def _roles_named_by(app: App, ctx: StackContext, values: Iterable[Any]) -> Iterator[RoleInfo]:
    """The roles of the app that a policy's ``Roles``/``RoleName`` values name."""
    for value in values:
        if isinstance(value, Mapping) and set(value) == {"Ref"}:
            for role in app.roles:
                if role.stack == ctx.stack.name and role.logical_id == value["Ref"]:
                    yield role
            continue
        name = ctx.resolve(value)
        if isinstance(name, str):
            for role in app.roles:
                if role.role_name == name and role.account == ctx.account:
                    yield role
        else:
            app.notes.append(
                f"{ctx.stack.name}: a policy attaches to a role that cannot be resolved offline "
                f"({describe_unknown(name)})"
            )


def attach_policies(app: App, ctx: StackContext) -> None:
    """Attach the ``AWS::IAM::Policy``/``RolePolicy``/``ManagedPolicy`` resources of the
    stack to the roles of ``app`` they name (once every stack's roles are read)."""
    stack = ctx.stack
    for logical, resource in stack.resources_of_type(
        "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy"
    ):
        raw = resource.get("Properties", {})
        props: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        kind = resource.get("Type")
        targets = as_list(
            props.get("RoleName") if kind == "AWS::IAM::RolePolicy" else props.get("Roles")
        )
        if kind == "AWS::IAM::ManagedPolicy":
            policy = _managed_resource(ctx, logical, resource)
        else:
            origin = f"{kind} {strip_resource(stack.path_of(logical))}"
            read = ctx.document(props.get("PolicyDocument"), "identity", origin, app.notes)
            policy = _attached(origin, read)
        for role in _roles_named_by(app, ctx, targets):
            if all(p.origin != policy.origin for p in role.identity_policies):
                role.identity_policies.append(policy)
