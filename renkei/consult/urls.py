"""Consultation desk URLs (/desk/): each view module lists its own routes."""

from .views import cases, desks, reports

app_name = "consult"

urlpatterns: list = [*desks.urlpatterns, *cases.urlpatterns, *reports.urlpatterns]
