"""Text pieces the renderers share: permissions, conditions and findings in short form."""

from __future__ import annotations

from cdk_iam_roles.catalog.model import Catalog, Permissions, RoleEntry, StackEntry
from cdk_iam_roles.rules import Severity

__all__ = [
    "SHOWN_ACTIONS",
    "environment_line",
    "findings_line",
    "permission_lines",
    "plural",
    "totals_line",
    "unknown_callers_words",
    "who_lines",
]

# Said of a role whose callers cannot be known offline, in every format.
CALLERS_UNKNOWN = "who can assume it is unknown offline"

# Actions listed per service before the rest is counted ("… +7 more").
SHOWN_ACTIONS = 6


def permission_lines(perms: Permissions) -> list[str]:
    """The permissions summary as short lines (managed policies, services, boundary)."""
    lines: list[str] = []
    if perms.managed_policies:
        lines.append("managed: " + ", ".join(perms.managed_policies))
    for service, actions in perms.allowed.items():
        shown = ", ".join(actions[:SHOWN_ACTIONS])
        more = len(actions) - SHOWN_ACTIONS
        lines.append(f"{service}: {shown}" + (f" … +{more} more" if more > 0 else ""))
    for service, actions in perms.denied.items():
        lines.append(f"denied {service}: " + ", ".join(actions))
    lines.extend(perms.notes)
    if perms.boundary:
        lines.append(f"boundary: {perms.boundary}")
    return lines or ["no permissions"]


def who_lines(role: RoleEntry) -> list[str]:
    """Who can assume the role, one line per principal (and the trust's denies); first,
    when it is so, that who can assume it is unknown offline."""
    lines = [CALLERS_UNKNOWN] if role.callers_unknown else []
    lines += [a.words for a in role.assumers]
    if role.trust_unknown:
        lines.append(f"trust policy {role.trust_unknown}")
    lines.extend(role.trust_denies)
    return lines or ["nobody (no Allow statement)"]


def unknown_callers_words(role: RoleEntry) -> str:
    """What makes the role's callers unknown offline, in words (``trust policy unknown
    (parameter TrustParam)``, ``AWS principal unknown offline (Fn::ImportValue)``)."""
    parts = [f"trust policy {role.trust_unknown}"] if role.trust_unknown else []
    parts += [a.words for a in role.assumers if a.unknown_offline]
    return "; ".join(parts)


def environment_line(stack: StackEntry) -> str:
    """``111111111111/eu-west-1``, ``environment-agnostic``, or for the member template
    of a StackSet, where it is deployed (its account is every member account)."""
    if stack.deployment:
        return f"StackSet member template, deployed to {stack.deployment}"
    return "/".join(v for v in (stack.account, stack.region) if v) or "environment-agnostic"


def plural(count: int, noun: str) -> str:
    """``1 role``, ``2 roles``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def findings_line(role: RoleEntry) -> str:
    """``2 errors, 1 warning`` or ``none``."""
    parts = []
    for severity in Severity:
        count = role.count(severity)
        if count:
            parts.append(f"{count} {severity}{'s' if count != 1 else ''}")
    return ", ".join(parts) or "none"


def totals_line(catalog: Catalog) -> str:
    """``12 roles in 3 stacks, 4 human-assumable; findings: 1 error, 2 warnings, 0 info``.

    Roles whose callers are unknown offline are counted apart, when there are any
    (``…, 4 human-assumable, 1 role whose callers are unknown offline; findings: …``).
    """
    counts = catalog.severity_counts()
    roles = len(catalog.roles)
    unknown = len(catalog.callers_unknown)
    return (
        f"{roles} role{'s' if roles != 1 else ''} in {len(catalog.stacks)} "
        f"stack{'s' if len(catalog.stacks) != 1 else ''}, "
        f"{len(catalog.human_assumable)} human-assumable"
        + (f", {plural(unknown, 'role')} whose callers are unknown offline" if unknown else "")
        + "; findings: "
        f"{counts['error']} error{'s' if counts['error'] != 1 else ''}, "
        f"{counts['warning']} warning{'s' if counts['warning'] != 1 else ''}, "
        f"{counts['info']} info"
        + (f" ({len(catalog.acknowledged)} acknowledged)" if catalog.acknowledged else "")
    )
