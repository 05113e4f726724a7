"""The answer of ``explain``: a named cause, and the explanation as text or JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from cdk_iam_roles.analysis import (
    Decision,
)


@dataclass(frozen=True, slots=True)
class Cause:
    """A classic reason for a denial, named so it can be tested for and looked up.

    Args:
        code: stable identifier (``mfa-missing``, ``external-id-wrong`` …). Required.
        message: what happened, in plain words. Required.
        fix: what to change. Required.

    Example:
        >>> Cause("mfa-missing", "no MFA", "use MFA").code
        'mfa-missing'
    """

    code: str
    message: str
    fix: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """The decision on one simulated request, in words.

    Args:
        allowed: whether the request would succeed. Required.
        outcome: the evaluator's outcome (``Allowed``, ``ExplicitDeny``,
            ``ImplicitDeny``), ``Refused`` when the policies allow it but STS refuses
            the request (a session duration above the limit), or ``Unknown`` when what
            decides it cannot be known offline (a policy that cannot be read or is not in
            the app, a value known only at deployment inside a statement): never allowed,
            shown as ``UNDECIDED``. Required.
        mode: ``"assume"`` (assuming the role) or ``"call"`` (a call made with it).
            Required.
        role: the role's construct path. Required.
        role_arn: the role's ARN (placeholders where generated). Required.
        principal: the request principal as evaluated. Required.
        action: the action evaluated. Required.
        resource: the resource evaluated. Required.
        deciding: the statements that decided, each with the policy it sits in.
            Default: none.
        failed_conditions: each failed condition in words. Default: none.
        causes: the classic causes found. Default: none.
        notes: caveats and requirements (e.g. the statement a caller outside the app
            needs), and the rule engine's findings on the role (``rule ID (severity):
            message``). Default: none.
        decision: the evaluator's `Decision`. Default ``None``.
        assumed: each request value the caller did not pass but a real request would
            carry, with why it was assumed (listed under "Assumed"). Default: none.

    Example:
        >>> Explanation(False, "ImplicitDeny", "assume", "S/R", "arn", "p", "a", "r").exit_code
        1
    """

    allowed: bool
    outcome: str
    mode: Literal["assume", "call"]
    role: str
    role_arn: str
    principal: str
    action: str
    resource: str
    deciding: tuple[str, ...] = ()
    failed_conditions: tuple[str, ...] = ()
    causes: tuple[Cause, ...] = ()
    notes: tuple[str, ...] = ()
    decision: Decision | None = None
    assumed: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        """0 when allowed, 1 when denied (the command line's exit code)."""
        return 0 if self.allowed else 1

    def to_dict(self) -> dict[str, Any]:
        """The explanation as JSON-ready data (the command's ``--format json``).

        Example:
            >>> Explanation(True, "Allowed", "assume", "S/R", "arn", "p", "a", "r").to_dict()[
            ...     "allowed"]
            True
        """
        return {
            "allowed": self.allowed,
            "outcome": self.outcome,
            "mode": self.mode,
            "role": self.role,
            "role_arn": self.role_arn,
            "principal": self.principal,
            "action": self.action,
            "resource": self.resource,
            "deciding_statements": list(self.deciding),
            "failed_conditions": list(self.failed_conditions),
            "causes": [{"code": c.code, "message": c.message, "fix": c.fix} for c in self.causes],
            "notes": list(self.notes),
            "assumed": list(self.assumed),
            "reasons": [r.message for r in self.decision.reasons] if self.decision else [],
        }

    def to_text(self) -> str:
        """The explanation as plain text, for people.

        Example:
            >>> print(Explanation(True, "Allowed", "assume", "S/R", "arn:r", "p",
            ...     "sts:AssumeRole", "arn:r").to_text().splitlines()[0])
            ALLOWED: p can assume S/R (arn:r) with sts:AssumeRole
        """
        verb = "can" if self.allowed else "cannot"
        head = "ALLOWED" if self.allowed else "DENIED"
        if self.outcome == "Unknown":
            # Never allowed, but not known to be denied either: a policy or a value that
            # decides it cannot be known offline (the causes say which).
            verb, head = "cannot be shown to", "UNDECIDED"
        if self.mode == "assume":
            first = f"{self.principal} {verb} assume {self.role} ({self.role_arn})"
            first += f" with {self.action}"
        else:
            first = f"{self.role} {verb} call {self.action} on {self.resource}"
            first += f" (as {self.principal})"
        lines = [f"{head}: {first}"]
        lines.append(f"Outcome: {self.outcome}")
        if self.assumed:
            lines.append("Assumed:")
            lines.extend(f"  - {item}" for item in self.assumed)
        if self.deciding:
            lines.append("Decided by:")
            lines.extend(f"  - {item}" for item in self.deciding)
        if self.failed_conditions:
            lines.append("Failed conditions:")
            lines.extend(f"  - {item}" for item in self.failed_conditions)
        if self.causes:
            lines.append("Why:")
            for cause in self.causes:
                lines.append(f"  - {cause.message} [{cause.code}]")
                lines.append(f"    What to change: {cause.fix}")
        if self.notes:
            lines.append("Notes:")
            lines.extend(f"  - {note}" for note in self.notes)
        return "\n".join(lines)
