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

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import urlsplit

from cdk_iam_roles.errors import Problem, RoleConfigError
from cdk_iam_roles.rules.construct import web_identity as rules
from cdk_iam_roles.rules.model import RuleInfo
from cdk_iam_roles.trust.document import Conditions, Statement, allow
from cdk_iam_roles.trust.tokens import is_token

__all__ = [
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

WEB_IDENTITY_ACTION: Final = "sts:AssumeRoleWithWebIdentity"

# GitHub's OIDC issuer and the audience the AWS credentials action requests.
# https://docs.github.com/en/actions/how-tos/secure-your-work/security-harden-deployments/oidc-in-aws
GITHUB_ISSUER: Final = "https://token.actions.githubusercontent.com"
GITHUB_AUDIENCE: Final = "sts.amazonaws.com"
# EKS (IRSA) tokens carry aud sts.amazonaws.com and sub system:serviceaccount:NS:SA.
# https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
EKS_AUDIENCE: Final = "sts.amazonaws.com"
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
# HCP Terraform: aud aws.workload.identity; sub organization:O:project:P:workspace:W:run_phase:PH.
# https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration
TERRAFORM_AUDIENCE: Final = "aws.workload.identity"
TERRAFORM_RUN_PHASES: Final = ("plan", "apply")
# IAM OIDC provider URL limits.
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html
ISSUER_URL_MAX: Final = 255

_OPERATORS = frozenset(
    {
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "ForAnyValue:StringEquals",
        "ForAnyValue:StringLike",
        "ForAllValues:StringEquals",
        "ForAllValues:StringLike",
    }
)
# https://docs.github.com/en/get-started/learning-about-github/types-of-github-accounts
_GITHUB_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
_GITHUB_REPO = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
# GitLab paths: letters, digits, '_', '-', '.'; not starting with '-' or ending in '.'.
# https://docs.gitlab.com/user/reserved_names/
_GITLAB_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$"
)
# Kubernetes: namespaces are DNS labels, service accounts DNS subdomains.
# https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
_K8S_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_K8S_SUBDOMAIN = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$"
)
# HCP Terraform names: organizations and workspaces letters, digits, '-', '_'; projects may
# also hold inner spaces (at most 40 characters).
# https://developer.hashicorp.com/terraform/cloud-docs/projects/manage
_TF_NAME = re.compile(r"^[A-Za-z0-9_-]{1,90}$")
_TF_PROJECT = re.compile(r"^[A-Za-z0-9_-](?:[A-Za-z0-9_ -]{0,38}[A-Za-z0-9_-])?$")
# Cognito identity pool IDs: REGION:UUID.
# https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_IdentityPool.html
_POOL_ID = re.compile(
    r"^[a-z]{2}(?:-[a-z]+)+-\d:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
_ENVIRONMENT = re.compile(r"^[^\x00-\x1f\x7f*?]{1,255}$")
_IAM_VALUE = re.compile(r"^[^\x00-\x1f\x7f]+$")
# Characters git refuses in ref names (besides '*', handled as a pattern).
# https://git-scm.com/docs/git-check-ref-format
_GIT_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?\[\\]")


@dataclass(frozen=True, slots=True)
class OidcClaims:
    """What an identity trusts, ready to become trust statements.

    Args:
        issuer_url: the issuer (``https://...``; may be a CDK token).
        audiences: exact ``aud`` values (``StringEquals``).
        subjects: exact ``sub`` values (``StringEquals``).
        subject_patterns: ``sub`` patterns (``StringLike``), neighbour-safe.
        extra: further conditions, operator → full key → values.
        federated: a fixed ``Federated`` principal (Cognito), or ``None`` for the
            provider of ``issuer_url``.
        key_prefix: the condition-key prefix (``host/path`` of the issuer), or ``None``
            when the issuer is a token.
    """

    issuer_url: str
    audiences: tuple[str, ...]
    subjects: tuple[str, ...] = ()
    subject_patterns: tuple[str, ...] = ()
    extra: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    federated: str | None = None
    key_prefix: str | None = None


def issuer_host(issuer_url: str) -> str:
    """The issuer without ``https://``: the provider ARN's name and the condition-key prefix.

    Example:
        >>> issuer_host("https://token.actions.githubusercontent.com")
        'token.actions.githubusercontent.com'
    """
    return issuer_url[len("https://") :] if issuer_url.startswith("https://") else issuer_url


def check_issuer_url(value: object) -> str | None:
    """``None`` when ``value`` is a usable OIDC issuer URL (or a token), else what is wrong.

    Example:
        >>> check_issuer_url("http://example.com")
        'must start with https://'
    """
    if not isinstance(value, str):
        return "must be a string"
    if is_token(value):
        return None
    if not value.startswith("https://"):
        return "must start with https://"
    if len(value) > ISSUER_URL_MAX:
        return f"must be at most {ISSUER_URL_MAX} characters long"
    if "*" in value or "?" in value or "#" in value:
        return "must not contain a wildcard, query or fragment"
    parts = urlsplit(value)
    if parts.query or parts.fragment:
        return "must not contain a query or fragment"
    if "@" in parts.netloc:
        return "must not contain user information"
    if ":" in parts.netloc:
        return "must not contain a port"
    if not _HOST.match(parts.netloc.lower()):
        return "must name a host such as 'token.example.com'"
    if any(c.isspace() for c in value) or "${" in value:
        return "must not contain spaces or '${'"
    return None


def _strings(value: object) -> tuple[list[str], list[object]]:
    """Split a string / sequence argument into its strings and anything that is not one."""
    if value is None:
        return [], []
    if isinstance(value, str):
        return [value], []
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        good = [v for v in value if isinstance(v, str)]
        bad = [v for v in value if not isinstance(v, str)]
        return good, bad
    return [], [value]


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _name_problem(
    owner: str, argument: str, value: object, pattern: re.Pattern[str], what: str
) -> Problem | None:
    """A name argument: a string of the platform's charset, never a wildcard."""
    arg = f"{owner}.{argument}"
    if not isinstance(value, str):
        return rules.NAME_INVALID.problem(arg, "must be a string", value)
    if is_token(value):
        return None
    if "*" in value or "?" in value:
        return rules.NAME_WILDCARD.problem(arg, "must not contain a wildcard", value)
    if not pattern.match(value):
        return rules.NAME_INVALID.problem(arg, f"must be {what}", value)
    return None


def _ref_problem(value: str) -> str | None:
    """What is wrong with a branch or tag name or pattern (``release/*``), if anything."""
    if is_token(value):
        return None
    if not value:
        return "must not be empty"
    if value.startswith("refs/"):
        return "must be the short name, without 'refs/heads/' or 'refs/tags/'"
    if "${" in value:
        return "must not contain '${' (IAM reads it as a policy variable)"
    if value == "*" or value.startswith("*"):
        return "must not be or start with a wildcard; name the ref or a prefix such as 'release/*'"
    for index, char in enumerate(value):
        if char == "*" and value[index - 1] != "/":
            return (
                "may hold a wildcard only right after '/' (such as 'release/*'): "
                f"{value!r} also matches neighbouring names"
            )
    if _GIT_FORBIDDEN.search(value):
        return "is not a valid git ref name (no spaces, '~^:?[\\' or control characters)"
    if (
        ".." in value
        or "@{" in value
        or "//" in value
        or value.startswith(("/", "-", "."))
        or value.endswith(("/", ".", ".lock"))
    ):
        return "is not a valid git ref name"
    return None


def _subject_problem(value: str) -> str | None:
    """A GenericOidc subject: exact, or with a wildcard right after '/' or ':'."""
    if is_token(value):
        return None
    if not value or not _IAM_VALUE.match(value):
        return "must be non-empty text without control characters"
    if "${" in value:
        return "must not contain '${' (IAM reads it as a policy variable)"
    if "?" in value:
        return "must not contain '?' (a StringLike wildcard)"
    for index, char in enumerate(value):
        if char == "*" and (index == 0 or value[index - 1] not in "/:"):
            return (
                "may hold a wildcard only right after '/' or ':' (such as 'project:acme/*'): "
                f"{value!r} also matches neighbouring subjects"
            )
    return None


def _is_pattern(value: str) -> bool:
    return "*" in value and not is_token(value)


class Identity:
    """Base of the identity classes: validation and rendering of one kind of workload."""

    def problems(self) -> list[Problem]:
        """Everything wrong with the inputs (empty when the identity is usable)."""
        raise NotImplementedError

    def claims(self) -> OidcClaims:
        """The issuer, audiences and subjects this identity trusts (after :meth:`problems`)."""
        raise NotImplementedError

    def warnings(self) -> list[tuple[RuleInfo, str]]:
        """Warnings the role shows at synth (rule, text); none by default."""
        return []

    def validate(self) -> None:
        """Raise :class:`~cdk_iam_roles.errors.RoleConfigError` with every problem, if any.

        Example:
            >>> try:
            ...     GitHubActions(owner="acme", repo="app*", branches=["main"]).validate()
            ... except RoleConfigError as error:
            ...     print(error.rule_ids)
            ('IAMR-WI-003',)
        """
        found = self.problems()
        if found:
            raise RoleConfigError(type(self).__name__, found)


def _ref_list(owner: str, argument: str, value: object, found: list[Problem]) -> list[str]:
    good, bad = _strings(value)
    for item in bad:
        found.append(rules.PATTERN_UNSAFE.problem(f"{owner}.{argument}", "must be strings", item))
    for item in good:
        problem = _ref_problem(item)
        if problem:
            fix = None
            if item.startswith("refs/"):
                short = item.split("/", 2)[-1]
                fix = f"Pass the short name, e.g. {short!r}."
            found.append(
                rules.PATTERN_UNSAFE.problem(f"{owner}.{argument}", problem, item, fix=fix)
            )
    return good


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

    def problems(self) -> list[Problem]:
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
            if not is_token(env) and (not _ENVIRONMENT.match(env) or "${" in env):
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


@dataclass(frozen=True, kw_only=True, slots=True)
class GitLabCI(Identity):
    """GitLab CI/CD jobs of one project (issuer ``https://HOST``).

    Renders ``sub`` = ``project_path:GROUP/PROJECT:ref_type:branch:ref:B`` (``ref_type:tag``
    for tags) and ``aud`` = ``audience`` (default ``https://HOST``, the value GitLab's AWS
    guide uses in ``id_tokens``).
    https://docs.gitlab.com/ci/cloud_services/aws/

    Args:
        project_path: ``group/project`` or ``group/subgroup/project`` (exact).
        branches: branch names; ``release/*`` is a ``StringLike`` pattern (default: none).
        tags: tag names, patterns as for branches (default: none).
        host: the GitLab host name (default ``"gitlab.com"``).
        audience: the ``aud`` the job's ``id_tokens`` requests (default ``https://`` + host).

    Example:
        >>> GitLabCI(project_path="acme/app", branches=["main"]).claims().subjects
        ('project_path:acme/app:ref_type:branch:ref:main',)
    """

    project_path: str
    branches: Sequence[str] = ()
    tags: Sequence[str] = ()
    host: str = "gitlab.com"
    audience: str | None = None

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        me = "GitLabCI"
        path = self.project_path
        if not isinstance(path, str):
            found.append(rules.NAME_INVALID.problem(f"{me}.project_path", "must be a string", path))
        elif not is_token(path):
            if "*" in path or "?" in path:
                found.append(
                    rules.NAME_WILDCARD.problem(
                        f"{me}.project_path", "must not contain a wildcard", path
                    )
                )
            else:
                segments = path.split("/")
                if len(segments) < 2 or not all(
                    _GITLAB_SEGMENT.match(s) and not s.endswith((".", ".git", ".atom"))
                    for s in segments
                ):
                    found.append(
                        rules.NAME_INVALID.problem(
                            f"{me}.project_path",
                            "must be 'group/project' (subgroups allowed) of letters, digits, "
                            "'_', '-' and '.'",
                            path,
                        )
                    )
        host_problem = _name_problem(
            me, "host", self.host, _HOST, "a host name such as 'gitlab.com'"
        )
        if host_problem:
            found.append(host_problem)
        branches = _ref_list(me, "branches", self.branches, found)
        tags = _ref_list(me, "tags", self.tags, found)
        if not branches and not tags:
            found.append(
                rules.SCOPE_MISSING.problem(
                    f"{me}.branches", "(or tags) must say which jobs may assume the role", None
                )
            )
        if self.audience is not None:
            found.extend(_audience_problems(me, "audience", [self.audience]))
        return found

    def claims(self) -> OidcClaims:
        issuer = f"https://{self.host}"
        base = f"project_path:{self.project_path}"
        subjects = [f"{base}:ref_type:branch:ref:{b}" for b in _strings(self.branches)[0]]
        subjects += [f"{base}:ref_type:tag:ref:{t}" for t in _strings(self.tags)[0]]
        return OidcClaims(
            issuer_url=issuer,
            audiences=(self.audience if self.audience is not None else issuer,),
            subjects=_unique([s for s in subjects if not _is_pattern(s)]),
            subject_patterns=_unique([s for s in subjects if _is_pattern(s)]),
            key_prefix=self.host,
        )


def _audience_problems(owner: str, argument: str, values: object) -> list[Problem]:
    found: list[Problem] = []
    good, bad = _strings(values)
    arg = f"{owner}.{argument}"
    for item in bad:
        found.append(rules.AUDIENCE_INVALID.problem(arg, "must be strings", item))
    if not good and not bad:
        found.append(rules.AUDIENCE_INVALID.problem(arg, "must name at least one audience", None))
    for item in good:
        if is_token(item):
            continue
        if not item or not _IAM_VALUE.match(item):
            found.append(rules.AUDIENCE_INVALID.problem(arg, "must be non-empty text", item))
        elif "*" in item or "?" in item or "${" in item:
            found.append(rules.AUDIENCE_INVALID.problem(arg, "must be exact (no wildcard)", item))
    return found


@dataclass(frozen=True, kw_only=True, slots=True)
class EksServiceAccount(Identity):
    """One Kubernetes service account of an EKS cluster (IAM roles for service accounts).

    Renders ``aud`` = ``sts.amazonaws.com`` and ``sub`` =
    ``system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT`` under keys named after the
    cluster's issuer. The issuer may be a CDK token
    (``cluster.cluster_open_id_connect_issuer_url``); the role then builds its condition
    keys with ``CfnJson``.
    https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html

    Args:
        issuer: the cluster's OIDC issuer URL (``https://oidc.eks.REGION.amazonaws.com/id/ID``)
            or a token.
        namespace: the Kubernetes namespace (exact).
        service_account: the service account name (exact).

    Example:
        >>> EksServiceAccount(issuer="https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
        ...     namespace="shop", service_account="api").claims().subjects
        ('system:serviceaccount:shop:api',)
    """

    issuer: str
    namespace: str
    service_account: str

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        me = "EksServiceAccount"
        problem = check_issuer_url(self.issuer)
        if problem:
            found.append(rules.ISSUER_INVALID.problem(f"{me}.issuer", problem, self.issuer))
        for argument, value, pattern, what in (
            ("namespace", self.namespace, _K8S_LABEL, "a Kubernetes namespace (DNS label)"),
            (
                "service_account",
                self.service_account,
                _K8S_SUBDOMAIN,
                "a Kubernetes service account name (DNS subdomain)",
            ),
        ):
            name_problem = _name_problem(me, argument, value, pattern, what)
            if name_problem:
                found.append(name_problem)
        return found

    def claims(self) -> OidcClaims:
        return OidcClaims(
            issuer_url=self.issuer,
            audiences=(EKS_AUDIENCE,),
            subjects=(f"system:serviceaccount:{self.namespace}:{self.service_account}",),
            key_prefix=None if is_token(self.issuer) else issuer_host(self.issuer),
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

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        me = "CognitoIdentityPool"
        pool = self.identity_pool_id
        if not isinstance(pool, str) or not (is_token(pool) or _POOL_ID.match(pool)):
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


@dataclass(frozen=True, kw_only=True, slots=True)
class TerraformCloud(Identity):
    """Runs of one HCP Terraform (Terraform Cloud / Enterprise) workspace.

    Renders ``aud`` = ``aws.workload.identity`` and ``sub`` =
    ``organization:O:project:P:workspace:W:run_phase:PHASE``; without ``run_phase`` both
    phases, as two exact subjects.
    https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration

    Args:
        organization: the organization name (exact).
        project: the project name (exact; ``"Default Project"`` for workspaces not moved).
        workspace: the workspace name (exact).
        run_phase: ``"plan"`` or ``"apply"`` (default: both).
        hostname: the Terraform host (default ``"app.terraform.io"``).

    Example:
        >>> TerraformCloud(organization="acme", project="infra", workspace="prod",
        ...     run_phase="apply").claims().subjects
        ('organization:acme:project:infra:workspace:prod:run_phase:apply',)
    """

    organization: str
    project: str
    workspace: str
    run_phase: Literal["plan", "apply"] | None = None
    hostname: str = "app.terraform.io"

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        me = "TerraformCloud"
        for argument, value, pattern, what in (
            ("organization", self.organization, _TF_NAME, "letters, digits, '-' and '_'"),
            ("project", self.project, _TF_PROJECT, "letters, digits, inner spaces, '-' and '_'"),
            ("workspace", self.workspace, _TF_NAME, "letters, digits, '-' and '_'"),
            ("hostname", self.hostname, _HOST, "a host name such as 'app.terraform.io'"),
        ):
            problem = _name_problem(me, argument, value, pattern, what)
            if problem:
                found.append(problem)
        if self.run_phase is not None and self.run_phase not in TERRAFORM_RUN_PHASES:
            found.append(
                rules.RUN_PHASE_INVALID.problem(
                    f"{me}.run_phase", "must be 'plan', 'apply' or None", self.run_phase
                )
            )
        return found

    def claims(self) -> OidcClaims:
        phases = (self.run_phase,) if self.run_phase is not None else TERRAFORM_RUN_PHASES
        base = f"organization:{self.organization}:project:{self.project}:workspace:{self.workspace}"
        return OidcClaims(
            issuer_url=f"https://{self.hostname}",
            audiences=(TERRAFORM_AUDIENCE,),
            subjects=tuple(f"{base}:run_phase:{phase}" for phase in phases),
            key_prefix=self.hostname,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class GenericOidc(Identity):
    """Any OIDC issuer, with the audiences and subjects stated by the caller (still validated).

    Exact subjects are rendered with ``StringEquals``; a subject with a wildcard right
    after ``/`` or ``:`` (``project:acme/*``) is a pattern, rendered with ``StringLike``.

    Args:
        issuer: the issuer URL (``https://``, no port or query, at most 255 characters).
        audiences: one or more exact ``aud`` values.
        subjects: one or more ``sub`` values or neighbour-safe patterns.
        extra_conditions: further conditions, operator → key → value(s), e.g.
            ``{"StringEquals": {"auth.example.com:groups": "deployers"}}`` (default: none);
            they may not restate ``aud`` or ``sub``.

    Example:
        >>> GenericOidc(issuer="https://auth.example.com", audiences=["api"],
        ...     subjects=["svc:deploy"]).problems()
        []
    """

    issuer: str
    audiences: Sequence[str]
    subjects: Sequence[str]
    extra_conditions: Mapping[str, Mapping[str, str | Sequence[str]]] | None = None

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        me = "GenericOidc"
        problem = check_issuer_url(self.issuer)
        if problem:
            found.append(rules.ISSUER_INVALID.problem(f"{me}.issuer", problem, self.issuer))
        found.extend(_audience_problems(me, "audiences", self.audiences))
        subjects, bad = _strings(self.subjects)
        for item in bad:
            found.append(rules.PATTERN_UNSAFE.problem(f"{me}.subjects", "must be strings", item))
        if not subjects and not bad:
            found.append(
                rules.SCOPE_MISSING.problem(
                    f"{me}.subjects", "must name at least one subject", None
                )
            )
        for subject in subjects:
            subject_problem = _subject_problem(subject)
            if subject_problem:
                found.append(
                    rules.PATTERN_UNSAFE.problem(f"{me}.subjects", subject_problem, subject)
                )
        found.extend(self._extra_problems())
        return found

    def _extra_problems(self) -> list[Problem]:
        arg = "GenericOidc.extra_conditions"
        extra = self.extra_conditions
        if extra is None:
            return []
        if not isinstance(extra, Mapping):
            return [rules.EXTRA_CONDITIONS_INVALID.problem(arg, "must be a mapping", extra)]
        found: list[Problem] = []
        prefix = issuer_host(self.issuer) if isinstance(self.issuer, str) else ""
        for operator, block in extra.items():
            if operator not in _OPERATORS:
                found.append(
                    rules.EXTRA_CONDITIONS_INVALID.problem(
                        arg, "must use a string condition operator such as 'StringEquals'", operator
                    )
                )
                continue
            if not isinstance(block, Mapping) or not block:
                found.append(
                    rules.EXTRA_CONDITIONS_INVALID.problem(
                        f"{arg}[{operator!r}]", "must map condition keys to values", block
                    )
                )
                continue
            for key, value in block.items():
                if not isinstance(key, str) or not key or "*" in key:
                    found.append(
                        rules.EXTRA_CONDITIONS_INVALID.problem(
                            f"{arg}[{operator!r}]", "keys must be condition keys", key
                        )
                    )
                    continue
                if not is_token(prefix) and key in (f"{prefix}:aud", f"{prefix}:sub"):
                    found.append(
                        rules.CONTRADICTION.problem(
                            f"{arg}[{operator!r}]",
                            "must not restate aud or sub (use audiences and subjects)",
                            key,
                        )
                    )
                    continue
                values, bad = _strings(value)
                if bad or not values:
                    found.append(
                        rules.EXTRA_CONDITIONS_INVALID.problem(
                            f"{arg}[{operator!r}][{key!r}]", "must be one or more strings", value
                        )
                    )
                for item in values:
                    if not is_token(item) and (
                        not item or "*" in item or "?" in item or "${" in item
                    ):
                        found.append(
                            rules.EXTRA_CONDITIONS_INVALID.problem(
                                f"{arg}[{operator!r}][{key!r}]",
                                "must be exact, non-empty values",
                                item,
                            )
                        )
        return found

    def claims(self) -> OidcClaims:
        subjects = _strings(self.subjects)[0]
        extra: dict[str, dict[str, tuple[str, ...]]] = {}
        for operator, block in (self.extra_conditions or {}).items():
            for key, value in block.items():
                extra.setdefault(operator, {})[key] = tuple(_strings(value)[0])
        return OidcClaims(
            issuer_url=self.issuer,
            audiences=_unique(_strings(self.audiences)[0]),
            subjects=_unique([s for s in subjects if not _is_pattern(s)]),
            subject_patterns=_unique([s for s in subjects if _is_pattern(s)]),
            extra=extra,
            key_prefix=None if is_token(self.issuer) else issuer_host(self.issuer),
        )


def trust_statements(
    claims: OidcClaims, principal: Any, *, key_prefix: str | None = None
) -> list[Statement]:
    """The trust statements for ``claims``, trusting the ``Federated`` ``principal``.

    One statement for the exact subjects (``StringEquals`` on ``aud`` and ``sub``) and
    one for the patterns (``StringEquals`` on ``aud``, ``StringLike`` on ``sub``): two
    operators on one key in one statement would both have to match.

    Args:
        claims: what the identity trusts.
        principal: the provider ARN (a string or token), ignored when the claims fix the
            principal (Cognito).
        key_prefix: the condition-key prefix (default: ``claims.key_prefix``); the CDK
            face passes a token here for a token issuer.
    """
    prefix = key_prefix if key_prefix is not None else claims.key_prefix
    if prefix is None:
        raise ValueError("the issuer's condition-key prefix is unknown")
    federated = {"Federated": claims.federated if claims.federated is not None else principal}
    groups: list[tuple[str, tuple[str, ...]]] = []
    if claims.subjects:
        groups.append(("StringEquals", claims.subjects))
    if claims.subject_patterns:
        groups.append(("StringLike", claims.subject_patterns))
    if not groups:
        groups.append(("", ()))
    statements: list[Statement] = []
    for operator, subjects in groups:
        conditions = Conditions()
        conditions.add("StringEquals", f"{prefix}:aud", list(claims.audiences))
        if subjects:
            conditions.add(operator, f"{prefix}:sub", list(subjects))
        for extra_operator, block in claims.extra.items():
            for key, values in block.items():
                conditions.add(extra_operator, key, list(values))
        statements.append(allow(federated, [WEB_IDENTITY_ACTION], conditions))
    return statements
