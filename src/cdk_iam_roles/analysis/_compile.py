"""Parse IAM policy JSON once into statements that are quick to evaluate.

Anything malformed or unresolved is kept as an `Unevaluable` on the statement (or on the
whole policy): such a statement can never grant, and when it is a Deny (or of unknown
effect) it is assumed to deny.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cdk_iam_roles.analysis._conditions import (
    Clause,
    ConditionError,
    Context,
    compile_clause,
    describe_value,
)
from cdk_iam_roles.analysis._model import PolicyKind, PolicySet, StatementRef, Unevaluable
from cdk_iam_roles.analysis._patterns import glob, resource_glob
from cdk_iam_roles.analysis._principals import (
    PrincipalEntry,
    PrincipalError,
    parse_aws_entry,
)
from cdk_iam_roles.analysis._variables import has_variable, substitute, unresolved_marker

# Policy variables are substituted only under Version 2012-10-17; with 2008-10-17 (the
# default when Version is missing) `${…}` is literal text.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
VARIABLE_VERSION = "2012-10-17"
_KNOWN_VERSIONS = frozenset({"2012-10-17", "2008-10-17"})
_STATEMENT_KEYS = frozenset(
    {
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
    }
)
_PRINCIPAL_FAMILIES = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})

ActionMatcher = Callable[[str], bool]
"""Matches a lower-case action (actions are case-insensitive)."""
ResourceMatcher = Callable[[str, Context], bool]


class _Malformed(ValueError):
    def __init__(self, element: str, detail: str) -> None:
        super().__init__(detail)
        self.element = element
        self.detail = detail


@dataclass(frozen=True, slots=True)
class CompiledStatement:
    """One statement, parsed.

    Args:
        ref: names the statement. Required.
        effect: ``"Allow"`` or ``"Deny"``; a statement of unknown effect is compiled as
            a Deny that cannot be evaluated. Required.
        action: matches a request action, or ``None`` when it cannot be evaluated.
            Required.
        resource: matches a request resource (with its context, for policy variables),
            or ``None`` when it cannot be evaluated. Required.
        principals: the Principal/NotPrincipal entries, or ``None`` if the statement has
            neither. Required.
        not_principal: whether ``principals`` came from ``NotPrincipal``. Required.
        clauses: the Condition, one clause per operator and key. Required.
        problems: what could not be evaluated; non-empty means the statement is unknown
            wherever it is not certainly inapplicable. Required.
        resource_patterns: the Resource (or NotResource) values as written, for matching
            a request resource that holds a placeholder. Default: none.
        resource_negated: whether they came from ``NotResource``. Default False.
        resource_variables: whether policy variables in them are substituted. Default
            False.

    Example:
        >>> s = compile_policy({"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}, "identity", 0)[0]
        >>> s.action("s3:getobject")
        True
    """

    ref: StatementRef
    effect: str
    action: ActionMatcher | None
    resource: ResourceMatcher | None
    principals: tuple[PrincipalEntry, ...] | None
    not_principal: bool
    clauses: tuple[Clause | Unevaluable, ...]
    problems: tuple[Unevaluable, ...]
    resource_patterns: tuple[str, ...] = ()
    resource_negated: bool = False
    resource_variables: bool = False


@dataclass(frozen=True, slots=True)
class CompiledPolicySet:
    """Every policy of a `PolicySet`, parsed.

    Args:
        identity: statements of all identity policies. Required.
        resource: statements of the resource policy, or ``None`` if there is none.
            Required.
        boundary: statements of the boundary, or ``None``. Required.
        session: statements of the session policy, or ``None``. Required.
        scps: statements per organization level. Required.
        rcps: statements per organization level. Required.

    Example:
        >>> compile_policy_set(PolicySet()).resource is None
        True
    """

    identity: tuple[CompiledStatement, ...]
    resource: tuple[CompiledStatement, ...] | None
    boundary: tuple[CompiledStatement, ...] | None
    session: tuple[CompiledStatement, ...] | None
    scps: tuple[tuple[CompiledStatement, ...], ...]
    rcps: tuple[tuple[CompiledStatement, ...], ...]


def _strings(value: Any, element: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise _Malformed(element, "is an empty list")
    result: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise _Malformed(element, f"{describe_value(item)} is not a string")
        marker = unresolved_marker(item)
        if marker is not None:
            raise _Malformed(element, f"unresolved CloudFormation value {marker!r} in {item!r}")
        result.append(item)
    return result


def _action_matcher(patterns: list[str], element: str) -> ActionMatcher:
    exact: set[str] = set()
    wild: list[Callable[[str], bool]] = []
    for pattern in patterns:
        if pattern != "*" and ":" not in pattern:
            raise _Malformed(element, f"{pattern!r} is not of the form service:action")
        if "*" in pattern or "?" in pattern:
            if pattern == "*":
                return lambda action: True
            wild.append(glob(pattern, ignore_case=True))
        else:
            exact.add(pattern.lower())
    frozen = frozenset(exact)
    if not wild:
        return frozen.__contains__
    matchers = tuple(wild)

    def match(action: str) -> bool:
        return action in frozen or any(m(action) for m in matchers)

    return match


def _resource_matcher(patterns: list[str], variables: bool) -> ResourceMatcher:
    if "*" in patterns:
        return lambda resource, context: True
    static: list[Callable[[str], bool]] = []
    dynamic: list[str] = []
    for pattern in patterns:
        if variables and has_variable(pattern):
            # A variable resolves wherever it sits in the ARN, the account and region
            # fields included: AWS's managed policy AmazonTimestreamInfluxDBServiceRolePolicy
            # grants on "arn:aws:kms:*:${aws:PrincipalAccount}:key/*" (and others write
            # "arn:${aws:Partition}:…"), although the Resource section of the policy
            # variables page speaks of "the resource portion of the ARN".
            # https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonTimestreamInfluxDBServiceRolePolicy.html
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-resourceelement
            dynamic.append(pattern)
        else:
            static.append(resource_glob(pattern))
    static_matchers = tuple(static)
    dynamic_patterns = tuple(dynamic)

    def match(resource: str, context: Context) -> bool:
        if any(m(resource) for m in static_matchers):
            return True
        for pattern in dynamic_patterns:
            # "the resource that includes a policy variable with no value will not match
            # any resource" (in Resource and NotResource alike).
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value
            resolved = substitute(pattern, context.get)
            if resolved is not None and resource_glob(resolved)(resource):
                return True
        return False

    return match


def _principal_entries(value: Any, element: str) -> tuple[PrincipalEntry, ...]:
    if value == "*":
        return (PrincipalEntry("*", "*"),)
    if not isinstance(value, dict) or not value:
        raise _Malformed(element, f'{value!r} is neither "*" nor a mapping of principals')
    entries: list[PrincipalEntry] = []
    for family, raw in value.items():
        if family not in _PRINCIPAL_FAMILIES:
            raise _Malformed(element, f"unknown principal type {family!r}")
        for item in _strings(raw, element):
            if family == "AWS":
                try:
                    entries.append(parse_aws_entry(item))
                except PrincipalError as error:
                    raise _Malformed(element, str(error)) from error
            else:
                if "*" in item or "?" in item:
                    # "You cannot use a wildcard to match part of a principal name or ARN";
                    # "The service principal in an IAM policy can't be "Service": "*"".
                    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
                    raise _Malformed(element, f"wildcards are not supported in {family} {item!r}")
                entries.append(PrincipalEntry(family, item))
    return tuple(entries)


def _compile_conditions(
    value: Any, variables: bool, ref: StatementRef, kind: PolicyKind
) -> tuple[Clause | Unevaluable, ...]:
    if not isinstance(value, dict):
        raise _Malformed("Condition", f"{value!r} is not a mapping of operators")
    clauses: list[Clause | Unevaluable] = []
    for operator, block in value.items():
        if not isinstance(block, dict):
            clauses.append(
                Unevaluable(ref, "Condition", f"{operator}: {block!r} is not a mapping", kind)
            )
            continue
        for key, raw_values in block.items():
            try:
                clauses.append(compile_clause(operator, key, raw_values, variables))
            except ConditionError as error:
                clauses.append(Unevaluable(ref, "Condition", f"{operator} {key}: {error}", kind))
    return tuple(clauses)


def _compile_statement(
    raw: Any, kind: PolicyKind, policy_index: int, index: int, variables: bool, level: int | None
) -> CompiledStatement:
    sid = raw.get("Sid") if isinstance(raw, dict) else None
    effect = raw.get("Effect") if isinstance(raw, dict) else None
    ref = StatementRef(
        kind,
        policy_index,
        index,
        sid if isinstance(sid, str) else None,
        effect if isinstance(effect, str) else "?",
        level,
    )
    problems: list[Unevaluable] = []

    def problem(element: str, detail: str) -> None:
        problems.append(Unevaluable(ref, element, detail, kind))

    if not isinstance(raw, dict):
        problem("Statement", f"{raw!r} is not a mapping")
        return CompiledStatement(ref, "Deny", None, None, None, False, (), tuple(problems))
    for key in raw:
        if key not in _STATEMENT_KEYS:
            problem(str(key), "is not an IAM policy element")
    if effect not in ("Allow", "Deny"):
        problem("Effect", f"{effect!r} is neither Allow nor Deny")
        effect = "Deny"

    action: ActionMatcher | None = None
    has_action, has_not_action = "Action" in raw, "NotAction" in raw
    if has_action == has_not_action:
        problem("Action", "a statement needs exactly one of Action and NotAction")
    else:
        element = "Action" if has_action else "NotAction"
        try:
            matcher = _action_matcher(_strings(raw[element], element), element)
            if has_not_action:
                positive = matcher

                def matcher(action: str) -> bool:
                    return not positive(action)

            action = matcher
        except _Malformed as error:
            problem(error.element, error.detail)

    resource: ResourceMatcher | None = None
    resource_patterns: tuple[str, ...] = ("*",)
    has_resource, has_not_resource = "Resource" in raw, "NotResource" in raw
    if has_resource and has_not_resource:
        problem("Resource", "a statement cannot have both Resource and NotResource")
    elif not has_resource and not has_not_resource:
        if kind == "resource":
            # A trust policy (and other resource policies) may leave Resource out: the
            # resource is the one the policy is attached to.
            resource = _resource_matcher(["*"], False)
        else:
            problem("Resource", "a statement needs Resource or NotResource")
    else:
        element = "Resource" if has_resource else "NotResource"
        try:
            written = _strings(raw[element], element)
            resource_patterns = tuple(written)
            rmatcher = _resource_matcher(written, variables)
            if has_not_resource:
                rpositive = rmatcher

                def rmatcher(resource: str, context: Context) -> bool:
                    return not rpositive(resource, context)

            resource = rmatcher
        except _Malformed as error:
            problem(error.element, error.detail)

    principals: tuple[PrincipalEntry, ...] | None = None
    not_principal = False
    has_principal, has_not_principal = "Principal" in raw, "NotPrincipal" in raw
    if kind in ("resource", "rcp"):
        if has_principal == has_not_principal:
            problem("Principal", "a resource policy statement needs Principal or NotPrincipal")
        else:
            element = "Principal" if has_principal else "NotPrincipal"
            not_principal = has_not_principal
            # "NotPrincipal must be used with "Effect":"Deny". Using it with
            # "Effect":"Allow" is not supported." "The NotPrincipal element isn't
            # supported in ... Resource Control Policies (RCP)."
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
            if not_principal and (effect == "Allow" or kind == "rcp"):
                where = "an RCP" if kind == "rcp" else 'a statement with "Effect": "Allow"'
                problem("NotPrincipal", f"NotPrincipal is not supported in {where}")
            try:
                principals = _principal_entries(raw[element], element)
            except _Malformed as error:
                problem(error.element, error.detail)
    elif has_principal or has_not_principal:
        problem("Principal", f"a {kind} policy cannot name a principal")

    clauses: tuple[Clause | Unevaluable, ...] = ()
    if "Condition" in raw:
        try:
            clauses = _compile_conditions(raw["Condition"], variables, ref, kind)
        except _Malformed as error:
            problem(error.element, error.detail)
    return CompiledStatement(
        ref,
        effect,
        action,
        resource,
        principals,
        not_principal,
        clauses,
        tuple(problems),
        resource_patterns,
        has_not_resource,
        variables,
    )


_CACHE_SIZE = 16384
_cache: dict[tuple[str, int, int | None, bytes | str], tuple[CompiledStatement, ...]] = {}


def compile_policy(
    document: Any, kind: PolicyKind, policy_index: int, level: int | None = None
) -> tuple[CompiledStatement, ...]:
    """Parse one policy document into its statements.

    A document that cannot be read at all becomes one statement of unknown effect that
    carries the problem, so it can never grant and is assumed to deny.

    Args:
        document: the policy JSON (a mapping). Required.
        kind: where the policy sits in the evaluation. Required.
        policy_index: its position in its list. Required.
        level: organization level, for SCPs and RCPs. Default ``None``.

    Example:
        >>> len(compile_policy({"Statement": {"Effect": "Deny", "Action": "*",
        ...     "Resource": "*"}}, "scp", 0, 0))
        1
    """
    # The same documents come back again and again (a role's trust policy for every
    # caller, a managed policy on many roles): parse each text once. The key is the
    # document's content, so equal content in another dict hits the same entry.
    key = (kind, policy_index, level, _content_key(document))
    cached = _cache.get(key)
    if cached is None:
        cached = _compile_document(document, kind, policy_index, level)
        _remember(_cache, key, cached)
    return cached


def _compile_document(
    document: Any, kind: PolicyKind, policy_index: int, level: int | None
) -> tuple[CompiledStatement, ...]:
    ref = StatementRef(kind, policy_index, 0, None, "?", level)
    if not isinstance(document, Mapping):
        broken = Unevaluable(ref, "Policy", f"{document!r} is not a mapping", kind)
        return (CompiledStatement(ref, "Deny", None, None, None, False, (), (broken,)),)
    version = document.get("Version")
    if version is not None and (not isinstance(version, str) or version not in _KNOWN_VERSIONS):
        broken = Unevaluable(ref, "Version", f"unknown policy language version {version!r}", kind)
        return (CompiledStatement(ref, "Deny", None, None, None, False, (), (broken,)),)
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        broken = Unevaluable(ref, "Statement", f"{statements!r} is not a list of statements", kind)
        return (CompiledStatement(ref, "Deny", None, None, None, False, (), (broken,)),)
    variables = version == VARIABLE_VERSION
    return tuple(
        _compile_statement(raw, kind, policy_index, index, variables, level)
        for index, raw in enumerate(statements)
    )


def _many(
    documents: Sequence[Any], kind: PolicyKind, level: int | None = None
) -> tuple[CompiledStatement, ...]:
    return tuple(
        statement
        for index, document in enumerate(documents)
        for statement in compile_policy(document, kind, index, level)
    )


_set_cache: dict[bytes | str, CompiledPolicySet] = {}


def _content_key(value: Any) -> bytes | str:
    """A key that is equal only for equal content: marshal (fast) or else repr."""
    # Format version 2: from version 3 on, marshal writes back-references for objects
    # whose reference count is above one, so the same document could give other bytes
    # (a cache miss and a second entry) once something else holds a reference to it;
    # version 2 writes content only, and is no slower.
    try:
        return marshal.dumps(value, 2)
    except ValueError:  # not plain JSON data (e.g. a MappingProxyType)
        return repr(value)


def compile_policy_set(policies: PolicySet) -> CompiledPolicySet:
    """Parse every policy of a `PolicySet`.

    Args:
        policies: the policy set. Required.

    Example:
        >>> compile_policy_set(PolicySet(scps=[[]])).scps
        ((),)
    """
    # Keyed by content, like `compile_policy`: equal policy sets are parsed once. Two
    # levels: the same document objects seen again (a caller that builds a new PolicySet
    # per request from the documents it holds) are recognised by identity and confirmed
    # by comparing their content with an exact copy kept when they were compiled (see
    # `_Snapshot`), which costs less than serializing them; anything else is keyed by its
    # serialized content.
    documents, identity_key = _documents(policies)
    remembered = _by_identity.get(identity_key)
    if remembered is not None and remembered[0] == documents:
        return remembered[1]
    content: Any = (
        policies.identity,
        policies.resource,
        policies.boundary,
        policies.scps,
        policies.rcps,
        policies.session,
    )
    key = _content_key(content)
    cached = _set_cache.get(key)
    if cached is None:
        cached = _compile_set(policies)
        _remember(_set_cache, key, cached)
    if identity_key in _seen_identities:
        snapshot = _exact_copy(documents)
        if snapshot is not None:
            _remember(_by_identity, identity_key, (snapshot, cached))
    else:
        _remember(_seen_identities, identity_key, True)
    return cached


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= _CACHE_SIZE:
        cache.pop(next(iter(cache)))
    cache[key] = value


def _documents(policies: PolicySet) -> tuple[list[Any], tuple[int, ...]]:
    """Every document of the set in a fixed order, and a key of their identities.

    The negative separators (an ``id`` is never negative) keep apart sets whose
    documents are the same objects in other places (an identity policy that another set
    passes as an SCP).
    """
    documents: list[Any] = [policies.resource, policies.boundary, policies.session]
    documents.extend(policies.identity)
    if not policies.scps and not policies.rcps:
        # The usual set: no separator at all (a key with SCP or RCP levels holds one).
        return documents, tuple(map(id, documents))
    key: list[int] = [id(document) for document in documents]
    key.append(-1)
    for separator, levels in ((-2, policies.scps), (-3, policies.rcps)):
        for level in levels:
            documents.extend(level)
            key.extend(id(document) for document in level)
            key.append(separator)
    return documents, tuple(key)


_by_identity: dict[tuple[int, ...], tuple[list[Any], CompiledPolicySet]] = {}
_seen_identities: dict[tuple[int, ...], bool] = {}


class _Snapshot:
    """A number or a Boolean in an exact copy: equal only to the same value of the same type.

    ``True == 1 == 1.0`` in Python, but a policy that says ``true`` and one that says ``1``
    are not the same policy (condition values become the text "true" and "1"), so the
    copy that confirms a cache hit compares scalars by type as well as value.
    """

    __slots__ = ("value",)

    def __init__(self, value: bool | int | float) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self.value) and other == self.value

    __hash__ = None  # type: ignore[assignment]


class _NotPlain(Exception):
    pass


def _exact_copy(value: Any) -> Any:
    """A copy of plain JSON data whose equality is exact (see `_Snapshot`); ``None`` when
    the data holds anything else (then only the serialized key is used)."""
    try:
        return _copy(value)
    except (_NotPlain, RecursionError):
        return None


def _copy(value: Any) -> Any:
    kind = type(value)
    if kind is str or value is None:
        return value
    if kind is bool or kind is int or kind is float:
        return _Snapshot(value)
    if kind is dict:
        copied: dict[str, Any] = {}
        for name, item in value.items():
            if type(name) is not str:
                raise _NotPlain
            copied[name] = _copy(item)
        return copied
    if kind is list:
        return [_copy(item) for item in value]
    if kind is tuple:
        return tuple(_copy(item) for item in value)
    raise _NotPlain


def _compile_set(policies: PolicySet) -> CompiledPolicySet:
    return CompiledPolicySet(
        identity=_many(policies.identity, "identity"),
        resource=(
            None if policies.resource is None else compile_policy(policies.resource, "resource", 0)
        ),
        boundary=(
            None if policies.boundary is None else compile_policy(policies.boundary, "boundary", 0)
        ),
        session=(
            None if policies.session is None else compile_policy(policies.session, "session", 0)
        ),
        scps=tuple(_many(level, "scp", number) for number, level in enumerate(policies.scps)),
        rcps=tuple(_many(level, "rcp", number) for number, level in enumerate(policies.rcps)),
    )
