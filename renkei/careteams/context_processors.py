"""The break-glass banner: on every page while the member's emergency access to a patient lasts."""

from .selectors.break_glass import running_break_glass


def break_glass(request):
    membership = getattr(request, "membership", None)
    if membership is None or getattr(request, "two_factor_pending", False):
        return {"break_glass_running": []}
    return {"break_glass_running": running_break_glass(membership)}
