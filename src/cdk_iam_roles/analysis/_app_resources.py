"""The resource-based policies of a stack (S3 bucket, SQS queue, SNS topic, KMS key, Secrets
Manager, ECR, Lambda permissions) with the resources they protect.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cdk_iam_roles.analysis._app_documents import NO_STATEMENT, as_list, describe_unknown
from cdk_iam_roles.analysis._app_model import App, ResourcePolicy
from cdk_iam_roles.analysis._app_stack import StackContext, strip_resource
from cdk_iam_roles.cfn import Unknown

__all__ = ["read_resource_policies"]

# Resource policy carriers: type -> (policy property, target property or None for the
# resource itself, whether the policy covers ARNs below the target).
_CARRIERS: dict[str, tuple[str, str | None, bool]] = {
    "AWS::S3::BucketPolicy": ("PolicyDocument", "Bucket", True),
    "AWS::SQS::QueuePolicy": ("PolicyDocument", "Queues", False),
    "AWS::SNS::TopicPolicy": ("PolicyDocument", "Topics", False),
    "AWS::KMS::Key": ("KeyPolicy", None, False),
    "AWS::SecretsManager::ResourcePolicy": ("ResourcePolicy", "SecretId", False),
    "AWS::ECR::Repository": ("RepositoryPolicyText", None, False),
}


def _target_arn(ctx: StackContext, kind: str, value: Any) -> str | Unknown:
    """The ARN of a carrier's target (a bucket name, a queue URL, a topic ARN …)."""
    resolved = ctx.resolve(value)
    if not isinstance(resolved, str):
        return Unknown(describe_unknown(resolved))
    if kind == "AWS::S3::BucketPolicy" and not resolved.startswith("arn:"):
        return f"arn:{ctx.partition}:s3:::{resolved}"
    if kind == "AWS::SQS::QueuePolicy":
        match = re.fullmatch(r"https://sqs\.([^.]+)\.[^/]+/([^/]+)/([^/]+)", resolved)
        if match:
            region, account, name = match.groups()
            return f"arn:{ctx.partition}:sqs:{region}:{account}:{name}"
        return Unknown(f"queue URL {resolved!r}")
    return resolved


def read_resource_policies(app: App, ctx: StackContext) -> None:
    """Add the resource policies of the stack to ``app``, each with the ARNs it protects."""
    stack = ctx.stack
    for logical, resource in stack.resources_of_type(*_CARRIERS):
        kind = str(resource.get("Type"))
        policy_key, target_key, children = _CARRIERS[kind]
        raw = resource.get("Properties", {})
        props: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        if policy_key not in props:
            continue
        read = ctx.document(
            props[policy_key], "resource", f"{kind} {stack.path_of(logical)}", app.notes
        )
        if target_key is None:
            arn = ctx.lookup(logical, "Arn")
            targets: tuple[str | Unknown, ...] = (arn,) if arn else ()
        else:
            targets = tuple(_target_arn(ctx, kind, v) for v in as_list(props.get(target_key)))
        app.resource_policies.append(
            ResourcePolicy(
                resource_type=kind,
                stack=stack.name,
                logical_id=logical,
                path=strip_resource(stack.path_of(logical)),
                resources=targets,
                document=read.document if read.document is not None else NO_STATEMENT,
                account=ctx.account,
                covers_children=children,
                unreadable=read.unreadable if read.document is not None else None,
            )
        )
    _lambda_permissions(app, ctx)


def _lambda_permissions(app: App, ctx: StackContext) -> None:
    """Turn ``AWS::Lambda::Permission`` resources into one resource policy per function.

    Each permission is one statement of the function's resource-based policy.
    https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
    """
    by_function: dict[str, list[Mapping[str, Any]]] = {}
    sources: dict[str, str] = {}
    for logical, resource in ctx.stack.resources_of_type("AWS::Lambda::Permission"):
        raw = resource.get("Properties", {})
        props: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        function = ctx.resolve(props.get("FunctionName"))
        if isinstance(function, str) and not function.startswith("arn:"):
            where = f"{ctx.partition}:lambda:{ctx.region_text}:{ctx.account_text}"
            function = f"arn:{where}:function:{function}"
        principal = ctx.resolve(props.get("Principal"))
        if isinstance(principal, str) and ("." in principal and not principal.startswith("arn:")):
            principal_element: Any = {"Service": principal}
        else:
            principal_element = {"AWS": principal}
        statement: dict[str, Any] = {
            "Sid": logical,
            "Effect": "Allow",
            "Principal": principal_element,
            "Action": ctx.resolve(props.get("Action")),
            "Resource": function,
        }
        condition: dict[str, dict[str, Any]] = {}
        if "SourceArn" in props:
            condition.setdefault("ArnLike", {})["aws:SourceArn"] = ctx.resolve(props["SourceArn"])
        if "SourceAccount" in props:
            condition.setdefault("StringEquals", {})["aws:SourceAccount"] = ctx.resolve(
                props["SourceAccount"]
            )
        if "PrincipalOrgID" in props:
            condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = ctx.resolve(
                props["PrincipalOrgID"]
            )
        if condition:
            statement["Condition"] = condition
        key = function if isinstance(function, str) else repr(function)
        by_function.setdefault(key, []).append(statement)
        sources.setdefault(key, logical)
    for key, statements in by_function.items():
        logical = sources[key]
        app.resource_policies.append(
            ResourcePolicy(
                resource_type="AWS::Lambda::Permission",
                stack=ctx.stack.name,
                logical_id=logical,
                path=strip_resource(ctx.stack.path_of(logical)),
                resources=(key,) if key.startswith("arn:") else (Unknown(key),),
                document={"Version": "2012-10-17", "Statement": statements},
                account=ctx.account,
            )
        )
