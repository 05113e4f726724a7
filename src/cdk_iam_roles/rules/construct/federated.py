"""Construct-time rules of FederatedRole, SAML federation (IAMR-FED-*)."""

from __future__ import annotations

from cdk_iam_roles.rules.model import RuleInfo, Severity

_SAML_ROLE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html"
_SAML_KEYS = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_iam-condition-keys.html#condition-keys-saml"
)

SAML_PROVIDER_INVALID = RuleInfo(
    id="IAMR-FED-001",
    severity=Severity.ERROR,
    what="saml_provider is an iam.ISamlProvider or a SAML provider ARN "
    "(arn:PARTITION:iam::ACCOUNT:saml-provider/NAME) in the stack's partition.",
    why="The trust's Federated principal must name the SAML provider that signs the assertions.",
    fix="Pass the iam.SamlProvider construct or its ARN.",
    doc=_SAML_ROLE,
)
CONDITIONS_REQUIRED = RuleInfo(
    id="IAMR-FED-002",
    severity=Severity.ERROR,
    what="A programmatic-only SAML role (console_access=False) has an attribute condition.",
    why="Without SAML:aud and without attribute conditions every user of the identity provider "
    "can assume the role.",
    fix="Pass attribute_conditions={'SAML:sub': '...'} (or another SAML:* key), or "
    "console_access=True.",
    doc=_SAML_KEYS,
)
CONDITION_INVALID = RuleInfo(
    id="IAMR-FED-003",
    severity=Severity.ERROR,
    what="attribute_conditions maps SAML:* keys to one or more exact, non-empty values.",
    why="The conditions are matched with StringEquals: a non-SAML key is never in the request of a "
    "SAML federation, and a '*' is matched literally.",
    fix="Use keys such as 'SAML:sub', 'SAML:iss' or 'SAML:edupersonaffiliation' with exact values.",
    doc=_SAML_KEYS,
)
SIGN_IN_URL_UNKNOWN = RuleInfo(
    id="IAMR-FED-004",
    severity=Severity.ERROR,
    what="console_access=True is used in a partition whose SAML sign-in URL is known "
    "(aws, aws-cn, aws-us-gov).",
    why="SAML:aud must equal the partition's sign-in endpoint; a wrong value locks users out.",
    fix="Use console_access=False with attribute_conditions (including SAML:aud) there.",
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "id_roles_providers_create_saml_relying-party.html"
    ),
)
AUD_CONFLICT = RuleInfo(
    id="IAMR-FED-005",
    severity=Severity.ERROR,
    what="attribute_conditions does not set SAML:aud when console_access=True.",
    why="console_access=True sets SAML:aud to the partition's sign-in URL; a second value would "
    "replace it.",
    fix="Drop SAML:aud from attribute_conditions, or pass console_access=False.",
    doc=_SAML_KEYS,
)
SESSION_TAG_KEYS_INVALID = RuleInfo(
    id="IAMR-FED-006",
    severity=Severity.ERROR,
    what="session_tag_keys are tag keys (1-128 characters, not starting with 'aws:') and are "
    "given only with allow_session_tags=True.",
    why="They become a ForAllValues:StringEquals aws:TagKeys condition; keys without "
    "sts:TagSession would never be passed.",
    fix="Pass allow_session_tags=True with the tag keys your IdP sends, e.g. ['team'].",
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html",
)
