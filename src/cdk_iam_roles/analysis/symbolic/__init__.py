"""Symbolic comparison of policies: no new access proved, or shown by a concrete request.

Pure Python (never imports ``aws_cdk`` or ``jsii``) and no solver dependency: every
string comparison IAM makes is membership in a wildcard language, so a product of small
automata lists exactly which combinations of statements a request can trigger, and each
combination is checked against AWS's decision logic. A ``new-access`` verdict always
carries a witness request that the concrete evaluator
(:func:`cdk_iam_roles.analysis.evaluate`) allows under the head policies and denies under
the base ones; whatever the engine cannot model makes the verdict ``unknown``.

Example:
    >>> from cdk_iam_roles.analysis.symbolic import compare_trust
    >>> base = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    ...     "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
    ...     "Action": "sts:AssumeRole",
    ...     "Condition": {"StringEquals": {"sts:ExternalId": "vendor-7"}}}]}
    >>> head = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    ...     "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
    ...     "Action": "sts:AssumeRole"}]}
    >>> verdict = compare_trust(base, head, role_arn="arn:aws:iam::111111111111:role/vendor")
    >>> verdict.verdict, verdict.witness.principal
    ('new-access', 'arn:aws:iam::222222222222:role/any-role')
"""

from cdk_iam_roles.analysis.symbolic._access import RoleAccess, external_access
from cdk_iam_roles.analysis.symbolic._diff import (
    DiffReport,
    RoleDiff,
    UnreadPart,
    diff_apps,
    match_roles,
)
from cdk_iam_roles.analysis.symbolic._questions import compare_permissions, compare_trust
from cdk_iam_roles.analysis.symbolic._verdict import Verdict, VerdictName, Witness

__all__ = [
    "DiffReport",
    "RoleAccess",
    "RoleDiff",
    "UnreadPart",
    "Verdict",
    "VerdictName",
    "Witness",
    "compare_permissions",
    "compare_trust",
    "diff_apps",
    "external_access",
    "match_roles",
]
