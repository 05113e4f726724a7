"""The names, ARNs and environment of one stack's resources, and a resolver that uses them.

A reference to a resource of the app becomes that resource's name or ARN; when
CloudFormation generates the name at deployment, a marked placeholder such as
``{generated-name:Stack.RoleLogicalId}`` stands for it (see
:mod:`cdk_iam_roles.analysis.assembly`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from typing import Any

from cdk_iam_roles.analysis._app_documents import ReadDocument, read_document
from cdk_iam_roles.analysis._app_model import UNKNOWN_ACCOUNT
from cdk_iam_roles.cfn import StackTemplate, partition_of_region
from cdk_iam_roles.documents import DocumentKind

__all__ = ["StackContext", "strip_resource"]


class StackContext:
    """Names and ARNs of one stack's resources, and a resolver that uses them."""

    def __init__(
        self, stack: StackTemplate, account: str | None, region: str | None, notes: list[str]
    ) -> None:
        self.stack = stack
        self.account = stack.account or account
        self.region = stack.region or region
        known = partition_of_region(self.region)
        if known is None:
            # CDK writes every ARN as arn:${AWS::Partition}:…; without a region we assume
            # the commercial partition rather than leave every ARN unknown, and say so.
            known = "aws"
            notes.append(
                f"{stack.name}: the region is not known; the partition is assumed to be 'aws'"
            )
        self.partition = known
        self.plain = dataclasses.replace(stack.resolver, account=self.account, region=self.region)
        self._ids: dict[str, dict[str | None, str]] = {}
        for logical_id, resource in stack.resources.items():
            if isinstance(resource, Mapping):
                found = self._identity(logical_id, resource)
                if found:
                    self._ids[logical_id] = found

    # -- names --------------------------------------------------------------------------

    def placeholder(self, what: str, logical_id: str) -> str:
        return (
            "{generated-" + what + ":" + self.stack.name.replace("/", ".") + "." + logical_id + "}"
        )

    @property
    def account_text(self) -> str:
        return self.account or UNKNOWN_ACCOUNT

    @property
    def region_text(self) -> str:
        return self.region or "{unknown-region}"

    def _name(self, props: Mapping[str, Any], key: str, logical_id: str) -> str:
        value = self.plain.resolve(props.get(key)) if key in props else None
        if isinstance(value, str) and value:
            return value
        return self.placeholder("name", logical_id)

    def _identity(self, logical_id: str, resource: Mapping[str, Any]) -> dict[str | None, str]:
        # What Ref and Fn::GetAtt return for each type (a queue's Ref is its URL, a topic's
        # its ARN, a key's its ID …), per each type's "Return values" in
        # https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html
        # and the ARN formats in https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
        kind = resource.get("Type")
        raw = resource.get("Properties", {})
        props: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        p, acct, region = self.partition, self.account_text, self.region_text
        if kind in ("AWS::IAM::Role", "AWS::IAM::User"):
            name = self._name(
                props, "RoleName" if kind == "AWS::IAM::Role" else "UserName", logical_id
            )
            path = self.plain.resolve(props.get("Path", "/"))
            path = path if isinstance(path, str) else "/"
            word = "role" if kind == "AWS::IAM::Role" else "user"
            return {None: name, "Arn": f"arn:{p}:iam::{acct}:{word}{path}{name}"}
        if kind == "AWS::IAM::ManagedPolicy":
            name = self._name(props, "ManagedPolicyName", logical_id)
            path = self.plain.resolve(props.get("Path", "/"))
            path = path if isinstance(path, str) else "/"
            arn = f"arn:{p}:iam::{acct}:policy{path}{name}"
            return {None: arn, "PolicyArn": arn}
        if kind == "AWS::S3::Bucket":
            name = self._name(props, "BucketName", logical_id)
            return {None: name, "Arn": f"arn:{p}:s3:::{name}"}
        if kind == "AWS::SQS::Queue":
            name = self._name(props, "QueueName", logical_id)
            return {
                None: f"https://sqs.{region}.amazonaws.com/{acct}/{name}",
                "Arn": f"arn:{p}:sqs:{region}:{acct}:{name}",
                "QueueName": name,
                "QueueUrl": f"https://sqs.{region}.amazonaws.com/{acct}/{name}",
            }
        if kind == "AWS::SNS::Topic":
            name = self._name(props, "TopicName", logical_id)
            arn = f"arn:{p}:sns:{region}:{acct}:{name}"
            return {None: arn, "TopicArn": arn, "TopicName": name}
        if kind == "AWS::KMS::Key":
            key_id = self.placeholder("key-id", logical_id)
            return {
                None: key_id,
                "KeyId": key_id,
                "Arn": f"arn:{p}:kms:{region}:{acct}:key/{key_id}",
            }
        if kind == "AWS::Lambda::Function":
            name = self._name(props, "FunctionName", logical_id)
            return {None: name, "Arn": f"arn:{p}:lambda:{region}:{acct}:function:{name}"}
        if kind == "AWS::SecretsManager::Secret":
            # Secrets Manager appends six random characters to a secret's ARN.
            # https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html
            secret = self.placeholder("secret", logical_id)
            arn = f"arn:{p}:secretsmanager:{region}:{acct}:secret:{secret}"
            return {None: arn, "Id": arn}
        if kind == "AWS::ECR::Repository":
            name = self._name(props, "RepositoryName", logical_id)
            return {None: name, "Arn": f"arn:{p}:ecr:{region}:{acct}:repository/{name}"}
        if kind == "AWS::IAM::OIDCProvider":
            url = self.plain.resolve(props.get("Url"))
            host = url.removeprefix("https://") if isinstance(url, str) else None
            host = host or self.placeholder("oidc-url", logical_id)
            arn = f"arn:{p}:iam::{acct}:oidc-provider/{host}"
            return {None: arn, "Arn": arn}
        if kind == "AWS::Cognito::IdentityPool":
            pool = self.placeholder("id", logical_id)
            return {None: pool, "Id": pool}
        if kind == "AWS::IAM::SAMLProvider":
            name = self._name(props, "Name", logical_id)
            arn = f"arn:{p}:iam::{acct}:saml-provider/{name}"
            return {None: arn, "Arn": arn}
        return {}

    def lookup(self, logical_id: str, attribute: str | None) -> str | None:
        """The name (``attribute=None``) or attribute of a resource, when known."""
        return self._ids.get(logical_id, {}).get(attribute)

    def named_arns(self) -> Iterator[tuple[str, str]]:
        """Logical ID, then construct path, with the ARN of each resource whose ARN is
        known (a topic's ``Ref`` is its ARN), for ``--resource`` to name it."""
        for logical_id, resource in self.stack.resources.items():
            arn = self.lookup(logical_id, "Arn") or self.lookup(logical_id, "PolicyArn")
            if (
                arn is None
                and isinstance(resource, Mapping)
                and resource.get("Type") == "AWS::SNS::Topic"
            ):
                arn = self.lookup(logical_id, None)
            if arn is not None:
                yield logical_id, arn
                yield strip_resource(self.stack.path_of(logical_id)), arn

    # -- resolution ---------------------------------------------------------------------

    def _prepare(self, value: Any) -> Any:
        """Replace references to resources of this stack by their names and ARNs."""
        if isinstance(value, Mapping):
            if len(value) == 1:
                (key, arg) = next(iter(value.items()))
                if key == "Ref" and isinstance(arg, str):
                    if arg == "AWS::Partition":
                        return self.partition
                    found = self.lookup(arg, None)
                    return found if found is not None else value
                if key == "Fn::GetAtt":
                    parts = arg.split(".", 1) if isinstance(arg, str) else arg
                    if isinstance(parts, list) and len(parts) == 2:
                        found = self.lookup(str(parts[0]), str(parts[1]))
                        if found is not None:
                            return found
                    return value
                if key == "Fn::Sub":
                    if isinstance(arg, str):
                        return {"Fn::Sub": self._sub_text(arg)}
                    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
                        return {"Fn::Sub": [self._sub_text(arg[0]), self._prepare(arg[1])]}
                    return value
            return {k: self._prepare(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._prepare(v) for v in value]
        return value

    def _sub_text(self, text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if name == "AWS::Partition":
                return self.partition
            logical, _, attribute = name.partition(".")
            found = self.lookup(logical, attribute or None)
            return found if found is not None else match.group(0)

        return re.sub(r"\$\{([^}!][^}]*)\}", replace, text)

    def resolve(self, value: Any) -> Any:
        """Resolve ``value`` with names of this stack's resources filled in."""
        return self.plain.resolve(self._prepare(value))

    def document(
        self, raw: Any, kind: DocumentKind, where: str, notes: list[str], *, optional: bool = False
    ) -> ReadDocument:
        """A policy document of this stack, read (see :func:`read_document`)."""
        return read_document(
            raw, self.plain, self._prepare, kind=kind, where=where, notes=notes, optional=optional
        )


def strip_resource(path: str) -> str:
    return path[: -len("/Resource")] if path.endswith("/Resource") else path
