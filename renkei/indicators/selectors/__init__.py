"""Reads of indicators: definitions, values and their latest figures (see each module)."""
