"""One documented IAM behaviour as a request, its policies and the outcome AWS documents.

Shared by ``test_evaluator_documented.py`` and the case modules it gathers
(``documented_condition_cases.py``, ``documented_principal_cases.py``). ``outcome`` is an
outcome of `Decision` or ``"Undecided"``:
AWS's page leaves the result open (or the evaluator cannot model what decides it), so the
evaluator must not allow the request and must say what it could not evaluate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cdk_iam_roles.analysis import Decision, PolicySet, Request, evaluate

UNDECIDED = "Undecided"


@dataclass(frozen=True)
class Case:
    """One documented statement as a request, its policies and the documented outcome."""

    name: str
    principal: str
    action: str
    resource: str
    outcome: str
    identity: tuple[dict[str, Any], ...] = ()
    resource_policy: dict[str, Any] | None = None
    boundary: dict[str, Any] | None = None
    session: dict[str, Any] | None = None
    scps: tuple[tuple[dict[str, Any], ...], ...] = ()
    context: dict[str, Any] = field(default_factory=dict)
    resource_account: str | None = None
    rcps: tuple[tuple[dict[str, Any], ...], ...] = ()


def decide(case: Case) -> Decision:
    """Evaluate a case with the evaluator under test."""
    request = Request(
        case.principal, case.action, case.resource, case.resource_account, case.context
    )
    policies = PolicySet(
        identity=list(case.identity),
        resource=case.resource_policy,
        boundary=case.boundary,
        session=case.session,
        scps=[list(level) for level in case.scps],
        rcps=[list(level) for level in case.rcps],
    )
    return evaluate(request, policies)


def check(case: Case) -> None:
    """Assert the documented outcome (and, for decided cases, that nothing was unknown)."""
    decision = decide(case)
    why = [reason.message for reason in decision.reasons]
    if case.outcome == UNDECIDED:
        assert not decision.allowed, why
        assert decision.unevaluable, why
        return
    assert decision.outcome == case.outcome, why
    assert not decision.unevaluable, [u.describe() for u in decision.unevaluable]


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: str, resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str, resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def grant(principal: Any, action: str, resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": principal,
        "Action": action,
        "Resource": resource,
        **extra,
    }


def refuse(principal: Any, action: str, resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {
        "Effect": "Deny",
        "Principal": principal,
        "Action": action,
        "Resource": resource,
        **extra,
    }
