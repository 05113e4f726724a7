"""Benchmark: ``cdk-iam-roles check`` on 400 and 2,000 roles (targets 0.3 s and 1 s).

Run with ``.venv/bin/python benchmarks/bench_check.py`` (or ``make bench``). It writes
templates with 400 and with 2,000 roles, each role with an attached ``AWS::IAM::Policy``
and a Lambda function that uses it (three resources a role), then times the whole
command in a fresh process, imports included, and prints the median of five runs and
its ratio to the target. Half of the policy documents are written as JSON text, the
form hand-written templates use, so the document reader's parsing is measured too.
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

# (roles, target seconds)
SIZES = ((400, 0.3), (2000, 1.0))
RUNS = 5


def template(count: int) -> dict[str, Any]:
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
        if n % 2:
            # The same document as JSON text built with Fn::Sub.
            props = resources[f"Policy{n}"]["Properties"]
            statement = props["PolicyDocument"]["Statement"][0]
            statement["Resource"] = [r["Fn::Sub"] for r in statement["Resource"]]
            props["PolicyDocument"] = {"Fn::Sub": json.dumps(props["PolicyDocument"])}
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


def _time(count: int, folder: Path) -> float | None:
    path = folder / f"roles-{count}.json"
    path.write_text(json.dumps(template(count)), encoding="utf-8")
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
            return None
    return statistics.median(timings)


def main() -> int:
    """Time the command at each size and print the results."""
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for count, target in SIZES:
            median = _time(count, Path(tmp))
            if median is None:
                return 1
            print(
                f"check on {count} roles ({3 * count} resources): median {median:.3f} s over "
                f"{RUNS} runs; target {target:.1f} s, ratio {median / target:.2f}"
            )
            ok = ok and median < target
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
