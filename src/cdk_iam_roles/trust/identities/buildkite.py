"""Buildkite pipeline jobs as an OIDC identity (pure Python).

Buildkite documents its token for AWS in "OIDC with AWS"
(https://buildkite.com/docs/pipelines/security/oidc/aws): one issuer for every Buildkite
organization, ``https://agent.buildkite.com``; the audience the job requests with
``buildkite-agent oidc request-token --audience sts.amazonaws.com``; the subject
``organization:ORG_SLUG:pipeline:PIPELINE_SLUG:ref:REF:commit:COMMIT:step:STEP_KEY``.
Because the issuer is shared by every organization, the organization and the pipeline
are always pinned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from cdk_iam_roles.errors import Problem
from cdk_iam_roles.rules.construct import web_identity as rules
from cdk_iam_roles.trust.identities._common import _ref_list, _strings, _unique
from cdk_iam_roles.trust.identities.base import Identity, OidcClaims, issuer_host

BUILDKITE_ISSUER: Final = "https://agent.buildkite.com"
BUILDKITE_AUDIENCE: Final = "sts.amazonaws.com"
# Organization and pipeline slugs: lower-case letters, digits and '-'.
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?")


@dataclass(frozen=True, kw_only=True, slots=True)
class Buildkite(Identity):
    """Jobs of given pipelines of one Buildkite organization.

    Renders ``aud`` = ``sts.amazonaws.com`` and, per pipeline,
    ``organization:ORG:pipeline:PIPELINE:ref:refs/heads/B:commit:*:step:*`` for each
    branch, or ``organization:ORG:pipeline:PIPELINE:*`` (every branch) without
    ``branches``; all ``StringLike`` with wildcards only after ``:``.
    https://buildkite.com/docs/pipelines/security/oidc/aws

    Args:
        organization: the organization slug (required: the issuer is shared).
        pipelines: pipeline slugs; at least one.
        branches: branch names the build must run on (default: any branch).

    Example:
        >>> Buildkite(organization="acme", pipelines=["deploy"],
        ...     branches=["main"]).claims().subject_patterns
        ('organization:acme:pipeline:deploy:ref:refs/heads/main:commit:*:step:*',)
    """

    organization: str
    pipelines: Sequence[str]
    branches: Sequence[str] = ()

    def _input_problems(self) -> list[Problem]:
        me = "Buildkite"
        found: list[Problem] = []
        invalid = rules.CI_PROVIDER_INVALID
        org = self.organization
        if not isinstance(org, str) or not _SLUG.fullmatch(org):
            found.append(
                invalid.problem(
                    f"{me}.organization",
                    "must be the organization slug (lower-case letters, digits, '-'): "
                    "every Buildkite organization shares the issuer",
                    org,
                )
            )
        pipelines, bad = _strings(self.pipelines)
        found += [invalid.problem(f"{me}.pipelines", "must be strings", b) for b in bad]
        if not pipelines and not bad:
            found.append(invalid.problem(f"{me}.pipelines", "must name a pipeline", None))
        for item in pipelines:
            if not _SLUG.fullmatch(item):
                found.append(
                    invalid.problem(
                        f"{me}.pipelines",
                        "must be pipeline slugs (lower-case letters, digits, '-')",
                        item,
                    )
                )
        _ref_list(me, "branches", self.branches, found)
        return found

    def claims(self) -> OidcClaims:
        base = [f"organization:{self.organization}:pipeline:{p}" for p in self.pipelines]
        branches = _strings(self.branches)[0]
        if branches:
            patterns = [f"{b}:ref:refs/heads/{r}:commit:*:step:*" for b in base for r in branches]
        else:
            patterns = [f"{b}:*" for b in base]
        return OidcClaims(
            issuer_url=BUILDKITE_ISSUER,
            audiences=(BUILDKITE_AUDIENCE,),
            subject_patterns=_unique(patterns),
            key_prefix=issuer_host(BUILDKITE_ISSUER),
        )
