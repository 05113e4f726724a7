"""Intent ⇔ simulated decision, for every role pattern.

Each example draws a pattern's inputs (tests/strategies/intent.py), synthesizes ONE stack
holding the role with the real CDK (helpers.new_stack / helpers.synth, cfn-lint clean),
and then asks the offline evaluator, through the public helpers
``cdk_iam_roles.testing.assert_can_assume`` / ``assert_cannot_assume`` on that one
template, about many callers:

* the caller the user named, with the context the user asked for, is ALLOWED;
* attackers are DENIED: another account, a neighbour repository/branch/namespace/
  workspace/project (``app-evil`` next to ``app``, ``release-x`` next to ``release/*``),
  no MFA, MFA older than ``mfa_max_age``, a wrong or missing external ID, another
  organization, an unauthenticated Cognito identity, a wrong audience, a role session
  made without MFA where MFA is required, a duration above ``MaxSessionDuration`` (or
  above role chaining's one hour).

Every expectation is derived from the drawn inputs by the intent functions of the
strategies module (e.g. "is this branch one the user listed?"), never hard-coded and
never read back from the template: a neighbour that happens to be listed too is
expected to be allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from hypothesis import Phase, given, settings

from cdk_iam_roles import (
    CognitoIdentityPool,
    CrossAccountRole,
    EksServiceAccount,
    ElevatedUserRole,
    FederatedRole,
    GenericOidc,
    GitHubActions,
    GitLabCI,
    ServiceRole,
    TerraformCloud,
    WebIdentityRole,
)
from cdk_iam_roles.analysis.explain import Explanation
from cdk_iam_roles.patterns.elevated_user import identity_center_role_arn
from cdk_iam_roles.testing import assert_can_assume, assert_cannot_assume
from cdk_iam_roles.trust.confused_deputy import CONFUSED_DEPUTY_SERVICES
from helpers import ACCOUNT, REGION, new_stack, synth
from strategies.common import ACCOUNT_IDS
from strategies.intent import (
    SAML_SIGN_IN,
    TERRAFORM_CASES,
    CognitoCase,
    CrossAccountCase,
    EksCase,
    ElevatedCase,
    FederatedCase,
    GenericCase,
    GitHubCase,
    GitLabCase,
    IamPrincipal,
    IdentityCenterCase,
    ServiceCase,
    TerraformCase,
    cognito_cases,
    cross_account_cases,
    eks_cases,
    elevated_cases,
    federated_cases,
    generic_cases,
    github_cases,
    github_subject,
    gitlab_cases,
    gitlab_subject,
    identity_center_cases,
    instances,
    neighbours,
    ref_accepted,
    ref_neighbours,
    service_cases,
    source_arn_for,
    terraform_subject,
)

# One synthesized, cfn-lint-checked stack per example (about 0.5 s), then dozens of
# evaluations against it (well under a millisecond each). No shrinking: shrinking a case
# re-synthesizes for minutes, and a failure already prints the whole drawn case and the
# evaluator's explanation.
EXAMPLES = settings(max_examples=8, deadline=None, phases=[Phase.explicit, Phase.generate])
# Role chaining caps a session at one hour whatever MaxSessionDuration says.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
CHAINED_MAX_SECONDS = 3600
# GitHub's token audience for the AWS credentials action, and its issuer host.
# https://docs.github.com/en/actions/how-tos/secure-your-work/security-harden-deployments/oidc-in-aws
GITHUB_HOST = "token.actions.githubusercontent.com"
GITHUB_AUD = "sts.amazonaws.com"
# EKS service account tokens for IAM roles carry aud sts.amazonaws.com.
# https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
EKS_AUD = "sts.amazonaws.com"
# HCP Terraform's default audience for AWS workload identity tokens.
# https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration
TERRAFORM_AUD = "aws.workload.identity"
COGNITO = "cognito-identity.amazonaws.com"


@dataclass(frozen=True)
class Probe:
    """One synthesized role, asked about many callers through the public test helpers."""

    template: dict[str, Any]
    role: str

    def expect(self, allowed: bool, principal: str, **request: Any) -> Explanation:
        """Assert the decision on ``principal`` (with ``request``'s context) is ``allowed``."""
        check = assert_can_assume if allowed else assert_cannot_assume
        return check(self.template, self.role, principal, account=ACCOUNT, region=REGION, **request)

    def allows(self, principal: str, **request: Any) -> Explanation:
        """Assert ``principal`` may assume the role."""
        return self.expect(True, principal, **request)

    def denies(self, principal: str, *causes: str, **request: Any) -> Explanation:
        """Assert ``principal`` may not, for each of the named classic ``causes``."""
        result = self.expect(False, principal, **request)
        codes = [cause.code for cause in result.causes]
        for cause in causes:
            assert cause in codes, f"expected cause {cause} in {codes}:\n{result.to_text()}"
        return result


def _probe(build: Callable[[cdk.Stack], iam.Role]) -> Probe:
    """Synthesize one stack holding the role ``build`` makes (cfn-lint must pass)."""
    stack = new_stack()
    role = build(stack)
    template = synth(stack)
    resource = role.node.default_child
    assert isinstance(resource, cdk.CfnElement)
    logical_id = stack.resolve(stack.get_logical_id(resource))
    assert isinstance(logical_id, str)
    return Probe(template, logical_id)


def _oidc(host: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:oidc-provider/{host}"


def _durations(probe: Probe, principal: str, limit: int, duration: int, **request: Any) -> None:
    """A duration up to ``limit`` is allowed; above it STS refuses the request."""
    probe.expect(duration <= limit, principal, duration=duration, **request)
    probe.allows(principal, duration=limit, **request)
    refused = probe.denies(principal, duration=limit + 1, **request)
    assert refused.outcome == "Refused"


# -- ServiceRole -------------------------------------------------------------------------


@EXAMPLES
@given(case=service_cases())
def test_service_role_trusts_its_services_acting_for_its_account(case: ServiceCase) -> None:
    probe = _probe(
        lambda stack: ServiceRole(
            stack,
            "Role",
            service=case.services,
            source_account=case.source_account,
            source_arn=case.source_arn,
            confused_deputy_protection=case.protect,
        )
    )
    own_arn = source_arn_for(case.services[0], case.account, case.resource_name)
    for service in case.services:
        support = CONFUSED_DEPUTY_SERVICES.get(service)
        guarded = case.protect and support is not None and support.source_account
        arn_guarded = (
            case.protect and support is not None and support.source_arn and bool(case.source_arn)
        )
        # The service acting for the user's own resource sends its account (and ARN).
        good: dict[str, str] = {"aws:SourceAccount": case.account}
        if own_arn and service == case.services[0]:
            good["aws:SourceArn"] = own_arn
        probe.allows(service, context=good)
        # Confused deputy: the same service acting for another account's resource.
        probe.expect(
            not guarded, service, context={**good, "aws:SourceAccount": case.other_account}
        )
        probe.expect(not guarded, service)
        if own_arn and service == case.services[0]:
            for name in neighbours(case.resource_name):
                neighbour = source_arn_for(service, case.account, name)
                probe.expect(not arn_guarded, service, context={**good, "aws:SourceArn": neighbour})
    # Another service, and the account itself, are never trusted.
    probe.denies(case.outsider_service, context={"aws:SourceAccount": case.account})
    probe.denies(f"arn:aws:iam::{case.account}:root")


# -- CrossAccountRole --------------------------------------------------------------------


def _cross_account_callers(case: CrossAccountCase) -> list[IamPrincipal]:
    callers = list(case.principals)
    callers += [
        IamPrincipal(account, kind, "/", "caller")
        for account in case.accounts
        for kind in ("role", "user")
    ]
    return callers


@EXAMPLES
@given(case=cross_account_cases())
def test_cross_account_role_trusts_exactly_the_named_callers(case: CrossAccountCase) -> None:
    probe = _probe(
        lambda stack: CrossAccountRole(
            stack,
            "Role",
            trusted_principals=[p.arn for p in case.principals],
            trusted_accounts=case.accounts,
            organization_id=case.organization_id,
            external_ids=case.external_ids,
            third_party=case.third_party,
            require_mfa=case.require_mfa,
            max_session_duration=cdk.Duration.hours(case.max_hours),
        )
    )
    good: dict[str, Any] = {"mfa": case.require_mfa}
    if case.external_ids:
        good["external_id"] = case.external_ids[-1]
    if case.organization_id:
        good["context"] = {"aws:PrincipalOrgID": case.organization_id}
    for caller in _cross_account_callers(case):
        arn = caller.arn
        probe.allows(arn, **good)
        if case.require_mfa:
            # A role session meets the MFA condition only if it was made with MFA.
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
            cause = "mfa-chained" if caller.kind == "role" else "mfa-missing"
            probe.denies(arn, cause, **{**good, "mfa": False})
        if case.external_ids:
            probe.denies(arn, "external-id-missing", **{**good, "external_id": None})
            for wrong in neighbours(case.external_ids[-1]):
                probe.expect(wrong in case.external_ids, arn, **{**good, "external_id": wrong})
        if case.organization_id:
            probe.denies(arn, **{**good, "context": {"aws:PrincipalOrgID": case.other_org}})
            probe.denies(arn, **{**good, "context": {}})
        # Attackers: the same name in another account, neighbour names, the other kind.
        lookalikes = [IamPrincipal(case.other_account, caller.kind, caller.path, caller.name)]
        lookalikes += [caller.renamed(name) for name in neighbours(caller.name)]
        other_kind = "user" if caller.kind == "role" else "role"
        lookalikes.append(IamPrincipal(caller.account, other_kind, caller.path, caller.name))
        for lookalike in lookalikes:
            probe.expect(case.trusts(lookalike), lookalike.arn, **good)
        limit = case.max_hours * 3600
        if caller.kind == "role":
            limit = min(limit, CHAINED_MAX_SECONDS)
        _durations(probe, arn, limit, case.duration, **good)
    probe.denies(f"arn:aws:iam::{case.other_account}:root", **good)


@settings(max_examples=2, deadline=None, phases=[Phase.explicit, Phase.generate])
@given(account=ACCOUNT_IDS)
def test_the_root_user_of_a_trusted_account_cannot_assume(account: str) -> None:
    # STS answers "Roles may not be assumed by root accounts".
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-console.html
    probe = _probe(lambda stack: CrossAccountRole(stack, "Role", trusted_accounts=[account]))
    # Any IAM principal of the account may (its own policy permitting); its root user not.
    probe.allows(f"arn:aws:iam::{account}:user/ops")
    probe.denies(f"arn:aws:iam::{account}:root", "root-cannot-assume")
    probe.denies(account, "root-cannot-assume")


# -- ElevatedUserRole --------------------------------------------------------------------


@EXAMPLES
@given(case=elevated_cases())
def test_elevated_user_role_needs_the_named_user_with_recent_mfa(case: ElevatedCase) -> None:
    probe = _probe(
        lambda stack: ElevatedUserRole(
            stack,
            "Role",
            trusted_users=[u.arn for u in case.users],
            mfa_max_age=(
                cdk.Duration.minutes(case.mfa_max_minutes)
                if case.mfa_max_minutes is not None
                else None
            ),
            max_session_duration=cdk.Duration.hours(case.max_hours),
            long_session_reason=(
                "incident response shifts need the full on-call window"
                if case.max_hours > 1
                else None
            ),
        )
    )
    limit = case.mfa_max_seconds
    for user in case.users:
        arn = user.arn
        good: dict[str, Any] = {"mfa": True, "mfa_age": case.fresh_age, "session_name": user.name}
        probe.allows(arn, **good)
        probe.allows(arn, **{**good, "mfa_age": limit - 1})
        probe.denies(arn, "mfa-missing", **{**good, "mfa": False, "mfa_age": None})
        probe.denies(arn, "mfa-too-old", **{**good, "mfa_age": case.old_age})
        # NumericLessThan: an MFA exactly mfa_max_age old is already too old.
        probe.denies(arn, "mfa-too-old", **{**good, "mfa_age": limit})
        # The session name must be the user's own name (CloudTrail shows who it was).
        probe.denies(arn, "session-name", **{**good, "session_name": None})
        for other in neighbours(user.name):
            probe.denies(arn, "session-name", **{**good, "session_name": other})
        # Lookalikes: another account, neighbour names, a role named like the user.
        lookalikes = [IamPrincipal(case.other_account, "user", user.path, user.name)]
        lookalikes += [user.renamed(name) for name in neighbours(user.name)]
        for lookalike in lookalikes:
            probe.expect(
                case.trusts(lookalike), lookalike.arn, **{**good, "session_name": lookalike.name}
            )
        probe.denies(IamPrincipal(user.account, "role", user.path, user.name).arn, **good)
        _durations(probe, arn, case.max_hours * 3600, case.duration, **good)


@EXAMPLES
@given(case=identity_center_cases())
def test_elevated_user_role_in_idp_mode_trusts_only_its_permission_sets(
    case: IdentityCenterCase,
) -> None:
    probe = _probe(
        lambda stack: ElevatedUserRole(
            stack,
            "Role",
            trusted_users=[identity_center_role_arn(case.account, p) for p in case.permission_sets],
            idp_enforced_mfa=True,
        )
    )

    # Identity Center's roles: /aws-reserved/sso.amazonaws.com/[REGION/] and the name
    # AWSReservedSSO_<permission set>_<16 hex digits>.
    # https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html
    def sso_role(permission_set: str, account: str = case.account, folder: str = "") -> str:
        """The role Identity Center made for a permission set (or one elsewhere)."""
        folder = folder or f"aws-reserved/sso.amazonaws.com/{case.region_folder}"
        return f"arn:aws:iam::{account}:role/{folder}AWSReservedSSO_{permission_set}_{case.suffix}"

    for permission_set in case.permission_sets:
        # A federated session: no MFA context, the IdP enforced MFA.
        probe.allows(sso_role(permission_set))
        for name in neighbours(permission_set):
            probe.expect(name in case.permission_sets, sso_role(name))
        probe.denies(sso_role(permission_set, account=case.other_account))
        # The same role name outside Identity Center's reserved path is someone else's.
        probe.denies(sso_role(permission_set, folder="custom/"))
        probe.denies(f"arn:aws:iam::{case.account}:user/AWSReservedSSO_{permission_set}")


# -- WebIdentityRole ---------------------------------------------------------------------


def _wrong_audiences(audiences: list[str]) -> list[str]:
    found = [n for aud in audiences for n in neighbours(aud)]
    return [a for a in found if a not in audiences]


@EXAMPLES
@given(case=github_cases())
def test_github_actions_role_trusts_only_the_listed_refs(case: GitHubCase) -> None:
    ids = {"owner_id": case.ids[0], "repo_id": case.ids[1]} if case.ids else {}
    identity = GitHubActions(
        owner=case.owner,
        repo=case.repo,
        branches=case.branches,
        tags=case.tags,
        environments=case.environments,
        pull_requests=case.pull_requests,
        any_ref=case.any_ref,
        **ids,
    )
    probe = _probe(lambda stack: WebIdentityRole(stack, "Role", identity=identity))
    provider = _oidc(GITHUB_HOST)
    repository = case.repository()

    def claims(sub: str, aud: str = GITHUB_AUD) -> dict[str, str]:
        return {"aud": aud, "sub": sub}

    jobs = [("branch", instances(b, case.suffix)) for b in case.branches]
    jobs += [("tag", instances(t, case.suffix)) for t in case.tags]
    jobs += [("environment", e) for e in case.environments]
    if case.pull_requests or case.any_ref:
        jobs.append(("pull_request", ""))
    if case.any_ref:
        jobs += [("branch", case.extra_ref), ("tag", case.extra_ref)]
    for kind, value in jobs:
        sub = github_subject(repository, kind, value)
        probe.allows(provider, claims=claims(sub))
        probe.denies(provider, "oidc-audience-wrong", claims=claims(sub, "sts.amazonaws.co"))
        probe.denies(provider, claims={"sub": sub})
        probe.denies(provider, claims={"aud": GITHUB_AUD})
        # Another repository of the owner, a neighbour owner: never trusted.
        for name in neighbours(case.repo):
            other = github_subject(case.repository(repo=name), kind, value)
            probe.denies(provider, "oidc-subject-wrong", claims=claims(other))
        for name in neighbours(case.owner):
            probe.denies(
                provider, claims=claims(github_subject(case.repository(owner=name), kind, value))
            )
        if case.ids:
            # The mutable name form is not the immutable repository the user pinned.
            plain = github_subject(f"{case.owner}/{case.repo}", kind, value)
            probe.denies(provider, claims=claims(plain))
        # Another provider's token with the same claims.
        probe.denies(_oidc("gitlab.com"), claims=claims(sub))
    # Neighbour refs (release-x next to release/*), and refs of the other kind.
    probes = [("branch", n) for b in case.branches for n in ref_neighbours(b)]
    probes += [("tag", n) for t in case.tags for n in ref_neighbours(t)]
    probes += [("tag", instances(b, case.suffix)) for b in case.branches]
    probes += [("branch", instances(t, case.suffix)) for t in case.tags]
    probes += [("environment", n) for e in case.environments for n in neighbours(e)]
    probes += [("branch", case.extra_ref), ("tag", case.extra_ref), ("pull_request", "")]
    for kind, value in probes:
        sub = github_subject(repository, kind, value)
        probe.expect(case.accepts(kind, value), provider, claims=claims(sub))


@EXAMPLES
@given(case=gitlab_cases())
def test_gitlab_ci_role_trusts_only_the_project_and_refs(case: GitLabCase) -> None:
    identity = GitLabCI(
        project_path=case.project_path,
        branches=case.branches,
        tags=case.tags,
        **({"host": case.host} if case.host else {}),
        audience=case.audience,
    )
    probe = _probe(lambda stack: WebIdentityRole(stack, "Role", identity=identity))
    provider = _oidc(case.hostname)
    jobs = [("branch", instances(b, case.suffix)) for b in case.branches]
    jobs += [("tag", instances(t, case.suffix)) for t in case.tags]
    group, _, project = case.project_path.rpartition("/")
    for kind, ref in jobs:
        sub = gitlab_subject(case.project_path, kind, ref)
        probe.allows(provider, claims={"aud": case.aud, "sub": sub})
        for aud in _wrong_audiences([case.aud]):
            probe.denies(provider, "oidc-audience-wrong", claims={"aud": aud, "sub": sub})
        for name in neighbours(project):
            other = gitlab_subject(f"{group}/{name}", kind, ref)
            probe.denies(provider, "oidc-subject-wrong", claims={"aud": case.aud, "sub": other})
        # The parent group alone, and a subgroup below the project, are other projects.
        for path in (group, f"{case.project_path}/sub"):
            other = gitlab_subject(path, kind, ref)
            probe.denies(provider, claims={"aud": case.aud, "sub": other})
        other_host = "gitlab.example.org" if case.hostname == "gitlab.com" else "gitlab.com"
        probe.denies(_oidc(other_host), claims={"aud": case.aud, "sub": sub})
    lists = {"branch": case.branches, "tag": case.tags}
    probes = [(kind, n) for kind, refs in lists.items() for r in refs for n in ref_neighbours(r)]
    probes += [("tag", r) for _, r in jobs] + [("branch", r) for _, r in jobs]
    probes += [("branch", case.extra_ref), ("tag", case.extra_ref)]
    for kind, ref in probes:
        expected = ref_accepted(ref, lists[kind])
        sub = gitlab_subject(case.project_path, kind, ref)
        probe.expect(expected, provider, claims={"aud": case.aud, "sub": sub})


@EXAMPLES
@given(case=eks_cases())
def test_eks_service_account_role_trusts_one_service_account_of_one_cluster(
    case: EksCase,
) -> None:
    identity = EksServiceAccount(
        issuer=case.issuer, namespace=case.namespace, service_account=case.service_account
    )
    probe = _probe(lambda stack: WebIdentityRole(stack, "Role", identity=identity))
    provider = _oidc(case.issuer.removeprefix("https://"))

    def sub(namespace: str, service_account: str) -> str:
        return f"system:serviceaccount:{namespace}:{service_account}"

    good = {"aud": EKS_AUD, "sub": sub(case.namespace, case.service_account)}
    probe.allows(provider, claims=good)
    for namespace in neighbours(case.namespace):
        probe.denies(
            provider,
            "oidc-subject-wrong",
            claims={**good, "sub": sub(namespace, case.service_account)},
        )
    for service_account in neighbours(case.service_account):
        probe.denies(provider, claims={**good, "sub": sub(case.namespace, service_account)})
    swapped = sub(case.service_account, case.namespace)
    probe.expect(case.namespace == case.service_account, provider, claims={**good, "sub": swapped})
    # The same namespace and service account in another cluster.
    probe.denies(_oidc(case.other_issuer.removeprefix("https://")), claims=good)
    for aud in _wrong_audiences([EKS_AUD]):
        probe.denies(provider, "oidc-audience-wrong", claims={**good, "aud": aud})
    # The role keeps the default MaxSessionDuration of one hour.
    _durations(probe, provider, 3600, case.duration, claims=good)


@EXAMPLES
@given(case=cognito_cases())
def test_cognito_role_trusts_its_pool_and_identity_class(case: CognitoCase) -> None:
    identity = CognitoIdentityPool(identity_pool_id=case.pool_id, authenticated=case.authenticated)
    probe = _probe(lambda stack: WebIdentityRole(stack, "Role", identity=identity))
    # amr: "authenticated" plus the login provider, or just "unauthenticated".
    # https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html
    signed_in = ["authenticated", case.login_provider]
    guest = ["unauthenticated"]
    mine, theirs = (signed_in, guest) if case.authenticated else (guest, signed_in)
    probe.allows(COGNITO, claims={"aud": case.pool_id, "amr": mine})
    probe.denies(COGNITO, claims={"aud": case.pool_id, "amr": theirs})
    probe.denies(COGNITO, claims={"aud": case.pool_id})
    probe.denies(COGNITO, claims={"aud": case.other_pool_id, "amr": mine})
    probe.denies(COGNITO, claims={"amr": mine})
    # The pool ID is compared exactly (StringEquals is case-sensitive).
    probe.expect(
        case.pool_id.upper() == case.pool_id,
        COGNITO,
        claims={"aud": case.pool_id.upper(), "amr": mine},
    )


@EXAMPLES
@given(case=TERRAFORM_CASES)
def test_terraform_cloud_role_trusts_one_workspace(case: TerraformCase) -> None:
    identity = TerraformCloud(
        organization=case.organization,
        project=case.project,
        workspace=case.workspace,
        run_phase=case.run_phase,
        **({"hostname": case.hostname} if case.hostname else {}),
    )
    probe = _probe(lambda stack: WebIdentityRole(stack, "Role", identity=identity))
    provider = _oidc(case.host)
    names = (case.organization, case.project, case.workspace)
    for phase in ("plan", "apply"):
        sub = terraform_subject(*names, phase)
        probe.expect(phase in case.phases(), provider, claims={"aud": TERRAFORM_AUD, "sub": sub})
    phase = case.phases()[0]
    good = {"aud": TERRAFORM_AUD, "sub": terraform_subject(*names, phase)}
    for index in range(3):
        for name in neighbours(names[index]):
            other = list(names)
            other[index] = name
            sub = terraform_subject(other[0], other[1], other[2], phase)
            probe.denies(provider, "oidc-subject-wrong", claims={**good, "sub": sub})
    for aud in _wrong_audiences([TERRAFORM_AUD]):
        probe.denies(provider, "oidc-audience-wrong", claims={**good, "aud": aud})
    other_host = "tfe.example.org" if case.host == "app.terraform.io" else "app.terraform.io"
    probe.denies(_oidc(other_host), claims=good)


@EXAMPLES
@given(case=generic_cases())
def test_generic_oidc_role_trusts_the_stated_subjects_and_audiences(case: GenericCase) -> None:
    key = f"{case.host}:{case.extra_key}" if case.extra_key else None
    identity = GenericOidc(
        issuer=case.issuer,
        audiences=case.audiences,
        subjects=case.subjects,
        extra_conditions={"StringEquals": {key: case.extra_values}} if key else None,
    )
    probe = _probe(lambda stack: WebIdentityRole(stack, "Role", identity=identity))
    provider = _oidc(case.host)
    extra: Mapping[str, str] = {case.extra_key: case.extra_values[-1]} if case.extra_key else {}
    for subject in case.subjects:
        concrete = subject[:-1] + case.suffix if subject.endswith("*") else subject
        for aud in case.audiences:
            probe.allows(provider, claims={"aud": aud, "sub": concrete, **extra})
        aud = case.audiences[0]
        for wrong in _wrong_audiences(case.audiences):
            probe.denies(provider, claims={"aud": wrong, "sub": concrete, **extra})
        if case.extra_key:
            probe.denies(provider, claims={"aud": aud, "sub": concrete})
            for group in neighbours(case.extra_values[-1]):
                claims = {"aud": aud, "sub": concrete, case.extra_key: group}
                probe.expect(group in case.extra_values, provider, claims=claims)
        lookalikes = list(neighbours(concrete))
        if subject.endswith("*"):
            prefix = subject[:-1]
            # Without the separator the prefix would only be a neighbour's name.
            lookalikes += [prefix[:-1] + case.suffix, prefix[:-1] + "-x" + prefix[-1] + case.suffix]
        for other in lookalikes:
            probe.expect(case.accepts(other), provider, claims={"aud": aud, "sub": other, **extra})


# -- FederatedRole -----------------------------------------------------------------------


@EXAMPLES
@given(case=federated_cases())
def test_federated_role_trusts_its_saml_provider_and_attributes(case: FederatedCase) -> None:
    probe = _probe(
        lambda stack: FederatedRole(
            stack,
            "Role",
            saml_provider=case.provider_arn,
            console_access=case.console_access,
            attribute_conditions=case.attributes or None,
            max_session_duration=cdk.Duration.hours(case.max_hours),
        )
    )
    context: dict[str, str] = {key: values[-1] for key, values in case.attributes.items()}
    if case.console_access:
        context["SAML:aud"] = SAML_SIGN_IN["aws"]
    provider = case.provider_arn
    probe.allows(provider, context=context)
    # Another IdP: a neighbour provider name, or the same name in another account.
    for name in neighbours(case.provider_name):
        probe.denies(f"arn:aws:iam::{case.provider_account}:saml-provider/{name}", context=context)
    probe.denies(
        f"arn:aws:iam::{case.other_account}:saml-provider/{case.provider_name}", context=context
    )
    if case.console_access:
        for aud in [SAML_SIGN_IN["aws-cn"], *neighbours(SAML_SIGN_IN["aws"])]:
            probe.denies(provider, context={**context, "SAML:aud": aud})
        probe.denies(provider, context={k: v for k, v in context.items() if k != "SAML:aud"})
    for key, values in case.attributes.items():
        probe.denies(provider, context={k: v for k, v in context.items() if k != key})
        for other in neighbours(values[-1]):
            probe.expect(other in values, provider, context={**context, key: other})
    _durations(probe, provider, case.max_hours * 3600, case.duration, context=context)
