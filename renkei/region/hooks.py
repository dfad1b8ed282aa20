"""The modules whose @registrations.on_ready hooks must run: each part lists its module here (one line each)."""

import renkei.region.demo_hooks  # noqa: F401  (demo: the region's demo step)
import renkei.region.home_status  # noqa: F401  (status: the home page item of an open survey)
import renkei.region.item_evidence  # noqa: F401  (status: evidence for item (ク))
