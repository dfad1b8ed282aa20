"""Sections of a page that other parts of an app (or other apps) add, so a page never imports its contributors.

`sections.register(key, template, context, order=)`: `context(membership, obj) -> dict | None` gives the section's
template its data (selectors only: it runs after the page's own policy check and read entry); the page renders the
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


class PageSections:
    def __init__(self) -> None:
        self._sections: dict[str, Section] = {}

    def register(self, key: str, template: str, context: Callable, *, order: int = 50) -> None:
        self._sections[key] = Section(key, template, context, order)

    def rendered(self, membership, obj) -> list[dict]:
        """[{"key", "template", "context"}] for the page, in order."""
        out = []
        for section in sorted(self._sections.values(), key=lambda s: (s.order, s.key)):
            context = section.context(membership, obj)
            if context is not None:
                out.append({"key": section.key, "template": section.template, "context": context})
        return out
