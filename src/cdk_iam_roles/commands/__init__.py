"""Subcommands of ``cdk-iam-roles``; each module: NAME, HELP, configure(parser), run(args)."""
