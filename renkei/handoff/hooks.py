"""The modules whose @registrations.on_ready hooks must run: each part lists its module here (one line each)."""

import renkei.handoff.demo_hooks  # noqa: F401
import renkei.handoff.document_hooks  # noqa: F401  (forms: home items for forms received)
import renkei.handoff.home_conferences  # noqa: F401  (conferences: home attention, the handoff page section)
import renkei.handoff.indicators  # noqa: F401  (measures: indicator providers)
import renkei.handoff.item_evidence  # noqa: F401  (status: evidence for item (エ) of the implementation status)
import renkei.handoff.views.fhir  # noqa: F401  (FHIR documents: the handoff page section)
import renkei.handoff.workflow_hooks  # noqa: F401  (workflow: the patient tab, home attention)
