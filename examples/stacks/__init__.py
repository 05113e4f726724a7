"""Example stacks; each module defines ``build(app)``."""

from __future__ import annotations

import aws_cdk as cdk

ENV = cdk.Environment(account="111111111111", region="eu-west-1")
