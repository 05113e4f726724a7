"""Read the IAM roles and resource policies of a CDK app (``cdk.out``) or a template.

Pure Python over :mod:`cdk_iam_roles.cfn`: never imports ``aws_cdk`` or ``jsii``.

:func:`load_app` builds an :class:`App` from a cloud assembly (every stack, nested stages
and nested stacks too), a template file or a template mapping. For each
``AWS::IAM::Role`` it gathers the trust policy, the identity policies (inline
``Policies``, ``AWS::IAM::Policy``/``AWS::IAM::RolePolicy`` resources and
``AWS::IAM::ManagedPolicy`` resources of the app that attach to it), the managed policies
it names whose content is not in the app (AWS managed policies: *not available offline*,
never assumed to allow or deny), its permissions boundary, ``MaxSessionDuration`` and ARN.
It also gathers the resource policies of the app (S3 bucket, KMS key, SQS queue, SNS
topic, Lambda permissions, Secrets Manager, ECR) with the resources they protect.

Intrinsic functions are resolved as far as the assembly allows. A reference to a resource
of the app becomes that resource's name or ARN; when CloudFormation generates the name at
deployment, a clearly marked placeholder such as
``arn:aws:iam::111111111111:role/{generated-name:Stack.RoleLogicalId}`` stands for it, so
both sides of a reference (a policy naming ``Fn::GetAtt Role.Arn`` and the role itself)
still agree. Anything else that cannot be known offline (a parameter, an import, an
unknown account) stays a :class:`cdk_iam_roles.cfn.Unknown`, which the evaluator treats as
unevaluable: it never allows.

Example:
    >>> tpl = {"Resources": {"Deploy": {"Type": "AWS::IAM::Role", "Properties": {
    ...     "RoleName": "deploy", "AssumeRolePolicyDocument": {"Version": "2012-10-17",
    ...     "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
    ...     "Principal": {"AWS": "arn:aws:iam::222222222222:root"}}]}}}}}
    >>> app = load_app(tpl, account="111111111111", region="eu-west-1")
    >>> find_role(app, "deploy").arn
    'arn:aws:iam::111111111111:role/deploy'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cdk_iam_roles.analysis._app_documents import unknown_document
from cdk_iam_roles.analysis._app_model import (
    App,
    AttachedPolicy,
    ResourcePolicy,
    RoleInfo,
    UnavailablePolicy,
)
from cdk_iam_roles.analysis._app_resources import read_resource_policies
from cdk_iam_roles.analysis._app_roles import attach_policies, managed_policies, read_roles
from cdk_iam_roles.analysis._app_stack import StackContext, strip_resource
from cdk_iam_roles.analysis._placeholders import is_placeholder
from cdk_iam_roles.cfn import StackTemplate, load_stacks
from cdk_iam_roles.errors import InputError
from cdk_iam_roles.organisation import load_organisation

# The classes live in `_app_model`, the reading in `_app_stack` (names and ARNs of a
# stack), `_app_documents`, `_app_roles` and `_app_resources`; `is_placeholder` in the
# evaluator's pure helpers (`_placeholders`). This module is their one public face.
__all__ = [
    "App",
    "AttachedPolicy",
    "ResourcePolicy",
    "RoleInfo",
    "RoleNotFoundError",
    "UnavailablePolicy",
    "find_resource_policy",
    "find_role",
    "is_placeholder",
    "load_app",
    "unknown_document",
]


class RoleNotFoundError(InputError):
    """``find_role`` found no role, or more than one, for the query."""


def _load(
    source: str | Path | Mapping[str, Any] | Sequence[str | Path], name: str
) -> list[StackTemplate]:
    if isinstance(source, Mapping):
        return [StackTemplate.from_template(source, name=name)]
    if isinstance(source, (str, Path)):
        return load_stacks(source)
    return load_organisation(list(source))  # several apps, read as one organisation


def load_app(
    source: str | Path | Mapping[str, Any] | Sequence[str | Path],
    *,
    account: str | None = None,
    region: str | None = None,
    name: str = "Template",
) -> App:
    """Read a ``cdk.out`` folder, a template file or a template mapping into an :class:`App`.

    Args:
        source: a cloud assembly folder, a template file (JSON or YAML), a parsed
            template, or a list of folders and files (several apps read as one
            organisation: a caller in one app, the role in another). Required.
        account: the account to assume for stacks whose environment does not say.
            Default ``None`` (unknown: ARNs with it stay unknown or marked placeholders).
        region: the region to assume likewise. Default ``None``.
        name: the stack name to give a template mapping. Default ``"Template"``.

    Raises:
        InputError: nothing usable at ``source`` (one-line reason).

    Example:
        >>> load_app({"Resources": {}}, name="Demo").stacks[0].name
        'Demo'
    """
    stacks = _load(source, name)
    app = App(stacks=stacks)
    contexts = [StackContext(stack, account, region, app.notes) for stack in stacks]
    managed = managed_policies(contexts)
    for ctx in contexts:
        read_roles(app, ctx, managed)
    for ctx in contexts:
        attach_policies(app, ctx)
        read_resource_policies(app, ctx)
        for key, arn in ctx.named_arns():
            app.named_resources.setdefault(key, arn)
    return app


def _near(query: str, candidates: Iterable[str]) -> list[str]:
    pool = sorted(set(candidates))
    close = difflib.get_close_matches(query, pool, n=5, cutoff=0.5)
    lowered = query.lower()
    contains = [c for c in pool if lowered in c.lower() and c not in close]
    return (close + contains)[:5]


def find_role(app: App, query: str) -> RoleInfo:
    """The one role of the app named by construct path, logical ID, role name or ARN.

    Args:
        app: the app to search. Required.
        query: ``Stack/Path`` (with or without ``/Resource``), a logical ID, a role name
            or a role ARN. Required.

    Raises:
        RoleNotFoundError: no role or several roles match; the message lists the
            candidates or the nearest names.

    Example:
        >>> app = load_app({"Resources": {"Ci": {"Type": "AWS::IAM::Role", "Properties":
        ...     {"RoleName": "ci", "AssumeRolePolicyDocument": {}}}}})
        >>> find_role(app, "Template/Ci").logical_id
        'Ci'
    """
    wanted = strip_resource(query.strip().lstrip("/"))
    found = [
        role
        for role in app.roles
        if wanted in (role.path, role.logical_id, role.role_name, role.arn)
        or wanted == f"{role.stack}/{role.logical_id}"
    ]
    if not found:
        found = [role for role in app.roles if role.path.endswith("/" + wanted)]
    if not found:
        # A CDK logical ID is the construct path's IDs plus an 8-digit hash: "Worker"
        # names "Worker11F36D0F" in a template without path metadata.
        cdk_id = re.compile(re.escape(wanted.replace("/", "")) + "[0-9A-F]{8}")
        found = [role for role in app.roles if cdk_id.fullmatch(role.logical_id)]
    if len(found) == 1:
        return found[0]
    if found:
        listing = ", ".join(f"{r.path} ({r.logical_id} in {r.stack})" for r in found)
        raise RoleNotFoundError(
            f"{query!r} names {len(found)} roles: {listing}; pass the construct path instead"
        )
    if not app.roles:
        raise RoleNotFoundError(f"no role {query!r}: the app has no AWS::IAM::Role")
    names = [r.path for r in app.roles] + [r.logical_id for r in app.roles]
    names += [r.role_name for r in app.roles if not is_placeholder(r.role_name)]
    near = _near(wanted, names)
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    paths = sorted(r.path for r in app.roles)
    listing = ", ".join(paths[:10])
    if len(paths) > 10:
        listing += f" and {len(paths) - 10} more"
    raise RoleNotFoundError(f"no role {query!r} in the app (roles: {listing}){hint}")


def find_resource_policy(app: App, arn: str) -> ResourcePolicy | None:
    """The resource policy of the app that protects ``arn``, if any.

    Args:
        app: the app. Required.
        arn: the resource ARN (an S3 object ARN finds its bucket's policy). Required.

    Example:
        >>> find_resource_policy(load_app({"Resources": {}}), "arn:aws:s3:::b") is None
        True
    """
    for policy in app.resource_policies:
        if policy.protects(arn):
            return policy
    return None
