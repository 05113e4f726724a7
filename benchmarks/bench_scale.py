"""Benchmark: ``check`` and ``catalog`` over 50 cloud assemblies, 5,000 roles (10 s, 1 GB).

Run with ``.venv/bin/python benchmarks/bench_scale.py`` (or ``make bench``). It writes 50
cloud-assembly folders shaped like the ones ``cdk synth`` writes (a ``manifest.json`` with
one or two ``aws:cloudformation:stack`` artifacts, each with its template file, asset
manifest and metadata file), 100 roles in each assembly:

* 60 service roles (Lambda, ECS tasks, Step Functions with the confused-deputy pins), each
  with an attached ``AWS::IAM::Policy``, as CDK's ``grant*`` methods write them;
* 25 cross-account roles: half trusted by the pipeline role of the tooling assembly (so
  the organisation's cross-app edges are resolved), half by a vendor with ``sts:ExternalId``;
* 15 GitHub Actions roles pinned to a repository and environment.

Every third trust policy and every third permissions document is written as JSON text,
the form hand-written templates use, so the document reader's parsing is measured too.
Each command runs in a fresh process, imports included; the script prints the median wall
time of three runs and the peak resident memory of the process, with their ratios to the
targets.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ASSEMBLIES = 50
ROLES_PER_ASSEMBLY = 100
TARGET_SECONDS = 10.0
TARGET_MB = 1024.0
RUNS = 3
TOOLING_ACCOUNT = "100000000000"
ORG_ID = "o-a1b2c3d4e5"
GITHUB = "token.actions.githubusercontent.com"


def _account(index: int) -> str:
    return f"{200000000000 + index:012d}"


def _maybe_text(document: dict[str, Any], n: int) -> Any:
    """Every third document as JSON text, as CloudFormation accepts it."""
    return json.dumps(document) if n % 3 == 0 else document


def _trust(statement: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [statement]}


def _service_role(app: int, n: int, account: str) -> dict[str, Any]:
    kind = n % 3
    if kind == 0:
        statement: dict[str, Any] = {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
        }
    else:
        service, arn = (
            ("ecs-tasks.amazonaws.com", f"arn:aws:ecs:eu-west-1:{account}:*")
            if kind == 1
            else (
                "states.amazonaws.com",
                f"arn:aws:states:eu-west-1:{account}:stateMachine:app{app}-*",
            )
        )
        statement = {
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account},
                "ArnLike": {"aws:SourceArn": arn},
            },
            "Effect": "Allow",
            "Principal": {"Service": service},
        }
    properties: dict[str, Any] = {
        "AssumeRolePolicyDocument": _maybe_text(_trust(statement), n),
        "Description": f"Service role {n} of app {app}",
        "Tags": [{"Key": "owner", "Value": f"team-{app % 7}"}],
    }
    if kind == 0:
        properties["ManagedPolicyArns"] = [
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
        ]
    return properties


def _service_policy(app: int, n: int, account: str, role_id: str) -> dict[str, Any]:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Action": ["s3:GetObject*", "s3:GetBucket*", "s3:List*"],
                "Effect": "Allow",
                "Resource": [
                    f"arn:aws:s3:::app{app}-bucket-{n}",
                    f"arn:aws:s3:::app{app}-bucket-{n}/*",
                ],
            },
            {
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                "Effect": "Allow",
                "Resource": f"arn:aws:dynamodb:eu-west-1:{account}:table/app{app}-t{n}",
            },
        ],
    }
    return {
        "PolicyDocument": _maybe_text(document, n + 1),
        "PolicyName": f"{role_id}DefaultPolicy",
        "Roles": [{"Ref": role_id}],
    }


def _cross_account_role(app: int, n: int) -> dict[str, Any]:
    if n % 2:
        statement: dict[str, Any] = {
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}},
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{TOOLING_ACCOUNT}:role/pipeline-deployer"},
        }
    else:
        statement = {
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": f"customer-{app}-{n}"}},
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{900000000000 + n:012d}:role/vendor-reader"},
        }
    return {
        "AssumeRolePolicyDocument": _maybe_text(_trust(statement), n),
        "Description": f"Cross-account role {n} of app {app}",
        "RoleName": f"app{app}-cross-{n}",
        "Policies": [
            {
                "PolicyName": "Read",
                "PolicyDocument": _maybe_text(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Action": ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"],
                                "Effect": "Allow",
                                "Resource": "*",
                            }
                        ],
                    },
                    n + 2,
                ),
            }
        ],
    }


def _github_role(app: int, n: int, account: str) -> dict[str, Any]:
    provider = f":iam::{account}:oidc-provider/{GITHUB}"
    statement: dict[str, Any] = {
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {
                f"{GITHUB}:aud": "sts.amazonaws.com",
                f"{GITHUB}:sub": f"repo:acme/app{app}-svc{n}:environment:prod",
            }
        },
        "Effect": "Allow",
        "Principal": {
            "Federated": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, provider]]}
        },
    }
    trust: Any = _trust(statement)
    if n % 3 == 0:
        # JSON text cannot hold an intrinsic: the text form is an Fn::Sub template.
        statement["Principal"]["Federated"] = "arn:${AWS::Partition}" + provider
        trust = {"Fn::Sub": json.dumps(trust)}
    return {
        "AssumeRolePolicyDocument": trust,
        "Description": f"GitHub Actions: acme/app{app}-svc{n} prod",
    }


def _resource(kind: str, properties: dict[str, Any], path: str) -> dict[str, Any]:
    return {"Type": kind, "Properties": properties, "Metadata": {"aws:cdk:path": path}}


def stack_templates(app: int, stacks: int) -> list[dict[str, Any]]:
    """The templates of one app: its 100 roles spread over ``stacks`` stacks."""
    account = _account(app)
    resources: list[dict[str, Any]] = [{} for _ in range(stacks)]
    for n in range(ROLES_PER_ASSEMBLY):
        which = n % stacks
        stack = f"App{app}Stack{which}"
        into = resources[which]
        if n < 60:
            role_id = f"Service{n}Role"
            into[role_id] = _resource(
                "AWS::IAM::Role",
                _service_role(app, n, account),
                f"{stack}/Service{n}/Role/Resource",
            )
            into[f"Service{n}RoleDefaultPolicy"] = _resource(
                "AWS::IAM::Policy",
                _service_policy(app, n, account, role_id),
                f"{stack}/Service{n}/Role/DefaultPolicy/Resource",
            )
        elif n < 85:
            into[f"Cross{n}"] = _resource(
                "AWS::IAM::Role", _cross_account_role(app, n), f"{stack}/Cross{n}/Resource"
            )
        else:
            into[f"GitHub{n}"] = _resource(
                "AWS::IAM::Role", _github_role(app, n, account), f"{stack}/GitHub{n}/Resource"
            )
    if app == 0:
        # The tooling app: the pipeline role that the other apps' deploy roles trust.
        resources[0]["PipelineDeployer"] = _resource(
            "AWS::IAM::Role",
            {
                "RoleName": "pipeline-deployer",
                "AssumeRolePolicyDocument": _trust(
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "codebuild.amazonaws.com"},
                    }
                ),
                "Policies": [
                    {
                        "PolicyName": "AssumeDeployRoles",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Action": "sts:AssumeRole",
                                    "Effect": "Allow",
                                    "Resource": "arn:aws:iam::*:role/app*-cross-*",
                                }
                            ],
                        },
                    }
                ],
            },
            "App0Stack0/PipelineDeployer/Resource",
        )
    return [{"Resources": r} for r in resources]


def write_assembly(folder: Path, app: int) -> None:
    """One ``cdk.out`` folder: manifest, templates, asset manifests and metadata files."""
    folder.mkdir(parents=True)
    account = _account(app) if app else TOOLING_ACCOUNT
    stacks = 1 + app % 2
    artifacts: dict[str, Any] = {}
    for which, template in enumerate(stack_templates(app, stacks)):
        name = f"App{app}Stack{which}"
        template_file = f"{name}.template.json"
        (folder / template_file).write_text(json.dumps(template, indent=1), encoding="utf-8")
        (folder / f"{name}.assets.json").write_text(
            json.dumps(
                {
                    "version": "55.0.0",
                    "files": {
                        f"{app:032x}{which:032x}": {
                            "displayName": f"{name} Template",
                            "source": {"path": template_file, "packaging": "file"},
                            "destinations": {},
                        }
                    },
                    "dockerImages": {},
                }
            ),
            encoding="utf-8",
        )
        metadata = {
            f"/{name}": [{"type": "aws:cdk:templateFile", "data": template_file}],
            **{
                f"/{resource['Metadata']['aws:cdk:path']}".removesuffix("/Resource"): [
                    {"type": "aws:cdk:logicalId", "data": logical_id}
                ]
                for logical_id, resource in template["Resources"].items()
            },
        }
        (folder / f"{name}.metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
        artifacts[f"{name}.assets"] = {
            "type": "cdk:asset-manifest",
            "properties": {
                "file": f"{name}.assets.json",
                "requiresBootstrapStackVersion": 6,
                "bootstrapStackVersionSsmParameter": "/cdk-bootstrap/hnb659fds/version",
            },
        }
        artifacts[name] = {
            "type": "aws:cloudformation:stack",
            "environment": f"aws://{account}/eu-west-1",
            "properties": {
                "templateFile": template_file,
                "terminationProtection": False,
                "validateOnSynth": False,
                "assumeRoleArn": (
                    f"arn:${{AWS::Partition}}:iam::{account}:role/"
                    f"cdk-hnb659fds-deploy-role-{account}-eu-west-1"
                ),
                "requiresBootstrapStackVersion": 6,
                "bootstrapStackVersionSsmParameter": "/cdk-bootstrap/hnb659fds/version",
                "additionalDependencies": [f"{name}.assets"],
            },
            "dependencies": [f"{name}.assets"],
            "additionalMetadataFile": f"{name}.metadata.json",
            "displayName": name,
        }
    manifest = {"version": "55.0.0", "artifacts": artifacts}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    (folder / "cdk.out").write_text('{"version":"55.0.0"}', encoding="utf-8")


def _run(arguments: list[str], out: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of one command in a fresh process."""
    command = [sys.executable, "-m", "cdk_iam_roles.cli", *arguments]
    with (
        open(out, "wb") as stdout,
        open(out.with_suffix(".err"), "wb") as stderr,
    ):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr)
        # wait4 gives this child's own resource usage (ru_maxrss is in KB on Linux).
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024.0, process.returncode


def _measure(label: str, arguments: list[str], out: Path, allowed: set[int]) -> bool:
    timings: list[float] = []
    peaks: list[float] = []
    for _ in range(RUNS):
        elapsed, peak, code = _run(arguments, out)
        if code not in allowed:
            print(f"{label}: exit {code}")
            print(out.with_suffix(".err").read_text(encoding="utf-8")[-2000:])
            return False
        timings.append(elapsed)
        peaks.append(peak)
    median = statistics.median(timings)
    peak = max(peaks)
    print(
        f"{label}: median {median:.2f} s over {RUNS} runs (target {TARGET_SECONDS:.0f} s, "
        f"ratio {median / TARGET_SECONDS:.2f}); peak RSS {peak:.0f} MB "
        f"(target {TARGET_MB:.0f} MB, ratio {peak / TARGET_MB:.2f}); exit {code}"
    )
    return median < TARGET_SECONDS and peak < TARGET_MB


def main() -> int:
    """Write the assemblies, time both commands and print the results."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folders = [root / f"app{app:02d}" / "cdk.out" for app in range(ASSEMBLIES)]
        for app, folder in enumerate(folders):
            write_assembly(folder, app)
        roles = ASSEMBLIES * ROLES_PER_ASSEMBLY + 1
        size = sum(p.stat().st_size for p in root.rglob("*.template.json")) / 1e6
        print(
            f"{ASSEMBLIES} assemblies, {roles} roles, "
            f"{sum(1 for _ in root.rglob('*.template.json'))} templates ({size:.1f} MB)"
        )
        paths = [str(f) for f in folders]
        ok = _measure("check", ["check", *paths], root / "check.txt", {0, 1})
        ok = (
            _measure(
                "catalog --format json",
                ["catalog", *paths, "--format", "json"],
                root / "catalog.json",
                {0},
            )
            and ok
        )
        # Both commands must have read every role, or the figures measure less work.
        summary = json.loads((root / "catalog.json").read_text(encoding="utf-8"))["summary"]
        tail = (root / "check.txt").read_text(encoding="utf-8").strip().splitlines()[-1]
        print(f"catalog listed {summary['roles']} roles; check: {tail}")
        ok = ok and summary["roles"] == roles and f" {roles} role(s)" in tail
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
