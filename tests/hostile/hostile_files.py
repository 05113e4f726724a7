"""A directory of hostile inputs, written by the tests (nothing is checked in).

Each entry is a path to hand to a command as ``PATH`` and a fragment that the one-line
message must contain, so the test proves the input was refused for the right reason
(not merely refused). Templates are small and valid except for the one hostile trait,
so that a refusal cannot come from something else.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdk_iam_roles.cfn_files import MAX_FILE_BYTES

ROLE = {
    "Type": "AWS::IAM::Role",
    "Properties": {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    },
}
"""An anyone-can-assume role: a reader that skipped a template would report it clean."""

TEMPLATE = {"Resources": {"Open": ROLE}}

# TEMPLATE in YAML, its role's properties open at the end for one more line.
_OPEN_YAML = """Resources:
  Open:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - {Effect: Allow, Principal: {AWS: "*"}, Action: sts:AssumeRole}
"""


@dataclass(frozen=True)
class Hostile:
    """One hostile input: where it is and what the refusal must say."""

    path: Path
    says: str


def _write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def _stack(artifact_id: str, template_file: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "aws:cloudformation:stack",
        "environment": "aws://111111111111/eu-west-1",
        "properties": {"templateFile": template_file},
        **extra,
    }


def _assembly(folder: Path, artifacts: dict[str, Any]) -> Path:
    _write(folder / "manifest.json", {"version": "36.0.0", "artifacts": artifacts})
    return folder


def _stage(directory: str) -> dict[str, Any]:
    return {"type": "cdk:cloud-assembly", "properties": {"directoryName": directory}}


def _nested_ref(asset_path: str) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudFormation::Stack",
        "Metadata": {"aws:asset:path": asset_path},
        "Properties": {"TemplateURL": "https://example.com/x.json"},
    }


def billion_laughs() -> str:
    """Nine levels of nine aliases: about 400 bytes that expand to 387 million values."""
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        refs = ",".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    lines.append("Resources:\n  Open:\n    Type: AWS::IAM::Role\n    Properties:\n      Tags: *l8")
    return "\n".join(lines) + "\n"


def build(root: Path) -> dict[str, Hostile]:
    """Write every hostile input under ``root``; name → input."""
    root.mkdir(parents=True, exist_ok=True)
    out: dict[str, Hostile] = {}
    outside = _write(root / "outside" / "Open.template.json", TEMPLATE)

    def add(name: str, path: Path, says: str) -> None:
        out[name] = Hostile(path, says)

    add("alias-bomb", _write(root / "bomb.yaml", billion_laughs()), "YAML aliases expand")
    add(
        "recursive-alias",
        _write(root / "recursive.yaml", "Resources: &r\n  Open: *r\n"),
        "refers to a node that contains it",
    )
    add(
        "deep-json",
        _write(root / "deep.json", '{"Resources": ' + "[" * 50_000 + "]" * 50_000 + "}"),
        "nested deeper than 128 levels",
    )
    add(
        "deep-json-200",  # deep, yet within what Python's own parser survives
        _write(root / "deep200.json", '{"Resources": {"A": ' + "[" * 200 + "]" * 200 + "}}"),
        "nested deeper than 128 levels",
    )
    add(
        "deep-yaml",
        _write(root / "deep.yaml", "Resources: " + "[" * 50_000 + "]" * 50_000 + "\n"),
        "nested deeper than 128 levels",
    )
    add(
        "deep-yaml-block",
        _write(
            root / "deep-block.yaml",
            "Resources:\n" + "".join(" " * n + f"k{n}:\n" for n in range(1, 300)) + "  x\n",
        ),
        "nested deeper than 128 levels",
    )
    huge = root / "huge.json"
    with huge.open("wb") as f:  # valid JSON, one byte too many
        head = b'{"Resources": {}, "Description": "'
        f.write(head + b"x" * (MAX_FILE_BYTES - len(head) - 1) + b'"}')
    add("huge-file", huge, "more than the 8,388,608 bytes")
    many = "Resources:\n  R:\n    Type: X\n    Properties:\n      L: [" + "1," * 250_000 + "1]\n"
    add("many-yaml-values", _write(root / "many.yaml", many), "more than 200,000 YAML values")
    fifo = root / "fifo.json"
    os.mkfifo(fifo)
    add("fifo", fifo, "is a FIFO (named pipe), not a template file")
    zero = root / "zero.json"
    zero.symlink_to("/dev/zero")
    add("dev-zero-symlink", zero, "is a character device, not a template file")
    loop_a, loop_b = root / "loop-a.json", root / "loop-b.json"
    loop_a.symlink_to(loop_b)
    loop_b.symlink_to(loop_a)
    add("symlink-loop", loop_a, "symlink loop")
    add(
        "binary-garbage",
        _write(root / "garbage.json", random.Random(7).randbytes(4096)),
        "NUL bytes",
    )
    add(
        "latin-1",
        _write(root / "latin1.yaml", "Description: caf\xe9\nResources: {}\n".encode("latin-1")),
        "is not UTF-8 text (byte 0xe9",
    )
    add(
        "utf-16",
        _write(root / "utf16.json", json.dumps(TEMPLATE).encode("utf-16")),
        "UTF-16 or UTF-32",
    )
    add("empty-file", _write(root / "empty.json", ""), "is empty")
    add(
        "resources-42",
        _write(root / "resources42.yaml", "Resources: 42\n"),
        "Resources is a number",
    )
    add(
        "top-level-list",
        _write(root / "list.json", [TEMPLATE]),
        "the top level is not a mapping",
    )
    add("yaml-set-tag", _write(root / "set.yaml", "Resources: !!set {a, b}\n"), "!!set")
    add(
        "yaml-python-tag",
        _write(root / "python.yaml", "Resources: !!python/object/apply:os.system [id]\n"),
        "uses the YAML tag !!python/object/apply:os.system, which CloudFormation does not",
    )
    add(
        "yaml-python-object",
        _write(root / "pyobject.yaml", _OPEN_YAML + "      Tags: !!python/object:os.system x\n"),
        "uses the YAML tag !!python/object:os.system, which CloudFormation does not support",
    )
    add(
        "yaml-unknown-short-form",
        _write(root / "tag.yaml", _OPEN_YAML + "      RoleName: !Tag x\n"),
        "uses the YAML tag !Tag, which is not a CloudFormation intrinsic function",
    )
    add(
        "yaml-duplicate-key",
        _write(
            root / "dupkey.yaml",
            _OPEN_YAML.replace("{Effect: Allow", "{Effect: Deny, Effect: Allow"),
        ),
        "the key 'Effect' appears twice in one mapping (first on line",
    )
    add(
        "json-duplicate-key",
        _write(root / "dupkey.json", json.dumps(TEMPLATE)[:-1] + ', "Resources": {}}'),
        "the key 'Resources' appears twice in one JSON object",
    )
    add(
        "yaml-huge-integer",
        _write(root / "bigint.yaml", _OPEN_YAML + "      MaxSessionDuration: " + "9" * 5000 + "\n"),
        "holds a number with too many digits",
    )
    add(
        "huge-integer",
        _write(root / "bigint.json", '{"Resources": {}, "N": ' + "9" * 5000 + "}"),
        "holds a number with too many digits",
    )
    add("folder-as-template", root / "outside", "not a cloud assembly (no manifest.json)")
    add(
        "newline-in-name",
        _write(root / "new\nline.json", "{"),
        "neither JSON nor YAML",
    )
    add("missing", root / "nope.json", "no such file or folder")

    # Cloud assemblies.
    add(
        "manifest-dotdot",
        _assembly(
            root / "dotdot.out",
            {"Open": _stack("Open", "../outside/Open.template.json")},
        ),
        "leads outside the cloud assembly folder",
    )
    add(
        "manifest-absolute",
        _assembly(root / "absolute.out", {"Open": _stack("Open", str(outside))}),
        "is an absolute path",
    )
    link_out = root / "link.out"
    _assembly(link_out, {"Open": _stack("Open", "Open.template.json")})
    (link_out / "Open.template.json").symlink_to(outside)
    add("symlink-out", link_out, "leads outside the cloud assembly folder")
    add(
        "metadata-file-dotdot",
        _assembly(
            _write_dir(root / "meta.out", {"Open.template.json": TEMPLATE}),
            {
                "Open": _stack(
                    "Open",
                    "Open.template.json",
                    additionalMetadataFile="../../../etc/passwd",
                )
            },
        ),
        "additionalMetadataFile '../../../etc/passwd' leads outside",
    )
    add(
        "assembly-contains-itself",
        _assembly(root / "self.out", {"Me": _stage(".")}),
        "makes the stage contain itself (. -> .)",
    )
    cycle = root / "cycle.out"
    _assembly(cycle, {"A": _stage("assembly-A")})
    _assembly(cycle / "assembly-A", {"B": _stage("../assembly-B")})
    _assembly(cycle / "assembly-B", {"A": _stage("../assembly-A")})
    add("stage-cycle", cycle, "(. -> assembly-A -> assembly-B -> assembly-A)")
    nested_self = root / "nested-self.out"
    _write_dir(
        nested_self,
        {
            "Parent.template.json": {"Resources": {"Inner": _nested_ref("Inner.nested.json")}},
            "Inner.nested.json": {
                "Resources": {"Open": ROLE, "Again": _nested_ref("Inner.nested.json")}
            },
        },
    )
    _assembly(nested_self, {"Parent": _stack("Parent", "Parent.template.json")})
    add("nested-stack-contains-itself", nested_self, "nested stack 'Again' contains itself")
    nested_out = root / "nested-out.out"
    _write_dir(
        nested_out,
        {
            "Parent.template.json": {
                "Resources": {"Inner": _nested_ref("../outside/Open.template.json")}
            }
        },
    )
    _assembly(nested_out, {"Parent": _stack("Parent", "Parent.template.json")})
    add("nested-stack-path-out", nested_out, "aws:asset:path '../outside/Open.template.json'")
    asset_out = root / "asset-out.out"
    _write_dir(
        asset_out,
        {
            "Parent.template.json": {
                "Resources": {
                    "Inner": {
                        "Type": "AWS::CloudFormation::Stack",
                        "Properties": {"TemplateURL": "https://s3.example.com/b/abc123.json"},
                    }
                }
            },
            "Parent.assets.json": {
                "files": {"abc123": {"source": {"path": "../outside/Open.template.json"}}}
            },
        },
    )
    _assembly(asset_out, {"Parent": _stack("Parent", "Parent.template.json")})
    add("asset-path-out", asset_out, "an asset's source path '../outside/Open.template.json'")
    fan = root / "fan-out.out"
    files: dict[str, Any] = {"Parent.template.json": {"Resources": {"N": _nested_ref("n0.json")}}}
    for level in range(20):  # 2**20 stacks if nothing stopped it
        child = {f"S{i}": _nested_ref(f"n{level + 1}.json") for i in range(2)}
        files[f"n{level}.json"] = {"Resources": child}
    files["n20.json"] = TEMPLATE
    _assembly(_write_dir(fan, files), {"Parent": _stack("Parent", "Parent.template.json")})
    add("nested-stack-fan-out", fan, "more than 10,000 stacks")
    fifo_tpl = root / "fifo-template.out"
    _assembly(fifo_tpl, {"Open": _stack("Open", "Open.template.json")})
    os.mkfifo(fifo_tpl / "Open.template.json")
    add("template-is-a-fifo", fifo_tpl, "is a FIFO (named pipe), not a template file")
    fifo_manifest = root / "fifo-manifest.out"
    fifo_manifest.mkdir()
    os.mkfifo(fifo_manifest / "manifest.json")
    add(
        "manifest-is-a-fifo", fifo_manifest, "is a FIFO (named pipe), not a cloud assembly manifest"
    )
    dir_tpl = root / "dir-template.out"
    _assembly(dir_tpl, {"Open": _stack("Open", "Open.template.json")})
    (dir_tpl / "Open.template.json").mkdir()
    add("template-is-a-folder", dir_tpl, "is a folder, not a template file")
    assets_fifo = root / "assets-fifo.out"
    _write_dir(
        assets_fifo,
        {
            "Parent.template.json": {
                "Resources": {
                    "Inner": {
                        "Type": "AWS::CloudFormation::Stack",
                        "Properties": {"TemplateURL": "https://s3.example.com/b/abc123.json"},
                    }
                }
            }
        },
    )
    _assembly(assets_fifo, {"Parent": _stack("Parent", "Parent.template.json")})
    os.mkfifo(assets_fifo / "Parent.assets.json")
    add("asset-manifest-is-a-fifo", assets_fifo, "is a FIFO (named pipe), not an asset manifest")
    add(
        "manifest-properties-a-list",
        _assembly(
            root / "props-list.out",
            {"Open": {"type": "aws:cloudformation:stack", "properties": []}},
        ),
        "holds no stack templates",
    )
    add(
        "manifest-deep",
        _write_dir(root / "manifest-deep.out", {"manifest.json": "[" * 50_000 + "]" * 50_000}),
        "nested deeper than 128 levels",
    )
    return out


def odd_but_readable(root: Path) -> dict[str, Path]:
    """Templates with a resource CloudFormation would refuse (a ``Type`` that is a list,
    a resource that is a number) beside an anyone-can-assume role: the odd resource is
    skipped, the role is still checked."""
    root.mkdir(parents=True, exist_ok=True)
    odd = {
        "type-is-a-list": {"Odd": {**ROLE, "Type": ["AWS::IAM::Role"]}},
        "type-is-a-mapping": {"Odd": {**ROLE, "Type": {"Ref": "T"}}},
        "resource-is-a-number": {"Odd": 42},
        "resource-is-a-list": {"Odd": [ROLE]},
    }
    return {
        name: _write(root / f"{name}.json", {"Resources": {**resources, "Open": ROLE}})
        for name, resources in odd.items()
    }


def _write_dir(folder: Path, files: dict[str, Any]) -> Path:
    for name, data in files.items():
        _write(folder / name, data)
    return folder
