"""Directory URLs: each view module lists its own routes, so screens can grow without touching this file."""

from .views import corrections, coverage, exports, facilities, imports, maps, portal, surveys, taxonomy

app_name = "directory"

urlpatterns = [
    *facilities.urlpatterns,
    *taxonomy.urlpatterns,
    *imports.urlpatterns,
    *surveys.urlpatterns,
    *corrections.urlpatterns,
    *coverage.urlpatterns,
    *exports.urlpatterns,
    *maps.urlpatterns,
]

# The resident portal lives outside the login area, under its own prefix (see renkei/urls.py).
portal_urlpatterns = portal.urlpatterns
