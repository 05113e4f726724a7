"""The catalog as Markdown for pull requests: errors and anyone-can-assume roles first,
then the roles people can assume, the roles whose callers are unknown offline, and every
stack's roles, most risky first
(:func:`cdk_iam_roles.catalog.risk.by_risk`)."""

from __future__ import annotations

import re

from cdk_iam_roles._printable import one_line
from cdk_iam_roles.catalog._text import (
    environment_line,
    findings_line,
    permission_lines,
    plural,
    totals_line,
    unknown_callers_words,
    who_lines,
)
from cdk_iam_roles.catalog.model import Catalog, RoleEntry
from cdk_iam_roles.catalog.risk import Risk, by_risk
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


def _risk_words(risk: Risk) -> str:
    return f"risk {risk.level}" + (f": {'; '.join(risk.reasons)}" if risk.reasons else "")


def _row(role: RoleEntry, risk: Risk) -> str:
    name = escape_md(role.label)
    where = escape_md(role.path)
    conditions = [c.words() for c in role.conditions] or ["none"]
    about = _cell([role.pattern, _risk_words(risk)])
    cells = [
        f"**{name}**<br>{where}<br>{about}",
        _cell(who_lines(role)),
        _cell(conditions),
        escape_md(role.max_session_display),
        _cell(permission_lines(role.permissions)),
        _cell([findings_line(role)] + [f"{f.rule_id}: {f.message}" for f in role.findings]),
    ]
    return "| " + " | ".join(cells) + " |"


def render_markdown(catalog: Catalog) -> str:
    """The catalog as Markdown: totals, errors, roles anyone can assume, roles people can
    assume, roles whose callers are unknown offline, then every stack's roles in one
    table, most risky first."""
    out = ["# IAM role catalog", "", _sentence(escape_md(totals_line(catalog))), ""]
    errors = [f for f in catalog.findings if f.severity is Severity.ERROR]
    if errors:
        out += ["## Errors", ""]
        for finding in errors:
            out.append(
                f"- **{escape_md(finding.rule_id)}** {escape_md(finding.path)}: "
                f"{escape_md(finding.message)}"
            )
        out.append("")
    not_read = [f for f in catalog.not_read if f.severity is not Severity.ERROR]
    if not_read:
        out += [
            "## Not read",
            "",
            "Roles these parts of the app deploy are not in this catalog.",
            "",
        ]
        for finding in not_read:
            out.append(
                f"- **{escape_md(finding.rule_id)}** {escape_md(finding.path)}: "
                f"{escape_md(finding.message)}"
            )
        out.append("")
    anyone = [r for r in catalog.roles if any(a.kind == "anyone" for a in r.assumers)]
    if anyone:
        out += ["## Roles anyone can assume", ""]
        for role in anyone:
            who = "; ".join(a.words for a in role.assumers if a.kind == "anyone")
            out.append(f"- **{escape_md(role.label)}** ({escape_md(role.stack)}): {escape_md(who)}")
        out.append("")
    human = by_risk(catalog.human_assumable)
    if human:
        out += ["## Roles people can assume", ""]
        for role, risk in human:
            who = "; ".join(a.words for a in role.assumers if a.human)
            out.append(
                f"- **{escape_md(role.label)}** ({escape_md(role.stack)}, "
                f"{escape_md(_risk_words(risk))}): {escape_md(who)}"
            )
        out.append("")
    unknown = by_risk(catalog.callers_unknown)
    if unknown:
        out += [
            "## Roles whose callers are unknown offline",
            "",
            "Who can assume these roles is known only at deployment: people may.",
            "",
        ]
        for role, risk in unknown:
            out.append(
                f"- **{escape_md(role.label)}** ({escape_md(role.stack)}, "
                f"{escape_md(_risk_words(risk))}): {escape_md(unknown_callers_words(role))}"
            )
        out.append("")
    for stack in catalog.stacks:
        env = environment_line(stack)
        out += [
            f"## Stack {escape_md(stack.name)}",
            "",
            f"{escape_md(env)}; {plural(len(stack.roles), 'role')}.",
            "",
        ]
        if stack.roles:
            out += [
                "| Role | Who can assume it | Conditions | Max session | Permissions | Findings |",
                "|---|---|---|---|---|---|",
            ]
            out += [_row(role, risk) for role, risk in by_risk(list(stack.roles))]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."
