"""A counter that says when facility positions last changed, so in-memory spatial indexes know to rebuild.

Kept in the database-backed cache-free way: a row count would miss edits, so every writer that moves,
adds, closes or reopens facilities calls `positions_changed()` after its transaction commits.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_version = 0


def positions_changed() -> None:
    """Invalidate every in-memory index of facility positions in this process."""
    global _version
    with _lock:
        _version += 1


def current() -> int:
    return _version
