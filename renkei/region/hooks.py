"""The modules whose @registrations.on_ready hooks must run: each part lists its module here (one line each)."""

import renkei.region.demo_hooks  # noqa: F401  (demo: the region's demo step)
