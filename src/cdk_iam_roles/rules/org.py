"""Organisation standards: a platform team's role rules as data (IAMR-ORG-*, pure Python).

An :class:`OrgStandard` states what every role of an app must look like (permissions
boundary, path, name, tags, session length, forbidden managed policies, MFA for roles
that can administer). :meth:`OrgStandard.rules` turns it into template rules that run
through the same engine as the catalog's rules: at synth through
:class:`cdk_iam_roles.plugin.IamRolesPlugin`, or with :func:`cdk_iam_roles.rules.check_stack`.

Example:
    >>> from cdk_iam_roles.cfn import StackTemplate
    >>> from cdk_iam_roles.rules import check_stack
    >>> standard = OrgStandard(path="/app/")
    >>> tpl = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
    ...     "AssumeRolePolicyDocument": {"Statement": []}}}}}
    >>> [f.rule_id for f in check_stack(StackTemplate.from_template(tpl), rules=standard.rules())]
    ['IAMR-ORG-002']
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cdk_iam_roles.cfn import ResourceRef
from cdk_iam_roles.rules._trust import PrincipalKind, allow_statements, principal_kinds
from cdk_iam_roles.rules.checks.mfa_not_required_from_federation import requires_mfa
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import (
    RoleView,
    TemplateView,
    as_list,
    is_unknown,
    lower_actions,
    statements_of,
)

__all__ = ["ORG_RULES", "OrgStandard"]

_ROLE_API = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html"


def _org_rule(number: int, what: str, why: str, fix: str, doc: str) -> RuleInfo:
    return RuleInfo(
        id=f"IAMR-ORG-{number:03d}",
        severity=Severity.ERROR,
        what=what,
        why=why,
        fix=fix,
        doc=doc,
        scopes=frozenset({Scope.TEMPLATE}),
    )


BOUNDARY = _org_rule(
    1,
    "A role carries the organisation's permissions boundary (OrgStandard.permissions_boundary).",
    "The boundary caps what any role can do, whatever policies a team attaches later.",
    "Apply the boundary to the app: iam.PermissionsBoundary.of(app).apply(boundary).",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html",
)
PATH = _org_rule(
    2,
    "A role's path is the organisation's path (OrgStandard.path).",
    "Paths let SCPs and policies address a team's roles (arn:...:role/team/*) as a group.",
    "Pass path= on every role (the patterns accept it).",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-friendly-names",
)
NAME = _org_rule(
    3,
    "An explicit role name matches the organisation's pattern (OrgStandard.role_name_pattern).",
    "Naming conventions let SCPs, permission sets and reviews address roles by name.",
    "Choose a role_name that matches the pattern, or leave it to CloudFormation if allowed.",
    _ROLE_API,
)
TAGS = _org_rule(
    4,
    "A role carries every tag the organisation requires (OrgStandard.required_tags).",
    "Tags drive ownership, cost allocation and attribute-based access control.",
    "Tag the app or stack: cdk.Tags.of(app).add(KEY, VALUE).",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags_roles.html",
)
SESSION = _org_rule(
    5,
    "A role's MaxSessionDuration is at most the organisation's maximum.",
    "Long sessions keep leaked credentials valid for longer.",
    "Pass max_session_duration=Duration.hours(N) within the maximum.",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html",
)
FORBIDDEN = _org_rule(
    6,
    "A role has none of the managed policies the organisation forbids.",
    "Broad AWS managed policies (AdministratorAccess …) bypass least privilege.",
    "Grant the specific permissions the role needs instead.",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
)
ADMIN_MFA = _org_rule(
    7,
    "A role that can administer the account is a service role or requires MFA from its callers.",
    "Administrative roles assumable without MFA turn one stolen credential into full control.",
    (
        "Require Bool aws:MultiFactorAuthPresent in its trust (ElevatedUserRole), or narrow "
        "its permissions."
    ),
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html",
)

ORG_RULES: tuple[RuleInfo, ...] = (BOUNDARY, PATH, NAME, TAGS, SESSION, FORBIDDEN, ADMIN_MFA)
"""The catalog entries of every organisation rule."""

_DEFAULT_ADMIN_POLICIES = ("AdministratorAccess", "IAMFullAccess")
_ADMIN_ACTIONS = frozenset({"*", "*:*", "iam:*"})


def _policy_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1] if arn.startswith("arn:") else arn


@dataclass(frozen=True)
class OrgStandard:
    """What every role of an app must look like, as data.

    Every field is optional; only the fields given are enforced.

    Args:
        permissions_boundary: ARN (``fnmatch`` pattern allowed) the role's
            ``PermissionsBoundary`` must match (default: not enforced). [IAMR-ORG-001]
        path: the path every role must have, e.g. ``"/app/"`` (pattern allowed; default:
            not enforced). [IAMR-ORG-002]
        role_name_pattern: regular expression an explicit ``RoleName`` must fully match
            (default: not enforced). [IAMR-ORG-003]
        require_role_name: roles without an explicit name fail IAMR-ORG-003 too (default
            False: generated names pass).
        required_tags: tag keys every role must carry, or a mapping of key to the required
            value (``None`` for any value; default: none). [IAMR-ORG-004]
        max_session_duration: the longest ``MaxSessionDuration`` allowed, in seconds
            (default: not enforced). [IAMR-ORG-005]
        forbidden_managed_policies: managed policy names or ARNs (patterns allowed), e.g.
            ``("AdministratorAccess",)`` (default: none). [IAMR-ORG-006]
        admin_requires_mfa: roles that can administer must be service roles or require
            MFA (default True). [IAMR-ORG-007]
        admin_managed_policies: managed policy names that make a role administrative
            (default: AdministratorAccess, IAMFullAccess); an inline ``Allow`` of ``*`` or
            ``iam:*`` on ``*`` does too.

    Example:
        >>> standard = OrgStandard(required_tags=("owner",), max_session_duration=3600)
        >>> [r.info.id for r in standard.rules()]
        ['IAMR-ORG-004', 'IAMR-ORG-005', 'IAMR-ORG-007']
    """

    permissions_boundary: str | None = None
    path: str | None = None
    role_name_pattern: str | None = None
    require_role_name: bool = False
    required_tags: Sequence[str] | Mapping[str, str | None] = ()
    max_session_duration: int | None = None
    forbidden_managed_policies: Sequence[str] = ()
    admin_requires_mfa: bool = True
    admin_managed_policies: Sequence[str] = field(default=_DEFAULT_ADMIN_POLICIES)

    def __post_init__(self) -> None:
        problems: list[str] = []
        if self.role_name_pattern is not None:
            try:
                re.compile(self.role_name_pattern)
            except re.error as exc:
                problems.append(f"role_name_pattern is not a regular expression ({exc})")
        if self.max_session_duration is not None and not (
            isinstance(self.max_session_duration, int)
            and 3600 <= self.max_session_duration <= 43200
        ):
            problems.append(
                "max_session_duration must be whole seconds between 3600 and 43200 "
                f"(got {self.max_session_duration!r})"
            )
        if isinstance(self.required_tags, str):
            problems.append("required_tags must be a list of keys or a mapping, not one string")
        if isinstance(self.forbidden_managed_policies, str):
            problems.append("forbidden_managed_policies must be a list, not one string")
        if problems:
            raise ValueError("OrgStandard: " + "; ".join(problems))

    def rules(self) -> tuple[TemplateRule, ...]:
        """The template rules this standard enforces (only those it configures)."""
        checks = (
            (BOUNDARY, self.permissions_boundary is not None, self._boundary),
            (PATH, self.path is not None, self._path),
            (NAME, self.role_name_pattern is not None or self.require_role_name, self._name),
            (TAGS, bool(self.required_tags), self._tags),
            (SESSION, self.max_session_duration is not None, self._session),
            (FORBIDDEN, bool(self.forbidden_managed_policies), self._forbidden),
            (ADMIN_MFA, self.admin_requires_mfa, self._admin_mfa),
        )
        return tuple(TemplateRule(info, fn) for info, enabled, fn in checks if enabled)

    # Each check skips values it cannot know: an unknown is never judged.

    def _boundary(self, view: TemplateView) -> Iterator[Finding]:
        wanted = self.permissions_boundary or ""
        for role in view.roles:
            value = role.properties.get("PermissionsBoundary")
            if is_unknown(value):
                continue
            if not isinstance(value, str) or not fnmatch.fnmatchcase(value, wanted):
                yield view.finding(
                    BOUNDARY,
                    role.logical_id,
                    f"permissions boundary is {_show(value)}; the standard requires {wanted}",
                )

    def _path(self, view: TemplateView) -> Iterator[Finding]:
        wanted = self.path or "/"
        for role in view.roles:
            value = role.properties.get("Path", "/")
            if is_unknown(value):
                continue
            if not isinstance(value, str) or not fnmatch.fnmatchcase(value, wanted):
                yield view.finding(
                    PATH, role.logical_id, f"path is {_show(value)}; the standard requires {wanted}"
                )

    def _name(self, view: TemplateView) -> Iterator[Finding]:
        for role in view.roles:
            value = role.properties.get("RoleName")
            if is_unknown(value):
                continue
            if value is None:
                if self.require_role_name:
                    yield view.finding(NAME, role.logical_id, "role has no explicit RoleName")
                continue
            pattern = self.role_name_pattern
            if pattern is not None and not (
                isinstance(value, str) and re.fullmatch(pattern, value)
            ):
                yield view.finding(
                    NAME,
                    role.logical_id,
                    f"role name {_show(value)} does not match {pattern!r}",
                )

    def _tags(self, view: TemplateView) -> Iterator[Finding]:
        required: Mapping[str, str | None] = (
            self.required_tags
            if isinstance(self.required_tags, Mapping)
            else dict.fromkeys(self.required_tags)
        )
        for role in view.roles:
            raw = role.properties.get("Tags")
            if is_unknown(raw):
                continue
            tags = {
                t.get("Key"): t.get("Value")
                for t in as_list(raw)
                if isinstance(t, Mapping) and isinstance(t.get("Key"), str)
            }
            problems: list[str] = []
            for key, value in required.items():
                if key not in tags:
                    problems.append(f"tag {key!r} is missing")
                elif value is not None and isinstance(tags[key], str) and tags[key] != value:
                    problems.append(f"tag {key!r} is {tags[key]!r}, not {value!r}")
            if problems:
                yield view.finding(TAGS, role.logical_id, "; ".join(problems))

    def _session(self, view: TemplateView) -> Iterator[Finding]:
        limit = self.max_session_duration or 3600
        for role in view.roles:
            value = role.properties.get("MaxSessionDuration", 3600)
            if is_unknown(value):
                continue
            try:
                seconds = int(value)
            except (TypeError, ValueError):
                continue
            if seconds > limit:
                yield view.finding(
                    SESSION,
                    role.logical_id,
                    f"MaxSessionDuration is {seconds} s; the standard allows at most {limit} s",
                )

    def _forbidden(self, view: TemplateView) -> Iterator[Finding]:
        for role in view.roles:
            for arn in view.managed_policies(role.logical_id):
                if not isinstance(arn, str):
                    continue
                for pattern in self.forbidden_managed_policies:
                    target = arn if pattern.startswith("arn:") else _policy_name(arn)
                    if fnmatch.fnmatchcase(target, pattern):
                        yield view.finding(
                            FORBIDDEN,
                            role.logical_id,
                            f"managed policy {arn} is forbidden by the standard ({pattern})",
                        )
                        break

    def _can_administer(self, view: TemplateView, role: RoleView) -> str | None:
        for arn in view.managed_policies(role.logical_id):
            if isinstance(arn, str) and _policy_name(arn) in self.admin_managed_policies:
                return f"managed policy {_policy_name(arn)}"
        documents: list[Any] = [doc for _, doc in view.inline_policies(role.logical_id)]
        for ref in view.managed_policies(role.logical_id):
            if isinstance(ref, ResourceRef):
                documents.append(view.resolved.get(ref.logical_id, {}).get("PolicyDocument"))
        for document in documents:
            for statement in statements_of(document):
                if statement.get("Effect") != "Allow" or "*" not in as_list(
                    statement.get("Resource")
                ):
                    continue
                broad = _ADMIN_ACTIONS & set(lower_actions(statement))
                if broad:
                    return f"an inline Allow of {sorted(broad)[0]} on *"
        return None

    def _admin_mfa(self, view: TemplateView) -> Iterator[Finding]:
        for role in view.roles:
            reason = self._can_administer(view, role)
            if reason is None:
                continue
            for index, statement in allow_statements(role):
                kinds = principal_kinds(view, statement)
                if PrincipalKind.UNKNOWN in kinds or kinds <= {PrincipalKind.SERVICE}:
                    continue
                if requires_mfa(statement) is None:
                    yield view.finding(
                        ADMIN_MFA,
                        role.logical_id,
                        f"role can administer ({reason}) and trust statement {index} "
                        "lets callers in without MFA",
                    )
                    break


def _show(value: object) -> str:
    return "absent" if value is None else repr(value)
