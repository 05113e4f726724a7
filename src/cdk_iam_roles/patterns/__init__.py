"""The CDK faces of the role patterns, one module each (these modules import aws_cdk)."""
