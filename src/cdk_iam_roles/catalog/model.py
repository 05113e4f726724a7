"""The role catalog: who can assume each role, under which conditions, for how long, with
which permissions (pure Python over CloudFormation JSON).

:func:`build_catalog` reads every ``AWS::IAM::Role`` of the given stacks and returns a
:class:`Catalog` of :class:`RoleEntry` records, grouped and sorted by stack, pattern and
construct path so a large app stays readable. The renderers in
:mod:`cdk_iam_roles.catalog.render` turn it into Markdown, JSON, Mermaid, HTML or a
terminal summary.

The *pattern* of a role is read from its trust shape (the library's patterns render
recognisable trusts); a role whose trust matches none is ``hand-written``. A plain
``iam.Role`` whose trust is exactly what a pattern renders is reported under that
pattern: the template holds nothing else to tell them apart.

Example:
    >>> from cdk_iam_roles.cfn import StackTemplate
    >>> tpl = {"Resources": {"Ci": {"Type": "AWS::IAM::Role", "Properties": {
    ...     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
    ...         "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
    ...         "Principal": {"Federated":
    ...             "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},
    ...         "Condition": {"StringEquals": {
    ...             "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
    ...             "token.actions.githubusercontent.com:sub":
    ...                 "repo:acme/web:ref:refs/heads/main"}}}]}}}}}
    >>> role = build_catalog([StackTemplate.from_template(tpl, name="Ci")]).roles[0]
    >>> role.assumers[0].words
    'GitHub Actions, repository acme/web, branch main'
    >>> role.pattern, role.human_assumable
    ('WebIdentityRole', False)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from cdk_iam_roles.catalog._pattern import HAND_WRITTEN, PATTERNS, infer_pattern
from cdk_iam_roles.catalog._permissions import Permissions, attached_policies, permissions
from cdk_iam_roles.catalog._words import (
    Assumer,
    ConditionEntry,
    describe_statement,
    display,
    duration_words,
)
from cdk_iam_roles.cfn import Resolver, ResourceRef, StackTemplate, Unknown
from cdk_iam_roles.rules import Finding, RuleSettings, Severity
from cdk_iam_roles.rules.acknowledgments import Acknowledgments, split_acknowledged
from cdk_iam_roles.rules.engine import check_view
from cdk_iam_roles.rules.view import TemplateView, as_list

__all__ = [
    "HAND_WRITTEN",
    "PATTERNS",
    "Catalog",
    "Permissions",
    "RoleEntry",
    "StackEntry",
    "build_catalog",
    "infer_pattern",
]

# Rules whose findings say roles of the app were not read (nested stack templates not
# found, transforms that create resources at deployment).
NOT_READ_RULES = frozenset({"IAMR-DOC-006", "IAMR-DOC-007"})
# CloudFormation resource metadata a pattern may set to name itself exactly.
PATTERN_METADATA_KEY = "cdk-iam-roles:pattern"
# MaxSessionDuration when the property is absent.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
DEFAULT_MAX_SESSION_SECONDS = 3600


@dataclass(frozen=True, slots=True)
class RoleEntry:
    """One role of the catalog.

    Args:
        stack: the stack's display name.
        account: the stack's account, when known.
        region: the stack's region, when known.
        path: the construct path.
        logical_id: the CloudFormation logical ID.
        role_name: the role name, or ``None`` when generated or unknown.
        role_name_display: the name, ``generated`` or ``unknown (reason)``.
        iam_path: the role's IAM path (default ``/``).
        arn: the role's ARN when name, account and partition are all known.
        description: the role's description, if any.
        pattern: the pattern its trust shape matches, or ``hand-written``.
        assumers: who can assume it (one entry per principal of an Allow statement).
        trust_denies: Deny statements of the trust policy, in words.
        trust_unknown: why the trust policy could not be read, if it could not.
        max_session_seconds: MaxSessionDuration in seconds (``None`` when unknown).
        max_session_display: ``1 h`` or ``unknown (reason)``.
        permissions: the permissions summary.
        findings: the rules' findings on this role.
        deployment: where a StackSet deploys the role (empty for a role of its own stack).
    """

    stack: str
    account: str | None
    region: str | None
    path: str
    logical_id: str
    role_name: str | None
    role_name_display: str
    iam_path: str
    arn: str | None
    description: str | None
    pattern: str
    assumers: tuple[Assumer, ...]
    trust_denies: tuple[str, ...]
    trust_unknown: str | None
    max_session_seconds: int | None
    max_session_display: str
    permissions: Permissions
    findings: tuple[Finding, ...]
    deployment: str = ""

    @property
    def human_assumable(self) -> bool:
        """True when people can assume the role: an IAM user, role or account principal
        with ``sts:AssumeRole`` (not a service-only role of the stack), or SAML sign-in."""
        return any(a.human for a in self.assumers)

    @property
    def profile_assumable(self) -> bool:
        """True when a person's AWS identity may call ``sts:AssumeRole`` on the role (what
        an AWS CLI ``role_arn`` profile does; SAML sign-in is not that)."""
        return any(a.assume_role_caller for a in self.assumers)

    @property
    def callers_unknown(self) -> bool:
        """True when who can assume the role is unknown offline: its trust policy (or one of
        its statements) could not be read, or it allows a principal known only at
        deployment (``Principal: {AWS: !ImportValue …}``, a parameter). Such a role is not
        counted human-assumable, and is never taken for one only services can assume."""
        return self.trust_unknown is not None or any(a.unknown_offline for a in self.assumers)

    @property
    def conditions(self) -> tuple[ConditionEntry, ...]:
        """Every condition of the trust's Allow statements (without repeats)."""
        seen: dict[ConditionEntry, None] = {}
        for assumer in self.assumers:
            for entry in assumer.conditions:
                seen.setdefault(entry, None)
        return tuple(seen)

    @property
    def label(self) -> str:
        """``role-name``, or ``Construct/Id (generated name)``: how to show the role in a list."""
        if self.role_name:
            return self.role_name
        if self.role_name_display == "generated":
            return f"{self.construct_id} (generated name)"
        return f"{self.construct_id} (name {self.role_name_display})"

    @property
    def construct_id(self) -> str:
        """The construct path inside its stack, without CDK's ``/Resource`` suffix."""
        inner = self.path
        if inner.startswith(self.stack + "/"):
            inner = inner[len(self.stack) + 1 :]
        if inner.endswith("/Resource"):
            inner = inner[: -len("/Resource")]
        return inner or self.logical_id

    def count(self, severity: Severity) -> int:
        """The number of findings at ``severity``."""
        return sum(1 for f in self.findings if f.severity is severity)


@dataclass(frozen=True, slots=True)
class StackEntry:
    """A stack of the catalog with its roles.

    ``deployment`` says where a StackSet deploys a member template (empty for a stack of
    its own): its roles are listed once, whatever the number of accounts.
    """

    name: str
    account: str | None
    region: str | None
    roles: tuple[RoleEntry, ...]
    deployment: str = ""

    def by_pattern(self) -> list[tuple[str, list[RoleEntry]]]:
        """The stack's roles grouped by pattern, in :data:`PATTERNS` order."""
        groups: dict[str, list[RoleEntry]] = {}
        for role in self.roles:
            groups.setdefault(role.pattern, []).append(role)
        return [(p, groups[p]) for p in PATTERNS if p in groups]


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every role of an app, by stack.

    Args:
        stacks: the stacks, in the order they were read (stacks without roles included).
        findings: every finding of the rules on these stacks (roles or not) that no
            acknowledgment accepts.
        acknowledged: the findings the app acknowledged (``cdk.Acknowledgment``), left
            out of ``findings`` and of each role's findings. Default: none.
    """

    stacks: tuple[StackEntry, ...]
    findings: tuple[Finding, ...] = ()
    acknowledged: tuple[Finding, ...] = ()

    @property
    def roles(self) -> list[RoleEntry]:
        """Every role, stack by stack."""
        return [role for stack in self.stacks for role in stack.roles]

    @property
    def human_assumable(self) -> list[RoleEntry]:
        """The roles people may assume (IAM users, roles, accounts, SAML sign-in)."""
        return [r for r in self.roles if r.human_assumable]

    @property
    def profile_assumable(self) -> list[RoleEntry]:
        """The roles people assume with ``sts:AssumeRole`` (those ``profiles`` writes)."""
        return [r for r in self.roles if r.profile_assumable]

    @property
    def callers_unknown(self) -> list[RoleEntry]:
        """The roles whose callers are unknown offline (see `RoleEntry.callers_unknown`)."""
        return [r for r in self.roles if r.callers_unknown]

    @property
    def not_read(self) -> list[Finding]:
        """Findings that say part of the app was not read (a nested stack's template, a
        transform's resources), so its roles are missing from the catalog."""
        return [f for f in self.findings if f.rule_id in NOT_READ_RULES]

    def severity_counts(self) -> dict[str, int]:
        """Findings per severity (``error``, ``warning``, ``info``), every key present."""
        counts = Counter(str(f.severity) for f in self.findings)
        return {str(s): counts.get(str(s), 0) for s in Severity}

    def pattern_counts(self) -> dict[str, int]:
        """Roles per pattern, in :data:`PATTERNS` order (patterns with roles only)."""
        counts = Counter(r.pattern for r in self.roles)
        return {p: counts[p] for p in PATTERNS if counts[p]}


def build_catalog(
    stacks: Iterable[StackTemplate],
    *,
    settings: RuleSettings | None = None,
    acknowledgments: Acknowledgments | None = None,
) -> Catalog:
    """The catalog of every ``AWS::IAM::Role`` in ``stacks``.

    Args:
        stacks: stacks from :func:`cdk_iam_roles.cfn.load_stacks`.
        settings: rule settings for the findings (default: AWS's default quotas).
        acknowledgments: what the app acknowledged (see
            :func:`cdk_iam_roles.rules.acknowledgments.read_acknowledgments`); the findings
            they accept are listed apart, as ``check`` does. Default: none.

    Example:
        >>> from cdk_iam_roles.cfn import StackTemplate
        >>> build_catalog([StackTemplate.from_template({"Resources": {}})]).roles
        []
    """
    entries: list[StackEntry] = []
    all_findings: list[Finding] = []
    acknowledged: list[Finding] = []
    for stack in stacks:
        # One view per stack: the rules and the catalog read the same resolved resources.
        view = TemplateView(stack, settings or RuleSettings())
        findings = check_view(view)
        if acknowledgments is not None:
            findings, accepted = split_acknowledged(findings, acknowledgments)
            acknowledged.extend(finding for finding, _ in accepted)
        all_findings.extend(findings)
        by_resource: dict[str, list[Finding]] = {}
        for finding in findings:
            by_resource.setdefault(finding.logical_id, []).append(finding)
        attached = attached_policies(view)
        role_resources = list(stack.resources_of_type("AWS::IAM::Role"))
        trusts = _service_chains({lid: _trust(view, lid) for lid, _ in role_resources})
        roles = [
            _role(
                view,
                logical_id,
                resource,
                tuple(by_resource.get(logical_id, ())),
                attached.get(logical_id, []),
                trusts[logical_id],
            )
            for logical_id, resource in role_resources
        ]
        roles.sort(key=lambda r: (PATTERNS.index(r.pattern), r.path, r.logical_id))
        entries.append(
            StackEntry(stack.name, stack.account, stack.region, tuple(roles), stack.deployment)
        )
    return Catalog(tuple(_mark_external(entries)), tuple(all_findings), tuple(acknowledged))


# A role or its session, by ARN (a role path may hold "/").
_ROLE_ARN = re.compile(r"arn:[^:]+:(?:iam|sts)::(\d{12}):(?:role|assumed-role)/(.+)", re.ASCII)


def _mark_external(entries: list[StackEntry]) -> list[StackEntry]:
    """Mark the trusted roles that none of the apps read defines (issue 14: a trust naming
    a role no app defines is shown as external).

    A role of an account where some role's ARN is not known (a generated name) might be
    that role, so it is not marked: only what is certainly outside is.
    """
    defined: set[str] = set()
    unknown_accounts: set[str | None] = set()
    for stack in entries:
        for role in stack.roles:
            if role.arn:
                defined.add(role.arn)
                defined.add(_session_prefix(role.arn))
            else:
                unknown_accounts.add(role.account)
    if None in unknown_accounts:
        return entries

    def outside(assumer: Assumer) -> bool:
        if assumer.kind not in ("iam-role", "assumed-role") or assumer.stack_role:
            return False
        match = _ROLE_ARN.fullmatch(assumer.principal)
        if match is None or match.group(1) in unknown_accounts:
            return False
        if assumer.kind == "assumed-role":
            return _session_prefix(assumer.principal) not in defined
        return assumer.principal not in defined

    out: list[StackEntry] = []
    for stack in entries:
        roles = []
        for role in stack.roles:
            assumers = tuple(
                replace(a, external=True, words=f"{a.words} (external: no app read defines it)")
                if outside(a)
                else a
                for a in role.assumers
            )
            roles.append(replace(role, assumers=assumers))
        out.append(replace(stack, roles=tuple(roles)))
    return out


def _session_prefix(arn: str) -> str:
    """``arn:P:sts::A:assumed-role/NAME`` for a role or session ARN (paths dropped)."""
    match = _ROLE_ARN.fullmatch(arn)
    if match is None:
        return arn
    name = match.group(2).split("/")
    role_name = name[-1] if ":role/" in arn else name[0]
    partition = arn.split(":", 2)[1]
    return f"arn:{partition}:sts::{match.group(1)}:assumed-role/{role_name}"


# --- one role -------------------------------------------------------------------------


def _role(
    view: TemplateView,
    logical_id: str,
    resource: Mapping[str, Any],
    findings: tuple[Finding, ...],
    attached: Sequence[tuple[str, str, Mapping[str, Any]]],
    trust: _Trust,
) -> RoleEntry:
    stack = view.stack
    resolver = stack.resolver
    props = view.resolved[logical_id]
    assumers, denies, trust_unknown = trust
    name_value = props.get("RoleName")
    if name_value is None:
        role_name, name_display = None, "generated"
    elif isinstance(name_value, str):
        role_name, name_display = name_value, name_value
    else:
        role_name, name_display = None, display(name_value)
    iam_path_value = props.get("Path", "/")
    iam_path = iam_path_value if isinstance(iam_path_value, str) else display(iam_path_value)

    max_value = props.get("MaxSessionDuration")
    max_seconds: int | None
    if max_value is None:
        max_seconds = DEFAULT_MAX_SESSION_SECONDS
    elif isinstance(max_value, int) and not isinstance(max_value, bool):
        max_seconds = max_value
    elif isinstance(max_value, str) and max_value.isascii() and max_value.isdigit():
        max_seconds = int(max_value)
    else:
        max_seconds = None
    max_display = duration_words(max_seconds) if max_seconds is not None else display(max_value)

    description = props.get("Description")
    metadata = resource.get("Metadata")
    declared = metadata.get(PATTERN_METADATA_KEY) if isinstance(metadata, Mapping) else None
    pattern = (
        declared
        if isinstance(declared, str) and declared in PATTERNS
        else infer_pattern(assumers, trust_unknown is not None or bool(denies))
    )
    return RoleEntry(
        stack=stack.name,
        account=stack.account,
        region=stack.region,
        path=stack.path_of(logical_id),
        logical_id=logical_id,
        role_name=role_name,
        role_name_display=name_display,
        iam_path=iam_path,
        arn=_arn(resolver, role_name, iam_path),
        description=description if isinstance(description, str) else None,
        pattern=pattern,
        assumers=assumers,
        trust_denies=denies,
        trust_unknown=trust_unknown,
        max_session_seconds=max_seconds,
        max_session_display=max_display,
        permissions=permissions(view, resolver, logical_id, props, attached),
        findings=findings,
        deployment=stack.deployment,
    )


# Who a role trusts: its Allow principals, its Deny statements in words, and why the trust
# could not be read (``None`` when it could).
_Trust = tuple[tuple[Assumer, ...], tuple[str, ...], str | None]


def _trust(view: TemplateView, logical_id: str) -> _Trust:
    stack = view.stack
    props = view.resolved[logical_id]
    assumers: list[Assumer] = []
    denies: list[str] = []
    trust_unknown: str | None = None
    trust = props.get("AssumeRolePolicyDocument")
    if isinstance(trust, Mapping):
        statements = trust.get("Statement")
        if isinstance(statements, (Unknown, ResourceRef)):
            trust_unknown = display(statements)
        for index, statement in enumerate(as_list(statements)):
            if not isinstance(statement, Mapping):
                # A statement known only at deployment may allow anyone: say so.
                shown = display(statement) if statement is not None else "missing"
                trust_unknown = trust_unknown or f"statement {index}: {shown}"
                continue
            described = describe_statement(statement, stack.resources)
            if statement.get("Effect") == "Deny":
                denies.extend(f"denied: {a.words}" for a in described)
            else:
                assumers.extend(described)
    else:
        trust_unknown = display(trust) if trust is not None else "unknown (no trust policy)"
    return tuple(assumers), tuple(denies), trust_unknown


def _service_chains(trusts: Mapping[str, _Trust]) -> dict[str, _Trust]:
    """``trusts`` with principals that are service-only roles of the stack marked.

    A role is *service-only* when its trust was read and every principal it allows is an
    AWS service or another service-only role of the same stack (CodePipeline's action
    roles, trusted by the pipeline role, which ``codepipeline.amazonaws.com`` assumes).
    A role that trusts such a role is not assumable by people through it.
    """
    service_only: set[str] = set()
    changed = True
    while changed:
        changed = False
        for logical_id, (assumers, _, unknown) in trusts.items():
            if logical_id in service_only or unknown is not None or not assumers:
                continue
            if all(
                a.kind == "service" or (a.stack_role is not None and a.stack_role in service_only)
                for a in assumers
            ):
                service_only.add(logical_id)
                changed = True
    return {
        logical_id: (
            tuple(
                replace(a, service_chain=True)
                if a.stack_role is not None and a.stack_role in service_only
                else a
                for a in assumers
            ),
            denies,
            unknown,
        )
        for logical_id, (assumers, denies, unknown) in trusts.items()
    }


def _arn(resolver: Resolver, role_name: str | None, iam_path: str) -> str | None:
    # arn:PARTITION:iam::ACCOUNT:role/PATH/NAME (the path is part of the ARN).
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
    partition = resolver.partition
    if not role_name or not resolver.account or not partition or not iam_path.startswith("/"):
        return None
    return f"arn:{partition}:iam::{resolver.account}:role{iam_path}{role_name}"
