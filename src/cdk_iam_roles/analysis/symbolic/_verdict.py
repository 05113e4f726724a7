"""What the engine answers: a verdict, and for new access a witness request.

Example:
    >>> Witness("arn:aws:iam::222222222222:role/any-role", "sts:AssumeRole",
    ...     "arn:aws:iam::111111111111:role/deploy", {}).to_dict()["action"]
    'sts:AssumeRole'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from cdk_iam_roles.analysis._model import ContextValue

VerdictName: TypeAlias = Literal["no-new-access", "new-access", "unknown"]
"""``no-new-access`` (proved), ``new-access`` (shown by a witness) or ``unknown``."""


@dataclass(frozen=True, slots=True)
class Witness:
    """A concrete request that the new policies allow and the old ones deny.

    Both halves have been confirmed by the concrete evaluator
    (:func:`cdk_iam_roles.analysis.evaluate`) before a witness is reported.

    Args:
        principal: the caller (an ARN, a service principal or a provider). Required.
        action: the action. Required.
        resource: the resource ARN. Required.
        context: the request context that makes the difference. Required.
        resource_account: the account that owns the resource, when it is not the
            caller's. Default ``None``.

    Example:
        >>> Witness("p", "sts:AssumeRole", "r", {"sts:ExternalId": "x"}).describe()
        'p calling sts:AssumeRole on r with sts:ExternalId=x'
    """

    principal: str
    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    resource_account: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of DESIGN.md §4: principal, action, resource, context."""
        context = {k: (v if isinstance(v, str) else list(v)) for k, v in self.context.items()}
        return {
            "principal": self.principal,
            "action": self.action,
            "resource": self.resource,
            "context": context,
        }

    def describe(self) -> str:
        """The request in one line of plain words."""
        text = f"{self.principal} calling {self.action} on {self.resource}"
        if self.context:
            parts = []
            for key, value in self.context.items():
                shown = value if isinstance(value, str) else "[" + ", ".join(value) + "]"
                parts.append(f"{key}={shown}")
            text += " with " + ", ".join(parts)
        return text


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer to "does HEAD allow anything BASE does not?" for one question.

    Args:
        verdict: ``"no-new-access"``, ``"new-access"`` or ``"unknown"``. Required.
        reason: why, in words (what was proved, what the witness shows, or what could
            not be modelled). Required.
        witness: for ``new-access``, the request that shows it. Default ``None``.

    Example:
        >>> Verdict("no-new-access", "identical").to_dict()["witness"] is None
        True
    """

    verdict: VerdictName
    reason: str
    witness: Witness | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"verdict", "witness", "reason"}`` as DESIGN.md §4 shows."""
        return {
            "verdict": self.verdict,
            "witness": None if self.witness is None else self.witness.to_dict(),
            "reason": self.reason,
        }
