"""Indicator URLs: each view module lists its own routes (see directory/urls.py)."""

from .views import definitions, sharing, targets

app_name = "indicators"

urlpatterns: list = [
    *sharing.urlpatterns,
    *definitions.urlpatterns,
    *targets.urlpatterns,
]
