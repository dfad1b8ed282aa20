"""Region URLs (/region/): each view module lists its own routes."""

from .views import joint, practices, rules, status, survey, workspace

app_name = "region"

urlpatterns: list = [*workspace.urlpatterns, *status.urlpatterns, *survey.urlpatterns, *rules.urlpatterns,
                     *joint.urlpatterns, *practices.urlpatterns]
