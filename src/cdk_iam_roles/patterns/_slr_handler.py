"""Lambda handler behind ``ServiceLinkedRole(if_exists="adopt")``.

This file is shipped to Lambda as inline code (it uses only the Lambda runtime's boto3
and the standard library), and is never imported by the library. It creates the
service-linked role, or adopts it when the account already has it ("has been taken in
this account"), and on stack deletion deletes only a role it created itself.
https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html

It answers CloudFormation itself (a PUT of the response to the pre-signed URL), so no
provider framework with functions and roles of its own is needed.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
"""

import json
import urllib.request
from typing import Any

import boto3  # type: ignore[import-not-found]
from botocore.exceptions import ClientError  # type: ignore[import-not-found]

iam = boto3.client("iam")


def _role_name(service: str, suffix: str | None) -> tuple[str, str]:
    prefix = f"/aws-service-role/{service}/"
    for page in iam.get_paginator("list_roles").paginate(PathPrefix=prefix):
        for role in page["Roles"]:
            if suffix is None or role["RoleName"].endswith("_" + suffix):
                return str(role["RoleName"]), str(role["Arn"])
    raise RuntimeError(f"no service-linked role of {service} found to adopt")


def _handle(event: dict[str, Any]) -> dict[str, Any]:
    props = event["ResourceProperties"]
    service, suffix = props["ServiceName"], props.get("CustomSuffix") or None
    request = event["RequestType"]
    physical = event.get("PhysicalResourceId", "")
    if request == "Delete":
        if physical.startswith("created:"):
            try:
                iam.delete_service_linked_role(RoleName=physical.split(":", 1)[1])
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "NoSuchEntity":
                    raise
        return {"PhysicalResourceId": physical}
    old = event.get("OldResourceProperties") or {}
    if request == "Update" and (old.get("ServiceName"), old.get("CustomSuffix") or None) == (
        service,
        suffix,
    ):
        name = physical.split(":", 1)[1]
        arn = iam.get_role(RoleName=name)["Role"]["Arn"]
        return {"PhysicalResourceId": physical, "Data": {"RoleName": name, "Arn": arn}}
    args: dict[str, str] = {"AWSServiceName": service}
    if suffix:
        args["CustomSuffix"] = suffix
    if props.get("Description"):
        args["Description"] = props["Description"]
    try:
        role = iam.create_service_linked_role(**args)["Role"]
        state, name, arn = "created", role["RoleName"], role["Arn"]
    except ClientError as exc:
        message = exc.response["Error"].get("Message", "")
        if exc.response["Error"]["Code"] != "InvalidInput" or "has been taken" not in message:
            raise
        name, arn = _role_name(service, suffix)
        state = "adopted"
    return {"PhysicalResourceId": f"{state}:{name}", "Data": {"RoleName": name, "Arn": arn}}


def _respond(event: dict[str, Any], status: str, result: dict[str, Any], reason: str) -> None:
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason[:1000],
            "PhysicalResourceId": result.get("PhysicalResourceId")
            or event.get("PhysicalResourceId")
            or event["LogicalResourceId"],
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
            "Data": result.get("Data", {}),
        }
    ).encode()
    request = urllib.request.Request(
        event["ResponseURL"],
        data=body,
        method="PUT",
        headers={"content-type": "", "content-length": str(len(body))},
    )
    with urllib.request.urlopen(request, timeout=30):
        pass


def handler(event: dict[str, Any], context: Any) -> None:
    try:
        result = _handle(event)
    except Exception as exc:  # every failure must reach CloudFormation, or it waits an hour
        _respond(event, "FAILED", {}, f"{type(exc).__name__}: {exc}")
        return
    _respond(event, "SUCCESS", result, "")
