"""The region's rules in the one permission policy: one module per part, registered on import.

Who reads what (the issue's §1 and §5):
- a municipality's staff answer and confirm its implementation status; its staff and coordinators read it;
- the prefecture's staff (its office and its 保健所) read their own prefecture's municipalities;
- nobody else reads another municipality's unpublished answers; published ones and aggregates (counts of
  municipalities) are read by every municipality;
- nothing here reads patients, desk clients or respondents' names.
"""

from . import joint, practices, rules, status, workspace  # noqa: F401
