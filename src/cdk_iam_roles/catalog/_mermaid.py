"""The catalog as a Mermaid flowchart: principals → roles → services.

One subgraph per stack holds its roles; principals sit on the left, the AWS services a
role may call on the right. Node IDs are generated (``p1``, ``r1``, ``s1``), labels are
quoted and escaped, so no value of a template can break the diagram.
"""

from __future__ import annotations

from cdk_iam_roles._printable import one_line
from cdk_iam_roles.catalog.model import Catalog

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


def render_mermaid(catalog: Catalog) -> str:
    """A ``flowchart LR`` of who can assume each role and which services it may call."""
    lines = ["flowchart LR"]
    principals: dict[str, str] = {}
    services: dict[str, str] = {}
    edges: list[str] = []
    role_count = 0
    for s_index, stack in enumerate(catalog.stacks, start=1):
        if not stack.roles:
            continue
        lines.append(f'  subgraph st{s_index}["{escape_label("stack " + stack.name)}"]')
        for role in stack.roles:
            role_count += 1
            node = f"r{role_count}"
            label = f"{role.label} [{role.pattern}]"
            shape_open, shape_close = ("[/", "/]") if role.human_assumable else ("[", "]")
            lines.append(f'    {node}{shape_open}"{escape_label(label)}"{shape_close}')
            for assumer in role.assumers:
                pid = principals.setdefault(assumer.words, f"p{len(principals) + 1}")
                edges.append(f"  {pid} -->|assumes| {node}")
            for service in role.permissions.services:
                sid = services.setdefault(service, f"s{len(services) + 1}")
                edges.append(f"  {node} --> {sid}")
        lines.append("  end")
    for words, pid in principals.items():
        lines.append(f'  {pid}(["{escape_label(words)}"])')
    for service, sid in services.items():
        name = "any service (*)" if service == "*" else service
        lines.append(f'  {sid}[("{escape_label(name)}")]')
    lines.extend(dict.fromkeys(edges))
    return "\n".join(lines) + "\n"
