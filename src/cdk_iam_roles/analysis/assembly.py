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

import dataclasses
import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdk_iam_roles.analysis._placeholders import is_placeholder
from cdk_iam_roles.cfn import (
    ResourceRef,
    StackTemplate,
    Unknown,
    is_unresolved,
    load_stacks,
    partition_of_region,
)
from cdk_iam_roles.documents import DocumentKind, listed_document, read_policy_document
from cdk_iam_roles.errors import InputError
from cdk_iam_roles.organisation import load_organisation

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

# A role without MaxSessionDuration allows one-hour sessions.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
DEFAULT_MAX_SESSION_DURATION = 3600

_UNKNOWN_ACCOUNT = "{unknown-account}"
# `is_placeholder` lives in the evaluator's pure helpers (`_placeholders`), which treat a
# request value holding a placeholder as an opaque unknown; it is re-exported here.


class RoleNotFoundError(InputError):
    """``find_role`` found no role, or more than one, for the query."""


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

    Example:
        >>> UnavailablePolicy("arn:aws:iam::aws:policy/ReadOnlyAccess", "AWS managed").arn
        'arn:aws:iam::aws:policy/ReadOnlyAccess'
    """

    arn: str
    reason: str


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

    Example:
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

    @property
    def arn_is_placeholder(self) -> bool:
        """Whether the ARN holds a placeholder (generated name or unknown account)."""
        return is_placeholder(self.arn)

    def session_arn(self, session_name: str = "session") -> str:
        """The ``assumed-role`` ARN of a session of this role.

        Example:
            >>> app = load_app({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties":
            ...     {"RoleName": "ci", "AssumeRolePolicyDocument": {}}}}},
            ...     account="111111111111", region="us-east-1")
            >>> app.roles[0].session_arn("build")
            'arn:aws:sts::111111111111:assumed-role/ci/build'
        """
        account = self.account or _UNKNOWN_ACCOUNT
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
            ARN, for :func:`find_resource_policy`. Default: none.

    Example:
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


def _describe_unknown(value: object) -> str:
    if isinstance(value, Unknown):
        return f"unknown ({value.reason})"
    if isinstance(value, ResourceRef):
        return f"unknown ({value})"
    return repr(value)


class _StackContext:
    """Names and ARNs of one stack's resources, and a resolver that uses them."""

    def __init__(
        self, stack: StackTemplate, account: str | None, region: str | None, notes: list[str]
    ) -> None:
        self.stack = stack
        self.account = stack.account or account
        self.region = stack.region or region
        known = partition_of_region(self.region)
        if known is None:
            # CDK writes every ARN as arn:${AWS::Partition}:…; without a region we assume
            # the commercial partition rather than leave every ARN unknown, and say so.
            known = "aws"
            notes.append(
                f"{stack.name}: the region is not known; the partition is assumed to be 'aws'"
            )
        self.partition = known
        self.plain = dataclasses.replace(stack.resolver, account=self.account, region=self.region)
        self._ids: dict[str, dict[str | None, str]] = {}
        for logical_id, resource in stack.resources.items():
            if isinstance(resource, Mapping):
                found = self._identity(logical_id, resource)
                if found:
                    self._ids[logical_id] = found

    # -- names --------------------------------------------------------------------------

    def placeholder(self, what: str, logical_id: str) -> str:
        return (
            "{generated-" + what + ":" + self.stack.name.replace("/", ".") + "." + logical_id + "}"
        )

    @property
    def account_text(self) -> str:
        return self.account or _UNKNOWN_ACCOUNT

    @property
    def region_text(self) -> str:
        return self.region or "{unknown-region}"

    def _name(self, props: Mapping[str, Any], key: str, logical_id: str) -> str:
        value = self.plain.resolve(props.get(key)) if key in props else None
        if isinstance(value, str) and value:
            return value
        return self.placeholder("name", logical_id)

    def _identity(self, logical_id: str, resource: Mapping[str, Any]) -> dict[str | None, str]:
        # What Ref and Fn::GetAtt return for each type (a queue's Ref is its URL, a topic's
        # its ARN, a key's its ID …), per each type's "Return values" in
        # https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html
        # and the ARN formats in https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
        kind = resource.get("Type")
        raw = resource.get("Properties", {})
        props: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        p, acct, region = self.partition, self.account_text, self.region_text
        if kind in ("AWS::IAM::Role", "AWS::IAM::User"):
            name = self._name(
                props, "RoleName" if kind == "AWS::IAM::Role" else "UserName", logical_id
            )
            path = self.plain.resolve(props.get("Path", "/"))
            path = path if isinstance(path, str) else "/"
            word = "role" if kind == "AWS::IAM::Role" else "user"
            return {None: name, "Arn": f"arn:{p}:iam::{acct}:{word}{path}{name}"}
        if kind == "AWS::IAM::ManagedPolicy":
            name = self._name(props, "ManagedPolicyName", logical_id)
            path = self.plain.resolve(props.get("Path", "/"))
            path = path if isinstance(path, str) else "/"
            arn = f"arn:{p}:iam::{acct}:policy{path}{name}"
            return {None: arn, "PolicyArn": arn}
        if kind == "AWS::S3::Bucket":
            name = self._name(props, "BucketName", logical_id)
            return {None: name, "Arn": f"arn:{p}:s3:::{name}"}
        if kind == "AWS::SQS::Queue":
            name = self._name(props, "QueueName", logical_id)
            return {
                None: f"https://sqs.{region}.amazonaws.com/{acct}/{name}",
                "Arn": f"arn:{p}:sqs:{region}:{acct}:{name}",
                "QueueName": name,
                "QueueUrl": f"https://sqs.{region}.amazonaws.com/{acct}/{name}",
            }
        if kind == "AWS::SNS::Topic":
            name = self._name(props, "TopicName", logical_id)
            arn = f"arn:{p}:sns:{region}:{acct}:{name}"
            return {None: arn, "TopicArn": arn, "TopicName": name}
        if kind == "AWS::KMS::Key":
            key_id = self.placeholder("key-id", logical_id)
            return {
                None: key_id,
                "KeyId": key_id,
                "Arn": f"arn:{p}:kms:{region}:{acct}:key/{key_id}",
            }
        if kind == "AWS::Lambda::Function":
            name = self._name(props, "FunctionName", logical_id)
            return {None: name, "Arn": f"arn:{p}:lambda:{region}:{acct}:function:{name}"}
        if kind == "AWS::SecretsManager::Secret":
            # Secrets Manager appends six random characters to a secret's ARN.
            # https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html
            secret = self.placeholder("secret", logical_id)
            arn = f"arn:{p}:secretsmanager:{region}:{acct}:secret:{secret}"
            return {None: arn, "Id": arn}
        if kind == "AWS::ECR::Repository":
            name = self._name(props, "RepositoryName", logical_id)
            return {None: name, "Arn": f"arn:{p}:ecr:{region}:{acct}:repository/{name}"}
        if kind == "AWS::IAM::OIDCProvider":
            url = self.plain.resolve(props.get("Url"))
            host = url.removeprefix("https://") if isinstance(url, str) else None
            host = host or self.placeholder("oidc-url", logical_id)
            arn = f"arn:{p}:iam::{acct}:oidc-provider/{host}"
            return {None: arn, "Arn": arn}
        if kind == "AWS::Cognito::IdentityPool":
            pool = self.placeholder("id", logical_id)
            return {None: pool, "Id": pool}
        if kind == "AWS::IAM::SAMLProvider":
            name = self._name(props, "Name", logical_id)
            arn = f"arn:{p}:iam::{acct}:saml-provider/{name}"
            return {None: arn, "Arn": arn}
        return {}

    def lookup(self, logical_id: str, attribute: str | None) -> str | None:
        """The name (``attribute=None``) or attribute of a resource, when known."""
        return self._ids.get(logical_id, {}).get(attribute)

    # -- resolution ---------------------------------------------------------------------

    def _prepare(self, value: Any) -> Any:
        """Replace references to resources of this stack by their names and ARNs."""
        if isinstance(value, Mapping):
            if len(value) == 1:
                (key, arg) = next(iter(value.items()))
                if key == "Ref" and isinstance(arg, str):
                    if arg == "AWS::Partition":
                        return self.partition
                    found = self.lookup(arg, None)
                    return found if found is not None else value
                if key == "Fn::GetAtt":
                    parts = arg.split(".", 1) if isinstance(arg, str) else arg
                    if isinstance(parts, list) and len(parts) == 2:
                        found = self.lookup(str(parts[0]), str(parts[1]))
                        if found is not None:
                            return found
                    return value
                if key == "Fn::Sub":
                    if isinstance(arg, str):
                        return {"Fn::Sub": self._sub_text(arg)}
                    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
                        return {"Fn::Sub": [self._sub_text(arg[0]), self._prepare(arg[1])]}
                    return value
            return {k: self._prepare(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._prepare(v) for v in value]
        return value

    def _sub_text(self, text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if name == "AWS::Partition":
                return self.partition
            logical, _, attribute = name.partition(".")
            found = self.lookup(logical, attribute or None)
            return found if found is not None else match.group(0)

        return re.sub(r"\$\{([^}!][^}]*)\}", replace, text)

    def resolve(self, value: Any) -> Any:
        """Resolve ``value`` with names of this stack's resources filled in."""
        return self.plain.resolve(self._prepare(value))

    def document(
        self, raw: Any, kind: DocumentKind, where: str, notes: list[str], *, optional: bool = False
    ) -> ReadDocument:
        """A policy document read by the one reader, for the evaluator, and why it is unread.

        The document is ``None`` when the template holds none. A document that cannot be
        read offline is one statement of unknown effect, which the evaluator never takes to
        allow and assumes may deny; a malformed one keeps its statements (the malformed
        ones cannot be evaluated). ``notes`` says why, and so does ``unreadable``.
        """
        read = read_policy_document(
            raw, self.plain, kind=kind, prepare=self._prepare, optional=optional
        )
        if read.status == "absent":
            reason = (
                "the template gives none" if read.reason == "no policy document" else read.reason
            )
            return ReadDocument(None, f"is absent ({reason})")
        unreadable: str | None = None
        if read.status == "unknown":
            unreadable = f"cannot be read offline ({read.reason})"
            notes.append(f"{where} {unreadable}; it never allows")
        elif read.status == "malformed":
            unreadable = f"is malformed ({'; '.join(read.problems)})"
            notes.append(f"{where} is malformed: " + "; ".join(read.problems))
        if read.conditions:
            notes.append(
                f"{where} depends on the template conditions {', '.join(read.conditions)}: "
                "a statement of only some branches never allows, a Deny of any branch applies"
            )
        document = read.for_evaluation()
        if document is None:
            stand_in = unknown_document(
                read.reason or "; ".join(read.problems), resource_policy=kind != "identity"
            )
            return ReadDocument(stand_in, unreadable, stand_in=True)
        if unreadable is None:
            unknown = _unknown_statements(document)
            if unknown is not None:
                unreadable = f"cannot be read offline ({unknown})"
                notes.append(f"{where} {unreadable}; such a statement never allows")
        return ReadDocument(document, unreadable)


def _unknown_statements(document: Mapping[str, Any]) -> str | None:
    """What makes a read document's statements unknown offline, if anything does.

    Its ``Statement``, a statement or a statement's ``Effect`` known only at deployment
    leaves what the document says unknown, though each element has a valid type.
    """
    statements = document.get("Statement")
    if isinstance(statements, (Unknown, ResourceRef)):
        return f"its Statement is {_describe_unknown(statements)}"
    for index, statement in enumerate(_as_list(statements)):
        if isinstance(statement, (Unknown, ResourceRef)):
            return f"statement {index} is {_describe_unknown(statement)}"
        effect = statement.get("Effect") if isinstance(statement, Mapping) else None
        if isinstance(effect, (Unknown, ResourceRef)):
            return f"the Effect of statement {index} is {_describe_unknown(effect)}"
    return None


@dataclass(frozen=True, slots=True)
class ReadDocument:
    """A policy document as the evaluator takes it, and why it could not be read.

    Args:
        document: the document, or a stand-in of unknown effect; ``None`` when the template
            holds none. Required.
        unreadable: ``None`` when it was read; else a phrase that follows the document's
            name: ``is absent (…)``, ``cannot be read offline (…)``, ``is malformed (…)``.
            Required.
        stand_in: ``document`` is the stand-in of unknown effect (nothing of the
            document could be read). Default False.
    """

    document: Mapping[str, Any] | None
    unreadable: str | None
    stand_in: bool = False


def unknown_document(reason: str, *, resource_policy: bool = False) -> Mapping[str, Any]:
    """A stand-in for a policy that exists but cannot be read: one statement of unknown effect.

    The evaluator never takes it to allow and assumes it may deny, so a decision that needs
    the policy is never an Allow.

    Args:
        reason: why the policy cannot be read, in words. Required.
        resource_policy: the stand-in is a resource policy (its statement names every
            principal, so that only its unknown effect is reported). Default False.

    Example:
        >>> unknown_document("not in the app")["Statement"][0]["Effect"]
        <unknown: not in the app>
    """
    statement: dict[str, Any] = {"Effect": Unknown(reason), "Action": "*", "Resource": "*"}
    if resource_policy:
        statement["Principal"] = "*"
    return {"Statement": [statement]}


# A policy the template leaves out entirely: no statement, so it neither allows nor denies.
_NO_STATEMENT: Mapping[str, Any] = {"Statement": []}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _strip_resource(path: str) -> str:
    return path[: -len("/Resource")] if path.endswith("/Resource") else path


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
    contexts: list[_StackContext] = []
    for stack in stacks:
        contexts.append(_StackContext(stack, account, region, app.notes))
    managed: dict[str, tuple[_StackContext, str, Mapping[str, Any]]] = {}
    for ctx in contexts:
        for logical_id, resource in ctx.stack.resources_of_type("AWS::IAM::ManagedPolicy"):
            arn = ctx.lookup(logical_id, None)
            if arn is not None and not is_placeholder(arn):
                managed.setdefault(arn, (ctx, logical_id, resource))
    for ctx in contexts:
        _read_roles(app, ctx, managed)
    for ctx in contexts:
        _attach_policies(app, ctx)
        _read_resource_policies(app, ctx)
        for logical_id, resource in ctx.stack.resources.items():
            arn = ctx.lookup(logical_id, "Arn") or ctx.lookup(logical_id, "PolicyArn")
            if (
                arn is None
                and isinstance(resource, Mapping)
                and resource.get("Type") == "AWS::SNS::Topic"
            ):
                arn = ctx.lookup(logical_id, None)
            if arn is not None:
                app.named_resources.setdefault(logical_id, arn)
                app.named_resources.setdefault(_strip_resource(ctx.stack.path_of(logical_id)), arn)
    return app


_Managed = dict[str, tuple[_StackContext, str, Mapping[str, Any]]]


def _read_roles(app: App, ctx: _StackContext, managed: _Managed) -> None:
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
            path=_strip_resource(ctx.stack.path_of(logical_id)),
            role_name=ctx.lookup(logical_id, None) or ctx.placeholder("name", logical_id),
            role_path=role_path if isinstance(role_path, str) else "/",
            arn=ctx.lookup(logical_id, "Arn") or "",
            account=ctx.account,
            partition=ctx.partition,
            trust=trust if isinstance(trust, Mapping) else None,
            max_session_duration=duration
            if isinstance(duration, int)
            else Unknown(f"MaxSessionDuration {_describe_unknown(duration)}"),
            trust_unreadable=trust_read.unreadable,
        )
        role.notes.extend(trust_notes)
        if role.trust is None:
            role.notes.append("the role has no readable trust policy (AssumeRolePolicyDocument)")
        elif is_unresolved(role.trust):
            role.notes.append(
                "the trust policy holds values that cannot be resolved offline; statements "
                "with them are never taken to allow"
            )
        for index, policy in enumerate(_as_list(props.get("Policies"))):
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
        for value in _as_list(props.get("ManagedPolicyArns")):
            _attach_managed(ctx, role, value, managed)
        if "PermissionsBoundary" in props:
            boundary = _managed_document(ctx, props["PermissionsBoundary"], managed)
            if isinstance(boundary, AttachedPolicy):
                role.boundary = boundary
            else:
                role.boundary_unavailable = boundary.arn
                role.notes.append(f"permissions boundary {boundary.arn}: {boundary.reason}")
        app.roles.append(role)


def _managed_document(
    ctx: _StackContext, raw_arn: Any, managed: _Managed
) -> AttachedPolicy | UnavailablePolicy:
    """The managed policy an ARN names: from the app when it holds it, else unavailable."""
    if isinstance(raw_arn, Mapping) and len(raw_arn) == 1 and "Ref" in raw_arn:
        logical = raw_arn["Ref"]
        resource = ctx.stack.resources.get(logical) if isinstance(logical, str) else None
        if isinstance(resource, Mapping) and resource.get("Type") == "AWS::IAM::ManagedPolicy":
            return _managed_resource(ctx, logical, resource)
    arn = ctx.resolve(raw_arn)
    if not isinstance(arn, str):
        return UnavailablePolicy(_describe_unknown(arn), "its ARN cannot be resolved offline")
    if arn in managed:
        return _managed_resource(*managed[arn])
    if re.match(r"^arn:[^:]+:iam::aws:policy/", arn):
        return UnavailablePolicy(arn, "AWS managed policy: content not available offline")
    return UnavailablePolicy(arn, "managed policy not defined in this app: content not available")


def _managed_resource(
    ctx: _StackContext, logical: str, resource: Mapping[str, Any]
) -> AttachedPolicy:
    raw = resource.get("Properties", {})
    props: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    origin = f"AWS::IAM::ManagedPolicy {_strip_resource(ctx.stack.path_of(logical))}"
    notes: list[str] = []
    return _attached(origin, ctx.document(props.get("PolicyDocument"), "identity", origin, notes))


def _attached(origin: str, read: ReadDocument) -> AttachedPolicy:
    """The policy as attached; one the template leaves out has no statement (it grants
    nothing and denies nothing, and IAM would not create it)."""
    if read.document is None:
        return AttachedPolicy(origin, _NO_STATEMENT)
    return AttachedPolicy(origin, read.document, read.unreadable)


def _attach_managed(ctx: _StackContext, role: RoleInfo, value: Any, managed: _Managed) -> None:
    found = _managed_document(ctx, value, managed)
    if isinstance(found, AttachedPolicy):
        if all(p.origin != found.origin for p in role.identity_policies):
            role.identity_policies.append(found)
    elif all(p.arn != found.arn for p in role.unavailable_policies):
        role.unavailable_policies.append(found)


def _roles_named_by(app: App, ctx: _StackContext, values: Iterable[Any]) -> Iterator[RoleInfo]:
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
                f"({_describe_unknown(name)})"
            )


def _attach_policies(app: App, ctx: _StackContext) -> None:
    stack = ctx.stack
    for logical, resource in stack.resources_of_type(
        "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy"
    ):
        raw = resource.get("Properties", {})
        props: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        kind = resource.get("Type")
        targets = _as_list(
            props.get("RoleName") if kind == "AWS::IAM::RolePolicy" else props.get("Roles")
        )
        if kind == "AWS::IAM::ManagedPolicy":
            policy = _managed_resource(ctx, logical, resource)
        else:
            origin = f"{kind} {_strip_resource(stack.path_of(logical))}"
            read = ctx.document(props.get("PolicyDocument"), "identity", origin, app.notes)
            policy = _attached(origin, read)
        for role in _roles_named_by(app, ctx, targets):
            if all(p.origin != policy.origin for p in role.identity_policies):
                role.identity_policies.append(policy)


# Resource policy carriers: type -> (policy property, target property or None for the
# resource itself, whether the policy covers ARNs below the target).
_CARRIERS: dict[str, tuple[str, str | None, bool]] = {
    "AWS::S3::BucketPolicy": ("PolicyDocument", "Bucket", True),
    "AWS::SQS::QueuePolicy": ("PolicyDocument", "Queues", False),
    "AWS::SNS::TopicPolicy": ("PolicyDocument", "Topics", False),
    "AWS::KMS::Key": ("KeyPolicy", None, False),
    "AWS::SecretsManager::ResourcePolicy": ("ResourcePolicy", "SecretId", False),
    "AWS::ECR::Repository": ("RepositoryPolicyText", None, False),
}


def _target_arn(ctx: _StackContext, kind: str, value: Any) -> str | Unknown:
    """The ARN of a carrier's target (a bucket name, a queue URL, a topic ARN …)."""
    resolved = ctx.resolve(value)
    if not isinstance(resolved, str):
        return Unknown(_describe_unknown(resolved))
    if kind == "AWS::S3::BucketPolicy" and not resolved.startswith("arn:"):
        return f"arn:{ctx.partition}:s3:::{resolved}"
    if kind == "AWS::SQS::QueuePolicy":
        match = re.fullmatch(r"https://sqs\.([^.]+)\.[^/]+/([^/]+)/([^/]+)", resolved)
        if match:
            region, account, name = match.groups()
            return f"arn:{ctx.partition}:sqs:{region}:{account}:{name}"
        return Unknown(f"queue URL {resolved!r}")
    return resolved


def _read_resource_policies(app: App, ctx: _StackContext) -> None:
    stack = ctx.stack
    for logical, resource in stack.resources_of_type(*_CARRIERS):
        kind = str(resource.get("Type"))
        policy_key, target_key, children = _CARRIERS[kind]
        raw = resource.get("Properties", {})
        props: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        if policy_key not in props:
            continue
        read = ctx.document(
            props[policy_key], "resource", f"{kind} {stack.path_of(logical)}", app.notes
        )
        if target_key is None:
            arn = ctx.lookup(logical, "Arn")
            targets: tuple[str | Unknown, ...] = (arn,) if arn else ()
        else:
            targets = tuple(_target_arn(ctx, kind, v) for v in _as_list(props.get(target_key)))
        app.resource_policies.append(
            ResourcePolicy(
                resource_type=kind,
                stack=stack.name,
                logical_id=logical,
                path=_strip_resource(stack.path_of(logical)),
                resources=targets,
                document=read.document if read.document is not None else _NO_STATEMENT,
                account=ctx.account,
                covers_children=children,
                unreadable=read.unreadable if read.document is not None else None,
            )
        )
    _lambda_permissions(app, ctx)


def _lambda_permissions(app: App, ctx: _StackContext) -> None:
    """Turn ``AWS::Lambda::Permission`` resources into one resource policy per function.

    Each permission is one statement of the function's resource-based policy.
    https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
    """
    by_function: dict[str, list[Mapping[str, Any]]] = {}
    sources: dict[str, str] = {}
    for logical, resource in ctx.stack.resources_of_type("AWS::Lambda::Permission"):
        raw = resource.get("Properties", {})
        props: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        function = ctx.resolve(props.get("FunctionName"))
        if isinstance(function, str) and not function.startswith("arn:"):
            where = f"{ctx.partition}:lambda:{ctx.region_text}:{ctx.account_text}"
            function = f"arn:{where}:function:{function}"
        principal = ctx.resolve(props.get("Principal"))
        if isinstance(principal, str) and ("." in principal and not principal.startswith("arn:")):
            principal_element: Any = {"Service": principal}
        else:
            principal_element = {"AWS": principal}
        statement: dict[str, Any] = {
            "Sid": logical,
            "Effect": "Allow",
            "Principal": principal_element,
            "Action": ctx.resolve(props.get("Action")),
            "Resource": function,
        }
        condition: dict[str, dict[str, Any]] = {}
        if "SourceArn" in props:
            condition.setdefault("ArnLike", {})["aws:SourceArn"] = ctx.resolve(props["SourceArn"])
        if "SourceAccount" in props:
            condition.setdefault("StringEquals", {})["aws:SourceAccount"] = ctx.resolve(
                props["SourceAccount"]
            )
        if "PrincipalOrgID" in props:
            condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = ctx.resolve(
                props["PrincipalOrgID"]
            )
        if condition:
            statement["Condition"] = condition
        key = function if isinstance(function, str) else repr(function)
        by_function.setdefault(key, []).append(statement)
        sources.setdefault(key, logical)
    for key, statements in by_function.items():
        logical = sources[key]
        app.resource_policies.append(
            ResourcePolicy(
                resource_type="AWS::Lambda::Permission",
                stack=ctx.stack.name,
                logical_id=logical,
                path=_strip_resource(ctx.stack.path_of(logical)),
                resources=(key,) if key.startswith("arn:") else (Unknown(key),),
                document={"Version": "2012-10-17", "Statement": statements},
                account=ctx.account,
            )
        )


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
    wanted = _strip_resource(query.strip().lstrip("/"))
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
