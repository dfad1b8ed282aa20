"""Setting a municipality's target for one indicator over one plan period (three fiscal years).

The plan period comes in as its first fiscal year (`?start=2024`), defaulting to the 介護保険事業計画 period
containing today: the indicators app does not read the PDCA app's plan periods.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.concurrency import StaleEdit, render_conflict
from renkei.core.models import Municipality

from ..forms import TargetForm
from ..selectors import definitions as selectors
from ..services.targets import indicator_target_save
from ..status import status_of
from .definitions import _definition, _start_year


def _municipality(request, definition_id, code, **kwargs) -> Municipality:
    return get_object_or_404(Municipality.objects.select_related("prefecture"), code=code)


@policy.requires("indicators.manage_targets", get_object=_municipality)
def target_edit_view(request, definition_id, code, obj):
    membership = request.membership
    definition = _definition(request, definition_id)
    start = int(request.POST.get("start") or 0) if (request.POST.get("start") or "").isdecimal() else None
    start = selectors.plan_period_start(start) if start and 1990 <= start <= 2200 else _start_year(request)
    target = selectors.target_for(definition, obj, start)
    form = TargetForm(request.POST or None, start_fiscal_year=start, target=target)
    context = {"definition": definition, "municipality": obj, "plan_start": start,
               "plan_end": start + selectors.PLAN_PERIOD_YEARS - 1, "plan_number": selectors.plan_period_number(start),
               "target": target}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            indicator_target_save(
                membership=membership, definition=definition, municipality=obj, start_fiscal_year=start,
                baseline_value=data["baseline_value"], baseline_fiscal_year=data["baseline_fiscal_year"],
                yearly=form.yearly(), final_value=data["final_value"], note=data["note"],
                expected_version=data.get("version"))
        except StaleEdit as stale:
            stored = selectors.target_for(definition, obj, start)
            context["target"] = stored
            return render_conflict(
                request, "indicators/targets/form.html", context, form=form,
                current_form=TargetForm(start_fiscal_year=start, target=stored),
                stale=stale,
                rebind=lambda post: TargetForm(post, start_fiscal_year=start, target=stored))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved the target of “%(code)s” for %(start)s–%(end)s.")
                             % {"code": definition.code, "start": start, "end": start + 2})
            url = reverse("indicators:definition_detail", kwargs={"definition_id": definition.pk})
            return redirect(f"{url}?area=M{obj.code}&start={start}")
    values = selectors.value_series(membership, definition, area_keys=[f"M{obj.code}"])
    context.update(form=form, status=status_of(target, values, definition.higher_is_better), values=values)
    return render(request, "indicators/targets/form.html", context, status=400 if form.errors else 200)


urlpatterns = [
    path("definitions/<int:definition_id>/targets/<str:code>/", target_edit_view, name="target_edit"),
]
