"""Hypothesis strategies, one module per area (common, service, cross_account, …)."""
