"""FederatedRole examples: console and programmatic SAML roles."""

from __future__ import annotations

import aws_cdk as cdk

from cdk_iam_roles import FederatedRole
from examples.stacks import ENV

# The IdP's SAML provider is usually created once per account, by the team that runs SSO.
SAML_PROVIDER_ARN = f"arn:aws:iam::{ENV.account}:saml-provider/AcmeIdP"


def build(app: cdk.App) -> None:
    """A console role for engineers and an API-only role for a deploy robot."""
    stack = cdk.Stack(app, "SamlRoles", env=ENV, description="cdk-iam-roles: SAML federation")
    FederatedRole(
        stack,
        "Engineers",
        saml_provider=SAML_PROVIDER_ARN,
        attribute_conditions={"SAML:edupersonaffiliation": "engineering"},
        allow_session_tags=True,
        session_tag_keys=["team", "cost-center"],
        max_session_duration=cdk.Duration.hours(4),
        description="Console sign-in for engineers (the IdP passes session tags)",
    )
    FederatedRole(
        stack,
        "ReleaseRobot",
        saml_provider=SAML_PROVIDER_ARN,
        console_access=False,
        attribute_conditions={"SAML:sub": "release-robot", "SAML:sub_type": "persistent"},
        description="AssumeRoleWithSAML from the release tooling only",
    )
