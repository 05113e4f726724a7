"""IamRolesPlugin in real CDK apps: it reports plain roles, honours acknowledgments,
passes our own patterns with zero findings, enforces an OrgStandard, and never raises."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam

from cdk_iam_roles import (
    CrossAccountRole,
    ElevatedUserRole,
    FederatedRole,
    GitHubActions,
    IamRolesPlugin,
    OrgStandard,
    ServiceLinkedRole,
    ServiceRole,
    WebIdentityRole,
)
from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.plugin import acknowledge, acknowledgment_id
from cdk_iam_roles.rules import Severity
from helpers import ENV

ACCOUNT = "111111111111"


def _app(outdir: Path) -> tuple[cdk.App, cdk.Stack]:
    app = cdk.App(
        outdir=str(outdir),
        analytics_reporting=False,
        context={"aws:cdk:disable-version-reporting": True},
    )
    stack = cdk.Stack(
        app,
        "Plugin",
        env=ENV,
        synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
    )
    return app, stack


def _report(outdir: Path) -> list[dict[str, Any]]:
    """Our violations in CDK's validation report (rule name and construct paths)."""
    data = json.loads((outdir / "validation-report.json").read_text())
    ours = [r for r in data["pluginReports"] if r["pluginName"] == "cdk-iam-roles"]
    assert len(ours) <= 1  # CDK leaves out a plugin without violations
    violations: list[dict[str, Any]] = ours[0]["violations"] if ours else []
    return violations


def _paths(violation: dict[str, Any]) -> set[str]:
    return {r["constructPath"] for r in violation["violatingConstructs"]}


def test_plain_roles_are_reported_and_fail_the_synth(tmp_path: Path) -> None:
    app, stack = _app(tmp_path)
    iam.Role(stack, "Open", assumed_by=iam.AnyPrincipal())
    iam.CfnRole(
        stack,
        "RawOpen",
        assume_role_policy_document={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}],
        },
    )
    cdk.Validations.of(app).add_plugins(IamRolesPlugin())
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    violations = [v for v in _report(tmp_path) if v["ruleName"] == "IAMR-TRUST-001"]
    paths = set().union(*(_paths(v) for v in violations))
    assert paths == {"Plugin/Open/Resource", "Plugin/RawOpen"}
    assert all(
        v["severity"] == "error" and "[IAMR-TRUST-001]" in v["description"] for v in violations
    )


def test_acknowledged_findings_do_not_fail_the_synth(tmp_path: Path) -> None:
    app, stack = _app(tmp_path)
    role = iam.Role(stack, "Open", assumed_by=iam.AnyPrincipal())
    acknowledge(role, "IAMR-TRUST-001", "a public demo role, reviewed")
    cdk.Validations.of(app).add_plugins(IamRolesPlugin())
    app.synth()
    assert [v for v in _report(tmp_path) if v["ruleName"] == "IAMR-TRUST-001"] == []


def test_acknowledgment_is_per_rule_and_resource(tmp_path: Path) -> None:
    app, stack = _app(tmp_path)
    first = iam.Role(stack, "First", assumed_by=iam.AnyPrincipal())
    iam.Role(stack, "Second", assumed_by=iam.AnyPrincipal())
    cdk.Validations.of(first).acknowledge(
        cdk.Acknowledgment(id=acknowledgment_id("IAMR-TRUST-001"), reason="reviewed")
    )
    cdk.Validations.of(app).add_plugins(IamRolesPlugin())
    with pytest.raises(RuntimeError):
        app.synth()
    violations = [v for v in _report(tmp_path) if v["ruleName"] == "IAMR-TRUST-001"]
    assert set().union(*(_paths(v) for v in violations)) == {"Plugin/Second/Resource"}


def test_acknowledging_an_unknown_rule_is_refused(tmp_path: Path) -> None:
    _, stack = _app(tmp_path)
    with pytest.raises(KeyError):
        acknowledge(stack, "IAMR-NOPE-001", "typo")


def test_warnings_are_reported_without_failing(tmp_path: Path) -> None:
    app, stack = _app(tmp_path)
    iam.Role(stack, "States", assumed_by=iam.ServicePrincipal("states.amazonaws.com"))
    cdk.Validations.of(app).add_plugins(IamRolesPlugin())
    app.synth()
    violations = _report(tmp_path)
    assert [(v["ruleName"], v["severity"]) for v in violations] == [("IAMR-DEPUTY-001", "warning")]


def _our_patterns(stack: cdk.Stack) -> None:
    ServiceRole(stack, "Fn", service="lambda.amazonaws.com")
    ServiceRole(stack, "Ec2", service="ec2.amazonaws.com")
    ServiceRole(stack, "States", service="states.amazonaws.com")
    ServiceRole(stack, "Tasks", service="ecs-tasks.amazonaws.com")
    ServiceRole(stack, "Pods", service="pods.eks.amazonaws.com")
    ServiceLinkedRole(stack, "Beanstalk", service="elasticbeanstalk.amazonaws.com")
    WebIdentityRole(
        stack, "Deploy", identity=GitHubActions(owner="acme", repo="app", branches=["main"])
    )
    CrossAccountRole(stack, "Cross", trusted_principals=["arn:aws:iam::222222222222:role/deployer"])
    FederatedRole(stack, "Sso", saml_provider=f"arn:aws:iam::{ACCOUNT}:saml-provider/Corp")
    ElevatedUserRole(stack, "BreakGlass", trusted_users=[f"arn:aws:iam::{ACCOUNT}:user/alice"])


def test_our_patterns_pass_with_zero_findings(tmp_path: Path) -> None:
    app, stack = _app(tmp_path)
    _our_patterns(stack)
    plugin = IamRolesPlugin(min_severity=Severity.INFO)
    cdk.Validations.of(app).add_plugins(plugin)
    assembly = app.synth()
    assert _report(tmp_path) == []
    template = assembly.get_stack_by_name("Plugin").template
    stack_template = StackTemplate.from_template(template, account=ACCOUNT, region="us-east-1")
    assert plugin.findings([stack_template]) == []


def test_org_standard_is_enforced_through_the_plugin(tmp_path: Path) -> None:
    app, stack = _app(tmp_path)
    ServiceRole(stack, "Tagged", service="lambda.amazonaws.com")
    untagged = cdk.Stack(app, "Untagged", env=ENV)
    ServiceRole(untagged, "Bare", service="lambda.amazonaws.com")
    cdk.Tags.of(stack).add("owner", "platform")
    standard = OrgStandard(required_tags=("owner",))
    cdk.Validations.of(app).add_plugins(IamRolesPlugin(org_standard=standard))
    with pytest.raises(RuntimeError):
        app.synth()
    violations = [v for v in _report(tmp_path) if v["ruleName"] == "IAMR-ORG-004"]
    assert set().union(*(_paths(v) for v in violations)) == {"Untagged/Bare/Resource"}


def test_rule_ids_name_every_rule_run() -> None:
    plugin = IamRolesPlugin(org_standard=OrgStandard(path="/app/"))
    assert "IAMR-TRUST-001" in plugin.rule_ids
    assert "IAMR-ORG-002" in plugin.rule_ids
    assert plugin.name == "cdk-iam-roles"
    assert plugin.version


class _Entry:
    template_path = "/nonexistent/template.json"
    stack_construct_path = "Broken"
    account_id = None
    region = None


class _Context:
    stack_templates: ClassVar[list[_Entry]] = [_Entry()]


def test_validate_never_raises_and_fails_closed() -> None:
    report = IamRolesPlugin().validate(_Context())  # type: ignore[arg-type]
    assert report.success is False
    assert [v.rule_name for v in report.violations] == ["IAMR-PLUGIN"]
    assert "could not check" in report.violations[0].description
