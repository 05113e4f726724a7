"""Causes added after review: revoked sessions, services a trust does not name, the rule
engine's findings as notes, deleted principals without a spurious cause, placeholders.

Pure and fast: each app is a template mapping read by ``load_app``.
"""

from __future__ import annotations

import time
from typing import Any

from cdk_iam_roles.analysis.assembly import App, find_role, load_app
from cdk_iam_roles.analysis.explain import Caller, explain_assume, explain_call

ACCOUNT = "111111111111"
OBJECT = "arn:aws:s3:::invoices/2026/11.csv"


def _trust(principal: Any) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
    }


def _role(name: str | None, principal: Any) -> dict[str, Any]:
    props: dict[str, Any] = {"AssumeRolePolicyDocument": _trust(principal)}
    if name is not None:
        props["RoleName"] = name
    return {"Type": "AWS::IAM::Role", "Properties": props}


def _policy(name: str, role: str, *statements: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": name,
            "Roles": [{"Ref": role}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": list(statements)},
        },
    }


READ = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
REVOKE = {
    "Effect": "Deny",
    "Action": "*",
    "Resource": "*",
    "Condition": {"DateLessThan": {"aws:TokenIssueTime": "2026-11-30T12:00:00Z"}},
}


def _app(resources: dict[str, Any]) -> App:
    return load_app({"Resources": resources}, account=ACCOUNT, region="eu-west-1")


def test_a_revoked_session_is_named_as_such_and_the_fix_keeps_the_deny() -> None:
    # GIVEN a worker whose sessions issued before noon were revoked
    app = _app(
        {
            "Worker": _role("worker", {"Service": "lambda.amazonaws.com"}),
            "Read": _policy("Read", "Worker", READ),
            "RevokeOlderSessions": _policy("RevokeOlderSessions", "Worker", REVOKE),
        }
    )
    worker = find_role(app, "worker")
    # WHEN a session issued at nine reads an invoice
    early = Caller("worker", context={"aws:TokenIssueTime": "2026-11-30T09:00:00Z"})
    result = explain_call(app, worker, "s3:GetObject", OBJECT, early)
    # THEN the cause is the revocation, with both times, the policy, and a new-session fix
    assert result.outcome == "ExplicitDeny"
    (cause,) = result.causes
    assert cause.code == "session-revoked"
    assert "issued at 2026-11-30T09:00:00Z" in cause.message
    assert "cut-off 2026-11-30T12:00:00Z" in cause.message
    assert "RevokeOlderSessions" in cause.message
    assert "revoke_sessions_issued_before" in cause.message
    assert "assume the role again" in cause.fix
    assert "Narrow or remove" not in cause.fix
    # AND a session issued after the cut-off is not refused
    late = Caller("worker", context={"aws:TokenIssueTime": "2026-11-30T13:00:00Z"})
    assert explain_call(app, worker, "s3:GetObject", OBJECT, late).allowed


def test_another_explicit_deny_names_its_policy() -> None:
    deny = {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::invoices/*"}
    app = _app(
        {
            "Worker": _role("worker", {"Service": "lambda.amazonaws.com"}),
            "Read": _policy("Read", "Worker", READ),
            "NoInvoices": _policy("NoInvoices", "Worker", deny),
        }
    )
    result = explain_call(app, find_role(app, "worker"), "s3:GetObject", OBJECT, Caller("worker"))
    (cause,) = result.causes
    assert cause.code == "explicit-deny"
    assert "NoInvoices" in cause.message
    assert "NoInvoices" in cause.fix


def test_a_service_the_trust_does_not_name_gets_service_not_trusted_and_trust_wording() -> None:
    # GIVEN a role made for EC2
    app = _app({"Legacy": _role("legacy", {"Service": "ec2.amazonaws.com"})})
    # WHEN Lambda tries to assume it
    result = explain_assume(app, find_role(app, "legacy"), Caller("lambda.amazonaws.com"))
    # THEN the cause names both services and the fix the right pattern
    assert [c.code for c in result.causes] == ["service-not-trusted"]
    (cause,) = result.causes
    assert cause.message.startswith("the trust allows only ec2.amazonaws.com;")
    assert "lambda.amazonaws.com is not trusted" in cause.message
    assert "IAMR-USE-001" in cause.message
    assert "ServiceRole(service='lambda.amazonaws.com')" in cause.fix
    # AND the trust policy is called a trust policy, not a resource-based policy
    assert result.deciding == (
        "the role's trust policy does not allow lambda.amazonaws.com to call sts:AssumeRole",
    )
    assert result.decision is not None
    assert not any("resource-based" in r.message for r in result.decision.reasons)
    # AND the trusted service is still allowed, without that cause
    assert explain_assume(app, find_role(app, "legacy"), Caller("ec2.amazonaws.com")).allowed


def test_rule_findings_of_the_role_are_notes_and_fast() -> None:
    # GIVEN a role anyone can assume and a clean one, in the same stack
    app = _app(
        {
            "Open": _role("open", {"AWS": "*"}),
            "Clean": _role("clean", {"Service": "lambda.amazonaws.com"}),
        }
    )
    mallory = Caller("arn:aws:iam::999999999999:user/mallory")
    start = time.perf_counter()
    result = explain_assume(app, find_role(app, "open"), mallory)
    elapsed = time.perf_counter() - start
    # THEN the answer is right (allowed) and the rule that flags it is a note
    assert result.allowed
    notes = [n for n in result.notes if n.startswith("rule ")]
    assert len(notes) == 1
    assert notes[0].startswith("rule IAMR-TRUST-001 (error): ")
    assert "rule IAMR-TRUST-001 (error)" in result.to_text()
    # AND only the findings of that role are listed
    clean = explain_assume(app, find_role(app, "clean"), Caller("lambda.amazonaws.com"))
    assert not any(n.startswith("rule ") for n in clean.notes)
    assert elapsed < 0.5


def test_a_deleted_principal_is_the_only_cause_and_its_fix_edits_the_trust() -> None:
    app = _app({"Auditor": _role("auditor", {"AWS": "AROA3XFRBF23EXAMPLE7"})})
    result = explain_assume(
        app, find_role(app, "auditor"), Caller("arn:aws:iam::222222222222:role/auditor")
    )
    assert [c.code for c in result.causes] == ["trust-names-deleted-principal"]
    # The ID stands for a deleted principal: no caller, so even read hopefully it is denied.
    assert result.outcome == "ImplicitDeny"
    fix = result.causes[0].fix
    assert "ARN" in fix
    assert "AROA3XFRBF23EXAMPLE7" in fix
    assert "unchanged template does not update" in fix
    assert not any("resource policy statement" in d for d in result.deciding)


def test_a_narrow_deny_on_a_generated_role_name_is_never_skipped() -> None:
    # GIVEN a role without a name (CloudFormation generates it) that may pass roles, except prod-*
    deny = {
        "Effect": "Deny",
        "Action": "iam:PassRole",
        "Resource": f"arn:aws:iam::{ACCOUNT}:role/prod-*",
    }
    allow = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
    app = _app(
        {
            "Deployer": _role(None, {"Service": "lambda.amazonaws.com"}),
            "Pass": _policy("Pass", "Deployer", allow, deny),
        }
    )
    deployer = app.roles[0]
    assert deployer.arn_is_placeholder
    # WHEN it passes itself (its own generated name might be prod-…)
    result = explain_call(app, deployer, "iam:PassRole", deployer.path, Caller(deployer.path))
    # THEN it is not allowed, nor denied: the generated name decides, and the cause says so
    assert not result.allowed
    assert result.outcome == "Unknown"
    assert result.to_text().startswith("UNDECIDED: ")
    assert [c.code for c in result.causes] == ["unresolved-value"]
    assert "known only at deployment" in result.causes[0].message
    assert "read in the request's favour it would allow it" in result.causes[0].message
    assert "explicit name" in result.causes[0].fix
    assert "concrete environment" not in result.causes[0].fix
    # AND once the name is known, the same Deny decides for certain either way
    named = _app(
        {
            "Deployer": _role("prod-deployer", {"Service": "lambda.amazonaws.com"}),
            "Pass": _policy("Pass", "Deployer", allow, deny),
        }
    )
    role = named.roles[0]
    denied = explain_call(named, role, "iam:PassRole", role.path, Caller(role.path))
    assert denied.outcome == "ExplicitDeny"
