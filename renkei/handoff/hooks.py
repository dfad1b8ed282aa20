"""The modules whose @registrations.on_ready hooks must run: each part lists its module here (one line each)."""
from . import workflow_hooks  # noqa: F401,E402  (workflow: patient tab, home attention)
