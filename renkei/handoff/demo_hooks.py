"""The handoff demo step (after provision's)."""

from . import registrations


@registrations.on_ready
def register_demo() -> None:
    from renkei.core import demo_steps

    from .services.demo import build_handoff_demo, handoff_demo_summary

    demo_steps.register("handoff", build_handoff_demo, handoff_demo_summary, order=50)
