"""Readers of outside formats for the region app (the survey's long answer CSV)."""
