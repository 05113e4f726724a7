"""CircleCI jobs as an OIDC identity (pure Python).

CircleCI documents its token in "Using OpenID Connect tokens in jobs"
(https://circleci.com/docs/openid-connect-tokens/): the issuer is per organization,
``https://oidc.circleci.com/org/ORGANIZATION_ID``; the default audience is the
organization ID; the subject of ``$CIRCLE_OIDC_TOKEN`` is
``org/ORGANIZATION_ID/project/PROJECT_ID/user/USER_ID``, all three UUIDs. AWS STS also
names CircleCI among the issuers with provider keys; we have not confirmed those keys
claim by claim, so this class pins the project through ``sub`` only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from cdk_iam_roles.errors import Problem
from cdk_iam_roles.rules.construct import web_identity as rules
from cdk_iam_roles.trust.identities._common import _strings, _unique
from cdk_iam_roles.trust.identities.base import Identity, OidcClaims, issuer_host
from cdk_iam_roles.trust.tokens import is_token

CIRCLECI_ISSUER_PREFIX: Final = "https://oidc.circleci.com/org/"
UUID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def uuid_problems(owner: str, argument: str, values: object, *, required: bool) -> list[Problem]:
    """Each value of ``values`` that is not a lower-case UUID (or a token)."""
    good, bad = _strings(values)
    arg = f"{owner}.{argument}"
    found = [rules.CI_PROVIDER_INVALID.problem(arg, "must be strings", item) for item in bad]
    if required and not good and not bad:
        found.append(rules.CI_PROVIDER_INVALID.problem(arg, "must name at least one ID", None))
    for item in good:
        if not is_token(item) and not UUID.fullmatch(item.strip("{}")):
            found.append(
                rules.CI_PROVIDER_INVALID.problem(
                    arg, "must be a UUID such as '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b'", item
                )
            )
    return found


@dataclass(frozen=True, kw_only=True, slots=True)
class CircleCI(Identity):
    """CircleCI jobs of given projects of one organization.

    Renders ``aud`` = the organization ID and ``sub`` =
    ``org/ORG/project/PROJECT/user/USER`` for each project and user; without ``user_ids``,
    ``org/ORG/project/PROJECT/user/*`` (any user of the project, ``StringLike``). The
    issuer is the organization's own, ``https://oidc.circleci.com/org/ORG``.
    https://circleci.com/docs/openid-connect-tokens/

    Args:
        organization_id: the organization ID (a UUID, Organization Settings > Overview).
        project_ids: the project IDs (UUIDs, Project Settings > Overview); at least one.
        user_ids: the CircleCI user IDs allowed to start the job (default None: any user
            of the project).

    Example:
        >>> org = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
        >>> prj = "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"
        >>> CircleCI(organization_id=org, project_ids=[prj]).claims().subject_patterns[0][-6:]
        'user/*'
    """

    organization_id: str
    project_ids: Sequence[str]
    user_ids: Sequence[str] | None = None

    def _input_problems(self) -> list[Problem]:
        me = "CircleCI"
        found = uuid_problems(me, "organization_id", [self.organization_id], required=True)
        if not isinstance(self.organization_id, str):
            found = [
                rules.CI_PROVIDER_INVALID.problem(
                    f"{me}.organization_id", "must be a string", self.organization_id
                )
            ]
        found += uuid_problems(me, "project_ids", self.project_ids, required=True)
        if self.user_ids is not None:
            found += uuid_problems(me, "user_ids", self.user_ids, required=True)
        return found

    def claims(self) -> OidcClaims:
        org = self.organization_id
        issuer = f"{CIRCLECI_ISSUER_PREFIX}{org}"
        projects = _strings(self.project_ids)[0]
        users = _strings(self.user_ids)[0] if self.user_ids is not None else []
        subjects = [f"org/{org}/project/{p}/user/{u}" for p in projects for u in users]
        patterns = [f"org/{org}/project/{p}/user/*" for p in projects] if not users else []
        return OidcClaims(
            issuer_url=issuer,
            audiences=(org,),
            subjects=_unique(subjects),
            subject_patterns=_unique(patterns),
            key_prefix=None if is_token(org) else issuer_host(issuer),
        )
