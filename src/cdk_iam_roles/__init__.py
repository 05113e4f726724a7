"""Typed AWS CDK v2 constructs for IAM roles, and offline tools that prove what they allow.

The CDK-facing classes are imported lazily, on first use, so that
``import cdk_iam_roles.analysis`` and the ``cdk-iam-roles`` command line never load
``aws_cdk`` or ``jsii``.

Example:
    >>> import cdk_iam_roles
    >>> cdk_iam_roles.RoleConfigError.__mro__[1].__name__
    'CdkIamRolesError'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from cdk_iam_roles.errors import CdkIamRolesError, InputError, Problem, RoleConfigError

if TYPE_CHECKING:
    from cdk_iam_roles.org.rollout import OrgRoleRollout
    from cdk_iam_roles.patterns.cross_account import CrossAccountRole
    from cdk_iam_roles.patterns.elevated_user import ElevatedUserRole, identity_center_role_arn
    from cdk_iam_roles.patterns.federated import FederatedRole
    from cdk_iam_roles.patterns.roles_anywhere import RolesAnywhereRole
    from cdk_iam_roles.patterns.service import ServiceRole
    from cdk_iam_roles.patterns.service_linked import ServiceLinkedRole
    from cdk_iam_roles.patterns.web_identity import WebIdentityRole, oidc_provider_for
    from cdk_iam_roles.plugin import IamRolesPlugin
    from cdk_iam_roles.rules.org import OrgStandard
    from cdk_iam_roles.trust.identities import (
        BitbucketPipelines,
        Buildkite,
        CircleCI,
        CognitoIdentityPool,
        EksServiceAccount,
        GenericOidc,
        GitHubActions,
        GitLabCI,
        TerraformCloud,
    )

__version__ = "0.1.0"

# Public name -> module that defines it (imported on first attribute access).
_LAZY: dict[str, str] = {
    "BitbucketPipelines": "cdk_iam_roles.trust.identities",
    "Buildkite": "cdk_iam_roles.trust.identities",
    "CircleCI": "cdk_iam_roles.trust.identities",
    "CognitoIdentityPool": "cdk_iam_roles.trust.identities",
    "CrossAccountRole": "cdk_iam_roles.patterns.cross_account",
    "EksServiceAccount": "cdk_iam_roles.trust.identities",
    "ElevatedUserRole": "cdk_iam_roles.patterns.elevated_user",
    "FederatedRole": "cdk_iam_roles.patterns.federated",
    "GenericOidc": "cdk_iam_roles.trust.identities",
    "GitHubActions": "cdk_iam_roles.trust.identities",
    "GitLabCI": "cdk_iam_roles.trust.identities",
    "IamRolesPlugin": "cdk_iam_roles.plugin",
    "OrgRoleRollout": "cdk_iam_roles.org.rollout",
    "OrgStandard": "cdk_iam_roles.rules.org",
    "RolesAnywhereRole": "cdk_iam_roles.patterns.roles_anywhere",
    "ServiceLinkedRole": "cdk_iam_roles.patterns.service_linked",
    "ServiceRole": "cdk_iam_roles.patterns.service",
    "TerraformCloud": "cdk_iam_roles.trust.identities",
    "WebIdentityRole": "cdk_iam_roles.patterns.web_identity",
    "identity_center_role_arn": "cdk_iam_roles.patterns.elevated_user",
    "oidc_provider_for": "cdk_iam_roles.patterns.web_identity",
}

__all__ = [
    "BitbucketPipelines",
    "Buildkite",
    "CdkIamRolesError",
    "CircleCI",
    "CognitoIdentityPool",
    "CrossAccountRole",
    "EksServiceAccount",
    "ElevatedUserRole",
    "FederatedRole",
    "GenericOidc",
    "GitHubActions",
    "GitLabCI",
    "IamRolesPlugin",
    "InputError",
    "OrgRoleRollout",
    "OrgStandard",
    "Problem",
    "RoleConfigError",
    "RolesAnywhereRole",
    "ServiceLinkedRole",
    "ServiceRole",
    "TerraformCloud",
    "WebIdentityRole",
    "identity_center_role_arn",
    "oidc_provider_for",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cdk_iam_roles' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
