"""Rule cases of the IAMR-DOC-* family: documents absent, unknown offline or malformed.

Each entry is (non-compliant template, compliant template[, resource at fault]) as in
``test_template_rules.CASES``; the compliant templates hold the same documents in the
other forms CloudFormation accepts (JSON text, ``Fn::Sub``), so the family is also a
check that those forms are read.
"""

from __future__ import annotations

import json
from typing import Any

from rule_templates import statement, template

LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [statement({"Service": "lambda.amazonaws.com"})],
}
LOGS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}],
}


def _role(trust: Any = None, **props: Any) -> dict[str, Any]:
    if trust is not None:
        props["AssumeRolePolicyDocument"] = trust
    return {"Type": "AWS::IAM::Role", "Properties": props}


def _policy(document: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Policy",
        "Properties": {"PolicyName": "p", "PolicyDocument": document, "Roles": [{"Ref": "R"}]},
    }


DOCUMENT_CASES: dict[str, tuple[Any, ...]] = {
    "IAMR-DOC-008": (
        template(R={"Type": ["AWS::IAM::Role"], "Properties": {}}),
        template(R=_role(LAMBDA_TRUST)),
    ),
    "IAMR-DOC-001": (
        template(R=_role(Description="no trust")),
        template(R=_role(json.dumps(LAMBDA_TRUST))),
    ),
    "IAMR-DOC-002": (
        template(R=_role({"Ref": "Unknown"})),
        template(
            R=_role(
                {
                    "Fn::Sub": json.dumps(LAMBDA_TRUST).replace(
                        "lambda.amazonaws.com", "lambda.${AWS::URLSuffix}"
                    )
                }
            )
        ),
    ),
    "IAMR-DOC-003": (
        template(R=_role({"Version": "2012-10-17", "Statement": 42})),
        template(R=_role(LAMBDA_TRUST)),
    ),
    "IAMR-DOC-004": (
        template(R=_role(LAMBDA_TRUST), P=_policy({"Ref": "Unknown"})),
        template(R=_role(LAMBDA_TRUST), P=_policy(json.dumps(LOGS))),
        "P",
    ),
    "IAMR-DOC-005": (
        template(
            R=_role(
                LAMBDA_TRUST,
                Policies=[{"PolicyName": "logs", "PolicyDocument": '{"Statement": [}'}],
            )
        ),
        template(R=_role(LAMBDA_TRUST, Policies=[{"PolicyName": "logs", "PolicyDocument": LOGS}])),
    ),
    "IAMR-DOC-006": (
        {**template(R=_role(LAMBDA_TRUST)), "Transform": "AWS::Serverless-2016-10-31"},
        {**template(R=_role(LAMBDA_TRUST)), "Transform": ["AWS::LanguageExtensions"]},
        "Transform",
    ),
    # A template read on its own: no assembly to find the nested template in (the
    # assembly reader's own reasons are tested in tests/catalog/test_catalog_nested.py).
    "IAMR-DOC-007": (
        template(
            R=_role(LAMBDA_TRUST),
            Inner={
                "Type": "AWS::CloudFormation::Stack",
                "Properties": {"TemplateURL": "https://example.com/inner.json"},
            },
        ),
        template(R=_role(LAMBDA_TRUST)),
        "Inner",
    ),
}
