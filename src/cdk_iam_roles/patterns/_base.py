"""What every role pattern shares: trust handed to CDK in one step, common validation,
and session revocation.

The patterns build their trust statements in pure Python (:mod:`cdk_iam_roles.trust`),
validate every argument before any construct is created, and pass the statements to
``iam.Role`` through :class:`TrustStatements`, a principal that adds exactly those
statements to the role's assume-role policy. The role stays a real ``iam.Role``:
``grant_*``, ``add_to_policy`` and ``assume_role_policy`` work as usual.
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import aws_cdk as cdk
import jsii
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_iam_roles.cfn import partition_of_region
from cdk_iam_roles.defaults import (
    MAX_SESSION_DURATION_MAX_SECONDS,
    MAX_SESSION_DURATION_MIN_SECONDS,
)
from cdk_iam_roles.errors import ProblemCollector, RoleConfigError
from cdk_iam_roles.rules.construct import role as rules
from cdk_iam_roles.rules.model import RuleInfo
from cdk_iam_roles.trust.document import Statement
from cdk_iam_roles.trust.tokens import is_token
from cdk_iam_roles.trust.validate import check_plain_text, check_role_name, check_role_path

__all__ = [
    "PatternRole",
    "TrustStatements",
    "as_str_list",
    "check_common",
    "check_description",
    "construct_path",
    "plain_text",
    "stack_facts",
    "str_list",
    "warn",
]

WARNING_PREFIX = "cdk-iam-roles"


@dataclass(frozen=True, slots=True)
class StackFacts:
    """What the patterns need to know of a scope's stack (read once per scope)."""

    stack: cdk.Stack
    account: str
    region: str

    @property
    def partition(self) -> str | None:
        """The partition when the region is concrete, else ``None``."""
        return None if is_token(self.region) else partition_of_region(self.region)

    @property
    def partition_text(self) -> str:
        """``stack.partition`` as the CDK renders it (usually the ``AWS::Partition`` token),
        read from the stack once."""
        text = _PARTITION_TEXT.get(self.stack)
        if text is None:
            text = _PARTITION_TEXT[self.stack] = self.stack.partition
        return text


_FACTS: weakref.WeakKeyDictionary[Construct, StackFacts] = weakref.WeakKeyDictionary()
_PARTITION_TEXT: weakref.WeakKeyDictionary[cdk.Stack, str] = weakref.WeakKeyDictionary()
# Principals the patterns created, per stack, by the trust they render (see
# ``_shared_principal``).
_PRINCIPALS: weakref.WeakKeyDictionary[cdk.Stack, dict[str, iam.IPrincipal]] = (
    weakref.WeakKeyDictionary()
)


def stack_facts(scope: Construct) -> StackFacts:
    """The stack of ``scope`` with its account and region, cached per scope.

    Every jsii call costs a round trip to Node; most apps create many roles in one
    scope, so the stack is looked up once.
    """
    facts = _FACTS.get(scope)
    if facts is None:
        stack = cdk.Stack.of(scope)
        facts = StackFacts(stack=stack, account=stack.account, region=stack.region)
        _FACTS[scope] = facts
    return facts


def construct_path(scope: Construct, construct_id: str) -> str:
    """The path the construct will have (``Stack/Id``), for messages raised before it exists."""
    parent = scope.node.path
    return f"{parent}/{construct_id}" if parent else construct_id


def warn(construct: Construct, rule_id: str, message: str) -> None:
    """A synth warning with an acknowledgeable ID (``cdk-iam-roles:IAMR-…``)."""
    cdk.Annotations.of(construct).add_warning_v2(
        f"{WARNING_PREFIX}:{rule_id}", f"{message} [{rule_id}]"
    )


@jsii.implements(iam.IAssumeRolePrincipal)
class TrustStatements:
    """A principal that adds prepared trust statements to a role's assume-role policy.

    Args:
        statements: finished trust statements (plain JSON; CDK tokens allowed in values).
    """

    def __init__(self, statements: Sequence[Statement]) -> None:
        if not statements:
            raise ValueError("a trust policy needs at least one statement")
        self._statements = list(statements)

    @property
    def assume_role_action(self) -> str:
        return "sts:AssumeRole"

    @property
    def grant_principal(self) -> iam.IPrincipal:
        return self

    @property
    def policy_fragment(self) -> iam.PrincipalPolicyFragment:
        first = self._statements[0]
        return iam.PrincipalPolicyFragment(first["Principal"], first.get("Condition"))

    @property
    def principal_account(self) -> str | None:
        return None

    def add_to_policy(self, statement: iam.PolicyStatement) -> bool:
        return False

    def add_to_principal_policy(
        self, statement: iam.PolicyStatement
    ) -> iam.AddToPrincipalPolicyResult:
        return iam.AddToPrincipalPolicyResult(statement_added=False)

    def add_to_assume_role_policy(self, document: iam.PolicyDocument) -> None:
        document.add_statements(*(iam.PolicyStatement.from_json(s) for s in self._statements))


def _external_ids_only(statements: Sequence[Statement]) -> list[str] | None:
    """The external IDs when the trust is one ARN with only ``StringEquals sts:ExternalId``."""
    if len(statements) != 1:
        return None
    statement = statements[0]
    principal = statement.get("Principal")
    if (
        set(statement) != {"Effect", "Principal", "Action", "Condition"}
        or statement.get("Action") != "sts:AssumeRole"
        or not isinstance(principal, Mapping)
        or set(principal) != {"AWS"}
        or not isinstance(principal["AWS"], str)
        or not principal["AWS"].startswith("arn:")
    ):
        return None
    condition = statement["Condition"]
    if not isinstance(condition, Mapping) or set(condition) != {"StringEquals"}:
        return None
    block = condition["StringEquals"]
    if not isinstance(block, Mapping) or set(block) != {"sts:ExternalId"}:
        return None
    value = block["sts:ExternalId"]
    values = [value] if isinstance(value, str) else list(value)
    return values if values and all(isinstance(v, str) for v in values) else None


def native_principal(statements: Sequence[Statement]) -> iam.IPrincipal | None:
    """A CDK principal that renders exactly ``statements``, when one exists.

    The common single-statement trusts (one service, one federated provider, one
    principal ARN) map to ``ServicePrincipal``/``FederatedPrincipal``/``ArnPrincipal``
    with their conditions, which costs the
    same jsii calls as hand-written code; anything else goes through
    :class:`TrustStatements`. A test checks that the synthesized trust equals the
    statements either way.
    """
    if len(statements) != 1:
        return None
    statement = statements[0]
    principal = statement.get("Principal")
    action = statement.get("Action")
    actions = [action] if isinstance(action, str) else list(action or [])
    conditions = statement.get("Condition")
    if set(statement) - {"Effect", "Principal", "Action", "Condition"}:
        return None
    if not isinstance(principal, Mapping) or len(principal) != 1:
        return None
    ((kind, value),) = principal.items()
    if not isinstance(value, str):
        return None
    if kind == "Service" and value.endswith(".amazonaws.com"):
        service = iam.ServicePrincipal(value, conditions=conditions)
        if actions == ["sts:AssumeRole"]:
            return service
        if actions == ["sts:AssumeRole", "sts:TagSession"]:
            return service.with_session_tags()
        return None
    if kind == "Federated" and len(actions) == 1:
        return iam.FederatedPrincipal(value, conditions or {}, actions[0])
    if kind == "AWS" and actions == ["sts:AssumeRole"] and value.startswith("arn:"):
        # One principal ARN (a cross-account trust): ArnPrincipal renders the ARN as
        # written; its conditions go through PrincipalWithConditions, two jsii calls
        # instead of a callback from the role into TrustStatements.
        arn = iam.ArnPrincipal(value)
        return arn.with_conditions(conditions) if conditions else arn
    return None


def _shared_principal(
    scope: Construct, trust: Sequence[Statement], arn_only: bool
) -> iam.IPrincipal:
    """The principal that renders ``trust``, shared by the roles of a stack that trust alike.

    Every principal object costs one or two round trips to Node, the main cost of a
    role. The CDK's principals are values: a role reads its principal to write its trust
    policy and never changes it, and no role hands it out. So the roles of one stack whose
    trust is the same JSON (fifty ECS task roles pinned to the stack's account, every role
    a vendor assumes with its own external ID) share one principal object, and such a role
    costs one round trip instead of two or three. Trust holding anything but JSON (a
    ``CfnJson``) is never shared. With ``arn_only``, the trust is one principal ARN whose
    only condition is the external IDs, which ``iam.Role`` renders itself.
    """
    key: str | None
    try:
        # json.dumps refuses what is not JSON (a CfnJson): such trust is not shared.
        text = json.dumps(trust, sort_keys=True)
    except (TypeError, ValueError):
        key = None
    else:
        key = "arn " + trust[0]["Principal"]["AWS"] if arn_only else text
    stack = stack_facts(scope).stack
    if key is not None:
        found = _PRINCIPALS.get(stack, {}).get(key)
        if found is not None:
            return found
    principal: iam.IPrincipal
    if arn_only:
        # iam.Role renders external_ids as StringEquals sts:ExternalId itself.
        principal = iam.ArnPrincipal(trust[0]["Principal"]["AWS"])
    else:
        principal = native_principal(trust) or TrustStatements(trust)
    if key is not None and not isinstance(principal, TrustStatements):
        _PRINCIPALS.setdefault(stack, {})[key] = principal
    return principal


def plain_text(bag: ProblemCollector, argument: str, value: object) -> bool:
    """Whether ``value`` may go on to the argument's own checks (rule IAMR-ROLE-008).

    A string with a control character or leading or trailing whitespace is recorded as a
    problem under ``argument`` and gives ``False``: the argument's own checks then skip
    it, so each bad value is reported once. Anything else gives ``True`` (a value of
    another type is judged by the argument's own checks). A CDK token is plain text; the
    literal text around a token (``f"{token}\\n"``) is judged like any other text.

    Args:
        bag: where the problem is recorded.
        argument: the argument as the caller wrote it, with its index for an element of
            a list (``"trusted_accounts[1]"``) or its key for a value of a mapping.
        value: the value received.

    Example:
        >>> bag = ProblemCollector()
        >>> plain_text(bag, "trusted_accounts[0]", "222222222222\\n")
        False
        >>> print(bag.problems[0].render())  # doctest: +ELLIPSIS
        trusted_accounts[0] holds a control character (\\n); remove it (got '222222222222\\n')...
    """
    if not isinstance(value, str):
        return True
    message = check_plain_text(value)
    if message is None:
        return True
    bag.extend([rules.PLAIN_TEXT.problem(argument, message, value)])
    return False


# IAM role descriptions: tab, line feed, carriage return and printable Latin-1 (the first
# three are refused anyway, by IAMR-ROLE-008).
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
_DESCRIPTION = re.compile(r"[\t\n\r\x20-\x7e\xa1-\xff]*")


def check_description(bag: ProblemCollector, argument: str, value: object, rule: RuleInfo) -> None:
    """A role description: a string of at most 1,000 characters that IAM accepts."""
    if value is None:
        return
    if not isinstance(value, str):
        bag.extend([rule.problem(argument, "must be a string", value)])
        return
    if not plain_text(bag, argument, value) or is_token(value):
        return
    if len(value) > 1000:
        bag.extend([rule.problem(argument, "must be at most 1,000 characters", value[:40] + "…")])
    elif not _DESCRIPTION.fullmatch(value):
        bad = next(c for c in value if not _DESCRIPTION.fullmatch(c))
        bag.extend(
            [
                rule.problem(
                    argument,
                    f"holds {bad!r}, which IAM does not accept (only printable Latin-1 text)",
                    value,
                    fix="Write the description in printable Latin-1 characters.",
                )
            ]
        )


def check_common(
    bag: ProblemCollector,
    *,
    role_name: object,
    path: object,
    max_session_duration: object,
    description: object = None,
    inline_policies: object = None,
) -> None:
    """Validate the keyword arguments every pattern shares with ``iam.Role``.

    Each is checked here, before ``iam.Role`` is constructed, so that a bad value is a
    :class:`~cdk_iam_roles.errors.RoleConfigError` with the others and never an error
    raised by the CDK's own checks. The names of ``inline_policies`` (policy names in
    the template) are plain text too.
    """
    if isinstance(inline_policies, Mapping):
        for name in inline_policies:
            plain_text(bag, "inline_policies (key)", name)
    if role_name is not None and plain_text(bag, "role_name", role_name):
        problem = check_role_name(role_name) if isinstance(role_name, str) else "must be a string"
        if problem:
            bag.extend([rules.ROLE_NAME.problem("role_name", problem, role_name)])
    if path is not None and plain_text(bag, "path", path):
        problem = check_role_path(path) if isinstance(path, str) else "must be a string"
        if problem:
            bag.extend([rules.ROLE_PATH.problem("path", problem, path)])
    check_description(bag, "description", description, rules.DESCRIPTION)
    if max_session_duration is not None:
        if not isinstance(max_session_duration, cdk.Duration):
            bag.extend(
                [
                    rules.MAX_SESSION.problem(
                        "max_session_duration", "must be an aws_cdk.Duration", max_session_duration
                    )
                ]
            )
            return
        seconds = max_session_duration.to_seconds()
        if not is_token(seconds) and not (
            MAX_SESSION_DURATION_MIN_SECONDS <= seconds <= MAX_SESSION_DURATION_MAX_SECONDS
        ):
            bag.extend(
                [
                    rules.MAX_SESSION.problem(
                        "max_session_duration",
                        "must be between 1 and 12 hours",
                        f"{seconds:g} seconds",
                    )
                ]
            )


def _iso8601(when: datetime | str) -> str | None:
    if isinstance(when, datetime):
        if when.tzinfo is None or when.utcoffset() is None:
            return None
        return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(when, str):
        if is_token(when):
            return when
        try:
            parsed = datetime.fromisoformat(when.replace("Z", "+00:00"))
        except ValueError:
            return None
        return _iso8601(parsed)
    return None


class PatternRole(iam.Role):
    """Base of the pattern classes that are roles: an ``iam.Role`` with trust built in Python.

    Subclasses validate their own arguments, build ``trust``, and call this constructor.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        trust: Sequence[Statement],
        role_name: str | None = None,
        path: str | None = None,
        description: str | None = None,
        max_session_duration: cdk.Duration | None = None,
        managed_policies: Sequence[iam.IManagedPolicy] | None = None,
        inline_policies: Mapping[str, iam.PolicyDocument] | None = None,
        permissions_boundary: iam.IManagedPolicy | None = None,
    ) -> None:
        external_ids = _external_ids_only(trust)
        principal = _shared_principal(scope, trust, external_ids is not None)
        super().__init__(
            scope,
            construct_id,
            assumed_by=principal,
            external_ids=external_ids,
            role_name=role_name,
            path=path,
            description=description,
            max_session_duration=max_session_duration,
            managed_policies=list(managed_policies) if managed_policies else None,
            inline_policies=dict(inline_policies) if inline_policies else None,
            permissions_boundary=permissions_boundary,
        )
        self._trust_statements: tuple[Statement, ...] = tuple(trust)
        self._revoke_policy: iam.Policy | None = None

    @property
    def trust_statements(self) -> tuple[Statement, ...]:
        """The trust statements the pattern built (before any statement added later)."""
        return self._trust_statements

    def revoke_sessions_issued_before(self, when: datetime | str) -> iam.Policy:
        """Deny everything to sessions of this role issued before ``when``.

        This is the inline deny on ``aws:TokenIssueTime`` that the IAM console's
        "Revoke active sessions" adds: credentials handed out before ``when`` stop
        working, while new sessions (under the new trust and permissions) work. Calling
        it again moves the cut-off.
        https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html

        Args:
            when: a timezone-aware ``datetime`` or ISO 8601 text with a zone.

        Returns:
            The ``iam.Policy`` holding the deny.

        Example:
            >>> role.revoke_sessions_issued_before("2026-11-30T12:00:00Z")  # doctest: +SKIP
        """
        bag = ProblemCollector()
        if not plain_text(bag, "when", when):
            bag.raise_if_any(self.node.path)
        stamp = _iso8601(when)
        if stamp is None:
            raise RoleConfigError(
                self.node.path,
                [rules.REVOKE_WHEN.problem("when", "must carry a time zone", when)],
            )
        statement = {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"DateLessThan": {"aws:TokenIssueTime": stamp}},
        }
        if self._revoke_policy is None:
            self._revoke_policy = iam.Policy(
                self,
                "RevokeOlderSessions",
                document=iam.PolicyDocument.from_json(
                    {"Version": "2012-10-17", "Statement": [statement]}
                ),
            )
            self._revoke_policy.attach_to_role(self)
        else:
            cfn = self._revoke_policy.node.default_child
            assert isinstance(cfn, iam.CfnPolicy)
            cfn.add_property_override(
                "PolicyDocument", {"Version": "2012-10-17", "Statement": [statement]}
            )
        return self._revoke_policy


def as_str_list(value: str | Sequence[str] | None) -> list[str]:
    """A string or a sequence of strings as a list (``None`` → empty)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def str_list(bag: ProblemCollector, rule: RuleInfo, argument: str, value: object) -> list[str]:
    """``value`` (a string, a list of strings or ``None``) as a list of strings.

    Anything else is recorded as a problem under ``rule`` and gives an empty list, so a
    wrong type is reported like any other bad input, never as a raw ``TypeError``. A
    string that is not plain text is recorded (IAMR-ROLE-008) and left out.
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if plain_text(bag, argument, value) else []
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return [v for i, v in enumerate(value) if plain_text(bag, f"{argument}[{i}]", v)]
    bag.extend([rule.problem(argument, "must be a string or a list of strings", value)])
    return []
