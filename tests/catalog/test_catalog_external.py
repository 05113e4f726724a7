"""Roles a trust names that no app read defines are shown as external (issue 14, item 3).

GIVEN two apps read as one organisation (a tooling account whose pipeline role deploys,
a workload account whose role trusts it and a role nobody defines), WHEN the catalog is
built, THEN the pipeline is an edge inside the organisation and the unknown role is marked
external, in words and in JSON; and where a role's ARN is not known (a generated name), no
role is marked, since it might be that one.
"""

from __future__ import annotations

import json
from typing import Any

from cdk_iam_roles.catalog import build_catalog, render
from cdk_iam_roles.cfn import StackTemplate

TOOLING, WORKLOAD = "222222222222", "111111111111"
PIPELINE = f"arn:aws:iam::{TOOLING}:role/ci/pipeline"
GHOST = f"arn:aws:iam::{TOOLING}:role/ghost"


def _role(name: str | None, *principals: str, path: str = "/") -> dict[str, Any]:
    props: dict[str, Any] = {
        "Path": path,
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": list(principals)},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
    }
    if name:
        props["RoleName"] = name
    return {"Type": "AWS::IAM::Role", "Properties": props}


def _stacks(*, generated_in_tooling: bool = False) -> list[StackTemplate]:
    tooling: dict[str, Any] = {
        "Resources": {"Pipeline": _role("pipeline", f"arn:aws:iam::{TOOLING}:root", path="/ci/")}
    }
    if generated_in_tooling:
        tooling["Resources"]["Other"] = _role(None, f"arn:aws:iam::{TOOLING}:root")
    workload = {
        "Resources": {
            "Deploy": _role("deploy", PIPELINE, GHOST),
            "Session": _role("session", f"arn:aws:sts::{TOOLING}:assumed-role/pipeline/run-1"),
        }
    }
    return [
        StackTemplate.from_template(tooling, name="Tooling", account=TOOLING, region="eu-west-1"),
        StackTemplate.from_template(
            workload, name="Workload", account=WORKLOAD, region="eu-west-1"
        ),
    ]


def _assumers(catalog: Any, logical_id: str) -> dict[str, Any]:
    (role,) = [r for r in catalog.roles if r.logical_id == logical_id]
    return {a.principal: a for a in role.assumers}


def test_a_role_no_app_defines_is_external_and_the_pipeline_is_not() -> None:
    catalog = build_catalog(_stacks())
    deploy = _assumers(catalog, "Deploy")
    assert deploy[PIPELINE].external is False
    assert deploy[GHOST].external is True
    assert "external: no app read defines it" in deploy[GHOST].words
    # a session of the pipeline role is inside too
    (session,) = _assumers(catalog, "Session").values()
    assert session.external is False
    data = json.loads(render(catalog, "json"))
    flags = {
        a["principal"]: a["external"]
        for stack in data["stacks"]
        for role in stack["roles"]
        for a in role["assumers"]
    }
    assert flags[GHOST] is True
    assert flags[PIPELINE] is False


def test_no_role_of_an_account_with_an_unknown_role_arn_is_marked() -> None:
    # a role of the tooling account with a generated name might be "ghost"
    catalog = build_catalog(_stacks(generated_in_tooling=True))
    assert _assumers(catalog, "Deploy")[GHOST].external is False
