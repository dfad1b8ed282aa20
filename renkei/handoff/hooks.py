"""The modules whose @registrations.on_ready hooks must run: each part lists its module here (one line each)."""
from . import (
    demo_hooks,  # noqa: F401
    indicators,  # noqa: F401  (measures: indicator providers)
)
