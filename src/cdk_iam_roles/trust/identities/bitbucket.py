"""Bitbucket Pipelines steps as an OIDC identity (pure Python).

Atlassian documents the token in "Integrate Pipelines with resource servers using OIDC"
(https://support.atlassian.com/bitbucket-cloud/docs/integrate-pipelines-with-resource-servers-using-oidc/)
and its use with AWS in "Deploy on AWS using Bitbucket Pipelines OpenID Connect"
(https://support.atlassian.com/bitbucket-cloud/docs/deploy-on-aws-using-bitbucket-pipelines-openid-connect/):
each workspace has its own issuer,
``https://api.bitbucket.org/2.0/workspaces/WORKSPACE/pipelines-config/identity/oidc``; the
audience is ``ari:cloud:bitbucket::workspace/WORKSPACE_UUID``; the subject is
``{REPOSITORY_UUID}:{STEP_UUID}`` (``{REPOSITORY_UUID}:{ENVIRONMENT_UUID}:{STEP_UUID}`` for
a deployment step), with the braces.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from cdk_iam_roles.errors import Problem
from cdk_iam_roles.rules.construct import web_identity as rules
from cdk_iam_roles.trust.identities._common import _name_problem, _strings, _unique
from cdk_iam_roles.trust.identities.base import Identity, OidcClaims, issuer_host
from cdk_iam_roles.trust.identities.circleci import uuid_problems
from cdk_iam_roles.trust.tokens import is_token

BITBUCKET_ISSUER: Final = (
    "https://api.bitbucket.org/2.0/workspaces/{workspace}/pipelines-config/identity/oidc"
)
BITBUCKET_AUDIENCE: Final = "ari:cloud:bitbucket::workspace/{uuid}"
# Workspace IDs (slugs): lower-case letters, digits, '-' and '_'.
_WORKSPACE = re.compile(r"[a-z0-9][a-z0-9_-]{0,61}")


def _bare(uuid: str) -> str:
    return uuid.strip("{}")


@dataclass(frozen=True, kw_only=True, slots=True)
class BitbucketPipelines(Identity):
    """Pipeline steps of given repositories of one Bitbucket workspace.

    Renders the workspace's issuer, ``aud`` = ``ari:cloud:bitbucket::workspace/UUID`` and
    ``sub`` = ``{REPOSITORY_UUID}:*`` (``StringLike``: every step, deployment steps
    included, of that repository and no other).
    https://support.atlassian.com/bitbucket-cloud/docs/deploy-on-aws-using-bitbucket-pipelines-openid-connect/

    Args:
        workspace: the workspace ID as it appears in the issuer URL (e.g. ``"acme"``).
        workspace_uuid: the workspace UUID (with or without braces), the audience.
        repository_uuids: the repositories' UUIDs (with or without braces); at least one.

    Example:
        >>> BitbucketPipelines(workspace="acme",
        ...     workspace_uuid="{0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b}",
        ...     repository_uuids=["1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"]).claims().audiences
        ('ari:cloud:bitbucket::workspace/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',)
    """

    workspace: str
    workspace_uuid: str
    repository_uuids: Sequence[str]

    def _input_problems(self) -> list[Problem]:
        me = "BitbucketPipelines"
        found: list[Problem] = []
        problem = _name_problem(
            me, "workspace", self.workspace, _WORKSPACE, "a workspace ID such as 'acme'"
        )
        if problem:
            found.append(problem)
        if not isinstance(self.workspace_uuid, str):
            found.append(
                rules.CI_PROVIDER_INVALID.problem(
                    f"{me}.workspace_uuid", "must be a string", self.workspace_uuid
                )
            )
        else:
            found += uuid_problems(me, "workspace_uuid", [self.workspace_uuid], required=True)
        found += uuid_problems(me, "repository_uuids", self.repository_uuids, required=True)
        return found

    def claims(self) -> OidcClaims:
        issuer = BITBUCKET_ISSUER.format(workspace=self.workspace)
        repos = [f"{{{_bare(r)}}}:*" for r in _strings(self.repository_uuids)[0]]
        return OidcClaims(
            issuer_url=issuer,
            audiences=(BITBUCKET_AUDIENCE.format(uuid=_bare(self.workspace_uuid)),),
            subject_patterns=_unique(repos),
            key_prefix=None if is_token(self.workspace) else issuer_host(issuer),
        )
