"""Validation layers. Each takes an opened Target and returns Findings; none prints."""
