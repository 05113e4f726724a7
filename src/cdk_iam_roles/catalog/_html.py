"""The catalog as one self-contained static HTML page.

Inline CSS only: no script, no external URL, nothing fetched. Every value from a template
goes through :func:`escape` (:func:`html.escape` of the value on one printable line).
The page has a table of contents by stack, one table per pattern, and prints cleanly
(tables are not split mid-row).
"""

from __future__ import annotations

import html
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

__all__ = ["render_html"]


def escape(text: str) -> str:
    """``text`` as HTML text or attribute value: markup characters and both quotes
    escaped, and on one line with invisible characters made visible (a U+202E in a role
    name cannot make the page read as something else)."""
    return html.escape(one_line(text), quote=True)


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1f23}
h1{font-size:1.6rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;width:100%;margin-bottom:1rem}
th,td{border:1px solid #d0d7de;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{background:#f6f8fa}tr{break-inside:avoid}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;word-break:break-all}
.human{color:#8250df;font-weight:600}.error{color:#cf222e;font-weight:600}
.warning{color:#9a6700}.muted{color:#57606a}
ul.flat{margin:0;padding-left:1.1rem}
nav ul{columns:2}
@media print{body{margin:0;font-size:11px}nav{break-after:page}
a{color:inherit;text-decoration:none}}
"""


def _anchor(name: str, index: int) -> str:
    return f"stack-{index}-" + re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-").lower()


def _list(lines: list[str]) -> str:
    if len(lines) == 1:
        return escape(lines[0])
    return '<ul class="flat">' + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"


def _row(role: RoleEntry) -> str:
    badge = ' <span class="human">human-assumable</span>' if role.human_assumable else ""
    findings = escape(findings_line(role))
    if role.findings:
        items = "".join(
            f'<li><span class="{escape(str(f.severity))}">{escape(f.rule_id)}</span> '
            f"{escape(f.message)}</li>"
            for f in role.findings
        )
        findings = f'{findings}<ul class="flat">{items}</ul>'
    conditions = [c.words() for c in role.conditions] or ["none"]
    return (
        f'<tr id="{escape(role.stack + "/" + role.logical_id)}">'
        f"<td><strong>{escape(role.label)}</strong>{badge}<br>"
        f'<code class="muted">{escape(role.path)}</code>'
        + (f"<br><code>{escape(role.arn)}</code>" if role.arn else "")
        + (f'<br><span class="muted">{escape(role.description)}</span>' if role.description else "")
        + f"</td><td>{_list(who_lines(role))}</td><td>{_list(conditions)}</td>"
        f"<td>{escape(role.max_session_display)}</td>"
        f"<td>{_list(permission_lines(role.permissions))}</td><td>{findings}</td></tr>"
    )


def render_html(catalog: Catalog, *, title: str = "IAM role catalog") -> str:
    """The catalog as a complete HTML document (UTF-8, no external resources).

    Args:
        catalog: the catalog to show.
        title: the page title (default ``IAM role catalog``).
    """
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(totals_line(catalog))}.</p>",
        "<nav><h2>Stacks</h2><ul>",
    ]
    anchors = [_anchor(stack.name, i) for i, stack in enumerate(catalog.stacks, start=1)]
    for stack, anchor in zip(catalog.stacks, anchors, strict=True):
        patterns = ", ".join(f"{p} {len(roles)}" for p, roles in stack.by_pattern())
        counts = plural(len(stack.roles), "role") + (f": {patterns}" if patterns else "")
        parts.append(
            f'<li><a href="#{anchor}">{escape(stack.name)}</a> '
            f'<span class="muted">({escape(counts)})</span></li>'
        )
    parts.append("</ul></nav>")
    human = catalog.human_assumable
    if human:
        parts.append("<h2>Roles people can assume</h2><ul>")
        for role in human:
            who = "; ".join(a.words for a in role.assumers if a.human)
            parts.append(
                f"<li><strong>{escape(role.label)}</strong> "
                f'<span class="muted">({escape(role.stack)})</span>: {escape(who)}</li>'
            )
        parts.append("</ul>")
    for stack, anchor in zip(catalog.stacks, anchors, strict=True):
        env = "/".join(v for v in (stack.account, stack.region) if v) or "environment-agnostic"
        parts.append(
            f'<section><h2 id="{anchor}">Stack {escape(stack.name)}</h2>'
            f'<p class="muted">{escape(env)}; {plural(len(stack.roles), "role")}</p>'
        )
        for pattern, roles in stack.by_pattern():
            parts.append(
                f"<h3>{escape(pattern)} ({len(roles)})</h3><table><thead><tr>"
                "<th>Role</th><th>Who can assume it</th><th>Conditions</th>"
                "<th>Max session</th><th>Permissions</th><th>Findings</th></tr></thead><tbody>"
            )
            parts.extend(_row(role) for role in roles)
            parts.append("</tbody></table>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
