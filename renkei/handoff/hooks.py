"""The modules whose @registrations.on_ready hooks must run: each part lists its module here (one line each)."""
from .views import fhir as _fhir_views  # noqa: E402,F401  (FHIR documents: the handoff page section)
