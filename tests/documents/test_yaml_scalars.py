"""Unquoted YAML scalars, read as CloudFormation reads them or kept as written.

GIVEN a template value written without quotes, WHEN the loader reads it, THEN a value
whose meaning every reader shares (``3600``, ``true``, ``1.5``, ``123456789012``) is that
value; a value YAML 1.1 turns into a number or boolean from another spelling
(``012345670123``, ``yes``, ``0x1F``), or that readers disagree on (``012345678901``,
``1e3``), is an :class:`Unquoted` that keeps its text and line; and the one document reader
reports it as malformed, by its text, never by a number the author did not write.
"""

from __future__ import annotations

import copy
import doctest
import json
import math
import pickle
from typing import Any

import pytest

from cdk_iam_roles import cfn_files, cfn_yaml
from cdk_iam_roles.cfn import StackTemplate, Unknown
from cdk_iam_roles.cfn_files import parse_template_text
from cdk_iam_roles.cfn_yaml import Unquoted
from cdk_iam_roles.documents import read_policy_document


def _value(text: str) -> Any:
    return parse_template_text(f"a: {text}\n", "t.yaml")["a"]


# Written as JSON writes the value, or read alike by every YAML reader: kept as values.
PLAIN: list[tuple[str, Any]] = [
    ("3600", 3600),
    ("-5", -5),
    ("0", 0),
    ("123456789012", 123456789012),
    ("9007199254740992", 2**53),
    ("1.5", 1.5),
    ("true", True),
    ("False", False),
    ("TRUE", True),
    # YAML 1.1's type repository lists y/n as booleans, but PyYAML (so cfn-lint) and
    # SnakeYAML read them as text.
    ("y", "y"),
    ("n", "n"),
    ("N", "N"),
    # Text in YAML 1.1, as CloudFormation reads it (an octal number only in YAML 1.2).
    ("0o17", "0o17"),
    ("2012-10-17", "2012-10-17"),
    ("'012345670123'", "012345670123"),
    ('"yes"', "yes"),
    ("!!str 012345678901", "012345678901"),
    ("arn:aws:iam::012345670123:root", "arn:aws:iam::012345670123:root"),
]

# Kept as written: (text, what YAML 1.1 makes of it, or None, words of the reason).
KEPT: list[tuple[str, Any, str]] = [
    ("012345670123", 1402433619, "makes it the octal number 1402433619"),
    ("00", 0, "makes it the octal number 0"),
    ("0x1F", 31, "makes it the number 31"),
    ("0b101", 5, "makes it the number 5"),
    ("1_000", 1000, "makes it the number 1000"),
    ("1:20", 80, "makes it the number 80 (base 60)"),
    ("+5", 5, "makes it the number 5"),
    ("1.0e+3", 1000.0, "makes it the number 1000.0"),
    (".5", 0.5, "makes it the number 0.5"),
    ("yes", True, "makes it the boolean true; write true"),
    ("No", False, "makes it the boolean false; write false"),
    ("ON", True, "makes it the boolean true"),
    ("off", False, "makes it the boolean false"),
    (".inf", math.inf, "makes it infinity, which no JSON number can hold"),
    ("-.Inf", -math.inf, "makes it minus infinity"),
    ("123456789012345678901", 123456789012345678901, "more digits than a JSON number keeps"),
    ("9007199254740993", 2**53 + 1, "more digits than a JSON number keeps"),
    # Text to YAML 1.1 and PyYAML, a number to CloudFormation (aws/aws-cli#7787).
    ("012345678901", None, "CloudFormation has been seen to read such a value as a number"),
    ("089", None, "CloudFormation has been seen to read such a value as a number"),
    ("1e3", None, "CloudFormation may read it as a number"),
    ("1.0e3", None, "CloudFormation may read it as a number"),
]


@pytest.mark.parametrize(("text", "expected"), PLAIN, ids=[t for t, _ in PLAIN])
def test_values_every_reader_agrees_on_are_read_as_values(text: str, expected: Any) -> None:
    value = _value(text)
    assert not isinstance(value, Unknown)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(("text", "reading", "words"), KEPT, ids=[t for t, _, _ in KEPT])
def test_values_yaml_may_misread_are_kept_as_written(text: str, reading: Any, words: str) -> None:
    value = _value(text)
    assert isinstance(value, Unquoted)
    assert isinstance(value, Unknown)  # so no reader allows anything on it
    assert (value.text, value.line) == (text, 1)
    assert value.reading == reading
    assert words in value.reason
    assert value.reason.startswith(f"{text} unquoted (line 1): ")
    assert value.reason.endswith(f"quote it ('{text}') to keep the text")


def test_nan_is_kept_as_written() -> None:
    value = _value(".nan")
    assert isinstance(value, Unquoted)
    assert math.isnan(value.reading)
    assert "not-a-number, which no JSON number can hold" in value.reason


def test_the_line_is_the_line_of_the_value_in_a_flow_list() -> None:
    data = parse_template_text("x: 1\nl:\n  - a\n  - [b, 0777, c]\n", "t.yaml")
    found = data["l"][1][1]
    assert isinstance(found, Unquoted)
    assert (found.text, found.line, found.reading) == ("0777", 4, 511)


def test_an_unquoted_value_survives_copy_and_pickle() -> None:
    value = _value("012345670123")
    for twin in (copy.deepcopy(value), pickle.loads(pickle.dumps(value))):
        assert isinstance(twin, Unquoted)
        assert (twin.text, twin.line, twin.reading) == ("012345670123", 1, 1402433619)
        assert twin == value


def test_json_templates_are_untouched() -> None:
    # JSON has no such ambiguity: its numbers are numbers, its strings strings.
    text = '{"Resources": {}, "A": 1402433619, "B": "012345670123", "C": true}'
    assert parse_template_text(text, "t.json") == {
        "Resources": {},
        "A": 1402433619,
        "B": "012345670123",
        "C": True,
    }


def test_a_short_form_keeps_its_scalar_as_text() -> None:
    # !Ref 0123 names a parameter called "0123"; !Select's index is a YAML value.
    data = parse_template_text("a: !Ref 0123\nb: !Select [01, [x, y]]\n", "t.yaml")
    assert data["a"] == {"Ref": "0123"}
    assert isinstance(data["b"]["Fn::Select"][0], Unquoted)


# -- the one document reader -----------------------------------------------------------

TRUST = """Parameters:
  Trusted: {Type: String}
Mappings:
  Accounts:
    prod: {Id: 012345670123}
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal: {AWS: PRINCIPAL}
            Action: sts:AssumeRole
"""


def _trust_read(principal: str) -> Any:
    template = parse_template_text(TRUST.replace("PRINCIPAL", principal), "t.yaml")
    stack = StackTemplate.from_template(template, name="T", account="111111111111")
    raw = template["Resources"]["R"]["Properties"]["AssumeRolePolicyDocument"]
    return read_policy_document(raw, stack.resolver, kind="trust")


def test_an_octal_looking_account_is_malformed_and_named_as_written() -> None:
    read = _trust_read("012345670123")
    assert read.status == "malformed"
    assert read.problems == (
        "statement 0: Principal.AWS holds 012345670123 unquoted (line 14): YAML 1.1, as "
        "CloudFormation reads it, makes it the octal number 1402433619; quote it "
        "('012345670123') to keep the text",
    )
    # The evaluator sees an unknown, never the account 012345670123 nor 1402433619.
    principal = read.for_evaluation()["Statement"][0]["Principal"]["AWS"]  # type: ignore[index]
    assert isinstance(principal, Unquoted)


def test_quoted_the_account_is_read() -> None:
    read = _trust_read("'012345670123'")
    assert read.status == "read"
    assert read.document["Statement"][0]["Principal"] == {"AWS": "012345670123"}  # type: ignore[index]


@pytest.mark.parametrize(
    "principal",
    [
        "!FindInMap [Accounts, prod, Id]",
        '!Sub ["arn:aws:iam::${Id}:root", {Id: !FindInMap [Accounts, prod, Id]}]',
        '!Join [":", ["arn:aws:iam:", !FindInMap [Accounts, prod, Id], "root"]]',
    ],
)
def test_a_misread_value_reached_through_a_mapping_is_reported_where_written(
    principal: str,
) -> None:
    read = _trust_read(principal)
    assert read.status == "malformed"
    (problem,) = read.problems
    assert problem.startswith("statement 0: Principal.AWS holds 012345670123 unquoted (line 5)")


def test_a_misread_value_in_json_text_built_with_join_is_reported() -> None:
    template = parse_template_text(TRUST.replace("PRINCIPAL", "x"), "t.yaml")
    raw = {
        "Fn::Join": [
            "",
            [
                '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::',
                {"Fn::FindInMap": ["Accounts", "prod", "Id"]},
                ':root"}, "Action": "sts:AssumeRole"}]}',
            ],
        ]
    }
    stack = StackTemplate.from_template(template, name="T")
    read = read_policy_document(raw, stack.resolver, kind="trust")
    assert read.status == "malformed"
    assert read.problems[0].startswith("statement 0: Principal.AWS holds 012345670123 unquoted")


def test_every_misread_value_of_a_document_is_named() -> None:
    document = parse_template_text(
        "Version: 2012-10-17\n"
        "Statement:\n"
        "  Effect: Deny\n"
        "  Action: '*'\n"
        "  Resource: '*'\n"
        "  Condition:\n"
        "    Bool: {aws:SecureTransport: off}\n"
        "    StringEquals: {aws:SourceAccount: [111111111111, 0x1F, y]}\n",
        "t.yaml",
    )
    read = read_policy_document(
        document, StackTemplate.from_template({"Resources": {}}, name="T").resolver, kind="identity"
    )
    assert read.status == "malformed"
    assert [p.split(" unquoted")[0] for p in read.problems] == [
        "statement 0: Condition.Bool.aws:SecureTransport holds off",
        "statement 0: Condition.StringEquals.aws:SourceAccount[1] holds 0x1F",
    ]


def test_a_json_text_document_with_a_key_twice_is_malformed() -> None:
    text = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", '
        '"Action": "sts:AssumeRole"}], "Statement": []}'
    )
    read = read_policy_document(
        text, StackTemplate.from_template({"Resources": {}}, name="T").resolver, kind="trust"
    )
    assert read.status == "malformed"
    assert read.problems == ("the JSON text holds the key 'Statement' twice in one object",)
    # A plain JSON reader keeps the last, empty, list: the open statement would vanish.
    assert json.loads(text)["Statement"] == []


def test_module_examples() -> None:
    for module in (cfn_yaml, cfn_files):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0
        assert result.failed == 0


KEYED = """Mappings:
  Deployers:
    KEY: {Role: arn:aws:iam::111111111111:role/deployer}
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal: {AWS: !FindInMap [Deployers, !Ref AWS::AccountId, Role]}
            Action: sts:AssumeRole
"""


def _keyed_read(key: str) -> Any:
    template = parse_template_text(KEYED.replace("KEY", key), "t.yaml")
    stack = StackTemplate.from_template(template, name="T", account="012345670123")
    raw = template["Resources"]["R"]["Properties"]["AssumeRolePolicyDocument"]
    return read_policy_document(raw, stack.resolver, kind="trust")


def test_a_mapping_key_yaml_misreads_is_never_found_by_find_in_map() -> None:
    # CloudFormation stores the key as the number 1402433619: the lookup for account
    # 012345670123 would fail, so the reader does not pick the author's meaning either.
    read = _keyed_read("012345670123")
    assert read.status == "malformed"
    assert read.problems == (
        "statement 0: Principal.AWS holds the mapping key 012345670123 unquoted (line 3): "
        "YAML 1.1, as CloudFormation reads it, makes it the octal number 1402433619; quote "
        "it ('012345670123') to keep the text",
    )


def test_a_quoted_mapping_key_is_found() -> None:
    read = _keyed_read("'012345670123'")
    assert read.status == "read"
    principal = read.document["Statement"][0]["Principal"]  # type: ignore[index]
    assert principal == {"AWS": "arn:aws:iam::111111111111:role/deployer"}


def test_a_mapping_with_a_misread_key_is_still_a_mapping_of_its_text() -> None:
    template = parse_template_text(KEYED.replace("KEY", "012345670123"), "t.yaml")
    deployers = template["Mappings"]["Deployers"]
    assert deployers == {"012345670123": {"Role": "arn:aws:iam::111111111111:role/deployer"}}
    assert json.loads(json.dumps(template)) == template
    twin = copy.deepcopy(deployers)
    assert twin.unquoted_keys["012345670123"].text == "012345670123"
