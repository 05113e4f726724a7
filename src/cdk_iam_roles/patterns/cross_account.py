"""CrossAccountRole: a role that principals of other AWS accounts (or a vendor) assume."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_iam_roles.defaults import CONSOLE_SWITCH_ROLE_MAX_CHARS
from cdk_iam_roles.errors import Problem, ProblemCollector, RoleConfigError
from cdk_iam_roles.patterns._base import (
    PatternRole,
    check_common,
    construct_path,
    plain_text,
    stack_facts,
    warn,
)
from cdk_iam_roles.rules.checks.mfa_from_roles_needs_mfa_session import INFO as MFA_FROM_ROLES
from cdk_iam_roles.rules.checks.trust_pin_values_name_accounts import INFO as PIN_VALUE
from cdk_iam_roles.rules.construct import cross_account as rules
from cdk_iam_roles.rules.construct import role as role_rules
from cdk_iam_roles.rules.model import RuleInfo
from cdk_iam_roles.trust.document import Conditions, Statement, allow
from cdk_iam_roles.trust.pins import PinKind, judge_value
from cdk_iam_roles.trust.tokens import is_token
from cdk_iam_roles.trust.validate import check_account_id, check_external_id, check_partition

__all__ = ["CrossAccountRole"]

# aws:PrincipalOrgID compares with the organization ID, "o-" plus 10 to 32 characters.
# https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html
_ORG_ID = re.compile(r"o-[a-z0-9]{10,32}")
# IAM principal ARNs: arn:PARTITION:iam::ACCOUNT:role/PATH/NAME or :user/PATH/NAME. Paths
# hold printable ASCII; names hold [\w+=,.@-].
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
_IAM_ARN = re.compile(
    r"arn:(?P<partition>[^:]+):iam::(?P<account>[^:]*):(?P<kind>role|user|root)"
    r"(?P<rest>/[\x21-\x7e]*)?"
)
_NAME = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
# Session tag keys: 1-128 characters; "aws:" is reserved; at most 50 session tags.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_know
_TAG_KEY = re.compile(r"[\w .:/=+\-@]{1,128}")
_MAX_SESSION_TAGS = 50


@dataclass(frozen=True, slots=True)
class IamPrincipalArn:
    """An IAM role or user ARN, split into the parts the patterns check."""

    arn: str
    partition: str
    account: str
    kind: str
    """``"role"`` or ``"user"``."""
    path: str
    name: str


def parse_iam_principal(value: str) -> IamPrincipalArn | str:
    """The parts of an IAM role or user ARN, or what is wrong with ``value``.

    Example:
        >>> parse_iam_principal("arn:aws:iam::222222222222:role/ops/deployer").path
        '/ops/'
        >>> parse_iam_principal("arn:aws:iam::222222222222:root")
        'is an account root ARN, which trusts the whole account'
    """
    if "*" in value or "?" in value:
        return "must not contain a wildcard"
    if value.startswith("arn:") and ":sts::" in value:
        return "must be an IAM role or user ARN, not an STS session ARN"
    match = _IAM_ARN.fullmatch(value)
    if match is None:
        return "must be an IAM role or user ARN such as arn:aws:iam::222222222222:role/NAME"
    if check_partition(match["partition"]):
        return f"has an unknown partition {match['partition']!r}"
    if check_account_id(match["account"]):
        return "must hold a 12-digit account ID"
    if match["kind"] == "root":
        if match["rest"]:
            return "must be an IAM role or user ARN such as arn:aws:iam::222222222222:role/NAME"
        return "is an account root ARN, which trusts the whole account"
    rest = match["rest"] or ""
    path, _, name = rest.rpartition("/")
    if not _NAME.fullmatch(name):
        return f"must end in a {match['kind']} name of 1 to 64 letters, digits and +=,.@_-"
    return IamPrincipalArn(
        value, match["partition"], match["account"], match["kind"], path + "/", name
    )


def stack_partition(scope: Construct) -> str | None:
    """The partition of the stack's region, or ``None`` when the region is a token."""
    return stack_facts(scope).partition


def switch_problems(switches: Mapping[str, object], rule: RuleInfo) -> list[Problem]:
    """A problem for each switch that is not a bool."""
    return [
        rule.problem(name, "must be True or False", value)
        for name, value in switches.items()
        if not isinstance(value, bool)
    ]


def string_list(bag: ProblemCollector, argument: str, value: object, rule: RuleInfo) -> list[str]:
    """``value`` as a list of distinct strings; anything else is a problem under ``rule``.

    A string that is not plain text is recorded (IAMR-ROLE-008, naming the element as
    ``argument[index]``) and left out, so the argument's own checks judge only the rest.
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if plain_text(bag, argument, value) else []
    if isinstance(value, (bytes, bytearray, Mapping)) or not isinstance(value, Sequence):
        bag.extend([rule.problem(argument, "must be a list of strings", value)])
        return []
    items: list[str] = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            if plain_text(bag, f"{argument}[{index}]", item) and item not in items:
                items.append(item)
        else:
            bag.extend([rule.problem(argument, "must hold only strings", item)])
    return items


def console_name_warning(role: iam.Role, role_name: str | None, path: str | None) -> None:
    """Warn when people could not switch to the role in the console (path + name > 64)."""
    if role_name is None or is_token(role_name) or (path is not None and is_token(path)):
        return
    full = (path or "/").strip("/")
    length = len(role_name) + (len(full) + 1 if full else 0)
    if length > CONSOLE_SWITCH_ROLE_MAX_CHARS:
        warn(
            role,
            role_rules.CONSOLE_NAME.id,
            f"path plus role_name is {length} characters; the console switches only to "
            f"roles whose path and name fit {CONSOLE_SWITCH_ROLE_MAX_CHARS}",
        )


class CrossAccountRole(PatternRole):
    """A role that principals of other AWS accounts, or a third-party vendor, assume.

    The trust names exact role or user ARNs (``trusted_principals``, preferred) or whole
    accounts (``trusted_accounts``, which leaves an acknowledgeable warning). Optional
    conditions: ``StringEquals aws:PrincipalOrgID``, ``StringEquals sts:ExternalId``
    (required for a vendor), ``Bool aws:MultiFactorAuthPresent``, a required source
    identity; optionally a second statement allows ``sts:TagSession`` for a fixed set of
    tag keys. Across accounts both sides must allow the call: :meth:`caller_policy`
    returns the statement the callers' account grants, :meth:`grant_assume_to` attaches
    it to a role, user or group of another stack.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_aws-accounts.html

    Args:
        scope: the parent construct.
        construct_id: the construct's ID.
        trusted_principals: exact IAM role or user ARNs that may assume the role
            (default: none). Wildcards and account root ARNs are refused.
        trusted_accounts: 12-digit account IDs whose principals may assume the role when
            their own identity policies allow it (default: none; warns IAMR-CA-008).
        organization_id: require the caller to belong to this AWS Organizations
            organization (``aws:PrincipalOrgID``; default: no condition). A wildcard
            (``'o-*'``) pins nothing and is refused under IAMR-TRUST-006.
        external_ids: the external ID(s) callers must pass (``sts:ExternalId``; default:
            none; required when ``third_party=True``).
        third_party: the caller is a vendor acting for several customers (default False);
            makes ``external_ids`` mandatory.
        require_mfa: require ``aws:MultiFactorAuthPresent`` = true (default False); warns
            (IAMR-MFA-004) when role principals are trusted.
        allow_session_tags: also allow ``sts:TagSession`` for the keys in
            ``session_tag_keys`` (default False).
        session_tag_keys: the session tag keys callers may set; required with
            ``allow_session_tags=True`` (default: none).
        require_source_identity: callers must set a source identity, which then follows
            the session through role chaining (adds ``sts:SetSourceIdentity``; default
            False).
        role_name: the role's name (default: generated by CloudFormation). Give one when
            callers in another account reference the role.
        path: the role's path (default ``/``).
        description: a description (default: none).
        max_session_duration: longest session (default: 1 hour).
        managed_policies: managed policies to attach (default: none).
        inline_policies: inline policies by name (default: none).
        permissions_boundary: a permissions boundary (default: none).

    Raises:
        RoleConfigError: with every problem found (IAMR-CA-*, IAMR-TRUST-006, IAMR-ROLE-*).

    Example:
        >>> role = CrossAccountRole(  # doctest: +SKIP
        ...     stack, "Deploy",
        ...     trusted_principals=["arn:aws:iam::222222222222:role/deployer"],
        ...     role_name="deploy-target")
        >>> role.grant_assume_to(deployer_role_in_other_stack)  # doctest: +SKIP
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        trusted_principals: Sequence[str] | None = None,
        trusted_accounts: Sequence[str] | None = None,
        organization_id: str | None = None,
        external_ids: str | Sequence[str] | None = None,
        third_party: bool = False,
        require_mfa: bool = False,
        allow_session_tags: bool = False,
        session_tag_keys: Sequence[str] | None = None,
        require_source_identity: bool = False,
        role_name: str | None = None,
        path: str | None = None,
        description: str | None = None,
        max_session_duration: cdk.Duration | None = None,
        managed_policies: Sequence[iam.IManagedPolicy] | None = None,
        inline_policies: Mapping[str, iam.PolicyDocument] | None = None,
        permissions_boundary: iam.IManagedPolicy | None = None,
    ) -> None:
        bag = ProblemCollector()
        partition = stack_partition(scope)
        bag.extend(
            switch_problems(
                {
                    "third_party": third_party,
                    "require_mfa": require_mfa,
                    "allow_session_tags": allow_session_tags,
                    "require_source_identity": require_source_identity,
                },
                rules.SWITCH_INVALID,
            )
        )
        principals = _check_principals(bag, trusted_principals, partition)
        accounts = _check_accounts(bag, trusted_accounts)
        if _empty(trusted_principals) and _empty(trusted_accounts):
            bag.extend(
                [
                    rules.NO_PRINCIPAL.problem(
                        "trusted_principals",
                        "or trusted_accounts must name at least one principal",
                        None,
                    )
                ]
            )
        if (
            organization_id is not None
            and plain_text(bag, "organization_id", organization_id)
            and not (
                isinstance(organization_id, str)
                and (is_token(organization_id) or _ORG_ID.fullmatch(organization_id))
            )
        ):
            bag.extend([_org_id_problem(organization_id)])
        ids = string_list(bag, "external_ids", external_ids, rules.EXTERNAL_ID_INVALID)
        for external_id in ids:
            problem = check_external_id(external_id)
            if problem:
                bag.extend(
                    [rules.EXTERNAL_ID_INVALID.problem("external_ids", problem, external_id)]
                )
        if third_party is True and not ids and _empty(external_ids):
            bag.extend(
                [
                    rules.EXTERNAL_ID_REQUIRED.problem(
                        "external_ids", "is required when third_party=True", None
                    )
                ]
            )
        tag_keys = _check_tag_keys(bag, allow_session_tags, session_tag_keys)
        check_common(
            bag,
            role_name=role_name,
            path=path,
            max_session_duration=max_session_duration,
            description=description,
            inline_policies=inline_policies,
        )
        bag.raise_if_any(lambda: construct_path(scope, construct_id))

        # The stack's partition (a token unless fixed) is read from Node once per stack.
        root_partition = partition if partition is not None else stack_facts(scope).partition_text
        aws_principals = [*principals] + [
            f"arn:{root_partition}:iam::{account}:root" for account in accounts
        ]
        conditions = Conditions()
        if ids:
            conditions.add("StringEquals", "sts:ExternalId", ids)
        if organization_id is not None:
            conditions.add("StringEquals", "aws:PrincipalOrgID", organization_id)
        if require_mfa:
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
            conditions.add("Bool", "aws:MultiFactorAuthPresent", "true")
        if require_source_identity:
            # The key is present only when the caller sets a source identity.
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
            conditions.add("Null", "sts:SourceIdentity", "false")
        principal = {"AWS": aws_principals[0] if len(aws_principals) == 1 else aws_principals}
        actions = ["sts:AssumeRole"]
        if require_source_identity:
            actions.append("sts:SetSourceIdentity")
        trust: list[Statement] = [allow(principal, actions, conditions)]
        if allow_session_tags:
            # TagSession is authorized separately; limiting aws:TagKeys keeps callers from
            # setting tags that other policies rely on.
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required
            tag_conditions = Conditions()
            tag_conditions.merge(conditions.render())
            tag_conditions.add("ForAllValues:StringEquals", "aws:TagKeys", tag_keys)
            trust.append(allow(principal, ["sts:TagSession"], tag_conditions))
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
        self.trusted_principals: tuple[str, ...] = tuple(principals)
        self.trusted_accounts: tuple[str, ...] = tuple(accounts)
        self._caller_actions = ["sts:AssumeRole"]
        if allow_session_tags:
            self._caller_actions.append("sts:TagSession")
        if require_source_identity:
            self._caller_actions.append("sts:SetSourceIdentity")
        self._role_name = role_name
        self._role_path = path
        if accounts:
            warn(
                self,
                rules.WHOLE_ACCOUNT.id,
                "trusted_accounts trusts every principal of "
                + ", ".join(accounts)
                + " whose identity policy allows sts:AssumeRole on this role; prefer "
                "trusted_principals with the exact role ARNs that need access",
            )
        role_principals = [p for p in principals if not is_token(p) and ":role/" in p]
        if require_mfa and role_principals:
            warn(
                self,
                # The same fact as the template rule, so one ID is acknowledged.
                MFA_FROM_ROLES.id,
                "require_mfa=True: a role session meets aws:MultiFactorAuthPresent only if "
                "it was itself created with MFA; trusted roles whose sessions were made "
                "without MFA will be denied: " + ", ".join(role_principals),
            )
        console_name_warning(self, role_name, path)

    def caller_arn(self) -> str:
        """This role's ARN as callers in another stack or account should reference it.

        A literal ARN when the role's name, path and the stack's account are known (no
        cross-stack reference is needed), otherwise ``role_arn`` (a token that works only
        within the same environment).
        """
        facts = stack_facts(self)
        name, path = self._role_name, self._role_path or "/"
        if name is None or is_token(name) or is_token(path) or is_token(facts.account):
            return self.role_arn
        partition = facts.partition or facts.partition_text
        return f"arn:{partition}:iam::{facts.account}:role{path}{name}"

    def caller_policy(self) -> iam.PolicyStatement:
        """The identity-policy statement a caller's account must grant to assume this role.

        Across accounts a caller needs both this role's trust and an identity policy of
        its own that allows ``sts:AssumeRole`` on the role (plus ``sts:TagSession`` /
        ``sts:SetSourceIdentity`` when this role's trust requires them).
        https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_aws-accounts.html

        Returns:
            A new ``iam.PolicyStatement`` on :meth:`caller_arn`.

        Example:
            >>> deployer.add_to_principal_policy(role.caller_policy())  # doctest: +SKIP
        """
        return iam.PolicyStatement(
            actions=list(self._caller_actions), resources=[self.caller_arn()]
        )

    def grant_assume_to(self, grantee: iam.IGrantable) -> iam.Grant:
        """Attach :meth:`caller_policy` to a role, user or group (any stack of the app).

        The statement goes into the grantee's own identity policy (its default policy, in
        the grantee's stack). When the grantee's stack has a concrete account that this
        role does not trust, nothing is granted and a :class:`RoleConfigError` says why;
        a grantee in another environment needs this role to have a ``role_name``.

        Args:
            grantee: the caller identity, e.g. an ``iam.Role`` in the other account's stack.

        Returns:
            The ``iam.Grant``.

        Raises:
            RoleConfigError: the grantee is not trusted, or cannot name this role.

        Example:
            >>> role.grant_assume_to(deployer)  # doctest: +SKIP
        """
        problems: list[Problem] = []
        grantee_stack = cdk.Stack.of(grantee) if isinstance(grantee, Construct) else None
        shown = grantee.node.path if isinstance(grantee, Construct) else repr(grantee)
        here = cdk.Stack.of(self)
        if grantee_stack is not None and not is_token(grantee_stack.account):
            trusted = set(self.trusted_accounts) | {
                p.split(":")[4] for p in self.trusted_principals if not is_token(p)
            }
            unknown = any(is_token(p) for p in self.trusted_principals)
            if not unknown and grantee_stack.account not in trusted:
                problems.append(
                    rules.GRANTEE_NOT_TRUSTED.problem(
                        "grantee",
                        f"is in account {grantee_stack.account}, which this role does not trust",
                        shown,
                    )
                )
        arn = self.caller_arn()
        if grantee_stack is not None and grantee_stack is not here and is_token(arn):
            same_env = grantee_stack.account == here.account and grantee_stack.region == here.region
            if not same_env or is_token(grantee_stack.account) or is_token(here.account):
                problems.append(
                    rules.GRANTEE_NOT_TRUSTED.problem(
                        "grantee",
                        "is in another environment, which cannot reference a role without "
                        "a role_name",
                        shown,
                        fix="Give this role a role_name so that callers can name its ARN.",
                    )
                )
        if problems:
            raise RoleConfigError(self.node.path, problems)
        return iam.Grant.add_to_principal(
            grantee=grantee, actions=list(self._caller_actions), resource_arns=[arn]
        )


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, (list, tuple)) and not value)


def _check_principals(bag: ProblemCollector, value: object, partition: str | None) -> list[str]:
    principals: list[str] = []
    for item in string_list(bag, "trusted_principals", value, rules.PRINCIPAL_INVALID):
        if is_token(item):
            principals.append(item)
            continue
        parsed = parse_iam_principal(item)
        if isinstance(parsed, str):
            fix = None
            if parsed.startswith("is an account root"):
                account = item.split(":")[4]
                fix = (
                    f"Pass trusted_accounts=['{account}'] to trust the account, or better "
                    "the exact role ARN that needs access."
                )
            bag.extend([rules.PRINCIPAL_INVALID.problem("trusted_principals", parsed, item, fix)])
            continue
        if partition is not None and parsed.partition != partition:
            bag.extend(
                [
                    rules.PARTITION_MISMATCH.problem(
                        "trusted_principals",
                        f"must be in the stack's partition '{partition}'",
                        item,
                        fix=f"Use arn:{partition}:iam::... for a stack in this region.",
                    )
                ]
            )
            continue
        principals.append(item)
    return principals


def _check_accounts(bag: ProblemCollector, value: object) -> list[str]:
    accounts: list[str] = []
    for item in string_list(bag, "trusted_accounts", value, rules.ACCOUNT_INVALID):
        problem = check_account_id(item)
        if problem:
            fix = None
            if item.startswith("arn:"):
                fix = "Pass the bare 12-digit ID, or put an exact ARN in trusted_principals."
            bag.extend([rules.ACCOUNT_INVALID.problem("trusted_accounts", problem, item, fix)])
        else:
            accounts.append(item)
    return accounts


def _org_id_problem(value: object) -> Problem:
    """What is wrong with an ``organization_id`` that is not an organization ID.

    A wildcard is judged by the same predicate as the template rule IAMR-TRUST-006 (read
    as the pattern it was meant to be, 'o-*' matches every organization), so the value
    is refused under that rule's ID.
    """
    if isinstance(value, str):
        verdict = judge_value("aws:PrincipalOrgID", value, matching="glob")
        if verdict.kind is PinKind.WILDCARD:
            return PIN_VALUE.problem("organization_id", f"pins nothing: {verdict.reason}", value)
    return rules.ORG_ID_INVALID.problem(
        "organization_id", "must be 'o-' followed by 10 to 32 lower-case letters or digits", value
    )


def _check_tag_keys(bag: ProblemCollector, allow_tags: object, value: object) -> list[str]:
    keys = string_list(bag, "session_tag_keys", value, rules.SESSION_TAGS_INVALID)
    if allow_tags is not True:
        if keys:
            bag.extend(
                [
                    rules.SESSION_TAGS_INVALID.problem(
                        "session_tag_keys",
                        "is given but allow_session_tags is not True",
                        keys,
                        fix="Pass allow_session_tags=True as well, or drop session_tag_keys.",
                    )
                ]
            )
        return keys
    if not keys and _empty(value):
        bag.extend(
            [
                rules.SESSION_TAGS_INVALID.problem(
                    "session_tag_keys", "is required when allow_session_tags=True", value
                )
            ]
        )
    if len(keys) > _MAX_SESSION_TAGS:
        bag.extend(
            [
                rules.SESSION_TAGS_INVALID.problem(
                    "session_tag_keys",
                    f"must hold at most {_MAX_SESSION_TAGS} keys",
                    f"{len(keys)} keys",
                )
            ]
        )
    for key in keys:
        if is_token(key):
            continue
        if key.lower().startswith("aws:"):
            bag.extend(
                [
                    rules.SESSION_TAGS_INVALID.problem(
                        "session_tag_keys", "must not start with the reserved prefix 'aws:'", key
                    )
                ]
            )
        elif not _TAG_KEY.fullmatch(key):
            bag.extend(
                [
                    rules.SESSION_TAGS_INVALID.problem(
                        "session_tag_keys",
                        "must be 1 to 128 letters, digits, spaces and _.:/=+-@",
                        key,
                    )
                ]
            )
    return keys
