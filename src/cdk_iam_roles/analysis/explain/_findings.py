"""The rule engine's findings on a role, as notes of an explanation."""

from __future__ import annotations

from cdk_iam_roles.analysis.assembly import (
    App,
    RoleInfo,
)
from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.rules import Finding, check_stack

# Findings per stack: an app is read once and explained many times (testing helpers).
# Keyed by the stack object, which is kept alive alongside so its id is never reused.
_FINDINGS: dict[int, tuple[StackTemplate, list[Finding]]] = {}


_FINDINGS_SIZE = 64


def _stack_findings(stack: StackTemplate) -> list[Finding]:
    cached = _FINDINGS.get(id(stack))
    if cached is not None and cached[0] is stack:
        return cached[1]
    findings = check_stack(stack)
    if len(_FINDINGS) >= _FINDINGS_SIZE:
        _FINDINGS.pop(next(iter(_FINDINGS)))
    _FINDINGS[id(stack)] = (stack, findings)
    return findings


def _rule_notes(app: App, role: RoleInfo) -> list[str]:
    """The rule engine's findings on ``role`` (as ``cdk-iam-roles check`` reports them)."""
    notes: list[str] = []
    for stack in app.stacks:
        if stack.name != role.stack:
            continue
        for finding in _stack_findings(stack):
            if finding.logical_id == role.logical_id:
                notes.append(f"rule {finding.rule_id} ({finding.severity}): {finding.message}")
    return notes
