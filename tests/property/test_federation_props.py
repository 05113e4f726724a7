"""Property tests: federation trust means what the typed inputs say, and nothing more.

* good identity → a lint-clean template whose aud/sub conditions are the rendered claims;
* bad identity → RoleConfigError carrying the rule ID of the fault;
* intent ⇔ simulated decision: the offline evaluator allows each named workload and
  refuses its neighbours (``app-evil``, ``release-x``, another audience);
* SAML: good attribute conditions synthesize; bad ones and programmatic roles without
  conditions are refused.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdk_iam_roles import (
    CognitoIdentityPool,
    EksServiceAccount,
    FederatedRole,
    GenericOidc,
    GitHubActions,
    GitLabCI,
    RoleConfigError,
    TerraformCloud,
    WebIdentityRole,
)
from cdk_iam_roles.analysis import PolicySet, Request, evaluate
from cdk_iam_roles.defaults import SAML_MULTIVALUED_KEYS
from cdk_iam_roles.trust.identities import Identity, trust_statements
from helpers import ACCOUNT, new_stack, synth
from strategies.common import ANY_JUNK
from strategies.federation import (
    ATTRIBUTE_CONDITIONS,
    BAD_ATTRIBUTE_CONDITIONS,
    VALID_IDENTITIES,
    bad_identities,
    github_identities,
)

ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/deploy"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
GH = "token.actions.githubusercontent.com"
SAML_ARN = f"arn:aws:iam::{ACCOUNT}:saml-provider/Idp"


def _subjects(statements: list[dict[str, Any]]) -> dict[str, list[str]]:
    """sub values by operator across statements."""
    found: dict[str, list[str]] = {}
    for statement in statements:
        for operator, block in statement["Condition"].items():
            for key, value in block.items():
                if key.endswith(":sub"):
                    found.setdefault(operator, []).extend(
                        value if isinstance(value, list) else [value]
                    )
    return found


@given(identity=VALID_IDENTITIES)
def test_valid_identity_synthesizes_lint_clean_with_its_claims(identity: Identity) -> None:
    stack = new_stack()
    role = WebIdentityRole(stack, "Role", identity=identity)
    template = synth(stack)
    (resource,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
    statements = resource["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    claims = role.claims
    subjects = _subjects(statements)
    assert subjects.get("StringEquals", []) == list(claims.subjects)
    assert subjects.get("StringLike", []) == list(claims.subject_patterns)
    for statement in statements:
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        aud = statement["Condition"]["StringEquals"][f"{claims.key_prefix}:aud"]
        assert (aud if isinstance(aud, list) else [aud]) == list(claims.audiences)
    for value in subjects.get("StringEquals", []):
        assert "*" not in value
    for pattern in subjects.get("StringLike", []):
        assert all(pattern[i - 1] in "/:" for i, c in enumerate(pattern) if c == "*")


@given(case=bad_identities())
def test_bad_identity_is_refused_with_its_rule(case: tuple[Identity, str]) -> None:
    identity, rule_id = case
    stack = new_stack()
    with pytest.raises(RoleConfigError) as caught:
        WebIdentityRole(stack, "Role", identity=identity)
    assert rule_id in caught.value.rule_ids
    assert all(p.rule_id.startswith("IAMR-") for p in caught.value.problems)
    assert stack.node.try_find_child("Role") is None


def _decide(identity: GitHubActions, sub: str, aud: str = "sts.amazonaws.com") -> bool:
    trust = {"Version": "2012-10-17", "Statement": trust_statements(identity.claims(), PROVIDER)}
    request = Request(
        PROVIDER,
        "sts:AssumeRoleWithWebIdentity",
        ROLE_ARN,
        context={f"{GH}:sub": sub, f"{GH}:aud": aud},
    )
    return evaluate(request, PolicySet(resource=trust)).allowed


@given(identity=github_identities(), suffix=st.sampled_from(["-evil", "x", ".old", "2"]))
def test_github_trust_admits_its_workflows_and_refuses_neighbours(
    identity: GitHubActions, suffix: str
) -> None:
    if identity.owner_id is not None:
        owner, repo = f"{identity.owner}@{identity.owner_id}", f"{identity.repo}@{identity.repo_id}"
    else:
        owner, repo = identity.owner, identity.repo
    base = f"repo:{owner}/{repo}"
    neighbour = f"repo:{owner}/{repo}{suffix}"
    wanted: list[str] = []
    if identity.any_ref:
        wanted = [":ref:refs/heads/main", ":pull_request", ":environment:prod"]
    for branch in identity.branches:
        wanted.append(f":ref:refs/heads/{branch.replace('*', 'any/thing')}")
        if not branch.endswith("*"):
            # a branch whose name only starts like the listed one
            assert not _decide(identity, f"{base}:ref:refs/heads/{branch}{suffix}")
        else:
            prefix = branch[:-2]
            assert not _decide(identity, f"{base}:ref:refs/heads/{prefix}{suffix}/x")
    for tag in identity.tags:
        wanted.append(f":ref:refs/tags/{tag.replace('*', '1.0')}")
    wanted += [f":environment:{e}" for e in identity.environments]
    if identity.pull_requests:
        wanted.append(":pull_request")
    for tail in wanted:
        assert _decide(identity, base + tail), base + tail
        assert not _decide(identity, neighbour + tail), neighbour + tail
        assert not _decide(identity, base + tail, aud="https://github.com/evil")
    if not identity.any_ref and not identity.pull_requests:
        assert not _decide(identity, f"{base}:pull_request")


@settings(max_examples=10)  # each example lints a template; the pure parts are covered above
@given(conditions=ATTRIBUTE_CONDITIONS, console=st.booleans(), tags=st.booleans())
def test_saml_role_with_conditions_synthesizes(
    conditions: dict[str, Any], console: bool, tags: bool
) -> None:
    stack = new_stack()
    FederatedRole(
        stack,
        "Role",
        saml_provider=SAML_ARN,
        console_access=console,
        attribute_conditions=conditions,
        allow_session_tags=tags,
    )
    template = synth(stack)
    (resource,) = template["Resources"].values()
    (statement,) = resource["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    condition = statement["Condition"]
    block = condition.get("StringEquals", {})
    for key, value in conditions.items():
        expected = [value] if isinstance(value, str) else value
        # SAML keys AWS documents as multivalued take ForAnyValue (issue 11).
        operator = (
            "ForAnyValue:StringEquals" if key.lower() in SAML_MULTIVALUED_KEYS else "StringEquals"
        )
        assert condition[operator][key] == (expected[0] if len(expected) == 1 else expected)
    assert ("SAML:aud" in block) is console
    assert ("sts:TagSession" in statement["Action"]) is tags


@given(conditions=BAD_ATTRIBUTE_CONDITIONS, console=st.booleans())
def test_saml_bad_conditions_are_refused(conditions: dict[str, Any], console: bool) -> None:
    with pytest.raises(RoleConfigError) as caught:
        FederatedRole(
            new_stack(),
            "Role",
            saml_provider=SAML_ARN,
            console_access=console,
            attribute_conditions=conditions,
        )
    assert "IAMR-FED-003" in caught.value.rule_ids


@given(
    owner=ANY_JUNK,
    repo=ANY_JUNK,
    branches=ANY_JUNK,
    pool=ANY_JUNK,
    issuer=ANY_JUNK,
    audiences=ANY_JUNK,
)
def test_junk_input_is_a_role_config_error_never_a_type_error(
    owner: Any, repo: Any, branches: Any, pool: Any, issuer: Any, audiences: Any
) -> None:
    junk_identities: list[Any] = [
        GitHubActions(owner=owner, repo=repo, branches=branches),
        CognitoIdentityPool(identity_pool_id=pool),
        GenericOidc(issuer=issuer, audiences=audiences, subjects=branches),
        EksServiceAccount(issuer=issuer, namespace=owner, service_account=repo),
        TerraformCloud(organization=owner, project=repo, workspace=pool),
        GitLabCI(project_path=owner, branches=branches),
        owner,
    ]
    for index, identity in enumerate(junk_identities):
        stack = new_stack()
        problems: tuple[object, ...] = ()
        try:
            WebIdentityRole(stack, "Role", identity=identity)
        except RoleConfigError as error:
            problems = error.problems
        if problems:
            continue
        # the junk happened to be valid: then it must synthesize (a non-identity never is)
        assert index != len(junk_identities) - 1
        synth(stack)
    with pytest.raises(RoleConfigError):
        FederatedRole(
            new_stack(), "Role", saml_provider=owner, attribute_conditions=pool or {"x": 1}
        )
