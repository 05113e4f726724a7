"""Pairs synthesized from this library's real constructs, compared with ``diff``.

GIVEN the same stack built twice with one argument changed, WHEN the two templates are
diffed, THEN the verdict matches what the argument means.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from cdk_iam_roles import CrossAccountRole, GitHubActions, WebIdentityRole
from cdk_iam_roles.testing import assert_no_external_access, assert_no_new_access
from helpers import ACCOUNT, new_stack, synth


def _build(make: Callable[[cdk.Stack], Any]) -> dict[str, Any]:
    stack = new_stack("Shop")
    make(stack)
    return synth(stack)


def _deploy(branches: list[str]) -> Callable[[cdk.Stack], Any]:
    def make(stack: cdk.Stack) -> None:
        WebIdentityRole(
            stack, "Deploy", identity=GitHubActions(owner="acme", repo="shop", branches=branches)
        )

    return make


def test_a_branch_glob_added_by_the_construct_is_new_access() -> None:
    base = _build(_deploy(["main"]))
    head = _build(_deploy(["main", "release/*"]))
    assert_no_new_access(base, base, account=ACCOUNT)
    with pytest.raises(AssertionError, match="can now assume") as caught:
        assert_no_new_access(base, head, account=ACCOUNT)
    assert "repo:acme/shop:ref:refs/heads/release/" in str(caught.value)
    assert_no_new_access(head, base, account=ACCOUNT)


def test_dropping_the_external_id_of_a_cross_account_role_is_new_access() -> None:
    def vendor(external_ids: list[str] | None) -> Callable[[cdk.Stack], Any]:
        def make(stack: cdk.Stack) -> None:
            CrossAccountRole(
                stack, "Vendor", trusted_accounts=["222222222222"], external_ids=external_ids
            )

        return make

    base = _build(vendor(["customer-7f3a9c"]))
    head = _build(vendor(None))
    with pytest.raises(AssertionError, match="sts:AssumeRole"):
        assert_no_new_access(base, head, account=ACCOUNT)
    assert_no_new_access(head, base, account=ACCOUNT)
    with pytest.raises(AssertionError, match="222222222222"):
        assert_no_external_access(base, account=ACCOUNT)
    assert len(assert_no_external_access(base, trusted_accounts=["222222222222"])) == 1


def test_a_grant_widened_from_read_to_read_write_is_new_access() -> None:
    def bucket(write: bool) -> Callable[[cdk.Stack], Any]:
        def make(stack: cdk.Stack) -> None:
            role = iam.Role(
                stack, "Worker", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
            )
            store = s3.Bucket(stack, "Store", bucket_name="acme-store")
            if write:
                store.grant_read_write(role)
            else:
                store.grant_read(role)

        return make

    base, head = _build(bucket(False)), _build(bucket(True))
    with pytest.raises(AssertionError, match="permissions: new-access") as caught:
        assert_no_new_access(base, head, account=ACCOUNT)
    assert "acme-store" in str(caught.value)
    assert_no_new_access(head, base, account=ACCOUNT)
