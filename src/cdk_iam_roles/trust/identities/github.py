"""GitHub Actions workflows as an OIDC identity (pure Python)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from cdk_iam_roles.errors import Problem
from cdk_iam_roles.rules.construct import web_identity as rules
from cdk_iam_roles.rules.model import RuleInfo
from cdk_iam_roles.trust.identities._common import (
    _is_pattern,
    _name_problem,
    _ref_list,
    _strings,
    _unique,
)
from cdk_iam_roles.trust.identities.base import Identity, OidcClaims, issuer_host
from cdk_iam_roles.trust.tokens import is_token

# GitHub's OIDC issuer and the audience the AWS credentials action requests.
# https://docs.github.com/en/actions/how-tos/secure-your-work/security-harden-deployments/oidc-in-aws
GITHUB_ISSUER: Final = "https://token.actions.githubusercontent.com"
GITHUB_AUDIENCE: Final = "sts.amazonaws.com"

# https://docs.github.com/en/get-started/learning-about-github/types-of-github-accounts
_GITHUB_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
_GITHUB_REPO = re.compile(r"^[A-Za-z0-9._-]{1,100}$")

_ENVIRONMENT = re.compile(r"^[^\x00-\x1f\x7f*?]{1,255}$")


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
        return found

    def _repository(self) -> str:
        owner_id, repo_id = _numeric_id(self.owner_id), _numeric_id(self.repo_id)
        if owner_id is not None and repo_id is not None:
            return f"{self.owner}@{owner_id}/{self.repo}@{repo_id}"
        return f"{self.owner}/{self.repo}"

    def claims(self) -> OidcClaims:
        base = f"repo:{self._repository()}"
        if self.any_ref is True:
            return OidcClaims(
                issuer_url=GITHUB_ISSUER,
                audiences=(GITHUB_AUDIENCE,),
                subject_patterns=(f"{base}:*",),
                key_prefix=issuer_host(GITHUB_ISSUER),
            )
        subjects = [f"{base}:ref:refs/heads/{b}" for b in _strings(self.branches)[0]]
        subjects += [f"{base}:ref:refs/tags/{t}" for t in _strings(self.tags)[0]]
        subjects += [f"{base}:environment:{e}" for e in _strings(self.environments)[0]]
        if self.pull_requests is True:
            subjects.append(f"{base}:pull_request")
        return OidcClaims(
            issuer_url=GITHUB_ISSUER,
            audiences=(GITHUB_AUDIENCE,),
            subjects=_unique([s for s in subjects if not _is_pattern(s)]),
            subject_patterns=_unique([s for s in subjects if _is_pattern(s)]),
            key_prefix=issuer_host(GITHUB_ISSUER),
        )

    def warnings(self) -> list[tuple[RuleInfo, str]]:
        if self.any_ref is True:
            return [
                (
                    rules.ANY_REF,
                    f"any_ref=True: every branch, tag, environment and pull request of "
                    f"{self.owner}/{self.repo} can assume this role",
                )
            ]
        return []


def _numeric_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and int(value) > 0:
        return int(value)
    return None
