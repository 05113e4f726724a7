"""Construct-time rules of WebIdentityRole and its identity classes (IAMR-WI-*)."""

from __future__ import annotations

from cdk_iam_roles.rules.model import RuleInfo, Severity

_OIDC_ROLE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html"
_OIDC_KEYS = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_iam-condition-keys.html#condition-keys-wif"
)
_OIDC_PROVIDER = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html"
)
_COGNITO = (
    "https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html"
)

IDENTITY_INVALID = RuleInfo(
    id="IAMR-WI-001",
    severity=Severity.ERROR,
    what="identity is one of the identity classes (GitHubActions, GitLabCI, EksServiceAccount, "
    "CognitoIdentityPool, TerraformCloud, GenericOidc).",
    why="The identity class renders the aud and sub conditions; without it the trust is unscoped.",
    fix="Pass identity=GitHubActions(owner=..., repo=..., branches=[...]) or another identity.",
    doc=_OIDC_ROLE,
)
NAME_INVALID = RuleInfo(
    id="IAMR-WI-002",
    severity=Severity.ERROR,
    what="Owner, repository, project, organization, workspace, namespace, service account and "
    "host names use the characters their platform allows.",
    why="A name the platform cannot issue never matches the token's sub claim, and odd characters "
    "(':', '*', '?', '${') change what the condition means.",
    fix="Spell the name exactly as the platform shows it.",
    doc=_OIDC_KEYS,
)
NAME_WILDCARD = RuleInfo(
    id="IAMR-WI-003",
    severity=Severity.ERROR,
    what="Owner, repository, project, organization, workspace, namespace and service account "
    "names are exact: no '*' or '?'.",
    why="A wildcard in a name matches neighbours: 'repo:acme/app*' also matches "
    "'repo:acme/app-evil', and 'repo:*' lets any repository in the world assume the role.",
    fix="Name the exact owner and repository (or project); create one role per workload.",
    doc=_OIDC_KEYS,
)
SCOPE_MISSING = RuleInfo(
    id="IAMR-WI-004",
    severity=Severity.ERROR,
    what="The trust says which workloads may assume the role: branches, tags, environments, pull "
    "requests or subjects (any_ref=True is the explicit opt-in to every ref of a repository).",
    why="A role trusting an OIDC issuer without a pinned sub claim lets every workload of that "
    "issuer assume it.",
    fix="Pass branches=['main'] (or tags, environments, pull_requests=True, subjects).",
    doc=_OIDC_ROLE,
)
PATTERN_UNSAFE = RuleInfo(
    id="IAMR-WI-005",
    severity=Severity.ERROR,
    what="Branches, tags, environments and subjects are valid names; a wildcard is allowed only "
    "right after a '/' (or ':' in GenericOidc subjects), such as 'release/*'.",
    why="IAM's StringLike '*' matches any characters, so 'feat*' also matches 'feature-evil' and a "
    "bare '*' matches every workload; '?' and '${' are wildcard and policy-variable syntax.",
    fix="Put the wildcard after a '/' (e.g. 'release/*'), or list the exact names.",
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String",
)
ISSUER_INVALID = RuleInfo(
    id="IAMR-WI-006",
    severity=Severity.ERROR,
    what="The issuer is an https:// URL of at most 255 characters without port, query, fragment "
    "or wildcard.",
    why="IAM accepts only such URLs for OIDC providers, and the condition keys are named after it.",
    fix="Pass the issuer URL exactly as the identity provider's discovery document states it.",
    doc=_OIDC_PROVIDER,
)
AUDIENCE_INVALID = RuleInfo(
    id="IAMR-WI-007",
    severity=Severity.ERROR,
    what="At least one audience is given, each exact (no '*' or '?').",
    why="Without an aud condition a token minted for another application of the same issuer "
    "can assume the role.",
    fix="Pass the audience (client ID) the workload requests its token for.",
    doc=_OIDC_KEYS,
)
POOL_ID_INVALID = RuleInfo(
    id="IAMR-WI-008",
    severity=Severity.ERROR,
    what="identity_pool_id has the form REGION:UUID, e.g. 'us-east-1:1a2b3c4d-...'.",
    why="Cognito puts the identity pool ID in the aud claim; any other value never matches, and "
    "a trust without it lets any identity pool assume the role.",
    fix="Copy the identity pool ID from the Cognito console or pass CfnIdentityPool.ref.",
    doc=_COGNITO,
)
UNAUTHENTICATED = RuleInfo(
    id="IAMR-WI-009",
    severity=Severity.WARNING,
    what="A Cognito role for unauthenticated (guest) identities is created only on request.",
    why="Anyone on the internet can obtain a guest identity of a pool that allows them.",
    fix="Keep authenticated=True unless the role is meant for guests and grants very little.",
    doc=_COGNITO,
)
PROVIDER_INVALID = RuleInfo(
    id="IAMR-WI-010",
    severity=Severity.ERROR,
    what="provider is an iam.IOidcProvider or the ARN of an OIDC provider for the identity's "
    "issuer, in the stack's partition (and not given for Cognito identity pools).",
    why="STS matches the token's issuer with the provider in the trust; a provider for another "
    "issuer never matches.",
    fix="Pass the provider for this issuer, or leave provider out to use the account's provider.",
    doc=_OIDC_PROVIDER,
)
ANY_REF = RuleInfo(
    id="IAMR-WI-011",
    severity=Severity.WARNING,
    what="any_ref=True trusts every branch, tag, environment and pull request of the repository.",
    why="Anyone who can push a branch or open a pull request in the repository can run a workflow "
    "that assumes the role.",
    fix="List the branches, tags or environments that deploy instead of any_ref=True.",
    doc=_OIDC_ROLE,
)
IMMUTABLE_IDS_INVALID = RuleInfo(
    id="IAMR-WI-012",
    severity=Severity.ERROR,
    what="owner_id and repo_id are given together, as GitHub's positive numeric IDs.",
    why="GitHub's immutable sub form 'repo:OWNER@ID/REPO@ID:...' names both IDs; one alone never "
    "matches.",
    fix="Pass both IDs (from the GitHub API: the owner's and the repository's 'id'), or neither.",
    doc="https://docs.github.com/en/actions/reference/security/oidc",
)
CONTRADICTION = RuleInfo(
    id="IAMR-WI-013",
    severity=Severity.ERROR,
    what="Arguments do not contradict each other (any_ref=True with a list of refs; extra "
    "conditions that restate aud or sub).",
    why="One of the two is ignored or both are ANDed into a condition that never matches.",
    fix="Keep one of the two.",
    doc=_OIDC_ROLE,
)
EXTRA_CONDITIONS_INVALID = RuleInfo(
    id="IAMR-WI-014",
    severity=Severity.ERROR,
    what="extra_conditions maps a string condition operator to keys and exact values.",
    why="The extra conditions narrow the trust; a wildcard or an unknown operator would widen "
    "it or make it unusable.",
    fix="Pass e.g. {'StringEquals': {'issuer.example.com:groups': 'deployers'}}.",
    doc=_OIDC_KEYS,
)
RUN_PHASE_INVALID = RuleInfo(
    id="IAMR-WI-015",
    severity=Severity.ERROR,
    what="TerraformCloud.run_phase is 'plan', 'apply' or None (both, as two exact subjects).",
    why="HCP Terraform names only these run phases in the sub claim.",
    fix="Pass run_phase='plan' or run_phase='apply', or leave it out.",
    doc="https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration",
)
_GITHUB_OIDC = "https://docs.github.com/en/actions/reference/security/oidc"
PROVIDER_CLAIM_INVALID = RuleInfo(
    id="IAMR-WI-016",
    severity=Severity.ERROR,
    what=(
        "GitHubActions provider-key arguments are exact: repository_id and actor_ids are "
        "GitHub's positive numeric IDs, job_workflow_refs have the shape "
        "OWNER/REPO/.github/workflows/FILE@REF, refs are full refs such as 'refs/heads/main'; "
        "no wildcards."
    ),
    why=(
        "Each is rendered as one more StringEquals on a key AWS STS reads from the token "
        "(token.actions.githubusercontent.com:repository_id, …); a value GitHub never issues "
        "makes the role unusable, and a wildcard has no meaning under StringEquals."
    ),
    fix=(
        "Copy the values from the token's claims (GitHub's OIDC reference lists them), e.g. "
        "repository_id=123456, job_workflow_refs=['acme/platform/.github/workflows/"
        "deploy.yml@refs/heads/main'], refs=['refs/heads/main']."
    ),
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_iam-condition-keys.html#condition-keys-wif"
    ),
)
LEGACY_SUBJECT = RuleInfo(
    id="IAMR-WI-017",
    severity=Severity.INFO,
    what=(
        "legacy_subject=True trusts the name-based subject (repo:OWNER/REPO:…) and the "
        "immutable one (repo:OWNER@ID/REPO@ID:…) together, for a migration."
    ),
    why=(
        "The name-based subject matches any repository that later takes the name; keep both "
        "forms only while the repository switches to immutable subjects."
    ),
    fix=(
        "Once the workflows present the immutable subject, drop legacy_subject=True "
        "(repository_id pins the repository meanwhile)."
    ),
    doc=_GITHUB_OIDC,
)
GITHUB_ISSUER_INVALID = RuleInfo(
    id="IAMR-WI-018",
    severity=Severity.ERROR,
    what=(
        "enterprise_slug is a GitHub enterprise slug and host a GitHub Enterprise Server host "
        "name, and at most one of them is given."
    ),
    why=(
        "The issuer decides the provider ARN and the condition-key prefix; a wrong one never "
        "matches the token."
    ),
    fix=(
        "Pass enterprise_slug='acme' for Enterprise Cloud's unique issuer, or "
        "host='ghe.example.com' for Enterprise Server, not both."
    ),
    doc=_GITHUB_OIDC,
)
CI_PROVIDER_INVALID = RuleInfo(
    id="IAMR-WI-019",
    severity=Severity.ERROR,
    what=(
        "CircleCI organization and project IDs, Bitbucket workspace and repository UUIDs are "
        "UUIDs; Buildkite organization and pipeline slugs are lower-case slugs; none holds a "
        "wildcard, and the project (repository, pipeline) is always named."
    ),
    why=(
        "These values are the issuer, the audience and the subject of the vendor's token; a "
        "wrong value never matches, and a missing project lets every project of the "
        "organization (or, on Buildkite's shared issuer, of every organization) in."
    ),
    fix="Copy the IDs from the vendor's settings page (see the class's docstring).",
    doc=_OIDC_ROLE,
)
