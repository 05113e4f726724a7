"""IAMR-USE-001: a role passed to a service trusts that service.

A Lambda function, an EC2 instance profile, an ECS task definition, a CodeBuild project
and many more hand a role to an AWS service, which then assumes it. If the role does
not trust the service principal, the deployment may succeed but the service fails at
run time ("wrong role assigned to EC2 or other services").
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from typing import Any

from cdk_iam_roles.rules._trust import allow_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.service_roles import ROLE_USES, values_at
from cdk_iam_roles.rules.view import (
    RoleView,
    TemplateView,
    lower_actions,
    principal_values,
    role_arn_target,
)

INFO = RuleInfo(
    id="IAMR-USE-001",
    severity=Severity.ERROR,
    what=(
        "A resource passes a role to a service (Lambda Role, instance profile Roles, ECS "
        "TaskRoleArn/ExecutionRoleArn, CodeBuild ServiceRole, Step Functions RoleArn, ...) "
        "whose trust policy does not allow that service principal."
    ),
    why=(
        "The service cannot assume the role: the stack deploys, then the function, "
        "instance, task or job fails with access denied at run time."
    ),
    fix=(
        "Use a role that trusts the service (ServiceRole(service=...)) or add the service "
        "principal to the role's trust policy."
    ),
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "troubleshoot_roles.html#troubleshoot_roles_cant-assume-role"
    ),
    scopes=frozenset({Scope.TEMPLATE}),
)

_ASSUME = frozenset({"sts:assumerole", "sts:*", "*"})


def _service_name(value: str) -> str:
    text = value.strip().lower()
    return text[: -len(".cn")] if text.endswith(".amazonaws.com.cn") else text


def trusts(role: RoleView, principals: tuple[str, ...]) -> bool | None:
    """Whether the role's trust allows one of ``principals`` to call ``sts:AssumeRole``.

    ``None`` when it cannot be known (a trust policy or a service value is unresolved).
    """
    if role.trust_policy is None:
        return None
    unknown = False
    for _, statement in allow_statements(role):
        if not _ASSUME & set(lower_actions(statement)):
            continue
        for value in principal_values(statement, "Service"):
            if not isinstance(value, str):
                unknown = True
                continue
            name = _service_name(value)
            if any(fnmatch.fnmatchcase(name, p) for p in principals):
                return True
    return None if unknown else False


def _role_for(view: TemplateView, value: Any, by_name: Mapping[str, str]) -> str | None:
    target = role_arn_target(value)
    if target is not None:
        logical_id, how = target
        return logical_id if logical_id in view.role_ids and how in ("Ref", "Arn") else None
    if isinstance(value, str):
        name = value.rsplit("/", 1)[-1] if value.startswith("arn:") else value
        return by_name.get(name)
    return None


def check(view: TemplateView) -> Iterator[Finding]:
    """Each resource property naming a template role that does not trust the service."""
    roles = {role.logical_id: role for role in view.roles}
    by_name = {
        str(role.properties["RoleName"]): role.logical_id
        for role in view.roles
        if isinstance(role.properties.get("RoleName"), str)
    }
    types = sorted({use.resource_type for use in ROLE_USES})
    for logical_id, resource in view.stack.resources_of_type(*types):
        props = view.resolved[logical_id]
        for use in ROLE_USES:
            if use.resource_type != resource.get("Type"):
                continue
            for value in values_at(props, use.property_path):
                role_id = _role_for(view, value, by_name)
                if role_id is None:
                    continue  # a role outside the template, or unknown: not judged
                if trusts(roles[role_id], use.principals) is False:
                    yield view.finding(
                        INFO,
                        role_id,
                        f"{use.resource_type} {logical_id} passes this role through "
                        f"{use.property_path}, but its trust policy does not allow "
                        f"{' or '.join(use.principals)} to assume it",
                    )


RULE = TemplateRule(INFO, check)
