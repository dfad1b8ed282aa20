"""PDCA URLs: each view module lists its own routes (see directory/urls.py)."""

from .views import actions, councils, issues, meetings

app_name = "pdca"

urlpatterns: list = [
    *councils.urlpatterns,
    *meetings.urlpatterns,
    *issues.urlpatterns,
    *actions.urlpatterns,
]
