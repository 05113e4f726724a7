"""Every change class of issue 13, both verdicts each, on real-shaped templates.

GIVEN a role as CDK synthesizes it, WHEN one thing about it changes, THEN ``diff``
proves no new access or shows a witness that the evaluator confirms.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from diff_templates import ACCOUNT, cross_account, github, role_template

from cdk_iam_roles.analysis import PolicySet, Request, evaluate
from cdk_iam_roles.analysis.assembly import load_app
from cdk_iam_roles.analysis.symbolic._diff import RoleDiff, diff_apps
from cdk_iam_roles.analysis.symbolic._questions import ALLOW_ALL

MAIN = "repo:acme/shop:ref:refs/heads/main"
VENDOR = "222222222222"
MFA = {
    "Bool": {"aws:MultiFactorAuthPresent": "true"},
    "NumericLessThan": {"aws:MultiFactorAuthAge": "900"},
}
BUCKET = "arn:aws:s3:::acme-artifacts"
READ = {
    "Effect": "Allow",
    "Action": ["s3:GetObject", "s3:ListBucket"],
    "Resource": [BUCKET, f"{BUCKET}/*"],
}


def _diff(base: dict[str, Any], head: dict[str, Any]) -> RoleDiff:
    report = diff_apps(
        load_app(base, account=ACCOUNT, region="eu-west-1", name="Shop"),
        load_app(head, account=ACCOUNT, region="eu-west-1", name="Shop"),
    )
    assert len(report.roles) == 1
    return report.roles[0]


def _trust(template: dict[str, Any]) -> Any:
    return load_app(template, account=ACCOUNT, region="eu-west-1").roles[0].trust


def _assert_trust_witness(role: RoleDiff, base: dict[str, Any], head: dict[str, Any]) -> None:
    verdict = role.trust
    assert verdict.verdict == "new-access", verdict.reason
    witness = verdict.witness
    assert witness is not None
    request = Request(witness.principal, witness.action, witness.resource, ACCOUNT, witness.context)
    assert evaluate(request, PolicySet(identity=[ALLOW_ALL], resource=_trust(head))).allowed
    assert not evaluate(request, PolicySet(identity=[ALLOW_ALL], resource=_trust(base))).allowed


def _pair(base_trust: list[dict[str, Any]], head_trust: list[dict[str, Any]]) -> RoleDiff:
    base, head = role_template(base_trust), role_template(head_trust)
    role = _diff(base, head)
    if role.trust.verdict == "new-access":
        _assert_trust_witness(role, base, head)
    return role


# -- trust -------------------------------------------------------------------------------


def test_a_trusted_account_added_is_new_access() -> None:
    role = _pair([cross_account([VENDOR])], [cross_account([VENDOR, "333333333333"])])
    assert role.trust.verdict == "new-access"
    assert role.trust.witness is not None
    assert ":333333333333:" in role.trust.witness.principal


def test_a_trusted_account_removed_is_no_new_access() -> None:
    role = _pair([cross_account([VENDOR, "333333333333"])], [cross_account([VENDOR])])
    assert role.trust.verdict == "no-new-access", role.trust.reason


@pytest.mark.parametrize(
    ("before", "after", "verdict"),
    [
        ({"StringEquals": {"sts:ExternalId": "customer-7f3a"}}, None, "new-access"),
        (None, {"StringEquals": {"sts:ExternalId": "customer-7f3a"}}, "no-new-access"),
        (
            {"StringEquals": {"sts:ExternalId": "customer-7f3a"}},
            {"StringLike": {"sts:ExternalId": "customer-*"}},
            "new-access",
        ),
        (
            {"StringLike": {"sts:ExternalId": "customer-*"}},
            {"StringEquals": {"sts:ExternalId": "customer-7f3a"}},
            "no-new-access",
        ),
    ],
)
def test_external_id_removed_or_loosened(before: Any, after: Any, verdict: str) -> None:
    role = _pair([cross_account([VENDOR], before)], [cross_account([VENDOR], after)])
    assert role.trust.verdict == verdict, role.trust.reason


@pytest.mark.parametrize(
    ("before", "after", "verdict"),
    [
        (MFA, None, "new-access"),
        (MFA, {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, "new-access"),
        (MFA, {**MFA, "NumericLessThan": {"aws:MultiFactorAuthAge": "300"}}, "no-new-access"),
        (None, MFA, "no-new-access"),
    ],
)
def test_mfa_removed_loosened_or_tightened(before: Any, after: Any, verdict: str) -> None:
    role = _pair([cross_account([VENDOR], before)], [cross_account([VENDOR], after)])
    assert role.trust.verdict == verdict, role.trust.reason


def test_principal_org_id_removed_is_new_access() -> None:
    org = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    anyone = {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"AWS": "*"}}
    role = _pair([{**anyone, "Condition": org}], [anyone])
    assert role.trust.verdict == "new-access"
    assert role.trust.witness is not None
    assert "aws:PrincipalOrgID" not in role.trust.witness.context


def test_principal_org_id_added_is_no_new_access() -> None:
    org = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    role = _pair([cross_account([VENDOR])], [cross_account([VENDOR], org)])
    assert role.trust.verdict == "no-new-access", role.trust.reason


@pytest.mark.parametrize(
    ("before", "after", "verdict"),
    [
        # StringEquals -> StringLike with the same value: same identities.
        (github(MAIN), github(MAIN, operator="StringLike"), "no-new-access"),
        # a branch glob
        (
            github(MAIN),
            github("repo:acme/shop:ref:refs/heads/*", operator="StringLike"),
            "new-access",
        ),
        # a wider GitHub owner
        (
            github("repo:acme/shop:*", operator="StringLike"),
            github("repo:acme/*", operator="StringLike"),
            "new-access",
        ),
        # sub removed entirely (aud kept)
        (
            github(MAIN),
            {
                **github(MAIN),
                "Condition": {
                    "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
                },
            },
            "new-access",
        ),
        # aud removed
        (github(MAIN), github(MAIN, aud=False), "new-access"),
        # narrowed to one branch
        (
            github("repo:acme/shop:ref:refs/heads/*", operator="StringLike"),
            github(MAIN),
            "no-new-access",
        ),
        # an environment added next to the branch
        (github(MAIN), github([MAIN, "repo:acme/shop:environment:prod"]), "new-access"),
    ],
)
def test_oidc_subject_and_audience(before: Any, after: Any, verdict: str) -> None:
    role = _pair([before], [after])
    assert role.trust.verdict == verdict, role.trust.reason


def test_a_wider_owner_witness_names_another_repository() -> None:
    role = _pair(
        [github("repo:acme/shop:*", operator="StringLike")],
        [github("repo:acme/*", operator="StringLike")],
    )
    witness = role.trust.witness
    assert witness is not None
    sub = witness.context["token.actions.githubusercontent.com:sub"]
    assert isinstance(sub, str)
    assert sub.startswith("repo:acme/")
    assert not sub.startswith("repo:acme/shop:")


def test_a_deny_removed_from_the_trust_is_new_access() -> None:
    deny = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "sts:AssumeRole",
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    }
    role = _pair([cross_account([VENDOR]), deny], [cross_account([VENDOR])])
    assert role.trust.verdict == "new-access"
    role = _pair([cross_account([VENDOR])], [cross_account([VENDOR]), deny])
    assert role.trust.verdict == "no-new-access"


def test_a_pure_reformat_is_no_new_access() -> None:
    deny = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    base = [cross_account([VENDOR], {"StringEquals": {"sts:ExternalId": ["a", "b"]}}), deny]
    head_statement = cross_account([VENDOR], {"StringEquals": {"sts:ExternalId": ["b", "a"]}})
    head_statement["Sid"] = "Vendor"
    role = _pair(base, [deny, head_statement])
    assert role.trust.verdict == "no-new-access", role.trust.reason


def test_a_trust_policy_written_as_a_json_string_reads_like_the_object() -> None:
    base = role_template([cross_account([VENDOR])])
    head = role_template([cross_account([VENDOR])])
    document = _trust(head)
    head["Resources"]["DeployRole1A2B3C4D"]["Properties"]["AssumeRolePolicyDocument"] = json.dumps(
        document
    )
    if load_app(head, account=ACCOUNT).roles[0].trust is None:
        pytest.skip("this reader does not parse JSON-string policy documents yet")
    assert _diff(base, head).trust.verdict == "no-new-access"


# -- permissions ---------------------------------------------------------------------


def _perm(
    base_policy: list[dict[str, Any]] | None,
    head_policy: list[dict[str, Any]] | None,
    base_boundary: list[dict[str, Any]] | None = None,
    head_boundary: list[dict[str, Any]] | None = None,
) -> RoleDiff:
    trust = [cross_account([VENDOR])]
    base = role_template(trust, policy_statements=base_policy, boundary_statements=base_boundary)
    head = role_template(trust, policy_statements=head_policy, boundary_statements=head_boundary)
    role = _diff(base, head)
    if role.permissions.verdict == "new-access":
        witness = role.permissions.witness
        assert witness is not None
        old = load_app(base, account=ACCOUNT).roles[0]
        new = load_app(head, account=ACCOUNT).roles[0]
        request = Request(
            witness.principal, witness.action, witness.resource, None, witness.context
        )

        def allowed(r: Any) -> bool:
            policies = PolicySet(
                identity=[p.document for p in r.identity_policies],
                boundary=r.boundary.document if r.boundary else None,
            )
            return evaluate(request, policies).allowed

        assert allowed(new)
        assert not allowed(old)
    return role


def test_an_action_added_to_an_identity_policy_is_new_access() -> None:
    write = {**READ, "Action": [*READ["Action"], "s3:PutObject"]}
    role = _perm([READ], [write])
    assert role.permissions.verdict == "new-access"
    assert role.permissions.witness is not None
    assert role.permissions.witness.action.lower() == "s3:putobject"
    assert _perm([write], [READ]).permissions.verdict == "no-new-access"


def test_a_boundary_removed_is_new_access() -> None:
    admin = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
    boundary = [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
    role = _perm(admin, admin, base_boundary=boundary, head_boundary=None)
    assert role.permissions.verdict == "new-access"
    assert role.permissions.witness is not None
    assert not role.permissions.witness.action.lower().startswith("s3:")
    role = _perm(admin, admin, base_boundary=None, head_boundary=boundary)
    assert role.permissions.verdict == "no-new-access", role.permissions.reason


def test_a_resource_widened_is_new_access() -> None:
    wide = {**READ, "Resource": "arn:aws:s3:::acme-*"}
    role = _perm([READ], [wide])
    assert role.permissions.verdict == "new-access"
    assert role.permissions.witness is not None
    assert role.permissions.witness.resource.startswith("arn:aws:s3:::acme-")
    assert _perm([wide], [READ]).permissions.verdict == "no-new-access"


def test_a_deny_removed_from_an_identity_policy_is_new_access() -> None:
    admin = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}
    role = _perm([admin, deny], [admin])
    assert role.permissions.verdict == "new-access"
    assert role.permissions.witness is not None
    assert role.permissions.witness.action.lower().startswith("iam:")
    assert _perm([admin], [admin, deny]).permissions.verdict == "no-new-access"


def test_a_condition_tightened_in_an_identity_policy_is_no_new_access() -> None:
    tls = {**READ, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
    assert _perm([READ], [tls]).permissions.verdict == "no-new-access"
    assert _perm([tls], [READ]).permissions.verdict == "new-access"


def test_a_reordered_identity_policy_is_no_new_access() -> None:
    write = {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"{BUCKET}/*"}
    role = _perm([READ, write], [write, {**READ, "Action": list(reversed(READ["Action"]))}])
    assert role.permissions.verdict == "no-new-access", role.permissions.reason


# -- added, removed, unresolved --------------------------------------------------------


def test_an_added_role_is_new_access_with_its_intended_caller() -> None:
    head = role_template([github(MAIN)])
    report = diff_apps(
        load_app({"Resources": {}}, account=ACCOUNT), load_app(head, account=ACCOUNT, name="Shop")
    )
    (role,) = report.roles
    assert role.change == "added"
    assert role.trust.verdict == "new-access"
    assert role.trust.witness is not None
    assert role.trust.witness.context["token.actions.githubusercontent.com:sub"] == MAIN
    assert report.exit_code == 1


def test_a_removed_role_is_no_new_access() -> None:
    base = role_template([github(MAIN)])
    report = diff_apps(load_app(base, account=ACCOUNT), load_app({"Resources": {}}))
    (role,) = report.roles
    assert (role.change, role.trust.verdict, role.permissions.verdict) == (
        "removed",
        "no-new-access",
        "no-new-access",
    )


def test_a_new_unresolved_value_is_unknown_never_a_pass() -> None:
    base = role_template([cross_account([VENDOR])])
    head = role_template([cross_account([VENDOR])])
    statement = head["Resources"]["DeployRole1A2B3C4D"]["Properties"]["AssumeRolePolicyDocument"][
        "Statement"
    ][0]
    statement["Principal"]["AWS"] = [
        statement["Principal"]["AWS"],
        {"Fn::ImportValue": "OtherAccountRoot"},
    ]
    role = _diff(base, head)
    assert role.trust.verdict == "unknown"
    assert "OtherAccountRoot" in role.trust.reason or "deployment" in role.trust.reason


def test_the_same_unresolved_value_on_both_sides_is_no_new_access() -> None:
    base = role_template([cross_account([VENDOR])])
    statement = base["Resources"]["DeployRole1A2B3C4D"]["Properties"]["AssumeRolePolicyDocument"][
        "Statement"
    ][0]
    statement["Principal"]["AWS"] = [
        statement["Principal"]["AWS"],
        {"Fn::ImportValue": "OtherAccountRoot"},
    ]
    head = json.loads(json.dumps(base))
    head["Resources"]["DeployRole1A2B3C4D"]["Properties"]["Description"] = "changed"
    assert _diff(base, head).trust.verdict == "no-new-access"


def test_an_aws_managed_policy_added_is_unknown() -> None:
    base = role_template([cross_account([VENDOR])], policy_statements=[READ])
    head = json.loads(json.dumps(base))
    head["Resources"]["DeployRole1A2B3C4D"]["Properties"]["ManagedPolicyArns"] = [
        "arn:aws:iam::aws:policy/AdministratorAccess"
    ]
    role = _diff(base, head)
    assert role.permissions.verdict == "unknown"
    assert "AdministratorAccess" in role.permissions.reason


def test_the_same_aws_managed_policy_on_both_sides_cancels_out() -> None:
    base = role_template([cross_account([VENDOR])], policy_statements=[READ])
    base["Resources"]["DeployRole1A2B3C4D"]["Properties"]["ManagedPolicyArns"] = [
        "arn:aws:iam::aws:policy/ReadOnlyAccess"
    ]
    head = json.loads(json.dumps(base))
    head["Resources"]["DeployRoleDefaultPolicy5E6F7A8B"]["Properties"]["PolicyDocument"][
        "Statement"
    ] = [{**READ, "Action": "s3:GetObject"}]
    assert _diff(base, head).permissions.verdict == "no-new-access"
