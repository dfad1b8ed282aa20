"""careteams URLs: each view module lists its own routes."""

from .views import consent, counts, emergency, patients, timeline

app_name = "careteams"

urlpatterns: list = [
    *counts.urlpatterns,  # before the patients' routes: /patients/counts/ is not a patient
    *patients.urlpatterns,
    *consent.urlpatterns,
    *timeline.urlpatterns,
    *emergency.urlpatterns,
]
