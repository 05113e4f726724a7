"""OIDC identities: who may assume a web-identity role, as typed claims (pure Python).

Each identity class is a frozen, keyword-only dataclass that describes one kind of
workload (a GitHub Actions workflow, a GitLab CI job, an EKS service account, ...).
It does two things, both without the CDK:

* :meth:`problems` lists everything wrong with its inputs as
  :class:`~cdk_iam_roles.errors.Problem` records with ``IAMR-WI-*`` rule IDs. Building an
  identity never raises; :class:`~cdk_iam_roles.patterns.web_identity.WebIdentityRole`
  raises the problems (with the construct path) at construction, and :meth:`validate`
  raises them on their own.
* :meth:`claims` renders the issuer, audiences and subjects as :class:`OidcClaims`, which
  :func:`trust_statements` turns into trust statements: ``StringEquals`` on both ``aud``
  and ``sub``; ``StringLike`` only for the patterns the caller asked for, which are
  neighbour-safe (a wildcard only right after ``/``).

CDK tokens (an EKS cluster's issuer URL, a Cognito pool's ``ref``) are never judged.
One module per provider: :mod:`.base` (the claims, the identity interface and the trust
statements), :mod:`.github`, :mod:`.gitlab`, :mod:`.circleci`, :mod:`.bitbucket`,
:mod:`.buildkite`, :mod:`.eks`, :mod:`.cognito`, :mod:`.terraform` and :mod:`.generic`;
every public name is importable from here.

Example:
    >>> gh = GitHubActions(owner="acme", repo="app", branches=["main"])
    >>> gh.problems()
    []
    >>> statement = trust_statements(gh.claims(), "arn:aws:iam::111111111111:oidc-provider/x")[0]
    >>> for key, value in statement["Condition"]["StringEquals"].items():
    ...     print(key, "=", value)
    token.actions.githubusercontent.com:aud = sts.amazonaws.com
    token.actions.githubusercontent.com:sub = repo:acme/app:ref:refs/heads/main
"""

from cdk_iam_roles.trust.identities.base import (
    Identity,
    OidcClaims,
    check_issuer_url,
    issuer_host,
    trust_statements,
)
from cdk_iam_roles.trust.identities.bitbucket import BitbucketPipelines
from cdk_iam_roles.trust.identities.buildkite import Buildkite
from cdk_iam_roles.trust.identities.circleci import CircleCI
from cdk_iam_roles.trust.identities.cognito import CognitoIdentityPool
from cdk_iam_roles.trust.identities.eks import EksServiceAccount
from cdk_iam_roles.trust.identities.generic import GenericOidc
from cdk_iam_roles.trust.identities.github import GitHubActions
from cdk_iam_roles.trust.identities.gitlab import GitLabCI
from cdk_iam_roles.trust.identities.terraform import TerraformCloud

__all__ = [
    "BitbucketPipelines",
    "Buildkite",
    "CircleCI",
    "CognitoIdentityPool",
    "EksServiceAccount",
    "GenericOidc",
    "GitHubActions",
    "GitLabCI",
    "Identity",
    "OidcClaims",
    "TerraformCloud",
    "check_issuer_url",
    "issuer_host",
    "trust_statements",
]
