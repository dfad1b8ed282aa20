"""The modules whose @registrations.on_ready hooks must run: each part lists its module here (one line each)."""

import renkei.consult.home_cases  # noqa: F401  (cases: home attention, the desk page's cases section)
