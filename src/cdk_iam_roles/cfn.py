"""Read CloudFormation templates and CDK cloud assemblies without the CDK.

This module is pure Python: the rules, the analysis layer and the command line read
templates through it, so none of them needs ``aws_cdk`` or ``jsii``.

* :func:`load_template` reads one template, JSON or YAML (short-form tags such as
  ``!Ref`` and ``!GetAtt`` included).
* :func:`read_assembly` reads every stack of a ``cdk.out`` folder: nested stages
  (``cdk:cloud-assembly`` artifacts) and nested stacks included, with the construct path
  of each resource taken from the manifest.
* :func:`load_stacks` accepts either and is what the command line calls.
* Files are read within limits (:mod:`cdk_iam_roles.cfn_files`: regular UTF-8 files of
  at most 8 MiB, 128 levels deep, bounded YAML aliases, unquoted dates kept as strings)
  and no path of an assembly may leave it (:mod:`cdk_iam_roles.cfn_assembly`).
* :class:`Resolver` resolves intrinsic functions (``Ref``, ``Fn::GetAtt``,
  ``Fn::Join``, ``Fn::Sub``, ``Fn::Select``, ``Fn::Split``) as far as the template and
  the stack's environment allow. What it cannot resolve becomes an :class:`Unknown`
  (never a guess), and a reference to a resource of the same template becomes a
  :class:`ResourceRef`, so a rule can follow it and never judges a value by string
  accident.

Example:
    >>> tpl = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
    ...     "Description": {"Fn::Sub": "role in ${AWS::AccountId}"}}}}}
    >>> stack = StackTemplate.from_template(tpl, name="Demo", account="111111111111")
    >>> stack.resolver.resolve(tpl["Resources"]["R"]["Properties"]["Description"])
    'role in 111111111111'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdk_iam_roles.cfn_assembly import read_cloud_assembly
from cdk_iam_roles.cfn_files import check_nesting, file_kind, parse_template_file
from cdk_iam_roles.errors import InputError

__all__ = [
    "Resolver",
    "ResourceRef",
    "StackTemplate",
    "Unknown",
    "is_unresolved",
    "load_stacks",
    "load_template",
    "partition_of_region",
    "read_assembly",
]


class Unknown:
    """A value that cannot be known before deployment (a parameter, an import, a condition).

    Args:
        reason: what made it unknown, in words (shown in findings).
    """

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"<unknown: {self.reason}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and other.reason == self.reason

    def __hash__(self) -> int:
        return hash(("Unknown", self.reason))


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """``Ref`` (``attribute=None``) or ``Fn::GetAtt`` on a resource of the same template."""

    logical_id: str
    attribute: str | None = None

    def __str__(self) -> str:
        if self.attribute is None:
            return f"{{Ref {self.logical_id}}}"
        return f"{{GetAtt {self.logical_id}.{self.attribute}}}"


def is_unresolved(value: object) -> bool:
    """True when ``value`` holds anything the resolver could not turn into plain JSON."""
    if isinstance(value, (Unknown, ResourceRef)):
        return True
    if isinstance(value, Mapping):
        return any(is_unresolved(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(is_unresolved(v) for v in value)
    return False


_PARTITION_PREFIXES = (
    ("cn-", "aws-cn"),
    ("us-gov-", "aws-us-gov"),
    ("us-iso-", "aws-iso"),
    ("us-isob-", "aws-iso-b"),
    ("eu-isoe-", "aws-iso-e"),
    ("us-isof-", "aws-iso-f"),
    ("eusc-", "aws-eusc"),
)


def partition_of_region(region: str | None) -> str | None:
    """The partition a region belongs to, or ``None`` when the region is not known.

    Source: https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
    """
    if not region:
        return None
    for prefix, partition in _PARTITION_PREFIXES:
        if region.startswith(prefix):
            return partition
    return "aws"


_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")
_INTRINSICS = frozenset(
    {
        "Ref",
        "Fn::GetAtt",
        "Fn::Join",
        "Fn::Sub",
        "Fn::Select",
        "Fn::Split",
        "Fn::If",
        "Fn::ImportValue",
        "Fn::FindInMap",
        "Fn::Base64",
        "Fn::GetAZs",
        "Fn::Cidr",
        "Fn::Transform",
        "Fn::Length",
        "Fn::ToJsonString",
    }
)


@dataclass(slots=True)
class Resolver:
    """Resolves intrinsic functions of one template in one environment.

    Args:
        resources: the template's ``Resources`` mapping.
        account: the stack's account ID, or ``None`` when it is not known.
        region: the stack's region, or ``None``.
        parameters: values to use for template parameters (default: none; a parameter
            without a value here resolves to its ``Default`` only when
            ``use_parameter_defaults`` is set, else to :class:`Unknown`).
        use_parameter_defaults: resolve parameters to their ``Default`` (default False:
            a default may be overridden at deployment).
    """

    resources: Mapping[str, Any] = field(default_factory=dict)
    account: str | None = None
    region: str | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)
    template_parameters: Mapping[str, Any] = field(default_factory=dict)
    use_parameter_defaults: bool = False

    @property
    def partition(self) -> str | None:
        """The partition of the region, when known."""
        return partition_of_region(self.region)

    def _pseudo(self, name: str) -> Any:
        values: dict[str, str | None] = {
            "AWS::AccountId": self.account,
            "AWS::Region": self.region,
            "AWS::Partition": self.partition,
            "AWS::URLSuffix": (
                None
                if self.partition is None
                else ("amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com")
            ),
        }
        if name in values:
            value = values[name]
            return Unknown(name) if value is None else value
        return Unknown(name)

    def _ref(self, name: str) -> Any:
        if name.startswith("AWS::"):
            return self._pseudo(name)
        if name in self.parameters:
            return self.parameters[name]
        if name in self.template_parameters:
            spec = self.template_parameters[name]
            if self.use_parameter_defaults and isinstance(spec, Mapping) and "Default" in spec:
                return spec["Default"]
            return Unknown(f"parameter {name}")
        if name in self.resources:
            return ResourceRef(name)
        return Unknown(f"Ref {name}")

    def resolve(self, value: Any) -> Any:
        """Resolve ``value`` recursively; see the module docstring for what stays unknown."""
        if isinstance(value, Mapping):
            if len(value) == 1:
                (key, arg) = next(iter(value.items()))
                if key in _INTRINSICS:
                    return self._intrinsic(key, arg)
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def _intrinsic(self, key: str, arg: Any) -> Any:
        if key == "Ref" and isinstance(arg, str):
            return self._ref(arg)
        if key == "Fn::GetAtt":
            parts: list[Any]
            if isinstance(arg, str):
                parts = arg.split(".", 1)
            else:
                parts = list(arg) if isinstance(arg, list) else []
            if (
                len(parts) == 2
                and isinstance(parts[0], str)
                and isinstance(parts[1], str)
                and parts[0] in self.resources
            ):
                return ResourceRef(parts[0], parts[1])
            return Unknown(f"Fn::GetAtt {arg!r}")
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            sep, items = self.resolve(arg[0]), self.resolve(arg[1])
            if not isinstance(sep, str) or not isinstance(items, list):
                return Unknown("Fn::Join over an unknown list")
            if all(isinstance(i, str) for i in items):
                return sep.join(items)
            missing = [i for i in items if not isinstance(i, str)]
            return Unknown("Fn::Join over " + ", ".join(_describe(i) for i in missing))
        if key == "Fn::Sub":
            return self._sub(arg)
        if key == "Fn::Select" and isinstance(arg, list) and len(arg) == 2:
            index, items = self.resolve(arg[0]), self.resolve(arg[1])
            try:
                position = int(index)
            except (TypeError, ValueError):
                return Unknown("Fn::Select with an unknown index")
            if isinstance(items, list) and 0 <= position < len(items):
                return items[position]
            return Unknown("Fn::Select over an unknown list")
        if key == "Fn::Split" and isinstance(arg, list) and len(arg) == 2:
            sep, text = self.resolve(arg[0]), self.resolve(arg[1])
            if isinstance(sep, str) and isinstance(text, str) and sep:
                return text.split(sep)
            return Unknown("Fn::Split over an unknown string")
        return Unknown(key)

    def _sub(self, arg: Any) -> Any:
        extra: Any
        if isinstance(arg, str):
            text, extra = arg, {}
        elif isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
            text, extra = arg[0], self.resolve(arg[1]) if isinstance(arg[1], Mapping) else {}
        else:
            return Unknown("Fn::Sub with a malformed argument")
        unknown: list[str] = []

        def replace(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if isinstance(extra, Mapping) and name in extra:
                value = extra[name]
            elif "." in name and not name.startswith("AWS::"):
                logical, attribute = name.split(".", 1)
                value = (
                    ResourceRef(logical, attribute)
                    if logical in self.resources
                    else Unknown(f"${{{name}}}")
                )
            else:
                value = self._ref(name)
            if isinstance(value, str):
                return value
            unknown.append(_describe(value))
            return match.group(0)

        result = _SUB_VAR.sub(replace, text)
        if unknown:
            return Unknown("Fn::Sub over " + ", ".join(unknown))
        return result.replace("${!", "${")


def _describe(value: object) -> str:
    if isinstance(value, Unknown):
        return value.reason
    if isinstance(value, ResourceRef):
        return str(value)
    return type(value).__name__


@dataclass(slots=True)
class StackTemplate:
    """One stack's template with what is known of its environment.

    Args:
        name: the stack's display name (``Stage/Stack`` for a stack in a stage).
        template: the template as parsed JSON.
        account: the account of the stack's environment, when known.
        region: the region, when known.
        paths: construct path of each logical ID (from the assembly's manifest or the
            resources' ``aws:cdk:path`` metadata).
        source: the file the template came from, for messages.
    """

    name: str
    template: Mapping[str, Any]
    account: str | None = None
    region: str | None = None
    paths: dict[str, str] = field(default_factory=dict)
    source: str = ""

    @classmethod
    def from_template(
        cls,
        template: Mapping[str, Any],
        *,
        name: str = "Template",
        account: str | None = None,
        region: str | None = None,
        source: str = "",
    ) -> StackTemplate:
        """Wrap a parsed template, taking construct paths from ``aws:cdk:path`` metadata.

        Raises:
            InputError: not a template CloudFormation would take (no ``Resources``
                mapping, a resource whose ``Type`` is not a string), or nested deeper
                than :data:`cdk_iam_roles.cfn_files.MAX_DEPTH` levels.
        """
        _check_template_shape(template, source or name)
        stack = cls(name=name, template=template, account=account, region=region, source=source)
        for logical_id, resource in stack.resources.items():
            metadata = resource.get("Metadata") if isinstance(resource, Mapping) else None
            if isinstance(metadata, Mapping) and isinstance(metadata.get("aws:cdk:path"), str):
                stack.paths[logical_id] = metadata["aws:cdk:path"]
        return stack

    @property
    def resources(self) -> Mapping[str, Any]:
        """The template's ``Resources``."""
        resources = self.template.get("Resources", {})
        return resources if isinstance(resources, Mapping) else {}

    @property
    def resolver(self) -> Resolver:
        """A resolver for this stack's environment."""
        params = self.template.get("Parameters", {})
        return Resolver(
            resources=self.resources,
            account=self.account,
            region=self.region,
            template_parameters=params if isinstance(params, Mapping) else {},
        )

    def resources_of_type(self, *types: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """Logical ID and resource of every resource of one of ``types``."""
        for logical_id, resource in self.resources.items():
            if isinstance(resource, Mapping) and resource.get("Type") in types:
                yield logical_id, resource

    def path_of(self, logical_id: str) -> str:
        """The construct path of a resource, or ``Stack/LogicalId`` when none is recorded."""
        return self.paths.get(logical_id, f"{self.name}/{logical_id}")


def _kind_of(value: object) -> str:
    """A value's JSON kind, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "mapping"
    return "list" if isinstance(value, list) else type(value).__name__


def _check_template_shape(template: object, where: str) -> None:
    """Refuse what no reader can use: no ``Resources`` mapping, or anything nested
    deeper than :data:`~cdk_iam_roles.cfn_files.MAX_DEPTH` (the resolver and the rules
    recurse)."""
    if not isinstance(template, Mapping):
        raise InputError(f"{where}: not a CloudFormation template (the top level is not a mapping)")
    check_nesting(template, where)
    resources = template.get("Resources")
    if not isinstance(resources, Mapping):
        found = "" if resources is None else f"; Resources is a {_kind_of(resources)}"
        raise InputError(f"{where}: not a CloudFormation template (no Resources mapping{found})")
    for logical_id in resources:
        if not isinstance(logical_id, str):
            raise InputError(f"{where}: the logical ID {logical_id!r} is not a string")


def _check_resources(template: Mapping[str, Any], where: str) -> None:
    """Refuse a template file that CloudFormation would refuse: a resource that is not a
    mapping, or whose ``Type`` is not a string. (A mapping handed to
    :meth:`StackTemplate.from_template` is not refused for it: the rules skip such
    resources.)"""
    resources = template.get("Resources")
    for logical_id, resource in resources.items() if isinstance(resources, Mapping) else ():
        if logical_id.startswith("Fn::ForEach::"):
            continue  # AWS::LanguageExtensions expands these at deployment
        if not isinstance(resource, Mapping):
            raise InputError(
                f"{where}: resource {logical_id!r} is a {_kind_of(resource)}, not a mapping"
            )
        kind = resource.get("Type")
        if kind is not None and not isinstance(kind, str):
            raise InputError(
                f"{where}: resource {logical_id!r} has a Type that is a {_kind_of(kind)}, "
                "not a string"
            )


def load_template(path: str | Path) -> StackTemplate:
    """Read one template file (JSON, or YAML with CloudFormation tags).

    The file is read within the limits of :mod:`cdk_iam_roles.cfn_files` (a regular
    UTF-8 file of at most 8 MiB, nested at most 128 levels, bounded YAML aliases).

    Raises:
        InputError: the file is missing, not a regular file, unreadable, too large, not
            JSON/YAML, or has no ``Resources`` mapping.
    """
    file = Path(path)
    return _stack_from_file(parse_template_file(file), name=file.stem, source=str(file))


def _stack_from_file(template: Any, *, source: str, **kwargs: Any) -> StackTemplate:
    stack = StackTemplate.from_template(template, source=source, **kwargs)
    _check_resources(stack.template, source)
    return stack


def read_assembly(directory: str | Path) -> list[StackTemplate]:
    """Every stack of a cloud assembly (``cdk.out``), nested stages and nested stacks too.

    Every path the assembly names (``templateFile``, ``directoryName``,
    ``additionalMetadataFile``, asset paths, ``aws:asset:path``) must stay inside
    ``directory``, symlinks resolved; a stage or nested stack that contains itself is
    reported, as is nesting deeper than 32 levels or more than 10,000 stacks.

    Raises:
        InputError: the folder has no ``manifest.json``, a manifest is malformed, a
            path leaves the folder, or the stages or nested stacks form a cycle.
    """
    return read_cloud_assembly(Path(directory), _stack_from_file)


def load_stacks(path: str | Path) -> list[StackTemplate]:
    """The stacks at ``path``: a ``cdk.out`` folder, or one template file.

    Raises:
        InputError: nothing usable at ``path`` (with a one-line reason).
    """
    target = Path(path)
    kind = file_kind(target)
    if kind is None:
        raise InputError(f"{target}: no such file or folder")
    if kind == "folder":
        stacks = read_assembly(target)
        if not stacks:
            raise InputError(f"{target}: the cloud assembly holds no stack templates")
        return stacks
    return [load_template(target)]
