"""Fuzzing every command with mutated real-shaped templates.

GIVEN a real-shaped template (the corpus, and one the CDK synthesized from every pattern)
mutated at random places (objects turned into JSON text and back, values of the wrong
type, intrinsic functions wrapped around values, deep nesting, elements deleted), WHEN
each command reads it, THEN it never raises, never prints a traceback or an internal
error, and exits 0, 1 or 2.

``FUZZ_EXAMPLES`` raises the number of templates tried (the suite runs the default).
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdk_iam_roles.cfn import load_template
from cdk_iam_roles.cli import main

CORPUS = Path(__file__).parent.parent / "corpus"
BASES: list[dict[str, Any]] = [
    json.loads(json.dumps(dict(load_template(p).template), default=str))
    for p in sorted(CORPUS.iterdir())
    if p.suffix in (".json", ".yaml")
]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "120"))

_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.text(max_size=12),
    st.sampled_from(["*", "arn:aws:iam::*:root", "sts:AssumeRole", "Allow", "Deny", "o-*"]),
)
_json = st.recursive(
    _leaf,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.extend(_paths(item, (*prefix, index)))
    return out


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def _set(root: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    _get(root, path[:-1])[path[-1]] = new
    return root


def _mutate(data: st.DataObject, value: Any) -> Any:
    kind = data.draw(
        st.sampled_from(["to-text", "from-text", "replace", "wrap", "nest", "delete", "duplicate"])
    )
    if kind == "to-text":
        return json.dumps(value, default=str)
    if kind == "from-text" and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if kind == "replace":
        return data.draw(_json)
    if kind == "wrap":
        return data.draw(
            st.sampled_from(
                [
                    {"Fn::Sub": json.dumps(value, default=str)},
                    {"Fn::If": ["Cond", value, {"Ref": "AWS::NoValue"}]},
                    {"Fn::If": ["Cond", value, value]},
                    {"Fn::Join": ["", [json.dumps(value, default=str)]]},
                    {"Ref": "Unknown"},
                    {"Ref": "AWS::NoValue"},
                    {"Fn::GetAtt": ["Missing", "Arn"]},
                    {"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "k"]},
                    {"Fn::ToJsonString": value},
                    {"Fn::Select": [5, value]},
                ]
            )
        )
    if kind == "nest":
        for _ in range(data.draw(st.integers(1, 60))):
            value = [value]
        return value
    if kind == "duplicate" and isinstance(value, list):
        return value + value
    return "__delete__"


@st.composite
def mutated_templates(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(st.data())
    template = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(template)
        path = draw(st.sampled_from(paths[1:] if len(paths) > 1 else paths))
        new = _mutate(data, _get(template, path))
        if new == "__delete__" and path:
            parent = _get(template, path[:-1])
            del parent[path[-1]]
        else:
            template = _set(template, path, new)
    return template if isinstance(template, dict) else {"Resources": template}


COMMANDS = [
    ["check", "{}", "--format", "json"],
    ["check", "{}", "--format", "sarif"],
    ["catalog", "{}", "--format", "json"],
    ["catalog", "{}", "--format", "html"],
    ["profiles", "{}"],
    ["explain", "{}", "--role", "DeployRole", "--principal", "arn:aws:iam::999999999999:root"],
    ["explain", "{}", "--role", "OpenToAnyone", "--principal", "lambda.amazonaws.com"],
    ["diff", "{base}", "{}", "--format", "json"],
    ["access", "{}", "--trusted-account", "111111111111"],
]


@settings(max_examples=EXAMPLES, deadline=None)
@given(template=mutated_templates())
def test_no_command_fails_on_a_mutated_template(
    template: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.json"
        path.write_text(json.dumps(template, default=str), encoding="utf-8")
        base = Path(folder) / "base.json"  # diff: the corpus template before the mutation
        base.write_text(json.dumps(BASES[0]), encoding="utf-8")
        for command in COMMANDS:
            argv = [{"{}": str(path), "{base}": str(base)}.get(a, a) for a in command]
            code = main(argv)
            out, err = capsys.readouterr()
            assert code in (0, 1, 2), argv
            assert "Traceback" not in out + err
            assert "internal error" not in err, (argv, err)
            assert "could not check this stack" not in out, (argv, out[:2000])
            if code == 2:
                assert len(err.strip().splitlines()) == 1, err
