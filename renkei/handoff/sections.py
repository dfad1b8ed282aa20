"""Sections of the handoff page that other parts of the app add (forms, conferences, FHIR documents).

`register(key, template, context, order=)`: `context(membership, handoff) -> dict` gives the section's template
its data (selectors only: it runs after the page's own policy check and read entry); the page renders the
sections in order. A section whose context returns None is left out (nothing to show to this viewer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    context: Callable
    order: int


_sections: dict[str, Section] = {}


def register(key: str, template: str, context: Callable, *, order: int = 50) -> None:
    _sections[key] = Section(key, template, context, order)


def rendered_sections(membership, handoff) -> list[dict]:
    """[{"key", "template", "context"}] for the handoff page, in order."""
    out = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        context = section.context(membership, handoff)
        if context is not None:
            out.append({"key": section.key, "template": section.template, "context": context})
    return out
