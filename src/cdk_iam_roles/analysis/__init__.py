"""Offline IAM policy evaluation: pure Python, never imports ``aws_cdk`` or ``jsii``.

`evaluate` decides a `Request` against a `PolicySet` the way AWS IAM documents it and
returns a `Decision` with the statements and conditions that decided it. It fails closed:
whatever it cannot evaluate is never an Allow, and is reported as `Unevaluable`.

Example:
    >>> from cdk_iam_roles.analysis import PolicySet, Request, evaluate
    >>> trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    ...     "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    >>> evaluate(Request("lambda.amazonaws.com", "sts:AssumeRole",
    ...     "arn:aws:iam::111122223333:role/fn"), PolicySet(resource=trust)).allowed
    True
"""

from cdk_iam_roles.analysis._compile import (
    CompiledPolicySet,
    CompiledStatement,
    compile_policy,
)
from cdk_iam_roles.analysis._evaluator import evaluate
from cdk_iam_roles.analysis._model import (
    ConditionFailure,
    ContextValue,
    Decision,
    Outcome,
    PolicyDocument,
    PolicyKind,
    PolicySet,
    Reason,
    ReasonCode,
    Request,
    StatementRef,
    Unevaluable,
)

__all__ = [
    "CompiledPolicySet",
    "CompiledStatement",
    "ConditionFailure",
    "ContextValue",
    "Decision",
    "Outcome",
    "PolicyDocument",
    "PolicyKind",
    "PolicySet",
    "Reason",
    "ReasonCode",
    "Request",
    "StatementRef",
    "Unevaluable",
    "compile_policy",
    "evaluate",
]
