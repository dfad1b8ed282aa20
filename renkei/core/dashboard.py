"""Dashboard panels that capabilities add to the home page, without core importing them.

Each app registers a function `panel(membership) -> dict | None` in its AppConfig.ready(); the dict
names the template to include (`"template"`) and holds what it shows. None means "nothing for this
membership". Panels ask the permission policy themselves, like any selector.
"""

from __future__ import annotations

from collections.abc import Callable

Panel = Callable[[object], dict | None]
_panels: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def panels_for(membership) -> list[dict]:
    """The panels this membership's home page shows, in registration order."""
    out = []
    for panel in _panels:
        content = panel(membership)
        if content:
            out.append(content)
    return out
