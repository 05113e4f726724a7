"""Synth cost of the patterns against hand-written ``aws_iam`` code for the same roles.

Builds N roles (Lambda, Step Functions with a source ARN, ECS tasks, EC2 with an
instance profile) once with :class:`ServiceRole` and once with plain ``iam.Role`` code
that synthesizes the same trust, alternating the two in one process so both see the same
machine state, and prints the ratio of the medians. Target: at most 1.05.

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

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_iam as iam  # noqa: E402

from cdk_iam_roles import ServiceRole  # noqa: E402

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


def _time(build: Callable[[int], dict[str, object]], n: int) -> float:
    start = time.perf_counter()
    build(n)
    return time.perf_counter() - start


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    # Same output, or the comparison means nothing.
    a = json.dumps(with_patterns(8)["Resources"], sort_keys=True)
    b = json.dumps(hand_written(8)["Resources"], sort_keys=True)
    if a != b:
        raise SystemExit("the two builds do not synthesize the same template")
    with_patterns(n), hand_written(n)  # warm up jsii and the CDK module
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(_time(with_patterns, n))
        theirs.append(_time(hand_written, n))
    mo, mt = statistics.median(ours), statistics.median(theirs)
    print(f"roles per app: {n}, rounds: {rounds}")
    print(f"patterns:     median {mo:.3f} s")
    print(f"hand-written: median {mt:.3f} s")
    print(f"ratio patterns / hand-written: {mo / mt:.3f} (target <= 1.05)")


if __name__ == "__main__":
    main()
