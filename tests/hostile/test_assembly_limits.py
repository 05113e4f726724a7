"""Cloud assemblies: paths stay inside the folder, cycles are reported, walks are bounded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hostile_files import ROLE, TEMPLATE

from cdk_iam_roles import cfn_assembly
from cdk_iam_roles.cfn import load_stacks
from cdk_iam_roles.cfn_files import MAX_NESTING
from cdk_iam_roles.errors import InputError


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def stack(template_file: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "aws:cloudformation:stack",
        "environment": "aws://111111111111/eu-west-1",
        "properties": {"templateFile": template_file},
        **extra,
    }


def stage(directory: str, name: str = "Stage") -> dict[str, Any]:
    return {
        "type": "cdk:cloud-assembly",
        "displayName": name,
        "properties": {"directoryName": directory},
    }


def manifest(folder: Path, **artifacts: Any) -> Path:
    write(folder / "manifest.json", {"version": "36.0.0", "artifacts": artifacts})
    return folder


def nested(asset_path: str) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudFormation::Stack",
        "Metadata": {"aws:asset:path": asset_path},
        "Properties": {"TemplateURL": "https://example.com/t.json"},
    }


class TestPathsStayInside:
    @pytest.fixture
    def outside(self, tmp_path: Path) -> Path:
        return write(tmp_path / "elsewhere" / "Open.template.json", TEMPLATE)

    def test_dot_dot(self, tmp_path: Path, outside: Path) -> None:
        out = manifest(tmp_path / "cdk.out", Open=stack("../elsewhere/Open.template.json"))
        with pytest.raises(
            InputError,
            match=r"manifest.json: artifact 'Open' templateFile '../elsewhere/Open.template.json' "
            r"leads outside the cloud assembly folder",
        ):
            load_stacks(out)

    def test_absolute_path(self, tmp_path: Path, outside: Path) -> None:
        out = manifest(tmp_path / "cdk.out", Open=stack(str(outside)))
        with pytest.raises(InputError, match="is an absolute path"):
            load_stacks(out)

    def test_symlink_pointing_out(self, tmp_path: Path, outside: Path) -> None:
        out = manifest(tmp_path / "cdk.out", Open=stack("Open.template.json"))
        (out / "Open.template.json").symlink_to(outside)
        with pytest.raises(InputError, match="leads outside the cloud assembly folder"):
            load_stacks(out)

    def test_symlink_inside_and_the_assembly_itself_a_symlink_are_fine(
        self, tmp_path: Path
    ) -> None:
        real = manifest(tmp_path / "real.out", Open=stack("link.json"))
        write(real / "t" / "Open.template.json", TEMPLATE)
        (real / "link.json").symlink_to(real / "t" / "Open.template.json")
        (tmp_path / "cdk.out").symlink_to(real)
        (loaded,) = load_stacks(tmp_path / "cdk.out")
        assert loaded.name == "Open"
        assert "Open" in loaded.resources

    def test_additional_metadata_file(self, tmp_path: Path, outside: Path) -> None:
        out = manifest(
            tmp_path / "cdk.out",
            Open=stack(
                "Open.template.json", additionalMetadataFile="../elsewhere/Open.template.json"
            ),
        )
        write(out / "Open.template.json", TEMPLATE)
        with pytest.raises(InputError, match=r"additionalMetadataFile .* leads outside"):
            load_stacks(out)

    def test_nested_stack_asset_path(self, tmp_path: Path, outside: Path) -> None:
        out = manifest(tmp_path / "cdk.out", Parent=stack("Parent.template.json"))
        write(
            out / "Parent.template.json",
            {"Resources": {"Inner": nested("../elsewhere/Open.template.json")}},
        )
        with pytest.raises(InputError, match=r"Parent\.template\.json: Inner: aws:asset:path"):
            load_stacks(out)

    def test_asset_manifest_source_path(self, tmp_path: Path, outside: Path) -> None:
        out = manifest(tmp_path / "cdk.out", Parent=stack("Parent.template.json"))
        url = {"Fn::Join": ["", ["https://s3.", {"Ref": "AWS::URLSuffix"}, "/b/abc.json"]]}
        write(
            out / "Parent.template.json",
            {
                "Resources": {
                    "Inner": {
                        "Type": "AWS::CloudFormation::Stack",
                        "Properties": {"TemplateURL": url},
                    }
                }
            },
        )
        write(out / "Parent.assets.json", {"files": {"abc": {"source": {"path": str(outside)}}}})
        with pytest.raises(
            InputError, match=r"Parent.assets.json: an asset's source path '/.*' is an absolute"
        ):
            load_stacks(out)

    def test_a_stage_may_use_a_file_of_the_top_folder(self, tmp_path: Path) -> None:
        # The CDK writes a stage's assets into the top folder (../asset.* from the stage).
        out = manifest(tmp_path / "cdk.out", Prod=stage("assembly-Prod", "Prod"))
        manifest(
            out / "assembly-Prod", Parent=stack("Parent.template.json", displayName="Prod/Parent")
        )
        write(
            out / "assembly-Prod" / "Parent.template.json",
            {"Resources": {"Inner": nested("../Inner.json")}},
        )
        write(out / "Inner.json", TEMPLATE)
        assert [s.name for s in load_stacks(out)] == ["Prod/Parent", "Prod/Parent/Inner"]


class TestCycles:
    def test_a_stage_that_is_its_own_folder(self, tmp_path: Path) -> None:
        out = manifest(tmp_path / "cdk.out", Me=stage("."))
        with pytest.raises(
            InputError, match=r"directoryName '.' makes the stage contain itself \(. -> .\)"
        ):
            load_stacks(out)

    def test_stage_a_b_a(self, tmp_path: Path) -> None:
        out = manifest(tmp_path / "cdk.out", A=stage("a"))
        manifest(out / "a", B=stage("../b"))
        manifest(out / "b", A=stage("../a"))
        with pytest.raises(InputError, match=r"\(. -> a -> b -> a\)"):
            load_stacks(out)

    def test_one_folder_named_twice(self, tmp_path: Path) -> None:
        out = manifest(tmp_path / "cdk.out", A=stage("a"), B=stage("./a"))
        manifest(out / "a", Open=stack("Open.template.json"))
        write(out / "a" / "Open.template.json", TEMPLATE)
        with pytest.raises(
            InputError, match="artifact 'B' directoryName names a folder read already"
        ):
            load_stacks(out)

    def test_a_nested_stack_that_names_its_own_template(self, tmp_path: Path) -> None:
        out = manifest(tmp_path / "cdk.out", Parent=stack("Parent.template.json"))
        write(
            out / "Parent.template.json", {"Resources": {"Again": nested("Parent.template.json")}}
        )
        with pytest.raises(
            InputError,
            match=r"nested stack 'Again' contains itself "
            r"\(Parent.template.json -> Parent.template.json\)",
        ):
            load_stacks(out)

    def test_nested_stacks_a_b_a(self, tmp_path: Path) -> None:
        out = manifest(tmp_path / "cdk.out", Parent=stack("Parent.template.json"))
        write(out / "Parent.template.json", {"Resources": {"A": nested("a.json")}})
        write(out / "a.json", {"Resources": {"Open": ROLE, "B": nested("b.json")}})
        write(out / "b.json", {"Resources": {"A": nested("a.json")}})
        with pytest.raises(
            InputError, match=r"\(Parent.template.json -> a.json -> b.json -> a.json\)"
        ):
            load_stacks(out)

    def test_one_nested_template_shared_by_two_stacks_is_read_for_each(
        self, tmp_path: Path
    ) -> None:
        # Identical nested stacks share one asset (same hash): not a cycle.
        out = manifest(tmp_path / "cdk.out", Parent=stack("Parent.template.json"))
        write(
            out / "Parent.template.json",
            {"Resources": {"A": nested("n.json"), "B": nested("n.json")}},
        )
        write(out / "n.json", TEMPLATE)
        assert [s.name for s in load_stacks(out)] == ["Parent", "Parent/A", "Parent/B"]


class TestBounds:
    def test_stages_nested_too_deep(self, tmp_path: Path) -> None:
        folder = out = tmp_path / "cdk.out"
        for _ in range(MAX_NESTING + 1):
            manifest(folder, S=stage("s"))
            folder = folder / "s"
        manifest(folder)
        with pytest.raises(InputError, match=f"stages nested deeper than {MAX_NESTING}"):
            load_stacks(out)

    def test_nested_stacks_nested_too_deep(self, tmp_path: Path) -> None:
        out = manifest(tmp_path / "cdk.out", Parent=stack("Parent.template.json"))
        write(out / "Parent.template.json", {"Resources": {"N": nested("n0.json")}})
        for level in range(MAX_NESTING + 2):
            write(out / f"n{level}.json", {"Resources": {"N": nested(f"n{level + 1}.json")}})
        with pytest.raises(InputError, match=f"nested stacks nested deeper than {MAX_NESTING}"):
            load_stacks(out)

    def test_too_many_stacks(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(cfn_assembly, "MAX_STACKS", 50)
        out = manifest(tmp_path / "cdk.out", Parent=stack("Parent.template.json"))
        write(out / "Parent.template.json", {"Resources": {"N": nested("n0.json")}})
        for level in range(10):  # 2**10 stacks
            write(
                out / f"n{level}.json",
                {"Resources": {f"S{i}": nested(f"n{level + 1}.json") for i in range(2)}},
            )
        write(out / "n10.json", TEMPLATE)
        with pytest.raises(InputError, match="more than 50 stacks"):
            load_stacks(out)

    def test_malformed_manifests(self, tmp_path: Path) -> None:
        out = manifest(
            tmp_path / "a.out", Open={"type": "aws:cloudformation:stack", "properties": []}
        )
        with pytest.raises(InputError, match="holds no stack templates"):
            load_stacks(out)
        write(tmp_path / "b.out" / "manifest.json", {"artifacts": []})
        with pytest.raises(InputError, match="artifacts is not a mapping"):
            load_stacks(tmp_path / "b.out")
        (tmp_path / "c.out").mkdir()
        (tmp_path / "c.out" / "manifest.json").write_text("[" * 100_000)
        with pytest.raises(InputError, match=r"nested deeper than 128 levels"):
            load_stacks(tmp_path / "c.out")


def test_a_nul_character_in_a_manifest_path(tmp_path: Path) -> None:
    out = manifest(tmp_path / "cdk.out", Open=stack("Open\x00.template.json"))
    with pytest.raises(InputError, match=r"templateFile 'Open\\x00.template.json' holds a NUL"):
        load_stacks(out)
