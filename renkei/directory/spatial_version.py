"""A counter that forces this process's in-memory spatial index to rebuild.

Single edits, closings and imports need no call: the index follows them through the audit log (see
`spatial`), and keeps itself when they moved nothing. Merges and the demo data still call
`positions_changed()` after their commit (rare; a rebuild there costs little).
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
