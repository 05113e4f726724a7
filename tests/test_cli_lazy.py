"""The command line loads only the module of the command it runs (start-up is a feature).

GIVEN ``cdk-iam-roles check``, WHEN it runs in a fresh interpreter, THEN the evaluator's
explain package and the symbolic engine behind ``diff`` are never imported; and every
command module's ``NAME`` is its module name, which the lazy lookup relies on.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

from cdk_iam_roles.cli import _command_names


def test_every_command_module_is_named_after_its_command() -> None:
    for name in _command_names():
        module = importlib.import_module(f"cdk_iam_roles.commands.{name}")
        assert name == module.NAME


def test_check_loads_neither_explain_nor_the_symbolic_engine(tmp_path: Path) -> None:
    template = tmp_path / "t.json"
    template.write_text(json.dumps({"Resources": {}}), encoding="utf-8")
    probe = (
        "import sys\n"
        "from cdk_iam_roles.cli import main\n"
        f"code = main(['check', {str(template)!r}])\n"
        "heavy = [m for m in sys.modules if m.startswith(('cdk_iam_roles.analysis.explain',"
        " 'cdk_iam_roles.analysis.symbolic', 'aws_cdk', 'jsii'))]\n"
        "print(code, heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "0 []"
