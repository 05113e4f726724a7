"""Strategies for the "intent ⇔ simulated decision" property tests of every pattern.

Each ``*_cases`` strategy draws the inputs of one pattern (what its user means) together
with the attackers that probe it: neighbour names (``app-evil`` next to ``app``,
``release-x`` next to ``release/*``), other accounts and organizations, wrong external
IDs, audiences and identity pools. The tests derive every expectation from these drawn
values through the small *intent* functions below, never from the synthesized template.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from hypothesis import strategies as st

from cdk_iam_roles.trust.confused_deputy import CONFUSED_DEPUTY_SERVICES
from helpers import ACCOUNT as STACK_ACCOUNT
from helpers import REGION as STACK_REGION
from strategies.common import ACCOUNT_IDS
from strategies.federation import (
    ENVIRONMENTS,
    GITHUB_OWNERS,
    GITHUB_REPOS,
    HOSTS,
    K8S_NAMES,
    POOL_IDS,
    REF_NAMES,
    SAML_KEYS,
    SAML_VALUES,
    TF_NAMES,
    TF_PROJECTS,
)

# -- neighbours -------------------------------------------------------------------------


def neighbours(value: str) -> list[str]:
    """Names an attacker could register next to ``value``: longer, shorter, prefixed.

    Example:
        >>> neighbours("app")
        ['app-evil', 'appx', 'xapp', 'ap', 'APP']
    """
    found = [value + "-evil", value + "x", "x" + value]
    if len(value) > 1:
        found.append(value[:-1])
    if value.upper() != value:
        found.append(value.upper())
    return [n for n in dict.fromkeys(found) if n != value]


def ref_neighbours(ref: str) -> list[str]:
    """Refs next to a branch/tag name or a ``prefix/*`` pattern (``release-x`` for ``release/*``).

    Example:
        >>> ref_neighbours("release/*")
        ['release-x', 'release', 'releasex/y', 'xrelease/y']
    """
    if ref.endswith("/*"):
        prefix = ref[:-2]
        return [prefix + "-x", prefix, prefix + "x/y", "x" + prefix + "/y"]
    return neighbours(ref)


def ref_accepted(ref: str, trusted: Sequence[str]) -> bool:
    """Whether a concrete ref is one the user named: exactly, or under a ``prefix/*``."""
    for item in trusted:
        # IAM's "*" matches zero or more characters, so "release/" itself is under it.
        if item.endswith("/*") and ref.startswith(item[:-1]):
            return True
        if ref == item:
            return True
    return False


def instances(ref: str, suffix: str) -> str:
    """A concrete ref the user means by ``ref`` (``release/*`` → ``release/<suffix>``)."""
    return ref[:-1] + suffix if ref.endswith("/*") else ref


_SUFFIXES = st.from_regex(r"\A[a-z0-9]([a-z0-9._-]{0,8}[a-z0-9])?(/[a-z0-9]{1,4})?\Z")


def other_account(*used: str | Sequence[str]) -> st.SearchStrategy[str]:
    """An account ID distinct from every account given."""
    taken: set[str] = set()
    for item in used:
        taken.update([item] if isinstance(item, str) else item)
    return ACCOUNT_IDS.filter(lambda a: a not in taken)


# -- ServiceRole ------------------------------------------------------------------------

_PROTECTED = sorted(k for k, v in CONFUSED_DEPUTY_SERVICES.items() if v.source_account)
_UNPROTECTED = ["lambda.amazonaws.com", "codebuild.amazonaws.com", "glue.amazonaws.com"]


@dataclass(frozen=True)
class ServiceCase:
    """ServiceRole inputs and the sources that probe its confused-deputy conditions."""

    services: list[str]
    source_account: str | None
    source_arn: str | None
    protect: bool
    outsider_service: str
    other_account: str
    resource_name: str

    @property
    def account(self) -> str:
        """The account the trust expects as aws:SourceAccount."""
        return self.source_account or STACK_ACCOUNT


def source_arn_for(service: str, account: str, name: str) -> str | None:
    """A concrete resource ARN of ``service`` in ``account`` (the documented shape)."""
    support = CONFUSED_DEPUTY_SERVICES.get(service)
    if support is None or not support.source_arn_pattern or support.wildcard_arn_only:
        return None
    pattern = support.source_arn_pattern
    pattern = pattern.replace("${Partition}", "aws").replace("${Region}", STACK_REGION)
    pattern = pattern.replace("${Account}", account)
    return pattern[:-1] + name if pattern.endswith("*") else None


@st.composite
def service_cases(draw: st.DrawFn) -> ServiceCase:
    """One to three services (protected and not), optionally a source account and ARN."""
    services = draw(
        st.lists(st.sampled_from(_PROTECTED + _UNPROTECTED), min_size=1, max_size=3, unique=True)
    )
    # Turning protection off while naming a source is refused (IAMR-SVC-005).
    protect = draw(st.booleans()) or draw(st.booleans())
    source_account = draw(st.one_of(st.none(), ACCOUNT_IDS)) if protect else None
    name = draw(st.from_regex(r"\A[a-z][a-z0-9-]{1,12}\Z"))
    account = source_account or STACK_ACCOUNT
    source_arn = None
    if protect and len(services) == 1 and draw(st.booleans()):
        source_arn = source_arn_for(services[0], account, name)
    outsider = draw(st.sampled_from([s for s in _PROTECTED + _UNPROTECTED if s not in services]))
    return ServiceCase(
        services=services,
        source_account=source_account,
        source_arn=source_arn,
        protect=protect,
        outsider_service=outsider,
        other_account=draw(other_account(account)),
        resource_name=name,
    )


# -- CrossAccountRole -------------------------------------------------------------------

_IAM_NAMES = st.from_regex(r"\A[A-Za-z0-9+=,.@_-]{2,40}\Z")
_PATHS = st.one_of(st.just("/"), st.from_regex(r"\A/([a-z0-9]{1,8}/){1,2}\Z"))
ORG_IDS = st.from_regex(r"\Ao-[a-z0-9]{10,20}\Z")
EXTERNAL_IDS = st.from_regex(r"\A[A-Za-z0-9_+=,.@:/-]{2,40}\Z")


@dataclass(frozen=True)
class IamPrincipal:
    """An IAM role or user, split into the parts the attackers vary."""

    account: str
    kind: str
    path: str
    name: str

    @property
    def arn(self) -> str:
        """The principal's ARN, path included."""
        return f"arn:aws:iam::{self.account}:{self.kind}{self.path}{self.name}"

    def renamed(self, name: str) -> IamPrincipal:
        """The same principal under another name."""
        return IamPrincipal(self.account, self.kind, self.path, name)


IAM_PRINCIPALS = st.builds(
    IamPrincipal, ACCOUNT_IDS, st.sampled_from(["role", "user"]), _PATHS, _IAM_NAMES
)


@dataclass(frozen=True)
class CrossAccountCase:
    """CrossAccountRole inputs, and the attackers' accounts, org and external IDs."""

    principals: list[IamPrincipal]
    accounts: list[str]
    organization_id: str | None
    external_ids: list[str]
    third_party: bool
    require_mfa: bool
    max_hours: int
    other_account: str
    other_org: str
    duration: int

    def trusts(self, principal: IamPrincipal) -> bool:
        """The intent: named exactly, or a member of a trusted account."""
        return principal.account in self.accounts or any(
            principal.arn == p.arn for p in self.principals
        )


@st.composite
def cross_account_cases(draw: st.DrawFn) -> CrossAccountCase:
    """Exact principals and/or accounts, with optional org, external IDs and MFA."""
    principals = draw(st.lists(IAM_PRINCIPALS, max_size=3, unique_by=lambda p: p.arn))
    accounts = draw(st.lists(ACCOUNT_IDS, max_size=2, unique=True))
    if not principals and not accounts:
        accounts = [draw(ACCOUNT_IDS)]
    third_party = draw(st.booleans())
    external_ids = draw(st.lists(EXTERNAL_IDS, min_size=int(third_party), max_size=2, unique=True))
    organization_id = draw(st.one_of(st.none(), ORG_IDS))
    used = [p.account for p in principals] + accounts
    return CrossAccountCase(
        principals=principals,
        accounts=accounts,
        organization_id=organization_id,
        external_ids=external_ids,
        third_party=third_party,
        require_mfa=draw(st.booleans()),
        max_hours=draw(st.integers(1, 12)),
        other_account=draw(other_account(used)),
        other_org=draw(ORG_IDS.filter(lambda o: o != organization_id)),
        duration=draw(st.integers(900, 43200)),
    )


# -- ElevatedUserRole -------------------------------------------------------------------


@dataclass(frozen=True)
class ElevatedCase:
    """ElevatedUserRole inputs (IAM users), and the attackers' MFA ages and names."""

    users: list[IamPrincipal]
    mfa_max_minutes: int | None
    max_hours: int
    fresh_age: int
    old_age: int
    other_account: str
    duration: int

    @property
    def mfa_max_seconds(self) -> int:
        """The MFA age limit the user asked for (15 minutes by default)."""
        return 60 * (self.mfa_max_minutes if self.mfa_max_minutes is not None else 15)

    def trusts(self, principal: IamPrincipal) -> bool:
        """The intent: exactly one of the named users."""
        return any(principal.arn == u.arn for u in self.users)


_USERS = st.builds(IamPrincipal, ACCOUNT_IDS, st.just("user"), _PATHS, _IAM_NAMES)


@st.composite
def elevated_cases(draw: st.DrawFn) -> ElevatedCase:
    """One to three IAM users, an MFA age limit, a session length (long ones with reason)."""
    users = draw(st.lists(_USERS, min_size=1, max_size=3, unique_by=lambda u: u.arn))
    minutes = draw(st.one_of(st.none(), st.integers(1, 720)))
    limit = 60 * (minutes if minutes is not None else 15)
    return ElevatedCase(
        users=users,
        mfa_max_minutes=minutes,
        max_hours=draw(st.sampled_from([1, 1, 2, 4, 12])),
        fresh_age=draw(st.integers(0, limit - 1)),
        old_age=draw(st.integers(limit, limit + 86400)),
        other_account=draw(other_account([u.account for u in users])),
        duration=draw(st.integers(900, 43200)),
    )


@dataclass(frozen=True)
class IdentityCenterCase:
    """ElevatedUserRole(idp_enforced_mfa=True) inputs: permission sets and their roles."""

    account: str
    permission_sets: list[str]
    region_folder: str
    suffix: str
    other_account: str


@st.composite
def identity_center_cases(draw: st.DrawFn) -> IdentityCenterCase:
    """Permission sets of one account, and the shape of the roles Identity Center makes."""
    account = draw(ACCOUNT_IDS)
    return IdentityCenterCase(
        account=account,
        permission_sets=draw(
            st.lists(
                st.from_regex(r"\A[A-Za-z0-9+=,.@-]{2,24}\Z"), min_size=1, max_size=2, unique=True
            )
        ),
        region_folder=draw(st.sampled_from(["", "eu-west-1/", "us-east-2/"])),
        suffix=draw(st.text(alphabet="0123456789abcdef", min_size=16, max_size=16)),
        other_account=draw(other_account(account)),
    )


# -- WebIdentityRole ---------------------------------------------------------------------

GITHUB_REF_PATTERNS = st.from_regex(r"\A[a-z0-9]{1,8}(/[a-z0-9]{1,6})?/\*\Z")
GITHUB_REFS = st.one_of(REF_NAMES, REF_NAMES, GITHUB_REF_PATTERNS)


@dataclass(frozen=True)
class GitHubCase:
    """GitHubActions inputs, and the attackers' repositories and refs."""

    owner: str
    repo: str
    branches: list[str]
    tags: list[str]
    environments: list[str]
    pull_requests: bool
    any_ref: bool
    ids: tuple[int, int] | None
    suffix: str
    extra_ref: str

    def repository(self, owner: str | None = None, repo: str | None = None) -> str:
        """The ``sub`` repository part, for this repository or another one."""
        owner, repo = owner or self.owner, repo or self.repo
        if self.ids is not None:
            return f"{owner}@{self.ids[0]}/{repo}@{self.ids[1]}"
        return f"{owner}/{repo}"

    def accepts(self, kind: str, value: str) -> bool:
        """The intent: does the user's list name this branch/tag/environment/PR?"""
        if self.any_ref:
            return True
        if kind == "branch":
            return ref_accepted(value, self.branches)
        if kind == "tag":
            return ref_accepted(value, self.tags)
        if kind == "environment":
            return value in self.environments
        return self.pull_requests


def github_subject(repository: str, kind: str, value: str) -> str:
    """The ``sub`` GitHub issues for a job (default subject template).

    https://docs.github.com/en/actions/reference/security/oidc
    """
    if kind == "branch":
        return f"repo:{repository}:ref:refs/heads/{value}"
    if kind == "tag":
        return f"repo:{repository}:ref:refs/tags/{value}"
    if kind == "environment":
        return f"repo:{repository}:environment:{value}"
    return f"repo:{repository}:pull_request"


@st.composite
def github_cases(draw: st.DrawFn) -> GitHubCase:
    """A repository with some branches, tags, environments, PRs, or every ref."""
    any_ref = draw(st.integers(0, 5)) == 0
    branches = [] if any_ref else draw(st.lists(GITHUB_REFS, max_size=3, unique=True))
    tags = [] if any_ref else draw(st.lists(GITHUB_REFS, max_size=2, unique=True))
    environments = [] if any_ref else draw(st.lists(ENVIRONMENTS, max_size=2, unique=True))
    pull_requests = False if any_ref else draw(st.booleans())
    if not any_ref and not (branches or tags or environments or pull_requests):
        branches = [draw(GITHUB_REFS)]
    ids = draw(st.one_of(st.none(), st.tuples(st.integers(1, 10**9), st.integers(1, 10**9))))
    return GitHubCase(
        owner=draw(GITHUB_OWNERS),
        repo=draw(GITHUB_REPOS),
        branches=branches,
        tags=tags,
        environments=environments,
        pull_requests=pull_requests,
        any_ref=any_ref,
        ids=ids,
        suffix=draw(_SUFFIXES),
        extra_ref=draw(REF_NAMES),
    )


@dataclass(frozen=True)
class GitLabCase:
    """GitLabCI inputs, and the attackers' projects and refs."""

    project_path: str
    branches: list[str]
    tags: list[str]
    host: str | None
    audience: str | None
    suffix: str
    extra_ref: str

    @property
    def hostname(self) -> str:
        """The GitLab host (gitlab.com by default)."""
        return self.host or "gitlab.com"

    @property
    def aud(self) -> str:
        """The audience the user asked for (``https://`` + host by default)."""
        return self.audience or f"https://{self.hostname}"


def gitlab_subject(project_path: str, kind: str, ref: str) -> str:
    """The ``sub`` GitLab issues for a job on a branch or tag.

    https://docs.gitlab.com/ci/secrets/id_token_authentication/
    """
    return f"project_path:{project_path}:ref_type:{kind}:ref:{ref}"


@st.composite
def gitlab_cases(draw: st.DrawFn) -> GitLabCase:
    """A group/project path with branches and/or tags, gitlab.com or self-managed."""
    path = "/".join(draw(st.lists(K8S_NAMES, min_size=2, max_size=3)))
    branches = draw(st.lists(GITHUB_REFS, max_size=2, unique=True))
    tags = draw(st.lists(GITHUB_REFS, max_size=2, unique=True))
    if not branches and not tags:
        branches = [draw(REF_NAMES)]
    host = draw(st.one_of(st.none(), HOSTS))
    audience = draw(st.one_of(st.none(), st.from_regex(r"\Ahttps://[a-z]{1,8}\.example\.net\Z")))
    return GitLabCase(path, branches, tags, host, audience, draw(_SUFFIXES), draw(REF_NAMES))


@dataclass(frozen=True)
class EksCase:
    """EksServiceAccount inputs, and another cluster's issuer."""

    issuer: str
    namespace: str
    service_account: str
    other_issuer: str
    duration: int


_EKS_ISSUERS = st.builds(
    lambda region, cluster: f"https://oidc.eks.{region}.amazonaws.com/id/{cluster}",
    st.sampled_from(["us-east-1", "eu-west-1"]),
    st.text(alphabet=string.hexdigits[:16].upper(), min_size=32, max_size=32),
)


@st.composite
def eks_cases(draw: st.DrawFn) -> EksCase:
    """A cluster issuer, a namespace and a service account; another cluster next to it."""
    issuer = draw(_EKS_ISSUERS)
    return EksCase(
        issuer=issuer,
        namespace=draw(K8S_NAMES),
        service_account=draw(K8S_NAMES),
        other_issuer=draw(_EKS_ISSUERS.filter(lambda i: i != issuer)),
        duration=draw(st.integers(900, 7200)),
    )


@dataclass(frozen=True)
class CognitoCase:
    """CognitoIdentityPool inputs, another pool, and a login provider for ``amr``."""

    pool_id: str
    authenticated: bool
    other_pool_id: str
    login_provider: str


@st.composite
def cognito_cases(draw: st.DrawFn) -> CognitoCase:
    """An identity pool for authenticated (mostly) or unauthenticated identities."""
    pool = draw(POOL_IDS)
    return CognitoCase(
        pool_id=pool,
        authenticated=draw(st.integers(0, 3)) > 0,
        other_pool_id=draw(POOL_IDS.filter(lambda p: p != pool)),
        login_provider=draw(
            st.sampled_from(
                [
                    "graph.facebook.com",
                    "accounts.google.com",
                    f"cognito-idp.{STACK_REGION}.amazonaws.com/{STACK_REGION}_AbCdEf123",
                ]
            )
        ),
    )


@dataclass(frozen=True)
class TerraformCase:
    """TerraformCloud inputs, and the attackers' organization/project/workspace names."""

    organization: str
    project: str
    workspace: str
    run_phase: Literal["plan", "apply"] | None
    hostname: str | None

    @property
    def host(self) -> str:
        """The HCP Terraform host (app.terraform.io by default)."""
        return self.hostname or "app.terraform.io"

    def phases(self) -> list[str]:
        """The run phases the user means (both when none is named)."""
        return [self.run_phase] if self.run_phase else ["plan", "apply"]


def terraform_subject(organization: str, project: str, workspace: str, phase: str) -> str:
    """The ``sub`` HCP Terraform issues for a run.

    https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/workload-identity-tokens
    """
    return f"organization:{organization}:project:{project}:workspace:{workspace}:run_phase:{phase}"


TERRAFORM_CASES = st.builds(
    TerraformCase,
    organization=TF_NAMES,
    project=TF_PROJECTS,
    workspace=TF_NAMES,
    run_phase=st.sampled_from([None, "plan", "apply"]),
    hostname=st.one_of(st.none(), HOSTS),
)


@dataclass(frozen=True)
class GenericCase:
    """GenericOidc inputs: exact subjects and ``prefix/*`` or ``prefix:*`` patterns."""

    issuer: str
    audiences: list[str]
    subjects: list[str]
    extra_key: str | None
    extra_values: list[str] = field(default_factory=list)
    suffix: str = "x"

    @property
    def host(self) -> str:
        """The issuer without ``https://``: provider name and key prefix."""
        return self.issuer.removeprefix("https://")

    def accepts(self, subject: str) -> bool:
        """The intent: named exactly, or under a ``prefix/*`` / ``prefix:*`` pattern."""
        for item in self.subjects:
            if item.endswith("*") and subject.startswith(item[:-1]):
                return True
            if subject == item:
                return True
        return False


_GENERIC_SUBJECTS = st.one_of(
    st.from_regex(r"\A[a-z]{1,8}:[A-Za-z0-9_.-]{1,12}\Z"),
    st.from_regex(r"\A[a-z]{1,8}:[a-z]{1,8}/\*\Z"),
    # 'type:*' alone matches every subject of that type (IAMR-OIDC-003): pin a name first.
    st.from_regex(r"\A[a-z]{1,8}:[a-z]{1,8}:\*\Z"),
)


@st.composite
def generic_cases(draw: st.DrawFn) -> GenericCase:
    """Any https issuer, one or two audiences, one to three subjects, maybe a group claim."""
    extra = draw(st.booleans())
    return GenericCase(
        issuer=draw(st.builds(lambda h, p: f"https://{h}{p}", HOSTS, st.sampled_from(["", "/t"]))),
        audiences=draw(
            st.lists(st.from_regex(r"\A[a-z0-9-]{1,12}\Z"), min_size=1, max_size=2, unique=True)
        ),
        subjects=draw(st.lists(_GENERIC_SUBJECTS, min_size=1, max_size=3, unique=True)),
        extra_key="groups" if extra else None,
        extra_values=(
            draw(st.lists(st.from_regex(r"\A[a-z]{2,10}\Z"), min_size=1, max_size=2, unique=True))
            if extra
            else []
        ),
        suffix=draw(st.from_regex(r"\A[a-z0-9]{1,6}\Z")),
    )


# -- FederatedRole -----------------------------------------------------------------------

_SAML_NAMES = st.from_regex(r"\A[A-Za-z0-9._-]{1,30}\Z")


@dataclass(frozen=True)
class FederatedCase:
    """FederatedRole inputs, and the attackers' providers."""

    provider_account: str
    provider_name: str
    console_access: bool
    attributes: dict[str, list[str]]
    other_account: str
    max_hours: int
    duration: int

    @property
    def provider_arn(self) -> str:
        """The SAML provider's ARN."""
        return f"arn:aws:iam::{self.provider_account}:saml-provider/{self.provider_name}"


@st.composite
def federated_cases(draw: st.DrawFn) -> FederatedCase:
    """A SAML provider; console sign-in and/or attribute conditions."""
    console = draw(st.booleans())
    attributes = draw(
        st.dictionaries(
            SAML_KEYS,
            st.lists(SAML_VALUES, min_size=1, max_size=3, unique=True),
            min_size=0 if console else 1,
            max_size=2,
        )
    )
    # The SAML provider lives in the role's own account.
    account = STACK_ACCOUNT
    return FederatedCase(
        provider_account=account,
        provider_name=draw(_SAML_NAMES),
        console_access=console,
        attributes=attributes,
        other_account=draw(other_account(account)),
        max_hours=draw(st.integers(1, 12)),
        duration=draw(st.integers(900, 43200)),
    )


SAML_SIGN_IN = {
    # The console's SAML endpoint (the assertion's audience) per partition.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_relying-party.html
    "aws": "https://signin.aws.amazon.com/saml",
    "aws-cn": "https://signin.amazonaws.cn/saml",
}
