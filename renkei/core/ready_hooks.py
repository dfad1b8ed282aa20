"""Functions an app runs once when it is ready (home-page items, indicator providers, the demo step…).

An app keeps one `ReadyHooks` in its `registrations.py`; each of its modules decorates its own function with
`registrations.on_ready`, and the app's `hooks.py` imports those modules (one line each, so parts never edit the
same line). `AppConfig.ready()` calls `register_all()`.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module


class ReadyHooks:
    def __init__(self, hooks_module: str):
        self.hooks_module = hooks_module
        self.functions: list[Callable[[], None]] = []

    def on_ready(self, function: Callable[[], None]) -> Callable[[], None]:
        """Run `function` when the app is ready (a decorator)."""
        self.functions.append(function)
        return function

    def register_all(self) -> None:
        # Importing the hooks module imports every module that decorated a function.
        import_module(self.hooks_module)
        for function in self.functions:
            function()
