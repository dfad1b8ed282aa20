"""The modules whose @registrations.on_ready hooks must run: each part lists its module here (one line each)."""
from . import demo_hooks  # noqa: F401
from .views import fhir as _fhir_views  # noqa: F401  (FHIR documents: the handoff page section)
