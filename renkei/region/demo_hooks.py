"""The region's demo step (after every other app's: it reads their demo work as evidence)."""

from . import registrations


@registrations.on_ready
def register_demo() -> None:
    from renkei.core import demo_steps

    from .demo import build_region_demo, region_demo_summary

    demo_steps.register("region", build_region_demo, region_demo_summary, order=80)
