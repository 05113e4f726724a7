"""The reader's limits, one at a time: file kinds, size, encoding, nesting, YAML."""

from __future__ import annotations

import errno
import json
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hostile_files import billion_laughs

from cdk_iam_roles import cfn_files
from cdk_iam_roles.analysis.assembly import load_app
from cdk_iam_roles.cfn import StackTemplate, load_stacks, load_template
from cdk_iam_roles.cfn_files import (
    MAX_ALIAS_VALUES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_YAML_VALUES,
    parse_template_text,
    read_text,
)
from cdk_iam_roles.errors import InputError


def finishes(action: Callable[[], Any], seconds: float = 5.0) -> Any:
    """Run ``action`` in a thread; fail (instead of hanging the suite) if it blocks."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = action()
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s (blocked?)"
    if "error" in result:
        raise result["error"]
    return result.get("value")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


class TestYamlAsCloudFormationReadsIt:
    def test_an_unquoted_date_stays_a_string(self, tmp_path: Path) -> None:
        file = write(
            tmp_path / "t.yaml",
            "AWSTemplateFormatVersion: 2010-09-09\nResources:\n  R:\n    Type: AWS::IAM::Role\n"
            "    Properties:\n      AssumeRolePolicyDocument:\n        Version: 2012-10-17\n"
            "        Statement: []\n",
        )
        template = load_template(file).template
        assert template["AWSTemplateFormatVersion"] == "2010-09-09"
        document = template["Resources"]["R"]["Properties"]["AssumeRolePolicyDocument"]
        assert document["Version"] == "2012-10-17"
        # Nothing else changed: the PyYAML loaders still resolve dates for other users.
        import yaml

        assert not isinstance(yaml.safe_load("v: 2012-10-17")["v"], str)

    def test_mapping_keys_are_strings_as_written(self) -> None:
        data = parse_template_text("Mappings:\n  M:\n    123456789012: a\n    2012-10-17: b\n", "t")
        assert data["Mappings"]["M"] == {"123456789012": "a", "2012-10-17": "b"}

    @pytest.mark.parametrize("tag", ["binary", "omap", "pairs", "set", "timestamp"])
    def test_tags_that_cloudformation_does_not_support_are_refused(self, tag: str) -> None:
        values = {"binary": "aGk=", "timestamp": "2012-10-17", "set": "{a}"}
        text = f"Resources: !!{tag} {values.get(tag, '[{a: 1}]')}\n"
        with pytest.raises(InputError, match=f"uses the YAML tag !!{tag}, which CloudFormation"):
            parse_template_text(text, "t.yaml")

    def test_short_forms_and_scalars_are_unchanged(self) -> None:
        data = parse_template_text(
            "A: !GetAtt Role.Arn\nB: !Sub ['${X}', {X: !Ref P}]\nC: true\nD: 3\nE: ~\n", "t"
        )
        assert data == {
            "A": {"Fn::GetAtt": ["Role", "Arn"]},
            "B": {"Fn::Sub": ["${X}", {"X": {"Ref": "P"}}]},
            "C": True,
            "D": 3,
            "E": None,
        }


class TestYamlAliases:
    def test_a_billion_laughs_fails_at_once_in_one_line(self) -> None:
        text = billion_laughs()
        assert len(text) < 1024
        start = time.perf_counter()
        with pytest.raises(InputError) as caught:
            parse_template_text(text, "bomb.yaml")
        assert time.perf_counter() - start < 1.0
        assert str(caught.value).startswith("bomb.yaml: YAML aliases expand to more than")
        assert "\n" not in str(caught.value)

    def test_aliases_within_the_budget_are_read(self) -> None:
        # An anchored list of 999 values is 1,000 values; ten aliases add 10,000.
        items = ", ".join(["t"] * 999)
        uses = "".join(f"  U{n}: *tags\n" for n in range(10))
        text = f"Defs: &tags [{items}]\nResources:\n{uses}"
        data = parse_template_text(text, "t.yaml")
        assert data["Resources"]["U9"] == ["t"] * 999
        with pytest.raises(InputError, match=f"more than {MAX_ALIAS_VALUES:,} values"):
            parse_template_text(text + "  U10: *tags\n", "t.yaml")

    def test_an_alias_inside_its_own_anchor_is_refused(self) -> None:
        with pytest.raises(InputError, match=r"alias \*r refers to a node that contains it"):
            parse_template_text("Resources: &r\n  Self: *r\n", "t.yaml")


def _nested_json(levels: int) -> str:
    """A template whose deepest list sits ``levels`` containers down (top mapping = 1)."""
    return '{"Resources": {}, "X": ' + "[" * (levels - 1) + "]" * (levels - 1) + "}"


class TestNesting:
    def test_json_at_the_limit_is_read_one_more_is_refused(self) -> None:
        assert parse_template_text(_nested_json(MAX_DEPTH), "t.json")["Resources"] == {}
        StackTemplate.from_template(parse_template_text(_nested_json(MAX_DEPTH), "t"))
        with pytest.raises(InputError, match=f"t.json: nested deeper than {MAX_DEPTH} levels"):
            StackTemplate.from_template(
                parse_template_text(_nested_json(MAX_DEPTH + 1), "t.json"), source="t.json"
            )

    def test_json_nested_50000_deep_is_an_input_error_not_a_recursion_error(self) -> None:
        with pytest.raises(InputError, match="nested deeper than 128 levels"):
            parse_template_text(_nested_json(50_000), "t.json")

    @pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 50_000])
    def test_yaml_too_deep_is_refused(self, levels: int) -> None:
        text = "Resources: {}\nX: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n"
        with pytest.raises(InputError, match="nested deeper than 128 levels"):
            parse_template_text(text, "t.yaml")

    def test_yaml_at_the_limit_is_read(self) -> None:
        text = "Resources: {}\nX: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
        assert parse_template_text(text, "t.yaml")["Resources"] == {}

    def test_a_mapping_handed_in_is_checked_too(self) -> None:
        deep: list[Any] = []
        node = deep
        for _ in range(1000):
            node.append([])
            node = node[0]
        template = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"X": deep}}}}
        with pytest.raises(InputError, match="nested deeper than 128 levels"):
            load_app(template)
        cyclic: dict[str, Any] = {"Resources": {}}
        cyclic["Resources"]["R"] = {"Type": "X", "Properties": cyclic}
        with pytest.raises(InputError, match="nested deeper than 128 levels"):
            StackTemplate.from_template(cyclic)

    def test_many_yaml_values_are_refused_quickly(self) -> None:
        text = "Resources: {}\nL: [" + "1," * MAX_YAML_VALUES + "1]\n"
        start = time.perf_counter()
        with pytest.raises(InputError, match=f"more than {MAX_YAML_VALUES:,} YAML values"):
            parse_template_text(text, "t.yaml")
        assert time.perf_counter() - start < 10


class TestTemplateShape:
    @pytest.mark.parametrize(
        ("resources", "says"),
        [
            (42, "no Resources mapping; Resources is a number"),
            ([], "no Resources mapping; Resources is a list"),
            ("x", "no Resources mapping; Resources is a string"),
        ],
    )
    def test_no_resources_mapping_is_refused(
        self, tmp_path: Path, resources: Any, says: str
    ) -> None:
        file = write(tmp_path / "t.json", json.dumps({"Resources": resources}))
        with pytest.raises(InputError, match=f"^{tmp_path}/t.json: .*{says}"):
            load_template(file)

    def test_odd_resources_are_kept_for_the_rules_to_skip(self, tmp_path: Path) -> None:
        odd = {"R": {"Type": ["AWS::IAM::Role"]}, "N": "not a resource", "T": {"Type": 7}}
        file = write(tmp_path / "t.json", json.dumps({"Resources": odd}))
        stack = load_template(file)
        assert stack.resources == odd
        assert list(stack.resources_of_type("AWS::IAM::Role")) == []
        with pytest.raises(InputError, match="the logical ID 1 is not a string"):
            StackTemplate.from_template({"Resources": {1: {"Type": "X"}}})

    def test_language_extension_loops_are_not_resources(self) -> None:
        template = {
            "Transform": "AWS::LanguageExtensions",
            "Resources": {"Fn::ForEach::Topics": ["N", ["A", "B"], {"T${N}": {"Type": "X"}}]},
        }
        stack = StackTemplate.from_template(template)  # read, not refused
        assert list(stack.resources_of_type("X")) == []  # and not expanded either


class TestFiles:
    def test_a_fifo_is_named_and_never_opened(self, tmp_path: Path) -> None:
        fifo = tmp_path / "t.json"
        os.mkfifo(fifo)
        with pytest.raises(InputError, match=r"t.json: is a FIFO \(named pipe\), not a template"):
            finishes(lambda: load_stacks(fifo))

    def test_devices_sockets_and_folders_are_named(self, tmp_path: Path) -> None:
        zero = tmp_path / "zero.json"
        zero.symlink_to("/dev/zero")
        with pytest.raises(InputError, match="is a character device, not a template file"):
            finishes(lambda: load_template(zero))
        server = socket.socket(socket.AF_UNIX)
        try:
            server.bind(str(tmp_path / "s.json"))
            with pytest.raises(InputError, match="is a socket, not a template file"):
                load_template(tmp_path / "s.json")
        finally:
            server.close()
        (tmp_path / "d.json").mkdir()
        with pytest.raises(InputError, match="is a folder, not a template file"):
            load_template(tmp_path / "d.json")

    def test_a_symlink_loop_is_named(self, tmp_path: Path) -> None:
        (tmp_path / "a.json").symlink_to(tmp_path / "b.json")
        (tmp_path / "b.json").symlink_to(tmp_path / "a.json")
        with pytest.raises(InputError, match="a symlink loop"):
            load_stacks(tmp_path / "a.json")

    def test_no_permission_is_one_line(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        file = write(tmp_path / "t.json", '{"Resources": {}}')

        def refuse(*args: Any, **kwargs: Any) -> int:
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(cfn_files.os, "open", refuse)  # root reads any mode bits
        with pytest.raises(InputError, match=r"t\.json: cannot read it: permission denied$"):
            load_template(file)

    @pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
    def test_an_unreadable_file_for_real(self, tmp_path: Path) -> None:
        file = write(tmp_path / "t.json", '{"Resources": {}}')
        file.chmod(0)
        with pytest.raises(InputError, match="permission denied"):
            load_template(file)

    def test_a_file_above_the_limit_is_refused_before_it_is_read(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        file = tmp_path / "big.json"
        with file.open("wb") as f:
            f.truncate(MAX_FILE_BYTES + 1)  # sparse: no need to write 8 MiB
        reads: list[int] = []
        real_read = os.read
        monkeypatch.setattr(cfn_files.os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
        with pytest.raises(InputError, match="8,388,609 bytes, more than the 8,388,608"):
            read_text(file)
        assert reads == []

    def test_encodings(self, tmp_path: Path) -> None:
        template = json.dumps({"Resources": {}})
        bom = tmp_path / "bom.json"
        bom.write_bytes(b"\xef\xbb\xbf" + template.encode())
        assert load_template(bom).template == {"Resources": {}}
        utf16 = tmp_path / "u16.json"
        utf16.write_bytes(template.encode("utf-16"))
        with pytest.raises(InputError, match="is UTF-16 or UTF-32 text; templates must be UTF-8"):
            load_template(utf16)
        latin = tmp_path / "l.yaml"
        latin.write_bytes("Description: caf\xe9\nResources: {}\n".encode("latin-1"))
        with pytest.raises(InputError, match=r"is not UTF-8 text \(byte 0xe9 at offset 16\)"):
            load_template(latin)
        garbage = tmp_path / "g.json"
        garbage.write_bytes(bytes(range(256)))
        with pytest.raises(InputError, match="holds NUL bytes"):
            load_template(garbage)
        with pytest.raises(InputError, match="is empty"):
            load_template(write(tmp_path / "e.yaml", "  \n"))


@pytest.mark.parametrize(
    "name", ["cdk_iam_roles.cfn", "cdk_iam_roles.cfn_files", "cdk_iam_roles.cfn_assembly"]
)
def test_module_doctests_pass(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
