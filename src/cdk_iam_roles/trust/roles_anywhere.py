"""IAM Roles Anywhere trust: certificates from named trust anchors (pure Python).

A workload outside AWS that holds an X.509 certificate issued by a trust anchor's CA
calls ``CreateSession``; Roles Anywhere assumes the role with ``sts:AssumeRole``,
``sts:TagSession`` and ``sts:SetSourceIdentity`` as the service principal
``rolesanywhere.amazonaws.com``, and maps the certificate's subject, issuer and SANs to
``aws:PrincipalTag/x509Subject/FIELD``, ``x509Issuer/FIELD`` and ``x509SAN/TYPE``. It
sets ``aws:SourceArn`` to the trust anchor used, so a trust without an ``aws:SourceArn``
pin accepts certificates of every trust anchor in the account.
https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html

Example:
    >>> anchor = "arn:aws:rolesanywhere:eu-west-1:111111111111:trust-anchor/" + "a" * 8 + \\
    ...     "-aaaa-4aaa-8aaa-" + "a" * 12
    >>> statement = roles_anywhere_statement([anchor], {"CN": "build-01"}, {}, {})
    >>> statement["Condition"]["StringEquals"]
    {'aws:PrincipalTag/x509Subject/CN': 'build-01'}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

from cdk_iam_roles.errors import Problem
from cdk_iam_roles.rules.construct import roles_anywhere as rules
from cdk_iam_roles.rules.construct.role import PLAIN_TEXT
from cdk_iam_roles.trust.document import Conditions, Statement, allow
from cdk_iam_roles.trust.tokens import is_token
from cdk_iam_roles.trust.validate import check_plain_text

__all__ = [
    "CERTIFICATE_TAG_PREFIXES",
    "ROLES_ANYWHERE_ACTIONS",
    "ROLES_ANYWHERE_PRINCIPAL",
    "certificate_keys",
    "roles_anywhere_problems",
    "roles_anywhere_statement",
]

ROLES_ANYWHERE_PRINCIPAL: Final = "rolesanywhere.amazonaws.com"
ROLES_ANYWHERE_ACTIONS: Final = ("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity")
CERTIFICATE_TAG_PREFIXES: Final = (
    "aws:PrincipalTag/x509Subject/",
    "aws:PrincipalTag/x509Issuer/",
    "aws:PrincipalTag/x509SAN/",
)
# Distinguished-name fields Roles Anywhere maps by default, and the SAN types.
# https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html
DN_FIELDS: Final = frozenset({"CN", "OU", "O", "C", "ST", "L", "DC"})
SAN_TYPES: Final = frozenset({"DNS", "URI", "Name"})
_ANCHOR = re.compile(
    r"arn:aws(?:-cn|-us-gov)?:rolesanywhere:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:trust-anchor/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)
_VALUE = re.compile(r"[^\x00-\x1f\x7f*?]{1,1024}")

CertificateFields = Mapping[str, str | Sequence[str]]


def certificate_keys(
    subject: CertificateFields, issuer: CertificateFields, san: CertificateFields
) -> dict[str, list[str]]:
    """``aws:PrincipalTag/x509…`` key → exact values, for the given certificate fields."""
    keys: dict[str, list[str]] = {}
    for prefix, mapping in zip(CERTIFICATE_TAG_PREFIXES, (subject, issuer, san), strict=True):
        for field, value in mapping.items():
            keys[f"{prefix}{field}"] = [value] if isinstance(value, str) else list(value)
    return keys


def roles_anywhere_problems(
    trust_anchors: Sequence[object],
    subject: object,
    issuer: object,
    san: object,
    any_certificate: object,
) -> list[Problem]:
    """Everything wrong with a Roles Anywhere trust's inputs (CDK tokens never judged).

    No anchor or a wildcard anchor is IAMR-RA-001 and no certificate condition without
    ``any_certificate=True`` is IAMR-RA-002: the IDs of the template rules that refuse
    the same trust in a template.
    """
    found: list[Problem] = []
    if not trust_anchors:
        found.append(
            rules.SOURCE_ARN_MISSING.problem(
                "trust_anchors", "must name at least one trust anchor", None
            )
        )
    for anchor in trust_anchors:
        if not isinstance(anchor, str):
            found.append(rules.CERTIFICATE_INVALID.problem("trust_anchors", "must be ARNs", anchor))
        elif is_token(anchor):
            continue
        elif check_plain_text(anchor) is not None:
            found.append(PLAIN_TEXT.problem("trust_anchors", str(check_plain_text(anchor)), anchor))
        elif "*" in anchor or "?" in anchor:
            found.append(
                rules.SOURCE_ARN_MISSING.problem(
                    "trust_anchors", "must name one trust anchor, not a wildcard", anchor
                )
            )
        elif not _ANCHOR.fullmatch(anchor):
            found.append(
                rules.CERTIFICATE_INVALID.problem(
                    "trust_anchors",
                    "must be a trust anchor ARN "
                    "(arn:aws:rolesanywhere:REGION:ACCOUNT:trust-anchor/UUID)",
                    anchor,
                )
            )
    count = 0
    for argument, mapping, allowed in (
        ("certificate_subject", subject, DN_FIELDS),
        ("certificate_issuer", issuer, DN_FIELDS),
        ("certificate_san", san, SAN_TYPES),
    ):
        if mapping is None:
            continue
        if not isinstance(mapping, Mapping):
            found.append(rules.CERTIFICATE_INVALID.problem(argument, "must be a mapping", mapping))
            continue
        for field, value in mapping.items():
            if field not in allowed:
                found.append(
                    rules.CERTIFICATE_INVALID.problem(
                        f"{argument}[{field!r}]",
                        "must be one of " + ", ".join(sorted(allowed)),
                        field,
                    )
                )
                continue
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, Sequence) or not values:
                found.append(
                    rules.CERTIFICATE_INVALID.problem(
                        f"{argument}[{field!r}]", "must be one or more strings", value
                    )
                )
                continue
            for item in values:
                plain = check_plain_text(item) if isinstance(item, str) else None
                if plain is not None:
                    found.append(PLAIN_TEXT.problem(f"{argument}[{field!r}]", plain, item))
                elif not isinstance(item, str) or not (is_token(item) or _VALUE.fullmatch(item)):
                    found.append(
                        rules.CERTIFICATE_INVALID.problem(
                            f"{argument}[{field!r}]",
                            "must be exact text (no wildcard or control character)",
                            item,
                        )
                    )
            count += 1
    if not isinstance(any_certificate, bool):
        found.append(
            rules.CERTIFICATE_INVALID.problem("any_certificate", "must be a bool", any_certificate)
        )
    elif count == 0 and any_certificate is False:
        found.append(
            rules.CERTIFICATE_UNPINNED.problem(
                "certificate_subject",
                "(or certificate_issuer, certificate_san) must pin the certificate",
                None,
                fix=(
                    "Pass certificate_subject={'CN': 'build-01'}, or any_certificate=True to "
                    "trust every certificate of the anchors (a warning)."
                ),
            )
        )
    return found


def roles_anywhere_statement(
    trust_anchors: Sequence[str],
    subject: CertificateFields,
    issuer: CertificateFields,
    san: CertificateFields,
) -> Statement:
    """The trust statement: the service, the three actions, the anchor pin and the fields."""
    conditions = Conditions()
    conditions.add("ArnEquals", "aws:SourceArn", list(trust_anchors))
    for key, values in certificate_keys(subject, issuer, san).items():
        conditions.add("StringEquals", key, values)
    return allow({"Service": ROLES_ANYWHERE_PRINCIPAL}, list(ROLES_ANYWHERE_ACTIONS), conditions)
