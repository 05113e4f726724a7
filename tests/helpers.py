"""Test helpers: build a deterministic stack, synthesize it, lint it with cfn-lint.

Every synthesized template in the tests goes through :func:`synth`, which runs
cfn-lint's library API on it and fails on any ``E`` finding.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import aws_cdk as cdk

ACCOUNT = "111111111111"
REGION = "us-east-1"
ENV = cdk.Environment(account=ACCOUNT, region=REGION)


def new_stack(name: str = "Test", *, env: cdk.Environment | None = ENV) -> cdk.Stack:
    """A fresh app and stack that synthesize deterministically.

    No bootstrap-version rule, no analytics metadata, no path metadata: snapshots stay
    stable across CDK versions and machines.
    """
    app = cdk.App(
        analytics_reporting=False,
        context={"aws:cdk:enable-path-metadata": False, "aws:cdk:disable-version-reporting": True},
    )
    return cdk.Stack(
        app,
        name,
        env=env,
        synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
    )


def synth(stack: cdk.Stack, *, lint: bool = True) -> dict[str, Any]:
    """The stack's template as JSON; cfn-lint must find no error in it."""
    app = stack.node.root
    assert isinstance(app, cdk.App)
    template: dict[str, Any] = app.synth().get_stack_by_name(stack.stack_name).template
    if lint:
        errors = lint_errors(template)
        assert not errors, "cfn-lint errors:\n" + "\n".join(errors)
    return template


@cache
def _lint_config() -> Any:
    from cfnlint.api import ManualArgs

    return ManualArgs(regions=[REGION])


def lint_errors(template: dict[str, Any]) -> list[str]:
    """cfn-lint's ``E`` findings for a template (its library API, not the CLI)."""
    from cfnlint.api import lint

    matches = lint(json.dumps(template), config=_lint_config())
    return [f"{m.rule.id} {m.message}" for m in matches if m.rule.id.startswith("E")]


def resources_of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """Resources of one type by logical ID."""
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def trust_of(template: dict[str, Any], logical_prefix: str) -> dict[str, Any]:
    """The AssumeRolePolicyDocument of the one role whose logical ID starts with a prefix."""
    roles = [
        v
        for k, v in resources_of_type(template, "AWS::IAM::Role").items()
        if k.startswith(logical_prefix)
    ]
    assert len(roles) == 1, f"expected one role named {logical_prefix}*, found {len(roles)}"
    doc: dict[str, Any] = roles[0]["Properties"]["AssumeRolePolicyDocument"]
    return doc


def _normal(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_normal(v) for v in value]
        return items[0] if len(items) == 1 else items
    return value


def synthesized_trust_matches_model(stack: cdk.Stack, role: Any) -> bool:
    """True when the role's synthesized trust equals the statements the pattern built.

    The patterns, the rules and the evaluator read the same pure-Python statements; this
    checks that what CDK writes into the template is exactly those statements.
    """
    template = synth(stack, lint=False)
    logical_id = stack.get_logical_id(role.node.default_child)
    written = template["Resources"][logical_id]["Properties"]["AssumeRolePolicyDocument"]
    model = [stack.resolve(s) for s in role.trust_statements]
    return bool(_normal(written["Statement"]) == _normal(model))


def jsii_messages(work: Any) -> int:
    """How many messages ``work()`` sends to the jsii kernel (round trips to Node)."""
    from jsii._kernel.providers import process

    count = [0]
    original = process._NodeProcess.send

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return original(self, *args, **kwargs)

    process._NodeProcess.send = counting  # type: ignore[method-assign]
    try:
        work()
    finally:
        process._NodeProcess.send = original  # type: ignore[method-assign]
    return count[0]
