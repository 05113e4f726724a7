"""The template and cloud-assembly reader, and intrinsic resolution."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdk_iam_roles.cfn import (
    Resolver,
    ResourceRef,
    StackTemplate,
    Unknown,
    is_unresolved,
    load_stacks,
    load_template,
    partition_of_region,
)
from cdk_iam_roles.errors import InputError

RESOURCES = {"Role": {"Type": "AWS::IAM::Role", "Properties": {}}}


def resolver(**kwargs: object) -> Resolver:
    return Resolver(resources=RESOURCES, **kwargs)  # type: ignore[arg-type]


class TestResolver:
    def test_pseudo_parameters_with_a_known_environment(self) -> None:
        r = resolver(account="111111111111", region="cn-north-1")
        assert r.resolve({"Ref": "AWS::AccountId"}) == "111111111111"
        assert r.resolve({"Ref": "AWS::Partition"}) == "aws-cn"
        assert r.resolve({"Ref": "AWS::URLSuffix"}) == "amazonaws.com.cn"

    def test_unknown_environment_stays_unknown(self) -> None:
        assert resolver().resolve({"Ref": "AWS::AccountId"}) == Unknown("AWS::AccountId")

    def test_join_and_sub(self) -> None:
        r = resolver(account="111111111111", region="us-east-1")
        joined = {
            "Fn::Join": [
                "",
                ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"],
            ]
        }
        assert r.resolve(joined) == "arn:aws:iam::111111111111:root"
        assert r.resolve({"Fn::Sub": "arn:${AWS::Partition}:s3:::b-${AWS::Region}"}) == (
            "arn:aws:s3:::b-us-east-1"
        )
        assert r.resolve({"Fn::Sub": ["${A}-x", {"A": "v"}]}) == "v-x"
        assert r.resolve({"Fn::Sub": "literal ${!Keep}"}) == "literal ${Keep}"

    def test_references_to_resources_are_kept_as_refs(self) -> None:
        r = resolver()
        assert r.resolve({"Fn::GetAtt": ["Role", "Arn"]}) == ResourceRef("Role", "Arn")
        assert r.resolve({"Fn::GetAtt": "Role.Arn"}) == ResourceRef("Role", "Arn")
        assert r.resolve({"Ref": "Role"}) == ResourceRef("Role")

    def test_a_join_over_an_unknown_is_unknown_never_a_partial_string(self) -> None:
        value = resolver().resolve({"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}]]})
        assert isinstance(value, Unknown)
        assert "AWS::Partition" in value.reason

    def test_parameters_are_unknown_unless_given(self) -> None:
        r = Resolver(resources={}, template_parameters={"P": {"Type": "String", "Default": "d"}})
        assert isinstance(r.resolve({"Ref": "P"}), Unknown)
        r2 = Resolver(
            resources={},
            template_parameters={"P": {"Type": "String", "Default": "d"}},
            use_parameter_defaults=True,
        )
        assert r2.resolve({"Ref": "P"}) == "d"

    def test_select_split_and_unsupported(self) -> None:
        r = resolver()
        assert r.resolve({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}) == "b"
        assert isinstance(r.resolve({"Fn::If": ["C", "a", "b"]}), Unknown)
        assert isinstance(r.resolve({"Fn::ImportValue": "x"}), Unknown)

    def test_is_unresolved(self) -> None:
        assert is_unresolved({"a": [1, Unknown("x")]})
        assert is_unresolved([ResourceRef("R")])
        assert not is_unresolved({"a": ["b"]})


def test_partitions() -> None:
    assert partition_of_region("us-gov-west-1") == "aws-us-gov"
    assert partition_of_region("eu-west-1") == "aws"
    assert partition_of_region(None) is None


class TestLoading:
    def test_yaml_with_short_form_tags(self, tmp_path: Path) -> None:
        file = tmp_path / "t.yaml"
        file.write_text(
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n"
            "      RoleName: !Sub '${AWS::StackName}-r'\n      Path: !GetAtt X.Path\n"
        )
        props = load_template(file).template["Resources"]["R"]["Properties"]
        assert props == {
            "RoleName": {"Fn::Sub": "${AWS::StackName}-r"},
            "Path": {"Fn::GetAtt": ["X", "Path"]},
        }

    @pytest.mark.parametrize(
        ("content", "reason"),
        [
            ("{not json: [", "neither JSON nor YAML"),
            ("[1, 2]", "top level is not a mapping"),
            ('{"AWSTemplateFormatVersion": "2010-09-09"}', "no Resources mapping"),
        ],
    )
    def test_unusable_templates(self, tmp_path: Path, content: str, reason: str) -> None:
        file = tmp_path / "t.json"
        file.write_text(content)
        with pytest.raises(InputError, match=reason):
            load_template(file)

    def test_missing_paths(self, tmp_path: Path) -> None:
        with pytest.raises(InputError, match="no such file"):
            load_stacks(tmp_path / "nope.json")
        with pytest.raises(InputError, match=r"no manifest\.json"):
            load_stacks(tmp_path)

    def test_assembly_with_a_nested_stage(self, tmp_path: Path) -> None:
        tpl = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {}}}}
        (tmp_path / "Top.template.json").write_text(json.dumps(tpl))
        stage = tmp_path / "assembly-Prod"
        stage.mkdir()
        (stage / "ProdApi.template.json").write_text(json.dumps(tpl))
        (stage / "manifest.json").write_text(
            json.dumps(
                {
                    "artifacts": {
                        "ProdApi": {
                            "type": "aws:cloudformation:stack",
                            "environment": "aws://222222222222/eu-west-1",
                            "displayName": "Prod/Api",
                            "properties": {"templateFile": "ProdApi.template.json"},
                            "metadata": {
                                "/Prod/Api/R/Resource": [{"type": "aws:cdk:logicalId", "data": "R"}]
                            },
                        }
                    }
                }
            )
        )
        (tmp_path / "manifest.json").write_text(
            json.dumps(
                {
                    "artifacts": {
                        "Top": {
                            "type": "aws:cloudformation:stack",
                            "environment": "aws://unknown-account/unknown-region",
                            "properties": {"templateFile": "Top.template.json"},
                        },
                        "assembly-Prod": {
                            "type": "cdk:cloud-assembly",
                            "displayName": "Prod",
                            "properties": {"directoryName": "assembly-Prod"},
                        },
                    }
                }
            )
        )
        stacks = load_stacks(tmp_path)
        assert [(s.name, s.account, s.region) for s in stacks] == [
            ("Top", None, None),
            ("Prod/Api", "222222222222", "eu-west-1"),
        ]
        assert stacks[1].path_of("R") == "Prod/Api/R/Resource"
        assert stacks[0].path_of("R") == "Top/R"


def test_stack_template_paths_from_metadata() -> None:
    tpl = {"Resources": {"R": {"Type": "X", "Metadata": {"aws:cdk:path": "S/R/Resource"}}}}
    assert StackTemplate.from_template(tpl).path_of("R") == "S/R/Resource"


def test_nested_stacks_of_a_synthesized_app_are_found(tmp_path: Path) -> None:
    # app.synth() (unlike the CLI) writes no aws:asset:path metadata: the reader finds
    # the nested template through the asset hash of TemplateURL.
    import aws_cdk as cdk
    from aws_cdk import aws_iam as iam

    app = cdk.App(outdir=str(tmp_path))
    parent = cdk.Stack(
        app, "Parent", env=cdk.Environment(account="111111111111", region="us-east-1")
    )
    inner = cdk.NestedStack(parent, "Inner")
    iam.Role(inner, "Worker", assumed_by=iam.AccountRootPrincipal())
    app.synth()
    stacks = {s.name: s for s in load_stacks(tmp_path)}
    assert set(stacks) == {"Parent", "Parent/Inner"}
    child = stacks["Parent/Inner"]
    (role_id,) = [lid for lid, _ in child.resources_of_type("AWS::IAM::Role")]
    assert child.path_of(role_id) == "Parent/Inner/Worker/Resource"
    assert (child.account, child.region) == ("111111111111", "us-east-1")
