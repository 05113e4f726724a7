"""The StackSet reader: member templates in every form, where they are deployed, and the
commands (check, catalog, explain) reporting member roles once. Pure Python: no CDK."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from cdk_iam_roles.catalog import build_catalog
from cdk_iam_roles.catalog.render import render
from cdk_iam_roles.cfn import StackTemplate, load_stacks
from cdk_iam_roles.cli import main
from cdk_iam_roles.rules.engine import check_stack
from cdk_iam_roles.stacksets import Deployment, Target, deployment_of, member_stacks, read_member

OU = "ou-ab12-34cd5678"
MANAGEMENT = "111111111111"


def _role(principal: Any, **props: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
                ],
            },
            **props,
        },
    }


AUDIT = {
    "Resources": {
        "Audit": _role({"AWS": "arn:aws:iam::222222222222:role/auditor"}, RoleName="audit")
    }
}
OPEN = {"Resources": {"Open": _role("*", RoleName="open")}}


def _stack_set(template: Any = None, **props: Any) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "PermissionModel": "SERVICE_MANAGED",
        "StackSetName": "audit",
        "AutoDeployment": {"Enabled": True},
        "Capabilities": ["CAPABILITY_NAMED_IAM"],
        "StackInstancesGroup": [
            {"DeploymentTargets": {"OrganizationalUnitIds": [OU]}, "Regions": ["eu-west-1"]}
        ],
    }
    if template is not None:
        properties["TemplateBody"] = template if isinstance(template, str) else json.dumps(template)
    properties.update(props)
    return {"Type": "AWS::CloudFormation::StackSet", "Properties": properties}


def _parent(*stack_sets: dict[str, Any], **env: Any) -> StackTemplate:
    resources = {f"Set{i}": s for i, s in enumerate(stack_sets)}
    return StackTemplate.from_template({"Resources": resources}, name="Org", **env)


class TestReadMember:
    def test_json_body(self) -> None:
        (member,) = member_stacks(_parent(_stack_set(AUDIT), account=MANAGEMENT))
        assert member.name == "Org/Set0"
        assert member.account is None  # never the management account
        assert member.region == "eu-west-1"
        assert list(member.resources) == ["Audit"]
        assert member.deployment == f"every account in {OU}, eu-west-1, auto-deploy"

    def test_yaml_body_with_short_form_tags(self) -> None:
        body = (
            "Resources:\n"
            "  Audit:\n"
            "    Type: AWS::IAM::Role\n"
            "    Properties:\n"
            "      RoleName: !Sub 'audit-${AWS::Region}'\n"
            "      AssumeRolePolicyDocument:\n"
            "        Version: '2012-10-17'\n"
            "        Statement:\n"
            "          - Effect: Allow\n"
            "            Action: sts:AssumeRole\n"
            "            Principal:\n"
            "              AWS: !Sub 'arn:${AWS::Partition}:iam::222222222222:root'\n"
        )
        (member,) = member_stacks(_parent(_stack_set(body)))
        props = member.resources["Audit"]["Properties"]
        assert props["RoleName"] == {"Fn::Sub": "audit-${AWS::Region}"}

    def test_body_built_with_fn_sub_is_resolved_in_the_stack_set_stack(self) -> None:
        # CloudFormation evaluates the parent's intrinsics before the StackSet sees the text.
        text = json.dumps(AUDIT).replace("222222222222", "${Auditor}")
        body = {"Fn::Sub": [text, {"Auditor": "333333333333"}]}
        (member,) = member_stacks(_parent(_stack_set(TemplateBody=body)))
        principal = member.resources["Audit"]["Properties"]["AssumeRolePolicyDocument"]
        assert "333333333333" in json.dumps(principal)

    def test_a_parameter_body_is_not_read_and_is_an_error(self) -> None:
        parent = StackTemplate.from_template(
            {
                "Parameters": {"Body": {"Type": "String"}},
                "Resources": {"Set": _stack_set(TemplateBody={"Ref": "Body"})},
            },
            name="Org",
        )
        assert member_stacks(parent) == []
        reason = read_member(parent, "Set")
        assert isinstance(reason, str)
        assert "not known before deployment" in reason
        (finding,) = [f for f in check_stack(parent) if f.rule_id == "IAMR-SET-009"]
        assert finding.severity == "error"
        assert "were not checked" in finding.message

    @pytest.mark.parametrize(
        "body",
        ["{not json: [", "just text", json.dumps({"Resources": 42}), "[1, 2]"],
        ids=["broken", "text", "no-resources", "a-list"],
    )
    def test_a_body_that_is_not_a_template_is_an_error(self, body: str) -> None:
        parent = _parent(_stack_set(body))
        assert member_stacks(parent) == []
        assert [f.rule_id for f in check_stack(parent)] == ["IAMR-SET-009"]

    def test_a_pre_processor_tag_as_body_says_so(self) -> None:
        # ``TemplateBody: !Rain::Embed member.yaml``, as a loader that keeps unknown tags
        # reads it (and as rule IAMR-DOC-008 names such a tag).
        parent = _parent(_stack_set(TemplateBody={"Fn::Rain::Embed": "member.yaml"}))
        assert member_stacks(parent) == []
        reason = read_member(parent, "Set0")
        assert reason == (
            "TemplateBody is the pre-processor tag !Rain::Embed: the template it stands for "
            "is not in this file (read the template the pre-processor writes)"
        )
        (finding,) = check_stack(parent)
        assert "!Rain::Embed" in finding.message

    def test_a_mapping_without_resources_is_named_once(self) -> None:
        reason = read_member(_parent(_stack_set(TemplateBody={"Description": "x"})), "Set0")
        assert (
            reason == "the member template is not a CloudFormation template (no Resources mapping)"
        )

    def test_a_url_outside_the_assembly_is_an_error(self) -> None:
        url = "https://s3.amazonaws.com/acme-templates/audit.yaml"
        parent = _parent(_stack_set(TemplateURL=url))
        assert member_stacks(parent) == []
        (finding,) = check_stack(parent)
        assert finding.rule_id == "IAMR-SET-009"
        assert "audit.yaml" in finding.message

    def test_no_template_at_all_is_an_error(self) -> None:
        assert [f.rule_id for f in check_stack(_parent(_stack_set()))] == ["IAMR-SET-009"]

    def test_roles_of_the_member_are_checked_like_any_other(self) -> None:
        (member,) = member_stacks(_parent(_stack_set(OPEN)))
        assert "IAMR-TRUST-001" in [f.rule_id for f in check_stack(member)]

    def test_every_stack_set_of_a_stack_is_read(self) -> None:
        members = member_stacks(_parent(_stack_set(AUDIT), _stack_set(OPEN)))
        assert [m.name for m in members] == ["Org/Set0", "Org/Set1"]


def _assembly(tmp_path: Path, member: dict[str, Any], *, asset_path: str | None = None) -> Path:
    """A cloud assembly whose stack's StackSet points at a file asset, as CDK writes it."""
    asset_hash = "a" * 64
    name = asset_path or f"{asset_hash}.json"
    if asset_path is None:
        (tmp_path / name).write_text(json.dumps(member), encoding="utf-8")
    url = {
        "Fn::Join": [
            "",
            [
                "https://s3.",
                {"Ref": "AWS::Region"},
                ".",
                {"Ref": "AWS::URLSuffix"},
                "/",
                {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"},
                f"/{asset_hash}.json",
            ],
        ]
    }
    stack = {"Resources": {"Set": _stack_set(TemplateURL=url)}}
    (tmp_path / "Org.template.json").write_text(json.dumps(stack), encoding="utf-8")
    assets = {"version": "48.0.0", "files": {asset_hash: {"source": {"path": name}}}}
    (tmp_path / "Org.assets.json").write_text(json.dumps(assets), encoding="utf-8")
    manifest = {
        "version": "48.0.0",
        "artifacts": {
            "Org": {
                "type": "aws:cloudformation:stack",
                "environment": f"aws://{MANAGEMENT}/eu-west-1",
                "properties": {"templateFile": "Org.template.json"},
            }
        },
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return tmp_path


class TestAssembly:
    def test_a_template_url_to_a_file_asset_is_followed(self, tmp_path: Path) -> None:
        stacks = load_stacks(_assembly(tmp_path, AUDIT))
        assert [(s.name, s.account) for s in stacks] == [("Org", MANAGEMENT), ("Org/Set", None)]
        assert "Audit" in stacks[1].resources

    def test_an_asset_outside_the_assembly_is_refused(self, tmp_path: Path) -> None:
        inside = tmp_path / "cdk.out"
        inside.mkdir()
        (tmp_path / "evil.json").write_text(json.dumps(OPEN), encoding="utf-8")
        stacks = load_stacks(_assembly(inside, AUDIT, asset_path="../evil.json"))
        assert [s.name for s in stacks] == ["Org"]
        (finding,) = check_stack(stacks[0])
        assert finding.rule_id == "IAMR-SET-009"
        assert "outside the cloud assembly folder" in finding.message

    def test_a_template_file_with_a_stack_set_is_read_too(self, tmp_path: Path) -> None:
        path = tmp_path / "org.json"
        path.write_text(json.dumps({"Resources": {"Set": _stack_set(OPEN)}}), encoding="utf-8")
        assert [s.name for s in load_stacks(path)] == ["org", "org/Set"]


class TestDeployment:
    def _describe(self, **props: Any) -> str:
        return deployment_of(_parent(_stack_set(AUDIT, **props)), "Set0").describe()

    def test_region_of_the_stack_set_stack_is_resolved_when_known(self) -> None:
        group = [
            {
                "DeploymentTargets": {"OrganizationalUnitIds": [OU]},
                "Regions": [{"Ref": "AWS::Region"}],
            }
        ]
        known = _parent(_stack_set(AUDIT, StackInstancesGroup=group), region="eu-central-1")
        assert deployment_of(known, "Set0").describe().endswith("eu-central-1, auto-deploy")
        (member,) = member_stacks(known)
        assert member.region == "eu-central-1"
        unknown = _parent(_stack_set(AUDIT, StackInstancesGroup=group))
        assert "the region of stack Org" in deployment_of(unknown, "Set0").describe()
        assert member_stacks(unknown)[0].region is None

    @pytest.mark.parametrize(
        ("targets", "expected"),
        [
            (
                {"OrganizationalUnitIds": ["r-ab12"]},
                "every account in the organization root r-ab12",
            ),
            (
                {
                    "OrganizationalUnitIds": [OU],
                    "Accounts": ["333333333333"],
                    "AccountFilterType": "DIFFERENCE",
                },
                f"every account in {OU} except 333333333333",
            ),
            (
                {
                    "OrganizationalUnitIds": [OU],
                    "Accounts": ["333333333333"],
                    "AccountFilterType": "INTERSECTION",
                },
                f"accounts 333333333333 (of {OU})",
            ),
            (
                {
                    "OrganizationalUnitIds": [OU],
                    "Accounts": ["333333333333"],
                    "AccountFilterType": "UNION",
                },
                f"every account in {OU} and accounts 333333333333",
            ),
            ({"Accounts": ["333333333333", "444444444444"]}, "accounts 333333333333, 444444444444"),
        ],
        ids=["root", "difference", "intersection", "union", "accounts"],
    )
    def test_targets_in_words(self, targets: dict[str, Any], expected: str) -> None:
        group = [{"DeploymentTargets": targets, "Regions": ["eu-west-1", "us-east-1"]}]
        assert (
            self._describe(StackInstancesGroup=group)
            == f"{expected}, eu-west-1, us-east-1, auto-deploy"
        )

    def test_auto_deploy_off_and_several_groups(self) -> None:
        groups = [
            {"DeploymentTargets": {"OrganizationalUnitIds": [OU]}, "Regions": ["eu-west-1"]},
            {
                "DeploymentTargets": {"OrganizationalUnitIds": ["ou-ab12-99999999"]},
                "Regions": ["us-east-1"],
            },
        ]
        text = self._describe(StackInstancesGroup=groups, AutoDeployment={"Enabled": False})
        assert text == (
            f"every account in {OU}, eu-west-1; every account in ou-ab12-99999999, us-east-1, "
            "no auto-deploy"
        )

    def test_dataclasses_describe_themselves(self) -> None:
        deployment = Deployment("Org/Set", "SELF_MANAGED", (Target(accounts=("1",)),), None)
        assert deployment.describe() == "accounts 1, no regions named in the template"


class TestCommands:
    def test_check_reports_member_roles_once_with_where_they_go(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        groups = [
            {
                "DeploymentTargets": {"OrganizationalUnitIds": [OU, "ou-ab12-99999999"]},
                "Regions": ["eu-west-1", "us-east-1"],
            }
        ]
        path = tmp_path / "org.json"
        path.write_text(
            json.dumps({"Resources": {"Set": _stack_set(OPEN, StackInstancesGroup=groups)}}),
            encoding="utf-8",
        )
        code = main(["check", str(path), "--format", "json"])
        data = json.loads(capsys.readouterr().out)
        assert code == 1
        assert [f["path"] for f in data["findings"] if f["rule_id"] == "IAMR-TRUST-001"] == [
            "org/Set/Open"
        ]
        assert data["summary"]["roles"] == 1  # two OUs, two regions: still one role
        assert data["stack_sets"] == [
            {
                "stack": "org/Set",
                "deployment": (
                    f"every account in {OU}, ou-ab12-99999999, eu-west-1, us-east-1, auto-deploy"
                ),
            }
        ]
        main(["check", str(path)])
        assert "StackSet member template org/Set: checked once, deployed to every account" in (
            capsys.readouterr().out
        )

    def test_check_fails_on_an_unreadable_member(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "org.json"
        url = "https://s3.amazonaws.com/acme/audit.json"
        path.write_text(
            json.dumps({"Resources": {"Set": _stack_set(TemplateURL=url)}}), encoding="utf-8"
        )
        assert main(["check", str(path)]) == 1
        assert "IAMR-SET-009" in capsys.readouterr().out

    def test_catalog_shows_the_deployment_instead_of_an_account(self) -> None:
        stacks = [_parent(_stack_set(AUDIT), account=MANAGEMENT, region="eu-west-1")]
        stacks += member_stacks(stacks[0])
        catalog = build_catalog(stacks)
        where = (
            f"StackSet member template, deployed to every account in {OU}, eu-west-1, auto-deploy"
        )
        assert where in render(catalog, "md")
        assert where in render(catalog, "html")
        data = json.loads(render(catalog, "json"))
        assert [(s["name"], s["account"], s["deployment"]) for s in data["stacks"]] == [
            ("Org", MANAGEMENT, None),
            ("Org/Set0", None, f"every account in {OU}, eu-west-1, auto-deploy"),
        ]
        (role,) = catalog.roles
        assert role.arn is None  # the account is every member account: no single ARN

    def test_explain_says_where_the_role_is_deployed(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "org.json"
        path.write_text(json.dumps({"Resources": {"Set": _stack_set(AUDIT)}}), encoding="utf-8")
        argv = [
            "explain",
            str(path),
            "--role",
            "audit",
            "--principal",
            "arn:aws:iam::222222222222:role/auditor",
        ]
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert "{unknown-account}" in out
        assert f"Deployed by a StackSet to every account in {OU}, eu-west-1, auto-deploy" in out
        assert main([*argv, "--format", "json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["deployment"] == f"every account in {OU}, eu-west-1, auto-deploy"


class TestNesting:
    def test_a_stack_set_inside_a_member_template_is_read_too(self) -> None:
        inner = {"Resources": {"Inner": _stack_set(OPEN)}}
        members = member_stacks(_parent(_stack_set(inner)))
        assert [m.name for m in members] == ["Org/Set0", "Org/Set0/Inner"]
        assert "IAMR-TRUST-001" in [f.rule_id for f in check_stack(members[1])]

    def test_a_template_url_cycle_is_read_once(self, tmp_path: Path) -> None:
        asset_hash = "a" * 64
        looping = {"Resources": {"Again": _stack_set(TemplateURL=f"https://x/{asset_hash}.json")}}
        looping["Resources"]["Audit"] = AUDIT["Resources"]["Audit"]
        root = _assembly(tmp_path, looping)
        stacks = load_stacks(root)
        assert [s.name for s in stacks] == ["Org", "Org/Set"]

    def test_stack_sets_of_nested_stacks_are_read(self, tmp_path: Path) -> None:
        nested = {"Resources": {"Set": _stack_set(OPEN)}}
        (tmp_path / "Inner.nested.template.json").write_text(json.dumps(nested), encoding="utf-8")
        parent = {
            "Resources": {
                "Inner": {
                    "Type": "AWS::CloudFormation::Stack",
                    "Metadata": {"aws:asset:path": "Inner.nested.template.json"},
                    "Properties": {"TemplateURL": "https://x/y.json"},
                }
            }
        }
        (tmp_path / "Org.template.json").write_text(json.dumps(parent), encoding="utf-8")
        manifest = {
            "version": "48.0.0",
            "artifacts": {
                "Org": {
                    "type": "aws:cloudformation:stack",
                    "properties": {"templateFile": "Org.template.json"},
                }
            },
        }
        (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        names = [s.name for s in load_stacks(tmp_path)]
        assert names == ["Org", "Org/Inner", "Org/Inner/Set"]


class TestMemberFile:
    def _parent_file(self, tmp_path: Path, name: str) -> StackTemplate:
        stack_set = _stack_set(AUDIT)
        stack_set["Metadata"] = {"cdk-iam-roles:member-template-file": name}
        path = tmp_path / "Org.template.json"
        path.write_text(json.dumps({"Resources": {"Set": stack_set}}), encoding="utf-8")
        return load_stacks(path)[0]

    def test_findings_point_at_the_member_file_beside_the_template(self, tmp_path: Path) -> None:
        (tmp_path / "OrgSetMember.template.json").write_text(json.dumps(AUDIT), encoding="utf-8")
        (member,) = member_stacks(self._parent_file(tmp_path, "OrgSetMember.template.json"))
        assert member.source == str(tmp_path / "OrgSetMember.template.json")

    @pytest.mark.parametrize("name", ["../Org.template.json", "missing.json", "/etc/passwd"])
    def test_other_names_are_ignored(self, tmp_path: Path, name: str) -> None:
        parent = self._parent_file(tmp_path, name)
        (member,) = member_stacks(parent)
        assert member.source == parent.source


def test_profiles_skips_member_roles_and_says_why() -> None:
    from cdk_iam_roles.catalog import render_profiles

    stacks = [_parent(_stack_set(AUDIT), account=MANAGEMENT, region="eu-west-1")]
    stacks += member_stacks(stacks[0])
    text = render_profiles(build_catalog(stacks))
    assert "role_arn" not in text
    assert f"a StackSet deploys it to every account in {OU}, eu-west-1, auto-deploy" in text


def test_a_hostile_logical_id_never_names_a_file(tmp_path: Path) -> None:
    hostile = "../../" + "x" * 8
    parent = StackTemplate.from_template({"Resources": {hostile: _stack_set(AUDIT)}}, name="Org")
    (member,) = member_stacks(parent)
    assert "Audit" in member.resources
    assert not (Path(tempfile.gettempdir()).parent / ("x" * 8 + ".template")).exists()
