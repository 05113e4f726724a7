"""Benchmark: ``cdk-iam-roles diff`` on the examples app and on a 400-role pair.

Run with ``.venv/bin/python benchmarks/bench_diff.py`` (or ``make bench``). It

1. synthesizes the examples app with the CDK CLI into a private folder (``--out``,
   default ``/tmp/diff-cdk.out``; ``--assembly DIR`` reuses one already synthesized),
   makes a HEAD copy with two widenings (a GitHub deploy role trusting every repository
   of the owner, an added ``iam:PassRole`` grant), and times the whole diff (reading both
   assemblies included) for BASE→BASE and BASE→HEAD, with the ``unknown`` rate;
2. writes a pair of templates with 400 roles (cross-account roles with external IDs,
   GitHub Actions roles, service roles with inline policies and a boundary) of which 40
   change (half widen, half tighten), and times that diff;
3. prints the per-role proof time (median and p95) of both.

Targets (issue 13): examples app under 2 s, 400-role pair under 10 s, unknown rate 0.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from cdk_iam_roles.analysis.assembly import load_app  # noqa: E402
from cdk_iam_roles.analysis.symbolic._diff import DiffReport, diff_apps  # noqa: E402

ROLES = 400
CHANGED = 40
GITHUB = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"


def synthesize(out: Path) -> None:
    """Synthesize the examples app with the pinned CDK CLI into ``out``."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(
        CDK_DISABLE_VERSION_CHECK="1",
        CDK_CLI_NOTICES="false",
        CDK_DISABLE_CLI_TELEMETRY="true",
        JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION="1",
    )
    command = [
        str(ROOT / "node_modules/.bin/cdk"),
        "synth",
        "--quiet",
        "--no-notices",
        "-o",
        str(out),
    ]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)


def widen(assembly: Path, head: Path) -> None:
    """Copy ``assembly`` to ``head`` and widen two roles in it."""
    shutil.copytree(assembly, head)
    web = head / "WebIdentityRoles.template.json"
    template = json.loads(web.read_text(encoding="utf-8"))
    sub = "token.actions.githubusercontent.com:sub"
    for resource in template["Resources"].values():
        trust = resource.get("Properties", {}).get("AssumeRolePolicyDocument", {})
        for statement in trust.get("Statement", []):
            equals = statement.get("Condition", {}).get("StringEquals", {})
            if equals.get(sub) == "repo:acme/shop:ref:refs/heads/main":
                del equals[sub]
                statement["Condition"]["StringLike"] = {sub: "repo:acme/*"}
    web.write_text(json.dumps(template, indent=1), encoding="utf-8")
    services = head / "ServiceRoles.template.json"
    template = json.loads(services.read_text(encoding="utf-8"))
    for resource in template["Resources"].values():
        if resource.get("Type") == "AWS::IAM::Policy":
            resource["Properties"]["PolicyDocument"]["Statement"].append(
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
            )
            break
    services.write_text(json.dumps(template, indent=1), encoding="utf-8")


def _role(n: int, widened: bool, tightened: bool) -> dict[str, Any]:
    kind = n % 3
    if kind == 0:
        condition = {"StringEquals": {"sts:ExternalId": f"customer-{n}"}}
        if widened:
            condition = {"StringLike": {"sts:ExternalId": "customer-*"}}
        statement: dict[str, Any] = {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Condition": condition,
            "Principal": {"AWS": f"arn:aws:iam::{222222222000 + n % 50}:root"},
        }
        if tightened:
            condition["Bool"] = {"aws:MultiFactorAuthPresent": "true"}
    elif kind == 1:
        sub = f"repo:acme/app-{n}:ref:refs/heads/main"
        operator = "StringEquals"
        if widened:
            sub, operator = f"repo:acme/app-{n}:*", "StringLike"
        statement = {
            "Effect": "Allow",
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": GITHUB},
            "Condition": {
                operator: {"token.actions.githubusercontent.com:sub": sub},
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
            }
            if operator != "StringEquals"
            else {
                "StringEquals": {
                    "token.actions.githubusercontent.com:sub": sub,
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                }
            },
        }
        if tightened:
            statement["Condition"]["StringEquals"][
                "token.actions.githubusercontent.com:actor_id"
            ] = "4242"
    else:
        statement = {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}},
        }
    actions = [
        "s3:GetObject",
        "s3:ListBucket",
        "dynamodb:GetItem",
        "dynamodb:Query",
        "sqs:SendMessage",
    ]
    if widened and kind == 2:
        actions.append("dynamodb:*")
    policy = [
        {
            "Effect": "Allow",
            "Action": actions[:2],
            "Resource": [f"arn:aws:s3:::bucket-{n}", f"arn:aws:s3:::bucket-{n}/*"],
        },
        {
            "Effect": "Allow",
            "Action": actions[2:],
            "Resource": f"arn:aws:dynamodb:eu-west-1:111111111111:table/table-{n}",
        },
        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
    ]
    if tightened and kind == 2:
        policy[1]["Condition"] = {"Bool": {"aws:SecureTransport": "true"}}
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": f"role-{n}",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [statement]},
            "Policies": [
                {
                    "PolicyName": "inline",
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": policy},
                }
            ],
            "PermissionsBoundary": {"Ref": "Boundary"},
        },
    }


def big_pair() -> tuple[dict[str, Any], dict[str, Any]]:
    """Two templates of ``ROLES`` roles, ``CHANGED`` of them changed."""
    boundary = {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}],
            }
        },
    }
    base: dict[str, Any] = {"Resources": {"Boundary": boundary}}
    head: dict[str, Any] = {"Resources": {"Boundary": copy.deepcopy(boundary)}}
    for n in range(ROLES):
        base["Resources"][f"Role{n}"] = _role(n, False, False)
        changed = n % (ROLES // CHANGED) == 0
        half = (n // (ROLES // CHANGED)) % 2 == 0
        head["Resources"][f"Role{n}"] = _role(n, changed and half, changed and not half)
    return base, head


def _timed(base: Any, head: Any) -> tuple[float, DiffReport]:
    start = time.perf_counter()
    old = load_app(base, account="111111111111", region="eu-west-1")
    new = load_app(head, account="111111111111", region="eu-west-1")
    report = diff_apps(old, new)
    return time.perf_counter() - start, report


def _summary(label: str, seconds: float, report: DiffReport) -> None:
    times = sorted(r.seconds for r in report.roles)
    verdicts = [v for r in report.roles for v in (r.trust.verdict, r.permissions.verdict)]
    unknown = verdicts.count("unknown")
    widened = sum(r.widened for r in report.roles)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))] if times else 0.0
    print(
        f"{label}: {seconds:.2f} s wall, {len(report.roles)} roles, {widened} widened, "
        f"unknown {unknown}/{len(verdicts)} ({unknown / max(1, len(verdicts)):.0%}); "
        f"per-role proof median {statistics.median(times or [0]) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="/tmp/diff-cdk.out", help="where to synthesize")
    parser.add_argument("--assembly", help="reuse an already synthesized examples app")
    args = parser.parse_args()
    assembly = Path(args.assembly) if args.assembly else Path(args.out)
    if not args.assembly:
        shutil.rmtree(assembly, ignore_errors=True)
        synthesize(assembly)
    with tempfile.TemporaryDirectory() as folder:
        head = Path(folder) / "head.out"
        widen(assembly, head)
        seconds, report = _timed(str(assembly), str(assembly))
        _summary("examples app, BASE -> BASE", seconds, report)
        seconds, report = _timed(str(assembly), str(head))
        _summary("examples app, BASE -> HEAD (2 widened)", seconds, report)
        base_tpl, head_tpl = big_pair()
        seconds, report = _timed(base_tpl, head_tpl)
        _summary(f"{ROLES}-role pair, {CHANGED} changed", seconds, report)


if __name__ == "__main__":
    main()
