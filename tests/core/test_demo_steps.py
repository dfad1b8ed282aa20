"""The demo's steps: core asks the registry, the apps register in the order they build on each other."""

from renkei.core import demo_steps


def test_apps_register_their_demo_steps_in_the_order_they_build_on_each_other():
    assert [s.key for s in demo_steps.steps()] == ["directory", "pdca", "careteams", "provision", "handoff", "consult",
                                                   "training", "region"]


def test_a_step_built_before_prints_nothing():
    step = demo_steps.DemoStep("x", lambda: None, lambda result: [f"built {result}"], 1)
    assert demo_steps.summary_lines(step, None) == []
    assert demo_steps.summary_lines(step, 3) == ["built 3"]


def test_core_imports_no_app_for_the_demo():
    from pathlib import Path

    import renkei.core.management.commands.demo as command

    source = Path(command.__file__).read_text()
    for app in ("directory", "pdca", "careteams", "provision", "indicators"):
        assert f"renkei.{app}" not in source
