"""explain never answers DENIED when what decides the answer could not be read.

GIVEN a role whose trust policy (or an identity policy, boundary or resource policy) is a
parameter, an import, absent or malformed, in the forms templates write it (an object, a
JSON string, YAML short forms ``!Ref``, ``!If``, ``!ImportValue``, ``!Sub``), WHEN explain
(the command, the library, the testing helpers) simulates a request that policy decides,
THEN the answer is UNDECIDED (outcome ``Unknown``, exit 1) with a cause that names the
policy and why, and the "cannot" helpers fail. A refusal that holds whatever the unread
policy says (an explicit Deny that was read, the root user, a duration STS refuses, a
boundary that was read) stays a denial.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cdk_iam_roles.analysis.assembly import App, load_app
from cdk_iam_roles.analysis.explain import Caller, Explanation, explain
from cdk_iam_roles.cli import main
from cdk_iam_roles.testing import (
    assert_can_assume,
    assert_can_call,
    assert_cannot_assume,
    assert_cannot_call,
)

ACCOUNT = "111111111111"
CALLER = "arn:aws:iam::222222222222:role/x"
SESSION = "arn:aws:sts::222222222222:assumed-role/x/session"
OBJECT = "arn:aws:s3:::reports/2026/11.csv"

YAML_HEAD = """\
Parameters:
  TrustParam: {Type: String}
  Statements: {Type: String}
  TrustEffect: {Type: String}
Conditions:
  UseShared: !Equals [!Ref TrustParam, ""]
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: r
"""

# (the AssumeRolePolicyDocument as YAML, why it cannot be read)
YAML_TRUSTS = [
    pytest.param(
        "      AssumeRolePolicyDocument: !Ref TrustParam\n",
        "cannot be read offline (parameter TrustParam)",
        id="ref",
    ),
    pytest.param(
        "      AssumeRolePolicyDocument: !ImportValue Shared-Trust\n",
        "cannot be read offline (Fn::ImportValue)",
        id="import-value",
    ),
    pytest.param(
        "      AssumeRolePolicyDocument: !If [UseShared, !ImportValue Shared-Trust, "
        "!Ref TrustParam]\n",
        "cannot be read offline (Fn::ImportValue)",
        id="if",
    ),
    pytest.param(
        '      AssumeRolePolicyDocument: !Sub \'{"Version": "2012-10-17", '
        '"Statement": ${Statements}}\'\n',
        "cannot be read offline (JSON text built from values unknown offline "
        "(parameter Statements))",
        id="sub-json-string",
    ),
    pytest.param(
        "      AssumeRolePolicyDocument:\n"
        "        Version: '2012-10-17'\n"
        "        Statement: !Ref Statements\n",
        "cannot be read offline (its Statement is unknown (parameter Statements))",
        id="object-statement-ref",
    ),
    pytest.param(
        "      AssumeRolePolicyDocument:\n"
        "        Version: '2012-10-17'\n"
        "        Statement:\n"
        "          - Effect: !Ref TrustEffect\n"
        "            Action: sts:AssumeRole\n"
        f"            Principal: {{AWS: '{CALLER}'}}\n",
        "cannot be read offline (the Effect of statement 0 is unknown (parameter TrustEffect))",
        id="object-effect-ref",
    ),
]


def _role(trust: Any = None, **props: Any) -> dict[str, Any]:
    properties: dict[str, Any] = {"RoleName": "r", **props}
    if trust is not None:
        properties["AssumeRolePolicyDocument"] = trust
    return {"Type": "AWS::IAM::Role", "Properties": properties}


def _app(resources: dict[str, Any]) -> App:
    template = {"Parameters": {"P": {"Type": "String"}}, "Resources": resources}
    return load_app(template, account=ACCOUNT, region="eu-west-1")


def _codes(result: Explanation) -> list[str]:
    return [cause.code for cause in result.causes]


def _cli(path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["explain", str(path), "--account", ACCOUNT, *args])
    return code, capsys.readouterr().out


# -- assuming the role ------------------------------------------------------------------


@pytest.mark.parametrize(("trust", "why"), YAML_TRUSTS)
def test_an_unreadable_trust_in_yaml_is_undecided(
    trust: str, why: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(YAML_HEAD + trust, encoding="utf-8")
    code, out = _cli(path, capsys, "--role", "r", "--principal", CALLER)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        f"UNDECIDED: {SESSION} cannot be shown to assume t/R "
        f"(arn:aws:iam::{ACCOUNT}:role/r) with sts:AssumeRole"
    )
    assert lines[1] == "Outcome: Unknown"
    assert "DENIED" not in out
    assert "[no-matching-statement]" not in out
    assert (
        f"  - the trust policy of t/R {why}, and it decides whether {SESSION} can assume t/R, "
        "so the answer cannot be known offline (it is never reported allowed or denied) "
        "[trust-unreadable]"
    ) in lines
    code, out = _cli(path, capsys, "--role", "r", "--principal", CALLER, "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert (data["allowed"], data["outcome"]) == (False, "Unknown")
    assert [c["code"] for c in data["causes"]] == ["trust-unreadable"]
    assert "Write the trust policy in the template itself" in data["causes"][0]["fix"]


def test_an_absent_trust_is_undecided() -> None:
    result = explain(_app({"R": _role()}), "r", Caller(CALLER))
    assert (result.allowed, result.outcome, _codes(result)) == (
        False,
        "Unknown",
        ["trust-unreadable"],
    )
    (cause,) = result.causes
    assert cause.message.startswith(
        "the trust policy of Template/R is absent (the template gives none)"
    )
    assert "AssumeRolePolicyDocument, which CloudFormation requires" in cause.fix
    assert result.to_text().startswith("UNDECIDED: ")


def test_a_malformed_trust_object_is_undecided_and_names_the_problem() -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allowed", "Action": "sts:AssumeRole", "Principal": {"AWS": CALLER}}
        ],
    }
    result = explain(_app({"R": _role(trust)}), "r", Caller(CALLER))
    assert (result.outcome, _codes(result)) == ("Unknown", ["trust-unreadable"])
    assert (
        "the trust policy of Template/R is malformed (statement 0: Effect is 'Allowed', not "
        "Allow or Deny)"
    ) in result.causes[0].message
    assert "MalformedPolicyDocument" in result.causes[0].fix


def test_a_malformed_json_string_trust_in_a_json_file_is_undecided(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "legacy.json"
    template = {"Resources": {"R": _role('{"Version": "2012-10-17", "Statement": [')}}
    path.write_text(json.dumps(template), encoding="utf-8")
    code, out = _cli(path, capsys, "--role", "r", "--principal", CALLER, "--format", "json")
    data = json.loads(out)
    assert (code, data["outcome"]) == (1, "Unknown")
    (cause,) = data["causes"]
    assert cause["code"] == "trust-unreadable"
    assert cause["message"].startswith(
        "the trust policy of legacy/R is malformed (the JSON text is not valid JSON"
    )


def test_a_readable_trust_that_names_someone_else_stays_denied() -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"AWS": "arn:aws:iam::222222222222:role/y"},
            }
        ],
    }
    result = explain(_app({"R": _role(trust)}), "r", Caller(CALLER))
    assert (result.outcome, _codes(result)) == ("ImplicitDeny", ["no-matching-statement"])


def test_a_deny_that_was_read_still_denies_in_a_partly_unreadable_trust() -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Action": "sts:AssumeRole", "Principal": {"AWS": CALLER}},
            {"Effect": {"Ref": "P"}, "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}},
        ],
    }
    result = explain(_app({"R": _role(trust)}), "r", Caller(CALLER))
    assert result.outcome == "ExplicitDeny"
    assert "explicit-deny-resource-policy" in _codes(result)
    assert "trust-unreadable" not in _codes(result)
    # The same Deny for another caller refuses nobody else: undecided for them.
    other = explain(_app({"R": _role(trust)}), "r", Caller("arn:aws:iam::222222222222:role/z"))
    assert (other.outcome, _codes(other)) == ("Unknown", ["trust-unreadable"])


def test_refusals_sts_makes_whatever_the_trust_says_stay_denials() -> None:
    app = _app({"R": _role({"Ref": "P"}, MaxSessionDuration=3600)})
    root = explain(app, "r", Caller("222222222222"))
    assert (root.allowed, root.outcome, _codes(root)) == (
        False,
        "Refused",
        ["root-cannot-assume"],
    )
    assert root.to_text().startswith("DENIED: ")
    long = explain(app, "r", Caller(CALLER, duration=7200))
    assert not long.allowed
    assert long.outcome == "Refused"
    assert _codes(long) == ["duration-above-max", "chained-one-hour"]


def test_a_caller_of_the_app_whose_own_policy_denies_stays_denied() -> None:
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
    caller = _role(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"Service": "ec2.amazonaws.com"},
                }
            ],
        },
        RoleName="caller",
        Policies=[{"PolicyName": "no-assume", "PolicyDocument": deny}],
    )
    app = _app({"R": _role({"Ref": "P"}), "Caller": caller})
    result = explain(app, "r", Caller("Template/Caller"))
    assert result.outcome == "ExplicitDeny"
    assert _codes(result) == ["explicit-deny"]
    # Without that Deny, a caller of the same account may be the one the trust names.
    allowed_caller = _role(caller["Properties"]["AssumeRolePolicyDocument"], RoleName="caller")
    undecided = explain(
        _app({"R": _role({"Ref": "P"}), "Caller": allowed_caller}), "r", Caller("Template/Caller")
    )
    assert (undecided.outcome, _codes(undecided)) == ("Unknown", ["trust-unreadable"])


def test_a_caller_boundary_outside_the_app_makes_an_allow_undecided() -> None:
    grant = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
    caller_arn = f"arn:aws:iam::{ACCOUNT}:role/caller"
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": caller_arn}}
        ],
    }
    caller = _role(
        trust,
        RoleName="caller",
        Policies=[{"PolicyName": "assume", "PolicyDocument": grant}],
        PermissionsBoundary="arn:aws:iam::aws:policy/PowerUserAccess",
    )
    result = explain(_app({"R": _role(trust), "Caller": caller}), "r", Caller("Template/Caller"))
    assert (result.allowed, result.outcome) == (False, "Unknown")
    assert _codes(result) == ["boundary-not-available"]
    assert "arn:aws:iam::aws:policy/PowerUserAccess of the caller Template/Caller" in (
        result.causes[0].message
    )


def test_the_testing_helpers_fail_on_an_unreadable_trust(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        YAML_HEAD + "      AssumeRolePolicyDocument: !Ref TrustParam\n", encoding="utf-8"
    )
    with pytest.raises(AssertionError, match="cannot be decided offline") as caught:
        assert_cannot_assume(path, "r", CALLER, account=ACCOUNT)
    assert "[trust-unreadable]" in str(caught.value)
    assert "parameter TrustParam" in str(caught.value)
    with pytest.raises(AssertionError, match="to be allowed, but:\nUNDECIDED: "):
        assert_can_assume(path, "r", CALLER, account=ACCOUNT)


# -- a call made with the role ----------------------------------------------------------

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": "lambda.amazonaws.com"},
        }
    ],
}
ALLOW = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}
DENY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}],
}


def _worker(*policies: Any, **props: Any) -> dict[str, Any]:
    inline = [{"PolicyName": f"p{i}", "PolicyDocument": p} for i, p in enumerate(policies)]
    return _role(TRUST, RoleName="worker", Policies=inline, **props)


def _call(resources: dict[str, Any]) -> Explanation:
    return explain(
        _app(resources), "worker", Caller("worker"), action="s3:GetObject", resource=OBJECT
    )


def test_an_unreadable_identity_policy_makes_the_call_undecided() -> None:
    alone = _call({"W": _worker({"Ref": "P"})})
    assert (alone.allowed, alone.outcome, _codes(alone)) == (
        False,
        "Unknown",
        ["policy-unreadable"],
    )
    assert alone.causes[0].message.startswith(
        'inline policy "p0" of Template/W cannot be read offline (parameter P), and it could '
        f"decide whether Template/W can call s3:GetObject on {OBJECT}"
    )
    assert alone.to_text().startswith("UNDECIDED: Template/W cannot be shown to call s3:GetObject")
    # Beside a policy that allows it: the unread one may deny.
    beside = _call({"W": _worker(ALLOW, {"Fn::ImportValue": "Shared-Policy"})})
    assert (beside.outcome, _codes(beside)) == ("Unknown", ["policy-unreadable"])
    assert "(Fn::ImportValue)" in beside.causes[0].message


def test_an_unreadable_policy_resource_makes_the_call_undecided() -> None:
    policy = {
        "Type": "AWS::IAM::Policy",
        "Properties": {"PolicyName": "x", "Roles": [{"Ref": "W"}], "PolicyDocument": {"Ref": "P"}},
    }
    result = _call({"W": _worker(), "Pol": policy})
    assert (result.outcome, _codes(result)) == ("Unknown", ["policy-unreadable"])
    assert "AWS::IAM::Policy Template/Pol of Template/W cannot be read offline" in (
        result.causes[0].message
    )


def test_a_malformed_identity_policy_makes_the_call_undecided() -> None:
    malformed = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allowed", "Action": "s3:GetObject", "Resource": "*"}],
    }
    result = _call({"W": _worker(malformed)})
    assert (result.outcome, _codes(result)) == ("Unknown", ["policy-unreadable"])
    assert "is malformed (statement 0: Effect is 'Allowed', not Allow or Deny)" in (
        result.causes[0].message
    )


def test_a_deny_that_was_read_still_denies_the_call() -> None:
    result = _call({"W": _worker(DENY, {"Ref": "P"})})
    assert result.outcome == "ExplicitDeny"
    assert "explicit-deny" in _codes(result)
    assert "policy-unreadable" not in _codes(result)


def test_an_unreadable_boundary_makes_the_call_undecided_not_cut() -> None:
    boundary = {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Ref": "P"}}}
    result = _call({"W": _worker(ALLOW, PermissionsBoundary={"Ref": "B"}), "B": boundary})
    assert (result.outcome, _codes(result)) == ("Unknown", ["policy-unreadable"])
    assert result.causes[0].message.startswith(
        "permissions boundary AWS::IAM::ManagedPolicy Template/B of Template/W cannot be read"
    )


def test_a_boundary_that_was_read_still_cuts_an_unreadable_policy() -> None:
    boundary = {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}],
            }
        },
    }
    result = _call({"W": _worker({"Ref": "P"}, PermissionsBoundary={"Ref": "B"}), "B": boundary})
    assert result.outcome == "ImplicitDeny"
    assert "boundary-cuts-action" in _codes(result)
    assert "policy-unreadable" not in _codes(result)


def test_an_unreadable_bucket_policy_makes_the_call_undecided() -> None:
    bucket = {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "reports"}}
    policy = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": {"Ref": "P"}},
    }
    result = _call({"W": _worker(ALLOW), "Bucket": bucket, "Policy": policy})
    assert (result.outcome, _codes(result)) == ("Unknown", ["policy-unreadable"])
    assert result.causes[0].message.startswith(
        "AWS::S3::BucketPolicy Template/Policy cannot be read offline (parameter P)"
    )
    # The stand-in names every principal: only its unknown effect is reported.
    assert not any("needs Principal" in line for line in result.deciding)


def test_a_managed_policy_outside_the_app_makes_the_call_undecided() -> None:
    result = _call({"W": _worker(ManagedPolicyArns=["arn:aws:iam::aws:policy/ReadOnlyAccess"])})
    assert (result.outcome, _codes(result)) == ("Unknown", ["policy-not-available"])
    assert result.causes[0].message.startswith(
        "managed policy arn:aws:iam::aws:policy/ReadOnlyAccess of Template/W (AWS managed "
        "policy: content not available offline): it might decide"
    )


def test_assuming_a_role_of_the_app_with_an_unreadable_trust_is_undecided() -> None:
    grant = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
    app = _app({"W": _worker(grant), "T": _role({"Ref": "P"}, RoleName="target")})
    result = explain(
        app, "worker", Caller("worker"), action="sts:AssumeRole", resource="Template/T"
    )
    assert (result.outcome, _codes(result)) == ("Unknown", ["trust-unreadable"])
    assert result.causes[0].message.startswith(
        "the trust policy of Template/T cannot be read offline (parameter P)"
    )


def test_the_call_helpers_fail_on_an_unreadable_policy() -> None:
    template = {"Parameters": {"P": {"Type": "String"}}, "Resources": {"W": _worker({"Ref": "P"})}}
    with pytest.raises(AssertionError, match="cannot be decided offline") as caught:
        assert_cannot_call(template, "worker", "s3:GetObject", OBJECT, account=ACCOUNT)
    assert "[policy-unreadable]" in str(caught.value)
    with pytest.raises(AssertionError, match="to be allowed, but:\nUNDECIDED: "):
        assert_can_call(template, "worker", "s3:GetObject", OBJECT, account=ACCOUNT)


def test_the_assembly_says_which_documents_it_could_not_read() -> None:
    bucket = {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "reports"}}
    policy = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": {"Ref": "P"}},
    }
    app = _app(
        {
            "W": _worker(ALLOW, {"Ref": "P"}),
            "R": _role({"Fn::ImportValue": "Shared-Trust"}),
            "Bucket": bucket,
            "Policy": policy,
        }
    )
    worker = next(r for r in app.roles if r.logical_id == "W")
    other = next(r for r in app.roles if r.logical_id == "R")
    assert worker.trust_unreadable is None
    assert worker.trust == TRUST
    assert [(p.origin, p.unreadable) for p in worker.identity_policies] == [
        ('inline policy "p0"', None),
        ('inline policy "p1"', "cannot be read offline (parameter P)"),
    ]
    assert other.trust is None
    assert other.trust_unreadable == "cannot be read offline (Fn::ImportValue)"
    (resource_policy,) = app.resource_policies
    assert resource_policy.unreadable == "cannot be read offline (parameter P)"
    (statement,) = resource_policy.document["Statement"]
    assert statement["Principal"] == "*"
