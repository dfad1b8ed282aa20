"""Indicator URLs: each view module lists its own routes (see directory/urls.py)."""

from .views import definitions, imports, sharing, targets

app_name = "indicators"

urlpatterns: list = [
    *imports.urlpatterns,
    *sharing.urlpatterns,
    *definitions.urlpatterns,
    *targets.urlpatterns,
]
