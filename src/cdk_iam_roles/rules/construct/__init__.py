"""Construct-time rules, one module per pattern family; each defines ``RuleInfo`` constants."""
