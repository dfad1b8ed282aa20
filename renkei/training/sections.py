"""Sections other parts add to the training pages (see `core.page_sections`).

- `series_page`: the series page (`context(membership, series)`): the surveys part adds its links and effect
  summary here.
- `awareness_page`: an awareness activity's page (`context(membership, activity)`).
"""

from renkei.core.page_sections import PageSections

series_page = PageSections()
awareness_page = PageSections()
