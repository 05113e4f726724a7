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
from cdk_iam_roles.cfn_files import (
    check_template_shape,
    file_kind,
    parse_template_file,
)
from cdk_iam_roles.cfn_identity import HOLE, expression_text, text_identity
from cdk_iam_roles.errors import InputError

__all__ = [
    "HOLE",
    "Hole",
    "Resolver",
    "ResourceRef",
    "StackTemplate",
    "Unknown",
    "hole_marker",
    "is_unresolved",
    "load_stacks",
    "load_template",
    "partition_of_region",
    "read_assembly",
    "text_identity",
]


class Unknown:
    """A value that cannot be known before deployment (a parameter, an import, a condition).

    Two unknowns are equal only when they stand for the same expression (see
    :mod:`cdk_iam_roles.cfn_identity`).

    Args:
        reason: what made it unknown, in words (shown in findings).
        expression: the expression, when ``reason`` does not say it all (default ``None``).
    """

    __slots__ = ("expression", "reason")

    def __init__(self, reason: str, expression: str | None = None) -> None:
        self.reason = reason
        self.expression = expression

    def __repr__(self) -> str:
        return f"<unknown: {self.reason}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Unknown):
            return False
        return (other.reason, other.expression) == (self.reason, self.expression)

    def __hash__(self) -> int:
        return hash(("Unknown", self.reason, self.expression))


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
        mappings: the template's ``Mappings`` (for ``Fn::FindInMap``; default none).
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
    mappings: Mapping[str, Any] = field(default_factory=dict)
    # While `resolve_text` runs: the values that could not be known, each rendered in the
    # text as a hole marker instead of making the whole text unknown.
    _holes: list[Any] | None = field(default=None, init=False, repr=False, compare=False)

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

    def resolve_text(self, value: Any) -> tuple[str, list[Any]] | None:
        """Resolve a value that CloudFormation turns into text, keeping unknown parts apart.

        ``value`` is a string, or an ``Fn::Sub`` / ``Fn::Join`` (possibly nested) that
        builds one. Each part that cannot be known offline is written into the text as a
        hole marker (:func:`hole_marker`) and returned in the list, in marker order, so a
        caller can parse the text (a policy document written as a JSON string) and then
        put the unknowns back where they belong. ``None`` when ``value`` does not resolve
        to text at all.

        Example:
            >>> text, holes = Resolver().resolve_text({"Fn::Sub": "a-${AWS::AccountId}"})
            >>> text == "a-" + hole_marker(0), holes[0].description
            (True, 'AWS::AccountId')
        """
        holes: list[Any] = []
        self._holes = holes
        try:
            result = self.resolve(value)
        finally:
            self._holes = None
        return (result, holes) if isinstance(result, str) else None

    def _hole(self, value: Any, via: str = "") -> str | None:
        """The marker standing for ``value`` in hole mode (``None`` outside it).

        ``via`` names the function the value was substituted by (``Fn::Sub``), so the
        unknown reads as it would in the object form of the same document.
        """
        if self._holes is None:
            return None
        self._holes.append(Hole(value, via))
        return hole_marker(len(self._holes) - 1)

    def resolve(self, value: Any) -> Any:
        """Resolve ``value`` recursively; see the module docstring for what stays unknown."""
        if isinstance(value, Mapping):
            if len(value) == 1:
                (key, arg) = next(iter(value.items()))
                if key in _INTRINSICS:
                    return self._identified(key, arg, self._intrinsic(key, arg))
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def _identified(self, key: str, arg: Any, result: Any) -> Any:
        """An unknown whose reason does not name its whole expression, completed by it and
        by what else decides its value (the environment, the mapping it reads)."""
        if type(result) is not Unknown or result.expression or key in ("Ref", "Fn::GetAtt"):
            return result
        if key in ("Fn::Sub", "Fn::Join") and self._holes is None:
            found = self.resolve_text({key: arg})
            if found is not None:  # the text as resolved here, each unknown part in place
                return Unknown(result.reason, text_identity(*found))
        table = arg[0] if key == "Fn::FindInMap" and isinstance(arg, list) and arg else None
        text = expression_text(
            {key: arg},
            account=self.account,
            region=self.region,
            parameters=self.parameters,
            table=self.mappings.get(table) if isinstance(table, str) else None,
        )
        return Unknown(result.reason, text)

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
            if self._holes is not None:
                return sep.join(i if isinstance(i, str) else str(self._hole(i)) for i in items)
            missing = [i for i in items if not isinstance(i, str)]
            return _unknown_over("Fn::Join", missing)
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
        if key == "Fn::If":
            return self._if(arg)
        if key == "Fn::FindInMap":
            return self._find_in_map(arg)
        return Unknown(key)

    def _if(self, arg: Any) -> Any:
        """``Fn::If``: known only when both branches resolve to the same value.

        Which branch CloudFormation takes depends on a condition evaluated at deployment;
        policy documents are read branch by branch by :mod:`cdk_iam_roles.documents`.
        """
        if not (isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str)):
            return Unknown("Fn::If with a malformed argument")
        # A hole marker counts as a different value in each branch: compare plain values.
        saved, self._holes = self._holes, None
        try:
            yes, no = self.resolve(arg[1]), self.resolve(arg[2])
        finally:
            self._holes = saved
        if yes == no and not is_unresolved(yes):
            return yes
        return Unknown(f"Fn::If on condition {arg[0]}")

    def _find_in_map(self, arg: Any) -> Any:
        """``Fn::FindInMap`` over the template's ``Mappings`` with keys that resolve."""
        if not (isinstance(arg, list) and len(arg) in (3, 4)):
            return Unknown("Fn::FindInMap with a malformed argument")
        keys = [self.resolve(k) for k in arg[:3]]
        if not all(isinstance(k, str) for k in keys):
            return Unknown("Fn::FindInMap with a key unknown before deployment")
        table: Any = self.mappings
        for k in keys:
            if (misread := getattr(table, "unquoted_keys", {}).get(k)) is not None:
                return misread  # a key written unquoted that YAML 1.1 reads otherwise
            table = table.get(k) if isinstance(table, Mapping) else None
        if table is None:
            # The AWS::LanguageExtensions transform allows a DefaultValue as 4th argument.
            default = arg[3] if len(arg) == 4 and isinstance(arg[3], Mapping) else None
            if default is not None and "DefaultValue" in default:
                return self.resolve(default["DefaultValue"])
            return Unknown("Fn::FindInMap " + "/".join(keys) + " (no such entry)")
        return self.resolve(table)

    def _sub(self, arg: Any) -> Any:
        extra: Any
        if isinstance(arg, str):
            text, extra = arg, {}
        elif isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
            text, extra = arg[0], self.resolve(arg[1]) if isinstance(arg[1], Mapping) else {}
        else:
            return Unknown("Fn::Sub with a malformed argument")
        unknown: list[Any] = []

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
            marker = self._hole(value, "Fn::Sub")
            if marker is not None:
                return marker
            unknown.append(value)
            return match.group(0)

        result = _SUB_VAR.sub(replace, text)
        if unknown:
            return _unknown_over("Fn::Sub", unknown)
        return result.replace("${!", "${")


@dataclass(frozen=True, slots=True)
class Hole:
    """A part of a text that :meth:`Resolver.resolve_text` could not know.

    Args:
        value: the unknown value (an :class:`Unknown` or a :class:`ResourceRef`).
        via: the function that substituted it (``"Fn::Sub"``), or ``""`` for a part
            of an ``Fn::Join``.
    """

    value: Any
    via: str = ""

    @property
    def description(self) -> str:
        """The value in words, as :class:`Unknown` reasons read."""
        return _describe(self.value)


def hole_marker(index: int) -> str:
    """The text standing for unknown part ``index`` in :meth:`Resolver.resolve_text`.

    Made of private-use characters, which are valid inside a JSON string and never
    appear in a template written for IAM.
    """
    return f"\ue000{index}\ue001"


def _unknown_over(function: str, parts: list[Any]) -> Unknown:
    """A text built from unknown ``parts``; an unquoted YAML scalar among them stands for it."""
    from cdk_iam_roles.cfn_yaml import Unquoted  # it imports this module

    found = [p for p in parts if isinstance(p, Unquoted)]
    return found[0] if found else Unknown(f"{function} over " + ", ".join(map(_describe, parts)))


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
        acknowledged: the acknowledgments the app recorded on constructs of this stack
            (``cdk.Validations.of(c).acknowledge(...)`` writes ``aws:cdk:acknowledged-rules``
            metadata): construct path → {rule ID as acknowledged → reason}.
        deployment: for the member template of a StackSet, where it is deployed
            ("every account in ou-ab12-34cd5678, eu-west-1, auto-deploy"); empty for a
            stack of its own (see :mod:`cdk_iam_roles.stacksets`).
        nested_skipped: the nested stacks (``AWS::CloudFormation::Stack`` logical ID →
            why) whose templates the cloud-assembly reader could not find; ``None`` when
            no reader looked for them (a template read on its own), so every nested
            stack of the template is unread (rule IAMR-DOC-007 says so).
    """

    name: str
    template: Mapping[str, Any]
    account: str | None = None
    region: str | None = None
    paths: dict[str, str] = field(default_factory=dict)
    source: str = ""
    acknowledged: dict[str, dict[str, str]] = field(default_factory=dict)
    deployment: str = ""
    _by_type: tuple[Any, dict[str, list[tuple[str, Mapping[str, Any]]]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    nested_skipped: dict[str, str] | None = None

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
        check_template_shape(template, source or name)
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
        mappings = self.template.get("Mappings", {})
        return Resolver(
            resources=self.resources,
            account=self.account,
            region=self.region,
            template_parameters=params if isinstance(params, Mapping) else {},
            mappings=mappings if isinstance(mappings, Mapping) else {},
        )

    def resources_of_type(self, *types: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """Logical ID and resource of every resource of one of ``types``, in template order.

        A resource whose ``Type`` is not a string is of no type (never a crash).
        """
        index = self._types_index()
        if len(types) == 1:
            yield from index.get(types[0], ())
            return
        wanted = set(types)
        for logical_id, resource in index.get("", ()):
            if resource.get("Type") in wanted:
                yield logical_id, resource

    def _types_index(self) -> dict[str, list[tuple[str, Mapping[str, Any]]]]:
        # Rules ask for one type at a time, many times per template: index once. The ""
        # entry holds every typed resource in template order. The index is rebuilt when
        # the Resources mapping is replaced.
        resources = self.resources
        cached = self._by_type
        if cached is not None and cached[0] is resources:
            return cached[1]
        index: dict[str, list[tuple[str, Mapping[str, Any]]]] = {"": []}
        for logical_id, resource in resources.items():
            kind = resource.get("Type") if isinstance(resource, Mapping) else None
            if isinstance(kind, str):
                index.setdefault(kind, []).append((logical_id, resource))
                index[""].append((logical_id, resource))
        self._by_type = (resources, index)
        return index

    def path_of(self, logical_id: str) -> str:
        """The construct path of a resource, or ``Stack/LogicalId`` when none is recorded."""
        return self.paths.get(logical_id, f"{self.name}/{logical_id}")


def load_template(path: str | Path) -> StackTemplate:
    """Read one template file (JSON, or YAML with CloudFormation tags).

    The file is read within the limits of :mod:`cdk_iam_roles.cfn_files` (a regular
    UTF-8 file of at most 8 MiB, nested at most 128 levels, bounded YAML aliases).

    Raises:
        InputError: the file is missing, not a regular file, unreadable, too large, not
            JSON/YAML, or has no ``Resources`` mapping.
    """
    file = Path(path)
    return StackTemplate.from_template(parse_template_file(file), name=file.stem, source=str(file))


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
    stacks = read_cloud_assembly(Path(directory), StackTemplate.from_template)
    return [*stacks, *_stack_set_members(*stacks)]


def _stack_set_members(*stacks: StackTemplate) -> list[StackTemplate]:
    """The member templates of the stacks' StackSets (:mod:`cdk_iam_roles.stacksets`)."""
    from cdk_iam_roles.stacksets import member_stacks  # it imports this module

    return [member for stack in stacks for member in member_stacks(stack)]


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
    stack = load_template(target)
    return [stack, *_stack_set_members(stack)]
