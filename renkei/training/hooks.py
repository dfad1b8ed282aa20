"""The modules whose @registrations.on_ready hooks must run: each part lists its module here (one line each)."""

import renkei.training.awareness_hooks  # noqa: F401  (awareness: the residents' portal link to the calendar)
import renkei.training.awareness_indicators  # noqa: F401  (awareness: indicator providers)
import renkei.training.demo_hooks  # noqa: F401  (demo: the training and awareness demo step)
import renkei.training.indicators  # noqa: F401
import renkei.training.item_evidence  # noqa: F401  (status: evidence for items (カ)(キ) of the implementation status)
import renkei.training.survey_indicators  # noqa: F401  (surveys: the improved-share indicator provider)
import renkei.training.survey_sections  # noqa: F401  (surveys: the series page section)
