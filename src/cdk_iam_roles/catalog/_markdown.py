"""The catalog as Markdown for pull requests: grouped by stack, then by pattern."""

from __future__ import annotations

import re

from cdk_iam_roles._printable import one_line
from cdk_iam_roles.catalog._text import (
    findings_line,
    permission_lines,
    plural,
    totals_line,
    who_lines,
)
from cdk_iam_roles.catalog.model import Catalog, RoleEntry
from cdk_iam_roles.rules import Severity

__all__ = ["escape_md", "render_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def escape_md(text: str) -> str:
    """``text`` safe inside a Markdown table cell (no markup, no HTML, one line, no
    invisible characters)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    return one_line(text)


def _cell(lines: list[str]) -> str:
    return "<br>".join(escape_md(line) for line in lines)


def _row(role: RoleEntry) -> str:
    name = escape_md(role.label)
    where = escape_md(role.path)
    conditions = [c.words() for c in role.conditions] or ["none"]
    cells = [
        f"**{name}**<br>{where}",
        _cell(who_lines(role)),
        _cell(conditions),
        escape_md(role.max_session_display),
        _cell(permission_lines(role.permissions)),
        escape_md(findings_line(role)),
    ]
    return "| " + " | ".join(cells) + " |"


def render_markdown(catalog: Catalog) -> str:
    """The catalog as Markdown: totals, human-assumable roles, errors, then every stack."""
    out = ["# IAM role catalog", "", _sentence(escape_md(totals_line(catalog))), ""]
    human = catalog.human_assumable
    if human:
        out += ["## Roles people can assume", ""]
        for role in human:
            who = "; ".join(a.words for a in role.assumers if a.human)
            out.append(f"- **{escape_md(role.label)}** ({escape_md(role.stack)}): {escape_md(who)}")
        out.append("")
    errors = [f for f in catalog.findings if f.severity is Severity.ERROR]
    if errors:
        out += ["## Errors", ""]
        for finding in errors:
            out.append(
                f"- **{escape_md(finding.rule_id)}** {escape_md(finding.path)}: "
                f"{escape_md(finding.message)}"
            )
        out.append("")
    for stack in catalog.stacks:
        env = "/".join(v for v in (stack.account, stack.region) if v) or "environment-agnostic"
        out += [
            f"## Stack {escape_md(stack.name)}",
            "",
            f"{escape_md(env)}; {plural(len(stack.roles), 'role')}.",
            "",
        ]
        for pattern, roles in stack.by_pattern():
            out += [
                f"### {escape_md(pattern)} ({len(roles)})",
                "",
                "| Role | Who can assume it | Conditions | Max session | Permissions | Findings |",
                "|---|---|---|---|---|---|",
            ]
            out += [_row(role) for role in roles]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."
