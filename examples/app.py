"""The examples app: one stack per pattern, plus an organisation set-up.

``make synth`` runs this through the top-level ``cdk.json``. Each module of
``examples/stacks`` defines ``build(app)``, which adds its stacks to the app.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import aws_cdk as cdk

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import examples.stacks as stacks  # noqa: E402
from cdk_iam_roles import IamRolesPlugin  # noqa: E402
from examples.standard import ORG_STANDARD  # noqa: E402

# A fixed environment: the examples synthesize offline, without credentials.
ACCOUNT = "111111111111"
REGION = "eu-west-1"


def build_app(app: cdk.App | None = None) -> cdk.App:
    """The examples app with every example stack, checked by the rules at synth."""
    app = app or cdk.App()
    cdk.Validations.of(app).add_plugins(IamRolesPlugin(org_standard=ORG_STANDARD))
    for module in sorted(pkgutil.iter_modules(stacks.__path__), key=lambda m: m.name):
        importlib.import_module(f"examples.stacks.{module.name}").build(app)
    cdk.Tags.of(app).add("owner", "platform-team")
    return app


if __name__ == "__main__":
    build_app().synth()
