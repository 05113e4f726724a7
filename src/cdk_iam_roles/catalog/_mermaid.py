"""The catalog as a Mermaid flowchart: principals → roles → managed policies.

One subgraph per stack holds its roles; principals sit on the left, the managed policies
attached to a role and the AWS services it may call on the right. A role whose identity
policies grant ``sts:AssumeRole`` on another role of the app gets a ``may assume`` edge to
it (a same-stack reference, or the other role's concrete ARN, possibly matched by a
wildcard pattern; never a bare ``*``). Node IDs are generated (``p1``, ``r1``, ``m1``,
``s1``), labels are quoted and escaped, so no value of a template can break the diagram.
"""

from __future__ import annotations

import fnmatch

from cdk_iam_roles._printable import one_line
from cdk_iam_roles.catalog.model import Catalog, RoleEntry

__all__ = ["escape_label", "render_mermaid"]


def escape_label(text: str) -> str:
    """``text`` safe inside a quoted Mermaid label (entity codes for the risky characters)."""
    # Mermaid reads #name; / #code; as entities inside quoted labels.
    # https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters
    out = []
    for char in one_line(text):
        if char in '"#&<>[]{}()|`;':
            out.append(f"#{ord(char)};")
        else:
            out.append(char)
    return "".join(out)


def _assumed(role: RoleEntry, nodes: dict[tuple[str, str], str], arns: dict[str, str]) -> list[str]:
    """The node IDs of the roles of the app that ``role`` is granted to assume."""
    out: list[str] = []
    perms = role.permissions
    for logical_id in perms.assume_roles:
        target = nodes.get((role.stack, logical_id))
        if target is not None:
            out.append(target)
    for pattern in perms.assume_arns:
        # ARN patterns of a Resource element use * and ? wildcards, case-sensitively.
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
        out.extend(node for arn, node in arns.items() if fnmatch.fnmatchcase(arn, pattern))
    return [n for n in out if n != nodes[(role.stack, role.logical_id)]]


def render_mermaid(catalog: Catalog) -> str:
    """A ``flowchart LR`` of who can assume each role, its managed policies, the services it
    may call and the roles of the app it may assume."""
    lines = ["flowchart LR"]
    principals: dict[str, str] = {}
    policies: dict[str, str] = {}
    services: dict[str, str] = {}
    edges: list[str] = []
    role_nodes: dict[tuple[str, str], str] = {}
    arn_nodes: dict[str, str] = {}
    for role in catalog.roles:
        node = role_nodes.setdefault((role.stack, role.logical_id), f"r{len(role_nodes) + 1}")
        if role.arn and not role.deployment:
            arn_nodes.setdefault(role.arn, node)
    for s_index, stack in enumerate(catalog.stacks, start=1):
        if not stack.roles:
            continue
        lines.append(f'  subgraph st{s_index}["{escape_label("stack " + stack.name)}"]')
        for role in stack.roles:
            node = role_nodes[(role.stack, role.logical_id)]
            label = f"{role.label} [{role.pattern}]"
            shape_open, shape_close = ("[/", "/]") if role.human_assumable else ("[", "]")
            lines.append(f'    {node}{shape_open}"{escape_label(label)}"{shape_close}')
            for assumer in role.assumers:
                pid = principals.setdefault(assumer.words, f"p{len(principals) + 1}")
                edges.append(f"  {pid} -->|assumes| {node}")
            for policy in role.permissions.managed_policies:
                mid = policies.setdefault(policy, f"m{len(policies) + 1}")
                edges.append(f"  {node} -->|attached| {mid}")
            for service in role.permissions.services:
                sid = services.setdefault(service, f"s{len(services) + 1}")
                edges.append(f"  {node} --> {sid}")
            for target in _assumed(role, role_nodes, arn_nodes):
                edges.append(f"  {node} -->|may assume| {target}")
        lines.append("  end")
    for words, pid in principals.items():
        lines.append(f'  {pid}(["{escape_label(words)}"])')
    for policy, mid in policies.items():
        lines.append(f'  {mid}{{{{"{escape_label(policy)}"}}}}')
    for service, sid in services.items():
        name = "any service (*)" if service == "*" else service
        lines.append(f'  {sid}[("{escape_label(name)}")]')
    lines.extend(dict.fromkeys(edges))
    return "\n".join(lines) + "\n"
