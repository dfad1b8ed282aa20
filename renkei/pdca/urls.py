"""PDCA URLs: each view module lists its own routes (see directory/urls.py)."""

from .views import cycles, report

app_name = "pdca"

urlpatterns: list = [
    *cycles.urlpatterns,
    *report.urlpatterns,
]
