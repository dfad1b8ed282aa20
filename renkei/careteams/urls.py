"""careteams URLs: each view module lists its own routes."""

from .views import consent, emergency, patients, timeline

app_name = "careteams"

urlpatterns: list = [
    *patients.urlpatterns,
    *consent.urlpatterns,
    *timeline.urlpatterns,
    *emergency.urlpatterns,
]
