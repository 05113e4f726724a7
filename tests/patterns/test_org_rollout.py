"""OrgRoleRollout: the StackSet it synthesizes, its member template, and what it refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam

from cdk_iam_roles import CrossAccountRole, OrgRoleRollout, RoleConfigError, ServiceRole
from cdk_iam_roles.cfn import StackTemplate, load_stacks
from cdk_iam_roles.org.rollout import TEMPLATE_BODY_MAX_BYTES
from cdk_iam_roles.rules.engine import check_stack
from cdk_iam_roles.stacksets import member_stacks
from helpers import ACCOUNT, REGION, lint_errors, new_stack, resources_of_type, synth

OU = "ou-ab12-34cd5678"
AUDITOR = "arn:aws:iam::222222222222:role/auditor"


def audit_roles(scope: Any) -> None:
    """An audit role for a central account, and a service role with confused-deputy pins."""
    role = CrossAccountRole(scope, "Audit", role_name="audit", trusted_principals=[AUDITOR])
    role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("SecurityAudit"))
    ServiceRole(scope, "Flow", service="states.amazonaws.com")


def stack_set(template: dict[str, Any]) -> dict[str, Any]:
    (resource,) = resources_of_type(template, "AWS::CloudFormation::StackSet").values()
    props: dict[str, Any] = resource["Properties"]
    return props


def member_of(template: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(stack_set(template)["TemplateBody"])
    return body


class TestStackSet:
    def test_secure_defaults(self) -> None:
        stack = new_stack()
        OrgRoleRollout(stack, "Audit", organizational_units=[OU], build=audit_roles)
        props = stack_set(synth(stack))
        assert props["PermissionModel"] == "SERVICE_MANAGED"
        assert props["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
        assert props["Capabilities"] == ["CAPABILITY_NAMED_IAM"]
        assert props["CallAs"] == "SELF"
        assert props["OperationPreferences"] == {
            "FailureTolerancePercentage": 0,
            "MaxConcurrentPercentage": 25,
        }
        # IAM is global: one region, the stack's own.
        assert props["StackInstancesGroup"] == [
            {"DeploymentTargets": {"OrganizationalUnitIds": [OU]}, "Regions": [REGION]}
        ]
        assert props["StackSetName"] == "Test-Audit"

    def test_every_argument_reaches_the_template(self) -> None:
        stack = new_stack()
        OrgRoleRollout(
            stack,
            "Audit",
            organizational_units=[OU, "r-ab12"],
            regions=["eu-west-1"],
            exclude_accounts=["333333333333"],
            retain_stacks_on_account_removal=True,
            delegated_admin=True,
            max_concurrent_percentage=100,
            failure_tolerance_percentage=10,
            stack_set_name="audit-role",
            description="Audit role in every account",
            build=audit_roles,
        )
        props = stack_set(synth(stack))
        assert props["CallAs"] == "DELEGATED_ADMIN"
        assert props["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": True}
        assert props["OperationPreferences"] == {
            "FailureTolerancePercentage": 10,
            "MaxConcurrentPercentage": 100,
        }
        assert props["StackInstancesGroup"] == [
            {
                "DeploymentTargets": {
                    "OrganizationalUnitIds": [OU, "r-ab12"],
                    "Accounts": ["333333333333"],
                    "AccountFilterType": "DIFFERENCE",
                },
                "Regions": ["eu-west-1"],
            }
        ]
        assert props["StackSetName"] == "audit-role"
        assert props["Description"] == "Audit role in every account"

    def test_auto_deploy_off_leaves_out_retention(self) -> None:
        stack = new_stack()
        OrgRoleRollout(
            stack, "Audit", organizational_units=[OU], auto_deploy=False, build=audit_roles
        )
        assert stack_set(synth(stack))["AutoDeployment"] == {"Enabled": False}

    def test_environment_agnostic_stack_deploys_to_its_own_region(self) -> None:
        stack = new_stack(env=None)
        OrgRoleRollout(stack, "Audit", organizational_units=[OU], build=audit_roles)
        regions = stack_set(synth(stack))["StackInstancesGroup"][0]["Regions"]
        assert regions == [{"Ref": "AWS::Region"}]


class TestMemberTemplate:
    def test_member_account_and_partition_are_tokens_even_in_an_environment(self) -> None:
        stack = new_stack()  # account 111111111111: the management account
        rollout = OrgRoleRollout(stack, "Audit", organizational_units=[OU], build=audit_roles)
        member = member_of(synth(stack))
        flow = next(r for k, r in member["Resources"].items() if k.startswith("Flow"))
        condition = flow["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]
        assert condition["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
        assert ACCOUNT not in json.dumps(member)
        audit = next(r for k, r in member["Resources"].items() if k.startswith("Audit"))
        arns = audit["Properties"]["ManagedPolicyArns"]
        assert arns == [
            {
                "Fn::Join": [
                    "",
                    ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/SecurityAudit"],
                ]
            }
        ]
        assert rollout.role_names == ("audit",)

    def test_member_stack_ignores_the_environment_of_its_stage(self) -> None:
        app = cdk.App(analytics_reporting=False)
        stage = cdk.Stage(app, "Prod", env=cdk.Environment(account=ACCOUNT, region=REGION))
        stack = cdk.Stack(stage, "Org")
        rollout = OrgRoleRollout(stack, "Audit", organizational_units=[OU], build=audit_roles)
        assert cdk.Token.is_unresolved(rollout.member_stack.account)
        assert cdk.Token.is_unresolved(rollout.member_stack.region)

    def test_member_template_lints_and_passes_every_rule(self) -> None:
        stack = new_stack()
        OrgRoleRollout(stack, "Audit", organizational_units=[OU], build=audit_roles)
        member = member_of(synth(stack))
        assert "BootstrapVersion" not in member.get("Parameters", {})
        assert lint_errors(member) == []
        findings = check_stack(StackTemplate.from_template(member, name="Member"))
        assert findings == []

    def test_the_reader_finds_the_member_in_a_synthesized_assembly(self, tmp_path: Path) -> None:
        app = cdk.App(outdir=str(tmp_path), analytics_reporting=False)
        stack = cdk.Stack(app, "Org", env=cdk.Environment(account=ACCOUNT, region=REGION))
        OrgRoleRollout(stack, "Audit", organizational_units=[OU], build=audit_roles)
        app.synth()
        stacks = load_stacks(tmp_path)
        assert [s.name for s in stacks] == ["Org", "Org/Audit/StackSet"]
        member = stacks[1]
        assert member.account is None  # every member account, never 111111111111
        assert member.region == REGION
        assert member.deployment == f"every account in {OU}, {REGION}, auto-deploy"
        assert sorted(k[:4] for k, _ in member.resources_of_type("AWS::IAM::Role")) == [
            "Audi",
            "Flow",
        ]

    def test_file_assets_are_refused_with_a_clear_message(self, tmp_path: Path) -> None:
        from aws_cdk import aws_lambda as lambda_

        (tmp_path / "index.py").write_text("def handler(event, context): return None\n")
        stack = new_stack()

        def build(scope: Any) -> None:
            audit_roles(scope)
            lambda_.Function(
                scope,
                "Fn",
                runtime=lambda_.Runtime.PYTHON_3_12,
                handler="index.handler",
                code=lambda_.Code.from_asset(str(tmp_path)),
            )

        # CDK adds the asset while build() runs: the rollout refuses it there.
        with pytest.raises(Exception, match="cannot hold file assets"):
            OrgRoleRollout(stack, "Audit", organizational_units=[OU], build=build)

    def test_a_member_template_over_the_template_body_limit_is_refused(self) -> None:
        stack = new_stack()

        def build(scope: Any) -> None:
            for index in range(60):
                CrossAccountRole(
                    scope,
                    f"R{index}",
                    trusted_principals=[AUDITOR],
                    description="x" * 1000,
                )

        OrgRoleRollout(stack, "Audit", organizational_units=[OU], build=build)
        with pytest.raises(Exception, match=f"at most {TEMPLATE_BODY_MAX_BYTES:,}"):
            synth(stack, lint=False)


def _build_two(name_a: str, name_b: str) -> Any:
    def build(scope: Any) -> None:
        CrossAccountRole(scope, "A", role_name=name_a, trusted_principals=[AUDITOR])
        CrossAccountRole(scope, "B", role_name=name_b, trusted_principals=[AUDITOR])

    return build


class TestRefusals:
    @pytest.mark.parametrize(
        ("kwargs", "rule_id"),
        [
            ({"organizational_units": []}, "IAMR-SET-001"),
            ({"organizational_units": ["ou-ab12"]}, "IAMR-SET-002"),
            ({"organizational_units": ["OU-AB12-34CD5678"]}, "IAMR-SET-002"),
            ({"organizational_units": ["ou-ab1-34cd5678"]}, "IAMR-SET-002"),
            ({"organizational_units": ["ou-ab12-34cd567"]}, "IAMR-SET-002"),
            ({"organizational_units": "ou-ab12-34cd5678"}, "IAMR-SET-002"),
            ({"organizational_units": [OU + "\n"]}, "IAMR-ROLE-008"),
            ({"exclude_accounts": ["12345"]}, "IAMR-SET-003"),
            ({"exclude_accounts": [" 333333333333"]}, "IAMR-ROLE-008"),
            ({"max_concurrent_percentage": 0}, "IAMR-SET-004"),
            ({"max_concurrent_percentage": 101}, "IAMR-SET-004"),
            ({"max_concurrent_percentage": True}, "IAMR-SET-004"),
            ({"failure_tolerance_percentage": -1}, "IAMR-SET-004"),
            ({"failure_tolerance_percentage": 12.5}, "IAMR-SET-004"),
            (
                {"regions": ["eu-west-1", "us-east-1"], "build": _build_two("a", "b")},
                "IAMR-SET-005",
            ),
            ({"build": _build_two("audit", "audit")}, "IAMR-SET-005"),
            ({"regions": []}, "IAMR-SET-006"),
            ({"regions": ["Europe"]}, "IAMR-SET-006"),
            ({"regions": ["eu-west-1", "eu-west-1"]}, "IAMR-SET-006"),
            ({"build": lambda scope: None}, "IAMR-SET-007"),
            ({"build": "audit"}, "IAMR-SET-007"),
            ({"auto_deploy": "yes"}, "IAMR-SET-008"),
            ({"auto_deploy": False, "retain_stacks_on_account_removal": True}, "IAMR-SET-008"),
            ({"stack_set_name": "1-audit"}, "IAMR-SET-008"),
            ({"stack_set_name": "audit_role"}, "IAMR-SET-008"),
            ({"description": "x" * 1025}, "IAMR-SET-008"),
            ({"description": "audit\r\nrole"}, "IAMR-ROLE-008"),
        ],
    )
    def test_refusal(self, kwargs: dict[str, Any], rule_id: str) -> None:
        arguments: dict[str, Any] = {"organizational_units": [OU], "build": audit_roles, **kwargs}
        with pytest.raises(RoleConfigError) as info:
            OrgRoleRollout(new_stack(), "Audit", **arguments)
        assert rule_id in info.value.rule_ids
        assert str(info.value).startswith("Test/Audit: ")

    def test_all_problems_are_reported_together(self) -> None:
        with pytest.raises(RoleConfigError) as info:
            OrgRoleRollout(
                new_stack(),
                "Audit",
                organizational_units=["ou-bad"],
                exclude_accounts=["1"],
                max_concurrent_percentage=0,
                regions=["mars-1"],
                build=audit_roles,
            )
        assert info.value.rule_ids == (
            "IAMR-SET-002",
            "IAMR-SET-006",
            "IAMR-SET-003",
            "IAMR-SET-004",
        )

    def test_values_are_shown_escaped(self) -> None:
        with pytest.raises(RoleConfigError, match=r"'ou-ab12-34cd5678\\n'"):
            OrgRoleRollout(
                new_stack(), "Audit", organizational_units=[OU + "\n"], build=audit_roles
            )

    def test_tokens_are_not_judged(self) -> None:
        stack = new_stack()
        ou = cdk.CfnParameter(stack, "Ou").value_as_string
        OrgRoleRollout(stack, "Audit", organizational_units=[ou], build=audit_roles)
        targets = stack_set(synth(stack))["StackInstancesGroup"][0]["DeploymentTargets"]
        assert targets["OrganizationalUnitIds"] == [{"Ref": "Ou"}]

    def test_generated_and_token_names_never_collide(self) -> None:
        def build(scope: Any) -> None:
            CrossAccountRole(scope, "A", trusted_principals=[AUDITOR])
            CrossAccountRole(
                scope, "B", role_name=f"audit-{cdk.Aws.REGION}", trusted_principals=[AUDITOR]
            )

        stack = new_stack()
        OrgRoleRollout(
            stack,
            "Audit",
            organizational_units=[OU],
            regions=["eu-west-1", "us-east-1"],
            build=build,
        )
        synth(stack)

    def test_two_rollouts_to_one_ou_may_not_create_one_name(self) -> None:
        stack = new_stack()
        OrgRoleRollout(stack, "One", organizational_units=[OU], build=audit_roles)
        with pytest.raises(RoleConfigError, match="Test/One also creates") as info:
            OrgRoleRollout(stack, "Two", organizational_units=[OU], build=audit_roles)
        assert info.value.rule_ids == ("IAMR-SET-005",)

    def test_a_rollout_to_the_root_overlaps_every_ou(self) -> None:
        stack = new_stack()
        OrgRoleRollout(stack, "One", organizational_units=["r-ab12"], build=audit_roles)
        with pytest.raises(RoleConfigError, match="IAMR-SET-005"):
            OrgRoleRollout(stack, "Two", organizational_units=[OU], build=audit_roles)

    def test_rollouts_to_different_ous_may_share_a_name(self) -> None:
        stack = new_stack()
        OrgRoleRollout(stack, "One", organizational_units=[OU], build=audit_roles)
        OrgRoleRollout(stack, "Two", organizational_units=["ou-ab12-99999999"], build=audit_roles)
        assert len(resources_of_type(synth(stack), "AWS::CloudFormation::StackSet")) == 2

    def test_a_role_added_after_construction_is_checked_at_synth(self) -> None:
        stack = new_stack()
        rollout = OrgRoleRollout(stack, "Audit", organizational_units=[OU], build=audit_roles)
        CrossAccountRole(
            rollout.member_stack, "Again", role_name="audit", trusted_principals=[AUDITOR]
        )
        with pytest.raises(Exception, match="IAMR-SET-005"):
            synth(stack, lint=False)


def test_the_plugin_checks_member_roles_at_synth() -> None:
    from cdk_iam_roles import IamRolesPlugin

    stack = new_stack()
    cdk.Validations.of(stack.node.root).add_plugins(IamRolesPlugin())

    def build(scope: Any) -> None:
        iam.Role(scope, "Open", assumed_by=iam.AnyPrincipal())

    OrgRoleRollout(stack, "Open", organizational_units=[OU], build=build)
    with pytest.raises(Exception, match=r"ValidationFailed: ERROR \[IAMR-TRUST-001\]"):
        synth(stack, lint=False)


def test_member_stacks_of_the_synthesized_template() -> None:
    stack = new_stack()
    OrgRoleRollout(stack, "Audit", organizational_units=[OU], build=audit_roles)
    template = synth(stack)
    (member,) = member_stacks(StackTemplate.from_template(template, name="Test", region=REGION))
    assert member.name == "Test/AuditStackSet49B7C367"
    assert len(list(member.resources_of_type("AWS::IAM::Role"))) == 2


def test_snapshot_of_the_rollout(json_snapshot: Any) -> None:
    stack = new_stack()
    OrgRoleRollout(
        stack,
        "Audit",
        organizational_units=[OU],
        exclude_accounts=["333333333333"],
        build=audit_roles,
    )
    template = synth(stack)
    assert {"stack": template, "member": member_of(template)} == json_snapshot


def test_a_finding_on_a_member_role_can_be_acknowledged_on_the_role() -> None:
    from cdk_iam_roles import IamRolesPlugin
    from cdk_iam_roles.plugin import acknowledge

    stack = new_stack()
    cdk.Validations.of(stack.node.root).add_plugins(IamRolesPlugin())

    def build(scope: Any) -> None:
        role = iam.Role(scope, "Open", assumed_by=iam.AnyPrincipal())
        acknowledge(role, "IAMR-TRUST-001", "a test of acknowledgments in member templates")

    OrgRoleRollout(stack, "Open", organizational_units=[OU], build=build)
    synth(stack, lint=False)  # no ValidationFailed: the acknowledgment applied


def test_check_and_the_plugin_agree_on_an_acknowledged_member_role(tmp_path: Path) -> None:
    from cdk_iam_roles import IamRolesPlugin
    from cdk_iam_roles.cli import main
    from cdk_iam_roles.plugin import acknowledge

    app = cdk.App(outdir=str(tmp_path), analytics_reporting=False)
    cdk.Validations.of(app).add_plugins(IamRolesPlugin())
    stack = cdk.Stack(app, "Org", env=cdk.Environment(account=ACCOUNT, region=REGION))

    def build(scope: Any) -> None:
        role = iam.Role(scope, "Open", assumed_by=iam.AnyPrincipal())
        acknowledge(role, "IAMR-TRUST-001", "a test of acknowledgments in member templates")

    OrgRoleRollout(stack, "Open", organizational_units=[OU], build=build)
    app.synth()  # the plugin accepts the acknowledged finding
    (member,) = [s for s in load_stacks(tmp_path) if s.deployment]
    assert member.path_of(next(iter(member.resources))) == "Org/Open/Member/Open/Resource"
    assert main(["check", str(tmp_path)]) == 0  # and so does check
    assert main(["check", str(tmp_path), "--ignore-acknowledgments"]) == 1
