"""The one reader of policy documents, form by form (cdk_iam_roles.documents).

GIVEN a policy document in one of the forms CloudFormation accepts, WHEN it is read,
THEN the result is the document CloudFormation would deploy, with what cannot be known
offline kept as Unknown and what is malformed named, never silently dropped.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from cdk_iam_roles.cfn import Resolver, ResourceRef, StackTemplate, Unknown, load_template
from cdk_iam_roles.documents import read_policy_document

ACCOUNT = "111111111111"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
    ],
}


def _resolver(**template: Any) -> Resolver:
    tpl = {"Resources": {"R": {"Type": "AWS::IAM::Role"}}, **template}
    return StackTemplate.from_template(tpl, name="T", account=ACCOUNT, region="eu-west-1").resolver


def _read(raw: Any, kind: Any = "trust", **template: Any) -> Any:
    return read_policy_document(raw, _resolver(**template), kind=kind)


def test_object_is_read_as_is() -> None:
    read = _read(TRUST)
    assert read.status == "read"
    assert read.document == TRUST


def test_json_string_is_parsed() -> None:
    read = _read(json.dumps(TRUST))
    assert read.status == "read"
    assert read.document == TRUST


def test_sub_text_with_known_values_resolves() -> None:
    text = json.dumps(TRUST).replace('"*"', '"arn:${AWS::Partition}:iam::${AWS::AccountId}:root"')
    read = _read({"Fn::Sub": text})
    assert read.document["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}


def test_sub_text_keeps_unknown_parts_where_the_object_form_has_them() -> None:
    text = json.dumps(TRUST).replace('"*"', '"arn:aws:iam::${Trusted}:root"')
    read = _read({"Fn::Sub": text}, Parameters={"Trusted": {"Type": "String"}})
    assert read.status == "read"
    principal = read.document["Statement"][0]["Principal"]["AWS"]
    assert isinstance(principal, Unknown)
    assert "Trusted" in principal.reason
    # the object form of the same document gives the same unknown
    obj = _read(
        {
            **TRUST,
            "Statement": [
                {
                    **TRUST["Statement"][0],
                    "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${Trusted}:root"}},
                }
            ],
        },
        Parameters={"Trusted": {"Type": "String"}},
    )
    assert obj.document == read.document


def test_sub_with_variable_mapping_and_escaped_dollar() -> None:
    text = '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "${Who}"}, '
    text += '"Action": "sts:AssumeRole", "Condition": {"StringEquals": '
    text += '{"sts:RoleSessionName": "${!aws:username}"}}}]}'
    read = _read({"Fn::Sub": [text, {"Who": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}}]})
    statement = read.document["Statement"][0]
    assert statement["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert statement["Condition"]["StringEquals"]["sts:RoleSessionName"] == "${aws:username}"


def test_join_text_with_a_reference() -> None:
    raw = {
        "Fn::Join": [
            "",
            [
                '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "',
                {"Fn::GetAtt": ["R", "Arn"]},
                '"}, "Action": "sts:AssumeRole"}]}',
            ],
        ]
    }
    read = _read(raw)
    assert read.status == "read"
    # a whole string that is one reference reads as the reference, as in the object form
    assert read.document["Statement"][0]["Principal"]["AWS"] == ResourceRef("R", "Arn")


def test_text_whose_unknown_part_is_json_structure_is_unknown() -> None:
    raw = {"Fn::Sub": '{"Statement": ${Statements}}'}
    read = _read(raw, Parameters={"Statements": {"Type": "String"}})
    assert read.status == "unknown"
    assert "Statements" in read.reason


def test_parameter_document_is_unknown() -> None:
    read = _read({"Ref": "Trust"}, Parameters={"Trust": {"Type": "String"}})
    assert (read.status, read.variants) == ("unknown", ())
    assert "Trust" in read.reason


def test_custom_resource_document_is_unknown() -> None:
    read = _read({"Fn::GetAtt": ["R", "Value"]})
    assert read.status == "unknown"


def test_if_reads_both_branches() -> None:
    other = {
        **TRUST,
        "Statement": [{**TRUST["Statement"][0], "Principal": {"Service": "lambda.amazonaws.com"}}],
    }
    read = _read({"Fn::If": ["IsProd", TRUST, other]})
    assert read.status == "read"
    assert read.conditions == ("IsProd",)
    principals = [s["Principal"] for s in read.document["Statement"]]
    assert principals == [{"AWS": "*"}, {"Service": "lambda.amazonaws.com"}]


def test_if_statement_with_no_value() -> None:
    deny = {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}
    doc = {"Statement": [TRUST["Statement"][0], {"Fn::If": ["C", deny, {"Ref": "AWS::NoValue"}]}]}
    read = _read(doc)
    assert len(read.variants) == 2
    assert read.document["Statement"] == [TRUST["Statement"][0], deny]


def test_evaluation_form_never_lets_a_branch_only_allow_grant() -> None:
    other = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::2:root"},
                "Action": "sts:AssumeRole",
            }
        ]
    }
    read = _read({"Fn::If": ["IsProd", TRUST, other]})
    evaluated = read.for_evaluation()
    assert evaluated is not None
    for statement in evaluated["Statement"]:
        guard = statement["Condition"]["StringEquals"]["cloudformation:Condition"]
        assert isinstance(guard, Unknown)


def test_the_same_condition_takes_the_same_branch_everywhere() -> None:
    one = {"Fn::If": ["C", "arn:aws:iam::1:root", "arn:aws:iam::2:root"]}
    doc = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": [one, one]}, "Action": "sts:AssumeRole"}
        ]
    }
    read = _read(doc)
    assert [v["Statement"][0]["Principal"]["AWS"] for v in read.variants] == [
        ["arn:aws:iam::1:root"] * 2,
        ["arn:aws:iam::2:root"] * 2,
    ]


def test_too_many_conditions_is_unknown() -> None:
    statements = [
        {"Fn::If": [f"C{i}", TRUST["Statement"][0], {"Ref": "AWS::NoValue"}]} for i in range(7)
    ]
    read = _read({"Statement": statements})
    assert read.status == "unknown"
    assert "7 Fn::If conditions" in read.reason


def test_find_in_map_with_resolvable_keys() -> None:
    mappings = {"Trusted": {"eu-west-1": {"Account": "arn:aws:iam::222222222222:root"}}}
    doc = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {
                    "AWS": {"Fn::FindInMap": ["Trusted", {"Ref": "AWS::Region"}, "Account"]}
                },
                "Action": "sts:AssumeRole",
            }
        ]
    }
    read = _read(doc, Mappings=mappings)
    assert read.document["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::222222222222:root"}


def test_find_in_map_of_a_whole_json_document() -> None:
    read = _read(
        {"Fn::FindInMap": ["Docs", "Trust", "Json"]},
        Mappings={"Docs": {"Trust": {"Json": json.dumps(TRUST)}}},
    )
    assert read.document == TRUST


def test_to_json_string_of_the_language_extensions() -> None:
    assert _read({"Fn::ToJsonString": TRUST}).document == TRUST


def test_yaml_date_version_is_text() -> None:
    read = _read({**TRUST, "Version": datetime.date(2012, 10, 17)})
    assert read.document["Version"] == "2012-10-17"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"Statement": 42}, "Statement is the number 42"),
        ({"Statement": []}, "Statement is an empty list"),
        ({"Version": "2012-10-17"}, "the document has no Statement"),
        ({"Statement": ["x"]}, "statement 0: is a string, not an object"),
        (
            {"Statement": [{"Effect": "Allow", "Principal": ["*"], "Action": "sts:AssumeRole"}]},
            "Principal is a list",
        ),
        (
            {
                "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": {"a": 1}}, "Action": "sts:AssumeRole"}
                ]
            },
            "Principal.AWS holds an object",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": {"a": 1}}]},
            "Action holds an object",
        ),
        (
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "sts:AssumeRole",
                        "Condition": "x",
                    }
                ]
            },
            "Condition is a string",
        ),
        (
            {"Statement": [{"Effect": "Permit", "Principal": "*", "Action": "sts:AssumeRole"}]},
            "Effect is 'Permit'",
        ),
        ({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}, "has no Principal"),
        ({"Statement": [{"Effect": "Allow", "Principal": "*"}]}, "neither Action nor NotAction"),
        ('{"Statement": [', "not valid JSON"),
        ("[1, 2]", "holds a list, not a JSON object"),
        ([1], "the document is a list"),
        (42, "the document is the number 42"),
    ],
)
def test_malformed_documents_name_the_element(raw: Any, problem: str) -> None:
    read = _read(raw)
    assert read.status == "malformed"
    assert any(problem in p for p in read.problems), read.problems


def test_identity_policies_need_a_resource() -> None:
    read = _read({"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}, kind="identity")
    assert read.problems == ("statement 0: has neither Resource nor NotResource",)


def test_deeply_nested_json_text_is_malformed_not_a_crash() -> None:
    read = _read("[" * 100_000 + "]" * 100_000)
    assert read.status == "malformed"


def test_absent() -> None:
    assert _read(None).status == "absent"
    assert _read({"Ref": "AWS::NoValue"}).status == "absent"


def test_yaml_short_forms_in_a_file(tmp_path: Any) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "Resources:\n"
        "  R:\n"
        "    Type: AWS::IAM::Role\n"
        "    Properties:\n"
        "      AssumeRolePolicyDocument: !Sub |\n"
        '        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",\n'
        '         "Principal": {"AWS": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"},\n'
        '         "Action": "sts:AssumeRole"}]}\n',
        encoding="utf-8",
    )
    stack = load_template(path)
    stack.account, stack.region = ACCOUNT, "eu-west-1"
    raw = stack.resources["R"]["Properties"]["AssumeRolePolicyDocument"]
    read = read_policy_document(raw, stack.resolver, kind="trust")
    assert read.document["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}


def test_evaluation_form_holds_each_branch_statement_once() -> None:
    # A statement present in some variants only is guarded; the variants that hold it
    # must not add it again (explain numbered the copies as statements the template
    # does not have).
    trusted = {"Effect": "Allow", "Principal": {"AWS": {"Ref": "Trusted"}}, "Action": "a"}
    lookup = {"Effect": "Allow", "Principal": {"AWS": {"Ref": "Lookup"}}, "Action": "a"}
    doc = {
        "Statement": [
            TRUST["Statement"][0],
            {"Fn::If": ["HasLookup", lookup, {"Ref": "AWS::NoValue"}]},
            {"Fn::If": ["HasTrusted", trusted, {"Ref": "AWS::NoValue"}]},
        ]
    }
    read = _read(doc, Parameters={"Trusted": {"Type": "String"}, "Lookup": {"Type": "String"}})
    assert len(read.variants) == 4
    evaluated = read.for_evaluation()
    assert evaluated is not None
    assert len(evaluated["Statement"]) == 3
    assert evaluated["Statement"][0] == TRUST["Statement"][0]
    for statement in evaluated["Statement"][1:]:
        guard = statement["Condition"]["StringEquals"]["cloudformation:Condition"]
        assert isinstance(guard, Unknown)
