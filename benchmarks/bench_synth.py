"""Synth cost of the patterns against hand-written ``aws_iam`` code for the same roles.

Two sets, each built once with the patterns and once with plain ``iam.Role`` code that
synthesizes the same template (checked before timing), alternating the two in one
process so both see the same machine state; it prints the ratio of the medians:

* service roles: N roles (Lambda, Step Functions with a source ARN, ECS tasks, EC2 with an
  instance profile) with :class:`ServiceRole`;
* mixed (issue 12): ECS task roles, third-party cross-account roles and GitHub Actions
  roles, a third each, with ServiceRole, CrossAccountRole and WebIdentityRole.

It also prints the construction time of one CrossAccountRole against the equivalent
``iam.Role`` and the jsii messages each sends (construction cost is dominated by the round
trips to Node; the message count is stable where wall time on a loaded machine is not).
The patterns send fewer messages than the hand-written code: a pattern reads the stack's
account, region and partition once per stack, builds ARNs in Python, and shares one
principal object between the roles of a stack whose trust is the same JSON.
Target (issue 12): ratios at most 1.00.

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_synth.py [N] [ROUNDS]``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("JSII_NODE", str(ROOT / ".venv" / "bin" / "node"))
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
sys.path.insert(0, str(ROOT / "tests"))

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_iam as iam  # noqa: E402

from cdk_iam_roles import (  # noqa: E402
    CrossAccountRole,
    GitHubActions,
    ServiceRole,
    WebIdentityRole,
)
from helpers import jsii_messages  # noqa: E402

ACCOUNT, REGION = "111111111111", "us-east-1"
KINDS = ("lambda", "states", "ecs", "ec2")


def _stack() -> cdk.Stack:
    app = cdk.App(analytics_reporting=False)
    return cdk.Stack(
        app,
        "Bench",
        env=cdk.Environment(account=ACCOUNT, region=REGION),
        synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
    )


def with_patterns(n: int) -> dict[str, object]:
    stack = _stack()
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        if kind == "lambda":
            ServiceRole(stack, f"R{i}", service="lambda.amazonaws.com")
        elif kind == "states":
            ServiceRole(
                stack,
                f"R{i}",
                service="states.amazonaws.com",
                source_arn=f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:m{i}",
            )
        elif kind == "ecs":
            ServiceRole(
                stack,
                f"R{i}",
                service="ecs-tasks.amazonaws.com",
                source_arn=f"arn:aws:ecs:{REGION}:{ACCOUNT}:*",
            )
        else:
            ServiceRole(stack, f"R{i}", service="ec2.amazonaws.com")
    app = stack.node.root
    assert isinstance(app, cdk.App)
    return dict(app.synth().get_stack_by_name("Bench").template)


def hand_written(n: int) -> dict[str, object]:
    stack = _stack()
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        if kind == "lambda":
            iam.Role(stack, f"R{i}", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        elif kind == "states":
            iam.Role(
                stack,
                f"R{i}",
                assumed_by=iam.ServicePrincipal(
                    "states.amazonaws.com",
                    conditions={
                        "StringEquals": {"aws:SourceAccount": stack.account},
                        "ArnLike": {
                            "aws:SourceArn": f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:m{i}"
                        },
                    },
                ),
            )
        elif kind == "ecs":
            iam.Role(
                stack,
                f"R{i}",
                assumed_by=iam.ServicePrincipal(
                    "ecs-tasks.amazonaws.com",
                    conditions={
                        "StringEquals": {"aws:SourceAccount": stack.account},
                        "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:*"},
                    },
                ),
            )
        else:
            role = iam.Role(stack, f"R{i}", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
            iam.InstanceProfile(role, "InstanceProfile", role=role)
    app = stack.node.root
    assert isinstance(app, cdk.App)
    return dict(app.synth().get_stack_by_name("Bench").template)


GITHUB = "token.actions.githubusercontent.com"
VENDOR = "arn:aws:iam::222222222222:role/vendor-integration"


def mixed_patterns(n: int) -> dict[str, object]:
    stack = _stack()
    for i in range(n):
        if i % 3 == 0:
            ServiceRole(stack, f"R{i}", service="ecs-tasks.amazonaws.com")
        elif i % 3 == 1:
            CrossAccountRole(
                stack,
                f"R{i}",
                trusted_principals=[VENDOR],
                third_party=True,
                external_ids=[f"vendor-{i}"],
            )
        else:
            WebIdentityRole(
                stack,
                f"R{i}",
                identity=GitHubActions(owner="acme", repo=f"app{i}", branches=["main"]),
            )
    app = stack.node.root
    assert isinstance(app, cdk.App)
    return dict(app.synth().get_stack_by_name("Bench").template)


def mixed_hand_written(n: int) -> dict[str, object]:
    stack = _stack()
    provider = f"arn:{cdk.Aws.PARTITION}:iam::{ACCOUNT}:oidc-provider/{GITHUB}"
    for i in range(n):
        if i % 3 == 0:
            iam.Role(
                stack,
                f"R{i}",
                assumed_by=iam.ServicePrincipal(
                    "ecs-tasks.amazonaws.com",
                    conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
                ),
            )
        elif i % 3 == 1:
            iam.Role(
                stack, f"R{i}", assumed_by=iam.ArnPrincipal(VENDOR), external_ids=[f"vendor-{i}"]
            )
        else:
            iam.Role(
                stack,
                f"R{i}",
                assumed_by=iam.WebIdentityPrincipal(
                    provider,
                    conditions={
                        "StringEquals": {
                            f"{GITHUB}:aud": "sts.amazonaws.com",
                            f"{GITHUB}:sub": f"repo:acme/app{i}:ref:refs/heads/main",
                        }
                    },
                ),
            )
    app = stack.node.root
    assert isinstance(app, cdk.App)
    return dict(app.synth().get_stack_by_name("Bench").template)


def _messages(build: Callable[[cdk.Stack, str], object], n: int = 10) -> float:
    """jsii messages per construct built by ``build`` (after one warm-up)."""
    stack = _stack()
    build(stack, "Warm")
    return jsii_messages(lambda: [build(stack, f"C{i}") for i in range(n)]) / n


def _construct_time(build: Callable[[cdk.Stack, str], object], n: int) -> float:
    stack = _stack()
    start = time.perf_counter()
    for i in range(n):
        build(stack, f"C{i}")
    return time.perf_counter() - start


def _cross_account(stack: cdk.Stack, cid: str) -> object:
    return CrossAccountRole(
        stack, cid, trusted_principals=[VENDOR], third_party=True, external_ids=["vendor-1"]
    )


def _cross_account_by_hand(stack: cdk.Stack, cid: str) -> object:
    return iam.Role(stack, cid, assumed_by=iam.ArnPrincipal(VENDOR), external_ids=["vendor-1"])


def _time(build: Callable[[int], dict[str, object]], n: int) -> float:
    start = time.perf_counter()
    build(n)
    return time.perf_counter() - start


def _compare(
    name: str,
    ours_build: Callable[[int], dict[str, object]],
    theirs_build: Callable[[int], dict[str, object]],
    n: int,
    rounds: int,
) -> None:
    # Same output, or the comparison means nothing.
    a = json.dumps(ours_build(9)["Resources"], sort_keys=True)
    b = json.dumps(theirs_build(9)["Resources"], sort_keys=True)
    if a != b:
        raise SystemExit(f"{name}: the two builds do not synthesize the same template")
    ours_build(n), theirs_build(n)  # warm up jsii and the CDK module
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(_time(ours_build, n))
        theirs.append(_time(theirs_build, n))
    mo, mt = statistics.median(ours), statistics.median(theirs)
    print(f"[{name}] roles per app: {n}, rounds: {rounds}")
    print(f"[{name}] patterns:     median {mo:.3f} s")
    print(f"[{name}] hand-written: median {mt:.3f} s")
    print(f"[{name}] ratio patterns / hand-written: {mo / mt:.3f} (target <= 1.00)")
    ours_messages = jsii_messages(lambda: ours_build(n))
    theirs_messages = jsii_messages(lambda: theirs_build(n))
    print(
        f"[{name}] jsii messages: patterns {ours_messages}, hand-written {theirs_messages} "
        f"(ratio {ours_messages / theirs_messages:.3f}; stable where wall time is not)"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 150
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    _compare("service roles", with_patterns, hand_written, n, rounds)
    _compare("mixed", mixed_patterns, mixed_hand_written, n, rounds)
    ours = statistics.median(_construct_time(_cross_account, 100) for _ in range(rounds))
    theirs = statistics.median(_construct_time(_cross_account_by_hand, 100) for _ in range(rounds))
    print(
        f"[CrossAccountRole] construction of 100: {ours:.3f} s, iam.Role: {theirs:.3f} s, "
        f"ratio {ours / theirs:.2f}; jsii messages per role: "
        f"{_messages(_cross_account):.0f} vs {_messages(_cross_account_by_hand):.0f}"
    )


if __name__ == "__main__":
    main()
