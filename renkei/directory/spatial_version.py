"""A counter that forces this process's in-memory spatial index to rebuild.

Single edits, closings and imports need no call: the index follows them through the audit log (see
`spatial`), and keeps itself when they moved nothing. Writers that change many positions at once without
one audit entry per facility (merges, the demo data) call `positions_changed()` after their commit.
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
