"""Conditions, statements and policies of a decision, in words."""

from __future__ import annotations

from dataclasses import dataclass

from cdk_iam_roles.analysis import (
    ConditionFailure,
    Decision,
    StatementRef,
    Unevaluable,
)

_OPERATOR_WORDS = {
    "stringequals": "equal",
    "stringequalsignorecase": "equal (ignoring case)",
    "stringlike": "match",
    "stringnotequals": "differ from",
    "stringnotlike": "not match",
    "bool": "be",
    "numericlessthan": "be less than",
    "numericlessthanequals": "be at most",
    "numericgreaterthan": "be greater than",
    "numericgreaterthanequals": "be at least",
    "numericequals": "equal",
    "arnlike": "match",
    "arnequals": "equal",
    "datelessthan": "be before",
    "dategreaterthan": "be after",
    "ipaddress": "be in",
    "notipaddress": "be outside",
}


def _words(failure: ConditionFailure) -> str:
    base = failure.operator.split(":")[-1].lower().removesuffix("ifexists")
    if base == "null":
        state = "absent" if failure.expected == ("true",) else "present"
        shown = "present" if failure.actual is not None else "absent"
        return f"{failure.key} must be {state} (Null); it is {shown} in the request"
    verb = _OPERATOR_WORDS.get(base, f"satisfy {failure.operator}")
    expected = ", ".join(repr(v) for v in failure.expected)
    one = len(failure.expected) == 1
    wanted = f"{failure.key} must {verb} {expected if one else 'one of ' + expected}"
    wanted += f" ({failure.operator})"
    if failure.actual is None:
        return f"{wanted}; the request does not carry {failure.key}"
    actual = ", ".join(repr(v) for v in failure.actual)
    return f"{wanted}; the request has {actual}"


def _verb(failure: ConditionFailure) -> str:
    base = failure.operator.split(":")[-1].lower().removesuffix("ifexists")
    return _OPERATOR_WORDS.get(base, f"satisfy {failure.operator}")


def _carried(failure: ConditionFailure) -> str:
    if failure.actual is None:
        return "request carries none"
    return "request has " + ", ".join(repr(v) for v in failure.actual)


@dataclass(slots=True)
class _Labels:
    """Names the policies of one evaluation in words."""

    resource: str
    identity: list[str]
    boundary: str

    def policy(self, ref: StatementRef) -> str:
        """The policy a statement sits in, in words (its type and construct path)."""
        if ref.kind == "resource":
            return self.resource
        if ref.kind == "identity" and ref.policy_index < len(self.identity):
            return self.identity[ref.policy_index]
        if ref.kind == "boundary":
            return self.boundary
        return f"{ref.kind} policy #{ref.policy_index}"

    def label(self, ref: StatementRef) -> str:
        statement = f'statement "{ref.sid}"' if ref.sid else f"statement #{ref.statement_index}"
        return f"{self.policy(ref)}, {statement} ({ref.effect})"

    def problem(self, problem: Unevaluable) -> str:
        """What cannot be evaluated, named by the policy it sits in."""
        ref = problem.statement
        where = self.label(ref) if ref is not None else f"{problem.policy_kind} policy"
        return f"{where}: {problem.element}: {problem.detail}"


def _describe(decision: Decision, labels: _Labels) -> tuple[tuple[str, ...], tuple[str, ...]]:
    deciding: list[str] = []
    failed: list[str] = []
    for reason in decision.reasons:
        if reason.statement is not None:
            text = labels.label(reason.statement)
            if reason.code == "condition-not-met":
                text += ": would allow it, but its conditions do not hold"
            elif reason.code == "unevaluable" and reason.unevaluable is not None:
                problem = reason.unevaluable
                text += f": {problem.element}: {problem.detail}"
                text += (
                    " (cannot be evaluated, so it grants nothing)"
                    if reason.statement.effect == "Allow"
                    else " (a Deny that cannot be evaluated is assumed to deny)"
                )
            elif reason.code == "unevaluable":
                text += f": {reason.message}"
            if text not in deciding:
                deciding.append(text)
        elif reason.code != "condition-not-met":
            deciding.append(reason.message)
        failed.extend(_words(f) for f in reason.conditions if _words(f) not in failed)
    return tuple(deciding), tuple(failed)


def _failures(decision: Decision) -> list[ConditionFailure]:
    return [f for reason in decision.reasons for f in reason.conditions]
