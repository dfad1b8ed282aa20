"""The modules whose @registrations.on_ready hooks must run: each part lists its module here (one line each)."""
from . import (
    demo_hooks,  # noqa: F401
    document_hooks,  # noqa: F401  (forms: section, home attention)
)
