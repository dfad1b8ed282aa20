"""Indicator URLs: each view module lists its own routes (see directory/urls.py)."""

from .views import imports

app_name = "indicators"

urlpatterns: list = [
    *imports.urlpatterns,
]
