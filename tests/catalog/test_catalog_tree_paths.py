"""Construct paths from ``tree.json`` when the assembly's metadata is absent.

The catalog's synthesized app is read twice: as synthesized (paths from the manifest's
metadata, the reference) and with every metadata source removed (``*.metadata.json``,
the manifest's ``metadata`` and ``additionalMetadataFile``), where the paths must come
from ``tree.json`` and be the same.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from synth_app import synth_assembly

from cdk_iam_roles.cfn import load_stacks
from cdk_iam_roles.cfn_tree import derived_logical_id


@pytest.fixture(scope="module")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synth_assembly(tmp_path_factory.mktemp("tree") / "cdk.out")


def strip_metadata(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    for file in target.rglob("*.metadata.json"):
        file.unlink()
    for manifest_file in target.rglob("manifest.json"):
        manifest = json.loads(manifest_file.read_text())
        for artifact in manifest.get("artifacts", {}).values():
            artifact.pop("metadata", None)
            artifact.pop("additionalMetadataFile", None)
        manifest_file.write_text(json.dumps(manifest))
    return target


def test_paths_come_from_the_tree_when_metadata_is_absent(assembly: Path, tmp_path: Path) -> None:
    reference = {s.name: s.paths for s in load_stacks(assembly)}
    stripped = strip_metadata(assembly, tmp_path / "cdk.out")
    stacks = load_stacks(stripped)
    assert [s.name for s in stacks] == list(reference)
    roles = 0
    for stack in stacks:
        for logical_id, _ in stack.resources_of_type("AWS::IAM::Role"):
            roles += 1
            assert stack.paths.get(logical_id) == reference[stack.name][logical_id]
        # Nothing is named that the metadata does not name the same way.
        for logical_id, path in stack.paths.items():
            assert reference[stack.name].get(logical_id) == path
    assert roles > 10


def test_without_a_tree_the_paths_stay_unknown(assembly: Path, tmp_path: Path) -> None:
    stripped = strip_metadata(assembly, tmp_path / "cdk.out")
    (stripped / "tree.json").unlink()
    for stack in load_stacks(stripped):
        assert stack.paths == {}


def test_a_renamed_or_retyped_resource_is_not_guessed(assembly: Path, tmp_path: Path) -> None:
    stripped = strip_metadata(assembly, tmp_path / "cdk.out")
    (platform,) = [s for s in load_stacks(stripped) if s.name == "Platform"]
    logical_id, _ = next(iter(platform.resources_of_type("AWS::IAM::Role")))
    template_file = stripped / "Platform.template.json"
    template = json.loads(template_file.read_text())
    # overrideLogicalId-style rename, and a resource whose type differs from the tree's.
    template["Resources"]["Renamed"] = template["Resources"].pop(logical_id)
    other = next(k for k, v in template["Resources"].items() if v["Type"] == "AWS::IAM::Role")
    template["Resources"][other]["Type"] = "AWS::IAM::User"
    template_file.write_text(json.dumps(template))
    (platform,) = [s for s in load_stacks(stripped) if s.name == "Platform"]
    assert "Renamed" not in platform.paths
    assert other not in platform.paths


def test_a_broken_tree_only_loses_the_paths(assembly: Path, tmp_path: Path) -> None:
    stripped = strip_metadata(assembly, tmp_path / "cdk.out")
    (stripped / "tree.json").write_text('{"tree": ')
    assert all(s.paths == {} for s in load_stacks(stripped))


def test_derived_logical_ids_follow_cdk() -> None:
    # Values of real synthesized templates (tests/catalog/test_catalog_who_is_human.py).
    assert derived_logical_id(["Pipeline", "Role", "Resource"]) == "PipelineRoleD68726F7"
    assert derived_logical_id(["Sources", "Resource"]) is not None
    assert derived_logical_id(["Bucket"]) == "Bucket"
    assert derived_logical_id(["Default"]) is None
    assert derived_logical_id([]) is None
