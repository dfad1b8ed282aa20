"""Indicator URLs: each view module lists its own routes (see directory/urls.py)."""

from .views import dashboards, public

app_name = "indicators"

urlpatterns: list = [
    *dashboards.urlpatterns,
    *public.urlpatterns,
]
