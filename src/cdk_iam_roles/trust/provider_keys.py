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

__all__ = [
    "COMMON_CLAIMS",
    "GITHUB_PROVIDER_CLAIMS",
    "is_sent",
    "provider_claims",
    "provider_key_issue",
    "workflow_ref_pattern_issue",
]

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


def provider_key_issue(issuer_host: str, claim: str) -> str | None:
    """Why a condition on ``ISSUER:claim`` can never see a value, or ``None``.

    Judged only where AWS documents the answer: a GitHub provider claim
    (``repository_id``, ``job_workflow_ref`` …) under any issuer but GitHub's own, and a
    claim under GitHub's issuer that is not among the keys AWS lists for it. Other keys
    of other issuers are not judged. One judge for the template rule IAMR-OIDC-010 and
    the identity classes.

    Example:
        >>> provider_key_issue("gitlab.com", "job_workflow_ref").endswith("not for gitlab.com")
        True
        >>> provider_key_issue("token.actions.githubusercontent.com", "ref") is None
        True
    """
    host = issuer_host.lower().rstrip("/")
    if claim in COMMON_CLAIMS:
        return None
    if host == GITHUB_HOST:
        if claim in GITHUB_PROVIDER_CLAIMS:
            return None
        return (
            f"AWS STS does not evaluate {claim} for GitHub's issuer (its provider keys are "
            + ", ".join(sorted(GITHUB_PROVIDER_CLAIMS))
            + ")"
        )
    if claim in GITHUB_PROVIDER_CLAIMS:
        return f"AWS STS evaluates {claim} for GitHub's issuer ({GITHUB_HOST}) only, not for {host}"
    return None


_WORKFLOWS = "/.github/workflows/"


def workflow_ref_pattern_issue(pattern: str) -> str | None:
    """Why a ``job_workflow_ref`` pattern can match another repository's workflow, or ``None``.

    A job_workflow_ref is ``OWNER/REPO/.github/workflows/FILE@REF``; a pattern is bounded
    to one repository when ``OWNER/REPO/.github/workflows/`` comes first, without a
    wildcard (IAM's ``*`` also matches ``/``).
    https://docs.github.com/en/actions/reference/security/oidc

    Example:
        >>> workflow_ref_pattern_issue("acme/*/.github/workflows/deploy.yml@*")[:32]
        'the wildcard at position 5 comes'
        >>> ref = "acme/platform/.github/workflows/deploy.yml@refs/tags/*"
        >>> workflow_ref_pattern_issue(ref) is None
        True
    """
    positions = [i for i, ch in enumerate(pattern) if ch in "*?"]
    if not positions:
        return None
    marker = pattern.find(_WORKFLOWS)
    repo = pattern[:marker] if marker >= 0 else ""
    if marker < 0 or positions[0] < marker + len(_WORKFLOWS) or repo.count("/") != 1:
        return (
            f"the wildcard at position {positions[0]} comes before '{_WORKFLOWS}': any "
            "repository's workflow matches"
        )
    return None
