"""The region demo's status part (see demo/__init__.py)."""

from __future__ import annotations


def build(city) -> list[str]:
    """Build this part for the demo prefecture of `city`; return the lines to print (none when built before)."""
    return []
