"""Assertions for your own test suite: who can assume a role, and what it can call.

Each helper takes an ``aws_cdk.Stack``, a template mapping or the path of a ``cdk.out``
folder or template file, evaluates offline with :mod:`cdk_iam_roles.analysis`, and on
failure raises :class:`AssertionError` carrying the full explanation (the statement that
decided, the failed conditions, the cause and what to change). On success it returns the
:class:`~cdk_iam_roles.analysis.explain.Explanation`.

``aws_cdk`` is imported only when a Stack is given, inside the call.

Example:
    >>> template = {"Resources": {"Fn": {"Type": "AWS::IAM::Role", "Properties": {
    ...     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
    ...     "Effect": "Allow", "Action": "sts:AssumeRole",
    ...     "Principal": {"Service": "lambda.amazonaws.com"}}]}}}}}
    >>> assert_can_assume(template, "Fn", "lambda.amazonaws.com").allowed
    True
    >>> assert_cannot_assume(template, "Fn", "arn:aws:iam::222222222222:root").outcome
    'ImplicitDeny'
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cdk_iam_roles.analysis import ContextValue
from cdk_iam_roles.analysis.assembly import App, load_app
from cdk_iam_roles.analysis.explain import Caller, Explanation, explain, parse_duration

__all__ = [
    "assert_can_assume",
    "assert_can_call",
    "assert_cannot_assume",
    "assert_cannot_call",
]


def _stack_template(stack: Any) -> tuple[dict[str, Any], str, str | None, str | None]:
    """Synthesize one ``aws_cdk.Stack``; construct paths are written into the metadata."""
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    from cdk_iam_roles.trust.tokens import is_token

    if not isinstance(stack, cdk.Stack):
        raise TypeError(
            "stack_or_template must be an aws_cdk.Stack, a template mapping, or the path of "
            f"a cdk.out folder or template file (got {type(stack).__name__})"
        )
    template: dict[str, Any] = copy.deepcopy(dict(Template.from_stack(stack).to_json()))
    resources = template.get("Resources", {})
    for construct in stack.node.find_all():
        if isinstance(construct, cdk.CfnElement) and construct.stack is stack:
            logical_id = stack.resolve(construct.logical_id)
            if isinstance(logical_id, str) and logical_id in resources:
                metadata = resources[logical_id].setdefault("Metadata", {})
                metadata.setdefault("aws:cdk:path", construct.node.path)
    account = None if is_token(stack.account) else stack.account
    region = None if is_token(stack.region) else stack.region
    return template, stack.node.path, account, region


def _app(source: Any, account: str | None, region: str | None) -> App:
    if isinstance(source, Mapping):
        return load_app(source, account=account, region=region)
    if isinstance(source, (str, Path)):
        return load_app(source, account=account, region=region)
    template, name, stack_account, stack_region = _stack_template(source)
    return load_app(
        template, account=account or stack_account, region=region or stack_region, name=name
    )


def _caller(
    principal: str,
    *,
    mfa: bool,
    mfa_age: int | None,
    external_id: str | None,
    source_identity: str | None,
    session_name: str | None,
    claims: Mapping[str, ContextValue] | None,
    context: Mapping[str, ContextValue] | None,
    duration: int | str | None,
    chained: bool,
) -> Caller:
    seconds = parse_duration(duration) if isinstance(duration, str) else duration
    return Caller(
        principal=principal,
        mfa=mfa,
        mfa_age=mfa_age,
        external_id=external_id,
        source_identity=source_identity,
        session_name=session_name,
        claims=dict(claims or {}),
        context=dict(context or {}),
        duration=seconds,
        chained=chained,
        # A test states exactly what the request carries: nothing is assumed.
        complete_request=False,
    )


def _check(result: Explanation, expect_allowed: bool, what: str) -> Explanation:
    if not expect_allowed and result.outcome == "Unknown":
        # "Cannot" must be proved: an answer that depends on what cannot be known offline (a
        # KMS key policy or an AWS managed boundary outside the app, a policy that cannot
        # be read, a principal or condition value that is an import or a parameter) is not
        # a denial.
        raise AssertionError(
            f"expected {what} to be denied, but it cannot be decided offline:\n{result.to_text()}"
        )
    if result.allowed != expect_allowed:
        expected = "allowed" if expect_allowed else "denied"
        raise AssertionError(f"expected {what} to be {expected}, but:\n{result.to_text()}")
    return result


def assert_can_assume(
    stack_or_template: Any,
    role: str,
    principal: str,
    *,
    mfa: bool = False,
    mfa_age: int | None = None,
    external_id: str | None = None,
    source_identity: str | None = None,
    session_name: str | None = None,
    claims: Mapping[str, ContextValue] | None = None,
    context: Mapping[str, ContextValue] | None = None,
    duration: int | str | None = None,
    chained: bool = False,
    account: str | None = None,
    region: str | None = None,
) -> Explanation:
    """Assert that ``principal`` can assume ``role``; return the explanation.

    Args:
        stack_or_template: an ``aws_cdk.Stack``, a template mapping, or a ``cdk.out``
            folder / template file path. Required.
        role: construct path, logical ID, role name or ARN of the role. Required.
        principal: the caller (an ARN, account ID, OIDC/SAML provider ARN, service
            principal, or a role of the app). Required.
        mfa: the caller signed in with MFA. Default False.
        mfa_age: seconds since that sign-in. Default ``None``.
        external_id: ``sts:ExternalId``. Default ``None``.
        source_identity: ``sts:SourceIdentity``. Default ``None``.
        session_name: ``RoleSessionName``. Default ``None``.
        claims: OIDC claims (``{"sub": …, "aud": …}``). Default: none.
        context: other request context keys. Default: none.
        duration: session duration, seconds or ``"2h"``. Default ``None``.
        chained: the caller is a role session. Default False.
        account: account of a stack/template whose environment does not say.
            Default ``None``.
        region: region likewise. Default ``None``.

    Raises:
        AssertionError: the assumption is denied; the message holds the explanation.

    Example:
        >>> tpl = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
        ...     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
        ...     "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS":
        ...     "arn:aws:iam::111111111111:user/ops"}}]}}}}}
        >>> assert_can_assume(tpl, "R", "arn:aws:iam::111111111111:user/ops",
        ...     account="111111111111").allowed
        True
    """
    caller = _caller(
        principal,
        mfa=mfa,
        mfa_age=mfa_age,
        external_id=external_id,
        source_identity=source_identity,
        session_name=session_name,
        claims=claims,
        context=context,
        duration=duration,
        chained=chained,
    )
    result = explain(_app(stack_or_template, account, region), role, caller)
    return _check(result, True, f"{principal} assuming {role}")


def assert_cannot_assume(
    stack_or_template: Any,
    role: str,
    principal: str,
    *,
    mfa: bool = False,
    mfa_age: int | None = None,
    external_id: str | None = None,
    source_identity: str | None = None,
    session_name: str | None = None,
    claims: Mapping[str, ContextValue] | None = None,
    context: Mapping[str, ContextValue] | None = None,
    duration: int | str | None = None,
    chained: bool = False,
    account: str | None = None,
    region: str | None = None,
) -> Explanation:
    """Assert that ``principal`` cannot assume ``role``; return the explanation.

    Args: as :func:`assert_can_assume`.

    Raises:
        AssertionError: the assumption is allowed, or cannot be decided offline (a value
            the trust needs is an import, a parameter or the account of an
            environment-agnostic stack: pass ``account``/``region`` or write the value);
            the message holds the explanation.

    Example:
        >>> tpl = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
        ...     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
        ...     "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS":
        ...     "arn:aws:iam::111111111111:user/ops"}}]}}}}}
        >>> [c.code for c in assert_cannot_assume(tpl, "R",
        ...     "arn:aws:iam::111111111111:user/eve", account="111111111111").causes]
        ['no-matching-statement']
    """
    caller = _caller(
        principal,
        mfa=mfa,
        mfa_age=mfa_age,
        external_id=external_id,
        source_identity=source_identity,
        session_name=session_name,
        claims=claims,
        context=context,
        duration=duration,
        chained=chained,
    )
    result = explain(_app(stack_or_template, account, region), role, caller)
    return _check(result, False, f"{principal} assuming {role}")


def assert_can_call(
    stack_or_template: Any,
    role: str,
    action: str,
    resource: str = "*",
    *,
    mfa: bool = False,
    context: Mapping[str, ContextValue] | None = None,
    account: str | None = None,
    region: str | None = None,
) -> Explanation:
    """Assert that a session of ``role`` can call ``action`` on ``resource``.

    The role's identity policies, its permissions boundary and the resource policy of
    the app protecting ``resource`` decide it.

    Args:
        stack_or_template: as :func:`assert_can_assume`. Required.
        role: the role, as in :func:`assert_can_assume`. Required.
        action: ``service:Action``. Required.
        resource: an ARN or a construct path / logical ID of the app. Default ``"*"``.
        mfa: the session was created with MFA. Default False.
        context: request context keys. Default: none.
        account: as :func:`assert_can_assume`. Default ``None``.
        region: as :func:`assert_can_assume`. Default ``None``.

    Raises:
        AssertionError: the call is denied; the message holds the explanation.

    Example:
        >>> tpl = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
        ...     "AssumeRolePolicyDocument": {}, "Policies": [{"PolicyName": "logs",
        ...     "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        ...     "Action": "logs:PutLogEvents", "Resource": "*"}]}}]}}}}
        >>> assert_can_call(tpl, "R", "logs:PutLogEvents", account="111111111111").allowed
        True
    """
    caller = Caller(principal=role, mfa=mfa, context=dict(context or {}), complete_request=False)
    result = explain(
        _app(stack_or_template, account, region), role, caller, action=action, resource=resource
    )
    return _check(result, True, f"{role} calling {action} on {resource}")


def assert_cannot_call(
    stack_or_template: Any,
    role: str,
    action: str,
    resource: str = "*",
    *,
    mfa: bool = False,
    context: Mapping[str, ContextValue] | None = None,
    account: str | None = None,
    region: str | None = None,
) -> Explanation:
    """Assert that a session of ``role`` cannot call ``action`` on ``resource``.

    Args: as :func:`assert_can_call`.

    Raises:
        AssertionError: the call is allowed, or cannot be decided offline; the message
            holds the explanation.

    Example:
        >>> tpl = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
        ...     "AssumeRolePolicyDocument": {}}}}}
        >>> assert_cannot_call(tpl, "R", "s3:DeleteBucket", account="111111111111").allowed
        False
    """
    caller = Caller(principal=role, mfa=mfa, context=dict(context or {}), complete_request=False)
    result = explain(
        _app(stack_or_template, account, region), role, caller, action=action, resource=resource
    )
    return _check(result, False, f"{role} calling {action} on {resource}")


# -- access reviews: no new access, no external access ---------------------------------


def assert_no_new_access(
    base: Any,
    head: Any,
    *,
    account: str | None = None,
    region: str | None = None,
) -> Any:
    """Assert that ``head`` grants no access ``base`` did not, for every role; return the report.

    Runs the symbolic engine of ``cdk-iam-roles diff``: each role's trust and permissions
    must be *proved* to gain nothing. New access fails with the witness request (who can
    now do what); a verdict the engine cannot decide fails too, with its reason.

    Args:
        base: the app before the change: an ``aws_cdk.Stack``, a template mapping, or a
            ``cdk.out`` folder / template file path. Required.
        head: the app after it, in any of the same forms. Required.
        account: account of a stack/template whose environment does not say.
            Default ``None``.
        region: region likewise. Default ``None``.

    Raises:
        AssertionError: a role gains access, or it cannot be decided; the message lists
            each such role with its witness or reason.

    Example:
        >>> tpl = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
        ...     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
        ...     "Effect": "Allow", "Action": "sts:AssumeRole",
        ...     "Principal": {"Service": "lambda.amazonaws.com"}}]}}}}}
        >>> assert_no_new_access(tpl, tpl).exit_code
        0
    """
    from cdk_iam_roles.analysis.symbolic._diff import diff_apps
    from cdk_iam_roles.analysis.symbolic._render import in_words

    report = diff_apps(_app(base, account, region), _app(head, account, region))
    problems: list[str] = []
    for role in report.roles:
        for part in ("trust", "permissions"):
            verdict = getattr(role, part)
            if verdict.verdict == "no-new-access":
                continue
            line = f"{role.path} ({role.change}) {part}: {verdict.verdict}: "
            line += in_words(role, part, verdict)
            if verdict.witness is not None:
                line += f"\n    witness: {verdict.witness.describe()}"
            problems.append(line)
    if problems:
        raise AssertionError("the change grants new (or undecided) access:\n" + "\n".join(problems))
    return report


def assert_no_external_access(
    stack_or_template: Any,
    *,
    trusted_accounts: Sequence[str] = (),
    trusted_org: str | Sequence[str] | None = None,
    acknowledged: Mapping[str, str] | None = None,
    account: str | None = None,
    region: str | None = None,
) -> list[Any]:
    """Assert that no role can be assumed from outside the zone of trust; return the results.

    The zone is ``trusted_accounts``, the organization(s) ``trusted_org`` and each role's
    own account; AWS service principals count as inside it. A role reached by a caller
    outside the zone fails with that caller as witness, unless ``acknowledged`` names it.

    Args:
        stack_or_template: an ``aws_cdk.Stack``, a template mapping, or a ``cdk.out``
            folder / template file path. Required.
        trusted_accounts: account IDs inside the zone. Default: none.
        trusted_org: an organization ID (``o-…``) or several. Default ``None``.
        acknowledged: role (construct path, logical ID or name) → why its external
            access is by design. Default: none.
        account: account of a stack/template whose environment does not say.
            Default ``None``.
        region: region likewise. Default ``None``.

    Raises:
        AssertionError: a role admits callers from outside the zone (or that cannot be
            decided) and is not acknowledged; the message names the witness.

    Example:
        >>> tpl = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
        ...     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
        ...     "Effect": "Allow", "Action": "sts:AssumeRole",
        ...     "Principal": {"AWS": "arn:aws:iam::222222222222:root"}}]}}}}}
        >>> len(assert_no_external_access(tpl, trusted_accounts=["222222222222"],
        ...     account="111111111111"))
        1
    """
    from cdk_iam_roles.analysis.symbolic._access import external_access
    from cdk_iam_roles.analysis.symbolic._render import who

    orgs = [trusted_org] if isinstance(trusted_org, str) else list(trusted_org or ())
    accepted = dict(acknowledged or {})
    results = []
    problems: list[str] = []
    for role in _app(stack_or_template, account, region).roles:
        result = external_access(role, trusted_accounts=trusted_accounts, trusted_orgs=orgs)
        for name in (role.path, role.logical_id, role.role_name):
            if name in accepted:
                result.acknowledged = accepted[name]
        results.append(result)
        if not result.blocking:
            continue
        if result.witness is not None:
            problems.append(
                f"{role.path}: {who(result.witness)} can assume it ({result.witness.describe()})"
            )
        else:
            problems.append(f"{role.path}: {result.access}: {result.reason}")
    if problems:
        raise AssertionError("roles with external access:\n" + "\n".join(problems))
    return results


__all__ += ["assert_no_external_access", "assert_no_new_access"]
