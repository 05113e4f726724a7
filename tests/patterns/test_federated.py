"""FederatedRole: SAML trust, the partition's sign-in URL, and refusals."""

from __future__ import annotations

import doctest
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from syrupy.assertion import SnapshotAssertion

from cdk_iam_roles import FederatedRole, RoleConfigError
from cdk_iam_roles.analysis import PolicySet, Request, evaluate
from cdk_iam_roles.patterns import federated as federated_module
from cdk_iam_roles.patterns.federated import SAML_SIGN_IN_URLS, saml_sign_in_url
from helpers import ACCOUNT, new_stack, synth

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/federated"
# A SAML metadata document is at least 1,000 characters (AWS::IAM::SAMLProvider).
METADATA = (
    '<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"'
    ' entityID="https://idp.example.com/saml"><md:IDPSSODescriptor'
    ' protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor'
    ' use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>'
    "<ds:X509Certificate>" + "MIIC" + "A" * 1100 + "</ds:X509Certificate></ds:X509Data>"
    "</ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService"
    ' Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"'
    ' Location="https://idp.example.com/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>'
)


def logical_id(stack: cdk.Stack, construct_id: str) -> str:
    cfn = stack.node.find_child(construct_id).node.default_child
    assert isinstance(cfn, cdk.CfnElement)
    return stack.get_logical_id(cfn)


def statement(stack: cdk.Stack, template: dict[str, Any], construct_id: str) -> dict[str, Any]:
    resource = template["Resources"][logical_id(stack, construct_id)]
    (only,) = resource["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    return dict(only)


@pytest.fixture(scope="module")
def app_stack() -> tuple[cdk.Stack, dict[str, Any]]:
    """A stack in us-east-1 (partition aws) with console, tagged and programmatic roles."""
    stack = new_stack("Saml")
    provider = iam.SamlProvider(
        stack, "Idp", metadata_document=iam.SamlMetadataDocument.from_xml(METADATA)
    )
    FederatedRole(stack, "Console", saml_provider=provider)
    FederatedRole(
        stack,
        "Tagged",
        saml_provider=PROVIDER_ARN,
        allow_session_tags=True,
        session_tag_keys=["team", "cost-center"],
        attribute_conditions={"SAML:edupersonaffiliation": ["staff", "faculty"]},
    )
    FederatedRole(
        stack,
        "Api",
        saml_provider=PROVIDER_ARN,
        console_access=False,
        attribute_conditions={"SAML:sub": "deploy-bot", "SAML:aud": "https://api.example.com"},
        max_session_duration=cdk.Duration.hours(2),
    )
    return stack, synth(stack)


def test_console_role_pins_the_partition_sign_in_url(
    app_stack: tuple[cdk.Stack, dict[str, Any]],
) -> None:
    stack, template = app_stack
    (provider_id,) = [
        k for k, v in template["Resources"].items() if v["Type"] == "AWS::IAM::SAMLProvider"
    ]
    assert statement(stack, template, "Console") == {
        "Effect": "Allow",
        "Principal": {"Federated": {"Ref": provider_id}},
        "Action": "sts:AssumeRoleWithSAML",
        "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
    }
    assert "Mappings" not in template  # the partition is known: no lookup needed


def test_session_tags_and_attribute_conditions(
    app_stack: tuple[cdk.Stack, dict[str, Any]],
) -> None:
    stack, template = app_stack
    assert statement(stack, template, "Tagged") == {
        "Effect": "Allow",
        "Principal": {"Federated": PROVIDER_ARN},
        "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
        "Condition": {
            "StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"},
            # eduPersonAffiliation can carry several values (marked [] in "Available keys
            # for SAML-based AWS STS federation"): matched with ForAnyValue, since
            # "multivalued context keys require a condition set operator".
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-saml
            "ForAnyValue:StringEquals": {"SAML:edupersonaffiliation": ["staff", "faculty"]},
            "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost-center"]},
        },
    }


def test_programmatic_role_has_only_its_conditions(
    app_stack: tuple[cdk.Stack, dict[str, Any]],
) -> None:
    stack, template = app_stack
    assert statement(stack, template, "Api")["Condition"] == {
        "StringEquals": {"SAML:sub": "deploy-bot", "SAML:aud": "https://api.example.com"}
    }
    role = template["Resources"][logical_id(stack, "Api")]
    assert role["Properties"]["MaxSessionDuration"] == 7200


def test_snapshot(
    app_stack: tuple[cdk.Stack, dict[str, Any]], json_snapshot: SnapshotAssertion
) -> None:
    _, template = app_stack
    assert template == json_snapshot


@pytest.mark.parametrize(
    ("region", "url"),
    [
        ("us-gov-west-1", "https://signin.amazonaws-us-gov.com/saml"),
        ("cn-north-1", "https://signin.amazonaws.cn/saml"),
    ],
)
def test_other_partitions_use_their_own_sign_in_url(region: str, url: str) -> None:
    stack = new_stack(env=cdk.Environment(account=ACCOUNT, region=region))
    partition = "aws-us-gov" if region.startswith("us-gov") else "aws-cn"
    FederatedRole(
        stack, "Console", saml_provider=f"arn:{partition}:iam::{ACCOUNT}:saml-provider/Okta"
    )
    template = synth(stack, lint=False)  # cfn-lint is configured for us-east-1 only
    assert statement(stack, template, "Console")["Condition"] == {"StringEquals": {"SAML:aud": url}}


def test_unknown_partition_looks_the_url_up_by_aws_partition() -> None:
    stack = new_stack(env=None)
    FederatedRole(stack, "A", saml_provider=PROVIDER_ARN)
    FederatedRole(stack, "B", saml_provider=PROVIDER_ARN)
    template = synth(stack)
    lookup = {"Fn::FindInMap": ["CdkIamRolesSamlSignIn", {"Ref": "AWS::Partition"}, "url"]}
    for construct_id in ("A", "B"):
        assert statement(stack, template, construct_id)["Condition"] == {
            "StringEquals": {"SAML:aud": lookup}
        }
    assert template["Mappings"] == {
        "CdkIamRolesSamlSignIn": {name: {"url": url} for name, url in SAML_SIGN_IN_URLS.items()}
    }


def test_sign_in_url_lookup() -> None:
    assert saml_sign_in_url("aws") == "https://signin.aws.amazon.com/saml"
    assert saml_sign_in_url("aws-iso") is None


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # programmatic SAML without conditions
        ({"console_access": False}, ["IAMR-FED-002"]),
        ({"console_access": False, "attribute_conditions": {}}, ["IAMR-FED-002"]),
        # provider
        ({"saml_provider": "Okta"}, ["IAMR-FED-001"]),
        ({"saml_provider": f"arn:aws:iam::{ACCOUNT}:role/Okta"}, ["IAMR-FED-001"]),
        ({"saml_provider": "arn:aws:iam::1234:saml-provider/Okta"}, ["IAMR-FED-001"]),
        ({"saml_provider": f"arn:aws-cn:iam::{ACCOUNT}:saml-provider/Okta"}, ["IAMR-FED-001"]),
        ({"saml_provider": None}, ["IAMR-FED-001"]),
        # attribute conditions
        ({"attribute_conditions": {"aws:PrincipalTag/x": "y"}}, ["IAMR-FED-003"]),
        ({"attribute_conditions": {"SAML:sub": "*"}}, ["IAMR-FED-003"]),
        ({"attribute_conditions": {"SAML:sub": []}}, ["IAMR-FED-003"]),
        ({"attribute_conditions": {"SAML:sub": [""]}}, ["IAMR-FED-003"]),
        ({"attribute_conditions": {"SAML:sub": 3}}, ["IAMR-FED-003"]),
        ({"attribute_conditions": ["SAML:sub"]}, ["IAMR-FED-003"]),
        (
            {"console_access": False, "attribute_conditions": {"sub": "alice"}},
            ["IAMR-FED-003"],
        ),
        ({"attribute_conditions": {"SAML:aud": "https://x.example.com"}}, ["IAMR-FED-005"]),
        ({"console_access": "yes"}, ["IAMR-FED-003"]),
        # session tag keys
        ({"session_tag_keys": ["team"]}, ["IAMR-FED-006"]),
        ({"allow_session_tags": True, "session_tag_keys": ["aws:x"]}, ["IAMR-FED-006"]),
        ({"allow_session_tags": True, "session_tag_keys": ["x" * 129]}, ["IAMR-FED-006"]),
        ({"allow_session_tags": True, "session_tag_keys": []}, ["IAMR-FED-006"]),
        # common arguments are reported together
        (
            {"console_access": False, "role_name": "a" * 65, "path": "no-slashes"},
            ["IAMR-FED-002", "IAMR-ROLE-001", "IAMR-ROLE-002"],
        ),
    ],
)
def test_refusals(kwargs: dict[str, Any], expected: list[str]) -> None:
    stack = new_stack()
    args: dict[str, Any] = {"saml_provider": PROVIDER_ARN, **kwargs}
    with pytest.raises(RoleConfigError) as caught:
        FederatedRole(stack, "Role", **args)
    assert list(caught.value.rule_ids) == expected
    assert stack.node.try_find_child("Role") is None


def test_imported_provider_of_another_partition_is_refused() -> None:
    stack = new_stack()
    imported = iam.SamlProvider.from_saml_provider_arn(
        stack, "Idp", f"arn:aws-cn:iam::{ACCOUNT}:saml-provider/Okta"
    )
    with pytest.raises(RoleConfigError) as caught:
        FederatedRole(stack, "Role", saml_provider=imported)
    assert caught.value.rule_ids == ("IAMR-FED-001",)
    assert "must be in the stack's partition 'aws'" in str(caught.value)


def test_console_access_in_a_partition_without_known_url_is_refused() -> None:
    stack = new_stack(env=cdk.Environment(account=ACCOUNT, region="us-iso-east-1"))
    with pytest.raises(RoleConfigError) as caught:
        FederatedRole(stack, "Role", saml_provider=f"arn:aws-iso:iam::{ACCOUNT}:saml-provider/Idp")
    assert caught.value.rule_ids == ("IAMR-FED-004",)


def test_programmatic_refusal_message() -> None:
    with pytest.raises(RoleConfigError) as caught:
        FederatedRole(new_stack(), "Role", saml_provider=PROVIDER_ARN, console_access=False)
    assert str(caught.value) == (
        "Test/Role: attribute_conditions must hold at least one SAML:* condition when "
        "console_access=False (got none). Pass attribute_conditions={'SAML:sub': '...'} "
        "(or another SAML:* key), or console_access=True. [IAMR-FED-002]"
    )


def test_guide_code_samples_run() -> None:
    guide = (ROOT / "docs" / "patterns" / "federated.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", guide, flags=re.DOTALL)
    assert len(blocks) >= 3
    for block in blocks:
        exec(compile(block, "federated.md", "exec"), {})


def test_module_doctests_pass() -> None:
    result = doctest.testmod(federated_module)
    assert result.attempted >= 1
    assert result.failed == 0


def test_simulated_console_sign_in_needs_the_partition_audience() -> None:
    role = FederatedRole(
        new_stack(),
        "Role",
        saml_provider=PROVIDER_ARN,
        attribute_conditions={"SAML:sub": "alice"},
    )
    trust = {"Version": "2012-10-17", "Statement": list(role.trust_statements)}

    def allowed(context: dict[str, str]) -> bool:
        request = Request(PROVIDER_ARN, "sts:AssumeRoleWithSAML", ROLE_ARN, context=context)
        return evaluate(request, PolicySet(resource=trust)).allowed

    aud = "https://signin.aws.amazon.com/saml"
    assert allowed({"SAML:aud": aud, "SAML:sub": "alice"})
    assert not allowed({"SAML:aud": aud, "SAML:sub": "mallory"})
    assert not allowed({"SAML:aud": "https://signin.amazonaws.cn/saml", "SAML:sub": "alice"})
    assert not allowed({"SAML:sub": "alice"})
