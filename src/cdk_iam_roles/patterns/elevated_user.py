"""ElevatedUserRole: short, MFA-gated elevation for named people (admin, break-glass)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_iam_roles.defaults import DEFAULT_ELEVATED_MAX_SESSION_SECONDS
from cdk_iam_roles.errors import ProblemCollector
from cdk_iam_roles.patterns._base import (
    PatternRole,
    check_common,
    construct_path,
    plain_text,
    warn,
)
from cdk_iam_roles.patterns.cross_account import (
    console_name_warning,
    parse_iam_principal,
    stack_partition,
    string_list,
)
from cdk_iam_roles.rules.construct import elevated_user as rules
from cdk_iam_roles.trust.document import Conditions, Statement, allow
from cdk_iam_roles.trust.tokens import is_token
from cdk_iam_roles.trust.validate import check_account_id, check_partition

__all__ = ["ElevatedUserRole", "identity_center_role_arn"]

_MFA_AGE_MIN_SECONDS = 60
_MFA_AGE_MAX_SECONDS = 43200
_REASON_MIN_CHARS = 10
# Identity Center creates one role per permission set and account, named
# AWSReservedSSO_<permission set>_<unique suffix>, under /aws-reserved/sso.amazonaws.com/
# (plus a region folder outside us-east-1); it recreates the role (new suffix) when the
# permission set is re-provisioned, so trust matches the ARN with ArnLike.
# https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html
_SSO_ROLE = re.compile(
    r"arn:(?P<partition>[a-z-]+):iam::(?P<account>\d{12}):role/aws-reserved/"
    r"sso\.amazonaws\.com/(?:\*/?|[a-z0-9-]+/)?AWSReservedSSO_(?P<permission_set>[\w+=,.@-]{1,32})"
    r"_(?:\*|[0-9a-f]{16})",
    re.ASCII,
)
_PERMISSION_SET = re.compile(r"[\w+=,.@-]{1,32}", re.ASCII)


def identity_center_role_arn(account: str, permission_set: str, *, partition: str = "aws") -> str:
    """The ``ArnLike`` pattern of the role Identity Center creates for a permission set.

    It matches the role in every region folder and with any unique suffix, and nothing
    of another permission set unless that set's name is this one followed by ``_``.

    Args:
        account: the 12-digit account the permission set is provisioned to.
        permission_set: the permission set's name, e.g. ``"AdministratorAccess"``.
        partition: the account's partition (default ``"aws"``).

    Example:
        >>> identity_center_role_arn("111111111111", "Admin")
        'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Admin_*'
    """
    if (
        not isinstance(account, str)
        or not isinstance(permission_set, str)
        or not isinstance(partition, str)
        or check_account_id(account)
        or not _PERMISSION_SET.fullmatch(permission_set)
        or check_partition(partition)
    ):
        raise ValueError(
            "identity_center_role_arn needs a 12-digit account, a permission set name of "
            "1 to 32 letters, digits and +=,.@_- and a known partition "
            f"(got {account!r}, {permission_set!r}, {partition!r})"
        )
    return (
        f"arn:{partition}:iam::{account}:role/aws-reserved/sso.amazonaws.com/"
        f"*AWSReservedSSO_{permission_set}_*"
    )


class ElevatedUserRole(PatternRole):
    """A role that named people assume for a short, MFA-gated elevation.

    The default trust names IAM users and requires, in one statement:
    ``Bool aws:MultiFactorAuthPresent = true``, ``NumericLessThan aws:MultiFactorAuthAge``
    (``mfa_max_age``), and ``StringEquals sts:RoleSessionName = ${aws:username}`` so that
    CloudTrail shows who used the role. Sessions last at most one hour unless
    ``long_session_reason`` explains why they need longer.

    With ``idp_enforced_mfa=True`` the callers are Identity Center (or other
    IdP-federated) role sessions instead: the trust names their account and matches the
    role ARN with ``ArnLike aws:PrincipalArn``, **without** an MFA condition, because
    federated sessions carry no MFA context AWS can see. MFA is then the identity
    provider's job; configure it there.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html

    Args:
        scope: the parent construct.
        construct_id: the construct's ID.
        trusted_users: the IAM user ARNs that may assume the role (required). With
            ``idp_enforced_mfa=True``: role ARNs, e.g. from
            :func:`identity_center_role_arn`.
        mfa_max_age: longest time since the MFA sign-in (default
            ``Duration.minutes(15)``; 1 minute to 12 hours).
        max_session_duration: longest session (default ``Duration.hours(1)``); more than
            one hour needs ``long_session_reason``.
        long_session_reason: why sessions may last longer than an hour (default: none).
        idp_enforced_mfa: trust IdP-federated role sessions whose MFA the IdP enforces
            (default False).
        require_source_identity: callers must set a source identity (their user name
            for IAM users), which then follows the session through role chaining
            (default False).
        alarm_topic: an SNS topic notified of every ``AssumeRole`` of this role through an
            EventBridge rule on CloudTrail events (default: no alarm). Needs a CloudTrail
            trail in the account.
        role_name: the role's name (default: generated by CloudFormation).
        path: the role's path (default ``/``).
        description: a description (default: none).
        managed_policies: managed policies to attach (default: none).
        inline_policies: inline policies by name (default: none).
        permissions_boundary: a permissions boundary (default: none).

    Raises:
        RoleConfigError: with every problem found (IAMR-EU-*, IAMR-ROLE-*).

    Example:
        >>> ElevatedUserRole(  # doctest: +SKIP
        ...     stack, "BreakGlass",
        ...     trusted_users=["arn:aws:iam::111111111111:user/alice"],
        ...     managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name(
        ...         "AdministratorAccess")])
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        trusted_users: Sequence[str],
        mfa_max_age: cdk.Duration | None = None,
        max_session_duration: cdk.Duration | None = None,
        long_session_reason: str | None = None,
        idp_enforced_mfa: bool = False,
        require_source_identity: bool = False,
        alarm_topic: sns.ITopic | None = None,
        role_name: str | None = None,
        path: str | None = None,
        description: str | None = None,
        managed_policies: Sequence[iam.IManagedPolicy] | None = None,
        inline_policies: Mapping[str, iam.PolicyDocument] | None = None,
        permissions_boundary: iam.IManagedPolicy | None = None,
    ) -> None:
        bag = ProblemCollector()
        partition = stack_partition(scope)
        for name, flag in (
            ("idp_enforced_mfa", idp_enforced_mfa),
            ("require_source_identity", require_source_identity),
        ):
            if not isinstance(flag, bool):
                bag.extend([rules.ARGUMENT_TYPE.problem(name, "must be True or False", flag)])
        idp = idp_enforced_mfa is True
        raw = string_list(bag, "trusted_users", trusted_users, rules.USER_INVALID)
        check_users = _check_idp_roles if idp else _check_users
        users = check_users(bag, raw, partition)
        if trusted_users is None or (
            isinstance(trusted_users, (list, tuple))
            and not raw
            and not any(isinstance(user, str) for user in trusted_users)
        ):
            bag.extend(
                [rules.NO_USERS.problem("trusted_users", "must name at least one user", None)]
            )
        mfa_seconds = _check_mfa_age(bag, mfa_max_age)
        if max_session_duration is None:
            max_session_duration = cdk.Duration.seconds(DEFAULT_ELEVATED_MAX_SESSION_SECONDS)
        reason = _check_reason(bag, long_session_reason)
        session_seconds = _check_session(bag, max_session_duration, reason)
        if alarm_topic is not None and not hasattr(alarm_topic, "topic_arn"):
            bag.extend(
                [rules.ARGUMENT_TYPE.problem("alarm_topic", "must be an sns.ITopic", alarm_topic)]
            )
        check_common(
            bag,
            role_name=role_name,
            path=path,
            max_session_duration=max_session_duration,
            description=description,
            inline_policies=inline_policies,
        )
        bag.raise_if_any(construct_path(scope, construct_id))

        source_identity = require_source_identity is True
        trust = (
            _idp_trust(users, source_identity=source_identity)
            if idp
            else _user_trust(users, mfa_seconds=mfa_seconds, source_identity=source_identity)
        )
        super().__init__(
            scope,
            construct_id,
            trust=trust,
            role_name=role_name,
            path=path,
            description=description,
            max_session_duration=max_session_duration,
            managed_policies=managed_policies,
            inline_policies=inline_policies,
            permissions_boundary=permissions_boundary,
        )
        self.trusted_users: tuple[str, ...] = tuple(users)
        self.idp_enforced_mfa = idp
        self.long_session_reason = reason
        if idp and session_seconds is not None and session_seconds > 3600:
            warn(
                self,
                rules.CHAINED_LONG_SESSION.id,
                f"max_session_duration is {session_seconds:g} seconds, but callers with "
                "idp_enforced_mfa reach this role by role chaining, which caps sessions at "
                "one hour",
            )
        if reason is not None and session_seconds is not None and session_seconds > 3600:
            # Kept in the cloud assembly, so reviews and `cdk-iam-roles catalog` can show it.
            cdk.Annotations.of(self).add_info(
                f"sessions may last {session_seconds / 3600:g} hours: {reason}"
            )
        console_name_warning(self, role_name, path)
        self.alarm_rule: events.Rule | None = None
        if alarm_topic is not None:
            self.alarm_rule = self._alarm(alarm_topic)

    def _alarm(self, topic: sns.ITopic) -> events.Rule:
        # CloudTrail delivers "AWS API Call via CloudTrail" events to EventBridge in the
        # region where STS handled the call (us-east-1 for the global endpoint), and only
        # when a trail is logging. https://docs.aws.amazon.com/eventbridge/latest/userguide/event-types.html
        # AssumeRole records carry the role in requestParameters.roleArn.
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
        return events.Rule(
            self,
            "AssumeAlarm",
            description="cdk-iam-roles: notify on every AssumeRole of an elevated role",
            event_pattern=events.EventPattern(
                source=["aws.sts"],
                detail_type=["AWS API Call via CloudTrail"],
                detail={
                    "eventSource": ["sts.amazonaws.com"],
                    "eventName": ["AssumeRole"],
                    "requestParameters": {"roleArn": [self.role_arn]},
                },
            ),
            targets=[targets.SnsTopic(topic)],
        )


def _check_users(bag: ProblemCollector, raw: Sequence[str], partition: str | None) -> list[str]:
    users: list[str] = []
    for item in raw:
        if is_token(item):
            users.append(item)
            continue
        if ":role/" in item or ":assumed-role/" in item:
            bag.extend(
                [
                    rules.ROLE_AS_USER.problem(
                        "trusted_users",
                        "must be IAM user ARNs; a role session meets the MFA condition only "
                        "if it was itself created with MFA, which this trust cannot enforce",
                        item,
                    )
                ]
            )
            continue
        parsed = parse_iam_principal(item)
        if isinstance(parsed, str):
            bag.extend([rules.USER_INVALID.problem("trusted_users", parsed, item)])
        elif partition is not None and parsed.partition != partition:
            bag.extend(
                [
                    rules.USER_INVALID.problem(
                        "trusted_users",
                        f"must be in the stack's partition '{partition}'",
                        item,
                        fix=f"Use arn:{partition}:iam::... for a stack in this region.",
                    )
                ]
            )
        else:
            users.append(item)
    return users


def _check_idp_roles(bag: ProblemCollector, raw: Sequence[str], partition: str | None) -> list[str]:
    roles: list[str] = []
    for item in raw:
        if is_token(item):
            bag.extend(
                [
                    rules.IDP_PRINCIPAL_INVALID.problem(
                        "trusted_users",
                        "must be a literal ARN when idp_enforced_mfa=True (the trust names "
                        "its account)",
                        item,
                    )
                ]
            )
            continue
        sso = _SSO_ROLE.fullmatch(item)
        found_partition: str | None = sso["partition"] if sso else None
        if sso is None:
            parsed = parse_iam_principal(item)
            problem = None
            if isinstance(parsed, str):
                problem = parsed
                if "wildcard" in parsed:
                    problem = (
                        "may use a wildcard only for the region folder and the unique suffix "
                        "of an Identity Center role"
                    )
            elif parsed.kind != "role":
                problem = (
                    "must be a role ARN when idp_enforced_mfa=True (IAM users are not federated)"
                )
            else:
                found_partition = parsed.partition
            if problem is not None:
                bag.extend([rules.IDP_PRINCIPAL_INVALID.problem("trusted_users", problem, item)])
                continue
        if partition is not None and found_partition != partition:
            bag.extend(
                [
                    rules.IDP_PRINCIPAL_INVALID.problem(
                        "trusted_users",
                        f"must be in the stack's partition '{partition}'",
                        item,
                        fix=f"Use arn:{partition}:iam::... for a stack in this region.",
                    )
                ]
            )
            continue
        roles.append(item)
    return roles


def _seconds(value: cdk.Duration) -> float | None:
    try:
        seconds = value.to_seconds()
    except Exception:  # jsii: a fractional number of seconds cannot be expressed
        return None
    return None if is_token(seconds) else float(seconds)


def _check_mfa_age(bag: ProblemCollector, value: object) -> int:
    if value is None:
        return 900
    if not isinstance(value, cdk.Duration):
        bag.extend([rules.ARGUMENT_TYPE.problem("mfa_max_age", "must be a Duration", value)])
        return 0
    seconds = _seconds(value)
    if seconds is None or not _MFA_AGE_MIN_SECONDS <= seconds <= _MFA_AGE_MAX_SECONDS:
        shown = value.to_human_string() if seconds is not None else repr(value)
        bag.extend(
            [
                rules.MFA_AGE_INVALID.problem(
                    "mfa_max_age", "must be between 1 minute and 12 hours", shown
                )
            ]
        )
        return 0
    return int(seconds)


def _check_reason(bag: ProblemCollector, value: object) -> str | None:
    if value is None:
        return None
    if not plain_text(bag, "long_session_reason", value):
        # The reason is recorded in the cloud assembly; refused, it still counts as given
        # so that max_session_duration is not reported as unexplained as well.
        return ""
    if not isinstance(value, str) or len(value.strip()) < _REASON_MIN_CHARS:
        bag.extend(
            [
                rules.REASON_INVALID.problem(
                    "long_session_reason",
                    f"must be a sentence of at least {_REASON_MIN_CHARS} characters",
                    value,
                )
            ]
        )
        return None
    return value.strip()


def _check_session(bag: ProblemCollector, value: object, reason: str | None) -> float | None:
    if not isinstance(value, cdk.Duration):
        return None  # reported by check_common
    seconds = _seconds(value)
    if seconds is not None and seconds > DEFAULT_ELEVATED_MAX_SESSION_SECONDS and reason is None:
        bag.extend(
            [
                rules.LONG_SESSION.problem(
                    "max_session_duration",
                    "must be at most one hour for an elevated role unless long_session_reason "
                    "says why",
                    f"{seconds:g} seconds",
                )
            ]
        )
    return seconds


def _user_trust(
    users: Sequence[str], *, mfa_seconds: int, source_identity: bool
) -> list[Statement]:
    conditions = Conditions()
    # Both MFA keys: present and recent. Bool (not BoolIfExists) so that long-term access
    # keys, which carry no MFA key at all, are refused.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
    conditions.add("Bool", "aws:MultiFactorAuthPresent", "true")
    conditions.add("NumericLessThan", "aws:MultiFactorAuthAge", str(mfa_seconds))
    # The session name shows up in CloudTrail and in the assumed-role ARN; pinning it to
    # the caller's user name makes every action traceable to a person.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_rolesessionname
    conditions.add("StringEquals", "sts:RoleSessionName", "${aws:username}")
    actions = ["sts:AssumeRole"]
    if source_identity:
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
        conditions.add("StringEquals", "sts:SourceIdentity", "${aws:username}")
        actions.append("sts:SetSourceIdentity")
    principal = {"AWS": users[0] if len(users) == 1 else list(users)}
    return [allow(principal, actions, conditions)]


def _idp_trust(roles: Sequence[str], *, source_identity: bool) -> list[Statement]:
    accounts: list[str] = []
    for arn in roles:
        parts = arn.split(":")
        root = ":".join([*parts[:5], "root"])
        if root not in accounts:
            accounts.append(root)
    conditions = Conditions()
    # No MFA condition: federated sessions carry no MFA context. The principal is the
    # account; aws:PrincipalArn picks the Identity Center roles, which are recreated with
    # a new suffix when re-provisioned.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
    conditions.add("ArnLike", "aws:PrincipalArn", list(roles))
    actions = ["sts:AssumeRole"]
    if source_identity:
        conditions.add("Null", "sts:SourceIdentity", "false")
        actions.append("sts:SetSourceIdentity")
    principal = {"AWS": accounts[0] if len(accounts) == 1 else accounts}
    return [allow(principal, actions, conditions)]
