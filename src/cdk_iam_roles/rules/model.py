"""The vocabulary of the rule engine: severities, rule descriptions and findings.

A rule has a stable ID (``IAMR-<FAMILY>-<NNN>``) that never changes meaning once
published, a severity, and three sentences: *what* it checks, *why* it matters, and the
*fix*. ``doc`` is the AWS page the rule rests on. A rule's ``scope`` says where it runs:
``construct`` rules are checked by the pattern classes on the values they receive;
``template`` rules run over CloudFormation JSON (at synth through the CDK plugin and
from the command line).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cdk_iam_roles.errors import Problem

if TYPE_CHECKING:
    from cdk_iam_roles.rules.view import TemplateView

__all__ = ["Finding", "RuleInfo", "Scope", "Severity", "TemplateRule"]


class Severity(enum.StrEnum):
    """How bad a finding is. ``error`` fails ``check`` (exit 1) and the CDK plugin."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Scope(enum.StrEnum):
    """Where a rule is checked."""

    CONSTRUCT = "construct"
    TEMPLATE = "template"


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """The catalog entry of one rule.

    Args:
        id: stable ID, e.g. ``IAMR-TRUST-001``.
        severity: default severity.
        what: what the rule checks, one sentence.
        why: why it matters, one or two sentences.
        fix: what to do, one sentence.
        doc: the AWS documentation page behind the rule.
        scopes: where it is checked (default: at construction only).
    """

    id: str
    severity: Severity
    what: str
    why: str
    fix: str
    doc: str
    scopes: frozenset[Scope] = field(default_factory=lambda: frozenset({Scope.CONSTRUCT}))

    def problem(
        self, argument: str, message: str, value: object, fix: str | None = None
    ) -> Problem:
        """A construct-time :class:`~cdk_iam_roles.errors.Problem` under this rule."""
        return Problem(argument, message, value, fix or self.fix, self.id)


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule violation found in a template.

    Args:
        rule_id: the rule's ID.
        severity: the finding's severity.
        stack: the stack's display name.
        logical_id: the resource at fault.
        path: its construct path (or ``stack/logical_id``).
        message: what is wrong here, with the values involved.
        fix: what to do.
    """

    rule_id: str
    severity: Severity
    stack: str
    logical_id: str
    path: str
    message: str
    fix: str

    def as_dict(self) -> dict[str, str]:
        """The finding as JSON-ready data (the ``check --format json`` schema)."""
        return {
            "rule_id": self.rule_id,
            "severity": str(self.severity),
            "stack": self.stack,
            "logical_id": self.logical_id,
            "path": self.path,
            "message": self.message,
            "fix": self.fix,
        }


CheckFunction = Callable[["TemplateView"], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class TemplateRule:
    """A rule that runs over CloudFormation JSON.

    Args:
        info: its catalog entry (its scopes include ``template``).
        check: a pure function over one template view, yielding findings; it never
            raises on odd input (an unexpected shape is a finding or nothing).
    """

    info: RuleInfo
    check: CheckFunction
