"""Calibration targets and stylized facts: ``longjiang validate`` (docs/validation.md)."""
