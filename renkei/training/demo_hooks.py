"""The training and awareness demo step (after the consultation desk's)."""

from . import registrations


@registrations.on_ready
def register_demo() -> None:
    from renkei.core import demo_steps

    from .services.demo import build_training_demo, training_demo_summary

    demo_steps.register("training", build_training_demo, training_demo_summary, order=70)
