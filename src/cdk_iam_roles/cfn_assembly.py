"""Read a CDK cloud assembly (``cdk.out``): stages, stacks and nested stacks, safely.

:func:`cdk_iam_roles.cfn.read_assembly` is the public face; this module walks the
manifests. Every path an assembly names (``templateFile``, ``directoryName``,
``additionalMetadataFile``, an asset manifest's source path, a nested stack's
``aws:asset:path``) is resolved, symlinks included, and refused unless it stays inside
the folder the user named. A stage or nested stack that contains itself is reported
with the cycle; nesting deeper than :data:`~cdk_iam_roles.cfn_files.MAX_NESTING`
levels or more than :data:`~cdk_iam_roles.cfn_files.MAX_STACKS` stacks is refused, so
no assembly makes the reader recurse without end.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdk_iam_roles.cfn_files import (
    MAX_NESTING,
    MAX_STACKS,
    file_kind,
    parse_template_file,
    read_json_file,
    resolve_inside,
)
from cdk_iam_roles.cfn_tree import record_tree_paths, tree_resources
from cdk_iam_roles.errors import InputError

if TYPE_CHECKING:  # the stacks are built by the caller (cdk_iam_roles.cfn)
    from cdk_iam_roles.cfn import StackTemplate

__all__ = ["read_cloud_assembly"]


def _environment(value: object) -> tuple[str | None, str | None]:
    if not isinstance(value, str) or not value.startswith("aws://"):
        return None, None
    account, _, region = value[len("aws://") :].partition("/")
    return (
        None if account in ("", "unknown-account") else account,
        None if region in ("", "unknown-region") else region,
    )


def read_cloud_assembly(
    directory: Path, make_stack: Callable[..., StackTemplate]
) -> list[StackTemplate]:
    """Every stack of the cloud assembly in ``directory`` (see
    :func:`cdk_iam_roles.cfn.read_assembly`), each built with ``make_stack``
    (:meth:`StackTemplate.from_template <cdk_iam_roles.cfn.StackTemplate.from_template>`).

    Raises:
        InputError: see :func:`cdk_iam_roles.cfn.read_assembly`.

    Example:
        >>> from cdk_iam_roles.cfn import StackTemplate
        >>> read_cloud_assembly(Path("/dev/null"), StackTemplate.from_template)
        Traceback (most recent call last):
        ...
        cdk_iam_roles.errors.InputError: /dev/null: is a character device, not a cloud ... folder
    """
    kind = file_kind(directory)
    if kind != "folder":
        what = "no such folder" if kind is None else f"is a {kind}, not a cloud assembly folder"
        raise InputError(f"{directory}: {what}")
    reader = _AssemblyReader(directory, make_stack)
    reader.read_folder(reader.root, prefix="", chain=())
    reader.tree_paths()
    return reader.stacks


class _AssemblyReader:
    """One reading of a cloud assembly: what was read, to refuse cycles and repeats.

    Paths are resolved to check them against the assembly folder, and shown (and
    opened) relative to the folder as the user named it.
    """

    def __init__(self, given: Path, make_stack: Callable[..., StackTemplate]) -> None:
        self.given = given
        self.make_stack = make_stack
        self.root = given.resolve()
        self.stacks: list[StackTemplate] = []
        self.folders: set[Path] = set()
        self.assets: dict[Path, dict[str, tuple[str, str]]] = {}
        self.resolved: dict[tuple[Path, str], Path] = {}
        self.tree_file: Path | None = None

    def tree_paths(self) -> None:
        """Construct paths from the app's ``tree.json`` for resources the metadata did
        not name (a stack whose metadata was left out). The paths are for display only:
        a tree that cannot be read leaves them out, it does not make the app unusable."""
        if self.tree_file is None:
            return
        try:
            if file_kind(self.show(self.tree_file)) != "file":
                return
            tree = read_json_file(self.show(self.tree_file), "a construct tree")
        except InputError:
            return
        resources = list(tree_resources(tree))
        for stack in self.stacks:
            if len(stack.paths) < len(stack.resources):
                record_tree_paths(stack, resources)

    def show(self, resolved: Path) -> Path:
        return self.given / resolved.relative_to(self.root)

    def _name(self, resolved: Path) -> str:
        return str(resolved.relative_to(self.root)) if resolved != self.root else "."

    def inside(self, folder: Path, name: str, where: Path, field: str) -> Path:
        key = (folder, name)
        if key not in self.resolved:  # nested stacks may name one file many times
            self.resolved[key] = resolve_inside(
                self.root, folder, name, where=str(where), field=field
            )
        return self.resolved[key]

    def add(self, stack: StackTemplate) -> None:
        if len(self.stacks) >= MAX_STACKS:
            raise InputError(
                f"{self.given}: more than {MAX_STACKS:,} stacks (nested stacks that name "
                "one template many times?)"
            )
        self.stacks.append(stack)

    def read_folder(self, folder: Path, *, prefix: str, chain: tuple[Path, ...]) -> None:
        manifest_file = self.show(folder) / "manifest.json"
        if file_kind(manifest_file) is None:
            raise InputError(f"{self.show(folder)}: not a cloud assembly (no manifest.json)")
        self.folders.add(folder)
        manifest = read_json_file(manifest_file, "a cloud assembly manifest")
        artifacts = manifest.get("artifacts", {}) if isinstance(manifest, Mapping) else {}
        if not isinstance(artifacts, Mapping):
            raise InputError(f"{manifest_file}: artifacts is not a mapping")
        for artifact_id, artifact in artifacts.items():
            if not isinstance(artifact, Mapping):
                continue
            kind = artifact.get("type")
            props = artifact.get("properties")
            props = props if isinstance(props, Mapping) else {}
            if kind == "cdk:tree" and isinstance(props.get("file"), str) and not chain:
                field = f"artifact {artifact_id!r} file"
                self.tree_file = self.inside(folder, props["file"], manifest_file, field)
            if kind == "cdk:cloud-assembly" and isinstance(props.get("directoryName"), str):
                field = f"artifact {artifact_id!r} directoryName"
                sub = self.inside(folder, props["directoryName"], manifest_file, field)
                if sub == folder or sub in chain:
                    cycle = " -> ".join(self._name(f) for f in (*chain, folder, sub))
                    raise InputError(
                        f"{manifest_file}: {field} {props['directoryName']!r} makes the "
                        f"stage contain itself ({cycle})"
                    )
                if sub in self.folders:
                    raise InputError(f"{manifest_file}: {field} names a folder read already")
                if len(chain) >= MAX_NESTING:
                    raise InputError(f"{manifest_file}: stages nested deeper than {MAX_NESTING}")
                stage = artifact.get("displayName") or artifact_id
                self.read_folder(sub, prefix=f"{prefix}{stage}/", chain=(*chain, folder))
            elif kind == "aws:cloudformation:stack" and isinstance(props.get("templateFile"), str):
                self.read_stack(folder, manifest_file, artifact_id, artifact, prefix)

    def read_stack(
        self,
        folder: Path,
        manifest_file: Path,
        artifact_id: str,
        artifact: Mapping[str, Any],
        prefix: str,
    ) -> None:
        account, region = _environment(artifact.get("environment"))
        display = str(artifact.get("displayName") or artifact_id)
        name = display if "/" in display else f"{prefix}{display}"
        field = f"artifact {artifact_id!r} templateFile"
        template_file = self.inside(
            folder, artifact["properties"]["templateFile"], manifest_file, field
        )
        shown = self.show(template_file)
        stack = self.make_stack(
            parse_template_file(shown), name=name, account=account, region=region, source=str(shown)
        )
        _record_paths(stack, artifact.get("metadata"))
        # Newer CDK versions move the metadata into a file of its own.
        extra = artifact.get("additionalMetadataFile")
        if isinstance(extra, str):
            field = f"artifact {artifact_id!r} additionalMetadataFile"
            extra_file = self.show(self.inside(folder, extra, manifest_file, field))
            if file_kind(extra_file) is not None:
                _record_paths(stack, read_json_file(extra_file, "a metadata file"))
        self.add(stack)
        self.read_nested(stack, folder, (template_file,))

    def read_nested(self, parent: StackTemplate, folder: Path, chain: tuple[Path, ...]) -> None:
        """The nested stacks of ``parent`` (and theirs); ``chain``: the template files
        from the top stack down to ``parent``."""
        skipped = parent.nested_skipped = {}
        for logical_id, resource in parent.resources_of_type("AWS::CloudFormation::Stack"):
            file = self.nested_template(resource, folder, f"{parent.source}: {logical_id}")
            if isinstance(file, str):
                # Never silent: rule IAMR-DOC-007 reports it, the catalog lists it.
                skipped[logical_id] = file
                continue
            if file in chain:
                cycle = " -> ".join(self._name(f) for f in (*chain, file))
                raise InputError(
                    f"{parent.source}: nested stack {logical_id!r} contains itself ({cycle})"
                )
            if len(chain) > MAX_NESTING:
                raise InputError(f"{parent.source}: nested stacks nested deeper than {MAX_NESTING}")
            shown = self.show(file)
            resource_path = parent.path_of(logical_id)
            own = resource_path.rsplit("/", 1)[-1].removesuffix(".NestedStackResource")
            # ".../Inner.NestedStack/Inner.NestedStackResource" is the construct "…/Inner".
            prefix = resource_path.rsplit("/", 2)[0] + f"/{own}/"
            child = self.make_stack(
                parse_template_file(shown),
                name=f"{parent.name}/{own}",
                account=parent.account,
                region=parent.region,
                source=str(shown),
            )
            # The assembly records the nested stack's construct paths on its parent.
            for child_id, path in parent.paths.items():
                if path.startswith(prefix) and child_id in child.resources:
                    child.paths.setdefault(child_id, path)
            self.add(child)
            self.read_nested(child, folder, (*chain, file))

    def nested_template(self, resource: Mapping[str, Any], folder: Path, where: str) -> Path | str:
        """The file of a nested stack: from ``aws:asset:path`` metadata (the CDK CLI
        writes it), else from the asset hash at the end of ``TemplateURL``; or why it
        cannot be found."""
        metadata = resource.get("Metadata") or {}
        asset = metadata.get("aws:asset:path") if isinstance(metadata, Mapping) else None
        if isinstance(asset, str):
            file = self.inside(folder, asset, Path(where), "aws:asset:path")
            if file_kind(file) is not None:
                return file
        props = resource.get("Properties") or {}
        url = props.get("TemplateURL") if isinstance(props, Mapping) else None
        parts: list[Any] = [url]
        if isinstance(url, Mapping) and isinstance(url.get("Fn::Join"), list):
            join = url["Fn::Join"]
            parts = join[1] if len(join) == 2 and isinstance(join[1], list) else []
        last = next((p for p in reversed(parts) if isinstance(p, str)), None)
        if isinstance(asset, str):
            missing = f"its template {asset!r} (aws:asset:path) is not in the assembly"
        else:
            missing = "its TemplateURL names no template of the assembly"
        if last is None or not last.endswith(".json"):
            return missing
        asset_hash = last.rsplit("/", 1)[-1][: -len(".json")]
        files = self.asset_files(folder)
        entry = files.get(asset_hash)
        if entry is None:
            if isinstance(asset, str):
                return missing
            if not files:
                return "the assembly has no asset manifest (*.assets.json) to find its template"
            return f"no asset manifest lists its template (asset {asset_hash})"
        name, manifest = entry
        file = self.inside(folder, name, Path(manifest), "an asset's source path")
        if file_kind(file) is None:
            return f"its template {name!r} (asset {asset_hash}) is not in the assembly"
        return file

    def asset_files(self, folder: Path) -> dict[str, tuple[str, str]]:
        """Asset hash → (file name, asset manifest), from the folder's ``*.assets.json``."""
        if folder in self.assets:
            return self.assets[folder]
        files: dict[str, tuple[str, str]] = {}
        for found in sorted(self.show(folder).glob("*.assets.json")):
            manifest = self.show(self.inside(folder, found.name, found, "asset manifest"))
            for asset_hash, path in asset_paths(manifest).items():
                files[asset_hash] = (path, str(manifest))
        self.assets[folder] = files
        return files


def asset_paths(manifest: Path) -> dict[str, str]:
    """Asset hash → source path of the file assets of one asset manifest
    (``*.assets.json``), read within the limits of :mod:`cdk_iam_roles.cfn_files`.

    Raises:
        InputError: the manifest cannot be read (not a regular file, not JSON …).
    """
    data = read_json_file(manifest, "an asset manifest")
    entries = data.get("files") if isinstance(data, Mapping) else None
    paths: dict[str, str] = {}
    for asset_hash, entry in entries.items() if isinstance(entries, Mapping) else ():
        source = entry.get("source") if isinstance(entry, Mapping) else None
        if isinstance(source, Mapping) and isinstance(source.get("path"), str):
            paths[str(asset_hash)] = source["path"]
    return paths


def _record_paths(stack: StackTemplate, metadata: object) -> None:
    """Take construct paths (``aws:cdk:logicalId`` entries) and acknowledgments
    (``aws:cdk:acknowledged-rules`` entries) from manifest metadata."""
    if not isinstance(metadata, Mapping):
        return
    for path, entries in metadata.items():
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, Mapping):
                continue
            if entry.get("type") == "aws:cdk:logicalId":
                stack.paths.setdefault(str(entry.get("data")), str(path).lstrip("/"))
            elif entry.get("type") == "aws:cdk:acknowledged-rules" and isinstance(
                entry.get("data"), Mapping
            ):
                acks = stack.acknowledged.setdefault(str(path).lstrip("/"), {})
                for rule_id, reason in entry["data"].items():
                    acks[str(rule_id)] = str(reason)
