"""Sections of the handoff page that other parts of the app add (forms, conferences, FHIR documents).

See `core.page_sections`: `register(key, template, context, order=)` with `context(membership, handoff)`.
"""

from renkei.core.page_sections import PageSections

_page = PageSections()
register = _page.register
rendered_sections = _page.rendered
