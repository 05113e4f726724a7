"""Human-assumable is decided by who is trusted, not by the shape of the trust.

A real CodePipeline (synthesized with aws-cdk-lib) and hand-written templates shaped like
what CDK and the console write: service-only role chains are not human, SAML console
roles are (but get no CLI profile), accounts and IAM users stay human.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_codepipeline as codepipeline
from aws_cdk import aws_codepipeline_actions as actions
from aws_cdk import aws_s3 as s3
from catalog_checks import mermaid_graph, read_profiles
from raw_templates import ACCOUNT, REGION, role, stmt

from cdk_iam_roles.catalog import build_catalog, render, render_profiles
from cdk_iam_roles.catalog.model import Catalog, RoleEntry
from cdk_iam_roles.cfn import StackTemplate, load_stacks


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    outdir = tmp_path_factory.mktemp("pipeline") / "cdk.out"
    app = cdk.App(
        outdir=str(outdir),
        analytics_reporting=False,
        context={"aws:cdk:disable-version-reporting": True},
    )
    stack = cdk.Stack(app, "Delivery", env=cdk.Environment(account=ACCOUNT, region=REGION))
    source = codepipeline.Artifact()
    project = codebuild.PipelineProject(stack, "Build")
    codepipeline.Pipeline(
        stack,
        "Pipeline",
        stages=[
            codepipeline.StageProps(
                stage_name="Source",
                actions=[
                    actions.S3SourceAction(
                        action_name="Fetch",
                        bucket=s3.Bucket(stack, "Sources"),
                        bucket_key="app.zip",
                        output=source,
                    )
                ],
            ),
            codepipeline.StageProps(
                stage_name="Build",
                actions=[
                    actions.CodeBuildAction(action_name="Compile", project=project, input=source)
                ],
            ),
        ],
    )
    app.synth()
    return build_catalog(load_stacks(Path(outdir)))


def by_path(catalog: Catalog, fragment: str) -> list[RoleEntry]:
    return [r for r in catalog.roles if fragment in r.path]


def test_codepipeline_action_roles_are_not_human(pipeline: Catalog) -> None:
    action_roles = by_path(pipeline, "CodePipelineActionRole")
    assert len(action_roles) == 2
    for entry in action_roles:
        # The trust is Principal.AWS = the pipeline role's ARN (an iam-role of this stack).
        assert [a.kind for a in entry.assumers] == ["iam-role"]
        assert entry.assumers[0].stack_role is not None
        assert entry.assumers[0].service_chain
        assert not entry.human_assumable
        assert entry.pattern != "CrossAccountRole"
    (pipeline_role,) = by_path(pipeline, "Pipeline/Role/")
    assert [a.principal for a in pipeline_role.assumers] == ["codepipeline.amazonaws.com"]
    (build_role,) = by_path(pipeline, "Build/Role/")
    assert [a.principal for a in build_role.assumers] == ["codebuild.amazonaws.com"]
    assert pipeline.human_assumable == []
    assert pipeline.profile_assumable == []


def test_profiles_writes_nothing_for_a_pipeline(pipeline: Catalog) -> None:
    text = render_profiles(pipeline)
    assert read_profiles(text).sections() == []
    assert "CodePipelineActionRole" not in text


def stack_of(**resources: dict[str, Any]) -> StackTemplate:
    return StackTemplate.from_template(
        {"Resources": resources}, name="Chain", account=ACCOUNT, region=REGION
    )


def catalog_of(**resources: dict[str, Any]) -> dict[str, RoleEntry]:
    return {r.logical_id: r for r in build_catalog([stack_of(**resources)]).roles}


def arn_of(logical_id: str) -> dict[str, Any]:
    return {"AWS": {"Fn::GetAtt": [logical_id, "Arn"]}}


def test_a_chain_of_service_only_roles_is_not_human() -> None:
    roles = catalog_of(
        Starter=role(stmt({"Service": "states.amazonaws.com"})),
        # Written in the reverse order: the chain does not depend on template order.
        Third=role(stmt(arn_of("Second")), RoleName="third"),
        Second=role(stmt(arn_of("Starter")), RoleName="second"),
    )
    for name in ("Second", "Third"):
        assert not roles[name].human_assumable, name
        assert roles[name].pattern == "hand-written"
        assert roles[name].assumers[0].service_chain


def test_a_role_trusted_by_a_human_role_of_the_stack_stays_human() -> None:
    roles = catalog_of(
        Ops=role(stmt({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), RoleName="ops"),
        Deploy=role(stmt(arn_of("Ops")), RoleName="deploy"),
        # One service principal and one account: people can assume it.
        Mixed=role(stmt({"Service": "lambda.amazonaws.com", "AWS": ACCOUNT}), RoleName="mixed"),
        Next=role(stmt(arn_of("Mixed")), RoleName="next"),
    )
    for name in ("Ops", "Deploy", "Mixed", "Next"):
        assert roles[name].human_assumable, name
        assert roles[name].profile_assumable, name
    assert not roles["Deploy"].assumers[0].service_chain


def test_a_role_trusted_by_an_unreadable_trust_stays_human() -> None:
    # Fail closed: the trusting role's trust cannot be read, so it may be a person's.
    roles = catalog_of(
        Unread=role(stmt({"Service": "lambda.amazonaws.com"})),
        Next=role(stmt(arn_of("Unread")), RoleName="next"),
    )
    roles_unread = catalog_of(
        Unread={
            "Type": "AWS::IAM::Role",
            "Properties": {"AssumeRolePolicyDocument": {"Ref": "TrustParam"}},
        },
        Next=role(stmt(arn_of("Unread")), RoleName="next"),
    )
    assert not roles["Next"].human_assumable
    assert roles_unread["Next"].human_assumable


def test_saml_console_roles_are_human_but_get_no_profile() -> None:
    console_resource = role(
        stmt(
            {"Federated": f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta"},
            "sts:AssumeRoleWithSAML",
            StringEquals={"SAML:aud": "https://signin.aws.amazon.com/saml"},
        ),
        RoleName="console-admin",
    )
    console = catalog_of(Console=console_resource)["Console"]
    assert console.human_assumable
    assert not console.profile_assumable
    assert console.pattern == "FederatedRole"
    text = render_profiles(build_catalog([stack_of(Console=console_resource)]))
    assert read_profiles(text).sections() == []
    assert "console-admin" not in text


def test_account_roots_and_iam_users_stay_human() -> None:
    roles = catalog_of(
        Root=role(stmt({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), RoleName="root"),
        User=role(stmt({"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"}), RoleName="user"),
        Other=role(stmt({"AWS": "222222222222"}), RoleName="other"),
    )
    assert all(r.human_assumable and r.profile_assumable for r in roles.values())
    assert roles["Other"].pattern == "CrossAccountRole"


def test_user_paths_are_kept_in_words() -> None:
    roles = catalog_of(
        Breakglass=role(
            stmt({"AWS": f"arn:aws:iam::{ACCOUNT}:user/breakglass/alice"}),
            RoleName="breakglass",
        ),
        Plain=role(stmt({"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"}), RoleName="plain"),
    )
    assert roles["Breakglass"].assumers[0].words == f"IAM user breakglass/alice in {ACCOUNT}"
    assert roles["Plain"].assumers[0].words == f"IAM user alice in {ACCOUNT}"


def test_mermaid_draws_the_pipeline_role_assuming_its_action_roles(pipeline: Catalog) -> None:
    text = render(pipeline, "mermaid")
    nodes, _ = mermaid_graph(text)
    ids = {(r.stack, r.logical_id): f"r{i}" for i, r in enumerate(pipeline.roles, start=1)}
    (pipeline_role,) = by_path(pipeline, "Pipeline/Role/")
    source = ids[(pipeline_role.stack, pipeline_role.logical_id)]
    targets = {ids[(r.stack, r.logical_id)] for r in by_path(pipeline, "CodePipelineActionRole")}
    drawn = set(re.findall(rf"^  {source} -->\|may assume\| (\w+)$", text, re.MULTILINE))
    assert drawn == targets
    assert all(nodes[t].startswith("Pipeline/") for t in targets)
