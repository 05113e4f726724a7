"""Rules of RolesAnywhereRole and of Roles Anywhere trusts in templates (IAMR-RA-*).

IAMR-RA-001 and IAMR-RA-002 are checked in both places: the template rules
(:mod:`cdk_iam_roles.rules.checks.roles_anywhere_source_arn_pinned`,
:mod:`cdk_iam_roles.rules.checks.roles_anywhere_certificate_pinned`) and
:class:`~cdk_iam_roles.patterns.roles_anywhere.RolesAnywhereRole` report them with the
same ID.
"""

from __future__ import annotations

from cdk_iam_roles.rules.model import RuleInfo, Scope, Severity

_TRUST = "https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html"
_BOTH = frozenset({Scope.TEMPLATE, Scope.CONSTRUCT})

SOURCE_ARN_MISSING = RuleInfo(
    id="IAMR-RA-001",
    severity=Severity.ERROR,
    what=(
        "A trust of rolesanywhere.amazonaws.com pins the trust anchor(s) with a condition "
        "on aws:SourceArn that names exact trust anchor ARNs."
    ),
    why=(
        "Roles Anywhere sets aws:SourceArn to the trust anchor the certificate was checked "
        "against; without the pin (or with a wildcard) a certificate of any trust anchor in "
        "the account, whatever CA it trusts, can obtain the role's credentials."
    ),
    fix=(
        "Add ArnEquals aws:SourceArn = the trust anchor ARN(s); RolesAnywhereRole renders it "
        "from trust_anchors."
    ),
    doc=_TRUST,
    scopes=_BOTH,
)
CERTIFICATE_UNPINNED = RuleInfo(
    id="IAMR-RA-002",
    severity=Severity.ERROR,
    what=(
        "A trust of rolesanywhere.amazonaws.com has a positive condition on a certificate "
        "attribute (aws:PrincipalTag/x509Subject/…, x509Issuer/… or x509SAN/…)."
    ),
    why=(
        "Without one, every certificate the anchor's CA ever issued, for any workload, can "
        "obtain the role's credentials."
    ),
    fix=(
        "Add StringEquals aws:PrincipalTag/x509Subject/CN = the workload's CN; "
        "RolesAnywhereRole renders it from certificate_subject."
    ),
    doc=_TRUST,
    scopes=_BOTH,
)

ANY_CERTIFICATE = RuleInfo(
    id="IAMR-RA-003",
    severity=Severity.WARNING,
    what="any_certificate=True trusts every certificate the trust anchors' CAs issue.",
    why=(
        "Without a certificate condition, any workload holding any certificate of the CA "
        "can assume the role, not only the one it is meant for."
    ),
    fix="Pin the certificate: certificate_subject={'CN': 'build-01'} (or issuer, SAN).",
    doc=_TRUST,
)
CERTIFICATE_INVALID = RuleInfo(
    id="IAMR-RA-004",
    severity=Severity.ERROR,
    what=(
        "Trust anchors are Roles Anywhere trust anchor ARNs (or CfnTrustAnchor); certificate "
        "conditions map a known field (subject/issuer: CN, OU, O, C, ST, L, DC; SAN: DNS, "
        "URI, Name) to exact values."
    ),
    why=(
        "Roles Anywhere maps these certificate fields to aws:PrincipalTag/x509Subject/…, "
        "x509Issuer/… and x509SAN/…; another field or a wildcard never matches or widens "
        "the trust."
    ),
    fix="Pass e.g. certificate_subject={'CN': 'build-01', 'OU': 'ci'}.",
    doc=_TRUST,
)
