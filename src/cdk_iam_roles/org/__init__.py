"""CDK faces for organisation scale: roles rolled out to every account by StackSets.

Example:
    >>> from cdk_iam_roles.org import OrgRoleRollout  # doctest: +SKIP
"""

from __future__ import annotations

from cdk_iam_roles.org.rollout import OrgRoleRollout

__all__ = ["OrgRoleRollout"]
