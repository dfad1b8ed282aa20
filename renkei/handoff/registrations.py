"""What the handoff app adds to the rest of Renkei: home-page items, tabs, indicators, the demo step.

Each part adds its own `register_*` function below; `apps.HandoffConfig.ready` calls `register_all` once.
"""

from __future__ import annotations

from collections.abc import Callable

_registrations: list[Callable[[], None]] = []


def on_ready(function: Callable[[], None]) -> Callable[[], None]:
    """Run `function` when the app is ready (a decorator, so each module registers its own hooks)."""
    _registrations.append(function)
    return function


def register_all() -> None:
    # The modules that register things import here, so their @on_ready functions are collected.
    from . import hooks  # noqa: F401

    for function in _registrations:
        function()
