"""Benchmark: ``cdk-iam-roles check`` on a 400-role template (target: well under 1 s).

Run with ``.venv/bin/python benchmarks/bench_check.py`` (or ``make bench``). It writes a
template with 400 roles, each with an attached ``AWS::IAM::Policy`` and a Lambda
function that uses it (1,200 resources), then times the whole command in a fresh
process, imports included, and prints the median of five runs. It also prints the ratio
to the one-second budget.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROLES = 400
RUNS = 5
BUDGET_SECONDS = 1.0


def template(count: int = ROLES) -> dict[str, Any]:
    """A template with ``count`` roles, their policies and the functions that use them."""
    resources: dict[str, Any] = {}
    for n in range(count):
        resources[f"Role{n}"] = {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "ManagedPolicyArns": [
                    {
                        "Fn::Join": [
                            "",
                            [
                                "arn:",
                                {"Ref": "AWS::Partition"},
                                ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                            ],
                        ]
                    }
                ],
            },
        }
        resources[f"Policy{n}"] = {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": f"policy-{n}",
                "Roles": [{"Ref": f"Role{n}"}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["s3:GetObject*", "s3:List*", "dynamodb:GetItem"],
                            "Resource": [
                                {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::bucket-{n}/*"},
                                {
                                    "Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:"
                                    f"${{AWS::AccountId}}:table/t{n}"
                                },
                            ],
                        }
                    ],
                },
            },
        }
        resources[f"Fn{n}"] = {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Role": {"Fn::GetAtt": [f"Role{n}", "Arn"]},
                "Runtime": "python3.12",
                "Handler": "index.handler",
                "Code": {"ZipFile": "def handler(event, context): pass"},
            },
        }
    return {"Resources": resources}


def main() -> int:
    """Time the command and print the result."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roles.json"
        path.write_text(json.dumps(template()), encoding="utf-8")
        timings: list[float] = []
        for _ in range(RUNS):
            start = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "cdk_iam_roles.cli", "check", str(path)],
                capture_output=True,
                text=True,
            )
            timings.append(time.perf_counter() - start)
            if result.returncode != 0:
                print(result.stdout[-2000:], result.stderr[-2000:])
                return 1
    median = statistics.median(timings)
    print(f"check on {ROLES} roles ({3 * ROLES} resources): median {median:.3f} s over {RUNS} runs")
    print(f"ratio to the {BUDGET_SECONDS:.0f} s budget: {median / BUDGET_SECONDS:.2f}")
    return 0 if median < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
