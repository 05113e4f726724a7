"""The example organisation's IAM standard, enforced over every role of the examples app.

A platform team would ship this as a package of its own (see docs/org-standards.md);
the examples keep it beside the app.
"""

from __future__ import annotations

from cdk_iam_roles import OrgStandard

ORG_STANDARD = OrgStandard(
    # Every role says who owns it.
    required_tags={"owner": None},
    # No session longer than a working day.
    max_session_duration=8 * 3600,
    # Broad AWS managed policies are not handed out; admin roles require MFA
    # (admin_requires_mfa is on by default).
    forbidden_managed_policies=("PowerUserAccess", "IAMFullAccess"),
)
