"""PDCA URLs: each view module lists its own routes (see directory/urls.py)."""

from .views import actions, councils, cycles, issues, logic_models, meetings, plans, report, templates

app_name = "pdca"

urlpatterns: list = [
    *plans.urlpatterns,
    *logic_models.urlpatterns,
    *templates.urlpatterns,
    *councils.urlpatterns,
    *meetings.urlpatterns,
    *issues.urlpatterns,
    *actions.urlpatterns,
    *cycles.urlpatterns,
    *report.urlpatterns,
]
