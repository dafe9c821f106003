"""Execution: build the package from its seeds, validate packages, report findings."""
