"""handoff URLs (/handoffs/): each view module lists its own routes."""

from .views import conferences, documents, fhir, measures, rules, workflow

app_name = "handoff"

urlpatterns: list = [*workflow.urlpatterns, *documents.urlpatterns, *conferences.urlpatterns, *rules.urlpatterns,
                     *measures.urlpatterns, *fhir.urlpatterns]
