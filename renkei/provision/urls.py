"""provision URLs (/provision/): each view module lists its own routes."""

from .views import enrolments, rota

app_name = "provision"

urlpatterns: list = [*rota.urlpatterns, *enrolments.urlpatterns]
