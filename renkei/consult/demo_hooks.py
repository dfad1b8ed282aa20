"""The consultation desk's demo step (after the directory's, the PDCA's and the handoff's)."""

from . import registrations


@registrations.on_ready
def register_demo() -> None:
    from renkei.core import demo_steps

    from .services.demo import build_desk_demo, desk_demo_summary

    demo_steps.register("consult", build_desk_demo, desk_demo_summary, order=60)
