"""fhir screens."""

urlpatterns: list = []
