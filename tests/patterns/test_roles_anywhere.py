"""RolesAnywhereRole: trust anchors pinned, certificate fields as exact conditions.

GIVEN trust anchors and certificate fields, WHEN the role synthesizes, THEN the trust
names Roles Anywhere's service with its three actions, pins aws:SourceArn to the anchors
and the certificate attributes with StringEquals; the template is cfn-lint clean; the
evaluator lets only a certificate of the pinned anchor with the pinned CN in.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_rolesanywhere as rolesanywhere
from aws_cdk.assertions import Annotations, Match
from hypothesis import given
from hypothesis import strategies as st
from syrupy.assertion import SnapshotAssertion

from cdk_iam_roles import RoleConfigError, RolesAnywhereRole
from cdk_iam_roles.analysis import PolicySet, Request, evaluate
from cdk_iam_roles.trust.roles_anywhere import roles_anywhere_statement
from helpers import ACCOUNT, new_stack, synth

ANCHOR = (
    f"arn:aws:rolesanywhere:us-east-1:{ACCOUNT}:trust-anchor/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
)
OTHER_ANCHOR = ANCHOR.replace("0f1e2d3c", "9a9a9a9a")
ACTIONS = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/build"


@pytest.fixture(scope="module")
def app_stack() -> tuple[cdk.Stack, dict[str, Any]]:
    stack = new_stack("RolesAnywhere")
    RolesAnywhereRole(
        stack, "Build", trust_anchors=[ANCHOR], certificate_subject={"CN": "build-01", "OU": "ci"}
    )
    anchor = rolesanywhere.CfnTrustAnchor(
        stack,
        "Anchor",
        name="ci",
        enabled=True,
        source=rolesanywhere.CfnTrustAnchor.SourceProperty(
            source_type="AWS_ACM_PCA",
            source_data=rolesanywhere.CfnTrustAnchor.SourceDataProperty(
                acm_pca_arn=f"arn:aws:acm-pca:us-east-1:{ACCOUNT}:certificate-authority/"
                "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
            ),
        ),
    )
    RolesAnywhereRole(
        stack,
        "Issued",
        trust_anchors=[anchor],
        certificate_issuer={"CN": "Acme CI CA"},
        certificate_san={"DNS": ["build.example.com", "build2.example.com"]},
    )
    RolesAnywhereRole(stack, "Any", trust_anchors=[ANCHOR], any_certificate=True)
    return stack, synth(stack)


def trust(app_stack: tuple[cdk.Stack, dict[str, Any]], name: str) -> list[dict[str, Any]]:
    stack, template = app_stack
    role = stack.node.find_child(name)
    logical = stack.get_logical_id(role.node.default_child)  # type: ignore[arg-type]
    doc = template["Resources"][logical]["Properties"]["AssumeRolePolicyDocument"]
    return list(doc["Statement"])


def test_trust_pins_anchor_and_subject(app_stack: Any) -> None:
    assert trust(app_stack, "Build") == [
        {
            "Action": ACTIONS,
            "Condition": {
                "ArnEquals": {"aws:SourceArn": ANCHOR},
                "StringEquals": {
                    "aws:PrincipalTag/x509Subject/CN": "build-01",
                    "aws:PrincipalTag/x509Subject/OU": "ci",
                },
            },
            "Effect": "Allow",
            "Principal": {"Service": "rolesanywhere.amazonaws.com"},
        }
    ]


def test_trust_anchor_construct_issuer_and_san(app_stack: Any) -> None:
    (statement,) = trust(app_stack, "Issued")
    assert statement["Condition"] == {
        "ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["Anchor", "TrustAnchorArn"]}},
        "StringEquals": {
            "aws:PrincipalTag/x509Issuer/CN": "Acme CI CA",
            "aws:PrincipalTag/x509SAN/DNS": ["build.example.com", "build2.example.com"],
        },
    }


def test_any_certificate_is_a_warning(app_stack: Any) -> None:
    (statement,) = trust(app_stack, "Any")
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": ANCHOR}}
    stack, _ = app_stack
    Annotations.from_stack(stack).has_warning(
        "/RolesAnywhere/Any", Match.string_like_regexp(".*IAMR-RA-003.*")
    )


def test_snapshot(app_stack: Any, json_snapshot: SnapshotAssertion) -> None:
    _, template = app_stack
    assert template == json_snapshot


@pytest.mark.parametrize(
    ("kwargs", "rule_ids"),
    [
        ({"trust_anchors": [], "certificate_subject": {"CN": "a"}}, ["IAMR-RA-001"]),
        (
            {"trust_anchors": [ANCHOR[:-12] + "*"], "certificate_subject": {"CN": "a"}},
            ["IAMR-RA-001"],
        ),
        ({"trust_anchors": [ANCHOR]}, ["IAMR-RA-002"]),
        ({"trust_anchors": [ANCHOR], "certificate_subject": {}}, ["IAMR-RA-002"]),
        (
            {"trust_anchors": ["arn:aws:iam::1:role/x"], "certificate_subject": {"CN": "a"}},
            ["IAMR-RA-004"],
        ),
        (
            {"trust_anchors": [ANCHOR], "certificate_subject": {"XX": "a"}},
            ["IAMR-RA-004", "IAMR-RA-002"],
        ),
        ({"trust_anchors": [ANCHOR], "certificate_subject": {"CN": "build-*"}}, ["IAMR-RA-004"]),
        (
            {"trust_anchors": [ANCHOR], "certificate_san": {"IP": "10.0.0.1"}},
            ["IAMR-RA-004", "IAMR-RA-002"],
        ),
        (
            {"trust_anchors": [ANCHOR], "certificate_subject": {"CN": "build-01\n"}},
            ["IAMR-ROLE-008"],
        ),
        ({"trust_anchors": [ANCHOR + "\n"], "certificate_subject": {"CN": "a"}}, ["IAMR-ROLE-008"]),
        (
            {"trust_anchors": ANCHOR, "certificate_subject": {"CN": "a"}},
            ["IAMR-RA-004", "IAMR-RA-001"],
        ),
        ({"trust_anchors": [ANCHOR], "any_certificate": "yes"}, ["IAMR-RA-004"]),
    ],
)
def test_refusals(kwargs: dict[str, Any], rule_ids: list[str]) -> None:
    stack = new_stack("Refused")
    with pytest.raises(RoleConfigError) as error:
        RolesAnywhereRole(stack, "Role", **kwargs)
    assert list(error.value.rule_ids) == rule_ids
    assert "Refused/Role" in str(error.value)


@given(
    cn=st.sampled_from(["*", "build-*", "?", "a\tb", " build", "build\n", ""]),
)
def test_property_bad_certificate_values_are_refused(cn: str) -> None:
    stack = new_stack("Bad")
    with pytest.raises(RoleConfigError) as error:
        RolesAnywhereRole(stack, "Role", trust_anchors=[ANCHOR], certificate_subject={"CN": cn})
    assert set(error.value.rule_ids) <= {"IAMR-RA-004", "IAMR-ROLE-008"}
    assert error.value.rule_ids


def _allowed(anchor: str, cn: str) -> bool:
    statement = roles_anywhere_statement([ANCHOR], {"CN": "build-01"}, {}, {})
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    request = Request(
        "rolesanywhere.amazonaws.com",
        "sts:AssumeRole",
        ROLE_ARN,
        context={"aws:SourceArn": anchor, "aws:PrincipalTag/x509Subject/CN": cn},
    )
    return evaluate(request, PolicySet(resource=policy)).allowed


def test_the_intended_certificate_is_allowed() -> None:
    assert _allowed(ANCHOR, "build-01")


@given(
    anchor=st.sampled_from([ANCHOR, OTHER_ANCHOR]),
    cn=st.sampled_from(["build-01", "build-02", "build-01x", "BUILD-01", "evil"]),
)
def test_property_another_anchor_or_cn_is_denied(anchor: str, cn: str) -> None:
    assert _allowed(anchor, cn) is (anchor == ANCHOR and cn == "build-01")
