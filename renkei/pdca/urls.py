"""PDCA URLs: each view module lists its own routes (see directory/urls.py)."""

from .views import logic_models, plans, templates

app_name = "pdca"

urlpatterns: list = [
    *plans.urlpatterns,
    *logic_models.urlpatterns,
    *templates.urlpatterns,
]
