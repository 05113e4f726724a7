"""Construct paths from a cloud assembly's ``tree.json``, for stacks without metadata.

The construct paths of a stack's resources normally come from ``aws:cdk:logicalId``
entries of the manifest or of ``*.metadata.json``. When those are absent (stripped
metadata, ``--no-path-metadata``, an older or trimmed assembly), ``tree.json`` still
lists every construct with its path and, for CloudFormation resources, the attribute
``aws:cdk:cloudformation:type``; it does not name the logical ID. The logical ID CDK
allocates is derived from the path inside the stack (the path's components without
``Default``, then a readable part and an 8-character hash of the path); see
https://docs.aws.amazon.com/cdk/v2/guide/identifiers.html#identifiers-logical-ids.
A tree node is mapped to a logical ID only when the ID derived from its path is a
resource of the stack's template *with the same type*; a renamed resource
(``overrideLogicalId``) is left without a path rather than guessed.

Example:
    >>> derived_logical_id(["Pipeline", "Role", "Resource"])
    'PipelineRoleD68726F7'
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cdk_iam_roles.cfn import StackTemplate

__all__ = ["derived_logical_id", "record_tree_paths", "tree_resources"]

# Path components CDK leaves out of logical IDs: "Default" entirely, "Resource" from
# the readable part only.
_HIDDEN = "Default"
_HIDDEN_FROM_HUMAN = "Resource"
_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]")
# CloudFormation logical IDs are at most 255 characters; CDK keeps the readable part to
# 240 so the hash fits after it.
_MAX_ID = 255
_MAX_HUMAN = 240
TYPE_ATTRIBUTE = "aws:cdk:cloudformation:type"


def derived_logical_id(components: Sequence[str]) -> str | None:
    """The logical ID CDK gives a resource at ``components`` (its path inside the stack),
    or ``None`` for an empty path."""
    parts = [c for c in components if c != _HIDDEN]
    if not parts:
        return None
    if len(parts) == 1:
        single = _NOT_ALPHANUMERIC.sub("", parts[0])
        if len(single) <= _MAX_ID:
            return single
    digest = hashlib.md5("/".join(parts).encode(), usedforsecurity=False).hexdigest()
    readable: list[str] = []
    for part in parts:
        if not readable or readable[-1] != part:  # consecutive repeats read once
            readable.append(part)
    human = "".join(_NOT_ALPHANUMERIC.sub("", p) for p in readable if p != _HIDDEN_FROM_HUMAN)
    return human[:_MAX_HUMAN] + digest[:8].upper()


def tree_resources(tree: Any) -> Iterator[tuple[str, str]]:
    """(construct path, CloudFormation type) of every resource node of ``tree.json``."""
    root = tree.get("tree") if isinstance(tree, Mapping) else None
    pending: list[Any] = [root]
    while pending:  # iterative: a hostile tree cannot exhaust the stack
        node = pending.pop()
        if not isinstance(node, Mapping):
            continue
        attributes = node.get("attributes")
        kind = attributes.get(TYPE_ATTRIBUTE) if isinstance(attributes, Mapping) else None
        path = node.get("path")
        if isinstance(kind, str) and isinstance(path, str):
            yield path, kind
        children = node.get("children")
        if isinstance(children, Mapping):
            pending.extend(children.values())


def record_tree_paths(stack: StackTemplate, resources: Sequence[tuple[str, str]]) -> None:
    """Give ``stack``'s resources without a construct path the path of the tree node whose
    derived logical ID and type match (see the module docstring)."""
    prefix = stack.name + "/"
    found: dict[str, list[str]] = {}
    for path, kind in resources:
        if not path.startswith(prefix):
            continue
        logical_id = derived_logical_id(path[len(prefix) :].split("/"))
        if logical_id is None or logical_id in stack.paths:
            continue
        resource = stack.resources.get(logical_id)
        if isinstance(resource, Mapping) and resource.get("Type") == kind:
            found.setdefault(logical_id, []).append(path)
    for logical_id, paths in found.items():
        if len(paths) == 1:  # unambiguous only
            stack.paths[logical_id] = paths[0]
