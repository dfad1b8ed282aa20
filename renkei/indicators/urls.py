"""Indicator URLs: each view module lists its own routes (see directory/urls.py)."""

from .views import dashboards, definitions, imports, public, sharing, targets

app_name = "indicators"

urlpatterns: list = [
    *dashboards.urlpatterns,
    *public.urlpatterns,
    *imports.urlpatterns,
    *sharing.urlpatterns,
    *definitions.urlpatterns,
    *targets.urlpatterns,
]
