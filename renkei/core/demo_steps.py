"""The demo's steps after the core: each app registers how it builds its part and what to print about it.

Core uses no app (imports point down), so `renkei demo` asks this registry instead of importing the apps'
demo modules. An app registers from its AppConfig.ready():

    demo_steps.register("pdca", build_pdca_demo, summarize, order=20)

`build()` returns what it built, or None when the demo was built before; `summarize(result)` turns that into
the lines `renkei demo` prints (nothing for None).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DemoStep:
    key: str
    build: Callable[[], Any]
    summarize: Callable[[Any], list[str]]
    order: int


_steps: dict[str, DemoStep] = {}


def register(key: str, build: Callable[[], Any], summarize: Callable[[Any], list[str]], *, order: int) -> None:
    _steps[key] = DemoStep(key, build, summarize, order)


def steps() -> list[DemoStep]:
    """The registered steps in the order they build (an app building on another comes after it)."""
    return sorted(_steps.values(), key=lambda s: (s.order, s.key))


def summary_lines(step: DemoStep, result: Any) -> list[str]:
    return step.summarize(result) if result else []
