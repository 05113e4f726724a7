"""GitHub Actions workflows as an OIDC identity (pure Python)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from cdk_iam_roles.errors import Problem
from cdk_iam_roles.rules.checks import web_identity_provider_key_sent as provider_key_rule
from cdk_iam_roles.rules.checks import web_identity_workflow_ref_bounded as workflow_rule
from cdk_iam_roles.rules.construct import web_identity as rules
from cdk_iam_roles.rules.model import RuleInfo
from cdk_iam_roles.trust.identities._common import (
    _HOST,
    _is_pattern,
    _name_problem,
    _ref_list,
    _strings,
    _unique,
)
from cdk_iam_roles.trust.identities.base import Identity, OidcClaims, issuer_host
from cdk_iam_roles.trust.provider_keys import GITHUB_HOST, workflow_ref_pattern_issue
from cdk_iam_roles.trust.tokens import is_token

# GitHub's OIDC issuer and the audience the AWS credentials action requests.
# https://docs.github.com/en/actions/how-tos/secure-your-work/security-harden-deployments/oidc-in-aws
GITHUB_ISSUER: Final = "https://token.actions.githubusercontent.com"
GITHUB_AUDIENCE: Final = "sts.amazonaws.com"

# https://docs.github.com/en/get-started/learning-about-github/types-of-github-accounts
_GITHUB_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
_GITHUB_REPO = re.compile(r"^[A-Za-z0-9._-]{1,100}$")

_ENVIRONMENT = re.compile(r"^[^\x00-\x1f\x7f*?]{1,255}$")
# job_workflow_ref: OWNER/REPO/.github/workflows/FILE@REF, REF a full ref or a commit SHA.
# https://docs.github.com/en/actions/reference/security/oidc (custom claims: job_workflow_ref)
_WORKFLOW_REF = re.compile(
    r"(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})/(?P<repo>[A-Za-z0-9._-]{1,100})"
    r"/\.github/workflows/[A-Za-z0-9._-]+\.ya?ml"
    r"@(?:refs/(?:heads|tags)/[^\x00-\x20\x7f~^:?*\[\\]+|[0-9a-f]{40})"
)
# A full git ref as the 'ref' claim carries it.
_FULL_REF = re.compile(r"refs/(?:heads|tags|pull)/[^\x00-\x20\x7f~^:?*\[\\]+")
# GitHub enterprise slugs: letters, digits and inner '-'.
_ENTERPRISE_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?")
# GitHub Enterprise Server's issuer: https://HOST/_services/token.
# https://docs.github.com/en/enterprise-server@3.16/actions/reference/security/oidc
GHES_ISSUER_PATH: Final = "/_services/token"


@dataclass(frozen=True, kw_only=True, slots=True)
class GitHubActions(Identity):
    """GitHub Actions workflows of one repository (issuer ``token.actions.githubusercontent.com``).

    Renders ``aud`` = ``sts.amazonaws.com`` and one ``sub`` per scope:
    ``repo:OWNER/REPO:ref:refs/heads/B``, ``...:ref:refs/tags/T``, ``...:environment:E``,
    ``...:pull_request``. With ``owner_id`` and ``repo_id`` the repository is named in
    GitHub's immutable form ``OWNER@ID/REPO@ID`` (the default for repositories created or
    renamed since July 2026), which a recycled name cannot match.
    https://docs.github.com/en/actions/reference/security/oidc

    A job that names an environment gets the ``environment`` subject, not the branch one:
    list the environment for such jobs.

    Args:
        owner: the user or organization (exact, no wildcard).
        repo: the repository name (exact, no wildcard).
        branches: branch names; ``release/*`` (wildcard right after ``/``) is a pattern,
            rendered with ``StringLike`` (default: none).
        tags: tag names, patterns as for branches (default: none).
        environments: deployment environment names, exact (default: none).
        pull_requests: trust workflows run for pull requests (default False).
        owner_id: the owner's numeric ID, with ``repo_id`` (default: none).
        repo_id: the repository's numeric ID, with ``owner_id`` (default: none).
        any_ref: the explicit opt-in to ``repo:OWNER/REPO:*``, every branch, tag,
            environment and pull request (default False; shows warning IAMR-WI-011).
        repository_id: the repository's numeric ID, rendered as ``StringEquals
            token.actions.githubusercontent.com:repository_id`` in addition to ``sub``: a
            renamed or re-created repository of the same name does not match (default: none).
        job_workflow_refs: the reusable workflows the job must run through, each
            ``OWNER/REPO/.github/workflows/FILE@REF``, rendered as ``StringEquals
            …:job_workflow_ref`` (default: none).
        refs: full git refs (``refs/heads/main``) the run must come from, rendered as
            ``StringEquals …:ref``: with ``environments=["prod"]`` it means environment prod
            **and** from main (default: none).
        actor_ids: numeric IDs of the accounts allowed to start the run, rendered as
            ``StringEquals …:actor_id`` (default: none).
        legacy_subject: with ``owner_id``/``repo_id``, trust the name-based subject too,
            during a migration to immutable subjects (default False; info IAMR-WI-017).
        enterprise_slug: GitHub Enterprise Cloud's unique issuer
            ``https://token.actions.githubusercontent.com/SLUG`` (default: none).
        host: a GitHub Enterprise Server host; the issuer is
            ``https://HOST/_services/token`` (default: none).

    The provider keys (``repository_id``, ``job_workflow_ref``, ``ref``, ``actor_id``)
    are those AWS STS documents for GitHub's issuer
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif);
    they are refused with ``enterprise_slug`` or ``host``, whose issuers AWS does not
    document them for.

    Example:
        >>> GitHubActions(owner="acme", repo="app", tags=["v*"]).problems()[0].rule_id
        'IAMR-WI-005'
    """

    owner: str
    repo: str
    branches: Sequence[str] = ()
    tags: Sequence[str] = ()
    environments: Sequence[str] = ()
    pull_requests: bool = False
    owner_id: int | str | None = None
    repo_id: int | str | None = None
    any_ref: bool = False
    repository_id: int | str | None = None
    job_workflow_refs: Sequence[str] = ()
    refs: Sequence[str] = ()
    actor_ids: Sequence[int | str] = ()
    legacy_subject: bool = False
    enterprise_slug: str | None = None
    host: str | None = None

    def _input_problems(self) -> list[Problem]:
        found: list[Problem] = []
        me = "GitHubActions"
        for argument, value, pattern, what in (
            ("owner", self.owner, _GITHUB_OWNER, "a GitHub user or organization name"),
            ("repo", self.repo, _GITHUB_REPO, "a GitHub repository name"),
        ):
            problem = _name_problem(me, argument, value, pattern, what)
            if problem:
                found.append(problem)
        if self.repo in (".", ".."):
            found.append(
                rules.NAME_INVALID.problem(f"{me}.repo", "must be a repository name", self.repo)
            )
        branches = _ref_list(me, "branches", self.branches, found)
        tags = _ref_list(me, "tags", self.tags, found)
        environments, bad = _strings(self.environments)
        for item in bad:
            found.append(
                rules.PATTERN_UNSAFE.problem(f"{me}.environments", "must be strings", item)
            )
        for env in environments:
            if not is_token(env) and (not _ENVIRONMENT.fullmatch(env) or "${" in env):
                found.append(
                    rules.PATTERN_UNSAFE.problem(
                        f"{me}.environments",
                        "must be an exact environment name (1-255 characters, no wildcard)",
                        env,
                    )
                )
        for argument, flag in (("pull_requests", self.pull_requests), ("any_ref", self.any_ref)):
            if not isinstance(flag, bool):
                found.append(
                    rules.SCOPE_MISSING.problem(f"{me}.{argument}", "must be a bool", flag)
                )
        scoped = bool(branches or tags or environments or self.pull_requests is True)
        if self.any_ref is True and scoped:
            found.append(
                rules.CONTRADICTION.problem(
                    f"{me}.any_ref",
                    "is True while branches/tags/environments/pull_requests name refs",
                    self.any_ref,
                    fix="any_ref=True already trusts every ref: drop it or drop the list.",
                )
            )
        if not scoped and self.any_ref is not True:
            found.append(
                rules.SCOPE_MISSING.problem(
                    f"{me}.branches",
                    "(or tags, environments, pull_requests, any_ref) must say which workflows "
                    "may assume the role",
                    None,
                )
            )
        if (self.owner_id is None) != (self.repo_id is None):
            found.append(
                rules.IMMUTABLE_IDS_INVALID.problem(
                    f"{me}.owner_id" if self.owner_id is None else f"{me}.repo_id",
                    "must be given together with the other ID",
                    None,
                )
            )
        for id_argument, id_value in (("owner_id", self.owner_id), ("repo_id", self.repo_id)):
            if id_value is not None and _numeric_id(id_value) is None:
                found.append(
                    rules.IMMUTABLE_IDS_INVALID.problem(
                        f"{me}.{id_argument}", "must be a positive integer", id_value
                    )
                )
        found.extend(self._provider_key_problems())
        found.extend(self._issuer_problems())
        return found

    def _provider_key_problems(self) -> list[Problem]:
        me = "GitHubActions"
        found: list[Problem] = []
        invalid = rules.PROVIDER_CLAIM_INVALID
        if self.repository_id is not None and _numeric_id(self.repository_id) is None:
            found.append(
                invalid.problem(
                    f"{me}.repository_id", "must be a positive integer", self.repository_id
                )
            )
        if (
            self.repository_id is not None
            and self.repo_id is not None
            and _numeric_id(self.repository_id) != _numeric_id(self.repo_id)
        ):
            found.append(
                rules.CONTRADICTION.problem(
                    f"{me}.repository_id",
                    f"differs from repo_id={self.repo_id!r}: both name the repository",
                    self.repository_id,
                )
            )
        for item in self._sequence("actor_ids", self.actor_ids, found):
            if _numeric_id(item) is None:
                found.append(invalid.problem(f"{me}.actor_ids", "must be positive integers", item))
        for item in self._sequence("job_workflow_refs", self.job_workflow_refs, found):
            escape = workflow_ref_pattern_issue(item) if isinstance(item, str) else None
            if escape is not None and not is_token(item):
                # The template rule's judge and ID: a glob that reaches another repository.
                found.append(workflow_rule.INFO.problem(f"{me}.job_workflow_refs", escape, item))
            elif not isinstance(item, str) or not (is_token(item) or _WORKFLOW_REF.fullmatch(item)):
                found.append(
                    invalid.problem(
                        f"{me}.job_workflow_refs",
                        "must be OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH "
                        "(or @refs/tags/TAG, or @ a 40-digit commit SHA), without wildcards",
                        item,
                    )
                )
        for item in self._sequence("refs", self.refs, found):
            if not isinstance(item, str) or not (
                is_token(item) or (_FULL_REF.fullmatch(item) and ".." not in item)
            ):
                found.append(
                    invalid.problem(
                        f"{me}.refs",
                        "must be full refs such as 'refs/heads/main' or 'refs/tags/v1', "
                        "without wildcards",
                        item,
                    )
                )
        for argument, flag in (("legacy_subject", self.legacy_subject),):
            if not isinstance(flag, bool):
                found.append(
                    rules.SCOPE_MISSING.problem(f"{me}.{argument}", "must be a bool", flag)
                )
        if self.legacy_subject is True and (self.owner_id is None or self.repo_id is None):
            found.append(
                rules.IMMUTABLE_IDS_INVALID.problem(
                    f"{me}.legacy_subject",
                    "needs owner_id and repo_id (it adds the name-based subject to the "
                    "immutable one)",
                    self.legacy_subject,
                )
            )
        return found

    @staticmethod
    def _sequence(argument: str, value: object, found: list[Problem]) -> list[object]:
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            found.append(
                rules.PROVIDER_CLAIM_INVALID.problem(
                    f"GitHubActions.{argument}", "must be a list", value
                )
            )
            return []
        return list(value)

    def _issuer_problems(self) -> list[Problem]:
        me = "GitHubActions"
        found: list[Problem] = []
        invalid = rules.GITHUB_ISSUER_INVALID
        if self.enterprise_slug is not None and self.host is not None:
            found.append(
                invalid.problem(f"{me}.host", "must not be given with enterprise_slug", self.host)
            )
        slug = self.enterprise_slug
        if slug is not None and not (isinstance(slug, str) and _ENTERPRISE_SLUG.fullmatch(slug)):
            found.append(
                invalid.problem(
                    f"{me}.enterprise_slug",
                    "must be an enterprise slug (lower-case letters, digits, inner '-')",
                    slug,
                )
            )
        host = self.host
        if host is not None and not (
            isinstance(host, str) and _HOST.fullmatch(host) and host != GITHUB_HOST
        ):
            found.append(
                invalid.problem(
                    f"{me}.host",
                    "must be the host name of a GitHub Enterprise Server such as 'ghe.example.com'",
                    host,
                )
            )
        if (slug is not None or host is not None) and self._provider_conditions():
            found.append(
                provider_key_rule.INFO.problem(
                    f"{me}.enterprise_slug" if slug is not None else f"{me}.host",
                    "cannot be combined with repository_id, job_workflow_refs, refs or "
                    "actor_ids: AWS STS documents those keys for "
                    "token.actions.githubusercontent.com only",
                    slug if slug is not None else host,
                )
            )
        return found

    def issuer_url(self) -> str:
        """The issuer: GitHub's, Enterprise Cloud's unique one, or an Enterprise Server's.

        Example:
            >>> GitHubActions(owner="a", repo="b", branches=["main"],
            ...     enterprise_slug="acme").issuer_url()
            'https://token.actions.githubusercontent.com/acme'
        """
        if self.host is not None:
            return f"https://{self.host}{GHES_ISSUER_PATH}"
        if self.enterprise_slug is not None:
            return f"{GITHUB_ISSUER}/{self.enterprise_slug}"
        return GITHUB_ISSUER

    def _provider_conditions(self) -> dict[str, tuple[str, ...]]:
        """Claim → exact values for the provider keys this identity pins."""
        found: dict[str, tuple[str, ...]] = {}
        if self.repository_id is not None:
            found["repository_id"] = (str(_numeric_id(self.repository_id) or self.repository_id),)
        workflows = list(_strings(self.job_workflow_refs)[0])
        if workflows:
            found["job_workflow_ref"] = _unique(workflows)
        refs = _strings(self.refs)[0]
        if refs:
            found["ref"] = _unique(refs)
        actors = (
            [str(_numeric_id(a) or a) for a in self.actor_ids]
            if isinstance(self.actor_ids, Sequence) and not isinstance(self.actor_ids, str)
            else []
        )
        if actors:
            found["actor_id"] = _unique(actors)
        return found

    def _repository(self) -> str:
        owner_id, repo_id = _numeric_id(self.owner_id), _numeric_id(self.repo_id)
        if owner_id is not None and repo_id is not None:
            return f"{self.owner}@{owner_id}/{self.repo}@{repo_id}"
        return f"{self.owner}/{self.repo}"

    def claims(self) -> OidcClaims:
        issuer = self.issuer_url()
        prefix = issuer_host(issuer)
        repositories = [self._repository()]
        if self.legacy_subject is True:
            repositories.append(f"{self.owner}/{self.repo}")
        subjects: list[str] = []
        for repository in repositories:
            base = f"repo:{repository}"
            if self.any_ref is True:
                subjects.append(f"{base}:*")
                continue
            subjects += [f"{base}:ref:refs/heads/{b}" for b in _strings(self.branches)[0]]
            subjects += [f"{base}:ref:refs/tags/{t}" for t in _strings(self.tags)[0]]
            subjects += [f"{base}:environment:{e}" for e in _strings(self.environments)[0]]
            if self.pull_requests is True:
                subjects.append(f"{base}:pull_request")
        provider = {f"{prefix}:{claim}": v for claim, v in self._provider_conditions().items()}
        return OidcClaims(
            issuer_url=issuer,
            audiences=(GITHUB_AUDIENCE,),
            subjects=_unique([s for s in subjects if not _is_pattern(s)]),
            subject_patterns=_unique([s for s in subjects if _is_pattern(s)]),
            extra={"StringEquals": provider} if provider else {},
            key_prefix=prefix,
        )

    def warnings(self) -> list[tuple[RuleInfo, str]]:
        found: list[tuple[RuleInfo, str]] = []
        if self.any_ref is True:
            found.append(
                (
                    rules.ANY_REF,
                    f"any_ref=True: every branch, tag, environment and pull request of "
                    f"{self.owner}/{self.repo} can assume this role",
                )
            )
        if self.legacy_subject is True:
            found.append(
                (
                    rules.LEGACY_SUBJECT,
                    f"legacy_subject=True: migration to immutable subjects in progress; "
                    f"repo:{self.owner}/{self.repo}:… is trusted as well as "
                    f"repo:{self._repository()}:…; drop it once the workflows present the "
                    "immutable subject",
                )
            )
        return found


def _numeric_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and int(value) > 0:
        return int(value)
    return None
