"""Amazon Cognito identity pools as an OIDC identity (pure Python)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from cdk_iam_roles.errors import Problem
from cdk_iam_roles.rules.construct import web_identity as rules
from cdk_iam_roles.rules.model import RuleInfo
from cdk_iam_roles.trust.identities.base import Identity, OidcClaims
from cdk_iam_roles.trust.tokens import is_token

# Cognito identity pools: Federated principal cognito-identity.amazonaws.com, aud = pool ID,
# amr = authenticated / unauthenticated.
# https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html
COGNITO_PRINCIPAL: Final = "cognito-identity.amazonaws.com"
# AWS GovCloud (US) names the principal per Region (and the condition keys after it).
# https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/govcloud-cog.html
COGNITO_GOVCLOUD_PRINCIPALS: Final = {
    "us-gov-west-1": "cognito-identity-us-gov.amazonaws.com",
    "us-gov-east-1": "cognito-identity.us-gov-east-1.amazonaws.com",
}

# Cognito identity pool IDs: REGION:UUID.
# https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_IdentityPool.html
_POOL_ID = re.compile(
    r"^[a-z]{2}(?:-[a-z]+)+-\d:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)


@dataclass(frozen=True, kw_only=True, slots=True)
class CognitoIdentityPool(Identity):
    """Identities of one Amazon Cognito identity pool (the pool's authenticated role).

    Renders the ``Federated`` principal ``cognito-identity.amazonaws.com``,
    ``StringEquals cognito-identity.amazonaws.com:aud`` = the pool ID and
    ``ForAnyValue:StringLike cognito-identity.amazonaws.com:amr`` = ``authenticated``.
    Pools in AWS GovCloud (US) use that Region's principal instead
    (``cognito-identity-us-gov.amazonaws.com`` in us-gov-west-1).
    https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html

    Args:
        identity_pool_id: the pool ID, ``REGION:UUID`` (or a token such as
            ``CfnIdentityPool.ref``).
        authenticated: ``True`` (default) for signed-in users; ``False`` makes the guest
            role (``amr`` = ``unauthenticated``) and shows warning IAMR-WI-009.

    Example:
        >>> CognitoIdentityPool(identity_pool_id="eu-west-1:bad").problems()[0].rule_id
        'IAMR-WI-008'
    """

    identity_pool_id: str
    authenticated: bool = True

    def _input_problems(self) -> list[Problem]:
        found: list[Problem] = []
        me = "CognitoIdentityPool"
        pool = self.identity_pool_id
        if not isinstance(pool, str) or not (is_token(pool) or _POOL_ID.fullmatch(pool)):
            found.append(
                rules.POOL_ID_INVALID.problem(
                    f"{me}.identity_pool_id", "must have the form REGION:UUID", pool
                )
            )
        if not isinstance(self.authenticated, bool):
            found.append(
                rules.UNAUTHENTICATED.problem(
                    f"{me}.authenticated",
                    "must be a bool",
                    self.authenticated,
                    fix="Pass authenticated=True (default) or authenticated=False.",
                )
            )
        return found

    def claims(self) -> OidcClaims:
        pool = self.identity_pool_id
        region = pool.split(":", 1)[0] if not is_token(pool) and ":" in pool else None
        return self.claims_in_region(region)

    def claims_in_region(self, region: str | None) -> OidcClaims:
        """The claims for a pool in ``region`` (GovCloud has its own principals).

        :meth:`claims` reads the Region from a literal pool ID; the role passes the
        stack's Region when the pool ID is a token.

        Example:
            >>> CognitoIdentityPool(identity_pool_id="${Token[X.1]}").claims_in_region(
            ...     "us-gov-west-1").federated
            'cognito-identity-us-gov.amazonaws.com'
        """
        principal = COGNITO_GOVCLOUD_PRINCIPALS.get(region or "", COGNITO_PRINCIPAL)
        amr = "authenticated" if self.authenticated is not False else "unauthenticated"
        return OidcClaims(
            issuer_url=f"https://{principal}",
            audiences=(self.identity_pool_id,),
            extra={"ForAnyValue:StringLike": {f"{principal}:amr": (amr,)}},
            federated=principal,
            key_prefix=principal,
        )

    def warnings(self) -> list[tuple[RuleInfo, str]]:
        if self.authenticated is False:
            return [
                (
                    rules.UNAUTHENTICATED,
                    "authenticated=False: guest identities of the pool (anyone who asks) "
                    "can assume this role",
                )
            ]
        return []
