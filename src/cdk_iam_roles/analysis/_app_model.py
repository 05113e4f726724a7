"""What :func:`~cdk_iam_roles.analysis.assembly.load_app` reads an app into: its roles, the
policies attached to them, and the resource policies of the app.

Pure data (no reading here); :mod:`cdk_iam_roles.analysis.assembly` re-exports every
public name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cdk_iam_roles.analysis._placeholders import is_placeholder
from cdk_iam_roles.cfn import StackTemplate, Unknown

__all__ = [
    "DEFAULT_MAX_SESSION_DURATION",
    "UNKNOWN_ACCOUNT",
    "App",
    "AttachedPolicy",
    "ResourcePolicy",
    "RoleInfo",
    "UnavailablePolicy",
]

# A role without MaxSessionDuration allows one-hour sessions.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
DEFAULT_MAX_SESSION_DURATION = 3600


UNKNOWN_ACCOUNT = "{unknown-account}"


@dataclass(frozen=True, slots=True)
class AttachedPolicy:
    """A policy whose content the app holds.

    Args:
        origin: where it comes from, in words (``inline policy "Logs"``,
            ``AWS::IAM::Policy Stack/Role/DefaultPolicy``). Required.
        document: the policy, intrinsics resolved; unresolved parts stay
            :class:`~cdk_iam_roles.cfn.Unknown`. Required.
        unreadable: why the policy could not be read, as a phrase that follows its name
            (``cannot be read offline (parameter P)``, ``is malformed (statement 0: …)``);
            ``document`` is then a stand-in the evaluator never takes to allow. Default
            ``None`` (it was read).

    Example:
        >>> AttachedPolicy("inline policy \\"P\\"", {"Statement": []}).origin
        'inline policy "P"'
    """

    origin: str
    document: Mapping[str, Any]
    unreadable: str | None = None


@dataclass(frozen=True, slots=True)
class UnavailablePolicy:
    """A managed policy the role names whose content is not in the app.

    Args:
        arn: the policy ARN (or the unresolved value). Required.
        reason: why its content is unknown (``AWS managed policy: not available
            offline``). Required.
        source: for an ARN that cannot be resolved, the expression that gives it
            (:func:`~cdk_iam_roles.analysis._app_documents.fingerprint`), which tells two
            such ARNs apart. Default ``""``.

    Example:
        >>> UnavailablePolicy("arn:aws:iam::aws:policy/ReadOnlyAccess", "AWS managed").arn
        'arn:aws:iam::aws:policy/ReadOnlyAccess'
    """

    arn: str
    reason: str
    source: str = ""


@dataclass(slots=True)
class RoleInfo:
    """One ``AWS::IAM::Role`` of the app and everything that decides what it allows.

    Args:
        stack: the stack's display name (``Stage/Stack`` in a stage). Required.
        logical_id: the role's logical ID. Required.
        path: the construct path (``Stack/Deploy``) without the trailing ``/Resource``.
            Required.
        role_name: the role's name, or a ``{generated-name:…}`` placeholder. Required.
        role_path: the IAM path (default ``/``). Required.
        arn: the role ARN, concrete or with placeholders (see ``arn_is_placeholder``).
            Required.
        account: the stack's account, or ``None`` when not known. Required.
        partition: the stack's partition. Required.
        trust: the resolved trust policy, ``None`` when absent or unreadable. Required.
        identity_policies: policies of the app attached to the role. Default: none.
        unavailable_policies: managed policies whose content is not in the app.
            Default: none.
        boundary: the permissions boundary when the app holds it. Default ``None``.
        boundary_unavailable: the boundary's ARN when it is set but not in the app.
            Default ``None``.
        max_session_duration: seconds (``Unknown`` when unresolved). Default 3600.
        notes: what could not be read, in words. Default: none.
        trust_unreadable: why the trust policy could not be read, as a phrase that follows
            "the trust policy" (``cannot be read offline (parameter TrustParam)``, ``is
            absent (…)``, ``is malformed (…)``). Default ``None`` (it was read).
        trust_source: for a trust policy that cannot be read at all, the document as the
            template writes it (see :class:`~cdk_iam_roles.analysis._app_documents.ReadDocument`).
            Default ``None``.
        boundary_source: for ``boundary_unavailable`` that cannot be resolved, the
            expression that gives it. Default ``""``.

    Example:
        >>> from cdk_iam_roles.analysis.assembly import load_app
        >>> app = load_app({"Resources": {"R": {"Type": "AWS::IAM::Role",
        ...     "Properties": {"AssumeRolePolicyDocument": {}}}}}, account="111111111111",
        ...     region="us-east-1")
        >>> app.roles[0].arn_is_placeholder
        True
    """

    stack: str
    logical_id: str
    path: str
    role_name: str
    role_path: str
    arn: str
    account: str | None
    partition: str
    trust: Mapping[str, Any] | None
    identity_policies: list[AttachedPolicy] = field(default_factory=list)
    unavailable_policies: list[UnavailablePolicy] = field(default_factory=list)
    boundary: AttachedPolicy | None = None
    boundary_unavailable: str | None = None
    max_session_duration: int | Unknown = DEFAULT_MAX_SESSION_DURATION
    notes: list[str] = field(default_factory=list)
    trust_unreadable: str | None = None
    trust_source: str | None = None
    boundary_source: str = ""

    @property
    def arn_is_placeholder(self) -> bool:
        """Whether the ARN holds a placeholder (generated name or unknown account)."""
        return is_placeholder(self.arn)

    def session_arn(self, session_name: str = "session") -> str:
        """The ``assumed-role`` ARN of a session of this role.

        Example:
            >>> from cdk_iam_roles.analysis.assembly import load_app
            >>> app = load_app({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties":
            ...     {"RoleName": "ci", "AssumeRolePolicyDocument": {}}}}},
            ...     account="111111111111", region="us-east-1")
            >>> app.roles[0].session_arn("build")
            'arn:aws:sts::111111111111:assumed-role/ci/build'
        """
        account = self.account or UNKNOWN_ACCOUNT
        return f"arn:{self.partition}:sts::{account}:assumed-role/{self.role_name}/{session_name}"


@dataclass(frozen=True, slots=True)
class ResourcePolicy:
    """A resource-based policy of the app and the resources it protects.

    Args:
        resource_type: the CloudFormation type that carries it
            (``AWS::S3::BucketPolicy``, ``AWS::KMS::Key`` …). Required.
        stack: the stack's display name. Required.
        logical_id: the logical ID of the resource that carries it. Required.
        path: its construct path. Required.
        resources: ARNs of the protected resources (placeholders where generated;
            ``Unknown`` where unresolved). Required.
        document: the resolved policy. Required.
        account: the account of the protected resources, when known. Required.
        covers_children: the policy also covers ARNs below the resource
            (``bucket/*`` objects of an S3 bucket). Default False.
        unreadable: why the policy could not be read, as a phrase that follows its name;
            ``document`` is then a stand-in the evaluator never takes to allow. Default
            ``None`` (it was read).

    Example:
        >>> ResourcePolicy("AWS::SNS::TopicPolicy", "S", "P", "S/P",
        ...     ("arn:aws:sns:eu-west-1:111111111111:t",), {}, "111111111111").protects(
        ...     "arn:aws:sns:eu-west-1:111111111111:t")
        True
    """

    resource_type: str
    stack: str
    logical_id: str
    path: str
    resources: tuple[str | Unknown, ...]
    document: Mapping[str, Any]
    account: str | None
    covers_children: bool = False
    unreadable: str | None = None

    def protects(self, arn: str) -> bool:
        """Whether ``arn`` is one of the protected resources (or below one)."""
        for resource in self.resources:
            if not isinstance(resource, str):
                continue
            if arn == resource or (self.covers_children and arn.startswith(resource + "/")):
                return True
        return False


@dataclass(slots=True)
class App:
    """Every stack, role and resource policy of a CDK app or template.

    Args:
        stacks: the stacks read. Required.
        roles: every ``AWS::IAM::Role``. Default: none.
        resource_policies: every resource-based policy found. Default: none.
        notes: what could not be read or was assumed, app-wide. Default: none.
        named_resources: construct path and logical ID of each resource with a known
            ARN, for :func:`~cdk_iam_roles.analysis.assembly.find_resource_policy`. Default: none.

    Example:
        >>> from cdk_iam_roles.analysis.assembly import load_app
        >>> load_app({"Resources": {}}).roles
        []
    """

    stacks: list[StackTemplate]
    roles: list[RoleInfo] = field(default_factory=list)
    resource_policies: list[ResourcePolicy] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    named_resources: dict[str, str] = field(default_factory=dict)

    def role_for_principal(self, principal: str) -> RoleInfo | None:
        """The role of the app that ``principal`` (a role ARN or a session of it) is.

        Example:
            >>> from cdk_iam_roles.analysis.assembly import load_app
            >>> app = load_app({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties":
            ...     {"RoleName": "ci", "AssumeRolePolicyDocument": {}}}}},
            ...     account="111111111111", region="us-east-1")
            >>> app.role_for_principal("arn:aws:sts::111111111111:assumed-role/ci/x").path
            'Template/R'
        """
        for role in self.roles:
            if principal == role.arn:
                return role
        match = re.fullmatch(
            r"arn:([^:]+):(iam|sts)::(\d{12}):(role|assumed-role)/(.+)", principal, re.ASCII
        )
        if match is None:
            return None
        _, _service, account, kind, rest = match.groups()
        name = rest.rsplit("/", 1)[-1] if kind == "role" else rest.split("/", 1)[0]
        for role in self.roles:
            if role.account == account and role.role_name == name:
                return role
        return None
