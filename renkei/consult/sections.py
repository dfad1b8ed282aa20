"""Sections other parts add to the desk's pages (see `core.page_sections`).

- `desk_page`: the desk's page (`context(membership, desk)`): the cases part adds the open cases here.
"""

from renkei.core.page_sections import PageSections

desk_page = PageSections()
