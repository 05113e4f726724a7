"""Strategies for the OIDC identities and SAML federation property tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from cdk_iam_roles.trust.identities import (
    BitbucketPipelines,
    Buildkite,
    CircleCI,
    CognitoIdentityPool,
    EksServiceAccount,
    GenericOidc,
    GitHubActions,
    GitLabCI,
    Identity,
    TerraformCloud,
)

GITHUB_OWNERS = st.from_regex(r"\A[A-Za-z0-9]([A-Za-z0-9]|-[A-Za-z0-9]){0,10}\Z")
GITHUB_REPOS = st.from_regex(r"\A[A-Za-z0-9_-][A-Za-z0-9._-]{0,20}\Z").filter(
    lambda r: r not in (".", "..")
)
_SEGMENT = r"[A-Za-z0-9]([A-Za-z0-9_-]{0,8}[A-Za-z0-9])?"
REF_NAMES = st.from_regex(rf"\A{_SEGMENT}(/{_SEGMENT}){{0,2}}\Z")
REF_PATTERNS = st.from_regex(rf"\A{_SEGMENT}(/{_SEGMENT}){{0,1}}/\*\Z")
REFS = st.one_of(REF_NAMES, REF_NAMES, REF_PATTERNS)
ENVIRONMENTS = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9 _-]{0,15}\Z")
HOSTS = st.from_regex(r"\A[a-z0-9]{1,10}\.(example\.com|example\.org)\Z")
ISSUERS = st.builds(lambda host, path: f"https://{host}{path}", HOSTS, st.sampled_from(["", "/t1"]))
K8S_NAMES = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?\Z")
POOL_IDS = st.builds(
    lambda region, uuid: f"{region}:{uuid}",
    st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-2"]),
    st.uuids().map(str),
)
TF_NAMES = st.from_regex(r"\A[A-Za-z0-9_-]{1,20}\Z")
TF_PROJECTS = st.from_regex(r"\A[A-Za-z0-9_-]([A-Za-z0-9_ -]{0,10}[A-Za-z0-9_-])?\Z")
SUBJECTS = st.one_of(
    st.from_regex(r"\A[a-z]{1,8}:[A-Za-z0-9_.-]{1,12}\Z"),
    st.from_regex(r"\A[a-z]{1,8}:[a-z]{1,8}/\*\Z"),
)


@st.composite
def github_identities(draw: st.DrawFn) -> GitHubActions:
    """A valid GitHubActions identity with at least one scope."""
    owner, repo = draw(GITHUB_OWNERS), draw(GITHUB_REPOS)
    if draw(st.booleans()) and draw(st.booleans()):
        return GitHubActions(owner=owner, repo=repo, any_ref=True)
    kwargs: dict[str, Any] = {
        "branches": draw(st.lists(REFS, max_size=3)),
        "tags": draw(st.lists(REFS, max_size=2)),
        "environments": draw(st.lists(ENVIRONMENTS, max_size=2)),
        "pull_requests": draw(st.booleans()),
    }
    if not any(kwargs.values()):
        kwargs["branches"] = [draw(REF_NAMES)]
    if draw(st.booleans()):
        kwargs["owner_id"] = draw(st.integers(1, 10**9))
        kwargs["repo_id"] = draw(st.integers(1, 10**9))
    return GitHubActions(owner=owner, repo=repo, **kwargs)


@st.composite
def gitlab_identities(draw: st.DrawFn) -> GitLabCI:
    path = "/".join(draw(st.lists(K8S_NAMES, min_size=2, max_size=3)))
    branches = draw(st.lists(REFS, max_size=2))
    tags = draw(st.lists(REFS, max_size=2))
    if not branches and not tags:
        branches = ["main"]
    return GitLabCI(project_path=path, branches=branches, tags=tags)


UUIDS = st.uuids().map(str)
SLUGS = st.from_regex(r"\A[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?\Z")

VALID_IDENTITIES: st.SearchStrategy[Identity] = st.one_of(
    github_identities(),
    gitlab_identities(),
    st.builds(EksServiceAccount, issuer=ISSUERS, namespace=K8S_NAMES, service_account=K8S_NAMES),
    st.builds(CognitoIdentityPool, identity_pool_id=POOL_IDS, authenticated=st.booleans()),
    st.builds(
        TerraformCloud,
        organization=TF_NAMES,
        project=TF_PROJECTS,
        workspace=TF_NAMES,
        run_phase=st.sampled_from([None, "plan", "apply"]),
    ),
    st.builds(
        GenericOidc,
        issuer=ISSUERS,
        audiences=st.lists(st.from_regex(r"\A[a-z0-9-]{1,12}\Z"), min_size=1, max_size=2),
        subjects=st.lists(SUBJECTS, min_size=1, max_size=3),
    ),
    st.builds(
        CircleCI,
        organization_id=UUIDS,
        project_ids=st.lists(UUIDS, min_size=1, max_size=2, unique=True),
        user_ids=st.one_of(st.none(), st.lists(UUIDS, min_size=1, max_size=2, unique=True)),
    ),
    st.builds(
        BitbucketPipelines,
        workspace=st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,12}\Z"),
        workspace_uuid=UUIDS.map(lambda u: "{" + u + "}"),
        repository_uuids=st.lists(UUIDS, min_size=1, max_size=2, unique=True),
    ),
    st.builds(
        Buildkite,
        organization=SLUGS,
        pipelines=st.lists(SLUGS, min_size=1, max_size=2, unique=True),
        branches=st.lists(REF_NAMES, max_size=2, unique=True),
    ),
)

_WILDCARDS = st.sampled_from(["*", "?", "a*", "*-evil", "x?"])
_NEIGHBOUR_GLOBS = st.builds(lambda name: name + "*", REF_NAMES)
BAD_ISSUERS = st.one_of(
    st.builds(lambda host: f"http://{host}", HOSTS),
    st.builds(lambda host: f"https://{host}:8443", HOSTS),
    st.builds(lambda host: f"https://{host}/?a=1", HOSTS),
    HOSTS,
)
BAD_POOL_IDS = st.one_of(
    st.uuids().map(str),
    st.builds(lambda r: f"{r}:*", st.sampled_from(["us-east-1", "eu-west-1"])),
    st.from_regex(r"\A[a-z]{2}-[a-z]+-[0-9]:[0-9a-z]{1,20}\Z"),
)


@st.composite
def bad_identities(draw: st.DrawFn) -> tuple[Identity, str]:
    """An identity with one known fault, and the rule ID that must refuse it."""
    owner, repo, branch = draw(GITHUB_OWNERS), draw(GITHUB_REPOS), draw(REF_NAMES)
    k8s = draw(K8S_NAMES)
    options: list[tuple[Identity, str]] = [
        (GitHubActions(owner=owner, repo=repo), "IAMR-WI-004"),
        (
            GitHubActions(owner=owner + draw(_WILDCARDS), repo=repo, branches=[branch]),
            "IAMR-WI-003",
        ),
        (
            GitHubActions(owner=owner, repo=repo + draw(_WILDCARDS), branches=[branch]),
            "IAMR-WI-003",
        ),
        (GitHubActions(owner=owner, repo=repo, branches=[draw(_NEIGHBOUR_GLOBS)]), "IAMR-WI-005"),
        (GitHubActions(owner=owner, repo=repo, tags=[draw(_NEIGHBOUR_GLOBS)]), "IAMR-WI-005"),
        (GitLabCI(project_path=f"{k8s}/{draw(_WILDCARDS)}", branches=[branch]), "IAMR-WI-003"),
        (GitLabCI(project_path=f"{k8s}/app"), "IAMR-WI-004"),
        (
            EksServiceAccount(
                issuer=draw(ISSUERS), namespace=k8s + draw(_WILDCARDS), service_account="api"
            ),
            "IAMR-WI-003",
        ),
        (
            EksServiceAccount(issuer=draw(BAD_ISSUERS), namespace=k8s, service_account="api"),
            "IAMR-WI-006",
        ),
        (CognitoIdentityPool(identity_pool_id=draw(BAD_POOL_IDS)), "IAMR-WI-008"),
        (
            TerraformCloud(organization=k8s, project=draw(_WILDCARDS), workspace="prod"),
            "IAMR-WI-003",
        ),
        (GenericOidc(issuer=draw(BAD_ISSUERS), audiences=["a"], subjects=["s:1"]), "IAMR-WI-006"),
        (GenericOidc(issuer=draw(ISSUERS), audiences=[], subjects=["s:1"]), "IAMR-WI-007"),
        (
            GenericOidc(issuer=draw(ISSUERS), audiences=[draw(_WILDCARDS)], subjects=["s:1"]),
            "IAMR-WI-007",
        ),
        (GenericOidc(issuer=draw(ISSUERS), audiences=["a"], subjects=["*"]), "IAMR-OIDC-003"),
        (
            GenericOidc(issuer=draw(ISSUERS), audiences=["a"], subjects=[f"{k8s}@*/x@*:*"]),
            "IAMR-OIDC-007",
        ),
        (
            GitHubActions(
                owner=owner, repo=repo, branches=[branch], repository_id=draw(_WILDCARDS)
            ),
            "IAMR-WI-016",
        ),
        (
            GitHubActions(
                owner=owner,
                repo=repo,
                branches=[branch],
                job_workflow_refs=[f"{owner}/*/.github/workflows/d.yml@refs/heads/main"],
            ),
            "IAMR-OIDC-009",
        ),
        (
            CircleCI(organization_id=draw(UUIDS), project_ids=[draw(_WILDCARDS)]),
            "IAMR-WI-019",
        ),
        (
            BitbucketPipelines(
                workspace=k8s, workspace_uuid=draw(_WILDCARDS), repository_uuids=[draw(UUIDS)]
            ),
            "IAMR-WI-019",
        ),
        (Buildkite(organization=k8s, pipelines=[draw(_WILDCARDS)]), "IAMR-WI-019"),
    ]
    return draw(st.sampled_from(options))


SAML_KEYS = st.sampled_from(
    ["SAML:sub", "SAML:sub_type", "SAML:iss", "SAML:edupersonaffiliation", "SAML:namequalifier"]
)
SAML_VALUES = st.from_regex(r"\A[A-Za-z0-9@._:/-]{1,20}\Z")
ATTRIBUTE_CONDITIONS = st.dictionaries(
    SAML_KEYS, st.one_of(SAML_VALUES, st.lists(SAML_VALUES, min_size=1, max_size=3)), min_size=1
)
BAD_ATTRIBUTE_CONDITIONS = st.one_of(
    st.dictionaries(
        st.from_regex(r"\A(aws|saml|sts):[a-z]{1,8}\Z"), SAML_VALUES, min_size=1, max_size=2
    ),
    st.dictionaries(SAML_KEYS, st.sampled_from(["*", "", "a*b", "?"]), min_size=1, max_size=2),
)
