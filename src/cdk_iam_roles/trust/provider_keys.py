"""Which OIDC condition keys AWS STS evaluates for which issuer (pure Python).

Besides ``ISSUER:aud``, ``ISSUER:sub`` and ``ISSUER:oaud`` (every OIDC provider), AWS STS
exposes selected claims of a few identity providers as condition keys of their own,
evaluated when the role is assumed and not carried into the session. AWS lists them in
"IAM and AWS STS condition context keys", section "Available keys for OIDC federation"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif)
and announced them in January 2026
(https://aws.amazon.com/about-aws/whats-new/2026/01/aws-sts-supports-validation-identity-provider-claims/).

For GitHub Actions (``token.actions.githubusercontent.com``) the keys are ``actor``,
``actor_id``, ``job_workflow_ref``, ``repository``, ``repository_id``, ``workflow``,
``ref``, ``environment`` and ``enterprise_id``. AWS also names CircleCI, Google and OCI;
this table lists only the keys we confirmed claim by claim, so a key not listed here is
treated as one the issuer does not send (a condition on it never matches).

Example:
    >>> "repository_id" in provider_claims("token.actions.githubusercontent.com")
    True
    >>> is_sent("gitlab.com", "repository_id")
    False
"""

from __future__ import annotations

from typing import Final

__all__ = ["COMMON_CLAIMS", "GITHUB_PROVIDER_CLAIMS", "is_sent", "provider_claims"]

# Keys STS evaluates for every OIDC provider.
COMMON_CLAIMS: Final = frozenset({"aud", "sub", "oaud"})
GITHUB_HOST: Final = "token.actions.githubusercontent.com"
GITHUB_PROVIDER_CLAIMS: Final = frozenset(
    {
        "actor",
        "actor_id",
        "job_workflow_ref",
        "repository",
        "repository_id",
        "workflow",
        "ref",
        "environment",
        "enterprise_id",
    }
)
_PROVIDER_CLAIMS: Final = {GITHUB_HOST: GITHUB_PROVIDER_CLAIMS}


def provider_claims(issuer_host: str) -> frozenset[str]:
    """The provider-specific claims STS evaluates for ``issuer_host`` (may be empty).

    Args:
        issuer_host: the issuer without ``https://``, as condition keys spell it.
    """
    return _PROVIDER_CLAIMS.get(issuer_host.lower().rstrip("/"), frozenset())


def is_sent(issuer_host: str, claim: str) -> bool:
    """Whether STS evaluates ``ISSUER:claim`` for this issuer.

    Args:
        issuer_host: the issuer without ``https://``.
        claim: the part of the key after ``ISSUER:``.
    """
    return claim in COMMON_CLAIMS or claim in provider_claims(issuer_host)
