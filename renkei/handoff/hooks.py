"""The modules whose @registrations.on_ready hooks must run: each part lists its module here (one line each)."""
from . import demo_hooks  # noqa: F401
from .workflow_hooks import register_workflow  # noqa: F401  (workflow: the patient tab, home attention)
