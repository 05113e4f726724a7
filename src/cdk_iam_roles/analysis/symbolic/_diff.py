"""Compare two versions of an app role by role: what does the change do to access?

Roles are matched by construct path, then by logical ID (in the same stack, then
anywhere), then by role name. Each matched, added or removed role gets a trust verdict
and a permissions verdict from the symbolic engine.

Example:
    >>> from cdk_iam_roles.analysis.assembly import load_app
    >>> empty = load_app({"Resources": {}})
    >>> diff_apps(empty, empty).exit_code
    0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from cdk_iam_roles.analysis._placeholders import is_placeholder
from cdk_iam_roles.analysis.assembly import App, RoleInfo
from cdk_iam_roles.analysis.symbolic._questions import compare_permissions, compare_trust
from cdk_iam_roles.analysis.symbolic._verdict import Verdict
from cdk_iam_roles.cfn import Unknown, is_unresolved

Change: TypeAlias = Literal["added", "removed", "changed", "unchanged"]


@dataclass(slots=True)
class RoleDiff:
    """One role's change and its two verdicts.

    Args:
        stack: the stack (of HEAD, or of BASE for a removed role). Required.
        path: the construct path. Required.
        logical_id: the logical ID. Required.
        role_name: the role name (or its placeholder). Required.
        change: ``added``, ``removed``, ``changed`` or ``unchanged``. Required.
        trust: who may assume it: widened or not. Required.
        permissions: what its sessions may do: widened or not. Required.
        seconds: time spent proving, for the benchmark. Default 0.
    """

    stack: str
    path: str
    logical_id: str
    role_name: str
    change: Change
    trust: Verdict
    permissions: Verdict
    seconds: float = 0.0

    @property
    def widened(self) -> bool:
        """Whether either verdict is new access."""
        return "new-access" in (self.trust.verdict, self.permissions.verdict)

    @property
    def clean(self) -> bool:
        """Whether both verdicts are proved no new access."""
        return self.trust.verdict == self.permissions.verdict == "no-new-access"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of DESIGN.md §4."""
        return {
            "stack": self.stack,
            "path": self.path,
            "logical_id": self.logical_id,
            "role_name": self.role_name,
            "change": self.change,
            "trust": self.trust.to_dict(),
            "permissions": self.permissions.to_dict(),
        }


@dataclass(slots=True)
class DiffReport:
    """Every role of BASE and HEAD with its verdicts.

    Args:
        roles: one entry per role. Default: none.
        notes: what the readers could not read, app-wide. Default: none.
        base_label: how BASE was named on the command line. Default ``"BASE"``.
        head_label: how HEAD was named. Default ``"HEAD"``.
    """

    roles: list[RoleDiff] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    base_label: str = "BASE"
    head_label: str = "HEAD"
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 when every role is proved to gain no access, else 1."""
        return 0 if all(role.clean for role in self.roles) else 1

    def to_dict(self) -> dict[str, Any]:
        """``{"roles": [...]}`` as DESIGN.md §4 shows (plus ``notes``)."""
        return {"roles": [r.to_dict() for r in self.roles], "notes": list(self.notes)}


def _name(role: RoleInfo) -> str | None:
    return None if is_placeholder(role.role_name) else role.role_name


def match_roles(
    base: Sequence[RoleInfo], head: Sequence[RoleInfo]
) -> tuple[list[tuple[RoleInfo, RoleInfo]], list[RoleInfo], list[RoleInfo]]:
    """Pair roles of two versions: construct path, then logical ID, then role name.

    Args:
        base: roles of BASE. Required.
        head: roles of HEAD. Required.

    Returns:
        ``(pairs, removed, added)``.

    Example:
        >>> match_roles([], [])
        ([], [], [])
    """
    left = list(base)
    pairs: list[tuple[RoleInfo, RoleInfo]] = []
    rest: list[RoleInfo] = list(head)
    keys: list[Callable[[RoleInfo], object]] = [
        lambda r: r.path or None,
        lambda r: (r.stack, r.logical_id),
        lambda r: r.logical_id,
        _name,
    ]
    for key in keys:
        unmatched: list[RoleInfo] = []
        for role in rest:
            wanted = key(role)
            found = [b for b in left if wanted is not None and key(b) == wanted]
            if len(found) == 1:
                pairs.append((found[0], role))
                left.remove(found[0])
            else:
                unmatched.append(role)
        rest = unmatched
    return pairs, left, rest


def _same_permissions(base: RoleInfo, head: RoleInfo) -> bool:
    parts_base = (
        [p.document for p in base.identity_policies],
        base.boundary.document if base.boundary else None,
        base.boundary_unavailable,
        sorted(p.arn for p in base.unavailable_policies),
    )
    parts_head = (
        [p.document for p in head.identity_policies],
        head.boundary.document if head.boundary else None,
        head.boundary_unavailable,
        sorted(p.arn for p in head.unavailable_policies),
    )
    return parts_base == parts_head and not is_unresolved(parts_head)


def diff_apps(base: App, head: App, *, clock: Callable[[], float] | None = None) -> DiffReport:
    """Compare two versions of an app role by role.

    Args:
        base: the app before the change. Required.
        head: the app after it. Required.
        clock: a timer for per-role proof times. Default: ``time.perf_counter``.

    Example:
        >>> from cdk_iam_roles.analysis.assembly import load_app
        >>> tpl = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
        ...     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        ...      "Action": "sts:AssumeRole"}]}}}}}
        >>> report = diff_apps(load_app({"Resources": {}}), load_app(tpl))
        >>> report.roles[0].change, report.roles[0].trust.verdict
        ('added', 'new-access')
    """
    import time

    timer = clock or time.perf_counter
    report = DiffReport(
        notes=[*(f"BASE: {n}" for n in base.notes), *(f"HEAD: {n}" for n in head.notes)]
    )
    pairs, removed, added = match_roles(base.roles, head.roles)
    for old, new in pairs:
        start = timer()
        trust = compare_trust(
            old.trust if old.trust is not None else _UNREADABLE,
            new.trust if new.trust is not None else _UNREADABLE,
            role_arn=new.arn,
            account=new.account,
            partition=new.partition,
        )
        permissions = compare_permissions(
            old,
            new,
            base_resources=base.resource_policies,
            head_resources=head.resource_policies,
            base_roles=base.roles,
            head_roles=head.roles,
        )
        unchanged = old.trust == new.trust and _same_permissions(old, new)
        report.roles.append(
            RoleDiff(
                new.stack,
                new.path,
                new.logical_id,
                new.role_name,
                "unchanged" if unchanged else "changed",
                trust,
                permissions,
                timer() - start,
            )
        )
    for new in added:
        start = timer()
        trust = compare_trust(
            None,
            new.trust if new.trust is not None else _UNREADABLE,
            role_arn=new.arn,
            account=new.account,
            partition=new.partition,
        )
        permissions = compare_permissions(
            None, new, head_resources=head.resource_policies, head_roles=head.roles
        )
        report.roles.append(
            RoleDiff(
                new.stack,
                new.path,
                new.logical_id,
                new.role_name,
                "added",
                trust,
                permissions,
                timer() - start,
            )
        )
    for old in removed:
        gone = Verdict("no-new-access", "proved: the role is removed")
        report.roles.append(
            RoleDiff(old.stack, old.path, old.logical_id, old.role_name, "removed", gone, gone)
        )
    return report


_UNREADABLE: dict[str, Any] = {"Statement": Unknown("the trust policy cannot be read")}
