"""The role catalog: who can assume each role, how, for how long, with which permissions.

Pure Python over CloudFormation JSON (never imports ``aws_cdk`` or ``jsii``).
:func:`build_catalog` reads stacks (from :func:`cdk_iam_roles.cfn.load_stacks`),
:func:`render` writes ``md``, ``json``, ``mermaid``, ``html`` or ``summary``, and
:func:`render_profiles` writes ``~/.aws/config`` profiles for the roles people assume.

Example:
    >>> from cdk_iam_roles.cfn import StackTemplate
    >>> catalog = build_catalog([StackTemplate.from_template({"Resources": {}}, name="Empty")])
    >>> print(render(catalog, "summary"), end="")
    IAM role catalog: 0 roles in 1 stack, 0 human-assumable; findings: 0 errors, 0 warnings, 0 info
      Empty    0 roles
"""

from __future__ import annotations

from cdk_iam_roles.catalog._words import Assumer, ConditionEntry
from cdk_iam_roles.catalog.model import (
    HAND_WRITTEN,
    PATTERNS,
    Catalog,
    Permissions,
    RoleEntry,
    StackEntry,
    build_catalog,
    infer_pattern,
)
from cdk_iam_roles.catalog.profiles import (
    ProfileOptions,
    ProfileReport,
    SkippedProfile,
    profile_report,
    render_profiles,
)
from cdk_iam_roles.catalog.render import FORMATS, render

__all__ = [
    "FORMATS",
    "HAND_WRITTEN",
    "PATTERNS",
    "Assumer",
    "Catalog",
    "ConditionEntry",
    "Permissions",
    "ProfileOptions",
    "ProfileReport",
    "RoleEntry",
    "SkippedProfile",
    "StackEntry",
    "build_catalog",
    "infer_pattern",
    "profile_report",
    "render",
    "render_profiles",
]
