"""How the policy types combine: deny wins, SCPs, RCPs, boundaries, sessions, accounts, trust.

Each test cites the AWS page it follows. Every test asserts a decision that a plausible
mistake would flip.
"""

from __future__ import annotations

from typing import Any

from cdk_iam_roles.analysis import PolicySet, Request, evaluate

ACCOUNT = "111122223333"
OTHER = "444455556666"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ops/Deploy"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Deploy/run-1"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"
X_QUEUE = f"arn:aws:sqs:us-east-1:{OTHER}:orders"
TARGET = f"arn:aws:iam::{ACCOUNT}:role/Target"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: str = "sqs:SendMessage", resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str = "sqs:SendMessage", resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def grant_to(principal: Any, action: str = "sqs:SendMessage", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": action, **extra}


def send(principal: str = USER, resource: str = QUEUE, **kwargs: Any) -> Request:
    return Request(principal, "sqs:SendMessage", resource, **kwargs)


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html


def test_identity_allow_grants_within_the_account() -> None:
    decision = evaluate(send(), PolicySet(identity=[doc(allow())]))
    assert decision.outcome == "Allowed"
    assert decision.reasons[0].code == "allowed-by"


def test_no_statement_means_implicit_deny() -> None:
    decision = evaluate(send(), PolicySet(identity=[doc(allow("sqs:ReceiveMessage"))]))
    assert decision.outcome == "ImplicitDeny"
    assert "no-matching-allow" in {reason.code for reason in decision.reasons}


def test_explicit_deny_in_identity_policy_beats_allow() -> None:
    decision = evaluate(
        send(), PolicySet(identity=[doc(allow()), doc({**deny(), "Sid": "NoSend"})])
    )
    assert decision.outcome == "ExplicitDeny"
    assert decision.reasons[0].statement is not None
    assert decision.reasons[0].statement.sid == "NoSend"


def test_explicit_deny_in_resource_policy_beats_identity_allow() -> None:
    policies = PolicySet(identity=[doc(allow())], resource=doc({**grant_to("*"), "Effect": "Deny"}))
    decision = evaluate(send(), policies)
    assert decision.outcome == "ExplicitDeny"
    assert decision.reasons[0].policy_kind == "resource"


def test_explicit_deny_in_boundary_and_session_policy() -> None:
    boundary = evaluate(
        send(), PolicySet(identity=[doc(allow())], boundary=doc(allow("*"), deny()))
    )
    session = evaluate(
        send(SESSION), PolicySet(identity=[doc(allow())], session=doc(allow("*"), deny()))
    )
    assert boundary.outcome == session.outcome == "ExplicitDeny"


# SCPs: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html


def test_every_scp_level_must_allow() -> None:
    full = doc(allow("*"))
    sqs_only = doc(allow("sqs:*"))
    ec2_only = doc(allow("ec2:*"))
    assert evaluate(send(), PolicySet(identity=[full], scps=[[full], [sqs_only]])).allowed
    decision = evaluate(send(), PolicySet(identity=[full], scps=[[full], [ec2_only], [full]]))
    assert decision.outcome == "ImplicitDeny"
    blocked = [r for r in decision.reasons if r.code == "scp-no-allow"]
    assert len(blocked) == 1
    assert "level 1" in blocked[0].message


def test_empty_scps_mean_no_scps_apply_and_management_account_is_exempt() -> None:
    identity = [doc(allow())]
    assert evaluate(send(), PolicySet(identity=identity)).allowed
    assert not evaluate(send(), PolicySet(identity=identity, scps=[[]])).allowed
    exempt = PolicySet(identity=identity, scps=[[]], principal_in_management_account=True)
    assert evaluate(send(), exempt).allowed


def test_scp_deny_wins_and_scps_do_not_grant() -> None:
    assert not evaluate(send(), PolicySet(scps=[[doc(allow("*"))]])).allowed
    policies = PolicySet(identity=[doc(allow())], scps=[[doc(allow("*"), deny())]])
    assert evaluate(send(), policies).outcome == "ExplicitDeny"


# RCPs: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html


def test_rcp_denies_apply_to_the_resource_and_rcps_never_grant() -> None:
    rcp_deny = doc({**grant_to("*"), "Effect": "Deny", "Resource": "*"})
    identity = [doc(allow())]
    assert evaluate(send(), PolicySet(identity=identity, rcps=[[rcp_deny]])).outcome == (
        "ExplicitDeny"
    )
    # RCPFullAWSAccess stays attached: a level without denies blocks nothing.
    assert evaluate(send(), PolicySet(identity=identity, rcps=[[]])).allowed
    exempt = PolicySet(identity=identity, rcps=[[rcp_deny]], resource_in_management_account=True)
    assert evaluate(send(), exempt).allowed


# Identity ∪ resource within an account; both across accounts.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html


def test_same_account_resource_policy_naming_user_grants_alone() -> None:
    decision = evaluate(send(), PolicySet(resource=doc(grant_to({"AWS": USER}))))
    assert decision.allowed
    assert decision.reasons[0].policy_kind == "resource"


def test_same_account_resource_policy_naming_the_account_delegates() -> None:
    # Naming the account grants nothing by itself: IAM policies of the account decide.
    only_account = PolicySet(resource=doc(grant_to({"AWS": ACCOUNT})))
    assert not evaluate(send(), only_account).allowed


def test_cross_account_needs_both_sides() -> None:
    request = send(resource=X_QUEUE, resource_account=OTHER)
    identity = [doc(allow())]
    resource = doc(grant_to({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    identity_only = evaluate(request, PolicySet(identity=identity))
    resource_only = evaluate(request, PolicySet(resource=resource))
    both = evaluate(request, PolicySet(identity=identity, resource=resource))
    assert not identity_only.allowed
    assert "cross-account-resource-no-allow" in {r.code for r in identity_only.reasons}
    assert not resource_only.allowed
    assert "cross-account-identity-no-allow" in {r.code for r in resource_only.reasons}
    assert both.allowed


def test_resource_account_defaults_to_the_principals() -> None:
    assert send().resource_account is None
    assert evaluate(send(), PolicySet(identity=[doc(allow())])).allowed


# Permissions boundaries:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html


def test_boundary_caps_identity_grants() -> None:
    identity = [doc(allow())]
    denied = evaluate(send(), PolicySet(identity=identity, boundary=doc(allow("s3:*"))))
    assert denied.outcome == "ImplicitDeny"
    assert "boundary-no-allow" in {r.code for r in denied.reasons}
    assert evaluate(send(), PolicySet(identity=identity, boundary=doc(allow("sqs:*")))).allowed


def test_boundary_does_not_limit_a_resource_policy_naming_the_user() -> None:
    policies = PolicySet(boundary=doc(allow("s3:*")), resource=doc(grant_to({"AWS": USER})))
    assert evaluate(send(), policies).allowed


def test_boundary_limits_a_resource_policy_naming_the_role_not_the_session() -> None:
    boundary = doc(allow("s3:*"))
    by_role = PolicySet(boundary=boundary, resource=doc(grant_to({"AWS": ROLE})))
    by_session = PolicySet(boundary=boundary, resource=doc(grant_to({"AWS": SESSION})))
    assert not evaluate(send(SESSION), by_role).allowed
    assert evaluate(send(SESSION), by_session).allowed


def test_not_principal_deny_always_denies_principals_with_a_boundary() -> None:
    shield = {
        "Effect": "Deny",
        "NotPrincipal": {"AWS": [USER, f"arn:aws:iam::{ACCOUNT}:root"]},
        "Action": "sqs:SendMessage",
    }
    resource = doc(grant_to("*"), shield)
    identity = [doc(allow())]
    assert evaluate(send(), PolicySet(identity=identity, resource=resource)).allowed
    with_boundary = PolicySet(identity=identity, resource=resource, boundary=doc(allow("*")))
    decision = evaluate(send(), with_boundary)
    assert decision.outcome == "ExplicitDeny"
    assert decision.reasons[0].code == "not-principal-deny-with-boundary"


# Session policies: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session


def test_session_policy_caps_identity_and_role_arn_grants() -> None:
    session = doc(allow("s3:*"))
    assert not evaluate(send(SESSION), PolicySet(identity=[doc(allow())], session=session)).allowed
    by_role = PolicySet(session=session, resource=doc(grant_to({"AWS": ROLE})))
    assert not evaluate(send(SESSION), by_role).allowed
    decision = evaluate(send(SESSION), PolicySet(identity=[doc(allow())], session=session))
    assert "session-no-allow" in {r.code for r in decision.reasons}


def test_session_policy_does_not_limit_a_grant_to_the_session_arn() -> None:
    policies = PolicySet(session=doc(allow("s3:*")), resource=doc(grant_to({"AWS": SESSION})))
    assert evaluate(send(SESSION), policies).allowed


# Trust policies: for sts:AssumeRole the role's trust policy is the resource policy, and it
# must allow even within one account.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html


def assume(principal: str = USER, **kwargs: Any) -> Request:
    return Request(principal, "sts:AssumeRole", TARGET, **kwargs)


def test_assume_role_needs_the_trust_policy() -> None:
    identity = [doc(allow("sts:AssumeRole", TARGET))]
    missing = evaluate(assume(), PolicySet(identity=identity))
    assert missing.outcome == "ImplicitDeny"
    assert missing.reasons[0].code == "trust-policy-missing"
    other = PolicySet(identity=identity, resource=doc(grant_to({"AWS": OTHER}, "sts:AssumeRole")))
    assert not evaluate(assume(), other).allowed


def test_trust_naming_the_user_suffices_naming_the_account_needs_identity_allow() -> None:
    by_user = doc(grant_to({"AWS": USER}, "sts:AssumeRole"))
    by_account = doc(grant_to({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "sts:AssumeRole"))
    identity = [doc(allow("sts:AssumeRole", TARGET))]
    assert evaluate(assume(), PolicySet(resource=by_user)).allowed
    assert not evaluate(assume(), PolicySet(resource=by_account)).allowed
    assert evaluate(assume(), PolicySet(identity=identity, resource=by_account)).allowed


def test_service_principal_is_judged_by_the_trust_policy_alone() -> None:
    trust = doc(grant_to({"Service": "lambda.amazonaws.com"}, "sts:AssumeRole"))
    assert evaluate(assume("lambda.amazonaws.com"), PolicySet(resource=trust)).allowed
    assert not evaluate(assume("ec2.amazonaws.com"), PolicySet(resource=trust)).allowed
    # SCPs apply to the identities of member accounts, not to service principals.
    assert evaluate(assume("lambda.amazonaws.com"), PolicySet(resource=trust, scps=[[]])).allowed


def test_web_identity_trust() -> None:
    provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    trust = doc(
        grant_to(
            {"Federated": provider},
            "sts:AssumeRoleWithWebIdentity",
            Condition={
                "StringEquals": {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main",
                }
            },
        )
    )
    claims = {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main",
    }
    request = Request(provider, "sts:AssumeRoleWithWebIdentity", TARGET, context=claims)
    assert evaluate(request, PolicySet(resource=trust)).allowed
    forked = {**claims, "token.actions.githubusercontent.com:sub": "repo:evil/app:ref:x"}
    request = Request(provider, "sts:AssumeRoleWithWebIdentity", TARGET, context=forked)
    decision = evaluate(request, PolicySet(resource=trust))
    assert not decision.allowed
    failure = next(r for r in decision.reasons if r.code == "condition-not-met").conditions[0]
    assert failure.key == "token.actions.githubusercontent.com:sub"
    assert failure.actual == ("repo:evil/app:ref:x",)


def test_federated_user_session_grant_is_not_limited_by_its_session_policy() -> None:
    # GetFederationToken sessions: a resource policy naming the federated-user ARN grants
    # after the session policy applies.
    caller = f"arn:aws:sts::{ACCOUNT}:federated-user/carol"
    session = doc(allow("s3:*"))
    named = PolicySet(session=session, resource=doc(grant_to({"AWS": caller})))
    assert evaluate(send(caller), named).allowed
    via_identity = PolicySet(session=session, identity=[doc(allow())])
    assert not evaluate(send(caller), via_identity).allowed


def test_scp_explicit_deny_names_its_level_and_statement() -> None:
    guard = doc(allow("*"), {**deny(), "Sid": "NoQueues"})
    decision = evaluate(
        send(), PolicySet(identity=[doc(allow())], scps=[[doc(allow("*"))], [guard]])
    )
    assert decision.outcome == "ExplicitDeny"
    ref = decision.reasons[0].statement
    assert ref is not None
    assert (ref.kind, ref.level, ref.sid) == ("scp", 1, "NoQueues")


def test_reasons_for_assume_actions_call_the_resource_policy_the_trust_policy() -> None:
    # GIVEN a trust for EC2 only
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = "arn:aws:iam::111122223333:role/legacy"
    # WHEN Lambda, or a role of another account, tries to assume it
    lambda_ = evaluate(
        Request("lambda.amazonaws.com", "sts:AssumeRole", role), PolicySet(resource=trust)
    )
    grant = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role}],
    }
    other = evaluate(
        Request("arn:aws:iam::444455556666:role/x", "sts:AssumeRole", role, "111122223333"),
        PolicySet(identity=[grant], resource=trust),
    )
    # THEN the reasons say "trust policy", never "resource-based policy"
    assert [r.message for r in lambda_.reasons] == [
        "the role's trust policy does not allow lambda.amazonaws.com to call sts:AssumeRole"
    ]
    assert any("the role's trust policy must also allow" in r.message for r in other.reasons)
    assert not any("resource" in r.message for r in (*lambda_.reasons, *other.reasons))
    allowed = evaluate(
        Request("ec2.amazonaws.com", "sts:AssumeRole", role), PolicySet(resource=trust)
    )
    assert allowed.reasons[0].message == ("trust policy statement #0 allows sts:AssumeRole")
    # AND for other actions the resource-based policy keeps its name
    queue = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:*"}
        ],
    }
    send = evaluate(
        Request("lambda.amazonaws.com", "sqs:SendMessage", "arn:aws:sqs:::q"),
        PolicySet(resource=queue),
    )
    assert "no resource-based policy statement allows" in send.reasons[0].message
