"""Read the member templates of CloudFormation StackSets, and say where they are deployed.

Pure Python: never imports ``aws_cdk`` or ``jsii``. An ``AWS::CloudFormation::StackSet``
carries the template of the stacks it creates in other accounts (the *member template*)
either inline (``TemplateBody``, as :class:`~cdk_iam_roles.org.OrgRoleRollout` writes it)
or as a URL (``TemplateURL``; CDK libraries point it at a file asset of the assembly).
:func:`member_stacks` reads each member template into a
:class:`~cdk_iam_roles.cfn.StackTemplate` of its own, so the rules, the catalog and
``explain`` see its roles **once**, however many accounts it reaches, with
:attr:`~cdk_iam_roles.cfn.StackTemplate.deployment` saying where
("every account in ou-ab12-34cd5678, eu-west-1, auto-deploy").

The member stack's account is never known: the same template runs in every member
account, so its ``account`` is ``None`` (never the account of the stack that holds the
StackSet, which is the management or delegated administrator account, where
CloudFormation does not deploy service-managed stack instances at all). Its region is
known only when the StackSet deploys to exactly one region.

A member template that cannot be read (a URL outside the assembly, a parameter, text
that is neither JSON nor YAML) is never taken as empty: :func:`read_member` says why, and
the rule IAMR-SET-009 reports it as an error.

Example:
    >>> import json
    >>> from cdk_iam_roles.cfn import StackTemplate
    >>> member = {"Resources": {"Audit": {"Type": "AWS::IAM::Role", "Properties": {}}}}
    >>> parent = StackTemplate.from_template({"Resources": {"Set": {
    ...     "Type": "AWS::CloudFormation::StackSet", "Properties": {
    ...         "PermissionModel": "SERVICE_MANAGED", "TemplateBody": json.dumps(member),
    ...         "AutoDeployment": {"Enabled": True},
    ...         "StackInstancesGroup": [{"Regions": ["eu-west-1"], "DeploymentTargets": {
    ...             "OrganizationalUnitIds": ["ou-ab12-34cd5678"]}}]}}}},
    ...     name="Org", account="111111111111", region="eu-west-1")
    >>> [(s.name, s.account, s.region, s.deployment) for s in member_stacks(parent)]
    [('Org/Set', None, 'eu-west-1', 'every account in ou-ab12-34cd5678, eu-west-1, auto-deploy')]
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdk_iam_roles.cfn import ResourceRef, StackTemplate, Unknown, load_template
from cdk_iam_roles.cfn_assembly import asset_paths
from cdk_iam_roles.cfn_files import resolve_inside
from cdk_iam_roles.errors import InputError

__all__ = [
    "MEMBER_ACKNOWLEDGMENTS_METADATA",
    "MEMBER_FILE_METADATA",
    "MEMBER_PATHS_METADATA",
    "STACK_SET_TYPE",
    "Deployment",
    "Target",
    "deployment_of",
    "describe_all",
    "member_stacks",
    "read_member",
]

STACK_SET_TYPE = "AWS::CloudFormation::StackSet"
# Metadata key under which OrgRoleRollout names the member stack's template file.
MEMBER_FILE_METADATA = "cdk-iam-roles:member-template-file"
# Metadata key under which OrgRoleRollout records the acknowledgments made on member
# constructs (construct path → {acknowledged rule ID → reason}).
MEMBER_ACKNOWLEDGMENTS_METADATA = "cdk-iam-roles:member-acknowledgments"
# ... and the construct path of each member resource (logical ID → construct path).
MEMBER_PATHS_METADATA = "cdk-iam-roles:member-paths"
# Template locations a StackSet accepts: TemplateBody (at most 51,200 bytes) or
# TemplateURL (an S3 URL, at most 1 MB).
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-stackset.html
_TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")


@dataclass(frozen=True, slots=True)
class Target:
    """One ``StackInstancesGroup`` entry: which accounts, in which regions.

    Args:
        organizational_units: OU or root IDs (``DeploymentTargets.OrganizationalUnitIds``).
        accounts: account IDs (``DeploymentTargets.Accounts``).
        account_filter: ``NONE``, ``INTERSECTION``, ``DIFFERENCE`` or ``UNION`` (``None``
            when the template does not say).
        regions: the regions, as text (an unresolved region reads ``the stack's region``
            or ``unknown (…)``).
    """

    organizational_units: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    account_filter: str | None = None
    regions: tuple[str, ...] = ()

    def describe(self) -> str:
        """``every account in ou-…, eu-west-1`` and the like."""
        ous = ", ".join(_ou_words(ou) for ou in self.organizational_units)
        accounts = ", ".join(self.accounts)
        if ous and accounts:
            if self.account_filter == "DIFFERENCE":
                who = f"every account in {ous} except {accounts}"
            elif self.account_filter == "INTERSECTION":
                who = f"accounts {accounts} (of {ous})"
            else:
                who = f"every account in {ous} and accounts {accounts}"
        elif ous:
            who = f"every account in {ous}"
        elif accounts:
            who = f"accounts {accounts}"
        else:
            who = "no accounts named in the template"
        regions = ", ".join(self.regions) or "no regions named in the template"
        return f"{who}, {regions}"


@dataclass(frozen=True, slots=True)
class Deployment:
    """Where a StackSet deploys its member template.

    Args:
        stack_set: the construct path of the StackSet resource.
        permission_model: ``SERVICE_MANAGED``, ``SELF_MANAGED`` or ``None`` (not said).
        targets: the stack instance groups.
        auto_deploy: auto-deployment to accounts that join the OUs (``None``: not said or
            unknown).
    """

    stack_set: str
    permission_model: str | None
    targets: tuple[Target, ...]
    auto_deploy: bool | None

    def describe(self) -> str:
        """``every account in ou-ab12-34cd5678, eu-west-1, auto-deploy``.

        Example:
            >>> Deployment("Org/Set", "SERVICE_MANAGED", (Target(("ou-ab12-34cd5678",),
            ...     regions=("eu-west-1",)),), True).describe()
            'every account in ou-ab12-34cd5678, eu-west-1, auto-deploy'
        """
        parts = "; ".join(t.describe() for t in self.targets) or "no stack instances declared"
        if self.auto_deploy is True:
            parts += ", auto-deploy"
        elif self.auto_deploy is False and self.permission_model == "SERVICE_MANAGED":
            parts += ", no auto-deploy"
        return parts


def _ou_words(ou: str) -> str:
    return f"the organization root {ou}" if ou.startswith("r-") else ou


def _text(value: object, stack: StackTemplate) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Unknown) and value.reason == "AWS::Region":
        return "the region of stack " + stack.name
    if isinstance(value, Unknown):
        return f"unknown ({value.reason})"
    if isinstance(value, ResourceRef):
        return f"unknown ({value})"
    return f"unknown ({type(value).__name__})"


def _texts(value: object, stack: StackTemplate) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(_text(item, stack) for item in items)


def deployment_of(stack: StackTemplate, logical_id: str) -> Deployment:
    """Where the StackSet ``logical_id`` of ``stack`` deploys, as far as the template says.

    Values are resolved in the environment of ``stack`` (the StackSet's own stack), so a
    region written as ``Ref AWS::Region`` reads as that stack's region when it is known.
    """
    resource = stack.resources.get(logical_id)
    raw = resource.get("Properties") if isinstance(resource, Mapping) else None
    props = stack.resolver.resolve(raw) if isinstance(raw, Mapping) else {}
    model = props.get("PermissionModel")
    auto = props.get("AutoDeployment")
    enabled = auto.get("Enabled") if isinstance(auto, Mapping) else None
    targets: list[Target] = []
    groups = props.get("StackInstancesGroup")
    for group in groups if isinstance(groups, list) else []:
        if not isinstance(group, Mapping):
            continue
        where = group.get("DeploymentTargets")
        where = where if isinstance(where, Mapping) else {}
        kind = where.get("AccountFilterType")
        targets.append(
            Target(
                organizational_units=_texts(where.get("OrganizationalUnitIds"), stack),
                accounts=_texts(where.get("Accounts"), stack),
                account_filter=kind if isinstance(kind, str) else None,
                regions=_texts(group.get("Regions"), stack),
            )
        )
    return Deployment(
        stack_set=_strip_resource(stack.path_of(logical_id)),
        permission_model=model if isinstance(model, str) else None,
        targets=tuple(targets),
        auto_deploy=enabled if isinstance(enabled, bool) else None,
    )


def _strip_resource(path: str) -> str:
    return path[: -len("/Resource")] if path.endswith("/Resource") else path


def read_member(stack: StackTemplate, logical_id: str) -> StackTemplate | str:
    """The member template of the StackSet ``logical_id``, or why it cannot be read.

    ``TemplateBody`` is read as CloudFormation reads it (JSON or YAML text; intrinsics of
    the StackSet's own stack resolved first, as CloudFormation resolves them there).
    ``TemplateURL`` is followed only to a file of the same cloud assembly: a CDK file
    asset, found by the asset hash at the end of the URL in the assembly's
    ``*.assets.json`` manifests.
    """
    resource = stack.resources.get(logical_id)
    if not isinstance(resource, Mapping) or not isinstance(resource.get("Properties"), Mapping):
        return "the StackSet has no Properties"
    props = resource["Properties"]
    source = stack.source
    template: Mapping[str, Any] | str
    if "TemplateBody" in props:
        template = _read_body(stack.resolver.resolve(props["TemplateBody"]), stack)
        source = _body_file(resource, stack) or source
    elif "TemplateURL" in props:
        found = _read_url(props["TemplateURL"], stack)
        template, source = found if isinstance(found, tuple) else (found, source)
    else:
        return "the StackSet has neither TemplateBody nor TemplateURL"
    if isinstance(template, str):
        return template
    deployment = deployment_of(stack, logical_id)
    regions = {r for t in deployment.targets for r in t.regions}
    region = next(iter(regions)) if len(regions) == 1 else None
    try:
        member = StackTemplate.from_template(
            template,
            name=deployment.stack_set,
            account=None,  # every member account: never the StackSet's own account
            region=region if region and not region.startswith(("unknown", "the ")) else None,
            source=source,
        )
    except InputError as exc:
        return f"the member template is {_reason(exc)}"
    member.deployment = deployment.describe()
    member.acknowledged = _acknowledgments(resource)
    metadata = resource.get("Metadata")
    paths = metadata.get(MEMBER_PATHS_METADATA) if isinstance(metadata, Mapping) else None
    for logical_id, path in paths.items() if isinstance(paths, Mapping) else ():
        if isinstance(path, str) and logical_id in member.resources:
            member.paths.setdefault(logical_id, path)
    return member


def _acknowledgments(resource: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """The acknowledgments OrgRoleRollout recorded for member constructs (only strings)."""
    metadata = resource.get("Metadata")
    data = metadata.get(MEMBER_ACKNOWLEDGMENTS_METADATA) if isinstance(metadata, Mapping) else None
    found: dict[str, dict[str, str]] = {}
    for scope, acks in data.items() if isinstance(data, Mapping) else ():
        if isinstance(scope, str) and isinstance(acks, Mapping):
            entries = {k: v for k, v in acks.items() if isinstance(k, str) and isinstance(v, str)}
            if entries:
                found[scope] = entries
    return found


def member_stacks(stack: StackTemplate, *, _seen: set[str] | None = None) -> list[StackTemplate]:
    """The member template of every StackSet of ``stack`` that can be read, and the members
    of StackSets inside those (a member template may hold a StackSet too).

    Those that cannot be read are left out here and reported by rule IAMR-SET-009. A
    template file reached twice through ``TemplateURL`` (a cycle) is read once.
    """
    seen = {stack.source} if _seen is None else _seen
    members: list[StackTemplate] = []
    for logical_id, resource in stack.resources_of_type(STACK_SET_TYPE):
        member = read_member(stack, logical_id)
        if not isinstance(member, StackTemplate):
            continue
        props = resource.get("Properties")
        if isinstance(props, Mapping) and "TemplateBody" not in props:  # read from a file
            if member.source in seen:
                continue
            seen.add(member.source)
        members.append(member)
        members.extend(member_stacks(member, _seen=seen))
    return members


def _reason(exc: InputError) -> str:
    """The message of an error about a temporary file, without the file's name."""
    text = str(exc)
    return text.split(": ", 1)[1] if ": " in text else text


def _read_body(body: object, stack: StackTemplate) -> Mapping[str, Any] | str:
    tag = _preprocessor_tag(body)
    if tag is not None:
        return (
            f"TemplateBody is the pre-processor tag !{tag}: the template it stands for is not "
            "in this file (read the template the pre-processor writes)"
        )
    if isinstance(body, Mapping):
        return body  # a YAML author's mapping: CloudFormation wants text, the meaning is clear
    if not isinstance(body, str):
        return f"TemplateBody is not known before deployment ({_text(body, stack)})"
    # The text goes through the same loader as every template file (and its limits on
    # hostile input), by way of a private temporary file.
    with tempfile.TemporaryDirectory(prefix="cdk-iam-roles-") as folder:
        file = Path(folder) / "member.template"  # never a name taken from the template
        file.write_text(body, encoding="utf-8")
        try:
            return load_template(file).template
        except InputError as exc:
            return f"TemplateBody cannot be read: {_reason(exc)}"


def _preprocessor_tag(value: object) -> str | None:
    """The tag of a pre-processor (``Rain::Embed`` of ``!Rain::Embed member.yaml``) when
    ``value`` is one: read as ``{"Fn::Rain::Embed": …}``, as rule IAMR-DOC-008 names it.
    No CloudFormation function has a namespace of its own."""
    if isinstance(value, Mapping) and len(value) == 1:
        (key,) = value
        if isinstance(key, str) and key.startswith("Fn::") and "::" in key[len("Fn::") :]:
            return key[len("Fn::") :]
    return None


def _body_file(resource: Mapping[str, Any], stack: StackTemplate) -> str | None:
    """The file OrgRoleRollout also wrote the member template to (``MEMBER_FILE_METADATA``),
    when it sits beside the stack's template: where findings on member roles point, so
    that CDK finds their constructs (and their acknowledgments). The text read is always
    ``TemplateBody``, which is what CloudFormation deploys."""
    metadata = resource.get("Metadata")
    name = metadata.get(MEMBER_FILE_METADATA) if isinstance(metadata, Mapping) else None
    if not isinstance(name, str) or not stack.source or Path(name).name != name:
        return None
    file = Path(stack.source).parent / name
    return str(file) if file.is_file() else None


def _url_tail(url: object) -> str | None:
    """The last literal piece of a TemplateURL (plain text, ``Fn::Join`` or ``Fn::Sub``)."""
    if isinstance(url, str):
        return url
    if isinstance(url, Mapping) and len(url) == 1:
        ((key, arg),) = url.items()
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            parts = arg[1] if isinstance(arg[1], list) else []
            return next((p for p in reversed(parts) if isinstance(p, str)), None)
        if key == "Fn::Sub":
            text = arg[0] if isinstance(arg, list) and arg else arg
            return text if isinstance(text, str) else None
    return None


def _read_url(url: object, stack: StackTemplate) -> tuple[Mapping[str, Any], str] | str:
    """The template a TemplateURL names and its file, or why it cannot be read."""
    tail = _url_tail(url)
    if tail is None or not tail.endswith(_TEMPLATE_SUFFIXES):
        return "TemplateURL does not name a template file"
    shown = tail.rsplit("/", 1)[-1]
    if not stack.source:
        return f"TemplateURL ({shown}) cannot be followed: no cloud assembly folder was read"
    root = Path(stack.source).parent
    try:
        name = _asset_files(root).get(shown.rsplit(".", 1)[0])
        if name is None:
            return f"TemplateURL ({shown}) is not a file asset of the cloud assembly"
        # The same containment rule as every other path of the assembly.
        file = resolve_inside(
            Path(os.path.realpath(root)), root, name, where=shown, field="the asset's path"
        )
        return load_template(file).template, str(file)
    except InputError as exc:
        return f"the member template cannot be read: {exc}"


def _asset_files(root: Path) -> dict[str, str]:
    """Asset hash → file name, from every asset manifest (``*.assets.json``) in ``root``."""
    files: dict[str, str] = {}
    for manifest in sorted(root.glob("*.assets.json")):
        files.update(asset_paths(manifest))
    return files


def describe_all(stacks: Sequence[StackTemplate]) -> list[tuple[str, str]]:
    """``(stack name, deployment)`` of every member stack among ``stacks``."""
    return [(s.name, s.deployment) for s in stacks if s.deployment]
