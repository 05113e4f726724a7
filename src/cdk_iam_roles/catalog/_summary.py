"""A short terminal summary of the catalog (what ``make synth`` prints)."""

from __future__ import annotations

from cdk_iam_roles.catalog._text import plural, totals_line, unknown_callers_words
from cdk_iam_roles.catalog.model import Catalog

__all__ = ["render_summary"]


def render_summary(catalog: Catalog) -> str:
    """Roles per stack and pattern, the human-assumable roles, the roles whose callers are
    unknown offline, and finding counts."""
    lines = [f"IAM role catalog: {totals_line(catalog)}"]
    width = max((len(s.name) for s in catalog.stacks), default=0)
    for stack in catalog.stacks:
        patterns = ", ".join(f"{p} {len(roles)}" for p, roles in stack.by_pattern())
        count = plural(len(stack.roles), "role")
        lines.append(f"  {stack.name.ljust(width)}  {count:>9}  {patterns}".rstrip())
    human = catalog.human_assumable
    if human:
        lines.append("Human-assumable roles:")
        for role in human:
            who = "; ".join(a.words for a in role.assumers if a.human)
            lines.append(f"  {role.stack}/{role.label}: {who}")
    unknown = catalog.callers_unknown
    if unknown:
        lines.append("Roles whose callers are unknown offline (people may assume them):")
        for role in unknown:
            lines.append(f"  {role.stack}/{role.label}: {unknown_callers_words(role)}")
    for severity in ("error", "warning"):
        found = [f for f in catalog.findings if str(f.severity) == severity]
        if found:
            lines.append(f"{severity.capitalize()}s:")
            lines.extend(f"  {f.rule_id} {f.path}: {f.message}" for f in found)
    return "\n".join(lines) + "\n"
