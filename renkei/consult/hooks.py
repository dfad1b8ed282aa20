"""The modules whose @registrations.on_ready hooks must run: each part lists its module here (one line each)."""

import renkei.consult.demo_hooks  # noqa: F401  (demo: the desk demo step)
import renkei.consult.home_cases  # noqa: F401  (cases: home attention, the desk page's cases section)
import renkei.consult.indicators  # noqa: F401
import renkei.consult.item_evidence  # noqa: F401  (status: evidence for item (オ) of the implementation status)
