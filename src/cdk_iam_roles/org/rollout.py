"""OrgRoleRollout: roles created once and deployed to every account of some OUs by StackSets.

How the member template reaches CloudFormation. The roles that ``build`` creates live in
a :class:`cdk.Stack` of their own (the *member stack*), nested in the construct tree under
the rollout but never a deployable artifact of the cloud assembly: a small synthesizer
writes its template into the assembly, and the ``AWS::CloudFormation::StackSet`` carries
it inline as ``TemplateBody``. The member stack stays in the construct tree, so Aspects,
tags and the synth-time rules (:class:`~cdk_iam_roles.plugin.IamRolesPlugin`) see its roles.

Why not cdklabs' ``cdk-stacksets`` (on PyPI, Apache-2.0, works with our aws-cdk-lib): it is
still at 0.0.x (each release may break its API), it defaults to ``delegatedAdmin=True``
and ``autoDeployRetainStacks=True`` (the opposite of our secure defaults), and it adds a
second jsii bundle to load on every synth.

Why ``TemplateBody`` and not a file asset with ``TemplateURL`` (which takes 1 MB where
``TemplateBody`` takes 51,200 bytes): registering the asset means calling the parent
stack's synthesizer from Python, and CDK's default synthesizer is *reusable* (each stack
holds a bound copy made with ``Object.create``), which jsii hands back to Python as the
unbound original, so the call fails. A role is 1 to 3 KB of JSON, so the limit allows a
few dozen roles; the rollout refuses a larger member template with a clear message (split
it into several rollouts). The reader (:mod:`cdk_iam_roles.stacksets`) reads both forms.

The member stack is environment-agnostic on purpose: its account and partition are the
``AWS::AccountId`` and ``AWS::Partition`` tokens, resolved in each member account, so
every pattern works there (``ServiceRole`` pins ``aws:SourceAccount`` to the member).
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_cloudformation as cfn
from aws_cdk import aws_iam as iam
from constructs import Construct, IValidation

from cdk_iam_roles.errors import Problem, ProblemCollector, RoleConfigError
from cdk_iam_roles.patterns._base import construct_path
from cdk_iam_roles.rules.construct import org_rollout as rules
from cdk_iam_roles.rules.construct import role as role_rules
from cdk_iam_roles.rules.model import RuleInfo
from cdk_iam_roles.stacksets import (
    MEMBER_ACKNOWLEDGMENTS_METADATA,
    MEMBER_FILE_METADATA,
    MEMBER_PATHS_METADATA,
)
from cdk_iam_roles.trust.tokens import is_token
from cdk_iam_roles.trust.validate import check_account_id, check_plain_text

__all__ = ["OrgRoleRollout"]

# Deployment targets: an OU ID or the root ID, as the CloudFormation API's
# DeploymentTargets.OrganizationalUnitIds pattern states
# (^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$). Sources:
# https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html
# https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html
_OU = re.compile(r"ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}", re.ASCII)
_ROOT = re.compile(r"r-[0-9a-z]{4,32}", re.ASCII)
# Region names: "eu-west-1", "us-gov-west-1", "cn-north-1", "ap-southeast-5" …
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}", re.ASCII)
# StackSetName: a letter, then letters, digits and hyphens, at most 128.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html
_STACK_SET_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,127}", re.ASCII)
# TemplateBody holds at most 51,200 bytes (TemplateURL: 1 MB).
# https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html
TEMPLATE_BODY_MAX_BYTES = 51_200
_DESCRIPTION_MAX = 1024
# The construct metadata that cdk.Validations.of(c).acknowledge(...) writes.
ACKNOWLEDGED_RULES = "aws:cdk:acknowledged-rules"

# Rollouts of each app (keyed by the construct tree's root), to find role names that two
# rollouts would both create in one account.
_ROLLOUTS: weakref.WeakKeyDictionary[Any, list[OrgRoleRollout]] = weakref.WeakKeyDictionary()


class _MemberSynthesizer(cdk.StackSynthesizer):
    """Writes the member template into the assembly and keeps its text for TemplateBody.

    CDK synthesizes stacks children first, so the text exists before the parent stack's
    template (which reads :attr:`template_body` through a lazy value) is written.
    """

    def __init__(self) -> None:
        super().__init__()
        self.template_body: str | None = None

    def add_file_asset(self, *args: Any, **kwargs: Any) -> cdk.FileAssetLocation:
        raise ValueError(
            "OrgRoleRollout: the member template of a StackSet cannot hold file assets "
            "(Lambda code, S3 deployments); create only IAM resources in build"
        )

    def add_docker_image_asset(self, *args: Any, **kwargs: Any) -> cdk.DockerImageAssetLocation:
        raise ValueError(
            "OrgRoleRollout: the member template of a StackSet cannot hold Docker image "
            "assets; create only IAM resources in build"
        )

    def synthesize(self, session: cdk.ISynthesisSession) -> None:
        source = self._synthesize_template(session)
        file = Path(session.outdir) / str(source.file_name)
        template = json.loads(file.read_text(encoding="utf-8"))
        body = json.dumps(template, separators=(",", ":"))
        size = len(body.encode("utf-8"))
        if size > TEMPLATE_BODY_MAX_BYTES:
            raise ValueError(
                f"OrgRoleRollout {self._bound_stack.node.path}: the member template is "
                f"{size:,} bytes; a StackSet's TemplateBody takes at most "
                f"{TEMPLATE_BODY_MAX_BYTES:,}. Split the roles into several rollouts."
            )
        self.template_body = body


@jsii.implements(cdk.IStringProducer)
class _TemplateBody:
    """The member template as JSON text, known once the member stack is synthesized."""

    def __init__(self, synthesizer: _MemberSynthesizer) -> None:
        self._synthesizer = synthesizer

    def produce(self, context: cdk.IResolveContext) -> str | None:
        return self._synthesizer.template_body


@jsii.implements(cdk.IAnyProducer)
class _MemberAcknowledgments:
    """Construct path → {acknowledged rule ID → reason} of the member constructs."""

    def __init__(self, member: cdk.Stack) -> None:
        self._member = member

    def produce(self, context: cdk.IResolveContext) -> Any:
        found: dict[str, dict[str, str]] = {}
        for construct in self._member.node.find_all():
            for entry in construct.node.metadata:
                if entry.type == ACKNOWLEDGED_RULES and isinstance(entry.data, dict):
                    acks = found.setdefault(construct.node.path, {})
                    acks.update({str(k): str(v) for k, v in entry.data.items()})
        return found or None  # nothing acknowledged: no metadata entry


@jsii.implements(cdk.IAnyProducer)
class _MemberPaths:
    """Logical ID → construct path of each resource of the member template."""

    def __init__(self, member: cdk.Stack) -> None:
        self._member = member

    def produce(self, context: cdk.IResolveContext) -> Any:
        found: dict[str, str] = {}
        for construct in self._member.node.find_all():
            if isinstance(construct, cdk.CfnResource):
                logical_id = self._member.resolve(construct.logical_id)
                if isinstance(logical_id, str):
                    found[logical_id] = construct.node.path
        return found or None


@jsii.implements(IValidation)
class _Recheck:
    """Re-checks the member roles at synth: roles may be added after construction."""

    def __init__(self, rollout: OrgRoleRollout) -> None:
        self._rollout = rollout

    def validate(self) -> list[str]:
        return [p.render() for p in self._rollout._member_problems()]


class OrgRoleRollout(Construct):
    """Roles deployed to every account of some OUs by a service-managed StackSet.

    ``build`` receives the member stack (an environment-agnostic ``cdk.Stack``) and
    creates the roles there with any pattern of this library or plain ``iam.Role``. The
    rollout synthesizes an ``AWS::CloudFormation::StackSet`` with ``PermissionModel:
    SERVICE_MANAGED``, auto-deployment to accounts that join the OUs, and
    ``CAPABILITY_NAMED_IAM``. ``cdk-iam-roles check``/``catalog``/``explain`` read the
    member template and report its roles once, with where they are deployed.

    CloudFormation never deploys a service-managed StackSet to the management account,
    even when it sits in a target OU; deploy from the management account, or from a
    delegated administrator with ``delegated_admin=True``.
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html)

    Args:
        scope: the parent construct (in the stack that holds the StackSet).
        construct_id: the construct ID.
        build: a callable that receives the member scope and creates the roles.
            Required. Build self-contained roles: a reference to a resource of another
            stack cannot cross into member accounts.
        organizational_units: the OU IDs (``ou-ab12-34cd5678``) or the root ID (``r-ab12``)
            to deploy to. Required, at least one.
        regions: where the stack instances go (default: one region, the stack's own; IAM
            is global, so one region is enough and a fixed role name allows only one).
        exclude_accounts: account IDs in those OUs to leave out (default: none).
        auto_deploy: deploy to accounts that join the OUs later (default True).
        retain_stacks_on_account_removal: keep the roles in an account that leaves the
            OUs (default False: they are deleted). Only with ``auto_deploy``.
        delegated_admin: deploy from a delegated administrator account (``CallAs:
            DELEGATED_ADMIN``) instead of the management account (default False).
        max_concurrent_percentage: share of accounts per region deployed at once,
            1 to 100 (default 25).
        failure_tolerance_percentage: share of accounts per region that may fail before
            CloudFormation stops the operation there, 0 to 100 (default 0).
        stack_set_name: the StackSet's name (default: the stack name and construct ID).
        description: the StackSet's description (default: none).

    Raises:
        RoleConfigError: every problem of the arguments and of the roles ``build``
            created, together (rules IAMR-SET-001 to IAMR-SET-008, IAMR-ROLE-008).

    Example:
        >>> rollout = OrgRoleRollout(stack, "Audit",  # doctest: +SKIP
        ...     organizational_units=["ou-ab12-34cd5678"],
        ...     build=lambda scope: CrossAccountRole(scope, "Audit", role_name="audit",
        ...         trusted_principals=["arn:aws:iam::222222222222:role/auditor"]))
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        build: Callable[[Construct], object],
        organizational_units: Sequence[str],
        regions: Sequence[str] | None = None,
        exclude_accounts: Sequence[str] = (),
        auto_deploy: bool = True,
        retain_stacks_on_account_removal: bool = False,
        delegated_admin: bool = False,
        max_concurrent_percentage: int = 25,
        failure_tolerance_percentage: int = 0,
        stack_set_name: str | None = None,
        description: str | None = None,
    ) -> None:
        path = construct_path(scope, construct_id)
        bag = ProblemCollector()
        parent = cdk.Stack.of(scope)
        ous, region_list, excluded = _check_targets(
            bag, organizational_units, regions, exclude_accounts, parent.region
        )
        _check_settings(
            bag,
            {
                "auto_deploy": auto_deploy,
                "retain_stacks_on_account_removal": retain_stacks_on_account_removal,
                "delegated_admin": delegated_admin,
            },
        )
        _percentage(bag, "max_concurrent_percentage", max_concurrent_percentage, 1)
        _percentage(bag, "failure_tolerance_percentage", failure_tolerance_percentage, 0)
        _check_texts(bag, stack_set_name, description)
        if not callable(build):
            _add(bag, rules.NO_ROLES, "build", "must be a callable", build)
        bag.raise_if_any(path)

        super().__init__(scope, construct_id)
        self.organizational_units: tuple[str, ...] = tuple(ous)
        self.regions: tuple[str, ...] = tuple(region_list)
        self.exclude_accounts: tuple[str, ...] = tuple(excluded)
        synthesizer = _MemberSynthesizer()
        # Environment-agnostic on purpose, even in a stage with an environment: the member
        # template runs in every member account, never in the account of this stack.
        self.member_stack = cdk.Stack(
            self,
            "Member",
            env=cdk.Environment(account=cdk.Aws.ACCOUNT_ID, region=cdk.Aws.REGION),
            synthesizer=synthesizer,
            analytics_reporting=False,
        )
        build(self.member_stack)
        _ROLLOUTS.setdefault(self.node.root, []).append(self)
        problems = self._member_problems()
        if problems:
            raise RoleConfigError(self.node.path, problems)
        self.node.add_validation(_Recheck(self))

        exclusions = (
            cfn.CfnStackSet.DeploymentTargetsProperty(
                organizational_unit_ids=list(ous),
                accounts=list(excluded),
                account_filter_type="DIFFERENCE",
            )
            if excluded
            else cfn.CfnStackSet.DeploymentTargetsProperty(organizational_unit_ids=list(ous))
        )
        self.stack_set = cfn.CfnStackSet(
            self,
            "StackSet",
            stack_set_name=stack_set_name or _default_name(parent, construct_id, self),
            description=description,
            permission_model="SERVICE_MANAGED",
            auto_deployment=cfn.CfnStackSet.AutoDeploymentProperty(
                enabled=auto_deploy,
                retain_stacks_on_account_removal=(
                    retain_stacks_on_account_removal if auto_deploy else None
                ),
            ),
            capabilities=["CAPABILITY_NAMED_IAM"],
            call_as="DELEGATED_ADMIN" if delegated_admin else "SELF",
            operation_preferences=cfn.CfnStackSet.OperationPreferencesProperty(
                max_concurrent_percentage=max_concurrent_percentage,
                failure_tolerance_percentage=failure_tolerance_percentage,
            ),
            stack_instances_group=[
                cfn.CfnStackSet.StackInstancesProperty(
                    deployment_targets=exclusions, regions=list(region_list)
                )
            ],
            template_body=cdk.Lazy.uncached_string(_TemplateBody(synthesizer)),
        )
        # Where the member template is also written: the tools point findings on member
        # roles there, so acknowledgments on those roles apply (cdk_iam_roles.stacksets).
        self.stack_set.add_metadata(MEMBER_FILE_METADATA, self.member_stack.template_file)
        # The member stack is no artifact, so its acknowledgments do not reach the
        # manifest: record them here for `cdk-iam-roles check` (the plugin sees them
        # through CDK), so both give the same verdict.
        self.stack_set.add_metadata(
            MEMBER_ACKNOWLEDGMENTS_METADATA,
            cdk.Lazy.uncached_any(_MemberAcknowledgments(self.member_stack)),
        )
        # Construct paths of the member resources, so that findings name the constructs
        # (and acknowledgments on them match) even without aws:cdk:path metadata.
        self.stack_set.add_metadata(
            MEMBER_PATHS_METADATA, cdk.Lazy.uncached_any(_MemberPaths(self.member_stack))
        )

    @property
    def role_names(self) -> tuple[str, ...]:
        """The literal names of the member roles (generated and token names left out)."""
        return tuple(name for name, _ in _named_roles(self.member_stack))

    def _member_problems(self) -> list[Problem]:
        """Problems of the member roles: none at all, or a name that would collide."""
        problems: list[Problem] = []
        roles = [c for c in self.member_stack.node.find_all() if isinstance(c, iam.CfnRole)]
        if not roles:
            problems.append(rules.NO_ROLES.problem("build", "created no IAM role", None))
        named = _named_roles(self.member_stack)
        seen: dict[str, str] = {}
        for name, where in named:
            if name in seen:
                problems.append(
                    rules.NAME_COLLISION.problem(
                        "build", f"creates two roles named {name!r} ({seen[name]}, {where})", name
                    )
                )
            seen.setdefault(name, where)
        if len(self.regions) > 1 and named:
            problems.append(
                rules.NAME_COLLISION.problem(
                    "regions",
                    f"deploys fixed role names ({', '.join(sorted(seen))}) to "
                    f"{len(self.regions)} regions of each account",
                    list(self.regions),
                )
            )
        for other in _ROLLOUTS.get(self.node.root, []):
            if other is self or not _targets_overlap(self, other):
                continue
            shared = sorted(set(seen) & set(other.role_names))
            if shared:
                problems.append(
                    rules.NAME_COLLISION.problem(
                        "build",
                        f"creates {', '.join(shared)}, which {other.node.path} also creates "
                        "in the same accounts",
                        shared,
                    )
                )
        return problems


def _add(bag: ProblemCollector, rule: RuleInfo, argument: str, message: str, value: object) -> None:
    bag.extend([rule.problem(argument, message, value)])


def _check_targets(
    bag: ProblemCollector,
    organizational_units: object,
    regions: object,
    exclude_accounts: object,
    default_region: str,
) -> tuple[list[str], list[str], list[str]]:
    """The OUs, regions and excluded accounts, each checked."""
    ous = _strings(bag, "organizational_units", organizational_units, rules.OU_INVALID)
    if not ous and not bag.problems:
        _add(bag, rules.NO_TARGET, "organizational_units", "is empty", ous)
    for ou in ous:
        if not is_token(ou) and not (_OU.fullmatch(ou) or _ROOT.fullmatch(ou)):
            _add(bag, rules.OU_INVALID, "organizational_units", "must be an OU or root ID", ou)
    if regions is None:
        region_list = [default_region]
    else:
        before = len(bag.problems)
        region_list = _strings(bag, "regions", regions, rules.REGION_INVALID)
        if not region_list and len(bag.problems) == before:
            _add(bag, rules.REGION_INVALID, "regions", "is empty", region_list)
    for region in region_list:
        if not is_token(region) and not _REGION.fullmatch(region):
            _add(bag, rules.REGION_INVALID, "regions", "is not a region name", region)
    if len(set(region_list)) != len(region_list):
        _add(bag, rules.REGION_INVALID, "regions", "repeats a region", region_list)
    excluded = _strings(bag, "exclude_accounts", exclude_accounts, rules.ACCOUNT_INVALID)
    for account in excluded:
        if check_account_id(account):
            _add(bag, rules.ACCOUNT_INVALID, "exclude_accounts", "must be 12 digits", account)
    return ous, region_list, excluded


def _check_settings(bag: ProblemCollector, switches: dict[str, object]) -> None:
    for name, value in switches.items():
        if not isinstance(value, bool):
            _add(bag, rules.SETTING_INVALID, name, "must be True or False", value)
    retain = switches["retain_stacks_on_account_removal"]
    if retain is True and switches["auto_deploy"] is False:
        _add(
            bag,
            rules.SETTING_INVALID,
            "retain_stacks_on_account_removal",
            "applies only with auto_deploy=True",
            retain,
        )


def _check_texts(bag: ProblemCollector, stack_set_name: object, description: object) -> None:
    for name, text in (("stack_set_name", stack_set_name), ("description", description)):
        if text is None:
            continue
        if not isinstance(text, str):
            _add(bag, rules.SETTING_INVALID, name, "must be a string", text)
            continue
        problem = check_plain_text(text)
        if problem:
            _add(bag, role_rules.PLAIN_TEXT, name, problem, text)
        elif (
            name == "stack_set_name" and not is_token(text) and not _STACK_SET_NAME.fullmatch(text)
        ):
            _add(bag, rules.SETTING_INVALID, name, "is not a StackSet name", text)
        elif name == "description" and not is_token(text) and len(text) > _DESCRIPTION_MAX:
            _add(bag, rules.SETTING_INVALID, name, "is longer than 1,024 characters", text[:40])


def _strings(bag: ProblemCollector, argument: str, value: object, rule: RuleInfo) -> list[str]:
    """``value`` as a list of plain strings; a lone string, other types and control
    characters are problems."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        bag.extend([rule.problem(argument, "must be a list of strings", value)])
        return []
    items: list[str] = []
    for item in value:
        if not isinstance(item, str):
            bag.extend([rule.problem(argument, "must hold only strings", item)])
            continue
        problem = check_plain_text(item)
        if problem:
            bag.extend([role_rules.PLAIN_TEXT.problem(argument, problem, item)])
            continue
        items.append(item)
    return items


def _percentage(bag: ProblemCollector, argument: str, value: object, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 100:
        bag.extend(
            [
                rules.PERCENTAGE_INVALID.problem(
                    argument, f"must be a whole number from {low} to 100", value
                )
            ]
        )


def _named_roles(stack: cdk.Stack) -> list[tuple[str, str]]:
    """``(name, construct path)`` of each member role with a literal name."""
    found: list[tuple[str, str]] = []
    for construct in stack.node.find_all():
        if isinstance(construct, iam.CfnRole):
            name = construct.role_name
            if isinstance(name, str) and not is_token(name):
                found.append((name, construct.node.path))
    return found


def _targets_overlap(one: OrgRoleRollout, other: OrgRoleRollout) -> bool:
    """Whether two rollouts may reach one account: a shared OU, or either targets a root.

    Nested OUs cannot be seen offline: two different OUs are taken as disjoint.
    """
    if any(_ROOT.fullmatch(ou) for ou in (*one.organizational_units, *other.organizational_units)):
        return True
    return bool(set(one.organizational_units) & set(other.organizational_units))


def _default_name(stack: cdk.Stack, construct_id: str, rollout: Construct) -> str:
    """``<stack name>-<construct id>`` reduced to what a StackSet name allows."""
    base = stack.stack_name if not is_token(stack.stack_name) else cdk.Names.unique_id(rollout)
    text = re.sub(r"[^A-Za-z0-9-]+", "-", f"{base}-{construct_id}").strip("-")
    if not text or not text[0].isalpha():
        text = "StackSet-" + text
    return text[:128]
