"""Explain why a caller can or cannot assume a role of an app, or call an action with it.

Pure Python: never imports ``aws_cdk`` or ``jsii``. :func:`explain_assume` and
:func:`explain_call` turn a role of an :class:`~cdk_iam_roles.analysis.assembly.App` and a
simulated :class:`Caller` into a `Request` and a `PolicySet`, run
:func:`cdk_iam_roles.analysis.evaluate`, and describe the decision in plain words: the
statement that decided, each failed condition, the classic cause behind it and what to
change. The command ``cdk-iam-roles explain`` and :mod:`cdk_iam_roles.testing` print it.

One concept per module: ``_request`` (the caller and the request it sends), ``_assume``
and ``_call`` (the two questions), ``_causes`` (the cause catalogue), ``_words`` and
``_answer`` (the decision in words, as text or JSON), ``_findings`` (the rules' notes).

Example:
    >>> from cdk_iam_roles.analysis.assembly import find_role, load_app
    >>> tpl = {"Resources": {"Admin": {"Type": "AWS::IAM::Role", "Properties": {
    ...     "RoleName": "admin", "AssumeRolePolicyDocument": {"Version": "2012-10-17",
    ...     "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
    ...     "Principal": {"AWS": "arn:aws:iam::111111111111:user/alice"},
    ...     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}}}}}
    >>> app = load_app(tpl, account="111111111111", region="eu-west-1")
    >>> result = explain_assume(app, find_role(app, "admin"),
    ...     Caller("arn:aws:iam::111111111111:user/alice"))
    >>> result.allowed, [cause.code for cause in result.causes]
    (False, ['mfa-missing'])
"""

from __future__ import annotations

from cdk_iam_roles.analysis.assembly import App, find_role
from cdk_iam_roles.analysis.explain._answer import Cause, Explanation
from cdk_iam_roles.analysis.explain._assume import explain_assume
from cdk_iam_roles.analysis.explain._call import explain_call
from cdk_iam_roles.analysis.explain._causes import CHAINED_MAX_SECONDS as CHAINED_MAX_SECONDS
from cdk_iam_roles.analysis.explain._causes import MIN_DURATION_SECONDS as MIN_DURATION_SECONDS
from cdk_iam_roles.analysis.explain._request import Caller, parse_duration, parse_pairs
from cdk_iam_roles.errors import InputError

__all__ = [
    "Caller",
    "Cause",
    "Explanation",
    "explain",
    "explain_assume",
    "explain_call",
    "parse_duration",
    "parse_pairs",
]


def explain(
    app: App,
    role: str,
    caller: Caller,
    *,
    action: str | None = None,
    resource: str | None = None,
) -> Explanation:
    """Find ``role`` in ``app`` and explain an assumption, or a call when ``action`` is given.

    Args:
        app: the app. Required.
        role: construct path, logical ID, role name or ARN. Required.
        caller: the simulated caller. Required.
        action: the action of a call made with the role. Default ``None`` (assumption).
        resource: the resource of that call. Default ``None`` (``*``).

    Raises:
        InputError: the role or the principal cannot be found.

    Example:
        >>> from cdk_iam_roles.analysis.assembly import load_app
        >>> explain(load_app({"Resources": {}}), "x", Caller("1"))
        Traceback (most recent call last):
        ...
        cdk_iam_roles.analysis.assembly.RoleNotFoundError: no role 'x': ...
    """
    found = find_role(app, role)
    if action is None:
        if resource is not None:
            raise InputError("--resource needs --action (the call to simulate)")
        return explain_assume(app, found, caller)
    return explain_call(app, found, action, resource or "*", caller)
