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
from cdk_iam_roles.analysis.symbolic._questions import (
    compare_permissions,
    compare_trust,
    same_permissions,
)
from cdk_iam_roles.analysis.symbolic._verdict import Verdict

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
class UnreadPart:
    """A part of HEAD that nobody read, so the roles it deploys were compared by nobody: a
    transform or ``Fn::ForEach`` loop, a nested stack or StackSet member whose template
    was not read, a resource that is not one.

    Args:
        stack: the stack it is in. Required.
        path: its path (``Stack/Transform``, ``Stack/Network``). Required.
        logical_id: its key in the template (``Transform`` for a transform). Required.
        rule_id: the ``check`` rule that says it was not read. Required.
        reason: why it was not read, in words. Required.
        change: ``added`` or ``changed`` when what decides its content differs from
            BASE, ``unchanged`` when it is as in BASE. Required.
        acknowledged: why the app accepts it, when it does. Default ``None``.

    Example:
        >>> part = UnreadPart("S", "S/Transform", "Transform", "IAMR-DOC-006",
        ...     "the transform AWS::Serverless-2016-10-31 is not expanded", "changed")
        >>> part.undecided, part.to_dict()["verdict"]
        (True, 'unknown')
    """

    stack: str
    path: str
    logical_id: str
    rule_id: str
    reason: str
    change: Change
    acknowledged: str | None = None

    @property
    def undecided(self) -> bool:
        """Whether the roles it deploys may gain access: it changed and nobody accepted it.

        What an unchanged part deploys is taken as unchanged, as a managed policy outside
        the app is."""
        return self.change != "unchanged" and self.acknowledged is None

    @property
    def verdict(self) -> Verdict:
        """``unknown`` when undecided, else why it is taken to gain nothing."""
        if self.acknowledged is not None:
            return Verdict("no-new-access", f"acknowledged in the app: {self.acknowledged}")
        if self.change == "unchanged":
            return Verdict(
                "no-new-access", "it is as in BASE, so what it deploys is taken as unchanged"
            )
        return Verdict(
            "unknown",
            f"not read ({self.rule_id}): {self.reason}; whether the roles and policies it "
            "deploys gain access is not decided",
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON data for ``diff --format json`` (its ``unread`` list)."""
        verdict = self.verdict
        return {
            "stack": self.stack,
            "path": self.path,
            "logical_id": self.logical_id,
            "rule_id": self.rule_id,
            "reason": self.reason,
            "change": self.change,
            "acknowledged": self.acknowledged,
            "verdict": verdict.verdict,
            "explanation": verdict.reason,
        }


@dataclass(slots=True)
class DiffReport:
    """Every role of BASE and HEAD with its verdicts, and the parts of HEAD not read.

    Args:
        roles: one entry per role. Default: none.
        notes: what the readers could not read, app-wide. Default: none.
        base_label: how BASE was named on the command line. Default ``"BASE"``.
        head_label: how HEAD was named. Default ``"HEAD"``.
        sources: each stack's template file, for SARIF locations. Default: none.
        unread: each part of HEAD that was not read. Default: none.
    """

    roles: list[RoleDiff] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    base_label: str = "BASE"
    head_label: str = "HEAD"
    sources: dict[str, str] = field(default_factory=dict)
    unread: list[UnreadPart] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every role is proved to gain no access and no changed part of HEAD went
        unread, else 1."""
        clean = all(role.clean for role in self.roles)
        return 0 if clean and not any(part.undecided for part in self.unread) else 1

    def to_dict(self) -> dict[str, Any]:
        """``{"roles": [...]}`` as DESIGN.md §4 shows (plus ``unread`` and ``notes``)."""
        return {
            "roles": [r.to_dict() for r in self.roles],
            "unread": [u.to_dict() for u in self.unread],
            "notes": list(self.notes),
        }


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


def _trust_verdict(old: RoleInfo | None, new: RoleInfo) -> Verdict:
    """Who may assume ``new`` that could not assume ``old``; an unreadable trust policy is
    undecided unless BASE holds the very same text for the role (then nothing changed)."""
    if new.trust is None:
        what = f"the trust policy {new.trust_unreadable or 'cannot be read'}"
        if old is not None and old.trust is None and _written(old) == _written(new):
            return Verdict(
                "no-new-access",
                f"{what}, but it is the same as in BASE: who may assume the role did not change",
            )
        return Verdict("unknown", f"{what}, so who may assume the role is not decided")
    if old is not None and old.trust is None:
        return Verdict(
            "unknown",
            f"BASE's trust policy {old.trust_unreadable or 'cannot be read'}, so what HEAD's "
            "adds to it is not decided",
        )
    return compare_trust(
        None if old is None else old.trust,
        new.trust,
        role_arn=new.arn,
        account=new.account,
        partition=new.partition,
    )


def _written(role: RoleInfo) -> tuple[Any, ...]:
    """The trust policy as read and, when unreadable, as written and why (in its stack:
    a parameter of another stack is another value)."""
    return role.stack, role.trust, role.trust_source, role.trust_unreadable


def _unchanged(old: RoleInfo, new: RoleInfo) -> bool:
    """Whether the role is as in BASE: the same trust and policies, as written (the same
    unknown on both sides is the same value, see docs/cli-diff.md)."""
    return _written(old) == _written(new) and same_permissions(old, new)


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
        trust = _trust_verdict(old, new)
        permissions = compare_permissions(
            old,
            new,
            base_resources=base.resource_policies,
            head_resources=head.resource_policies,
            base_roles=base.roles,
            head_roles=head.roles,
        )
        unchanged = _unchanged(old, new)
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
        trust = _trust_verdict(None, new)
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
