"""The modules whose @registrations.on_ready hooks must run: each part lists its module here (one line each)."""
import renkei.training.awareness_hooks  # noqa: F401  (awareness: the residents' portal link to the calendar)
import renkei.training.awareness_indicators  # noqa: F401  (awareness: indicator providers)
