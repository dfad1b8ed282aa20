"""Generators of synthetic national-scale input files (our own code, no third-party data)."""
